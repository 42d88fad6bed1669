"""Bulk text for the PostgreSQL and MySQL sinks: batches as ``COPY``/``LOAD DATA`` rows.

:func:`tsv_bytes` formats a record batch column by column as the
tab-separated text that both PostgreSQL's ``COPY ... FROM STDIN`` and
MySQL's ``LOAD DATA`` read (``\\N`` for NULL, backslash escapes), because
formatting a million rows cell by cell in Python is what makes loads slow.

URLs, connections, driver errors and credential redaction are not here:
they are :mod:`synthwright.db`'s, shared with every other database user.
:class:`SinkInputError` is re-exported for the sinks' callers.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from synthwright.errors import SinkError, SinkInputError
from synthwright.sinks import _text

__all__ = ["SinkInputError", "tsv_bytes"]


# -- tab-separated text for COPY / LOAD DATA ---------------------------------------
_NEEDS_ESCAPE = "[\\\\\t\n\r]"
_ESCAPES = [("\\", "\\\\"), ("\t", "\\t"), ("\n", "\\n"), ("\r", "\\r")]


def _escaped(arr: pa.Array) -> pa.Array:
    """Backslash, tab, newline and CR escaped (only when the column has any)."""
    if not pc.any(pc.match_substring_regex(arr, _NEEDS_ESCAPE)).as_py():
        return arr
    for old, new in _ESCAPES:
        arr = pc.replace_substring(arr, old, new)
    return arr


def _field_text(arr: pa.Array, dialect: str) -> pa.Array:
    """One column as COPY/LOAD DATA text, ``\\N`` for NULL."""
    t = arr.type
    if pa.types.is_dictionary(t):
        return _field_text(arr.dictionary_decode(), dialect)
    if pa.types.is_boolean(t):
        yes, no = ("t", "f") if dialect == "postgres" else ("1", "0")
        out = pc.if_else(arr, yes, no)
    elif pa.types.is_floating(t):
        if dialect == "mysql" and not pc.all(pc.fill_null(pc.is_finite(arr), True)).as_py():
            raise SinkError("MySQL cannot store NaN or infinite floats", "sinks.mysql")
        out = arr.cast(pa.string())
    elif pa.types.is_timestamp(t):
        naive = arr.cast(pa.timestamp(t.unit)) if t.tz else arr
        out = naive.cast(pa.string())
        if t.tz and dialect == "postgres":  # the naive text is UTC: say so
            out = pc.binary_join_element_wise(out, "+00", "")
    elif pa.types.is_duration(t):
        out = _text.plain(arr).cast(pa.string())
    elif pa.types.is_string(t) or pa.types.is_large_string(t):
        out = _escaped(arr.cast(pa.string()))
    elif (
        pa.types.is_integer(t)
        or pa.types.is_decimal(t)
        or pa.types.is_date(t)
        or pa.types.is_time(t)
    ):
        out = arr.cast(pa.string())
    else:
        raise SinkError(f"no {dialect} column type for Arrow type {t}", f"sinks.{dialect}")
    return out.fill_null("\\N")


def tsv_bytes(batch: pa.RecordBatch, dialect: str) -> bytes:
    """The batch as UTF-8 lines of tab-separated fields, each line ending in ``\\n``."""
    parts: list[pa.Array | str] = []
    for i, column in enumerate(batch.columns):
        parts += ["\t" if i else "", _field_text(column, dialect)]
    parts.append("\n")
    return _text.concat(_text.join_columns(parts, batch.num_rows))
