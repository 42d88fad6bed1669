"""Peak memory of ``--out s3://...`` against a local directory: streamed uploads stay flat.

Run: ``python bench/cloud.py [--rows 500000 2000000] [--format csv]`` (needs the
``cloud`` extra and moto, which serves S3 on localhost for the run).

Each figure is a ``synthwright generate`` subprocess timed from outside, its
peak resident memory read with ``resource.getrusage(RUSAGE_CHILDREN)`` in a
fresh parent per run. The cloud sink streams each file into a multipart
upload (a part per ``sinks.cloud.BLOCK`` bytes), so its peak should not grow
with the object's size; the local run is the baseline. moto keeps the
objects in this process's memory, not in the measured child.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import load_line, machine

_MEASURE = (
    "import resource, subprocess, sys, time, json\n"
    "t = time.perf_counter()\n"
    "r = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
    "print(json.dumps([r.returncode, time.perf_counter() - t,\n"
    "    resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, r.stderr[-1500:]]))\n"
)
BUCKET = "bench-bucket"


def _spec(rows: int) -> dict[str, Any]:
    return {
        "version": 1,
        "seed": 3,
        "tables": {
            "readings": {
                "rows": rows,
                "columns": {
                    "id": {"type": "id"},
                    "device": {"type": "string", "pattern": "dev-####-????"},
                    "value": {"type": "float", "min": 0, "max": 1000},
                    "at": {"type": "datetime", "min": "2024-01-01", "max": "2024-12-31"},
                },
            }
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[500_000, 2_000_000])
    parser.add_argument("--format", default="csv", choices=["csv", "jsonl", "parquet"])
    args = parser.parse_args()
    import logging

    import s3fs
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    env = {
        **{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": endpoint,
    }
    fs = s3fs.S3FileSystem(client_kwargs={"endpoint_url": endpoint}, key="bench", secret="bench")
    fs.mkdir(BUCKET)
    lines = []
    try:
        with tempfile.TemporaryDirectory(prefix="bench-cloud-") as tmp:
            for rows in args.rows:
                spec = Path(tmp) / f"spec-{rows}.json"
                spec.write_text(json.dumps(_spec(rows)))
                for out in (str(Path(tmp) / f"local-{rows}"), f"s3://{BUCKET}/run-{rows}/"):
                    cmd = [sys.executable, "-m", "synthwright", "generate", str(spec)]
                    cmd += ["--format", args.format, "--out", out]
                    done = subprocess.run(
                        [sys.executable, "-c", _MEASURE, *cmd],
                        env=env,
                        capture_output=True,
                        text=True,
                        check=True,
                    )
                    rc, seconds, peak, err = json.loads(done.stdout)
                    if rc:
                        raise SystemExit(err)
                    where = "s3 (moto)" if out.startswith("s3") else "local dir"
                    if out.startswith("s3"):
                        size = fs.info(f"{BUCKET}/run-{rows}/readings.{args.format}")["size"]
                    else:
                        size = (Path(out) / f"readings.{args.format}").stat().st_size
                    lines.append(f"| {rows:,} | {where} | {seconds:.1f} | {peak:.0f} | {size:,} |")
    finally:
        server.stop()
    print(f"# cloud bench: --format {args.format}; {machine()}; {load_line()}")
    print("| rows | --out | wall s | peak RSS MiB | bytes |")
    print("|---|---|---|---|---|")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
