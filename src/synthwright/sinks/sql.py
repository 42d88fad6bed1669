"""SQL scripts: ``CREATE TABLE`` with keys, then multi-row ``INSERT`` statements.

Used by :class:`~synthwright.sinks.files.FileSink` for ``format="sql"`` (one
script per table, to be run parents first) and by the database sink for its
DDL. Types and literals follow the target dialect -- ``postgres``, ``mysql``,
``sqlite`` or ``duckdb`` -- because a script that only runs on one database is
of little use to someone loading fixtures into another.

Literals are built a column at a time with `pyarrow.compute` (cast to text,
escape, wrap), and rows are joined in Arrow, so a million-row table does not
take a million Python string operations per column.

Type choices worth knowing (see :func:`column_type`):

- durations are ``BIGINT`` microseconds everywhere (every dialect has one,
  few agree on intervals);
- SQLite has no date/time types: temporal values are ISO-8601 ``TEXT``;
- MySQL strings in a key are ``VARCHAR(255)`` (``TEXT`` cannot be indexed
  without a prefix), other strings ``TEXT``; zoned timestamps are written in
  UTC to ``DATETIME(6)``;
- a table's foreign key to itself is ``DEFERRABLE INITIALLY DEFERRED`` in
  PostgreSQL and SQLite (rows may point at rows that come later); MySQL
  scripts turn ``FOREIGN_KEY_CHECKS`` off around such a table's inserts, and
  DuckDB, which can neither defer nor add keys later, does not declare it;
- NaN/±inf: PostgreSQL and DuckDB take them, SQLite stores ±inf as ``±9e999``
  and NaN as ``NULL`` (it has no NaN), MySQL cannot store them (SinkError);
- names longer than the dialect keeps (PostgreSQL 63 bytes, MySQL 64
  characters) are refused: the script would load under another name.

``check`` reads these scripts back without running them
(:mod:`synthwright.db._script`).
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from typing import BinaryIO, TextIO

import pyarrow as pa
import pyarrow.compute as pc

from synthwright import db
from synthwright.errors import SinkError
from synthwright.sinks import _text
from synthwright.sinks._base import TableMeta, check_names

__all__ = [
    "DIALECTS",
    "SqlScriptWriter",
    "column_type",
    "create_table",
    "drop_table",
    "insert_statements",
    "quote_ident",
    "self_referencing",
    "sql_literals",
]

DIALECTS = ("postgres", "mysql", "sqlite", "duckdb")
ROWS_PER_INSERT = 1000

_INTS = {
    # bit width -> postgres, mysql, sqlite, duckdb (signed)
    8: ("SMALLINT", "TINYINT", "INTEGER", "TINYINT"),
    16: ("SMALLINT", "SMALLINT", "INTEGER", "SMALLINT"),
    32: ("INTEGER", "INT", "INTEGER", "INTEGER"),
    64: ("BIGINT", "BIGINT", "INTEGER", "BIGINT"),
}
_UINTS = {
    8: ("SMALLINT", "TINYINT UNSIGNED", "INTEGER", "UTINYINT"),
    16: ("INTEGER", "SMALLINT UNSIGNED", "INTEGER", "USMALLINT"),
    32: ("BIGINT", "INT UNSIGNED", "INTEGER", "UINTEGER"),
    64: ("NUMERIC(20,0)", "BIGINT UNSIGNED", "INTEGER", "UBIGINT"),
}


def _check_dialect(dialect: str) -> int:
    if dialect not in DIALECTS:
        raise SinkError(
            f"unknown SQL dialect {dialect!r}; choose one of {', '.join(DIALECTS)}", "sinks.sql"
        )
    return DIALECTS.index(dialect)


def quote_ident(name: str, dialect: str) -> str:
    """Quote an identifier: backticks for MySQL, double quotes elsewhere (quotes doubled)."""
    _check_dialect(dialect)
    return db.quote_ident(name, dialect)


def column_type(dtype: pa.DataType, dialect: str, *, in_key: bool = False) -> str:
    """The dialect's column type for an Arrow type (`in_key`: the column is indexed)."""
    i = _check_dialect(dialect)
    if pa.types.is_dictionary(dtype):
        return column_type(dtype.value_type, dialect, in_key=in_key)
    if pa.types.is_boolean(dtype):
        return ("BOOLEAN", "TINYINT(1)", "INTEGER", "BOOLEAN")[i]
    if pa.types.is_signed_integer(dtype):
        return _INTS[dtype.bit_width][i]
    if pa.types.is_unsigned_integer(dtype):
        return _UINTS[dtype.bit_width][i]
    if pa.types.is_float16(dtype) or pa.types.is_float32(dtype):
        return ("REAL", "FLOAT", "REAL", "REAL")[i]
    if pa.types.is_float64(dtype):
        return ("DOUBLE PRECISION", "DOUBLE", "REAL", "DOUBLE")[i]
    if pa.types.is_decimal(dtype):
        p, s = dtype.precision, dtype.scale
        limit = (1000, 65, 10**9, 38)[i]
        if p > limit:
            raise SinkError(f"{dialect} has no decimal of precision {p} (max {limit})", "sinks.sql")
        return f"NUMERIC({p},{s})" if dialect in ("postgres", "sqlite") else f"DECIMAL({p},{s})"
    if pa.types.is_string(dtype) or pa.types.is_large_string(dtype):
        if dialect == "mysql":
            return "VARCHAR(255)" if in_key else "TEXT"
        return ("TEXT", "TEXT", "TEXT", "VARCHAR")[i]
    if pa.types.is_timestamp(dtype):
        if dtype.tz:
            return ("TIMESTAMPTZ", "DATETIME(6)", "TEXT", "TIMESTAMPTZ")[i]
        return ("TIMESTAMP", "DATETIME(6)", "TEXT", "TIMESTAMP")[i]
    if pa.types.is_date(dtype):
        return ("DATE", "DATE", "TEXT", "DATE")[i]
    if pa.types.is_time(dtype):
        return ("TIME", "TIME(6)", "TEXT", "TIME")[i]
    if pa.types.is_duration(dtype):
        return "BIGINT" if dialect != "sqlite" else "INTEGER"
    raise SinkError(f"no {dialect} column type for Arrow type {dtype}", "sinks.sql")


