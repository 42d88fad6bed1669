"""PostgreSQL by URL, all-or-nothing in one transaction, rows through ``COPY``.

``postgresql://user:password@host:5432/db`` (also ``postgres://`` and
``postgresql+psycopg://``; libpq options such as ``sslmode`` pass through).
Everything -- the existence check, drops/truncates, ``CREATE TABLE``, every
row, the foreign keys and their indexes -- happens in one transaction that
`close` commits; any failure rolls it back, so the database is exactly as
before. ``if_exists``:

- ``fail`` (default): one of the tables exists -> :class:`SinkInputError`
  naming it, nothing changed;
- ``replace``: the existing tables are dropped (children first) and created
  afresh; a table outside the dataset that references one of them makes the
  drop fail (nothing is dropped with ``CASCADE`` behind the caller's back);
- ``append``: rows go into the existing tables (missing ones are created);
- ``truncate``: the existing tables are emptied with one ``TRUNCATE`` (no
  ``CASCADE``: a table outside the dataset that references them makes it
  fail rather than silently emptying that table too), then loaded.

Speed: rows travel as tab-separated text built column-wise in Arrow
(:func:`~synthwright.sinks._server.tsv_bytes`) through one ``COPY ... FROM
STDIN`` per table, kept open across that table's batches and fed by a
writer thread, so the server ingests one batch while the next is generated
and formatted. Tables created by this load get their primary key, UNIQUE
constraints, foreign keys and the indexes on foreign-key columns *after*
their rows are in (still inside the transaction): building an index once
is cheaper than maintaining it row by row, and validating a foreign key
with one join is far cheaper than a trigger per row; such tables are also
loaded with ``COPY ... FREEZE``. A violated key therefore surfaces at
`close`, and rolls everything back like any other failure. A foreign-key
column that already leads the primary key or a UNIQUE constraint has an
index and gets none extra. Existing tables (``append``) keep their
constraints, checked as the rows arrive.

Names longer than PostgreSQL's 63 bytes are refused before connecting
(PostgreSQL would truncate them silently).
"""

from __future__ import annotations

import contextlib
from typing import Any

import pyarrow as pa

from synthwright import db
from synthwright.errors import SinkError
from synthwright.sinks import sql
from synthwright.sinks._base import IF_EXISTS, TableMeta, UrlSink
from synthwright.sinks._server import tsv_bytes

__all__ = ["IF_EXISTS", "SCHEMES", "PostgresSink"]

SCHEMES = ("postgresql", "postgres", "postgresql+psycopg", "postgresql+psycopg2")
_DIALECT = "postgres"


def _q(name: str) -> str:
    return sql.quote_ident(name, _DIALECT)


class PostgresSink(UrlSink):
    """Loads tables into PostgreSQL in one transaction (see the module docstring)."""

    dialects = ("postgres",)
    takes = "postgresql://user@host/db"

    def __init__(self, url: str, *, if_exists: str = "fail") -> None:
        super().__init__(url, if_exists=if_exists)
        self._created: set[str] = set()
        self._keys: list[str] = []  # PRIMARY KEY / UNIQUE of tables created by this load
        self._deferred: list[str] = []  # their FKs and indexes, after every key exists
        self._copy: tuple[str, Any, Any] | None = None  # (table, context, Copy) being fed

    def _exec(self, statement: str, params: tuple[Any, ...] | None = None) -> Any:
        return self._con.execute(statement, params)

    # -- hooks -------------------------------------------------------------------
    def _open(self, tables: list[TableMeta]) -> None:
        self._preflight(tables)
        self._con = self._connect()
        with self._translated(None):
            existing = db.present_tables(self._con, _DIALECT, [t.name for t in tables])
            self._refuse_existing(tables, existing)
            if self.if_exists == "replace":
                for meta in reversed(tables):  # children before parents
                    if meta.name in existing:
                        self._exec(f"DROP TABLE {_q(meta.name)}")
                existing = set()
            elif self.if_exists == "truncate" and existing:
                names = ", ".join(_q(t.name) for t in tables if t.name in existing)
                self._exec(f"TRUNCATE TABLE {names}")
            for meta in tables:
                if meta.name not in existing:
                    self._create(meta)

    def _create(self, meta: TableMeta) -> None:
        """The bare table now (types, NOT NULL); keys, FKs and indexes after the rows."""
        bare = TableMeta(meta.name, meta.schema)
        self._exec(sql.create_table(bare, _DIALECT).rstrip().rstrip(";"))
        self._created.add(meta.name)
        table = _q(meta.name)
        if meta.primary_key:
            self._keys.append(f"ALTER TABLE {table} ADD PRIMARY KEY ({_q(meta.primary_key)})")
        for group in meta.unique:
            cols = ", ".join(_q(c) for c in group)
            self._keys.append(f"ALTER TABLE {table} ADD UNIQUE ({cols})")
        indexed = {meta.primary_key} | {group[0] for group in meta.unique}
        for fk in meta.foreign_keys:
            clause = (
                f"ALTER TABLE {_q(meta.name)} ADD FOREIGN KEY ({_q(fk.column)}) "
                f"REFERENCES {_q(fk.ref_table)} ({_q(fk.ref_column)})"
            )
            if fk.ref_table == meta.name:  # rows may point at rows written later
                clause += " DEFERRABLE INITIALLY DEFERRED"
            self._deferred.append(clause)
            if fk.column not in indexed:
                indexed.add(fk.column)
                self._deferred.append(f"CREATE INDEX ON {_q(meta.name)} ({_q(fk.column)})")

    def _write(self, meta: TableMeta, batch: pa.RecordBatch) -> None:
        data = tsv_bytes(batch, _DIALECT)
        with self._translated(meta.name):
            if self._copy is None or self._copy[0] != meta.name:
                self._finish_copy()
                self._start_copy(meta)
            assert self._copy is not None
            self._copy[2].write(data)

    def _start_copy(self, meta: TableMeta) -> None:
        """Open ``COPY table FROM STDIN``, written by a thread so generation goes on."""
        from psycopg.copy import QueuedLibpqWriter

        cols = ", ".join(_q(c) for c in meta.schema.names)
        freeze = " (FREEZE)" if meta.name in self._created else ""
        cur = self._con.cursor()
        context = cur.copy(
            f"COPY {_q(meta.name)} ({cols}) FROM STDIN{freeze}", writer=QueuedLibpqWriter(cur)
        )
        self._copy = (meta.name, context, context.__enter__())

    def _finish_copy(self) -> None:
        """End the open COPY (the server reports the table's errors here)."""
        if self._copy is not None:
            table, context, _ = self._copy
            self._copy = None
            with self._translated(table):
                context.__exit__(None, None, None)

    def _commit(self) -> list[str]:
        self._finish_copy()
        with self._translated(None):
            for statement in self._keys + self._deferred:
                self._exec(statement)
            self._con.commit()
        self._con.close()
        self._con = None
        return self._written()

    def _rollback(self) -> None:
        if self._copy is not None:  # stop the writer thread; the COPY fails
            context, self._copy = self._copy[1], None
            with contextlib.suppress(Exception):
                failure = SinkError("load aborted", "sinks.postgres")
                context.__exit__(SinkError, failure, None)
        if self._con is not None:
            with contextlib.suppress(Exception):
                self._con.rollback()
            with contextlib.suppress(Exception):
                self._con.close()
            self._con = None
        self._keys, self._deferred, self._created = [], [], set()
