"""The client side of a distributed run: tasks per table, parts per block range, one commit.

For each table in dependency order the client submits a layout task (its
row count: a chain of small tasks, each reading the row counts before it),
then one task per range of whole blocks (or one task for a table that runs
whole, see ``tasks.runs_whole``). A child's tasks take the futures of its
parents' parts as arguments, so Dask moves the parents' retained columns
from worker to worker; the client only ever receives counts (``stats_of``).
When every part is in, the client checks what the per-batch re-check
cannot see from one part -- ``id`` keys running on by one across parts --
and commits the partitioned sink; any failure (a rule, a worker that died
more often than Dask retries, Ctrl-C) cancels the rest and aborts the
sink, so nothing partial is left.
"""

from __future__ import annotations

import contextlib
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..engine.generate import block_count
from ..engine.plan import Plan, TablePlan
from ..engine.run import RunStats
from ..errors import GenerationError, SynthwrightError
from ..sinks import TableMeta
from ..spec import Spec
from . import tasks
from .partitioned import PartitionedSink

__all__ = ["MAX_BLOCKS_PER_PART", "block_ranges", "write_partitioned"]

#: at most this many blocks (x 65,536 rows) per part: a task's memory stays bounded
MAX_BLOCKS_PER_PART = 32
_PARTS_PER_THREAD = 4  # parts per worker thread and table, for balance


