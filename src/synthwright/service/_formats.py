"""Records as response text: a JSON array, CSV with a header, or SQL statements.

JSON is built column at a time with `pyarrow.compute` (one literal per value,
then joined per row), not through Python objects, so a 1,000-record response
or a stream chunk costs a few milliseconds. Conventions follow the file sinks:
decimals keep their exact digits as bare JSON numbers, timestamps are ISO-8601,
categories are their values. Nested values (structs from nested inline fields,
lists such as a cart's items) are JSON objects/arrays; in CSV and SQL, structs
are flattened to ``parent.child`` columns and lists are JSON text.
"""

from __future__ import annotations

import datetime
import io
import json
import math
from decimal import Decimal
from json.encoder import encode_basestring as _enc  # type: ignore[attr-defined]
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from ..sinks import TableMeta
from ..sinks._text import json_literals
from ..sinks._text import plain as plain_values
from ..sinks.sql import create_table, insert_statements
from .build import SEP, NestTree

__all__ = ["csv_text", "json_array", "json_rows", "json_values", "nest", "sql_text"]


def json_values(arr: pa.Array) -> pa.Array:
    """The JSON literal of every value (a string array without nulls).

    Scalars follow the file sinks (``sinks._text.json_literals``); structs
    become objects and lists arrays here.
    """
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    arr = plain_values(arr)
    t = arr.type
    if pa.types.is_struct(t):
        names = [t.field(i).name for i in range(t.num_fields)]
        children = [arr.field(i) for i in range(t.num_fields)]
        out = _objects(names, children, len(arr))
        if arr.null_count:
            out = pc.if_else(arr.is_valid(), out, pa.scalar(None, pa.string()))
        return out.fill_null("null")
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        return _lists(arr).fill_null("null")
    if pa.types.is_nested(t) or pa.types.is_binary(t) or pa.types.is_large_binary(t):
        return pa.array([json.dumps(v, default=str) for v in arr.to_pylist()], pa.string())
    return json_literals(arr)


def _lists(arr: pa.Array) -> pa.Array:
    items = json_values(arr.flatten()).to_pylist()
    offsets = arr.offsets.to_pylist()
    base = offsets[0]
    valid = arr.is_valid().to_pylist()
    out = [
        "[" + ",".join(items[a - base : b - base]) + "]" if ok else None
        for a, b, ok in zip(offsets, offsets[1:], valid, strict=False)
    ]
    return pa.array(out, pa.string())


def _objects(names: list[str], columns: list[pa.Array], n: int) -> pa.Array:
    if not names:
        return pa.array(["{}"] * n, pa.string())
    parts: list[Any] = []
    for i, (name, column) in enumerate(zip(names, columns, strict=True)):
        parts.append(("{" if i == 0 else ",") + json.dumps(name, ensure_ascii=False) + ":")
        parts.append(json_values(column))
    parts.append("}")
    if n == 0:
        return pa.array([], pa.string())
    return pc.binary_join_element_wise(*parts, "")


SMALL = 512  # below this many rows, per-value Python beats ~100 Arrow kernel calls


def _py_literal(value: Any) -> str:
    """The JSON literal of one Python value, with the same conventions as `json_values`."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return _enc(value)
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else "null"
    if isinstance(value, datetime.datetime | datetime.time):
        return '"' + value.isoformat(timespec="microseconds") + '"'
    if isinstance(value, datetime.date):
        return '"' + value.isoformat() + '"'
    if isinstance(value, datetime.timedelta):
        return str(value // datetime.timedelta(microseconds=1))
    if isinstance(value, dict):
        return _py_object(value)
    if isinstance(value, list | tuple):
        return "[" + ",".join(_py_literal(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)


def _py_object(row: dict[str, Any]) -> str:
    return (
        "{"
        + ",".join(json.dumps(k, ensure_ascii=False) + ":" + _py_literal(v) for k, v in row.items())
        + "}"
    )


def json_rows(table: pa.Table) -> list[str]:
    """One JSON object text per record (what a value pool keeps pre-rendered)."""
    columns = [table.column(i) for i in range(table.num_columns)]
    rows: list[str] = _objects(table.column_names, columns, table.num_rows).to_pylist()
    return rows


def json_array(table: pa.Table) -> str:
    """The records as one JSON array of objects (keys in column order)."""
    if table.num_rows <= SMALL:
        keys = [_enc(name) + ":" for name in table.column_names]
        columns = [[_py_literal(v) for v in c.to_pylist()] for c in table.columns]
        rows = (
            "{" + ",".join(k + v for k, v in zip(keys, values, strict=True)) + "}"
            for values in zip(*columns, strict=True)
        )
        return "[" + ",".join(rows) + "]"
    columns = [table.column(i) for i in range(table.num_columns)]
    rows = _objects(table.column_names, columns, table.num_rows)
    return "[" + ",".join(rows.to_pylist()) + "]"


def nest(table: pa.Table, tree: NestTree) -> pa.Table:
    """Flattened inline columns (``address__city``) gathered back into struct columns."""
    if not tree:
        return table

    def build(prefix: str, sub: NestTree) -> tuple[list[str], list[pa.Array]]:
        names, arrays = [], []
        for key, child in sub.items():
            name = f"{prefix}{key}"
            if child is None:
                if name in table.column_names:
                    names.append(key)
                    arrays.append(table.column(name).combine_chunks())
            else:
                sub_names, sub_arrays = build(f"{name}{SEP}", child)
                names.append(key)
                arrays.append(pa.StructArray.from_arrays(sub_arrays, names=sub_names))
        return names, arrays

    names, arrays = [], []
    for column in table.column_names:
        top = column.split(SEP)[0]
        if top in names:
            continue
        if tree.get(top) is None:
            names.append(top)
            arrays.append(table.column(column).combine_chunks())
        else:
            sub_names, sub_arrays = build(f"{top}{SEP}", tree[top] or {})
            names.append(top)
            arrays.append(pa.StructArray.from_arrays(sub_arrays, names=sub_names))
    return pa.Table.from_arrays(arrays, names=names)


def _flat(table: pa.Table, *, plain: bool) -> pa.Table:
    """Structs flattened to ``a.b`` columns, lists as JSON text; `plain`: text-ready values."""
    while any(pa.types.is_struct(f.type) for f in table.schema):
        table = table.flatten()
    arrays, names = [], []
    for name, column in zip(table.column_names, table.columns, strict=True):
        arr = column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
        if pa.types.is_list(arr.type) or pa.types.is_large_list(arr.type):
            arr = pc.if_else(arr.is_valid(), json_values(arr), pa.scalar(None, pa.string()))
        arrays.append(plain_values(arr) if plain else arr)
        names.append(name)
    return pa.Table.from_arrays(arrays, names=names)


def csv_text(table: pa.Table, *, header: bool = True) -> str:
    """CSV with a header row (unless `header` is False); an empty string is "" and null empty."""
    flat = _flat(table, plain=True)
    sink = io.BytesIO()
    pacsv.write_csv(flat, sink, pacsv.WriteOptions(include_header=header))
    return sink.getvalue().decode("utf-8")


def sql_text(table: pa.Table, name: str, dialect: str, *, create: bool = True) -> str:
    """``CREATE TABLE`` (unless `create` is False) and multi-row ``INSERT`` statements."""
    flat = _flat(table, plain=False)
    meta = TableMeta(name=name, schema=flat.schema)
    parts = [create_table(meta, dialect)] if create else []
    for batch in flat.to_batches():
        parts.extend(insert_statements(meta, batch, dialect))
    return "".join(parts)
