"""What runs on a worker: a table's layout, a range of its blocks, a whole table.

A task gets the job (run id, spec, seed), rebuilds the plan once per worker
process (cached by run id) and the Runner state it needs: the row counts of
earlier tables (plain ints) and the retained columns of the parents it reads
(the parents' part results, resolved by Dask from their futures and joined
in block order once per worker). The table's layout -- row count, parent
index per row, scenario rows, unique-set codes -- depends only on those row
counts and the seed, so every worker computes it itself, once, instead of
shipping it. Parts are written straight into the sink's temporary folder;
a task returns the retained columns of its blocks (for children's tasks)
and small stats (for the client: rows, id ranges, defects).

Tables whose rows depend on rows before them in ways the blocks do not
capture run in one task (``whole_table``): self-references (filled after
the table), ``series:`` (state per entity carried across blocks) and
``quality:`` (duplicates appended after the last block). Everything else is
split at whole blocks.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from ..engine.compile import compile_spec
from ..engine.defects import DefectInjector
from ..engine.generate import BatchCallback, Runner, _Layout
from ..engine.plan import Plan, TablePlan
from ..engine.series import SeriesFiller
from ..engine.verify import _Ids
from ..sinks import TableMeta
from ..spec import Spec, TypeColumn
from .partitioned import write_part

__all__ = [
    "Job",
    "PartResult",
    "PartStats",
    "forget",
    "id_columns",
    "layout_rows",
    "make_part",
    "runs_whole",
    "stats_of",
    "whole_table",
]

_KEEP_JOBS = 2  # runs whose state a worker keeps (a client may start the next one early)


@dataclass(frozen=True)
class Job:
    """One distributed run: what every task needs to rebuild the plan."""

    run_id: str
    spec: Spec
    seed: int


@dataclass
class PartStats:
    """What the client learns of a part: no data, only counts."""

    table: str
    index: int
    rows: int
    ids: dict[str, tuple[int | None, int | None]]  # id column -> (first, last) in the part
    defects: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    cpu: float = 0.0  # CPU seconds of the task's thread (the writer's thread not included)


@dataclass
class PartResult:
    """A finished part: its stats and the retained columns of its blocks (for children)."""

    stats: PartStats
    columns: dict[str, pa.Array]


def runs_whole(tp: TablePlan) -> bool:
    """Whether a table is made in one task (see the module docstring)."""
    return tp.has_self_refs or tp.spec.quality is not None or tp.spec.series is not None


def id_columns(tp: TablePlan) -> list[str]:
    """The ``id`` columns the cheap re-check follows across batches (unplanted ones)."""
    planted = {c for s in tp.scenarios for c in s.set}
    return [
        name
        for name, cp in tp.columns.items()
        if isinstance(cp.spec, TypeColumn) and cp.spec.type == "id" and name not in planted
    ]


class _State:
    """A worker's state of one run: the plan, the kept parents and the layouts."""

    def __init__(self, job: Job) -> None:
        self.plan: Plan = compile_spec(job.spec)
        self.seed = job.seed
        self.runner = Runner(self.plan, self.seed, _discard, verify_keys=False)
        self.layouts: dict[str, _Layout] = {}
        self.lock = threading.Lock()

    def rows(self, rows: dict[str, int]) -> None:
        """Row counts of earlier tables (all a layout needs of them)."""
        for table, n in rows.items():
            if table not in self.runner.kept:
                self.runner.adopt(table, n)

    def parents(self, parents: dict[str, list[PartResult]]) -> None:
        """The retained columns of the parents, joined in block order (once per worker)."""
        for table, parts in parents.items():
            tp = self.plan.table(table)
            kept = self.runner.kept[table]
            if tp.retain and not kept.columns:
                columns = {
                    c: pa.concat_arrays([p.columns[c] for p in parts]) for c in sorted(tp.retain)
                }
                self.runner.adopt(table, kept.rows, columns)

    def layout(self, tp: TablePlan, keep: bool) -> _Layout:
        lay = self.layouts.get(tp.name)
        if lay is None:
            lay = self.runner.layout(tp)
            if keep:
                self.layouts[tp.name] = lay
        return lay


_STATES: OrderedDict[str, _State] = OrderedDict()
_STATES_LOCK = threading.Lock()


def _discard(table: str, batch: pa.RecordBatch) -> None:
    del table, batch


def _state(job: Job) -> _State:
    with _STATES_LOCK:
        state = _STATES.get(job.run_id)
        if state is None:
            state = _STATES[job.run_id] = _State(job)
            while len(_STATES) > _KEEP_JOBS:
                _STATES.popitem(last=False)
        return state


def forget(run_id: str) -> None:
    """Drop a finished run's state from this worker (the client calls it on every worker)."""
    with _STATES_LOCK:
        _STATES.pop(run_id, None)


