"""Database URLs: dialect and driver per scheme, file paths, refusals located."""

from __future__ import annotations

import pytest

from synthwright import db
from synthwright.errors import DataError, SinkInputError


@pytest.mark.parametrize(
    ("url", "dialect", "alchemy"),
    [
        ("postgresql://u@h/d", "postgres", "postgresql+psycopg://u@h/d"),
        ("postgres://u@h/d", "postgres", "postgresql+psycopg://u@h/d"),
        ("postgresql+psycopg2://u@h/d", "postgres", "postgresql+psycopg2://u@h/d"),
        ("mysql://u@h/d", "mysql", "mysql+pymysql://u@h/d"),
        ("mariadb://u@h/d", "mysql", "mariadb+pymysql://u@h/d"),
        ("sqlite:///x.db", "sqlite", "sqlite+pysqlite:///x.db"),
        ("duckdb:///x.duckdb", "duckdb", "duckdb:///x.duckdb"),
    ],
)
def test_scheme_dialect_and_driver(url: str, dialect: str, alchemy: str) -> None:
    parsed = db.parse_url(url)
    assert parsed.dialect == dialect == db.dialect_of(url)
    assert parsed.sqlalchemy_url() == alchemy
    assert db.is_database_url(url)


def test_parts_are_unquoted() -> None:
    url = db.parse_url("postgresql://me:p%40ss@host:5433/my%20db?sslmode=require")
    assert (url.user, url.password, url.host, url.port) == ("me", "p@ss", "host", 5433)
    assert url.database == "my db" and url.options == {"sslmode": "require"}
    assert url.libpq() == "postgresql://me:p%40ss@host:5433/my%20db?sslmode=require"


@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("sqlite:///rel/x.db", "rel/x.db"),
        ("sqlite:////abs/x.db", "/abs/x.db"),
        ("duckdb:///x.duckdb?threads=1", "x.duckdb"),
        ("sqlite://x.db", "x.db"),
    ],
)
def test_file_paths(url: str, path: str) -> None:
    parsed = db.parse_url(url)
    assert parsed.is_file and parsed.database == path


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("sqlite:///", "names no database file"),
        ("sqlite://", "names no database file"),
        ("duckdb:///:memory:", "in-memory database would be gone"),
        ("oracle://u:pw@h/d", "unsupported database URL 'oracle://\\*\\*\\*@h/d'"),
        ("just-a-name", "not a database URL"),
        ("postgresql+pg8000://u@h/d", "unknown driver 'pg8000'"),
        ("mysql://u:pw@h:99999/d", "not a valid database URL"),
        ("mysql://u:pw@[::1/d", "not a valid database URL"),
        ("mysql://u:pw@h", "no database in"),
        ("mysql://u:pw@h/d?sslx=1", "unknown option"),
    ],
)
def test_refusals_are_located_and_hide_the_login(url: str, message: str) -> None:
    with pytest.raises(SinkInputError, match=message) as info:
        db.parse_url(url, location="--db")
    assert info.value.problems[0].location == "--db"
    assert "pw" not in str(info.value)
    with pytest.raises(DataError):  # readers ask for their own error class
        db.parse_url(url, location="data", error=DataError)


def test_unknown_mysql_charset_is_refused_before_connecting() -> None:
    with pytest.raises(SinkInputError, match="unknown MySQL charset 'klingon'"):
        db.connect("mysql://u:pw@127.0.0.1:1/d?charset=klingon", location="--db")


def test_unreachable_server_is_bad_input() -> None:
    for url in ("postgresql://u:pw@127.0.0.1:1/d", "mysql://u:pw@127.0.0.1:1/d"):
        with pytest.raises(SinkInputError, match=r"cannot connect to .*://\*\*\*@127\.0\.0\.1:1/d"):
            db.connect(url, location="--db")
