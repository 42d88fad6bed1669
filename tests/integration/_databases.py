"""Throw-away databases on the real servers, and reading their tables back into Arrow.

Each test module that imports `pg_url` / `mysql_url` gets its own database
(``sw_test_<random>``), created once and dropped at the end; every test
starts from an empty one. Tables are read back with the drivers themselves
(no DuckDB scanners offline) into Arrow tables typed like the generated ones,
so `synthwright.check` can judge what the database holds.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterator
from typing import Any

import pyarrow as pa
import pytest

from ._services import require

__all__ = [
    "mysql_counts",
    "mysql_db",
    "mysql_query",
    "mysql_tables",
    "mysql_url",
    "pg_counts",
    "pg_db",
    "pg_query",
    "pg_tables",
    "pg_url",
]


# -- PostgreSQL --------------------------------------------------------------------
@pytest.fixture(scope="module")
def pg_db() -> Iterator[str]:
    """A fresh PostgreSQL database for the module (dropped afterwards); its URL."""
    import psycopg

    host, port = require("postgres")
    admin = f"postgresql://postgres@{host}:{port}/postgres"
    name = f"sw_test_{secrets.token_hex(4)}"
    with psycopg.connect(admin, autocommit=True) as con:
        con.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql://postgres@{host}:{port}/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as con:
            con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def pg_url(pg_db: str) -> str:
    """The module's PostgreSQL database, emptied before the test."""
    import psycopg

    with psycopg.connect(pg_db, autocommit=True) as con:
        con.execute("DROP SCHEMA public CASCADE")
        con.execute("CREATE SCHEMA public")
    return pg_db


def pg_query(url: str, statement: str) -> list[tuple[Any, ...]]:
    import psycopg

    with psycopg.connect(url) as con:
        return list(con.execute(statement).fetchall())


def pg_counts(url: str) -> dict[str, int]:
    """Every table of the public schema with its row count (the database's state)."""
    names = [
        r[0]
        for r in pg_query(
            url, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
        )
    ]
    return {n: pg_query(url, f'SELECT count(*) FROM "{n}"')[0][0] for n in sorted(names)}


def pg_tables(url: str, schemas: dict[str, pa.Schema]) -> dict[str, pa.Table]:
    """The named tables read back, typed like `schemas` (the generated data's)."""
    import psycopg

    out = {}
    with psycopg.connect(url) as con:
        for name, schema in schemas.items():
            cur = con.execute(f'SELECT * FROM "{name}"')
            out[name] = _to_arrow(cur.fetchall(), [d.name for d in cur.description], schema)
    return out


# -- MySQL / MariaDB ---------------------------------------------------------------
@pytest.fixture(scope="module")
def mysql_db() -> Iterator[str]:
    """A fresh MariaDB/MySQL database for the module (dropped afterwards); its URL."""
    import pymysql

    host, port = require("mariadb")
    name = f"sw_test_{secrets.token_hex(4)}"
    con = pymysql.connect(host=host, port=port, user="root", autocommit=True)
    try:
        with con.cursor() as cur:
            cur.execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")
    finally:
        con.close()
    try:
        yield f"mysql://root@{host}:{port}/{name}"
    finally:
        con = pymysql.connect(host=host, port=port, user="root", autocommit=True)
        try:
            with con.cursor() as cur:
                cur.execute(f"DROP DATABASE IF EXISTS `{name}`")
        finally:
            con.close()


def _mysql(url: str) -> Any:
    """An autocommit connection through the project's own database layer."""
    from synthwright import db

    con = db.connect(url, location="tests")
    con.autocommit(True)
    return con


def mysql_query(url: str, *statements: str) -> list[tuple[Any, ...]]:
    """Run the statements on one connection; the last one's rows."""
    con = _mysql(url)
    try:
        with con.cursor() as cur:
            for statement in statements:
                cur.execute(statement)
            return list(cur.fetchall())
    finally:
        con.close()


@pytest.fixture
def mysql_url(mysql_db: str) -> str:
    """The module's MySQL database, emptied before the test."""
    names = [r[0] for r in mysql_query(mysql_db, "SHOW TABLES")]
    if names:
        tables = ", ".join(f"`{n}`" for n in names)
        mysql_query(mysql_db, "SET foreign_key_checks = 0", f"DROP TABLE {tables}")
    return mysql_db


def mysql_counts(url: str) -> dict[str, int]:
    names = [r[0] for r in mysql_query(url, "SHOW TABLES")]
    return {n: mysql_query(url, f"SELECT count(*) FROM `{n}`")[0][0] for n in sorted(names)}


def mysql_tables(url: str, schemas: dict[str, pa.Schema]) -> dict[str, pa.Table]:
    con = _mysql(url)
    out = {}
    try:
        with con.cursor() as cur:
            for name, schema in schemas.items():
                cur.execute(f"SELECT * FROM `{name}`")
                header = [d[0] for d in cur.description]
                out[name] = _to_arrow(list(cur.fetchall()), header, schema)
    finally:
        con.close()
    return out


# -- shared ------------------------------------------------------------------------
def _value(v: Any, t: pa.DataType) -> Any:
    """A driver's Python value in the form Arrow takes for type `t`."""
    if v is None:
        return None
    if pa.types.is_boolean(t):
        return bool(v)
    if pa.types.is_string(t) or pa.types.is_dictionary(t):
        return str(v)  # uuid.UUID, ...
    if pa.types.is_time(t) and isinstance(v, dt.timedelta):  # PyMySQL's TIME
        return (dt.datetime.min + v).time()
    if pa.types.is_duration(t) and isinstance(v, int):  # stored as BIGINT microseconds
        return dt.timedelta(microseconds=v)
    if pa.types.is_timestamp(t) and t.tz and isinstance(v, dt.datetime) and v.tzinfo is None:
        return v.replace(tzinfo=dt.timezone.utc)  # MySQL DATETIME holds UTC
    return v


def _to_arrow(rows: list[tuple[Any, ...]], header: list[str], schema: pa.Schema) -> pa.Table:
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(header)
    arrays = {}
    for name, values in zip(header, columns, strict=True):
        t = schema.field(name).type
        plain = t.value_type if pa.types.is_dictionary(t) else t
        arrays[name] = pa.array([_value(v, t) for v in values], plain)
    return pa.table(arrays)
