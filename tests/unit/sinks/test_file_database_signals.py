"""Signals during a SQLite or DuckDB load: the database keeps exactly what it had.

Real subprocesses (``python -m synthwright generate --db ...``) replacing a
table that an earlier load filled; each signal is sent once the load's
transaction has begun (its journal or WAL file exists). Every catchable signal
rolls the transaction back; after SIGKILL the database's own recovery drops
the uncommitted work the next time it is opened. DuckDB writes its WAL only
at commit, so its runs are signalled a fixed time into a load far too large
to finish by then.
"""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")


def _spec(rows: int) -> dict[str, object]:
    return {
        "version": 1,
        "tables": {
            "t": {
                "rows": rows,
                "columns": {
                    "id": {"type": "id"},
                    "a": {"type": "int", "min": 0, "max": 1_000_000},
                    "c": {"type": "category", "values": ["x", "y", "z"]},
                },
            }
        },
    }


def _run(spec: Path, url: str) -> subprocess.Popen[str]:
    args = ["generate", str(spec), "--db", url, "--if-exists", "replace"]
    return subprocess.Popen(
        [sys.executable, "-m", "synthwright", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _rows(kind: str, path: Path) -> list[tuple[object, ...]]:
    if kind == "sqlite":
        with sqlite3.connect(path) as con:
            return con.execute("SELECT id, a, c FROM t ORDER BY id").fetchall()
    import duckdb

    con = duckdb.connect(str(path))
    try:
        return con.execute("SELECT id, a, c FROM t ORDER BY id").fetchall()
    finally:
        con.close()


def _journal(kind: str, path: Path) -> Path:
    return path.with_name(path.name + ("-journal" if kind == "sqlite" else ".wal"))


@pytest.mark.parametrize("kind", ["sqlite", "duckdb"])
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGKILL])
def test_a_signal_mid_load_leaves_the_database_as_it_was(
    tmp_path: Path, kind: str, sig: signal.Signals
) -> None:
    path = tmp_path / f"x.{kind}"
    url = f"{kind}:///{path}"
    small, big = tmp_path / "small.yaml", tmp_path / "big.yaml"
    small.write_text(yaml.safe_dump(_spec(50)))
    big.write_text(yaml.safe_dump(_spec(3_000_000 if kind == "sqlite" else 20_000_000)))
    first = _run(small, url)
    assert first.wait(timeout=120) == 0, first.communicate()
    before = _rows(kind, path)
    assert len(before) == 50

    proc = _run(big, url)
    if kind == "sqlite":
        deadline = time.monotonic() + 90
        while not _journal(kind, path).exists() and time.monotonic() < deadline:
            assert proc.poll() is None, proc.communicate()
            time.sleep(0.02)
        time.sleep(0.3)  # well inside the load: 3M rows take several seconds
    else:
        time.sleep(4.0)  # start-up and the first blocks; 20M rows take far longer
    assert proc.poll() is None, "the load ended before the signal"
    proc.send_signal(sig)
    proc.communicate(timeout=120)
    assert proc.returncode != 0
    if sig != signal.SIGKILL:
        assert proc.returncode == 128 + sig
    assert _rows(kind, path) == before
