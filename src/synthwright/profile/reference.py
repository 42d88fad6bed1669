"""Reference tables: small lookup tables reproduced as they are.

A table of airline codes and their names, airport codes, or product
categories holds no individuals; generating it would only lose what its
children mean ("UA" becomes "QP", and the flights per carrier are smeared
over invented carriers). Such a table is kept as it is (the idea of Mostly
AI's reference tables), and every link into it keeps the real share of
children per key. Its surrogate keys (integer ids, UUIDs) are still made by
the engine, since they carry no meaning.

Detected when a table is a parent of another table, has at most
REFERENCE_MAX_ROWS rows and REFERENCE_MAX_COLUMNS columns, no links of its
own, no personal data (no column of the profiler's PII types), only
descriptive columns (names, codes, categories, flags: no measurements or
dates, which entity and event tables hold), and a natural key: a unique,
never null text column that is not a UUID. Overridden per
table with ``profile(..., reference={"airlines": False})`` when profiling, or
``profile: {reference: false}`` in the spec (the rows are kept in the
profile's ``data`` only for a reference table, so ``true`` needs them there).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import numpy as np
import pyarrow as pa

from ..spec import TableProfile
from .infer import PII_TYPES
from .relations import link_parent_index

__all__ = ["REFERENCE_MAX_COLUMNS", "REFERENCE_MAX_ROWS", "find_references", "surrogate"]

REFERENCE_MAX_ROWS = 1_000
REFERENCE_MAX_COLUMNS = 8
# what a lookup row says about its key: names, codes, categories, flags (no measurements
# or dates, which entity and event tables hold)
_DESCRIPTIVE = ("key", "categorical", "string", "semantic", "text", "bool", "empty")


def surrogate(prof: TableProfile, column: str) -> bool:
    """Whether a column is a surrogate key (made by the engine, never copied)."""
    cp = prof.columns[column]
    return cp.kind == "key" and (cp.dtype.startswith(("int", "uint")) or cp.semantic == "uuid")


def _natural_key(prof: TableProfile) -> str | None:
    for col, cp in prof.columns.items():
        if (
            cp.unique
            and cp.null_rate == 0
            and cp.dtype == "string"
            and cp.semantic != "uuid"
            and cp.kind in ("key", "string", "categorical", "semantic")
        ):
            return col
    return None


def detected(table: pa.Table, prof: TableProfile) -> bool:
    """Whether a parent table looks like a reference table (see the module docstring)."""
    return (
        table.num_rows <= REFERENCE_MAX_ROWS
        and table.num_columns <= REFERENCE_MAX_COLUMNS
        and not prof.links
        and not any(cp.semantic in PII_TYPES for cp in prof.columns.values())
        and all(
            surrogate(prof, c) or (cp.kind in _DESCRIPTIVE and cp.dtype in ("string", "bool"))
            for c, cp in prof.columns.items()
        )
        and _natural_key(prof) is not None
        and (prof.source_rows is None or prof.source_rows <= table.num_rows)
    )


def find_references(
    tables: dict[str, pa.Table],
    profiles: dict[str, TableProfile],
    wanted: dict[str, bool] | None = None,
) -> list[str]:
    """Mark the reference tables (kept rows, children's shares); returns notes saying which.

    `wanted` forces a table either way (a table named True is kept even when
    not detected, if it is a parent).
    """
    wanted = wanted or {}
    parents = {lk.parent for child, p in profiles.items() for lk in p.links if lk.parent != child}
    notes = []
    for name, prof in profiles.items():
        table = tables[name]
        choice = wanted.get(name)
        is_ref = choice if choice is not None else (name in parents and detected(table, prof))
        if not is_ref:
            if choice is False:
                prof.reference = False
            continue
        prof.reference = True
        prof.data = {
            c: [_plain(v) for v in table.column(c).to_pylist()]
            for c in table.column_names
            if c in prof.columns and not surrogate(prof, c)
        }
        for child, child_prof in profiles.items():
            for lk in child_prof.links:
                if lk.parent != name or child == name:
                    continue
                keys = table.column(lk.parent_column).combine_chunks()
                idx = link_parent_index(tables[child].column(lk.column).combine_chunks(), keys)
                counts = np.bincount(idx[idx >= 0], minlength=len(keys)).astype(np.float64)
                total = counts.sum() or 1.0
                lk.shares = [round(float(c / total), 8) for c in counts]
        notes.append(
            f"{name}: a reference table ({table.num_rows} rows of codes and names, no "
            "individuals), reproduced as it is; set `profile: {reference: false}` to generate it"
        )
    return notes


def _plain(value: Any) -> Any:
    """A cell as YAML-friendly data (dates and times as ISO text)."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, float) and not np.isfinite(value):
        return None
    return value
