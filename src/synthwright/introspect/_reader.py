"""Read a database's schema into :class:`SchemaInfo` (SQLite, PostgreSQL, MySQL/MariaDB).

SQLAlchemy's inspector describes tables, columns, keys and (where the
database keeps them) CHECK constraints in one vocabulary; this module adds
what it misses: SQLite's declared type names (its inspector folds unknown
names such as ``UUID`` into NUMERIC) and its implicit UNIQUE indexes, and
MySQL/MariaDB column-level CHECKs from ``information_schema`` (SHOW CREATE
TABLE, which the inspector parses, names only table-level ones on MariaDB).
DuckDB is read through its own catalogue (:mod:`._duckdb`).

URLs, drivers, connecting and redaction are :mod:`synthwright.db`'s (one
rule for every package). Every failure -- a bad URL, an unreachable server,
a wrong password, a missing file -- becomes one :class:`DataError` whose
message never carries the URL's login.
"""

from __future__ import annotations

import os
from typing import Any

from .. import db
from ..errors import DataError
from ._schema import CheckInfo, ColumnInfo, ForeignKeyInfo, SchemaInfo, TableInfo
from ._types import parse_sql_type

__all__ = ["SCHEMES", "read_schema", "redact"]

SCHEMES = tuple(db.SCHEMES)
_LOCATION = "introspect"

#: the one redaction rule (kept under this name: ``synthwright.introspect.redact``)
redact = db.redact_url


def read_schema(url: str, *, tables: list[str] | None = None) -> SchemaInfo:
    """Tables, columns, keys and checks of the database at `url` (its default schema).

    Args:
        url: ``sqlite:///path.db``, ``duckdb:///path.duckdb``,
            ``postgresql://user@host:port/db``, ``mysql://user@host/db``
            (``mariadb://`` too).
        tables: read only these tables (all when None); unknown names are an error.

    Raises:
        DataError: bad URL, unreachable database, unknown table, no tables.
    """
    target = db.parse_url(url, location=_LOCATION, error=DataError)
    if target.is_file and not os.path.isfile(target.database):
        raise DataError(f"no such database file: {target.database}", _LOCATION)
    if target.dialect == "duckdb":
        from ._duckdb import read_duckdb

        schema = read_duckdb(target.database, url)
    else:
        schema = _read_sqlalchemy(target)
    schema.source = target.redacted
    if not schema.tables:
        raise DataError(f"{target.redacted} has no tables", _LOCATION)
    if tables:
        select_tables(schema, tables)
    return schema


def select_tables(schema: SchemaInfo, wanted: list[str]) -> None:
    """Check that every wanted table exists (case-insensitively); raise listing the others."""
    import difflib

    known = {name.lower(): name for name in schema.tables}
    missing = [t for t in wanted if t.lower() not in known]
    if missing:
        problems = []
        for name in missing:
            close = difflib.get_close_matches(name.lower(), list(known), n=1)
            hint = f" (did you mean {known[close[0]]!r}?)" if close else ""
            problems.append(
                f"unknown table {name!r}{hint}; the database has: {', '.join(schema.tables)}"
            )
        raise DataError("; ".join(problems), "--table")


def _read_sqlalchemy(target: db.DatabaseURL) -> SchemaInfo:
    engine = db.sqlalchemy_engine(target, location=_LOCATION, error=DataError)
    try:
        with (
            db.translated(
                target,
                _LOCATION,
                error=DataError,
                action=f"cannot read {target.redacted}",
                sqlalchemy=True,
            ),
            engine.connect() as conn,
        ):
            return _inspect(conn, target.dialect)
    finally:
        engine.dispose()


def _inspect(conn: Any, dialect: str) -> SchemaInfo:
    import sqlalchemy as sa

    inspector = sa.inspect(conn)
    names = inspector.get_table_names()
    mysql_checks = _mysql_checks(conn) if dialect == "mysql" else {}
    tables: dict[str, TableInfo] = {}
    for name in names:
        if dialect == "sqlite" and name.startswith("sqlite_"):
            continue
        columns = _columns(conn, inspector, name, dialect)
        pk = list(inspector.get_pk_constraint(name).get("constrained_columns") or [])
        fks = [
            ForeignKeyInfo(
                columns=list(fk["constrained_columns"]),
                ref_table=fk["referred_table"],
                ref_columns=list(fk["referred_columns"]),
                name=fk.get("name"),
            )
            for fk in inspector.get_foreign_keys(name)
            if fk.get("referred_schema") in (None, inspector.default_schema_name)
        ]
        unique = _unique_sets(inspector, name, dialect, pk)
        if dialect == "mysql":
            checks = mysql_checks.get(name, [])
        else:
            checks = [
                CheckInfo(sql=str(c["sqltext"]), name=c.get("name"))
                for c in inspector.get_check_constraints(name)
            ]
        tables[name] = TableInfo(name, columns, pk, fks, unique, checks)
    return SchemaInfo(dialect=dialect, tables=tables)


