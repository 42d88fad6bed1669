"""Output sinks: where generated record batches go, all-or-nothing.

Usage::

    from synthwright.sinks import open_sink
    sink = open_sink("out/", format="csv")                        # a directory -> FileSink
    sink = open_sink("duckdb:///shop.duckdb", if_exists="replace")  # a URL -> DatabaseSink
    sink = open_sink("postgresql://u@host/db", if_exists="truncate")  # -> PostgresSink
    sink = open_sink("mysql://root@host/test")                         # -> MySqlSink
    with sink.session(tables) as s:          # abort on error, close on success
        s.write_batch("customers", batch)
    sink.written                             # paths or "url#table" written

Database sinks (DuckDB, psycopg, pymysql) are imported only when first used.
`existing_max_ids(url, tables)` reads the largest integer keys already in a
database, so that ``append`` can continue after them. `SinkInputError` (a
`SinkError`) marks what the caller asked for wrongly: unreachable server,
refused login, unknown database, an existing table under ``if_exists='fail'``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from synthwright.errors import SinkError
from synthwright.sinks._base import ForeignKey, MemorySink, Sink, TableMeta
from synthwright.sinks._server import SinkInputError
from synthwright.sinks.files import FORMATS, FileSink

if TYPE_CHECKING:
    from synthwright.sinks.database import DatabaseSink

__all__ = [
    "FORMATS",
    "DatabaseSink",
    "FileSink",
    "ForeignKey",
    "MemorySink",
    "Sink",
    "SinkInputError",
    "TableMeta",
    "existing_max_ids",
    "open_sink",
    "read_columns",
]


def open_sink(target: str, *, format: str | None = None, **options: Any) -> Sink:
    """A sink for `target`: a URL with ``://`` is a database, anything else a directory.

    `format` applies to directories only (default ``parquet``); `options` go to
    the sink (``dialect=`` for SQL files, ``if_exists=`` for databases).
    Database URLs: ``sqlite:///``, ``duckdb:///``, ``postgresql://`` (also
    ``postgres://``, ``postgresql+psycopg://``), ``mysql://`` (also
    ``mysql+pymysql://``, ``mariadb://``).
    """
    if "://" in target:
        if format is not None:
            raise SinkError("format applies to directories, not database URLs", "sinks")
        from synthwright.sinks.database import open_database

        return open_database(target, **options)
    return FileSink(target, format or "parquet", **options)


def existing_max_ids(url: str, tables: list[TableMeta]) -> dict[str, int]:
    """Largest integer primary key of each of `tables` already in the database at `url`.

    Missing tables (and tables without an integer primary key) are left out;
    an empty table gives 0.
    """
    from synthwright.sinks.database import existing_max_ids as _max_ids

    return _max_ids(url, tables)


def read_columns(url: str, meta: TableMeta, columns: list[str]) -> Any:
    """Columns of an existing table as an Arrow table typed by ``meta.schema``."""
    from synthwright.sinks.database import read_columns as _read

    return _read(url, meta, columns)


def __getattr__(name: str) -> Any:
    if name == "DatabaseSink":
        from synthwright.sinks.database import DatabaseSink

        return DatabaseSink
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
