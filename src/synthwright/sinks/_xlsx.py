"""Excel output: one workbook per table (``<table>.xlsx``), one sheet, a header row.

One workbook per table keeps the "one file per table" rule of every other
format and lets each table stream on its own in xlsxwriter's constant_memory
mode (rows must arrive in order, which they do). Cell types:

- integers and floats are numbers (NaN/±inf, which Excel lacks, become empty);
- decimals are numbers when Excel's 15 significant digits hold them exactly
  (precision <= 15), else text with their exact digits;
- booleans are Excel booleans; strings are always text (never formulas/URLs);
- timestamps, dates and times are Excel date-times with an ISO-like number
  format (zoned timestamps in UTC); durations are integer microseconds;
- nulls are empty cells.

Excel holds at most 1,048,576 rows per sheet (one is the header): more raises
SinkError before anything past the limit is written.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from synthwright.errors import SinkError
from synthwright.sinks import _text
from synthwright.sinks._base import TableMeta

__all__ = ["EXCEL_MAX_ROWS", "XlsxWriter"]

EXCEL_MAX_ROWS = 1_048_576
_MAX_STRING = 32_767


class XlsxWriter:
    """Streams one table into one workbook with xlsxwriter's constant_memory mode."""

    def __init__(self, path: str | os.PathLike[str], meta: TableMeta) -> None:
        import xlsxwriter

        self._meta = meta
        self._book = xlsxwriter.Workbook(
            str(path),
            {
                "constant_memory": True,
                "tmpdir": os.path.dirname(os.path.abspath(path)),
                "strings_to_numbers": False,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "remove_timezone": True,
            },
        )
        self._sheet = self._book.add_worksheet(re.sub(r"[\[\]:*?/\\]", "_", meta.name)[:31])
        self._formats = {
            "timestamp": self._book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss.000"}),
            "date": self._book.add_format({"num_format": "yyyy-mm-dd"}),
            "time": self._book.add_format({"num_format": "hh:mm:ss.000"}),
        }
        for col, name in enumerate(meta.schema.names):
            self._sheet.write_string(0, col, name)
        self._row = 1

    def write(self, batch: pa.RecordBatch) -> None:
        if self._row + batch.num_rows > EXCEL_MAX_ROWS:
            raise SinkError(
                f"table has more than {EXCEL_MAX_ROWS - 1:,} rows, Excel's limit per sheet; "
                "use csv or parquet for it",
                f"{self._meta.name}.xlsx",
            )
        columns = [
            self._cells(name, col)
            for name, col in zip(batch.schema.names, batch.columns, strict=True)
        ]
        write = self._sheet.write
        for r in range(batch.num_rows):
            row = self._row + r
            for c, (values, fmt, kind) in enumerate(columns):
                value = values[r]
                if value is None:
                    continue
                if kind == "text":
                    if len(value) > _MAX_STRING:
                        raise SinkError(
                            f"a value of column {batch.schema.names[c]!r} is longer than "
                            f"Excel's {_MAX_STRING} characters per cell",
                            f"{self._meta.name}.xlsx",
                        )
                    self._sheet.write_string(row, c, value)
                else:
                    write(row, c, value, fmt)
        self._row += batch.num_rows

    def _cells(self, name: str, arr: pa.Array) -> tuple[list[Any], Any, str]:
        """Python values of a column, the cell format and whether they are text."""
        t = arr.type
        if pa.types.is_dictionary(t):
            return self._cells(name, arr.dictionary_decode())
        if pa.types.is_duration(t):
            return _text.plain(arr).to_pylist(), None, "number"
        if pa.types.is_floating(t):
            arr = pc.if_else(pc.is_finite(arr), arr, pa.scalar(None, t))
            return arr.to_pylist(), None, "number"
        if pa.types.is_decimal(t) and t.precision > 15:
            return _text.text(arr).to_pylist(), None, "text"
        if pa.types.is_decimal(t):
            return [None if v is None else float(v) for v in arr.to_pylist()], None, "number"
        if pa.types.is_timestamp(t):
            naive = arr.cast(pa.timestamp("us", t.tz), safe=False) if t.unit == "ns" else arr
            if t.tz:
                naive = naive.cast(pa.timestamp(naive.type.unit))
            return naive.to_pylist(), self._formats["timestamp"], "datetime"
        if pa.types.is_date(t):
            return arr.to_pylist(), self._formats["date"], "datetime"
        if pa.types.is_time(t):
            return _times(arr), self._formats["time"], "datetime"
        if pa.types.is_integer(t) or pa.types.is_boolean(t):
            return arr.to_pylist(), None, "number"
        return _text.text(arr).to_pylist(), None, "text"

    def close(self) -> None:
        self._book.close()

    def discard(self) -> None:
        # xlsxwriter only writes the file on close; the temp dir is removed by the sink
        self._sheet = None  # type: ignore[assignment]


def _times(arr: pa.Array) -> list[dt.time | None]:
    """Python times (nanoseconds truncated to microseconds, as Python holds no finer)."""
    if arr.type.unit == "ns":
        arr = arr.cast(pa.time64("us"), safe=False)
    return list(arr.to_pylist())
