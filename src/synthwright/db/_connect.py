"""Connecting to a database, and every driver's errors translated once, here.

Four drivers (sqlite3, DuckDB, psycopg 3, PyMySQL) and SQLAlchemy (for
``introspect``'s inspector) each have their own error tree and their own way
of putting a DSN into a message. Callers get a connection or one of our
errors -- :class:`~synthwright.errors.SinkInputError` for a sink,
:class:`~synthwright.errors.DataError` for a reader, whichever class they
name -- located where they say, its message scrubbed by the one rule of
:mod:`._redact`. A failure to connect is always bad input: nothing has
changed yet, and the fix is in the URL, the server or the login.

Driver imports stay inside the functions: ``import synthwright`` must not
pay for psycopg, PyMySQL or SQLAlchemy.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..errors import SinkError, SinkInputError, SynthwrightError
from ._redact import install_log_filter
from ._url import DatabaseURL, parse_url

__all__ = ["connect", "describe", "driver_errors", "first_line", "sqlalchemy_engine", "translated"]

_CONNECT_TIMEOUT_S = 5


def first_line(exc: BaseException) -> str:
    """An error's first meaningful line (drivers repeat context below it)."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__


def driver_errors(dialect: str, *, sqlalchemy: bool = False) -> tuple[type[BaseException], ...]:
    """The exception types the dialect's driver (and SQLAlchemy, if used) raises."""
    import duckdb

    found: list[type[BaseException]] = [sqlite3.Error, duckdb.Error]
    if dialect == "postgres":
        import psycopg

        found.append(psycopg.Error)
    elif dialect == "mysql":
        import pymysql

        found.append(pymysql.Error)
    if sqlalchemy:
        from sqlalchemy.exc import SQLAlchemyError

        found.append(SQLAlchemyError)
    return tuple(found)


def describe(url: DatabaseURL, exc: BaseException) -> str:
    """A driver error as one scrubbed line (PyMySQL's ``(code, message)``, psycopg's detail)."""
    exc = getattr(exc, "orig", None) or exc  # SQLAlchemy wraps the driver's error
    args: tuple[Any, ...] = tuple(getattr(exc, "args", ()))
    if len(args) > 1 and isinstance(args[0], int) and isinstance(args[1], str):
        message = first_line(Exception(args[1]))
    else:
        message = first_line(exc)
    detail = getattr(getattr(exc, "diag", None), "message_detail", None)
    if detail:
        message += f" ({detail})"
    return url.scrub(message)


@contextmanager
def translated(
    url: DatabaseURL,
    location: str,
    *,
    error: type[SynthwrightError] = SinkError,
    action: str = "could not write",
    sqlalchemy: bool = False,
) -> Iterator[None]:
    """Driver errors inside the block -> `error` ``"<action>: <message>"`` at `location`."""
    caught = driver_errors(url.dialect, sqlalchemy=sqlalchemy)
    try:
        yield
    except caught as exc:
        raise error(f"{action}: {describe(url, exc)}", location) from exc


def connect(
    url: str | DatabaseURL,
    *,
    location: str,
    error: type[SynthwrightError] = SinkInputError,
    read_only: bool = False,
    local_infile: bool = False,
) -> Any:
    """A DB-API connection to `url`, nothing begun (SQLite in autocommit mode).

    `read_only` opens SQLite and DuckDB files read-only and requires them to
    exist; `local_infile` lets MySQL take ``LOAD DATA LOCAL INFILE``.
    MySQL sessions are put in strict mode with key checks on.

    Raises:
        `error`: a bad URL, an unreachable server, a refused login, an unknown
            database or charset, a missing file (the login is never shown).
    """
    target = url if isinstance(url, DatabaseURL) else parse_url(url, location=location, error=error)
    install_log_filter()
    if target.is_file:
        return _connect_file(target, location, error, read_only)
    refused: tuple[type[BaseException], ...] = (*driver_errors(target.dialect), ValueError, OSError)
    try:
        if target.dialect == "postgres":
            return _connect_postgres(target)
        return _connect_mysql(target, location, error, local_infile)
    except SynthwrightError:
        raise
    except refused as exc:
        # from None: the driver's own error may carry the DSN
        raise error(
            f"cannot connect to {target.redacted}: {describe(target, exc)}", location
        ) from None


def _connect_file(
    target: DatabaseURL, location: str, error: type[SynthwrightError], read_only: bool
) -> Any:
    import duckdb

    path = target.database
    if read_only and not os.path.isfile(path):
        raise error(f"no such database file: {path}", location)
    try:
        if target.dialect == "sqlite":
            if read_only:
                uri = Path(path).absolute().as_uri() + "?mode=ro"
                return sqlite3.connect(uri, uri=True, isolation_level=None)
            return sqlite3.connect(path, isolation_level=None)
        return duckdb.connect(path, read_only=read_only)
    except (sqlite3.Error, duckdb.Error) as exc:
        raise error(f"cannot open {path}: {describe(target, exc)}", location) from None


def _connect_postgres(target: DatabaseURL) -> Any:
    import psycopg

    conninfo = target.libpq()
    options: dict[str, Any] = {"autocommit": False}
    if "connect_timeout" not in target.options:
        options["connect_timeout"] = str(_CONNECT_TIMEOUT_S)
    return psycopg.connect(conninfo, **options)


def _connect_mysql(
    target: DatabaseURL, location: str, error: type[SynthwrightError], local_infile: bool
) -> Any:
    import pymysql
    from pymysql.charset import charset_by_name

    options = target.options
    charset = options.get("charset", "utf8mb4")
    if charset_by_name(charset) is None:
        raise error(
            f"unknown MySQL charset {charset!r} in {target.redacted!r} (e.g. utf8mb4, latin1)",
            location,
        )
    try:
        timeout = int(options.get("connect_timeout", str(_CONNECT_TIMEOUT_S)))
    except ValueError:
        timeout = -1
    if timeout < 1:
        raise error(
            f"connect_timeout in {target.redacted!r} must be a whole number of seconds", location
        )
    con = pymysql.connect(
        host=target.host or "localhost",
        port=target.port or 3306,
        user=target.user or "root",
        password=target.password or "",
        database=target.database,
        unix_socket=options.get("unix_socket"),
        charset=charset,
        connect_timeout=timeout,
        autocommit=False,
        local_infile=local_infile,
    )
    with con.cursor() as cur:
        cur.execute("SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION'")
        cur.execute("SET SESSION foreign_key_checks = 1, unique_checks = 1")
    return con


def sqlalchemy_engine(
    url: str | DatabaseURL, *, location: str, error: type[SynthwrightError] = SinkInputError
) -> Any:
    """A SQLAlchemy engine with the driver we ship (nothing connected yet).

    Raises:
        `error`: the URL or its driver is unusable.
    """
    import sqlalchemy as sa
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    target = url if isinstance(url, DatabaseURL) else parse_url(url, location=location, error=error)
    install_log_filter()
    connect_args: dict[str, Any] = {}
    if not target.is_file:
        connect_args["connect_timeout"] = _CONNECT_TIMEOUT_S * 2
    try:
        return sa.create_engine(target.sqlalchemy_url(), connect_args=connect_args)
    except (ArgumentError, NoSuchModuleError, ValueError, ImportError) as exc:
        raise error(
            f"cannot use database URL {target.redacted!r}: {target.scrub(first_line(exc))}",
            location,
        ) from None
