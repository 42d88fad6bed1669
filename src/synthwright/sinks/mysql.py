"""MySQL and MariaDB by URL through PyMySQL; all-or-nothing although DDL is not transactional.

``mysql://user:password@host:3306/database`` (also ``mysql+pymysql://`` and
``mariadb://``; query options ``charset``, ``unix_socket``,
``connect_timeout``). MySQL commits every ``CREATE``/``DROP``/``RENAME`` on
the spot, so a load cannot be one transaction. Instead, per ``if_exists``:

- ``fail`` (default) and ``replace``: every table is created and loaded under
  a staging name (``_sw_<token>_<n>_<table>``) whose foreign keys point at
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
"""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pyarrow as pa

from synthwright.errors import SinkError
from synthwright.sinks import sql
from synthwright.sinks._base import ForeignKey, Sink, TableMeta, check_key_targets, integer_keyed
from synthwright.sinks._server import (
    ServerURL,
    SinkInputError,
    first_line,
    parse_url,
    scrub,
    tsv_bytes,
)

__all__ = ["IF_EXISTS", "METHODS", "SCHEMES", "MySqlSink", "existing_max_ids"]

SCHEMES = ("mysql", "mariadb", "mysql+pymysql", "mariadb+pymysql")
IF_EXISTS = ("fail", "replace", "append", "truncate")
METHODS = ("auto", "load_data", "insert")
ROWS_PER_INSERT = 5000
_DIALECT = "mysql"
_OPTIONS = ("charset", "unix_socket", "connect_timeout")
#: client errors that mean "cannot reach / log in / find the database": bad input
_CONNECT_ERRORS = {1044, 1045, 1049, 2002, 2003, 2005, 2006, 2013}
_LOAD_FORMAT = (
    "CHARACTER SET utf8mb4 FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n'"
)


def _q(name: str) -> str:
    return sql.quote_ident(name, _DIALECT)


def _parse(url: str) -> ServerURL:
    parsed = parse_url(url, "MySQL", "sinks.mysql")
    if parsed.scheme not in SCHEMES:
        raise SinkInputError(
            f"not a MySQL URL: {parsed.redacted!r} (use mysql://...)", "sinks.mysql"
        )
    if not parsed.database:
        raise SinkInputError(
            f"no database in {parsed.redacted!r} (mysql://user@host/database)", "sinks.mysql"
        )
    unknown = sorted(set(parsed.options) - set(_OPTIONS))
    if unknown:
        raise SinkInputError(
            f"unknown option(s) {', '.join(unknown)} in {parsed.redacted!r}; "
            f"known: {', '.join(_OPTIONS)}",
            "sinks.mysql",
        )
    return parsed


def connect(url: str, *, local_infile: bool = False) -> Any:
    """A PyMySQL connection (autocommit off, strict mode), errors scrubbed and classified.

    Raises:
        SinkInputError: unreachable server, refused login, unknown database.
        SinkError: any other failure while connecting.
    """
    import pymysql

    target = _parse(url)
    options = target.options
    try:
        con = pymysql.connect(
            host=target.host or "localhost",
            port=target.port or 3306,
            user=target.user or "root",
            password=target.password or "",
            database=target.database,
            unix_socket=options.get("unix_socket"),
            charset=options.get("charset", "utf8mb4"),
            connect_timeout=int(options.get("connect_timeout", "5")),
            autocommit=False,
            local_infile=local_infile,
        )
        with con.cursor() as cur:
            cur.execute("SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION'")
            cur.execute("SET SESSION foreign_key_checks = 1, unique_checks = 1")
        return con
    except (pymysql.Error, ValueError) as exc:
        message = scrub(_message(exc), target.password)
        code = exc.args[0] if exc.args and isinstance(exc.args[0], int) else None
        error = SinkInputError if code in _CONNECT_ERRORS or code is None else SinkError
        # from None: the driver's own error may carry connection details
        raise error(f"cannot connect to {target.redacted}: {message}", "sinks.mysql") from None


def _message(exc: BaseException) -> str:
    """PyMySQL errors are ``(code, message)`` pairs: the message, first line."""
    if len(exc.args) > 1 and isinstance(exc.args[1], str):
        return first_line(Exception(exc.args[1]))
    return first_line(exc)


def _existing(cur: Any, names: list[str]) -> set[str]:
    """The given tables (or views) present in the current database, by their given names."""
    cur.execute("SELECT @@lower_case_table_names")
    folded = int(cur.fetchone()[0]) != 0
    cur.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE()")
    found = {str(r[0]).lower() if folded else str(r[0]) for r in cur.fetchall()}
    return {n for n in names if (n.lower() if folded else n) in found}


