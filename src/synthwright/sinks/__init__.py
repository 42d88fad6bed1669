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

Which sink serves which target is a registry, keyed by URL scheme for
databases and by format for directories: :func:`register_sink` adds one
(a class or factory, or ``"module:attribute"`` so that its drivers are
imported only when first used, as the built-in database sinks are).
`existing_max_ids(url, tables)` reads the largest integer keys already in a
database, so that ``append`` can continue after them. `SinkInputError` (a
`SinkError`) marks what the caller asked for wrongly: unreachable server,
refused login, unknown database, an existing table under ``if_exists='fail'``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from synthwright import db
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
    "register_sink",
    "registered",
]

#: ``(url, **options) -> Sink`` for a scheme; ``(out_dir, format, **options) -> Sink`` for a format
SinkFactory = Callable[..., Sink]
_F = TypeVar("_F", bound=Callable[..., Sink])
_BY_SCHEME: dict[str, SinkFactory | str] = {}
_BY_FORMAT: dict[str, SinkFactory | str] = {}


def register_sink(
    *,
    scheme: str | None = None,
    format: str | None = None,
    factory: SinkFactory | str | None = None,
) -> Callable[[_F], _F]:
    """Make `factory` the sink for URLs of `scheme` (``scheme://...``) or for `format`.

    Usable as a decorator (``@register_sink(scheme="clickhouse")`` on a Sink
    class) or directly with ``factory=``; a ``"package.module:Name"`` string
    is imported on first use. A scheme is matched without its driver suffix
    (``postgresql+psycopg`` is ``postgresql``). Registering a key again
    replaces its sink.
    """
    if (scheme is None) == (format is None):
        raise ValueError("register_sink takes exactly one of scheme= or format=")
    table, key = (_BY_SCHEME, scheme.lower()) if scheme is not None else (_BY_FORMAT, str(format))

    def add(target: _F) -> _F:
        table[key] = target
        return target

    if factory is not None:
        table[key] = factory
    return add


def registered() -> dict[str, list[str]]:
    """The schemes and formats that have a sink, for messages and ``--help``."""
    return {"schemes": sorted(_BY_SCHEME), "formats": list(_BY_FORMAT)}


def _resolve(entry: SinkFactory | str) -> SinkFactory:
    if isinstance(entry, str):
        module, _, name = entry.partition(":")
        resolved: SinkFactory = getattr(importlib.import_module(module), name)
        return resolved
    return entry


for _scheme, _dialect in db.SCHEMES.items():
    register_sink(
        scheme=_scheme,
        factory={
            "sqlite": "synthwright.sinks.database:DatabaseSink",
            "duckdb": "synthwright.sinks.database:DatabaseSink",
            "postgres": "synthwright.sinks.postgres:PostgresSink",
            "mysql": "synthwright.sinks.mysql:MySqlSink",
        }[_dialect],
    )
for _format in FORMATS:
    register_sink(format=_format, factory=FileSink)
register_sink(format="arango", factory="synthwright.sinks.arango:ArangoSink")
# documents of the dataset (the `docs` extra: reportlab, python-docx, imported on first use)
register_sink(format="pdf", factory="synthwright.sinks.pdf:PdfSink")
register_sink(format="docx", factory="synthwright.sinks.docx:DocxSink")


def open_sink(target: str, *, format: str | None = None, **options: Any) -> Sink:
    """A sink for `target`: a URL with ``://`` is a database, anything else a directory.

    `format` applies to directories only (default ``parquet``); `options` go to
    the sink (``dialect=`` for SQL files, ``if_exists=`` for databases).
    Database URLs: ``sqlite:///``, ``duckdb:///``, ``postgresql://`` (also
    ``postgres://``, ``postgresql+psycopg://``), ``mysql://`` (also
    ``mysql+pymysql://``, ``mariadb://``), and any scheme registered with
    :func:`register_sink`.

    Raises:
        SinkInputError: an unknown scheme, or database options (``if_exists``)
            with a target that is not a URL (credentials never shown).
        SinkError: an unknown format.
    """
    if "://" in target:
        from synthwright.sinks.cloud import is_cloud_url

        if is_cloud_url(target):  # s3://, gs://, az://, any fsspec URL: files, all or nothing
            from synthwright.sinks.cloud import CloudSink, refuse_options

            refuse_options(target, options)
            return CloudSink(target, format, **options)
        if format is not None:
            raise SinkError("format applies to directories, not database URLs", "sinks")
        entry = _BY_SCHEME.get(db.base_scheme(target))
        if entry is None:
            raise SinkInputError(
                f"unsupported database URL {db.redact_url(target)!r}: {db.SUPPORTED}"
                + _extra_schemes(),
                "sinks.database",
            )
        return _resolve(entry)(target, **options)
    if "if_exists" in options:
        raise SinkInputError(
            f"not a database URL: {db.redact_url(target)!r}; {db.SUPPORTED}", "sinks.database"
        )
    name = format or "parquet"
    if options.get("nest"):  # children inside their parents' records (json, jsonl, xml)
        from synthwright.sinks.nested import NestedFileSink

        return NestedFileSink(target, name, **options)
    options.pop("nest", None)
    entry = _BY_FORMAT.get(name)
    if entry is None:
        raise SinkError(f"unknown format {name!r}; choose one of {', '.join(_BY_FORMAT)}", "sinks")
    return _resolve(entry)(target, name, **options)


def _extra_schemes() -> str:
    extra = sorted(set(_BY_SCHEME) - set(db.SCHEMES))
    return f" (also registered: {', '.join(extra)})" if extra else ""


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
