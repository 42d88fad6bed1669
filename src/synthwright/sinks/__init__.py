"""Output sinks: where generated record batches go, all-or-nothing.

Usage::

    from synthwright.sinks import open_sink
    sink = open_sink("out/", format="csv")                        # a directory -> FileSink
    sink = open_sink("duckdb:///shop.duckdb", if_exists="replace")  # a URL -> DatabaseSink
    with sink.session(tables) as s:          # abort on error, close on success
        s.write_batch("customers", batch)
    sink.written                             # paths or "url#table" written

The database sink (and with it DuckDB) is imported only when first used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from synthwright.errors import SinkError
from synthwright.sinks._base import ForeignKey, MemorySink, Sink, TableMeta
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
    "TableMeta",
    "open_sink",
]


def open_sink(target: str, *, format: str | None = None, **options: Any) -> Sink:
    """A sink for `target`: a URL with ``://`` is a database, anything else a directory.

    `format` applies to directories only (default ``parquet``); `options` go to
    the sink (``dialect=`` for SQL files, ``if_exists=`` for databases).
    """
    if "://" in target:
        if format is not None:
            raise SinkError("format applies to directories, not database URLs", "sinks")
        from synthwright.sinks.database import DatabaseSink

        return DatabaseSink(target, **options)
    return FileSink(target, format or "parquet", **options)


def __getattr__(name: str) -> Any:
    if name == "DatabaseSink":
        from synthwright.sinks.database import DatabaseSink

        return DatabaseSink
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
