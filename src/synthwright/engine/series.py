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

Gaps and anomalies (``series.gaps``, ``series.anomalies``; see
``spec/_series.py``) are windows on a grid of steps per entity, each hit with
its probability by a hash of (seed, table, entity, window) -- a pure
function of the step, so a block needs no more state than the next step of
each entity. With gaps, a block takes each entity's next steps that are not
missing (candidates are scanned a stretch at a time, vectorised); anomalies
add to the signal and write their label into ``_scenario``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime, timezone

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..catalog import make_rng, stable_hash
from ..errors import GenerationError, SpecError
from ..spec import SCENARIO_COLUMN, TypeColumn, parse_duration
from ..spec._series import AnomalySpec, GapSpec, SignalSpec
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


_MASK64 = np.uint64(0xFFFFFFFFFFFFFFFF)


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64 of each uint64 (wrapping): a fast, well-spread hash for whole arrays."""
    x = (x + np.uint64(0x9E3779B97F4A7C15)) & _MASK64
    x = ((x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)) & _MASK64
    x = ((x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)) & _MASK64
    return x ^ (x >> np.uint64(31))


def _entity_hashes(salt: str, keys: np.ndarray) -> np.ndarray:
    """A uint64 per entity key, the same in every block and run."""
    return np.array([stable_hash(f"{salt}:{k}") for k in keys.tolist()], dtype=np.uint64)


class _Windows:
    """A grid of ``length``-step windows per entity, each hit with probability ``rate``."""

    def __init__(self, salt: str, rate: float, length: int) -> None:
        self.salt, self.rate, self.length = salt, rate, length

    def locate(self, ent: np.ndarray, steps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(hit, position in the window) for each (entity hash, step)."""
        ent = ent.astype(np.uint64)
        offset = (ent % np.uint64(self.length)).astype(np.int64)
        shifted = steps + offset
        window = (shifted // self.length).astype(np.uint64)
        with np.errstate(over="ignore"):
            h = _mix(_mix(ent ^ np.uint64(stable_hash(self.salt))) ^ window)
        u = (h >> np.uint64(11)).astype(np.float64) / float(2**53)
        return u < self.rate, shifted % self.length


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
        self.link = series.entity or tp.link_column
        if self.link not in (None, *tp.columns):
            raise SpecError(f"unknown column {self.link!r}", f"{where}.entity")
        if self.link in (self.time, *self._signal_names(tp)):
            raise SpecError("the entity column is neither the time nor a signal", f"{where}.entity")
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
        self.steps: dict[object, int] = {}  # per entity: the next step to consider
        self.last: dict[tuple[str, object], float] = {}
        self.block_no = 0
        self._gaps(series.gaps, where)
        self._anomalies(series.anomalies, where)

    @staticmethod
    def _signal_names(tp: TablePlan) -> list[str]:
        return [
            n for n, c in tp.columns.items() if isinstance(c.spec, TypeColumn) and c.spec.signal
        ]

    def _gaps(self, gaps: GapSpec | None, where: str) -> None:
        """The missing steps: a grid of windows per entity, and outages for everyone."""
        self.gap: _Windows | None = None
        self.outages: list[tuple[int, int]] = []
        if gaps is None:
            return
        if gaps.rate > 0:
            length = self._length(gaps.length, f"{where}.gaps.length")
            self.gap = _Windows(f"{self.seed}:{self.tp.name}:gaps", gaps.rate, length)
        for i, w in enumerate(gaps.windows):
            lo = _start_us(w.start, f"{where}.gaps.windows.{i}.start")
            hi = _start_us(w.end, f"{where}.gaps.windows.{i}.end")
            if hi <= lo:
                raise SpecError("a window ends after it starts", f"{where}.gaps.windows.{i}")
            self.outages.append((lo, hi))

    def _anomalies(self, anomalies: list[AnomalySpec], where: str) -> None:
        self.anomalies: list[tuple[AnomalySpec, _Windows, list[str]]] = []
        if anomalies and SCENARIO_COLUMN not in self.tp.schema().names:
            raise SpecError(
                f"anomalies are labelled in {SCENARIO_COLUMN}: "
                "set emit_scenario_column: true on the table",
                f"{where}.anomalies",
            )
        for i, a in enumerate(anomalies):
            loc = f"{where}.anomalies.{i}"
            columns = a.columns or list(self.signals)
            unknown = [c for c in columns if c not in self.signals]
            if unknown or not columns:
                raise SpecError(
                    f"anomalies apply to signal columns; {unknown or 'none'} "
                    f"{'is' if len(unknown) == 1 else 'are'} not one",
                    f"{loc}.columns",
                )
            length = self._length(a.length, f"{loc}.length")
            windows = _Windows(f"{self.seed}:{self.tp.name}:anomaly:{i}", a.rate, length)
            self.anomalies.append((a, windows, columns))

    def _length(self, value: int | str, where: str) -> int:
        """A window length in whole steps (a number, or a duration at ``every``)."""
        try:
            steps = parse_duration(value) / self.every_s if isinstance(value, str) else value
        except ValueError as exc:
            raise SpecError(str(exc), where) from exc
        if not steps >= 1 or steps != int(steps):
            raise SpecError(f"a whole number of steps (at least 1), got {steps:g}", where)
        return int(steps)

    def _missing(self, ent: np.ndarray, steps: np.ndarray) -> np.ndarray:
        """Whether each (entity hash, step) is a missing step."""
        missing = np.zeros(len(steps), dtype=bool)
        if self.gap is not None:
            missing |= self.gap.locate(ent, steps)[0]
        if self.outages:
            at = self.start + steps * self.every
            for lo, hi in self.outages:
                missing |= (at >= lo) & (at < hi)
        return missing

    def _placed(self, ent: np.ndarray, first: np.ndarray, need: np.ndarray) -> np.ndarray:
        """Each entity's next ``need`` steps from ``first`` that are not missing, entity by entity.

        Candidates are scanned a stretch at a time (a bit more than ``need``
        would take at the gap rate); an entity that runs short, e.g. in a
        long outage, gets a stretch twice as long until all are placed.
        """
        rate = self.gap.rate if self.gap is not None else 0.0
        span = np.ceil(need / (1.0 - rate) * 1.25).astype(np.int64) + 16
        if self.gap is not None:
            span += 2 * self.gap.length
        while True:
            owner = np.repeat(np.arange(len(need)), span)
            begin = np.concatenate([[0], np.cumsum(span)[:-1]])
            steps = first[owner] + (np.arange(int(span.sum())) - np.repeat(begin, span))
            kept = ~self._missing(ent[owner], steps)
            counts = np.bincount(owner, weights=kept, minlength=len(need)).astype(np.int64)
            short = counts < need
            if not short.any():
                break
            if int(span.max()) > 1 << 40:
                raise GenerationError(
                    "the gaps leave no steps to place rows at", f"tables.{self.tp.name}.series.gaps"
                )
            span = np.where(short, span * 2, span)
        rank = np.cumsum(kept) - np.repeat(np.concatenate([[0], np.cumsum(counts)[:-1]]), span)
        chosen: np.ndarray = steps[kept & (rank <= need[owner])]
        return chosen

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
            column = batch.column(self.link)
            if column.null_count:  # rows without an entity make one series of their own
                column = pc.fill_null(column.cast(pa.string()), "")
            keys = np.asarray(column.to_numpy(zero_copy_only=False))
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
        ent = _entity_hashes(f"{self.seed}:{self.tp.name}:entity", uniq)
        if self.gap is None and not self.outages:
            step = prior[inv] + rank
            after = prior + sizes
        else:
            step = np.empty(n, dtype=np.int64)
            step[order] = self._placed(ent, prior, sizes)
            last = np.full(len(ulist), -1, dtype=np.int64)
            np.maximum.at(last, inv, step)
            after = last + 1
        for u, a in zip(ulist, after.tolist(), strict=True):
            self.steps[u] = a
        arrays = dict(zip(batch.schema.names, batch.columns, strict=True))
        t = batch.schema.field(self.time).type
        stamps = pa.array(self.start + step * self.every, pa.int64()).cast(pa.timestamp("us"))
        if pa.types.is_date(t):
            arrays[self.time] = stamps.cast(pa.date32()).cast(t)
        else:
            arrays[self.time] = stamps.cast(t)
        by_rank = np.argsort(rank, kind="stable")
        rank_sizes = np.bincount(rank)
        labels = arrays.get(SCENARIO_COLUMN)
        bumps: dict[str, np.ndarray] = {}
        if self.anomalies:
            bumps, labels = self._anomalous(ent[inv], step, labels)
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
            value = value + bumps.get(name, 0.0)
            arrays[name] = pa.array(value, pa.float64()).cast(batch.schema.field(name).type)
        if labels is not None:
            arrays[SCENARIO_COLUMN] = labels
        return pa.RecordBatch.from_arrays(list(arrays.values()), schema=batch.schema)

    def _anomalous(
        self, ent: np.ndarray, step: np.ndarray, labels: pa.Array | None
    ) -> tuple[dict[str, np.ndarray], pa.Array | None]:
        """What the anomaly windows add to each signal column, and the rows' labels."""
        bumps: dict[str, np.ndarray] = {}
        for a, windows, columns in self.anomalies:
            hit, pos = windows.locate(ent, step)
            if not hit.any():
                continue
            if a.kind == "drift":
                added = np.where(hit, a.size * (pos + 1) / windows.length, 0.0)
            else:  # shift, spike (a one-step window)
                added = np.where(hit, a.size, 0.0)
            for name in columns:
                bumps[name] = bumps.get(name, 0.0) + added
            assert labels is not None
            labels = pc.if_else(pa.array(hit), pa.scalar(a.label, pa.string()), labels)
        return bumps, labels


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
