"""MySQL and MariaDB by URL through PyMySQL; all-or-nothing although DDL is not transactional.

``mysql://user:password@host:3306/database`` (also ``mysql+pymysql://`` and
``mariadb://``; query options ``charset``, ``unix_socket``,
``connect_timeout``). MySQL commits every ``CREATE``/``DROP``/``RENAME`` on
the spot, so a load cannot be one transaction. Instead, per ``if_exists``:

- ``fail`` (default) and ``replace``: every table is created and loaded under
  a staging name (``_sw_<stamp>_<token>_<n>``, see below) whose foreign keys point at
  the other staging tables, then swapped into place with **one** atomic
  ``RENAME TABLE`` (for ``replace`` the old tables are renamed away in the
  same statement and dropped afterwards). InnoDB carries foreign keys along
  a rename -- references follow the renamed parent, generated constraint
  names follow the renamed child -- so the final tables reference each
  other, and rows were checked against their keys as they were inserted:
  the database enforces every key at the end without a second validation
  pass. Any failure before the swap drops the staging tables; the existing
  tables are never touched. ``fail`` refuses (SinkInputError) when a table
  exists; ``replace`` refuses up front when a table outside the dataset has
  a foreign key to one of the tables (the swap would leave it pointing at
  the old table).
- ``append`` and ``truncate``: row changes *are* transactional in InnoDB, so
  rows go straight into the existing tables inside one transaction
  (``truncate`` first deletes their rows, children first -- ``TRUNCATE``
  would commit on the spot). Missing tables are created first, under their
  final names, and dropped again if the load fails.

Rows travel, a batch at a time, either through ``LOAD DATA LOCAL INFILE``
(tab-separated text built column-wise in Arrow, written to a temporary
file; used when the server has ``local_infile`` on) or as multi-row
``INSERT`` statements built column-wise (:func:`sql.insert_statements`).
``LOAD DATA LOCAL`` turns row errors into warnings and skips the row, so
every load's row count and warnings are checked and any shortfall fails
the whole load. Foreign-key columns get their index from InnoDB itself.

Leftovers. Every catchable way out (an error, Ctrl-C, a SIGTERM the CLI
turns into an exception) drops the staging tables. SIGKILL cannot be
caught, and before this scheme nine kills left 45 staging tables behind.
So a staging name carries its load's start time (hex seconds) and an owner
token, and the loading connection holds the server lock
``synthwright_stage_<token>`` (``GET_LOCK``) for as long as it lives: the
server releases it the moment the connection dies, however the process
died. Each load first sweeps the database: a ``_sw_`` table whose owner's
lock is free belongs to a dead load and is dropped; one without a token (an
older version's) is dropped once it is `STALE_AFTER` seconds old; a live
load's tables are never touched. What SIGKILL can still leave: nothing
visible under the dataset's own names for ``fail``/``replace`` (the swap is
one ``RENAME``); for ``append``/``truncate`` a table the load had to
create, empty (its rows were never committed).

Names longer than 64 characters -- or so long that MySQL's names for their
foreign keys (``<table>_ibfk_<n>``) would be -- are refused before
connecting, as is an unknown ``charset``.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import tempfile
import time
from dataclasses import replace
from typing import Any

import pyarrow as pa

from synthwright import db
from synthwright.errors import SinkError
from synthwright.sinks import sql
from synthwright.sinks._base import IF_EXISTS, ForeignKey, TableMeta, UrlSink
from synthwright.sinks._server import SinkInputError, tsv_bytes

__all__ = ["IF_EXISTS", "METHODS", "SCHEMES", "STALE_AFTER", "MySqlSink", "sweep_staging"]

SCHEMES = ("mysql", "mariadb", "mysql+pymysql", "mariadb+pymysql")
METHODS = ("auto", "load_data", "insert")
ROWS_PER_INSERT = 5000
STALE_AFTER = 3600  # seconds: an untokened staging table older than this is a leftover
_DIALECT = "mysql"
_LOAD_FORMAT = (
    "CHARACTER SET utf8mb4 FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n'"
)
_STAGING = re.compile(r"^_sw_(?P<stamp>[0-9a-f]{8})_(?P<token>[0-9a-f]{8})_o?\d+$")


def _q(name: str) -> str:
    return sql.quote_ident(name, _DIALECT)


def _lock(token: str) -> str:
    """The server lock a load holds while its staging tables may exist."""
    return f"synthwright_stage_{token}"


def _rows(con: Any, statement: str, params: Any = None) -> list[tuple[Any, ...]]:
    with con.cursor() as cur:
        cur.execute(statement, params)
        return list(cur.fetchall())


def sweep_staging(con: Any, *, own: str = "", stale_after: float = STALE_AFTER) -> list[str]:
    """Drop the staging tables of loads that died; return their names.

    A tokened ``_sw_`` table is a leftover when no connection holds its
    owner's lock (:func:`_lock`); an untokened one when it is older than
    `stale_after` seconds. `own` is the caller's token (never swept). Best
    effort: a table that cannot be dropped is left for the next load.
    """
    found = _rows(
        con,
        "SELECT table_name, TIMESTAMPDIFF(SECOND, create_time, NOW()) "
        "FROM information_schema.tables WHERE table_schema = DATABASE() "
        "AND table_name LIKE '\\_sw\\_%'",
    )
    dead: list[str] = []
    for name, age in found:
        match = _STAGING.match(str(name))
        if match is None:
            if age is not None and age > stale_after:
                dead.append(str(name))
        elif match["token"] != own:
            free = _rows(con, "SELECT IS_FREE_LOCK(%s)", (_lock(match["token"]),))[0][0]
            if free == 1:
                dead.append(str(name))
    if not dead:
        return []
    _rows(con, "SET SESSION foreign_key_checks = 0")  # staging tables reference each other
    try:
        left = _drop(con, dead)
    finally:
        _rows(con, "SET SESSION foreign_key_checks = 1")
    return [name for name in dead if name not in left]


class MySqlSink(UrlSink):
    """Loads tables into MySQL/MariaDB all-or-nothing (see the module docstring).

    `method`: ``auto`` (``LOAD DATA LOCAL`` when the server allows it, else
    ``INSERT``), ``load_data`` or ``insert``.
    """

    dialects = ("mysql",)
    takes = "mysql://user@host/database (or mariadb://)"

    def __init__(self, url: str, *, if_exists: str = "fail", method: str = "auto") -> None:
        super().__init__(url, if_exists=if_exists)
        if method not in METHODS:
            raise SinkInputError(
                f"method must be one of {', '.join(METHODS)}, not {method!r}", "sinks.mysql"
            )
        self.method = method
        self._token = secrets.token_hex(4)
        self._stamp = f"{int(time.time()) & 0xFFFFFFFF:08x}"
        self._targets: dict[str, TableMeta] = {}  # table -> where its rows go (staging or final)
        self._staged: list[str] = []  # staging tables to drop on failure (parents first)
        self._created: list[str] = []  # final tables created by an append/truncate load
        self._existing: set[str] = set()
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self.swept: list[str] = []  #: leftovers of dead loads this load removed

    def _staging_name(self, n: int, old: bool = False) -> str:
        return f"_sw_{self._stamp}_{self._token}_{'o' if old else ''}{n}"

    def _exec(self, statement: str, params: Any = None) -> Any:
        with self._con.cursor() as cur:
            cur.execute(statement, params)
            return cur.fetchall()

    # -- hooks -------------------------------------------------------------------
    def _open(self, tables: list[TableMeta]) -> None:
        self._preflight(tables)
        self._con = self._connect(local_infile=self.method != "insert")
        with self._translated(None):
            if self.if_exists in ("fail", "replace"):  # staged: own the name first
                got = self._exec("SELECT GET_LOCK(%s, 0)", (_lock(self._token),))[0][0]
                if got != 1:
                    raise SinkError("could not take the staging lock", self._location(None))
            self.swept = sweep_staging(self._con, own=self._token)
            self._existing = db.present_tables(self._con, _DIALECT, [t.name for t in tables])
            if self.method == "auto":
                on = self._exec("SELECT @@local_infile")[0][0]
                self.method = "load_data" if str(on) in ("1", "ON") else "insert"
            if self.method == "load_data":
                self._tmp = tempfile.TemporaryDirectory(prefix="synthwright-mysql-")
            self._refuse_existing(tables, self._existing)
            if self.if_exists == "replace":
                self._refuse_outside_references(tables)
            if self.if_exists in ("fail", "replace"):
                self._open_staged(tables)
            else:
                self._open_in_place(tables)

    def _refuse_outside_references(self, tables: list[TableMeta]) -> None:
        """``replace`` cannot swap a table that another, unrelated table references."""
        ours = [t.name for t in tables]
        marks = ", ".join(["%s"] * len(ours))
        rows = self._exec(
            "SELECT table_name, referenced_table_name FROM information_schema.referential_constraints "
            f"WHERE constraint_schema = DATABASE() AND referenced_table_name IN ({marks}) "
            f"AND table_name NOT IN ({marks})",
            (*ours, *ours),
        )
        if rows:
            child, parent = rows[0]
            raise SinkInputError(
                f"table {child!r} has a foreign key to {parent!r}: replacing {parent!r} "
                "would break it (drop that key first, or use if_exists='truncate')",
                self._location(str(parent)),
            )

    def _open_staged(self, tables: list[TableMeta]) -> None:
        """Create every table under a staging name, keys pointing at staging names."""
        names = {t.name: self._staging_name(i) for i, t in enumerate(tables, start=1)}
        for meta in tables:
            fks = tuple(
                ForeignKey(fk.column, names[fk.ref_table], fk.ref_column)
                for fk in meta.foreign_keys
            )
            staged = replace(meta, name=names[meta.name], foreign_keys=fks)
            self._staged.append(staged.name)  # before CREATE: a half-made one is dropped too
            self._exec(sql.create_table(staged, _DIALECT).rstrip().rstrip(";"))
            self._targets[meta.name] = staged

    def _open_in_place(self, tables: list[TableMeta]) -> None:
        """Create the missing tables (dropped again on failure); empty others for truncate."""
        for meta in tables:
            self._targets[meta.name] = meta
            if meta.name not in self._existing:
                self._created.append(meta.name)
                self._exec(sql.create_table(meta, _DIALECT).rstrip().rstrip(";"))
        if self.if_exists == "truncate":  # DELETE is transactional, TRUNCATE is not
            for meta in reversed(tables):  # children first
                if meta.name in self._existing:
                    # InnoDB checks keys row by row: unlink rows pointing at each other first
                    for fk in meta.foreign_keys:
                        if fk.ref_table == meta.name:
                            column = _q(fk.column)
                            self._exec(
                                f"UPDATE {_q(meta.name)} SET {column} = NULL "
                                f"WHERE {column} IS NOT NULL"
                            )
                    self._exec(f"DELETE FROM {_q(meta.name)}")

    def _write(self, meta: TableMeta, batch: pa.RecordBatch) -> None:
        target = self._targets[meta.name]
        with self._translated(meta.name):
            if self.method == "load_data":
                self._load_data(target, batch)
            else:
                with self._con.cursor() as cur:
                    for statement in sql.insert_statements(
                        target, batch, _DIALECT, rows=ROWS_PER_INSERT
                    ):
                        cur.execute(statement)

    def _load_data(self, target: TableMeta, batch: pa.RecordBatch) -> None:
        """One batch through ``LOAD DATA LOCAL INFILE``; any skipped row fails the load."""
        assert self._tmp is not None
        path = os.path.join(self._tmp.name, "batch.tsv")
        with open(path, "wb") as handle:
            handle.write(tsv_bytes(batch, _DIALECT))
        cols = ", ".join(_q(c) for c in batch.schema.names)
        with self._con.cursor() as cur:
            cur.execute(
                f"LOAD DATA LOCAL INFILE %s INTO TABLE {_q(target.name)} {_LOAD_FORMAT} ({cols})",
                (path,),
            )
            loaded = cur.rowcount
        warnings = [w for w in self._con.show_warnings() if w[0] != "Note"]
        if loaded != batch.num_rows or warnings:
            why = f": {self.target.scrub(str(warnings[0][2]))}" if warnings else ""
            raise SinkError(
                f"{batch.num_rows - loaded} of {batch.num_rows} rows were refused{why}",
                self._location(target.name),
            )

    def _commit(self) -> list[str]:
        with self._translated(None):
            self._con.commit()
            if self._staged:
                self._swap()
        self._close()
        return self._written()

    def _swap(self) -> None:
        """One atomic ``RENAME TABLE``: old tables away (replace), staging tables in."""
        order = list(self._tables)  # parents first
        old = {n: self._staging_name(i, old=True) for i, n in enumerate(order, start=1)}
        moves = [f"{_q(n)} TO {_q(old[n])}" for n in order if n in self._existing]
        moves += [f"{_q(self._targets[n].name)} TO {_q(n)}" for n in order]
        self._exec("RENAME TABLE " + ", ".join(moves))
        self._staged = []
        for name in reversed(order):  # children first
            if name in self._existing:
                self._exec(f"DROP TABLE {_q(old[name])}")

    def _close(self) -> None:
        if self._con is not None:
            with contextlib.suppress(Exception):
                self._con.close()
            self._con = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def _rollback(self) -> None:
        left = list(reversed(self._staged + self._created))  # children first
        if self._con is not None:
            with contextlib.suppress(Exception):
                self._con.rollback()
            left = _drop(self._con, left)
        self._staged, self._created = [], []
        self._close()
        if left:
            # A signal cut a statement short and left the connection mid-protocol:
            # drop through a fresh one (the old one is closed, so its locks are gone).
            with contextlib.suppress(Exception):
                con = self._connect()
                try:
                    _drop(con, left)
                finally:
                    con.close()


def _drop(con: Any, names: list[str]) -> list[str]:
    """Drop the tables in order; return those that could not be dropped."""
    left = []
    for name in names:
        try:
            _rows(con, f"DROP TABLE IF EXISTS {_q(name)}")
        except Exception:  # best effort: what stays behind is swept by the next load
            left.append(name)
    return left
