"""Parquet is written on a background thread: same bytes, same errors, nothing left over."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from synthwright.errors import SinkError
from synthwright.sinks._base import TableMeta
from synthwright.sinks._writers import ParquetWriter
from synthwright.sinks.files import FileSink

SCHEMA = pa.schema([("id", pa.int64()), ("name", pa.string()), ("x", pa.float64())])
META = TableMeta("t", SCHEMA, primary_key="id")


def batches(count: int = 6, rows: int = 5000) -> list[pa.RecordBatch]:
    rng = np.random.default_rng(7)
    out = []
    for b in range(count):
        ids = np.arange(b * rows, (b + 1) * rows, dtype=np.int64)
        names = pa.array([f"n{v % 97}" for v in ids.tolist()], type=pa.string())
        out.append(pa.record_batch([pa.array(ids), names, pa.array(rng.random(rows))], SCHEMA))
    return out


def test_bytes_equal_a_plain_writer_loop(tmp_path: Path) -> None:
    data = batches()
    plain = pq.ParquetWriter(str(tmp_path / "plain.parquet"), SCHEMA, compression="snappy")
    for batch in data:
        plain.write_batch(batch)
    plain.close()
    ours = ParquetWriter(tmp_path / "ours.parquet", META)
    for batch in data:
        ours.write(batch)
    ours.close()
    assert (tmp_path / "ours.parquet").read_bytes() == (tmp_path / "plain.parquet").read_bytes()
    assert pq.read_table(tmp_path / "ours.parquet").num_rows == 6 * 5000


def test_a_failed_background_write_surfaces_and_the_sink_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    real = pq.ParquetWriter.write_batch

    def flaky(self: pq.ParquetWriter, batch: pa.RecordBatch, *a: object, **k: object) -> None:
        calls.append(1)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real(self, batch)

    monkeypatch.setattr(pq.ParquetWriter, "write_batch", flaky)
    out = tmp_path / "out"
    sink = FileSink(out, "parquet")
    with pytest.raises(SinkError, match="No space left"), sink.session([META]) as s:
        for batch in batches():
            s.write_batch("t", batch)
    assert not out.exists()  # the directory it made is gone again, temporary files too


def test_discard_after_a_failure_does_not_raise(tmp_path: Path) -> None:
    writer = ParquetWriter(tmp_path / "t.parquet", META)
    writer.write(batches(1)[0])
    wrong = pa.record_batch([pa.array([1])], names=["other"])
    writer.write(wrong)  # fails on the thread ...
    with pytest.raises((ValueError, pa.ArrowException)):
        writer.close()  # ... and is reported here
    writer.discard()
