"""Helpers of the ordered types: per-row windows, the float64 grid, bounds as written.

Kept apart from ``base_numeric`` (the generators) because they are plain
functions: :func:`sample_rowwise` draws each row inside its own window
(bounds that ``after``/``before`` hand over) keeping a distribution's
written parameters; :func:`float_key` orders float64 values as integers, so
unique floats can be spread over the values that really exist in a range;
:func:`parse_datetime`/:func:`parse_time` read ISO bounds; and
:func:`format_keeps` refuses a unique column whose format would print two
values alike.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from ..spec import PoissonDist, TypeColumn, ZipfDist
from .distributions import MAX_TABLE, discrete_pmf, sample_continuous, sample_integers_rowwise

__all__ = [
    "float_key",
    "format_keeps",
    "from_float_key",
    "has_params",
    "parse_datetime",
    "parse_time",
    "sample_rowwise",
]


def has_params(dist: Any) -> bool:
    """Whether a distribution was given any parameter (else its shape follows the range)."""
    return any(getattr(dist, k) is not None for k in type(dist).model_fields if k != "kind")


def sample_rowwise(
    dist: Any, rng: np.random.Generator, n: int, lo: np.ndarray, hi: np.ndarray
) -> np.ndarray:
    """int64 values, row i in [lo[i], hi[i]] (windows from after/before), following ``dist``.

    A family named without parameters takes its shape across each row's
    window (as the default does on a column's range); given parameters are
    kept as written, truncated to the row's window: ``exponential: {scale:
    100}`` after another column stays a mean gap of about 100, it does not
    fall back to a default shape. Discrete families use exact per-row
    truncation through one cumulative table.
    """
    lo = np.asarray(lo, dtype=np.int64)
    hi = np.asarray(hi, dtype=np.int64)
    if dist is None or dist.kind == "uniform" or not has_params(dist):
        return sample_integers_rowwise(dist, rng, n, lo, hi)
    if isinstance(dist, PoissonDist):
        lo = np.maximum(lo, 0)  # a count is never negative
        if np.any(hi < lo):
            raise ValueError("poisson values are counts: a window lies below 0")
    if isinstance(dist, ZipfDist | PoissonDist):
        base = 0 if isinstance(dist, ZipfDist) else int(lo.min(initial=0))
        top = (
            int((hi - lo).max(initial=0)) if isinstance(dist, ZipfDist) else int(hi.max(initial=0))
        )
        if top - base + 1 > MAX_TABLE:
            raise ValueError(f"{dist.kind} over windows of more than {MAX_TABLE} values")
        cdf = np.concatenate([[0.0], np.cumsum(discrete_pmf(dist, base, top))])
        start = np.zeros(n) if isinstance(dist, ZipfDist) else cdf[lo - base]
        end = cdf[(hi - lo + 1) if isinstance(dist, ZipfDist) else (hi - base + 1)]
        pick = np.searchsorted(cdf, start + rng.random(n) * (end - start), side="right") - 1
        pick = pick.astype(np.int64) + base
        return np.clip(lo + pick if isinstance(dist, ZipfDist) else pick, lo, hi)
    x = sample_continuous(dist, rng, n, lo.astype(np.float64), hi.astype(np.float64) + 1.0)
    return np.clip(np.floor(x).astype(np.int64), lo, hi)


def float_key(x: float) -> int:
    """An integer that orders float64 values as numbers do (consecutive floats: +1)."""
    bits = int(np.array([abs(x)], dtype=np.float64).view(np.int64)[0])
    return -bits if x < 0 else bits


def from_float_key(keys: np.ndarray) -> np.ndarray:
    """The float64 values of keys made by :func:`float_key`."""
    keys = np.asarray(keys, dtype=np.int64)
    magnitude = np.abs(keys).view(np.float64)
    return np.where(keys < 0, -magnitude, magnitude)


def parse_datetime(value: Any, *, upper: bool) -> dt.datetime:
    """An ISO bound as a naive UTC datetime; a date-only ``max`` is the end of that day."""
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if not isinstance(value, str):
        raise ValueError(f"expected an ISO date or datetime, got {value!r}")
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise ValueError(f"bad date/datetime {value!r}: use ISO 8601 (2024-12-31)") from exc
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(dt.timezone.utc).replace(tzinfo=None)
    if upper and len(value.strip()) == 10:  # a date-only max means the end of that day
        # (set, not added: adding a day to 9999-12-31 overflowed)
        parsed = parsed.replace(hour=23, minute=59, second=59, microsecond=999_999)
    return parsed


def parse_time(value: Any) -> int:
    """A time of day (``08:30``, ``17:45:00``) as microseconds since midnight."""
    if not isinstance(value, str):
        raise ValueError(f"expected a time like '08:30' or '17:45:00', got {value!r}")
    try:
        t = dt.time.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(f"bad time {value!r}: use HH:MM[:SS]") from exc
    return ((t.hour * 60 + t.minute) * 60 + t.second) * 1_000_000 + t.microsecond


def format_keeps(col: TypeColumn, parts: tuple[str, ...]) -> list[tuple[str, str]]:
    """A unique column's format must show every part of the value, or two distinct
    values could print alike ("%Y-%m" shows two days of one month as one string)."""
    if not col.unique or not col.format or all(p in col.format for p in parts):
        return []
    missing = [p for p in parts if p not in col.format]
    return [("format", f"a unique {col.type} needs {' '.join(missing)} in its format")]
