"""Column-at-a-time text formatting shared by the text sinks (CSV, JSON, XML, SQL).

Everything here works on whole Arrow arrays with `pyarrow.compute`, never cell
by cell, because text output is where a naive writer spends most of its time.
The conventions, the same in every text format:

- timestamps: ISO-8601 ``YYYY-MM-DDTHH:MM:SS[.ffffff]``; zoned ones are shown
  in UTC with ``+00:00``;
- dates ``YYYY-MM-DD``, times ``HH:MM:SS[.ffffff]``;
- durations: an integer count of microseconds;
- decimals: their exact digits (``12.30``), never through a float;
- dictionary (categorical) columns: their values.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

__all__ = [
    "concat",
    "has_xml_illegal",
    "is_texty",
    "iso_timestamps",
    "join_columns",
    "json_literals",
    "plain",
    "text",
    "xml_escape",
]


def plain(arr: pa.Array) -> pa.Array:
    """Decode dictionaries, durations -> int64 µs, timestamps -> ISO strings; others as is."""
    t = arr.type
    if pa.types.is_dictionary(t):
        return plain(arr.dictionary_decode())
    if pa.types.is_duration(t):
        return _micros(arr)
    if pa.types.is_timestamp(t):
        return iso_timestamps(arr)
    return arr


def _micros(arr: pa.Array) -> pa.Array:
    """A duration array as int64 microseconds (truncating sub-µs precision)."""
    factor = {"s": 1_000_000, "ms": 1_000, "us": 1, "ns": 1}[arr.type.unit]
    ints = arr.cast(pa.int64())
    if arr.type.unit == "ns":
        return pc.divide(ints, 1_000)
    return pc.multiply(ints, factor) if factor != 1 else ints


def iso_timestamps(arr: pa.Array) -> pa.Array:
    """ISO-8601 text of a timestamp array (UTC with ``+00:00`` when it has a zone)."""
    t = arr.type
    naive = arr.cast(pa.timestamp(t.unit)) if t.tz else arr
    # the cast gives "YYYY-MM-DD HH:MM:SS[.f]" ~15x faster than strftime; make it ISO
    text = pc.replace_substring(naive.cast(pa.string()), " ", "T", max_replacements=1)
    return pc.binary_join_element_wise(text, "+00:00", "") if t.tz else text


def text(arr: pa.Array) -> pa.Array:
    """Every value as a string (nulls stay null); booleans as ``true``/``false``."""
    arr = plain(arr)
    return arr if pa.types.is_string(arr.type) else arr.cast(pa.string())


_JSON_ESCAPES = [("\\", "\\\\"), ('"', '\\"'), ("\n", "\\n"), ("\r", "\\r"), ("\t", "\\t")]
_CONTROL = "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u2028\u2029]"


def json_string(arr: pa.Array) -> pa.Array:
    """JSON string literals (quoted, escaped) of a string array; nulls stay null."""
    for old, new in _JSON_ESCAPES:
        arr = pc.replace_substring(arr, old, new)
    if pc.any(pc.match_substring_regex(arr, _CONTROL)).as_py():
        for code in [*range(0x20), 0x7F, 0x2028, 0x2029]:
            ch = chr(code)
            if ch not in "\n\r\t":
                arr = pc.replace_substring(arr, ch, f"\\u{code:04x}")
    return pc.binary_join_element_wise('"', arr, '"', "")


def json_literals(arr: pa.Array) -> pa.Array:
    """JSON literal text of each value, ``null`` for nulls (and NaN/±inf, JSON has none).

    Numbers and decimals are bare numbers (decimals with their exact digits);
    booleans ``true``/``false``; everything else a JSON string.
    """
    arr = plain(arr)
    t = arr.type
    if pa.types.is_floating(t):
        arr = pc.if_else(pc.is_finite(arr), arr, pa.scalar(None, t))
        out = arr.cast(pa.string())
    elif pa.types.is_integer(t) or pa.types.is_decimal(t) or pa.types.is_boolean(t):
        out = arr.cast(pa.string())
    else:
        out = json_string(text(arr))
    return out.fill_null("null")


def xml_escape(arr: pa.Array) -> pa.Array:
    """XML-escaped text of each value (``&``, ``<``, ``>``, and CR kept as ``&#13;``)."""
    out = text(arr)
    if not is_texty(arr.type) or not pc.any(pc.match_substring_regex(out, "[&<>\r]")).as_py():
        return out  # numbers, dates, ... never need escaping; most strings neither
    for old, new in [("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("\r", "&#13;")]:
        out = pc.replace_substring(out, old, new)
    return out


def is_texty(t: pa.DataType) -> bool:
    """Types whose text can hold arbitrary characters (strings, categories)."""
    if pa.types.is_dictionary(t):
        return is_texty(t.value_type)
    return pa.types.is_string(t) or pa.types.is_large_string(t)


def has_xml_illegal(arr: pa.Array) -> bool:
    """True when a string array holds characters XML 1.0 cannot carry at all."""
    return bool(pc.any(pc.match_substring_regex(arr, "[\x00-\x08\x0b\x0c\x0e-\x1f]")).as_py())


def concat(arr: pa.Array) -> bytes:
    """The UTF-8 bytes of a null-free string array's values laid end to end.

    Reads the value buffer directly, so joining a batch's rows costs one copy.
    """
    if len(arr) == 0:
        return b""
    if not pa.types.is_string(arr.type):
        arr = arr.cast(pa.string())
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int32)
    start, end = int(offsets[arr.offset]), int(offsets[arr.offset + len(arr)])
    data = arr.buffers()[2]
    return b"" if data is None else data[start:end].to_pybytes()


def join_columns(parts: list[pa.Array | str], n: int) -> pa.Array:
    """Concatenate strings and string arrays element-wise into one row string each."""
    if not any(isinstance(p, pa.Array) for p in parts):
        return pa.array(["".join(str(p) for p in parts)] * n, pa.string())
    return pc.binary_join_element_wise(*parts, "")