def layout_rows(job: Job, table: str, rows: dict[str, int], keep: bool) -> int:
    """The row count of ``table`` (its layout, computed here and kept when ``keep``)."""
    state = _state(job)
    with state.lock:
        state.rows(rows)
        return state.layout(state.plan.table(table), keep).total


def _parent_ids(state: _State, parents: dict[str, list[PartResult]]) -> dict[tuple[str, str], _Ids]:
    """The cheap re-check's view of the parents' id columns: first and last id of each."""
    out: dict[tuple[str, str], _Ids] = {}
    for table, parts in parents.items():
        for name in id_columns(state.plan.table(table)):
            firsts = [p.stats.ids[name][0] for p in parts if p.stats.ids[name][0] is not None]
            lasts = [p.stats.ids[name][1] for p in parts if p.stats.ids[name][1] is not None]
            ids = _Ids()
            if firsts:
                ids.first, ids.last = firsts[0], lasts[-1]
                ids.next = ids.last + 1 if ids.last is not None else None
            out[(table, name)] = ids
    return out


def _runner(
    state: _State,
    rows: dict[str, int],
    parents: dict[str, list[PartResult]],
    on_batch: BatchCallback,
) -> Runner:
    with state.lock:
        state.rows(rows)
        state.parents(parents)
    runner = Runner(state.plan, state.seed, on_batch)
    runner.kept = state.runner.kept  # shared, read only below (whole tables add their own)
    assert runner.cheap is not None
    runner.cheap.ids.update(_parent_ids(state, parents))
    return runner


def _own_ids(runner: Runner, tp: TablePlan) -> dict[str, tuple[int | None, int | None]]:
    assert runner.cheap is not None
    out: dict[str, tuple[int | None, int | None]] = {}
    for name in id_columns(tp):
        ids = runner.cheap.ids.get((tp.name, name), _Ids())
        out[name] = (ids.first, ids.last)
    return out


def make_part(
    job: Job,
    table: str,
    index: int,
    blocks: tuple[int, int],
    rows: dict[str, int],
    parents: dict[str, list[PartResult]],
    folder: str,
    fmt: str,
    meta: TableMeta,
) -> PartResult:
    """Blocks ``blocks[0]`` up to ``blocks[1]`` of ``table`` as part ``index`` of its folder."""
    started, cpu = time.perf_counter(), time.thread_time()
    state = _state(job)
    tp = state.plan.table(table)
    runner = _runner(state, rows, parents, _discard)
    with state.lock:
        lay = state.layout(tp, keep=True)
    runner.start_table(tp, lay)
    retained: dict[str, list[pa.Array]] = {c: [] for c in sorted(tp.retain)}
    made = runner.blocks(tp, lay, *blocks)
    if lay.total == 0:  # an empty table is one empty part, as one process writes one file
        made = iter([(0, 0, runner.block(tp, lay, 0, 0, 0))])
    with write_part(Path(folder), index, meta, fmt) as part:
        for _, _, batch in made:
            for c, parts in retained.items():
                parts.append(batch.column(c))
            runner.emit(tp, batch)  # the cheap re-check, as in one process
            part.write(batch)
    columns = {
        c: pa.concat_arrays(parts) if parts else pa.array([], tp.columns[c].arrow_type or pa.null())
        for c, parts in retained.items()
    }
    stats = PartStats(table, index, part.rows, _own_ids(runner, tp))
    stats.seconds = time.perf_counter() - started
    stats.cpu = time.thread_time() - cpu
    return PartResult(stats, columns)


def whole_table(
    job: Job,
    table: str,
    rows: dict[str, int],
    parents: dict[str, list[PartResult]],
    folder: str,
    fmt: str,
    meta: TableMeta,
) -> PartResult:
    """All of ``table`` in this task as part 0, through the same post-steps as one process
    (self-references filled after the table, ``series:``, then ``quality:``)."""
    started, cpu = time.perf_counter(), time.thread_time()
    state = _state(job)
    tp = state.plan.table(table)
    with write_part(Path(folder), 0, meta, fmt) as part:
        inject = DefectInjector(state.plan, state.seed, lambda name, batch: part.write(batch))
        sink: BatchCallback = inject if inject.active else (lambda name, batch: part.write(batch))
        fill = SeriesFiller(state.plan, state.seed, sink)
        runner = _runner(state, rows, parents, fill if fill.active else sink)
        runner.table(tp)  # a self-referencing table holds its batches until the fill
        inject.finish()  # the duplicates (`quality:`) after the last block
    kept = runner.kept[tp.name]
    columns = {c: kept.columns[c] for c in sorted(tp.retain)}
    stats = PartStats(table, 0, part.rows, _own_ids(runner, tp))
    stats.defects = inject.injected().get(table, {})
    stats.seconds = time.perf_counter() - started
    stats.cpu = time.thread_time() - cpu
    return PartResult(stats, columns)


def stats_of(result: PartResult) -> PartStats:
    """A part's stats alone: what the client gathers (the columns stay on the workers)."""
    return result.stats
