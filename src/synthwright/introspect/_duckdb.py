"""Read a DuckDB database's schema through DuckDB's own catalogue functions.

``duckdb_columns()`` and ``duckdb_constraints()`` say everything the spec
needs (types with their enum labels, keys, UNIQUE, CHECK expressions), so no
SQLAlchemy dialect is required. The file is opened read-only.
"""

from __future__ import annotations

from typing import Any

import duckdb

from ..db import redact_url
from ..errors import DataError
from ._schema import CheckInfo, ColumnInfo, ForeignKeyInfo, SchemaInfo, TableInfo
from ._types import parse_sql_type

__all__ = ["read_duckdb"]


def read_duckdb(path: str, url: str) -> SchemaInfo:
    """Tables of the main schema of the DuckDB file at `path`."""
    try:
        con = duckdb.connect(path, read_only=True)
    except duckdb.Error as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DataError(f"cannot open {redact_url(url)}: {first}", "introspect") from None
    try:
        return _read(con)
    finally:
        con.close()


def _read(con: Any) -> SchemaInfo:
    where = "schema_name = current_schema() AND database_name = current_database()"
    names = [
        r[0]
        for r in con.execute(
            f"SELECT table_name FROM duckdb_tables() WHERE {where} ORDER BY table_oid"
        ).fetchall()
    ]
    columns: dict[str, list[ColumnInfo]] = {n: [] for n in names}
    for table, name, data_type, nullable in con.execute(
        "SELECT table_name, column_name, data_type, is_nullable FROM duckdb_columns() "
        f"WHERE {where} ORDER BY table_oid, column_index"
    ).fetchall():
        if table not in columns:
            continue
        parsed = parse_sql_type(str(data_type))
        columns[table].append(
            ColumnInfo(
                name=name,
                sql_type=parsed.text,
                kind=parsed.kind,
                nullable=bool(nullable),
                length=parsed.length,
                precision=parsed.precision,
                scale=parsed.scale,
                enum_values=list(parsed.enum_values) if parsed.enum_values else None,
            )
        )
    tables = {n: TableInfo(n, columns[n]) for n in names}
    for table, kind, cols, expression, ref_table, ref_cols, cname in con.execute(
        "SELECT table_name, constraint_type, constraint_column_names, expression, "
        "referenced_table, referenced_column_names, constraint_name "
        f"FROM duckdb_constraints() WHERE {where}"
    ).fetchall():
        info = tables.get(table)
        if info is None:
            continue
        cols = list(cols or [])
        if kind == "PRIMARY KEY":
            info.primary_key = cols
        elif kind == "UNIQUE" and cols not in info.unique:
            info.unique.append(cols)
        elif kind == "FOREIGN KEY" and ref_table:
            info.foreign_keys.append(ForeignKeyInfo(cols, ref_table, list(ref_cols or []), cname))
        elif kind == "CHECK" and expression:
            info.checks.append(CheckInfo(sql=str(expression), name=cname))
    return SchemaInfo(dialect="duckdb", tables=tables)
