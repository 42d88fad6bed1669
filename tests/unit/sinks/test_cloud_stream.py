"""Cloud output streams: uploads grow while the run goes, no local copy, nothing left on failure.

Against moto's S3 server (see test_cloud.py): a table of several blocks is
uploaded part by part as it is generated, with the local temporary directory
empty all along; a failure after parts were sent, and a process killed
outright, leave nothing under the prefix, and the next run sweeps the
killed run's unfinished upload.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

import synthwright as sw
from synthwright.errors import SinkError

from .test_cloud import BUCKET, _keys, s3, s3_endpoint  # noqa: F401 - fixtures

pytest.importorskip("s3fs")

ROWS = 300_000  # five engine blocks; about 14 MB of CSV


def _big(rows: int = ROWS) -> dict[str, Any]:
    return {
        "version": 1,
        "name": "big",
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


def _uploads(fs: Any, prefix: str) -> list[dict[str, Any]]:
    key = prefix.split("/", 1)[1]
    return [u for u in fs.list_multipart_uploads(BUCKET) if u["Key"].startswith(key + "/")]


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict[str, list[Any]]:
    """Record, at every batch the cloud sink takes, the bytes already uploaded and local files."""
    from synthwright.sinks import cloud

    local = tmp_path / "tmp"
    local.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(local))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(cloud, "BLOCK", 5 * 2**20)  # S3's smallest part: several parts here
    seen: dict[str, list[Any]] = {"uploaded": [], "local": []}
    real = cloud.CloudSink._write

    def write(self: Any, meta: Any, batch: Any) -> None:
        real(self, meta, batch)
        seen["uploaded"].append(sum(f.offset or 0 for f in self._files.values()))
        seen["local"].append(sorted(str(p) for p in tmp_path.rglob("*") if p.is_file()))

    monkeypatch.setattr(cloud.CloudSink, "_write", write)
    return seen


@pytest.mark.parametrize("fmt", ["csv", "parquet", "jsonl"])
def test_a_large_table_streams_with_no_local_copy(
    s3: Any,  # noqa: F811 - the fixture
    spy: dict[str, list[Any]],
    fmt: str,
) -> None:
    prefix = f"{BUCKET}/stream-{fmt}"
    ds = sw.generate(_big())
    written = ds.write(f"s3://{prefix}/", format=fmt)
    assert written == [f"s3://{prefix}/readings.{fmt}"]
    assert len(spy["uploaded"]) == 5  # one call per engine block
    # parts went up while the run was going, and more with each block
    assert spy["uploaded"][1] > 0 if fmt != "parquet" else spy["uploaded"][-1] > 0
    assert spy["uploaded"] == sorted(spy["uploaded"])
    assert spy["local"] == [[]] * 5  # nothing on local disk, at any point
    assert _keys(s3, prefix) == [f"readings.{fmt}"]
    size = s3.info(f"{prefix}/readings.{fmt}")["size"]
    assert size > 5 * 2**20
    assert spy["uploaded"][-1] < size  # the last part went up at close
    assert _uploads(s3, prefix) == []


def test_round_trip_of_a_streamed_parquet(s3: Any, tmp_path: Path) -> None:  # noqa: F811
    import pyarrow.parquet as pq

    prefix = f"{BUCKET}/stream-rt"
    ds = sw.generate(_big(100_000))
    ds.write(f"s3://{prefix}/", format="parquet")
    with s3.open(f"{prefix}/readings.parquet", "rb") as f:
        back = pq.read_table(f)
    assert back.equals(ds["readings"])


def test_nested_and_sql_stream_too(s3: Any, spy: dict[str, list[Any]]) -> None:  # noqa: F811
    spec = json.loads(json.dumps(_big(1_000)))
    spec["tables"]["events"] = {
        "per_parent": {"table": "readings", "dist": {"poisson": {"lam": 2}}, "max": 5},
        "columns": {"id": {"type": "id"}, "reading_id": {"ref": "readings.id"}},
    }
    prefix = f"{BUCKET}/stream-nest"
    ds = sw.generate(spec)
    ds.write(f"s3://{prefix}/", format="jsonl", nest=["readings.events"])
    lines = s3.cat_file(f"{prefix}/readings.jsonl").decode().splitlines()
    assert sum(len(json.loads(x)["events"]) for x in lines) == ds["events"].num_rows
    ds.write(f"s3://{prefix}-sql/", format="sql")
    text = s3.cat_file(f"{prefix}-sql/events.sql").decode()
    assert text.startswith("-- synthwright: table events") and text.endswith("COMMIT;\n")
    assert _keys(s3, f"{prefix}-sql") == ["events.sql", "readings.sql"]


def test_a_failure_after_parts_were_sent_leaves_nothing(
    s3: Any,  # noqa: F811
    spy: dict[str, list[Any]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The fourth block fails: three blocks' parts were uploaded; all of it goes."""
    from synthwright.sinks import cloud

    prefix = f"{BUCKET}/stream-fail"
    s3.pipe(f"{prefix}/readings.csv", b"an,earlier,run\n")
    streamed = cloud.CloudSink._write  # the spy

    def failing(self: Any, meta: Any, batch: Any) -> None:
        if len(spy["uploaded"]) == 3:
            raise OSError("disk on fire")
        streamed(self, meta, batch)

    monkeypatch.setattr(cloud.CloudSink, "_write", failing)
    with pytest.raises(SinkError, match="disk on fire"):
        sw.generate(_big()).write(f"s3://{prefix}/", format="csv")
    assert spy["uploaded"][-1] > 0  # the failure came after data had gone up
    assert _keys(s3, prefix) == ["readings.csv"]  # no temporary prefix, the old file kept
    assert s3.cat_file(f"{prefix}/readings.csv") == b"an,earlier,run\n"
    assert _uploads(s3, prefix) == []  # the multipart upload was aborted
    assert spy["local"][-1] == []


def test_a_killed_run_leaves_nothing_and_the_next_run_sweeps_it(
    s3: Any,  # noqa: F811
    s3_endpoint: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    prefix = f"{BUCKET}/stream-killed"
    spec = tmp_path / "big.json"
    spec.write_text(json.dumps(_big(3_000_000)))
    env = {**os.environ, "AWS_ENDPOINT_URL": s3_endpoint}
    cmd = [sys.executable, "-m", "synthwright", "generate", str(spec), "--format", "csv"]
    proc = subprocess.Popen(
        [*cmd, "--out", f"s3://{prefix}/"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while not _uploads(s3, prefix) and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert proc.poll() is None, "the run ended before its first part was uploaded"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait()
    assert _keys(s3, prefix) == []  # nothing under the prefix, not even a temporary one
    left = _uploads(s3, prefix)
    assert left and all(f"-{proc.pid}-" in u["Key"] for u in left)  # only invisible parts
    small = tmp_path / "small.json"
    small.write_text(json.dumps(_big(10)))
    done = subprocess.run(
        [*cmd[:4], str(small), "--format", "csv", "--out", f"s3://{prefix}/"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert _keys(s3, prefix) == ["readings.csv"]
    assert _uploads(s3, prefix) == []  # the dead run's upload was aborted by the sweep
