"""Fitting ``series:`` and ``signal:`` to a time-series sample, so look-alikes keep their cycles.

A copula sees each reading as an independent draw from the column's
marginal: a look-alike of a day of 15-minute temperatures gets the right
range and the wrong everything else (no daily cycle, no persistence). A
table that *is* a time series -- a timestamp column at regular steps,
optionally per entity (a device column), with float readings -- is
therefore given the engine's own model instead (``spec/_series.py``):

1. **Detection.** A date/timestamp column whose consecutive differences,
   per entity, are one step in at least `REGULAR` of cases (gaps are
   whole multiples of it). The entity is the column (few distinct values,
   not a float) under which the steps are regular; none if the whole table
   is one regular series. Entities must share one grid of steps (their
   distinct times are regular as well), which also refuses a table of
   event times quickly. ``every`` is that step, ``start`` the first time.
2. **Trend.** A least-squares line through each entity's readings against
   its step number: ``level`` and ``trend`` (per step) are their means.
3. **Seasonality.** On the detrended series laid on the step grid (gaps
   filled by interpolation), the periodogram's (FFT) strongest period
   between 2 steps and half the series is refined to the nearest
   autocorrelation peak; a cycle is kept when fitting it explains at least
   `MIN_SHARE` of the variance left, and its amplitude is the least-squares
   sine amplitude (averaged over entities, whose phases the engine draws per
   entity anyway). Up to `MAX_CYCLES` cycles, strongest first.
4. **Noise.** The residual's lag-1 autocorrelation is the AR(1) coefficient
   ``ar``; ``noise`` is the innovation standard deviation
   ``std * sqrt(1 - ar^2)``.

The time, entity and signal columns then leave the copula (their marginal
is dropped, as a foreign key's is), so the fitted draw keeps the engine's
series for them; the other columns are profiled as usual. The profiler
calls :func:`fit_series` once, after it has built the spec.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..spec import Spec, TableProfile

__all__ = ["MAX_CYCLES", "MIN_SHARE", "REGULAR", "SeriesFit", "detect_series", "fit_series"]

REGULAR = 0.9  # share of consecutive differences that must be exactly one step
MIN_STEPS = 16  # an entity's series shorter than this says nothing about cycles
MIN_SHARE = 0.05  # a cycle must explain this share of the variance left to be kept
MAX_CYCLES = 2
_UNITS = (("w", 604_800), ("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1))


@dataclass
class SeriesFit:
    """What a sample's series look like: the ``series:`` section and a ``signal:`` per column."""

    time: str
    start: str
    every: str
    entity: str | None
    signals: dict[str, dict[str, Any]] = field(default_factory=dict)

    def series(self) -> dict[str, Any]:
        out: dict[str, Any] = {"time": self.time, "start": self.start, "every": self.every}
        if self.entity is not None:
            out["entity"] = self.entity
        return out


def _duration(us: int) -> str:
    """A step in the spec's duration form: the largest unit it is a whole number of."""
    seconds, rest = divmod(us, 1_000_000)
    if rest:
        return f"{us / 1000:g}ms"
    for unit, size in _UNITS:
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"  # pragma: no cover - "s" divides every whole second


def _micros(column: pa.ChunkedArray) -> np.ndarray | None:
    """A date/timestamp column as int64 microseconds (None for any other type or nulls)."""
    t = column.type
    if column.null_count or not (pa.types.is_timestamp(t) or pa.types.is_date(t)):
        return None
    stamps = column.cast(pa.timestamp("us", tz=getattr(t, "tz", None)))
    return np.asarray(stamps.cast(pa.int64()).to_numpy(), dtype=np.int64)


def _groups(keys: np.ndarray | None, n: int) -> list[np.ndarray]:
    """Row indices per entity (all rows when there is no entity)."""
    if keys is None:
        return [np.arange(n)]
    order = np.argsort(keys, kind="stable")  # keys are dictionary codes 0..k-1
    sizes = np.bincount(keys)
    return [g for g in np.split(order, np.cumsum(sizes)[:-1]) if len(g)]


def _regular_step(times: np.ndarray, groups: list[np.ndarray]) -> int | None:
    """The step most consecutive differences are, if at least `REGULAR` of them are it."""
    diffs = [np.diff(np.sort(times[g])) for g in groups if len(g) > 1]
    if not diffs:
        return None
    every = np.concatenate(diffs)
    if len(every) < MIN_STEPS or (every == 0).any():  # two rows at one time: not one series
        return None
    ordered = np.sort(every)  # the mode by sorting: numpy's unique hashes, far slower here
    edges = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1], True])
    counts = np.diff(edges)
    step = int(ordered[edges[np.argmax(counts)]])
    if counts.max() < REGULAR * len(every) or (every % step).any():
        return None
    return step


