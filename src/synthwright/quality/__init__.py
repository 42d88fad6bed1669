"""Quality: does data meet its spec? Read any sink's output and list broken rules.

``read_tables`` reads a dataset (files or a database) typed by the spec;
``check_tables`` returns one :class:`Finding` per broken rule, empty when
every rule holds.

``read_tables`` loads on first use: its readers bring DuckDB and the
database drivers (0.2-0.4 s), which the profiler's generation, checking
tables it holds in memory, never needs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .check import Finding, check_tables

if TYPE_CHECKING:
    from .read import read_tables

__all__ = ["Finding", "check_tables", "read_tables"]


def __getattr__(name: str) -> Any:
    if name == "read_tables":
        from .read import read_tables

        return read_tables
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
