"""Databases by URL, all-or-nothing: ``sqlite:///path.db`` and ``duckdb:///path.duckdb``.

Everything -- the existence checks, drops, ``CREATE TABLE`` with keys and
all inserts -- runs in one transaction, committed by `close`; a failure or
`abort` rolls it back, and a database file that did not exist before is
removed again. ``if_exists``:

- ``fail`` (default): any of the tables already exists -> SinkError naming
  it, before anything is changed;
- ``replace``: existing tables are dropped (children before parents) and
  created afresh, inside the same transaction;
- ``append``: rows are added to existing tables (missing ones are created).

DuckDB inserts straight from Arrow (the batch is registered as a view); SQLite
goes through ``executemany`` with ISO-8601 text for temporal values and exact
decimal text (stored under the column's NUMERIC affinity), as in the SQL
scripts of :mod:`synthwright.sinks.sql`. PostgreSQL and MySQL come later.
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
from synthwright.sinks._base import Sink, TableMeta, check_key_targets, redact_url

__all__ = ["IF_EXISTS", "SCHEMES", "DatabaseSink"]

SCHEMES = ("sqlite", "duckdb")
IF_EXISTS = ("fail", "replace", "append")
_BATCH_VIEW = "__synthwright_batch"


def _parse(url: str) -> tuple[str, str]:
    """(scheme, path) of a ``scheme:///path`` URL; ``:memory:`` when there is no path."""
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise SinkError(f"not a database URL: {redact_url(url)!r}", "sinks.database") from exc
    scheme = parts.scheme.split("+", 1)[0].lower()
    if scheme not in SCHEMES:
        raise SinkError(
            f"unsupported database URL {redact_url(url)!r}: supported schemes are "
            "sqlite:///path.db and duckdb:///path.duckdb (PostgreSQL and MySQL come later)",
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
            raise SinkError(
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
            raise SinkError(
                f"table {first!r} already exists (use if_exists='replace' or 'append')",
                self._location(first),
            )
        if self.if_exists == "replace":
            for meta in reversed(tables):  # children before parents
                if meta.name.lower() in existing:
                    self._exec(sql.drop_table(meta.name, self._dialect))
            existing = set()
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
