"""Databases by URL, all-or-nothing: ``sqlite:///path.db`` and ``duckdb:///path.duckdb``.

Everything -- the existence checks, drops, ``CREATE TABLE`` with keys and
all inserts -- runs in one transaction, committed by `close`; a failure or
`abort` rolls it back, and a database file that did not exist before is
removed again. ``if_exists``:

- ``fail`` (default): any of the tables already exists -> SinkInputError naming
  it, before anything is changed;
- ``replace``: existing tables are dropped (children before parents) and
  created afresh, inside the same transaction;
- ``append``: rows are added to existing tables (missing ones are created);
- ``truncate``: existing tables are emptied (SQLite: ``DELETE``, children
  first) and loaded, inside the same transaction. DuckDB refuses to delete
  parent rows whose children were deleted earlier in the same transaction,
  so there the tables are dropped and created afresh, as for ``replace``.

DuckDB inserts straight from Arrow (the batch is registered as a view); SQLite
goes through ``executemany`` with ISO-8601 text for temporal values and exact
decimal text (stored under the column's NUMERIC affinity), as in the SQL
scripts of :mod:`synthwright.sinks.sql`.

:func:`open_database` picks the sink for any database URL: this one for
SQLite/DuckDB, :mod:`~synthwright.sinks.postgres` for ``postgresql://``,
:mod:`~synthwright.sinks.mysql` for ``mysql://``/``mariadb://`` (their
drivers are imported only then). :func:`existing_max_ids` does the same for
the key look-up that ``append`` needs.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from typing import Any, ClassVar
from urllib.parse import urlsplit

import duckdb
import pyarrow as pa

from synthwright.errors import SinkError
from synthwright.sinks import _text, sql
from synthwright.sinks._base import Sink, TableMeta, check_key_targets, integer_keyed, redact_url
from synthwright.sinks._server import SinkInputError

__all__ = [
    "IF_EXISTS",
    "SCHEMES",
    "DatabaseSink",
    "SinkInputError",
    "database_kind",
    "existing_max_ids",
    "open_database",
]

SCHEMES = ("sqlite", "duckdb")
IF_EXISTS = ("fail", "replace", "append", "truncate")
_POSTGRES = ("postgresql", "postgres")
_MYSQL = ("mysql", "mariadb")
_SUPPORTED = (
    "supported schemes are postgresql://user@host/db, mysql://user@host/db "
    "(or mariadb://), sqlite:///path.db and duckdb:///path.duckdb"
)


def database_kind(url: str) -> str:
    """``sqlite``, ``duckdb``, ``postgres`` or ``mysql`` for a database URL.

    A driver suffix (``postgresql+psycopg://``, ``mysql+pymysql://``) is allowed.

    Raises:
        SinkInputError: not a URL of a supported database (credentials not shown).
    """
    scheme = url.split("://", 1)[0].split("+", 1)[0].lower() if "://" in url else ""
    if scheme in SCHEMES:
        return scheme
    if scheme in _POSTGRES:
        return "postgres"
    if scheme in _MYSQL:
        return "mysql"
    raise SinkInputError(
        f"unsupported database URL {redact_url(url)!r}: {_SUPPORTED}", "sinks.database"
    )


def open_database(url: str, *, if_exists: str = "fail", **options: Any) -> Sink:
    """The sink for a database URL (nothing is connected before ``open``)."""
    kind = database_kind(url)
    if kind == "postgres":
        from synthwright.sinks.postgres import PostgresSink

        return PostgresSink(url, if_exists=if_exists, **options)
    if kind == "mysql":
        from synthwright.sinks.mysql import MySqlSink

        return MySqlSink(url, if_exists=if_exists, **options)
    return DatabaseSink(url, if_exists=if_exists, **options)


def existing_max_ids(url: str, tables: list[TableMeta]) -> dict[str, int]:
    """Largest integer primary key of each of `tables` that already exists at `url`.

    Tables that do not exist (or have no integer primary key) are left out; an
    empty table gives 0. ``append`` generates keys from max + 1 onwards.
    """
    kind = database_kind(url)
    if kind == "postgres":
        from synthwright.sinks import postgres

        return postgres.existing_max_ids(url, tables)
    if kind == "mysql":
        from synthwright.sinks import mysql

        return mysql.existing_max_ids(url, tables)
    return _local_max_ids(url, tables)


_BATCH_VIEW = "__synthwright_batch"


def _parse(url: str) -> tuple[str, str]:
    """(scheme, path) of a ``scheme:///path`` URL; ``:memory:`` when there is no path."""
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise SinkInputError(f"not a database URL: {redact_url(url)!r}", "sinks.database") from exc
    scheme = parts.scheme.split("+", 1)[0].lower()
    if scheme not in SCHEMES:
        raise SinkInputError(
            f"unsupported database URL {redact_url(url)!r}: DatabaseSink takes "
            "sqlite:///path.db and duckdb:///path.duckdb (use open_database for the others)",
            "sinks.database",
        )
    rest = url.split("://", 1)[1] if "://" in url else ""
    path = rest[1:] if rest.startswith("/") else rest  # sqlite:////abs -> /abs
    return scheme, path or ":memory:"


class DatabaseSink(Sink):
    """Writes tables into a SQLite or DuckDB database in one transaction."""

    foreign_errors: ClassVar[tuple[type[BaseException], ...]] = (
        *Sink.foreign_errors,
        sqlite3.Error,
        duckdb.Error,
    )

    def __init__(self, url: str, *, if_exists: str = "fail") -> None:
        super().__init__()
        if if_exists not in IF_EXISTS:
            raise SinkInputError(
                f"if_exists must be one of {', '.join(IF_EXISTS)}, not {if_exists!r}",
                "sinks.database",
            )
        self.scheme, self.path = _parse(url)
        self.url = redact_url(url)
        self.if_exists = if_exists
        self._con: Any = None
        self._created_file = False

    @property
    def _dialect(self) -> str:
        return self.scheme

    def _location(self, table: str | None) -> str:
        return f"{self.url}#{table}" if table else f"sinks.{self.scheme}"

    def _exec(self, statement: str) -> None:
        self._con.execute(statement)

    # -- hooks -------------------------------------------------------------------
    def _open(self, tables: list[TableMeta]) -> None:
        check_key_targets(tables)
        in_memory = self.path == ":memory:"
        self._created_file = not in_memory and not os.path.exists(self.path)
        if self.scheme == "sqlite":
            self._con = sqlite3.connect(self.path, isolation_level=None)
            self._exec("PRAGMA foreign_keys = ON")
            self._exec("BEGIN")
        else:
            self._con = duckdb.connect(self.path)
            self._con.begin()
        existing = self._existing({t.name for t in tables})
        if existing and self.if_exists == "fail":
            first = next(t.name for t in tables if t.name.lower() in existing)
            raise SinkInputError(
                f"table {first!r} already exists (use if_exists='replace', 'append' or 'truncate')",
                self._location(first),
            )
        truncate_by_drop = self.if_exists == "truncate" and self.scheme == "duckdb"
        if self.if_exists == "replace" or truncate_by_drop:
            for meta in reversed(tables):  # children before parents
                if meta.name.lower() in existing:
                    self._exec(sql.drop_table(meta.name, self._dialect))
            existing = set()
        elif self.if_exists == "truncate":
            for meta in reversed(tables):  # children before parents
                if meta.name.lower() in existing:
                    self._exec(f"DELETE FROM {sql.quote_ident(meta.name, self._dialect)}")
        for meta in tables:
            if meta.name.lower() not in existing:
                self._exec(sql.create_table(meta, self._dialect))

    def _existing(self, names: set[str]) -> set[str]:
        """Lower-cased names of the given tables that the database already has."""
        if self.scheme == "sqlite":
            query = "SELECT name FROM sqlite_master WHERE type = 'table'"
        else:
            query = (
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = current_schema() AND table_catalog = current_database()"
            )
        found = {str(row[0]).lower() for row in self._con.execute(query).fetchall()}
        return {n.lower() for n in names} & found

    def _write(self, meta: TableMeta, batch: pa.RecordBatch) -> None:
        cols = ", ".join(sql.quote_ident(c, self._dialect) for c in batch.schema.names)
        table = sql.quote_ident(meta.name, self._dialect)
        if self.scheme == "duckdb":
            self._con.register(_BATCH_VIEW, _for_duckdb(batch))
            try:
                self._exec(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM {_BATCH_VIEW}")
            except BaseException:
                with contextlib.suppress(Exception):  # keep the insert's own error
                    self._con.unregister(_BATCH_VIEW)
                raise
            self._con.unregister(_BATCH_VIEW)
        else:
            marks = ", ".join("?" * batch.num_columns)
            columns = [_for_sqlite(c) for c in batch.columns]
            self._con.executemany(
                f"INSERT INTO {table} ({cols}) VALUES ({marks})", zip(*columns, strict=True)
            )

    def _commit(self) -> list[str]:
        if self.scheme == "sqlite":
            self._exec("COMMIT")
        else:
            self._con.commit()
        self._con.close()
        self._con = None
        return [f"{self.url}#{name}" for name in self._tables]

    def _rollback(self) -> None:
        if self._con is not None:
            with contextlib.suppress(Exception):
                self._con.rollback() if self.scheme == "duckdb" else self._exec("ROLLBACK")
            with contextlib.suppress(Exception):
                self._con.close()
            self._con = None
        if self._created_file:
            for suffix in ("", "-journal", "-wal", "-shm", ".wal"):
                with contextlib.suppress(OSError):
                    os.remove(self.path + suffix)
            self._created_file = False


def _for_duckdb(batch: pa.RecordBatch) -> pa.RecordBatch:
    """Durations as int64 µs (the BIGINT the table has) and dictionaries decoded."""
    columns = [
        _text.plain(c) if pa.types.is_duration(c.type) or pa.types.is_dictionary(c.type) else c
        for c in batch.columns
    ]
    return pa.RecordBatch.from_arrays(columns, names=batch.schema.names)


def _for_sqlite(arr: pa.Array) -> list[Any]:
    """Python values sqlite3 can bind: temporal values and decimals as exact text."""
    t = arr.type
    if pa.types.is_dictionary(t):
        return _for_sqlite(arr.dictionary_decode())
    if pa.types.is_decimal(t) or (pa.types.is_temporal(t) and not pa.types.is_duration(t)):
        return list(_text.text(arr).to_pylist())
    return list(_text.plain(arr).to_pylist())


def _local_max_ids(url: str, tables: list[TableMeta]) -> dict[str, int]:
    """`existing_max_ids` for SQLite and DuckDB files (a missing file has no tables)."""
    scheme, path = _parse(url)
    if path != ":memory:" and not os.path.exists(path):
        return {}
    keyed = integer_keyed(tables)
    sink = DatabaseSink(url)
    try:
        if scheme == "sqlite":
            sink._con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        else:
            sink._con = duckdb.connect(path, read_only=True)
        present = sink._existing({t.name for t in keyed})
        out: dict[str, int] = {}
        for meta in keyed:
            if meta.name.lower() in present:
                key = sql.quote_ident(str(meta.primary_key), scheme)
                name = sql.quote_ident(meta.name, scheme)
                row = sink._con.execute(f"SELECT max({key}) FROM {name}").fetchone()
                out[meta.name] = int(row[0]) if row and row[0] is not None else 0
        return out
    except (sqlite3.Error, duckdb.Error) as exc:
        raise SinkError(f"cannot read keys: {exc}", sink.url) from exc
    finally:
        if sink._con is not None:
            sink._con.close()


def read_columns(url: str, meta: TableMeta, columns: list[str]) -> pa.Table:
    """Some columns of an existing table, typed by ``meta.schema`` (for ``existing: true``).

    Children generated with ``if_exists='append'`` point at rows that are
    already in the database; this reads the keys (and any column they need).

    Raises:
        SinkInputError: the database cannot be reached or has no such table.
        SinkError: the query failed or the values do not fit the declared types.
    """
    kind = database_kind(url)
    if kind == "postgres":
        from synthwright.sinks import postgres

        con: Any = postgres.connect(url)
        quote = postgres._q
    elif kind == "mysql":
        from synthwright.sinks import mysql

        con = mysql.connect(url)
        quote = mysql._q
    else:
        scheme, path = _parse(url)
        if path != ":memory:" and not os.path.exists(path):
            raise SinkInputError(f"no database file at {path}", f"tables.{meta.name}")
        if scheme == "sqlite":
            con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        else:
            con = duckdb.connect(path, read_only=True)

        def quote(name: str) -> str:
            return sql.quote_ident(name, scheme)

    select = ", ".join(quote(c) for c in columns)
    try:
        cursor = con.cursor()
        cursor.execute(f"SELECT {select} FROM {quote(meta.name)}")
        rows = cursor.fetchall()
    except Exception as exc:  # each driver has its own error tree: translate them all here
        raise SinkInputError(
            f"cannot read existing table {meta.name!r}: {str(exc).splitlines()[0]}",
            f"tables.{meta.name}",
        ) from exc
    finally:
        con.close()
    arrays = []
    for i, name in enumerate(columns):
        values = [row[i] for row in rows]
        try:
            arrays.append(pa.array(values).cast(meta.schema.field(name).type))
        except (pa.ArrowException, ValueError, TypeError) as exc:
            raise SinkError(
                f"existing column {meta.name}.{name} does not fit {meta.schema.field(name).type}",
                f"tables.{meta.name}.columns.{name}",
            ) from exc
    return pa.table(arrays, names=columns)
