"""How the scores read a column: model units for numbers and dates, labels for categories.

Fidelity, privacy and the plots must read a column the same way (a date
string parsed by the real data's format, a whole float counted as an
integer category), or they would score different things; so they share these.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ...spec import ColumnProfile, TableProfile
from ..infer import to_model_units

__all__ = ["NUMERIC", "SCORED", "aligned", "frequencies", "labels", "numbers", "scored_columns"]

NUMERIC = ("numeric", "datetime", "date")
SCORED = ("numeric", "datetime", "date", "bool", "categorical")


def scored_columns(prof: TableProfile, synthetic: pa.Table) -> list[str]:
    linked = {lk.column for lk in prof.links}
    return [
        c
        for c, cp in prof.columns.items()
        if cp.kind in SCORED
        and c not in linked
        and c != prof.primary_key
        and c in synthetic.column_names
    ]


def numbers(arr: pa.Array, cp: ColumnProfile) -> np.ndarray:
    """Non-null values as float64 model units (date strings parsed by the real format)."""
    arr = arr.drop_null()
    if pa.types.is_dictionary(arr.type):
        arr = arr.dictionary_decode()
    if pa.types.is_string(arr.type):
        if cp.format:
            arr = pc.strptime(arr, format=cp.format, unit="us", error_is_null=True).drop_null()
            if cp.kind == "date":
                arr = arr.cast(pa.date32())
        else:
            target = {"datetime": pa.timestamp("us"), "date": pa.date32()}.get(
                cp.kind, pa.float64()
            )
            arr = arr.cast(target)
    elif cp.kind == "date" and pa.types.is_timestamp(arr.type):
        arr = arr.cast(pa.date32())
    elif cp.kind == "datetime" and pa.types.is_date(arr.type):
        arr = arr.cast(pa.timestamp("us"))
    x = to_model_units(arr)
    return x[np.isfinite(x)]


def labels(arr: pa.Array) -> pa.Array:
    """Values as strings (booleans as true/false), nulls kept."""
    if pa.types.is_dictionary(arr.type):
        arr = arr.dictionary_decode()
    if pa.types.is_boolean(arr.type):
        return pc.if_else(arr, "true", "false")
    if pa.types.is_floating(arr.type):
        whole = pc.equal(arr, pc.floor(arr))
        if pc.all(pc.fill_null(whole, True)).as_py():
            arr = arr.cast(pa.int64())
    return arr.cast(pa.string())


def frequencies(arr: pa.Array) -> dict[str, float]:
    counts = pc.value_counts(labels(arr).drop_null())
    total = sum(counts.field("counts").to_pylist()) or 1
    return {
        v: c / total
        for v, c in zip(
            counts.field("values").to_pylist(), counts.field("counts").to_pylist(), strict=True
        )
    }


def aligned(arr: pa.Array, cp: ColumnProfile) -> np.ndarray:
    """Model units per row (NaN for nulls), for pairwise statistics."""
    valid = ~np.asarray(arr.is_null().to_numpy(zero_copy_only=False), dtype=bool)
    out = np.full(len(arr), np.nan)
    out[valid] = numbers(arr, cp) if len(arr) else out[valid]
    return out
