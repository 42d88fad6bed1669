"""The Arrow type a spec column's data should have, and type families.

`check` must not trust the files it reads: CSV and JSON carry no types, and a
parquet file may come from anywhere. The spec is the one place that says what
a column holds, so reading and checking both ask this module. It mirrors the
catalogue's physical types without importing the catalogue, so a checker can
judge data even while a generator is broken.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.types as pat

from ..spec import ExprColumn, RefColumn, Spec, TableSpec, TypeColumn

INT_TYPES = frozenset({"id", "int"})
FLOAT_TYPES = frozenset({"float", "latitude", "longitude"})
DECIMAL_TYPES = frozenset({"decimal", "price"})
TEMPORAL_TYPES = frozenset({"date", "datetime", "time"})


def column_type(spec: Spec, table: TableSpec, name: str, _depth: int = 0) -> pa.DataType | None:
    """Expected Arrow type of ``table.columns[name]``; None when it must be inferred.

    Expression columns are inferred (their type is whatever SQL gives).
    A ``ref:`` column has its parent column's type; cycles or dangling refs
    give None rather than an error, because the spec validator reports those.
    """
    col = table.columns.get(name)
    if isinstance(col, ExprColumn) or col is None:
        return None
    if isinstance(col, RefColumn):
        parent_name, parent_col = col.ref.split(".", 1)
        parent = spec.tables.get(parent_name)
        if parent is None or _depth > len(spec.tables):
            return None
        return column_type(spec, parent, parent_col, _depth + 1)
    assert isinstance(col, TypeColumn)
    return type_of(col)


def type_of(col: TypeColumn) -> pa.DataType:
    """Physical type of a typed column: temporal types with ``format`` are strings."""
    kind = col.type
    if kind in TEMPORAL_TYPES and col.format:
        return pa.string()
    if kind in INT_TYPES:
        return pa.int64()
    if kind in FLOAT_TYPES:
        return pa.float64()
    if kind == "price":
        return pa.decimal128(18, 2)
    if kind == "decimal":
        return pa.decimal128(col.precision or 18, 2 if col.scale is None else col.scale)
    if kind == "bool":
        return pa.bool_()
    if kind == "category":
        return _category_type(list(col.values or []))
    if kind == "date":
        return pa.date32()
    if kind == "datetime":
        return pa.timestamp("us")
    if kind == "time":
        return pa.time64("us")
    if kind == "duration":
        return pa.duration("us")
    return pa.string()


def _category_type(values: list[object]) -> pa.DataType:
    """A category of only booleans, integers or numbers holds them as such, else strings."""
    if values and all(isinstance(v, bool) for v in values):
        return pa.bool_()
    if values and all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return pa.int64()
    if values and all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
        return pa.float64()
    return pa.string()


def family(dtype: pa.DataType) -> str:
    """A coarse family for deciding whether a value type is acceptable as is."""
    if pat.is_dictionary(dtype):
        return family(dtype.value_type)
    if pat.is_integer(dtype):
        return "int"
    if pat.is_floating(dtype):
        return "float"
    if pat.is_decimal(dtype):
        return "decimal"
    if pat.is_boolean(dtype):
        return "bool"
    if pat.is_string(dtype) or pat.is_large_string(dtype) or pat.is_string_view(dtype):
        return "string"
    if pat.is_timestamp(dtype):
        return "timestamp"
    if pat.is_date(dtype):
        return "date"
    if pat.is_time(dtype):
        return "time"
    if pat.is_duration(dtype):
        return "duration"
    return str(dtype)


def is_numeric(dtype: pa.DataType) -> bool:
    return family(dtype) in ("int", "float", "decimal")


def is_temporal(dtype: pa.DataType) -> bool:
    return family(dtype) in ("timestamp", "date", "time", "duration")
