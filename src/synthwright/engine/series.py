"""Time series (``series:`` and ``signal:``), filled in after generation.

Why after generation: a series value depends on its entity's earlier rows
(consecutive timestamps, AR(1) noise), which no per-block generator sees.
Rows reach this transform in the engine's fixed block order, so it keeps,
per entity (the parent row a ``per_parent`` link points at, or the whole
table), the steps taken so far and the last noise value, and continues them
in the next block: the result is the same whatever the sink or batch size.

Per entity: ``time = start + step * every``; a ``signal`` column is
``level + trend * step + sum(amplitude * sin(2 pi (step / period + phase)))
+ e``, with ``e`` AR(1) noise (``e_t = ar * e_(t-1) + N(0, noise)``) and a
phase per entity and cycle, drawn from the seed, so devices are not in step.
Noise is drawn per block from ``make_rng(seed, table, column, "signal", block)``.
Defects (``quality:``) are planted after this, on the finished series.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime, timezone

import numpy as np
import pyarrow as pa

from ..catalog import make_rng, stable_hash
from ..errors import GenerationError
from ..spec import TypeColumn, parse_duration
from ..spec._series import SignalSpec
from .plan import Plan, TablePlan

__all__ = ["SeriesFiller"]

BatchCallback = Callable[[str, pa.RecordBatch], None]


def _start_us(text: str, where: str) -> int:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise GenerationError(f"not a date or datetime: {text!r}", where) from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return int(moment.timestamp() * 1_000_000)


def _phase(seed: int, table: str, column: str, cycle: int, keys: np.ndarray) -> np.ndarray:
    """A fraction in [0, 1) per entity key, the same in every block and run."""
    salt = stable_hash(f"{seed}:{table}:{column}:{cycle}:phase")
    return np.array([stable_hash(f"{salt}:{k}") / 2.0**63 for k in keys.tolist()], dtype=np.float64)


class _Table:
    """The series state of one table: steps and last noise per entity."""

    def __init__(self, tp: TablePlan, seed: int) -> None:
        assert tp.spec.series is not None
        series = tp.spec.series
        where = f"tables.{tp.name}.series"
        self.tp, self.seed = tp, seed
        self.time = series.time
        self.start = _start_us(series.start, f"{where}.start")
        try:
            self.every_s = parse_duration(series.every)
        except ValueError as exc:
            raise GenerationError(str(exc), f"{where}.every") from exc
        self.every = round(self.every_s * 1_000_000)
        time_type = tp.columns[self.time].arrow_type
        if time_type is None or not (
            pa.types.is_timestamp(time_type) or pa.types.is_date(time_type)
        ):
            raise GenerationError("the time column must be a date or datetime", f"{where}.time")
        self.link = tp.link_column
        self.signals: dict[str, SignalSpec] = {}
        self.periods: dict[str, list[float]] = {}
        for name, cp in tp.columns.items():
            col = cp.spec
            if isinstance(col, TypeColumn) and col.signal is not None:
                loc = f"tables.{tp.name}.columns.{name}.signal"
                if cp.arrow_type is None or not pa.types.is_floating(cp.arrow_type):
                    raise GenerationError("a signal needs a float column", loc)
                self.signals[name] = col.signal
                self.periods[name] = [self._steps(s.period, loc) for s in col.signal.seasonality]
        self.steps: dict[object, int] = {}
        self.last: dict[tuple[str, object], float] = {}
        self.block_no = 0

    def _steps(self, period: float | str, where: str) -> float:
        if isinstance(period, str):
            try:
                steps = parse_duration(period) / self.every_s
            except ValueError as exc:
                raise GenerationError(str(exc), f"{where}.seasonality.period") from exc
        else:
            steps = float(period)
        if not steps > 0:
            raise GenerationError("a period is above 0", f"{where}.seasonality.period")
        return steps

    def block(self, batch: pa.RecordBatch) -> pa.RecordBatch:
        n = batch.num_rows
        block_no, self.block_no = self.block_no, self.block_no + 1
        if n == 0:
            return batch
        if self.link is not None:
            keys = np.asarray(batch.column(self.link).to_numpy(zero_copy_only=False))
        else:
            keys = np.zeros(n, dtype=np.int64)
        uniq, inv = np.unique(keys, return_inverse=True)
        inv = inv.reshape(-1)
        order = np.argsort(inv, kind="stable")
        sizes = np.bincount(inv, minlength=len(uniq))
        starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        rank = np.empty(n, dtype=np.int64)
        rank[order] = np.arange(n, dtype=np.int64) - np.repeat(starts, sizes)
        ulist = uniq.tolist()
        prior = np.array([self.steps.get(u, 0) for u in ulist], dtype=np.int64)
        step = prior[inv] + rank
        for u, p, s in zip(ulist, prior.tolist(), sizes.tolist(), strict=True):
            self.steps[u] = p + s
        arrays = dict(zip(batch.schema.names, batch.columns, strict=True))
        t = batch.schema.field(self.time).type
        stamps = pa.array(self.start + step * self.every, pa.int64()).cast(pa.timestamp("us"))
        if pa.types.is_date(t):
            arrays[self.time] = stamps.cast(pa.date32()).cast(t)
        else:
            arrays[self.time] = stamps.cast(t)
        by_rank = np.argsort(rank, kind="stable")
        rank_sizes = np.bincount(rank)
        for name, sig in self.signals.items():
            value = sig.level + sig.trend * step.astype(np.float64)
            for k, (season, period) in enumerate(
                zip(sig.seasonality, self.periods[name], strict=True)
            ):
                phase = _phase(self.seed, self.tp.name, name, k, uniq)[inv]
                value += season.amplitude * np.sin(2 * math.pi * (step / period + phase))
            if sig.noise > 0:
                rng = make_rng(self.seed, self.tp.name, name, "signal", block_no)
                shock = rng.normal(0.0, sig.noise, n)
                last = np.array([self.last.get((name, u), 0.0) for u in ulist], dtype=np.float64)
                e = np.empty(n, dtype=np.float64)
                pos = 0
                for size in rank_sizes.tolist():  # one row per entity at each rank
                    rows = by_rank[pos : pos + size]
                    pos += size
                    g = inv[rows]
                    e[rows] = sig.ar * last[g] + shock[rows]
                    last[g] = e[rows]
                for u, v in zip(ulist, last.tolist(), strict=True):
                    self.last[(name, u)] = v
                value = value + e
            arrays[name] = pa.array(value, pa.float64()).cast(batch.schema.field(name).type)
        return pa.RecordBatch.from_arrays(list(arrays.values()), schema=batch.schema)


class SeriesFiller:
    """Wraps a batch callback: fills the series columns of ``series:`` tables."""

    def __init__(self, plan: Plan, seed: int, on_batch: BatchCallback) -> None:
        self.on_batch = on_batch
        self.tables = {tp.name: _Table(tp, seed) for tp in plan.tables if tp.spec.series}

    @property
    def active(self) -> bool:
        return bool(self.tables)

    def __call__(self, table: str, batch: pa.RecordBatch) -> None:
        filler = self.tables.get(table)
        self.on_batch(table, filler.block(batch) if filler else batch)
