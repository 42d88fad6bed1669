"""The sink contract: table metadata, the `Sink` base class and its in-memory twin.

A sink receives each table's record batches in dependency order (parents
first) and either commits all of them or leaves no trace. The public methods
live here once -- state checks, schema checks, translation of foreign errors
and the automatic abort on failure -- so each concrete sink only implements
four small hooks (`_open`, `_write`, `_commit`, `_rollback`) and cannot get
the all-or-nothing promise subtly wrong.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

import pyarrow as pa

from synthwright import db
from synthwright.errors import SinkError, SinkInputError

__all__ = [
    "IF_EXISTS",
    "ForeignKey",
    "MemorySink",
    "Sink",
    "TableMeta",
    "UrlSink",
    "check_key_targets",
    "check_names",
]

IF_EXISTS = ("fail", "replace", "append", "truncate")

_S = TypeVar("_S", bound="Sink")
_T = TypeVar("_T")


@dataclass(frozen=True)
class ForeignKey:
    """`column` of this table references `ref_table.ref_column` (a key of the parent)."""

    column: str
    ref_table: str
    ref_column: str


@dataclass(frozen=True)
class TableMeta:
    """What a sink needs to lay a table out; NOT NULL is a field with ``nullable=False``."""

    name: str
    schema: pa.Schema
    primary_key: str | None = None
    foreign_keys: tuple[ForeignKey, ...] = ()
    unique: tuple[tuple[str, ...], ...] = ()

    def key_columns(self) -> set[str]:
        """Columns that take part in a key (some databases need bounded types there)."""
        cols = {fk.column for fk in self.foreign_keys}
        if self.primary_key:
            cols.add(self.primary_key)
        for group in self.unique:
            cols.update(group)
        return cols


def _check_tables(tables: list[TableMeta]) -> None:
    """Refuse metadata that names columns or tables it does not have, before any I/O."""
    seen: dict[str, TableMeta] = {}
    problems: list[str] = []
    for meta in tables:
        if meta.name in seen:
            problems.append(f"table {meta.name!r} given twice")
        seen[meta.name] = meta
        names = set(meta.schema.names)
        wanted = list(meta.key_columns())
        problems += [
            f"{meta.name}: key column {c!r} not in schema" for c in wanted if c not in names
        ]
        problems += [
            f"{meta.name}.{fk.column}: references unknown table {fk.ref_table!r}"
            for fk in meta.foreign_keys
            if fk.ref_table not in seen
        ]

    if problems:
        raise SinkError("; ".join(sorted(problems)), "sinks")


def check_key_targets(tables: list[TableMeta]) -> None:
    """Refuse foreign keys whose target is not a key, for sinks that declare keys.

    Every SQL database refuses them (DuckDB when creating the table, SQLite at
    the first insert); saying so up front names the column. File formats
    without keys do not call this.
    """
    by_name = {t.name: t for t in tables}
    problems = [
        f"{meta.name}.{fk.column}: references {fk.ref_table}.{fk.ref_column}, "
        "which is neither its primary key nor unique"
        for meta in tables
        for fk in meta.foreign_keys
        if fk.ref_column != by_name[fk.ref_table].primary_key
        and (fk.ref_column,) not in by_name[fk.ref_table].unique
    ]
    if problems:
        raise SinkError("; ".join(problems), "sinks")


def _short(name: str, keep: int = 40) -> str:
    """A name for a message: whole when short, else its start (the full one may be huge)."""
    return repr(name) if len(name) <= keep else repr(name[:keep]) + "..."


#: MySQL/MariaDB name a table's n-th unnamed foreign key ``<table>_ibfk_<n>``
_MYSQL_FK_SUFFIX = "_ibfk_"


def check_names(tables: list[TableMeta], dialect: str, location: str) -> None:
    """Refuse names longer than the dialect keeps, before anything is changed.

    PostgreSQL truncates a name beyond 63 bytes without a word (so a
    300-character table would be loaded under a different name, and two
    long names could become one); MySQL refuses beyond 64 characters, and
    also when the name it makes for a foreign key (``<table>_ibfk_<n>``)
    would be longer -- after the rows are in. Saying so up front names
    every offender and changes nothing.

    Raises:
        SinkInputError: listing every name that is too long.
    """
    if dialect not in db.NAME_LIMITS:
        return
    limit, unit = db.NAME_LIMITS[dialect]

    def size(name: str) -> int:
        return len(name.encode("utf-8")) if unit == "bytes" else len(name)

    problems = [
        f"table {_short(t.name)} is {size(t.name)} {unit}" for t in tables if size(t.name) > limit
    ]
    problems += [
        f"column {_short(t.name)}.{_short(f.name)} is {size(f.name)} {unit}"
        for t in tables
        for f in t.schema
        if size(f.name) > limit
    ]
    if dialect == "mysql":
        problems += [
            f"table {_short(t.name)}: the names MySQL gives its foreign keys "
            f"('<table>{_MYSQL_FK_SUFFIX}{len(t.foreign_keys)}') would be over {limit} {unit}"
            for t in tables
            if t.foreign_keys
            and size(t.name) <= limit
            and size(t.name + _MYSQL_FK_SUFFIX + str(len(t.foreign_keys))) > limit
        ]
    if problems:
        raise SinkInputError(
            f"{dialect} keeps names of at most {limit} {unit}: " + "; ".join(problems), location
        )


class Sink(ABC):
    """Writes tables all-or-nothing: ``open`` -> ``write_batch``... -> ``close`` | ``abort``.

    - ``open(tables)`` once, with every table in dependency order (parents first).
    - ``write_batch(table, batch)``: the batch's column names and types must match
      the table's schema (nullability is checked against the data: no nulls in a
      NOT NULL column).
    - ``close()`` commits and returns what was written (paths or ``url#table``).
    - ``abort()`` removes everything partial; it never raises and may be called
      at any point, any number of times (after a successful close it does nothing).

    Any failure inside ``open``/``write_batch``/``close`` aborts the sink by itself
    before the error propagates (foreign errors become :class:`SinkError`), so a
    caller that forgets ``abort`` still leaves nothing half-written. The easy way
    is :meth:`session`::

        with sink.session(tables) as s:
            s.write_batch("customers", batch)
        print(sink.written)
    """

    #: Foreign exception types translated into SinkError (subclasses extend this).
    foreign_errors: ClassVar[tuple[type[BaseException], ...]] = (
        OSError,
        ValueError,  # pyarrow writers raise it for a batch that does not fit the file
        pa.ArrowException,
    )

    def __init__(self) -> None:
        self._state = "new"
        self._tables: dict[str, TableMeta] = {}
        #: what the last successful ``close`` returned (set by ``session`` too)
        self.written: list[str] = []

    # -- hooks ---------------------------------------------------------------
    @abstractmethod
    def _open(self, tables: list[TableMeta]) -> None:
        """Prepare to receive the tables (nothing visible to others yet)."""

    @abstractmethod
    def _write(self, meta: TableMeta, batch: pa.RecordBatch) -> None:
        """Write one non-empty, already checked batch."""

    @abstractmethod
    def _commit(self) -> list[str]:
        """Make everything visible at once; return the targets written."""

    @abstractmethod
    def _rollback(self) -> None:
        """Best effort removal of everything partial; must not raise."""

    def _location(self, table: str | None) -> str:
        """Where an error happened, for messages (``sinks.<kind>`` or a table)."""
        return table or "sinks"

    # -- public protocol -------------------------------------------------------
    def open(self, tables: list[TableMeta]) -> None:
        """Start a write of `tables` (parents before children)."""
        if self._state != "new":
            raise SinkError(f"sink cannot be opened: it is {self._state}", self._location(None))
        _check_tables(tables)
        self._tables = {t.name: t for t in tables}
        self._state = "open"
        self._guarded(lambda: self._open(list(tables)), None)

    def write_batch(self, table: str, batch: pa.RecordBatch) -> None:
        """Write one batch of `table`; memory use is bounded by the batch."""
        meta = self._require_open(table)
        assert meta is not None
        try:
            _check_batch(meta, batch)
        except SinkError:
            self.abort()
            raise
        if batch.num_rows:
            self._guarded(lambda: self._write(meta, batch), table)

    def close(self) -> list[str]:
        """Commit every table at once and return what was written."""
        self._require_open(None)
        written = self._guarded(self._commit, None)
        self._state = "closed"
        self.written = written
        return written

    def abort(self) -> None:
        """Remove everything partial; safe at any point, never raises."""
        if self._state in ("closed", "aborted"):
            return
        self._state = "aborted"
        self._rollback()

    @contextmanager
    def session(self: _S, tables: list[TableMeta]) -> Iterator[_S]:
        """Open; yield the sink; close on success (result in ``.written``), abort on error."""
        self.open(tables)
        try:
            yield self
        except BaseException:
            self.abort()
            raise
        self.close()

    # -- helpers ---------------------------------------------------------------
    def _require_open(self, table: str | None) -> TableMeta | None:
        if self._state != "open":
            raise SinkError(f"sink is {self._state}, not open", self._location(table))
        if table is None:
            return None
        try:
            return self._tables[table]
        except KeyError:
            self.abort()
            raise SinkError(f"unknown table {table!r}", self._location(None)) from None

    def _guarded(self, fn: Callable[[], _T], table: str | None) -> _T:
        """Run `fn`; on any failure abort first, translating foreign errors once."""
        try:
            return fn()
        except SinkError:
            self.abort()
            raise
        except self.foreign_errors as exc:
            self.abort()
            raise SinkError(f"could not write: {exc}", self._location(table)) from exc
        except BaseException:
            self.abort()
            raise


def _check_batch(meta: TableMeta, batch: pa.RecordBatch) -> None:
    """A batch must have the table's columns and types; NOT NULL columns no nulls."""
    want, got = meta.schema, batch.schema
    if want.names != got.names:
        raise SinkError(
            f"batch columns {got.names} differ from the table's {want.names}", meta.name
        )
    for i, field in enumerate(want):
        if not got.field(i).type.equals(field.type):
            raise SinkError(
                f"column {field.name!r} has type {got.field(i).type}, expected {field.type}",
                meta.name,
            )
        if not field.nullable and batch.column(i).null_count:
            raise SinkError(f"column {field.name!r} is NOT NULL but has nulls", meta.name)


class UrlSink(Sink):
    """What every database sink shares: its URL, ``if_exists``, locations, driver errors.

    The URL is parsed once (:func:`synthwright.db.parse_url`); ``url`` is its
    redacted form, the only one that appears in messages and in what `close`
    returns (``<url>#<table>``). Subclasses name the dialects they take and
    get, before they connect, the checks every database needs: foreign keys
    that point at keys, names the dialect keeps whole.
    """

    #: dialects this sink loads, and how to write its URLs (for the refusal)
    dialects: ClassVar[tuple[str, ...]] = ()
    takes: ClassVar[str] = ""

    def __init__(self, url: str, *, if_exists: str = "fail") -> None:
        super().__init__()
        where = f"sinks.{self.dialects[0] if len(self.dialects) == 1 else 'database'}"
        if if_exists not in IF_EXISTS:
            raise SinkInputError(
                f"if_exists must be one of {', '.join(IF_EXISTS)}, not {if_exists!r}", where
            )
        self.target = db.parse_url(url, location=where)
        if self.target.dialect not in self.dialects:
            raise SinkInputError(
                f"unsupported database URL {self.target.redacted!r}: {type(self).__name__} "
                f"takes {self.takes} (open_sink picks the sink for any URL)",
                where,
            )
        self.dialect = self.target.dialect
        self.url = self.target.redacted
        self.if_exists = if_exists
        self._con: Any = None

    def _location(self, table: str | None) -> str:
        return f"{self.url}#{table}" if table else f"sinks.{self.dialect}"

    def _translated(self, table: str | None) -> Any:
        """A context in which driver errors become SinkError, located and scrubbed."""
        return db.translated(self.target, self._location(table))

    def _preflight(self, tables: list[TableMeta]) -> None:
        """Refusals that need no connection: keys to non-keys, names too long."""
        check_key_targets(tables)
        check_names(tables, self.dialect, self._location(None))

    def _refuse_existing(self, tables: list[TableMeta], existing: set[str]) -> None:
        """Under ``fail``, a table that exists already is bad input (nothing changed yet)."""
        if existing and self.if_exists == "fail":
            first = next(t.name for t in tables if t.name in existing)
            raise SinkInputError(
                f"table {first!r} already exists (use if_exists='replace', 'append' or 'truncate')",
                self._location(first),
            )

    def _written(self) -> list[str]:
        """What a commit returns: ``<redacted url>#<table>`` for every table."""
        return [f"{self.url}#{name}" for name in self._tables]

    def _connect(self, **options: Any) -> Any:
        """A connection to the target (refusals are SinkInputError: nothing changed)."""
        return db.connect(self.target, location=self._location(None), **options)


class MemorySink(Sink):
    """Keeps each table as a ``pa.Table``; the in-memory twin for tests and the Python API."""

    def __init__(self) -> None:
        super().__init__()
        self._batches: dict[str, list[pa.RecordBatch]] = {}
        self.tables: dict[str, pa.Table] = {}

    def __getitem__(self, table: str) -> pa.Table:
        return self.tables[table]

    def _location(self, table: str | None) -> str:
        return f"sinks.memory.{table}" if table else "sinks.memory"

    def _open(self, tables: list[TableMeta]) -> None:
        self._batches = {t.name: [] for t in tables}

    def _write(self, meta: TableMeta, batch: pa.RecordBatch) -> None:
        self._batches[meta.name].append(batch)

    def _commit(self) -> list[str]:
        self.tables = {
            name: pa.Table.from_batches(batches, schema=self._tables[name].schema)
            for name, batches in self._batches.items()
        }
        self._batches = {}
        return list(self.tables)

    def _rollback(self) -> None:
        self._batches = {}
        self.tables = {}


def integer_keyed(tables: list[TableMeta]) -> list[TableMeta]:
    """Tables whose primary key is an integer column (``append`` continues those keys)."""
    return [
        t
        for t in tables
        if t.primary_key and pa.types.is_integer(t.schema.field(t.primary_key).type)
    ]