def _columns(conn: Any, inspector: Any, table: str, dialect: str) -> list[ColumnInfo]:
    import sqlalchemy as sa

    declared: dict[str, str] = {}
    if dialect == "sqlite":  # the inspector maps unknown names (UUID, JSONB) to NUMERIC
        quoted = table.replace('"', '""')
        for row in conn.exec_driver_sql(f'PRAGMA table_info("{quoted}")'):
            declared[row[1]] = row[2] or ""
    out = []
    for col in inspector.get_columns(table):
        sa_type = col["type"]
        if col["name"] in declared:
            text = declared[col["name"]]
        else:
            try:
                text = sa_type.compile(dialect=conn.dialect)
            except Exception:  # a type the dialect cannot render: use its class name
                text = type(sa_type).__name__
        parsed = parse_sql_type(text)
        kind, values, shown = parsed.kind, parsed.enum_values, parsed.text
        if isinstance(sa_type, sa.Enum) and sa_type.enums:
            kind, values = "enum", tuple(sa_type.enums)
            if parsed.kind != "enum":
                shown = f"enum {parsed.text}"
        out.append(
            ColumnInfo(
                name=col["name"],
                sql_type=shown,
                kind=kind,
                nullable=bool(col.get("nullable", True)),
                length=parsed.length,
                precision=parsed.precision,
                scale=parsed.scale,
                enum_values=list(values) if values else None,
            )
        )
    return out


def _unique_sets(inspector: Any, table: str, dialect: str, pk: list[str]) -> list[list[str]]:
    """UNIQUE constraints and unique indexes (not partial, not on expressions), minus the PK."""
    found: list[list[str]] = []
    for uc in inspector.get_unique_constraints(table):
        found.append(list(uc["column_names"]))
    kw = {"include_auto_indexes": True} if dialect == "sqlite" else {}
    for ix in inspector.get_indexes(table, **kw):
        options = ix.get("dialect_options") or {}
        if not ix.get("unique") or any(k.endswith("_where") for k in options):
            continue
        cols = list(ix.get("column_names") or [])
        if cols and all(c is not None for c in cols):
            found.append(cols)
    out: list[list[str]] = []
    for cols in found:
        if cols and cols != pk and cols not in out:
            out.append(cols)
    return out


def _mysql_checks(conn: Any) -> dict[str, list[CheckInfo]]:
    """CHECK constraints of the current MySQL/MariaDB database, by table."""
    from sqlalchemy import text
    from sqlalchemy.exc import SQLAlchemyError

    mariadb = (
        "SELECT TABLE_NAME, CONSTRAINT_NAME, CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS "
        "WHERE CONSTRAINT_SCHEMA = DATABASE()"
    )
    mysql = (
        "SELECT tc.TABLE_NAME, cc.CONSTRAINT_NAME, cc.CHECK_CLAUSE "
        "FROM information_schema.CHECK_CONSTRAINTS cc "
        "JOIN information_schema.TABLE_CONSTRAINTS tc "
        "ON tc.CONSTRAINT_SCHEMA = cc.CONSTRAINT_SCHEMA AND tc.CONSTRAINT_NAME = cc.CONSTRAINT_NAME "
        "AND tc.CONSTRAINT_TYPE = 'CHECK' WHERE cc.CONSTRAINT_SCHEMA = DATABASE()"
    )
    rows: list[Any] = []
    for query in (mariadb, mysql):
        try:  # MariaDB has TABLE_NAME here; MySQL 8 needs the join
            rows = list(conn.execute(text(query)))
            break
        except SQLAlchemyError:
            continue
    out: dict[str, list[CheckInfo]] = {}
    for table, name, clause in rows:
        out.setdefault(str(table), []).append(CheckInfo(sql=str(clause), name=str(name)))
    return out