def create_table(meta: TableMeta, dialect: str) -> str:
    """``CREATE TABLE`` with NOT NULL, PRIMARY KEY, UNIQUE and FOREIGN KEY clauses."""
    q = lambda name: quote_ident(name, dialect)  # noqa: E731
    keys = meta.key_columns()
    lines = []
    for field in meta.schema:
        null = "" if field.nullable else " NOT NULL"
        typ = column_type(field.type, dialect, in_key=field.name in keys)
        lines.append(f"{q(field.name)} {typ}{null}")
    if meta.primary_key:
        lines.append(f"PRIMARY KEY ({q(meta.primary_key)})")
    lines += [f"UNIQUE ({', '.join(q(c) for c in group)})" for group in meta.unique]
    notes = ""
    for fk in meta.foreign_keys:
        clause = f"FOREIGN KEY ({q(fk.column)}) REFERENCES {q(fk.ref_table)} ({q(fk.ref_column)})"
        if fk.ref_table == meta.name:  # rows may point at rows written later
            if dialect == "duckdb":
                notes += f"-- {meta.name}.{fk.column} -> {fk.ref_column}: not declared, "
                notes += "DuckDB cannot defer a self-referencing key\n"
                continue
            if dialect in ("postgres", "sqlite"):
                clause += " DEFERRABLE INITIALLY DEFERRED"
        lines.append(clause)
    tail = " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4" if dialect == "mysql" else ""
    body = ",\n  ".join(lines)
    return f"{notes}CREATE TABLE {q(meta.name)} (\n  {body}\n){tail};\n"


def self_referencing(meta: TableMeta) -> bool:
    """True when a foreign key of the table points at the table itself."""
    return any(fk.ref_table == meta.name for fk in meta.foreign_keys)


def drop_table(name: str, dialect: str) -> str:
    """``DROP TABLE IF EXISTS`` for one table (callers drop children first)."""
    return f"DROP TABLE IF EXISTS {quote_ident(name, dialect)};\n"


def _quoted(arr: pa.Array, dialect: str) -> pa.Array:
    """Single-quoted string literals: quotes doubled; MySQL also doubles backslashes."""
    if dialect == "mysql":
        arr = pc.replace_substring(arr, "\\", "\\\\")
    arr = pc.replace_substring(arr, "'", "''")
    return pc.binary_join_element_wise("'", arr, "'", "")


