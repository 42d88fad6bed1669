"""Compile and run a spec: what the layers above the engine ask of it, in one place.

Planners, the profiler and introspection need three things of the engine: the
problems of a spec (every one, located), the checked Spec, and its tables.
They live here, below those layers, so that none of them has to import the
facade (``synthwright.api``), which imports them; that import used to make a
loop (``api.generate`` -> ``generate_from_profile`` -> ``api.generate``) that
only deferred imports kept from failing. The facade builds on :class:`Run`
and adds what needs sinks and quality: writing files, loading a database,
checking rules, drawing ``profile:`` tables through their copula.

Example::

    from synthwright.engine.run import run_spec
    tables = run_spec({"tables": {"t": {"rows": 3, "columns": {"id": {"type": "id"}}}}}).materialize()
    tables["t"].num_rows  # 3
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from ..errors import SpecError
from ..loading import spec_from_any
from ..spec import Spec
from .compile import Plan, compile_spec
from .defects import DefectInjector
from .generate import ProgressCallback, Runner
from .series import SeriesFiller

SpecLike = Spec | dict[str, Any] | str | Path

__all__ = [
    "Run",
    "RunStats",
    "SpecLike",
    "effective_seed",
    "load_spec",
    "run_spec",
    "scaled",
    "validate",
]


def load_spec(source: SpecLike) -> Spec:
    """Load and fully check a spec (file path, YAML/JSON text, dict or Spec).

    "Fully" means the compiler's checks too (references, cycles, capacity),
    not only the pydantic shape: a spec that loads here can be generated.

    Raises:
        SpecError: every problem, each with its location.
    """
    spec = spec_from_any(source)
    compile_spec(spec)
    return spec


def validate(source: SpecLike) -> list[str]:
    """Problems of a spec as ``location: message`` lines; empty when it is valid.

    Lines rather than an exception, because callers (the LLM agent's repair
    loop, the profiler's fallback columns) feed them back rather than stop.
    """
    try:
        load_spec(source)
    except SpecError as exc:
        return [str(p) for p in exc.problems]
    return []


def scaled(spec: Spec, rows: int | None, scale: float | None) -> Spec:
    """The spec with root row counts replaced (``rows``) or multiplied (``scale``).

    A copy, so a caller's spec object is never changed by a run. ``scale`` must be
    a finite number above 0 (NaN and infinity cannot count rows; 0 once meant
    "unscaled"), ``rows`` at least 0.
    """
    if rows is None and scale is None:
        return spec
    if rows is not None and rows < 0:
        raise SpecError(f"must be at least 0, got {rows}", "rows")
    if scale is not None and not 0 < scale < float("inf"):  # also refuses NaN
        raise SpecError(f"must be a finite number above 0, got {scale}", "scale")
    data = spec.model_copy(deep=True)
    for table in data.tables.values():
        if table.rows is not None:
            table.rows = rows if rows is not None else max(0, round(table.rows * (scale or 1)))
    return data


def effective_seed(spec: Spec, seed: int | None) -> int:
    """The seed a run uses: the caller's, else the spec's, else 0 (never random)."""
    if seed is not None:
        return seed
    return spec.seed if spec.seed is not None else 0


@dataclass
class RunStats:
    """What a run produced: rows per table and seconds."""

    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    defects: dict[str, dict[str, int]] = field(default_factory=dict)  # table -> kind -> rows

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())

    @property
    def rows_per_second(self) -> float:
        return self.total_rows / self.seconds if self.seconds > 0 else 0.0


class Run:
    """The tables of a compiled plan, generated on first access (deterministic per seed).

    ``stream`` hands batches on without keeping them (bounded memory);
    ``materialize`` keeps whole Arrow tables. Tables marked ``existing: true``
    are not generated; their rows, when children need them, go in ``existing``.
    """

    def __init__(
        self,
        spec: Spec,
        plan: Plan,
        seed: int,
        on_progress: ProgressCallback | None = None,
    ) -> None:
        self.spec = spec
        self.plan = plan
        self.seed = seed
        self.on_progress = on_progress
        self.existing: dict[str, pa.Table] = {}  # rows of `existing: true` tables
        self._tables: dict[str, pa.Table] | None = None
        self.stats = RunStats()

    @property
    def table_names(self) -> list[str]:
        """Generated tables in dependency order (parents first)."""
        return [t.name for t in self.plan.tables if not t.spec.existing]

    @property
    def materialized(self) -> bool:
        """Whether the tables are held in memory (writing then reuses them)."""
        return self._tables is not None

    def _run(self, on_batch: Callable[[str, pa.RecordBatch], None]) -> RunStats:
        started = time.perf_counter()
        inject = DefectInjector(self.plan, self.seed, on_batch)  # `quality:` (defects.py)
        sink = inject if inject.active else on_batch
        fill = SeriesFiller(self.plan, self.seed, sink)  # `series:`/`signal:` (series.py)
        sink = fill if fill.active else sink
        rows = Runner(self.plan, self.seed, sink, self.on_progress, existing=self.existing).run()
        inject.finish()
        added = inject.added()
        rows = {name: rows[name] + added.get(name, 0) for name in self.table_names}
        self.stats = RunStats(rows=rows, seconds=time.perf_counter() - started)
        self.stats.defects = inject.injected()
        return self.stats

    def stream(self, on_batch: Callable[[str, pa.RecordBatch], None]) -> RunStats:
        """Generate and hand every batch to ``on_batch(table, batch)``; nothing is kept."""
        return self._run(on_batch)

    def materialize(self) -> dict[str, pa.Table]:
        """Generate every table into memory (once) and return them."""
        if self._tables is None:
            batches: dict[str, list[pa.RecordBatch]] = {n: [] for n in self.table_names}
            self._run(lambda name, batch: batches[name].append(batch))
            self._tables = {
                name: pa.Table.from_batches(parts) if parts else pa.table({})
                for name, parts in batches.items()
            }
        return self._tables

    def preset(self, tables: dict[str, pa.Table], seconds: float) -> None:
        """Hold tables made elsewhere (e.g. drawn through a fitted copula) as this run's.

        Each table is cast to the plan's schema, so a consumer sees the same
        types whichever way the rows were made.
        """
        held: dict[str, pa.Table] = {}
        for tp in self.plan.tables:
            schema = tp.schema()
            # a fitted draw may hand back a wider physical type (double for a decimal)
            held[tp.name] = tables[tp.name].select(schema.names).cast(schema)
        self._tables = held
        self.stats = RunStats(rows={n: t.num_rows for n, t in held.items()}, seconds=seconds)

    def __getitem__(self, name: str) -> pa.Table:
        tables = self.materialize()
        if name not in tables:
            raise KeyError(f"no table {name!r}; tables: {', '.join(tables)}")
        return tables[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.table_names)

    def __len__(self) -> int:
        return len(self.table_names)

    def items(self) -> list[tuple[str, pa.Table]]:
        tables = self.materialize()
        return [(n, tables[n]) for n in self.table_names]


def run_spec(
    source: SpecLike,
    *,
    seed: int | None = None,
    rows: int | None = None,
    scale: float | None = None,
    on_progress: ProgressCallback | None = None,
) -> Run:
    """Compile a spec and return its Run (nothing is generated until asked).

    ``profile:`` sections are not read here: the engine makes every table from
    its columns. ``synthwright.generate`` draws fitted tables through their
    copula (see :mod:`synthwright.profile`).

    Raises:
        SpecError: every problem of the spec, located.
    """
    spec = scaled(spec_from_any(source), rows, scale)
    return Run(spec, compile_spec(spec), effective_seed(spec, seed), on_progress)