class MySqlSink(Sink):
    """Loads tables into MySQL/MariaDB all-or-nothing (see the module docstring).

    `method`: ``auto`` (``LOAD DATA LOCAL`` when the server allows it, else
    ``INSERT``), ``load_data`` or ``insert``.
    """

    def __init__(self, url: str, *, if_exists: str = "fail", method: str = "auto") -> None:
        super().__init__()
        if if_exists not in IF_EXISTS:
            raise SinkInputError(
                f"if_exists must be one of {', '.join(IF_EXISTS)}, not {if_exists!r}",
                "sinks.mysql",
            )
        if method not in METHODS:
            raise SinkInputError(
                f"method must be one of {', '.join(METHODS)}, not {method!r}", "sinks.mysql"
            )
        self._raw_url = url
        parsed = _parse(url)
        self._password = parsed.password
        self.url = parsed.redacted
        self.if_exists = if_exists
        self.method = method
        self._con: Any = None
        self._token = secrets.token_hex(4)
        self._targets: dict[str, TableMeta] = {}  # table -> where its rows go (staging or final)
        self._staged: list[str] = []  # staging tables to drop on failure (parents first)
        self._created: list[str] = []  # final tables created by an append/truncate load
        self._existing: set[str] = set()
        self._tmp: tempfile.TemporaryDirectory[str] | None = None

    def _location(self, table: str | None) -> str:
        return f"{self.url}#{table}" if table else "sinks.mysql"

    @contextlib.contextmanager
    def _translated(self, table: str | None) -> Iterator[None]:
        """Driver errors -> SinkError with the credentials scrubbed (raised once, here)."""
        import pymysql

        try:
            yield
        except pymysql.Error as exc:
            message = scrub(_message(exc), self._password)
            raise SinkError(f"could not write: {message}", self._location(table)) from exc

    def _exec(self, statement: str, params: Any = None) -> Any:
        with self._con.cursor() as cur:
            cur.execute(statement, params)
            return cur.fetchall()

    # -- hooks -------------------------------------------------------------------
    def _open(self, tables: list[TableMeta]) -> None:
        check_key_targets(tables)
        self._con = connect(self._raw_url, local_infile=self.method != "insert")
        with self._translated(None):
            with self._con.cursor() as cur:
                self._existing = _existing(cur, [t.name for t in tables])
            if self.method == "auto":
                on = self._exec("SELECT @@local_infile")[0][0]
                self.method = "load_data" if str(on) in ("1", "ON") else "insert"
            if self.method == "load_data":
                self._tmp = tempfile.TemporaryDirectory(prefix="synthwright-mysql-")
            if self._existing and self.if_exists == "fail":
                first = next(t.name for t in tables if t.name in self._existing)
                raise SinkInputError(
                    f"table {first!r} already exists "
                    "(use if_exists='replace', 'append' or 'truncate')",
                    self._location(first),
                )
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
        names = {
            t.name: f"_sw_{self._token}_{i}_{t.name}"[:64] for i, t in enumerate(tables, start=1)
        }
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
            why = f": {scrub(str(warnings[0][2]), self._password)}" if warnings else ""
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
        return [f"{self.url}#{name}" for name in self._tables]

    def _swap(self) -> None:
        """One atomic ``RENAME TABLE``: old tables away (replace), staging tables in."""
        order = list(self._tables)  # parents first
        old = {n: f"_sw_{self._token}_old_{i}_{n}"[:64] for i, n in enumerate(order, start=1)}
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
        if self._con is not None:
            with contextlib.suppress(Exception):
                self._con.rollback()
            for name in reversed(self._staged + self._created):  # children first
                with contextlib.suppress(Exception):
                    self._exec(f"DROP TABLE IF EXISTS {_q(name)}")
        self._staged, self._created = [], []
        self._close()


def existing_max_ids(url: str, tables: list[TableMeta]) -> dict[str, int]:
    """As ``postgres.existing_max_ids``, for MySQL/MariaDB."""
    import pymysql

    keyed = integer_keyed(tables)
    con = connect(url)
    target = _parse(url)
    try:
        with con.cursor() as cur:
            present = _existing(cur, [t.name for t in keyed])
            out: dict[str, int] = {}
            for meta in keyed:
                if meta.name in present:
                    cur.execute(f"SELECT max({_q(str(meta.primary_key))}) FROM {_q(meta.name)}")
                    row = cur.fetchone()
                    out[meta.name] = int(row[0]) if row and row[0] is not None else 0
        return out
    except pymysql.Error as exc:
        message = scrub(_message(exc), target.password)
        raise SinkError(f"cannot read keys: {message}", target.redacted) from exc
    finally:
        with contextlib.suppress(Exception):
            con.rollback()
        con.close()