def _float_literals(arr: pa.Array, dialect: str) -> pa.Array:
    out = arr.cast(pa.string())
    finite = pc.fill_null(pc.is_finite(arr), True)
    if pc.all(finite).as_py():
        return out
    if dialect == "mysql":
        raise SinkError("MySQL cannot store NaN or infinite floats", "sinks.sql")
    spelled = {
        "postgres": ("CAST('NaN' AS DOUBLE PRECISION)", "CAST('Infinity' AS DOUBLE PRECISION)"),
        "duckdb": ("CAST('nan' AS DOUBLE)", "CAST('inf' AS DOUBLE)"),
        "sqlite": ("NULL", "9e999"),
    }[dialect]
    nan, inf = spelled
    neg = inf.replace("'Infinity'", "'-Infinity'").replace("'inf'", "'-inf'").replace("9e", "-9e")
    out = pc.if_else(pc.is_nan(arr), nan, out)
    out = pc.if_else(pc.equal(arr, float("inf")), inf, out)
    return pc.if_else(pc.equal(arr, float("-inf")), neg, out)


def sql_literals(arr: pa.Array, dialect: str) -> pa.Array:
    """SQL literal text for every value of `arr` (``NULL`` for nulls), per dialect."""
    _check_dialect(dialect)
    t = arr.type
    if pa.types.is_dictionary(t):
        return sql_literals(arr.dictionary_decode(), dialect)
    if pa.types.is_boolean(t):
        yes, no = ("TRUE", "FALSE") if dialect in ("postgres", "duckdb") else ("1", "0")
        out = pc.if_else(arr, yes, no)
    elif pa.types.is_floating(t):
        out = _float_literals(arr, dialect)
    elif pa.types.is_integer(t) or pa.types.is_decimal(t) or pa.types.is_duration(t):
        out = _text.text(arr)
    elif pa.types.is_timestamp(t) and t.tz and dialect == "mysql":
        out = _quoted(_text.text(arr.cast(pa.timestamp(t.unit))), dialect)
    else:
        column_type(t, dialect)  # refuses types no dialect can hold
        out = _quoted(_text.text(arr), dialect)
    return out.fill_null("NULL")


def insert_statements(
    meta: TableMeta, batch: pa.RecordBatch, dialect: str, *, rows: int = ROWS_PER_INSERT
) -> Iterator[str]:
    """Multi-row ``INSERT`` statements of at most `rows` rows each, covering `batch`."""
    q = lambda name: quote_ident(name, dialect)  # noqa: E731
    head = f"INSERT INTO {q(meta.name)} ({', '.join(q(c) for c in batch.schema.names)}) VALUES\n"
    parts: list[pa.Array | str] = ["("]
    for i, column in enumerate(batch.columns):
        parts += [", " if i else "", sql_literals(column, dialect)]
    parts.append("),\n")
    tuples = _text.join_columns(parts, batch.num_rows)
    for start in range(0, batch.num_rows, rows):
        body = _text.concat(tuples.slice(start, rows)).decode("utf-8")
        yield head + body[:-2] + ";\n"


class SqlScriptWriter:
    """Streams one table's script: ``BEGIN``, ``CREATE TABLE``, ``INSERT``s, ``COMMIT``."""

    def __init__(
        self, path: str | os.PathLike[str] | BinaryIO, meta: TableMeta, dialect: str
    ) -> None:
        _check_dialect(dialect)
        check_names([meta], dialect, f"{meta.name[:40]}.sql")  # a script the target would mangle
        self._meta, self._dialect = meta, dialect
        self._own = isinstance(path, (str, os.PathLike))  # a stream handed in is the caller's
        self._file: TextIO = (
            open(path, "w", encoding="utf-8", newline="\n")  # noqa: SIM115
            if isinstance(path, (str, os.PathLike))
            else io.TextIOWrapper(path, encoding="utf-8", newline="\n", write_through=True)
        )
        self._done = False
        self._file.write(f"-- synthwright: table {meta.name} ({dialect})\nBEGIN;\n")
        self._file.write(create_table(meta, dialect))
        # MySQL cannot defer a key, so rows that point at later rows need checks off
        self._unchecked = dialect == "mysql" and self_referencing(meta)
        if self._unchecked:
            self._file.write("SET FOREIGN_KEY_CHECKS = 0;\n")

    def write(self, batch: pa.RecordBatch) -> None:
        for statement in insert_statements(self._meta, batch, self._dialect):
            self._file.write(statement)

    def close(self) -> None:
        if not self._done:
            if self._unchecked:
                self._file.write("SET FOREIGN_KEY_CHECKS = 1;\n")
            self._file.write("COMMIT;\n")
            self._release()

    def discard(self) -> None:
        """Close without finishing (the file is about to be removed)."""
        if not self._done:
            self._release()

    def _release(self) -> None:
        """Close our own file; leave a stream handed in open (its owner commits it)."""
        self._done = True
        if self._own:
            self._file.close()
        else:
            assert isinstance(self._file, io.TextIOWrapper)
            self._file.flush()
            self._file.detach()
