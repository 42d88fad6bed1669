"""Offline provision time: ``synthwright provision run`` as a whole process, per fixture site.

The three fictional sites of ``tests/fixtures/sites/`` are served on
loopback; each is provisioned by a CLI subprocess into a fresh folder (the
cold figure: start-up, imports, crawl, research, spec, generation and load
into DuckDB, golden queries with their second forms, demo script), then
once more into the same folder (the warm figure: every stage reused, no
network). Wall and CPU seconds per run, and the seconds of each stage as
the job recorded them. The brief asks for under 5 minutes; the target is
under 30 s.

    .venv/bin/python bench/provision.py [--scale 1.0] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._common import machine  # noqa: E402

SITES = ROOT / "tests" / "fixtures" / "sites"


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def _serve(name: str) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(SITES / name)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _run(url: str, out: Path, scale: float) -> dict[str, Any]:
    argv = [sys.executable, "-m", "synthwright", "provision", "run", url, "--out", str(out),
            "--scale", str(scale), "--json"]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, env=env, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"provision of {url} failed:\n{done.stderr}{done.stdout}")
    summary = json.loads(done.stdout)
    return {
        "seconds": round(wall, 2),
        "cpu_seconds": round(
            after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, 2
        ),
        "stages": {s["stage"]: [s["status"], s.get("seconds", 0.0)] for s in summary["stages"]},
        "rows": sum(summary["rows"].values()),
        "golden_queries": summary["golden_queries"],
        "domain": summary["business_domain"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results: dict[str, Any] = {"machine": machine(), "scale": args.scale, "sites": {}}
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("vet", "saas", "restaurant"):
            server = _serve(name)
            url = f"http://127.0.0.1:{server.server_address[1]}/"
            try:
                out = Path(tmp) / name
                cold = _run(url, out, args.scale)
                warm = _run(url, out, args.scale)
            finally:
                server.shutdown()
                server.server_close()
            results["sites"][name] = {"cold": cold, "warm": warm}
    worst = max(s["cold"]["seconds"] for s in results["sites"].values())
    results["worst_cold_seconds"] = worst
    results["target_seconds"] = 30
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"provision offline, whole CLI process, scale {args.scale} ({results['machine']})")
    for name, r in results["sites"].items():
        c, w = r["cold"], r["warm"]
        stages = ", ".join(f"{k} {v[1]:.2f}" for k, v in c["stages"].items())
        print(
            f"  {name:<10} {c['domain']:<18} cold {c['seconds']:6.2f} s wall ({c['cpu_seconds']:.2f} s CPU),"
            f" {c['rows']} rows, {c['golden_queries']} golden; rerun {w['seconds']:.2f} s (all reused)"
        )
        print(f"             stages: {stages}")
    print(f"worst cold run: {worst:.2f} s (target < 30 s)")


if __name__ == "__main__":
    main()