def block_ranges(total: int, threads: int) -> list[tuple[int, int]]:
    """Whole-block ranges [first, stop) covering ``total`` rows; one empty range for none."""
    blocks = block_count(total)
    if blocks == 0:
        return [(0, 0)]
    per = max(1, min(MAX_BLOCKS_PER_PART, -(-blocks // (_PARTS_PER_THREAD * max(1, threads)))))
    return [(b, min(b + per, blocks)) for b in range(0, blocks, per)]


def referenced(tp: TablePlan) -> set[str]:
    """The earlier tables whose kept state a table's blocks read."""
    names = set(tp.links)
    if tp.spec.per_parent is not None:
        names.add(tp.spec.per_parent.table)
    for cp in tp.columns.values():
        if cp.ref_table:
            names.add(cp.ref_table)
        names.update(t for t, _ in cp.parents)
        names.update(b.table for b in (cp.lower, cp.upper) if b is not None and b.table)
    names.discard(tp.name)
    return names


def _refuse_existing(plan: Plan) -> None:
    for tp in plan.tables:
        if tp.spec.existing:
            raise GenerationError(
                "an existing table is read from the target database, which workers do not "
                "load: generate it without --workers (--db URL --if-exists append)",
                f"tables.{tp.name}.existing",
            )


def _check_ids(plan: Plan, stats: dict[str, list[tasks.PartStats]]) -> None:
    """``id`` keys run on by one from part to part (within a part the batch re-check saw it)."""
    for tp in plan.tables:
        for name in tasks.id_columns(tp):
            last: int | None = None
            for part in sorted(stats.get(tp.name, []), key=lambda s: s.index):
                first, end = part.ids[name]
                if first is None:
                    continue
                if last is not None and first != last + 1:
                    raise GenerationError(
                        "id keys do not run on by one: a key repeats or wrapped (engine fault: "
                        "nothing was kept)",
                        f"tables.{tp.name}.columns.{name}",
                    )
                last = end


def _translated(exc: BaseException) -> BaseException:
    """A worker's failure as the project's error: rules as they were raised, the rest located."""
    if isinstance(exc, SynthwrightError):
        return exc
    name = type(exc).__name__
    if name == "KilledWorker":
        return GenerationError(
            f"a worker died while running a task, more often than Dask retries ({exc})", "workers"
        )
    return GenerationError(f"a worker failed: {name}: {exc}", "workers")


def write_partitioned(
    client: Any,
    spec: Spec,
    plan: Plan,
    seed: int,
    metas: list[TableMeta],
    out_dir: str | Path,
    fmt: str = "parquet",
    on_progress: Callable[[str, int, int], None] | None = None,
    *,
    workers: list[str] | None = None,
) -> tuple[list[str], RunStats]:
    """Generate ``plan`` on the cluster of ``client`` into ``out_dir/T/part-*.<fmt>``.

    The content of every table is the one a single process makes (same
    rows, same order); only the files differ (parts instead of ``T.<fmt>``).

    ``workers`` (addresses) keeps the tasks on those workers of the cluster.

    Raises:
        SpecError/GenerationError/SinkError: as one process raises them; nothing is left.
    """
    _refuse_existing(plan)
    started = time.perf_counter()
    sink = PartitionedSink(out_dir, fmt)
    sink.open(metas)
    job = tasks.Job(uuid.uuid4().hex, spec, seed)
    futures: list[Any] = []
    try:
        stats = _run(client, job, plan, metas, sink, fmt, on_progress, futures, workers)
        _check_ids(plan, stats)
        written = sink.close()
    except BaseException as exc:
        client.cancel(futures)
        sink.abort()
        if isinstance(exc, Exception):
            raise _translated(exc) from exc
        raise
    finally:
        futures.clear()
        with contextlib.suppress(Exception):  # a worker gone: its state went with it
            client.run(tasks.forget, job.run_id)
    rows = {tp.name: sum(s.rows for s in stats[tp.name]) for tp in plan.tables}
    defects = {
        tp.name: _sum_defects(stats[tp.name]) for tp in plan.tables if tp.spec.quality is not None
    }
    run = RunStats(rows=rows, seconds=time.perf_counter() - started, defects=defects)
    return written, run


def _sum_defects(parts: list[tasks.PartStats]) -> dict[str, int]:
    out: dict[str, int] = {}
    for part in parts:
        for kind, n in part.defects.items():
            out[kind] = out.get(kind, 0) + n
    return out


def _run(
    client: Any,
    job: tasks.Job,
    plan: Plan,
    metas: list[TableMeta],
    sink: PartitionedSink,
    fmt: str,
    on_progress: Callable[[str, int, int], None] | None,
    futures: list[Any],
    workers: list[str] | None,
) -> dict[str, list[tasks.PartStats]]:
    from distributed import as_completed

    nthreads = client.nthreads()
    threads = max(1, sum(n for w, n in nthreads.items() if workers is None or w in workers))
    where: dict[str, Any] = {"pure": False, "workers": workers, "allow_other_workers": False}
    by_name = {m.name: m for m in metas}
    totals: dict[str, Any] = {}  # table -> future of its row count
    for tp in plan.tables:  # the chain of layouts first: small, and it unblocks the parts
        earlier = dict(totals)
        totals[tp.name] = client.submit(
            tasks.layout_rows,
            job,
            tp.name,
            earlier,
            not tasks.runs_whole(tp),
            priority=10,
            **where,
        )
        futures.append(totals[tp.name])
    results: dict[str, list[Any]] = {}
    stats_futures: list[Any] = []
    rows_done: dict[str, int] = {}
    row_totals: dict[str, int] = {}
    earlier_rows: dict[str, int] = {}
    for tp in plan.tables:
        total = int(totals[tp.name].result())
        row_totals[tp.name] = total
        parents = {t: results[t] for t in sorted(referenced(tp))}
        folder = str(sink.folder(tp.name))
        meta = by_name[tp.name]
        known = dict(earlier_rows)
        if tasks.runs_whole(tp):
            parts = [
                client.submit(
                    tasks.whole_table, job, tp.name, known, parents, folder, fmt, meta, **where
                )
            ]
        else:
            parts = [
                client.submit(
                    tasks.make_part,
                    job,
                    tp.name,
                    i,
                    blocks,
                    known,
                    parents,
                    folder,
                    fmt,
                    meta,
                    **where,
                )
                for i, blocks in enumerate(block_ranges(total, threads))
            ]
        earlier_rows[tp.name] = total
        results[tp.name] = parts
        futures.extend(parts)
        for part in parts:
            stats_futures.append(client.submit(tasks.stats_of, part, **where))
        futures.extend(stats_futures[-len(parts) :])
    stats: dict[str, list[tasks.PartStats]] = {tp.name: [] for tp in plan.tables}
    for done in as_completed(stats_futures):
        part = done.result()  # re-raises the task's error (or KilledWorker)
        stats[part.table].append(part)
        if on_progress is not None:
            rows_done[part.table] = rows_done.get(part.table, 0) + part.rows
            on_progress(
                part.table,
                min(rows_done[part.table], row_totals[part.table]),
                row_totals[part.table],
            )
    return stats
