"""One database layer: URLs, drivers, connections, credential redaction and reading tables.

Sinks, ``check`` (:mod:`synthwright.quality.read`), ``profile``
(:mod:`synthwright.profile.read`) and ``introspect`` all take database URLs;
they share this package instead of each parsing, connecting, translating
driver errors and hiding passwords its own way -- the copies had drifted
(two dropped the user name from messages, one kept it). It sits below every
package that uses it and imports nothing of the project but ``errors``.

- :mod:`._url`: :func:`parse_url` -> :class:`DatabaseURL` (dialect, parts,
  driver choice, ``redacted``); :data:`NAME_LIMITS` per dialect.
- :mod:`._redact`: the one rule for logins in anything shown
  (:func:`redact`, :func:`redact_url`, a logging filter).
- :mod:`._connect`: :func:`connect` (errors translated and located),
  :func:`translated` for the statements after it, a SQLAlchemy engine.
- :mod:`._read`: :class:`Reader` (list, count, read, sample as Arrow) and
  the catalogue helpers sinks use.
- :mod:`._script`: SQL ``INSERT`` scripts read back into Arrow.
- :mod:`._local`: :func:`user_data_dir`, where the user's own SQLite stores live.

Usage::

    from synthwright import db
    url = db.parse_url("postgresql://me:pw@host/shop", location="--db")
    url.redacted                      # 'postgresql://***@host/shop'
    with db.Reader(url, location="data") as r:
        customers = r.read("customers")
"""

from __future__ import annotations

from ._connect import connect, describe, driver_errors, first_line, sqlalchemy_engine, translated
from ._local import user_data_dir
from ._read import (
    Reader,
    duckdb_rows,
    loose_array,
    present_tables,
    quote_ident,
    rows_to_table,
    string_literal,
    table_names,
)
from ._redact import REDACTED, install_log_filter, redact, redact_url
from ._script import read_script
from ._url import (
    DIALECTS,
    NAME_LIMITS,
    SCHEMES,
    SUPPORTED,
    DatabaseURL,
    base_scheme,
    dialect_of,
    is_database_url,
    parse_url,
)

__all__ = [
    "DIALECTS",
    "NAME_LIMITS",
    "REDACTED",
    "SCHEMES",
    "SUPPORTED",
    "DatabaseURL",
    "Reader",
    "base_scheme",
    "connect",
    "describe",
    "dialect_of",
    "driver_errors",
    "duckdb_rows",
    "first_line",
    "install_log_filter",
    "is_database_url",
    "loose_array",
    "parse_url",
    "present_tables",
    "quote_ident",
    "read_script",
    "redact",
    "redact_url",
    "rows_to_table",
    "sqlalchemy_engine",
    "string_literal",
    "table_names",
    "translated",
    "user_data_dir",
]
