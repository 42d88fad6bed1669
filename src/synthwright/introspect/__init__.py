"""Read an existing database schema into a spec: ``synthwright introspect URL``.

Usage::

    from synthwright.introspect import introspect, inspect_database
    spec = introspect("postgresql://postgres@127.0.0.1/shop")   # a Spec that compiles
    result = inspect_database("sqlite:///shop.db", tables=["orders"], rows=500)
    print(result.to_yaml()); print(result.notes)                 # what was adapted

Tables, columns and SQL types, primary and foreign keys, UNIQUE, NOT NULL,
CHECK constraints and enum types become spec columns and rules; semantic
types (email, phone, city ...) are guessed from names and types. Supported:
``sqlite:///``, ``duckdb:///``, ``postgresql://`` (psycopg 3) and
``mysql://``/``mariadb://`` (PyMySQL).
"""

from __future__ import annotations

from pathlib import PurePosixPath
from urllib.parse import urlsplit

from ..errors import DataError
from ..spec import Spec
from ._reader import read_schema, redact
from ._schema import CheckInfo, ColumnInfo, ForeignKeyInfo, SchemaInfo, TableInfo
from ._semantic import guess_semantic
from ._to_spec import IntrospectResult, schema_to_spec

__all__ = [
    "CheckInfo",
    "ColumnInfo",
    "ForeignKeyInfo",
    "IntrospectResult",
    "SchemaInfo",
    "TableInfo",
    "guess_semantic",
    "inspect_database",
    "introspect",
    "read_schema",
    "redact",
    "schema_to_spec",
]


def _dataset_name(url: str) -> str:
    """A spec name from the URL: the database name or the file's stem."""
    try:
        path = urlsplit(url).path
    except ValueError:
        return "introspected"
    stem = PurePosixPath(path).stem if path else ""
    cleaned = "".join(ch if ch.isalnum() or ch == "_" else "_" for ch in stem).strip("_")
    return cleaned or "introspected"


def inspect_database(
    url: str, *, tables: list[str] | None = None, rows: int = 1000
) -> IntrospectResult:
    """Read the schema at `url` into a spec, with notes on what had to be adapted.

    Args:
        url: database URL (credentials are never repeated in errors or notes).
        tables: only these tables, plus the tables they reference (noted);
            all tables when None.
        rows: row count of every root table; child tables are sized per parent.

    Raises:
        DataError: bad URL, unreachable database, unknown table, no tables.
    """
    if rows < 0:
        raise DataError("must be >= 0", "--rows")
    schema = read_schema(url, tables=tables)
    added: list[str] = []
    if tables:
        added = _with_parents(schema, tables)
    result = schema_to_spec(schema, rows=rows, name=_dataset_name(url))
    for table in added:
        result.notes.insert(0, f"tables.{table}: added because a selected table references it")
    return result


def _with_parents(schema: SchemaInfo, wanted: list[str]) -> list[str]:
    """Keep the wanted tables and every table they reference; return those added."""
    by_lower = {name.lower(): name for name in schema.tables}
    keep = [by_lower[w.lower()] for w in wanted]
    queue = list(keep)
    while queue:
        info = schema.tables[queue.pop()]
        for fk in info.foreign_keys:
            if fk.ref_table in schema.tables and fk.ref_table not in keep:
                keep.append(fk.ref_table)
                queue.append(fk.ref_table)
    added = [t for t in keep if t.lower() not in {w.lower() for w in wanted}]
    schema.tables = {n: t for n, t in schema.tables.items() if n in keep}
    return added


def introspect(url: str, *, tables: list[str] | None = None, rows: int = 1000) -> Spec:
    """The spec of the database at `url` (see :func:`inspect_database` for the notes)."""
    return inspect_database(url, tables=tables, rows=rows).spec
