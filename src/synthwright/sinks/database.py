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

``sqlite:///`` without a path (or ``:memory:``) is refused: a load into a
database that vanishes with its connection would "succeed" into nothing.

:func:`existing_max_ids` and :func:`read_columns` serve ``append`` for every
database the same way, through :class:`synthwright.db.Reader`; which sink
loads which URL is the registry's business (:func:`synthwright.sinks.open_sink`).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from typing import Any, ClassVar

import duckdb
import pyarrow as pa

from synthwright import db
from synthwright.errors import SinkError
from synthwright.sinks import _text, sql
from synthwright.sinks._base import IF_EXISTS, Sink, TableMeta, UrlSink, integer_keyed
from synthwright.sinks._server import SinkInputError

__all__ = [
    "IF_EXISTS",
    "SCHEMES",
    "DatabaseSink",
    "SinkInputError",
    "database_kind",
    "existing_max_ids",
    "read_columns",
]

SCHEMES = ("sqlite", "duckdb")
_BATCH_VIEW = "__synthwright_batch"


def database_kind(url: str) -> str:
    """``sqlite``, ``duckdb``, ``postgres`` or ``mysql`` for a database URL.

    Raises:
        SinkInputError: not a URL of a supported database (credentials not shown).
    """
    return db.dialect_of(url, location="sinks.database")


class DatabaseSink(UrlSink):
    """Writes tables into a SQLite or DuckDB database in one transaction."""

    dialects = SCHEMES
    takes = "sqlite:///path.db and duckdb:///path.duckdb"
    foreign_errors: ClassVar[tuple[type[BaseException], ...]] = (
        *Sink.foreign_errors,
        sqlite3.Error,
        duckdb.Error,
    )

    def __init__(self, url: str, *, if_exists: str = "fail") -> None:
        super().__init__(url, if_exists=if_exists)
        self.scheme = self.dialect
        self.path = self.target.database
        self._created_file = False

    def _exec(self, statement: str) -> None:
        self._con.execute(statement)

    # -- hooks -------------------------------------------------------------------
    def _open(self, tables: list[TableMeta]) -> None:
        self._preflight(tables)
        self._created_file = not os.path.exists(self.path)
        self._con = self._connect()
        if self.scheme == "sqlite":
            self._exec("PRAGMA foreign_keys = ON")
            self._exec("BEGIN")
        else:
            self._con.begin()
        existing = db.present_tables(self._con, self.scheme, [t.name for t in tables])
        self._refuse_existing(tables, existing)
        truncate_by_drop = self.if_exists == "truncate" and self.scheme == "duckdb"
        if self.if_exists == "replace" or truncate_by_drop:
            for meta in reversed(tables):  # children before parents
                if meta.name in existing:
                    self._exec(sql.drop_table(meta.name, self.scheme))
            existing = set()
        elif self.if_exists == "truncate":
            for meta in reversed(tables):  # children before parents
                if meta.name in existing:
                    self._exec(f"DELETE FROM {sql.quote_ident(meta.name, self.scheme)}")
        for meta in tables:
            if meta.name not in existing:
                self._exec(sql.create_table(meta, self.scheme))

    def _write(self, meta: TableMeta, batch: pa.RecordBatch) -> None:
        cols = ", ".join(sql.quote_ident(c, self.scheme) for c in batch.schema.names)
        table = sql.quote_ident(meta.name, self.scheme)
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
        return self._written()

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


def existing_max_ids(url: str, tables: list[TableMeta]) -> dict[str, int]:
    """Largest integer primary key of each of `tables` that already exists at `url`.

    Tables that do not exist (or have no integer primary key) are left out;
    an empty table gives 0, and so does a database file that does not exist
    yet. ``append`` generates keys from max + 1 onwards.

    Raises:
        SinkInputError: the database cannot be reached or read.
    """
    target = db.parse_url(url, location="sinks.database")
    if target.is_file and not os.path.exists(target.database):
        return {}
    keyed = integer_keyed(tables)
    with db.Reader(target, location=target.redacted, error=SinkInputError) as reader:
        present = reader.present([t.name for t in keyed])
        out: dict[str, int] = {}
        for meta in keyed:
            if meta.name in present:
                query = f"SELECT max({reader.quote(str(meta.primary_key))}) FROM {reader.quote(meta.name)}"
                rows = reader.query(query, "keys")[1]
                top = rows[0][0] if rows else None
                out[meta.name] = int(top) if top is not None else 0
        return out


def read_columns(url: str, meta: TableMeta, columns: list[str]) -> pa.Table:
    """Some columns of an existing table, typed by ``meta.schema`` (for ``existing: true``).

    Children generated with ``if_exists='append'`` point at rows that are
    already in the database; this reads the keys (and any column they need).

    Raises:
        SinkInputError: the database cannot be reached or has no such table.
        SinkError: the values do not fit the declared types.
    """
    where = f"tables.{meta.name}"
    with db.Reader(url, location=where, error=SinkInputError) as reader:
        if meta.name not in reader.present([meta.name]):
            raise SinkInputError(f"no table {meta.name!r} in {reader.url.redacted}", where)
        loose = reader.read(meta.name, columns)
    arrays = []
    for name in columns:
        want = meta.schema.field(name).type
        try:
            arrays.append(loose.column(name).combine_chunks().cast(want))
        except (pa.ArrowException, ValueError, TypeError) as exc:
            raise SinkError(
                f"existing column {meta.name}.{name} does not fit {want}",
                f"tables.{meta.name}.columns.{name}",
            ) from exc
    return pa.table(arrays, names=columns)
