"""Profiling every table of a PostgreSQL or MariaDB database through its URL."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from synthwright.errors import DataError
from synthwright.profile import profile, read_sample
from tests.integration._services import require

pytestmark = pytest.mark.integration

_NAME = f"sw_profile_{os.getpid()}"
_USERS = [(i, f"user{i}@example.com", 20 + i % 50) for i in range(1, 201)]
_POSTS = [(i, 1 + (i * 7) % 200, round(i / 3, 2)) for i in range(1, 601)]


@pytest.fixture
def postgres_url() -> Iterator[str]:
    host, port = require("postgres")
    import psycopg

    admin = f"host={host} port={port} user=postgres dbname=postgres"
    with psycopg.connect(admin, autocommit=True) as con:
        con.execute(f"DROP DATABASE IF EXISTS {_NAME}")
        con.execute(f"CREATE DATABASE {_NAME}")
    try:
        with psycopg.connect(f"host={host} port={port} user=postgres dbname={_NAME}") as con:
            con.execute("CREATE TABLE users (id int PRIMARY KEY, email text, age int)")
            con.execute("CREATE TABLE posts (id int PRIMARY KEY, user_id int, score numeric(8,2))")
            with con.cursor() as cur:
                cur.executemany("INSERT INTO users VALUES (%s, %s, %s)", _USERS)
                cur.executemany("INSERT INTO posts VALUES (%s, %s, %s)", _POSTS)
        yield f"postgresql://postgres@{host}:{port}/{_NAME}"
    finally:
        with psycopg.connect(admin, autocommit=True) as con:
            con.execute(f"DROP DATABASE IF EXISTS {_NAME} WITH (FORCE)")


@pytest.fixture
def mariadb_url() -> Iterator[str]:
    host, port = require("mariadb")
    import pymysql

    con = pymysql.connect(host=host, port=port, user="root", autocommit=True)
    try:
        with con.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS {_NAME}")
            cur.execute(f"CREATE DATABASE {_NAME}")
            cur.execute(f"USE {_NAME}")
            cur.execute("CREATE TABLE users (id INT PRIMARY KEY, email VARCHAR(80), age INT)")
            cur.execute("CREATE TABLE posts (id INT PRIMARY KEY, user_id INT, score DECIMAL(8,2))")
            cur.executemany("INSERT INTO users VALUES (%s, %s, %s)", _USERS)
            cur.executemany("INSERT INTO posts VALUES (%s, %s, %s)", _POSTS)
        yield f"mysql://root@{host}:{port}/{_NAME}"
    finally:
        with con.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS {_NAME}")
        con.close()


def _check(url: str) -> None:
    fitted = profile(url)
    assert set(fitted.profiles) == {"users", "posts"}
    assert fitted.profiles["users"].primary_key == "id"
    assert fitted.profiles["users"].columns["email"].semantic == "email"
    (link,) = fitted.profiles["posts"].links
    assert (link.column, link.parent, link.parent_column) == ("user_id", "users", "id")
    assert fitted.profiles["posts"].columns["score"].dtype == "double"
    sample = read_sample(url, max_rows=100)
    assert sample.tables["posts"].num_rows == 100 and sample.source_rows["posts"] == 600
    again = read_sample(url, max_rows=100)
    assert again.tables["posts"].equals(sample.tables["posts"])  # a repeatable sample


def test_profile_postgres(postgres_url: str) -> None:
    _check(postgres_url)


def test_profile_mariadb(mariadb_url: str) -> None:
    _check(mariadb_url)


def test_bad_database_url_is_located() -> None:
    host, port = require("postgres")
    with pytest.raises(DataError) as info:
        read_sample(f"postgresql://postgres:secret@{host}:{port}/no_such_db_{os.getpid()}")
    (problem,) = info.value.problems
    assert problem.location.startswith("sample.postgresql://***@")  # the one rule: no login
    assert "secret" not in str(info.value)