def _distinct(times: np.ndarray) -> np.ndarray:
    ordered = np.sort(times)
    return ordered[np.r_[True, ordered[1:] != ordered[:-1]]]


def _entity_candidates(table: pa.Table, time: str) -> list[tuple[str, np.ndarray]]:
    """Columns that could name entities: not the time, not floats, few distinct values."""
    out = []
    n = table.num_rows
    for name in table.column_names:
        column = table.column(name)
        t = column.type
        if name == time or pa.types.is_floating(t) or column.null_count:
            continue
        if pa.types.is_dictionary(t):
            column = column.cast(t.value_type)
        distinct = pc.count_distinct(column).as_py()
        if 2 <= distinct <= max(n // MIN_STEPS, 2):
            codes = pc.dictionary_encode(column.combine_chunks()).indices  # Arrow, not Python
            out.append((name, np.asarray(codes.to_numpy(), dtype=np.int64)))
    return out


def detect_series(table: pa.Table) -> tuple[str, str | None, int, list[np.ndarray]] | None:
    """(time column, entity column, step in µs, rows per entity) of a regular series, or None."""
    for time in table.column_names:
        times = _micros(table.column(time))
        if times is None:
            continue
        whole = _regular_step(times, _groups(None, len(times)))
        if whole is not None:
            return time, None, whole, _groups(None, len(times))
        # entities in step share one grid: its distinct times are regular too (a cheap
        # refusal of a table of event times before any grouping)
        grid = _distinct(times)
        if _regular_step(grid, [np.arange(len(grid))]) is None:
            continue
        for name, keys in _entity_candidates(table, time):
            groups = _groups(keys, len(times))
            step = _regular_step(times, groups)
            if step is not None:
                return time, name, step, groups
    return None


def _on_grid(k: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Readings at every step 0..k.max(), gaps filled by linear interpolation."""
    grid = np.arange(int(k.max()) + 1)
    return np.interp(grid, k, y)


def _candidates(z: np.ndarray) -> list[float]:
    """Periods (in steps) to try for the strongest cycle of a detrended, gap-free series.

    The periodogram's (FFT) peak between 2 steps and half the series, and
    around it the autocorrelation's peak and every whole number of steps
    within 20%: the FFT's bins are coarse for long periods, and AR noise
    pulls the autocorrelation's peak a step or two off, so the caller picks
    among them by the variance a sine of each explains.
    """
    n = len(z)
    if n < MIN_STEPS:
        return []
    centred = z - z.mean()
    power = np.abs(np.fft.rfft(centred)) ** 2
    freqs = np.fft.rfftfreq(n)
    usable = (freqs > 0) & (freqs <= 0.5) & (freqs >= 2.0 / n)
    if not usable.any():
        return []
    peak = float(1.0 / freqs[usable][np.argmax(power[usable])])
    lo, hi = max(2, int(peak * 0.8)), min(n // 2, math.ceil(peak * 1.2) + 1)
    if hi <= lo:
        return [peak]
    lags = np.arange(lo, hi + 1)
    denom = float(np.dot(centred, centred)) or 1.0
    acf = np.array([np.dot(centred[:-lag], centred[lag:]) / denom for lag in lags])
    return [peak, float(lags[int(np.argmax(acf))]), *map(float, lags)]


def _cycle(ys: list[np.ndarray], ks: list[np.ndarray], period: float) -> tuple[float, float]:
    """Mean least-squares amplitude of a sine of `period` over entities, and the variance share."""
    amps, explained, total = [], 0.0, 0.0
    for y, k in zip(ys, ks, strict=True):
        design = np.column_stack([np.sin(2 * np.pi * k / period), np.cos(2 * np.pi * k / period)])
        coef, *_ = np.linalg.lstsq(design, y - y.mean(), rcond=None)
        fitted = design @ coef
        amps.append(float(np.hypot(*coef)))
        explained += float(np.dot(fitted, fitted))
        total += float(np.dot(y - y.mean(), y - y.mean()))
    return float(np.mean(amps)), explained / total if total > 0 else 0.0


def _signal(values: np.ndarray, steps: np.ndarray, groups: list[np.ndarray]) -> dict[str, Any]:
    """The ``signal:`` of one float column (see the module docstring)."""
    ks, ys, levels, trends = [], [], [], []
    for g in groups:
        if len(g) < 2:
            continue
        k, y = steps[g], values[g]
        order = np.argsort(k, kind="stable")
        k, y = k[order], y[order]
        slope, intercept = np.polyfit(k, y, 1)
        levels.append(float(intercept))
        trends.append(float(slope))
        ks.append(k)
        ys.append(y - (intercept + slope * k))
    out: dict[str, Any] = {
        "level": _round(float(np.mean(levels))),
        "trend": _round(float(np.mean(trends))),
    }
    seasons = []
    for _ in range(MAX_CYCLES):
        longest = max(range(len(ks)), key=lambda i: len(ks[i]))
        tried = [(p, *_cycle(ys, ks, p)) for p in _candidates(_on_grid(ks[longest], ys[longest]))]
        if not tried:
            break
        period, amplitude, share = max(tried, key=lambda t: t[2])
        if share < MIN_SHARE:
            break
        seasons.append({"period": _round(period), "amplitude": _round(amplitude)})
        for i, (k, y) in enumerate(zip(ks, ys, strict=True)):  # take the cycle out, look again
            design = np.column_stack(
                [np.sin(2 * np.pi * k / period), np.cos(2 * np.pi * k / period)]
            )
            coef, *_ = np.linalg.lstsq(design, y - y.mean(), rcond=None)
            ys[i] = y - design @ coef
    if seasons:
        out["seasonality"] = seasons
    resid = np.concatenate([y - y.mean() for y in ys])
    lagged = [
        (y[:-1] - y.mean(), y[1:] - y.mean()) for y, k in zip(ys, ks, strict=True) if len(y) > 2
    ]
    num = sum(float(np.dot(a, b)) for a, b in lagged)
    den = sum(float(np.dot(a, a)) for a, _ in lagged) or 1.0
    ar = float(np.clip(num / den, -0.95, 0.95))
    std = float(resid.std())
    out["noise"] = _round(std * math.sqrt(max(1.0 - ar * ar, 0.0)))
    out["ar"] = _round(ar)
    return out


def _round(x: float) -> float:
    return float(f"{float(x):.6g}")


def fit_table(table: pa.Table) -> SeriesFit | None:
    """The series model of one sample table, or None when it is not a regular series."""
    found = detect_series(table)
    if found is None:
        return None
    time, entity, step, groups = found
    times = _micros(table.column(time))
    assert times is not None
    firsts = np.array([times[g].min() for g in groups])
    steps = np.empty(len(times), dtype=np.int64)
    for g, first in zip(groups, firsts.tolist(), strict=True):
        steps[g] = (times[g] - first) // step
    start = pa.scalar(int(firsts.min()), pa.timestamp("us")).as_py().isoformat()
    fit = SeriesFit(time, start, _duration(step), entity)
    for name in table.column_names:
        column = table.column(name)
        if name in (time, entity) or not pa.types.is_floating(column.type) or column.null_count:
            continue
        values = np.asarray(column.to_numpy(), dtype=np.float64)
        if not np.isfinite(values).all():
            continue
        fit.signals[name] = _signal(values, steps, groups)
    return fit if fit.signals else None


def fit_series(
    spec: Spec, tables: dict[str, pa.Table], profiles: dict[str, TableProfile]
) -> tuple[Spec, list[str]]:
    """The profiled spec with ``series:``/``signal:`` on each sample table that is a series.

    Their time, entity and signal columns leave the copula (marginal dropped),
    so the fitted draw keeps what the engine's series make. Tables that are
    not a regular series, reference tables and tables with a per_parent
    link (whose rows the fitted draw lays out itself) are left as they are.
    """
    data = spec.model_dump(mode="json", exclude_none=True, by_alias=True)
    notes: list[str] = []
    changed = False
    for name, table in tables.items():
        prof = profiles.get(name)
        spec_table = data["tables"].get(name)
        if prof is None or spec_table is None or prof.is_reference() or "per_parent" in spec_table:
            continue
        fit = fit_table(table)
        if fit is None:
            continue
        spec_table["series"] = fit.series()
        kind = spec_table["columns"][fit.time].get("type", "datetime")
        spec_table["columns"][fit.time] = {"type": kind}  # the series sets it: no range to keep
        for column, signal in fit.signals.items():
            spec_table["columns"][column] = {"type": "float", "signal": signal}
        for name_ in (fit.time, fit.entity, *fit.signals):
            if name_ is not None and name_ in prof.columns:
                prof.columns[name_].marginal = None
                prof.columns[name_].given = None
        cycles = {
            c: [s["period"] for s in sig.get("seasonality", [])] for c, sig in fit.signals.items()
        }
        notes.append(
            f"{name}: a time series every {fit.every}"
            + (f" per {fit.entity}" if fit.entity else "")
            + "; signals "
            + ", ".join(f"{c} (periods {p or 'none'} steps)" for c, p in cycles.items())
        )
        changed = True
    return (Spec.model_validate(data) if changed else spec), notes
