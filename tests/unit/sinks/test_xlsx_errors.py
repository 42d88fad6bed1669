"""xlsxwriter's own errors still become located SinkErrors, without importing it up front."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pytest

from synthwright.errors import SinkError
from synthwright.sinks import _xlsx
from synthwright.sinks._base import TableMeta
from synthwright.sinks.files import FileSink

META = TableMeta("t", pa.schema([("id", pa.int64())]), primary_key="id")


def test_an_xlsxwriter_error_is_a_located_sink_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from xlsxwriter.exceptions import XlsxWriterException

    def broken(self: object, batch: pa.RecordBatch) -> None:
        raise XlsxWriterException("worksheet is full")

    monkeypatch.setattr(_xlsx.XlsxWriter, "write", broken)
    out = tmp_path / "out"
    batch = pa.record_batch([pa.array([1, 2])], schema=META.schema)
    with pytest.raises(SinkError) as info, FileSink(out, "xlsx").session([META]) as sink:
        sink.write_batch("t", batch)
    assert [(p.location, p.message) for p in info.value.problems] == [
        ("t.xlsx", "could not write: worksheet is full")
    ]
    assert isinstance(info.value.__cause__, ValueError)
    assert not out.exists()


def test_other_formats_do_not_import_xlsxwriter(tmp_path: Path) -> None:
    code = (
        "import sys, pyarrow as pa\n"
        "from synthwright.sinks._base import TableMeta\n"
        "from synthwright.sinks.files import FileSink\n"
        "meta = TableMeta('t', pa.schema([('id', pa.int64())]))\n"
        f"with FileSink({str(tmp_path)!r}, 'parquet').session([meta]) as s:\n"
        "    s.write_batch('t', pa.record_batch([pa.array([1])], schema=meta.schema))\n"
        "print('xlsxwriter' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
