"""Casting read values to the spec's types, with the few detours Arrow needs.

Arrow's own casts cover most of the way from text to typed values; the
detours here are for forms real files use that Arrow refuses directly: times
of day as text, timestamps with a ``Z`` or offset, booleans written
``True``, durations as integer microseconds, and decimals with more places
than the spec allows (kept at a wider scale so that ``check`` reports the
bad rows under the ``scale`` rule instead of refusing the whole file).
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from ._types import family

__all__ = ["CastError", "cast_array"]

CastError = (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError)


def cast_array(values: pa.Array | pa.ChunkedArray, target: pa.DataType) -> pa.Array:
    """``values`` as ``target`` (safe casts only); raises one of :data:`CastError`."""
    array = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    if pa.types.is_dictionary(array.type):
        array = array.dictionary_decode()
    if array.type == target:
        return array
    source = family(array.type)
    if source == "null":
        return pa.nulls(len(array), target)
    if source == "string":
        return _from_text(array, target)
    if family(target) == "duration" and source == "int":
        return array.cast(pa.int64()).cast(target)
    if family(target) == "decimal" and source == "float":
        return _to_decimal(array.cast(pa.string()), target)
    if family(target) == "string" and source not in ("string",):
        return array.cast(pa.string())
    return array.cast(target)


def _from_text(array: pa.Array, target: pa.DataType) -> pa.Array:
    kind = family(target)
    if kind == "string":
        return array.cast(target)
    text = pc.utf8_trim_whitespace(array.cast(pa.string()))
    if kind == "bool":
        return pc.utf8_lower(text).cast(target)
    if kind == "time":
        stamped = pc.binary_join_element_wise("1970-01-01T", text, "")
        return stamped.cast(pa.timestamp("us")).cast(target)
    if kind == "timestamp":
        try:
            return text.cast(target)
        except CastError:
            # "…Z" or "+02:00": parse as an instant, then drop the zone (UTC wall time).
            aware = text.cast(pa.timestamp("us", tz="UTC"))
            return aware.cast(pa.timestamp("us")).cast(target)
    if kind == "duration":
        return text.cast(pa.int64()).cast(target)
    if kind == "decimal":
        return _to_decimal(text, target)
    return text.cast(target)


def _to_decimal(text: pa.Array, target: pa.DataType) -> pa.Array:
    try:
        return text.cast(target)
    except CastError:
        # Too many places for the spec's scale: keep them, the scale rule reports it.
        return text.cast(pa.decimal128(38, 18))
