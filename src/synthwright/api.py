"""The public Python facade: load, validate, generate, write, check.

CLI and service call only these functions. Example::

    import synthwright as sw
    spec = sw.load_spec("examples/shop.yaml")
    ds = sw.generate(spec, seed=7)
    ds["orders"].num_rows
    ds.write("out/", format="parquet")
    assert sw.check(ds, spec) == []
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from .engine.compile import Plan, compile_spec
from .engine.generate import ProgressCallback, Runner
from .errors import SpecError
from .loading import spec_from_any
from .spec import Spec, spec_to_yaml

SpecLike = Spec | dict[str, Any] | str | Path

__all__ = ["Dataset", "RunStats", "check", "generate", "load_spec", "plan", "validate"]


def load_spec(source: SpecLike) -> Spec:
    """Load and fully check a spec (file path, YAML/JSON text, dict or Spec).

    Raises:
        SpecError: every problem, each with its location.
    """
    spec = spec_from_any(source)
    compile_spec(spec)
    return spec


def validate(source: SpecLike) -> list[str]:
    """Problems of a spec as ``location: message`` lines; empty when it is valid."""
    try:
        load_spec(source)
    except SpecError as exc:
        return [str(p) for p in exc.problems]
    return []


def _scaled(spec: Spec, rows: int | None, scale: float | None) -> Spec:
    """The spec with root row counts replaced (``rows``) or multiplied (``scale``)."""
    if rows is None and scale is None:
        return spec
    data = spec.model_copy(deep=True)
    for table in data.tables.values():
        if table.rows is not None:
            table.rows = rows if rows is not None else max(0, round(table.rows * (scale or 1)))
    return data


@dataclass
class RunStats:
    """What a run produced: rows per table and seconds."""

    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())

    @property
    def rows_per_second(self) -> float:
        return self.total_rows / self.seconds if self.seconds > 0 else 0.0


class Dataset:
    """Generated tables: Arrow tables by name, produced on first access.

    Writing (``write``, ``to_db``) streams batches to the sink without holding
    whole tables when the data was not materialised yet.
    """

    def __init__(
        self,
        spec: Spec,
        plan: Plan,
        seed: int,
        on_progress: ProgressCallback | None = None,
        verify: bool = False,
    ) -> None:
        self.spec = spec
        self.plan = plan
        self.seed = seed
        self.on_progress = on_progress
        self.verify = verify
        self.existing: dict[str, pa.Table] = {}  # rows of `existing: true` tables
        self._tables: dict[str, pa.Table] | None = None
        self.stats = RunStats()

    @property
    def table_names(self) -> list[str]:
        """Generated tables in dependency order (parents first)."""
        return [t.name for t in self.plan.tables if not t.spec.existing]

    def _run(self, on_batch: Callable[[str, pa.RecordBatch], None]) -> RunStats:
        started = time.perf_counter()
        rows = Runner(
            self.plan, self.seed, on_batch, self.on_progress, existing=self.existing
        ).run()
        rows = {name: rows[name] for name in self.table_names}
        self.stats = RunStats(rows=rows, seconds=time.perf_counter() - started)
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
            if self.verify:
                self._verify(self._tables)
        return self._tables

    def replace_tables(self, tables: dict[str, pa.Table]) -> None:
        """Swap in edited tables (e.g. LLM-written text) before ``write``/``to_db``."""
        current = self.materialize()
        missing = set(current) - set(tables)
        if missing:
            raise KeyError(f"replace_tables lacks tables: {', '.join(sorted(missing))}")
        self._tables = {name: tables[name] for name in current}

    def _verify(self, tables: dict[str, pa.Table]) -> None:
        """Debug/test mode: re-check every rule on the generated tables."""
        from .errors import GenerationError, Problem

        findings = check(tables, self.spec)
        if findings:
            raise GenerationError(
                [Problem(f.location, f"[{f.rule}] {f.message} ({f.count} rows)") for f in findings]
            )

    def __getitem__(self, name: str) -> pa.Table:
        tables = self.materialize()
        if name not in tables:
            raise KeyError(f"no table {name!r}; tables: {', '.join(tables)}")
        return tables[name]

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.table_names)

    def __len__(self) -> int:
        return len(self.table_names)

    def items(self) -> list[tuple[str, pa.Table]]:
        tables = self.materialize()
        return [(n, tables[n]) for n in self.table_names]

    def write(self, out_dir: str | Path, *, format: str = "parquet", **options: Any) -> list[str]:
        """Write one file per table into ``out_dir``; all or nothing."""
        from .sinks import open_sink

        sink = open_sink(str(out_dir), format=format, **options)
        return self._to_sink(sink)

    def to_db(self, url: str, *, if_exists: str = "fail") -> list[str]:
        """Load every table into a database, all or nothing.

        ``url``: ``sqlite:///x.db``, ``duckdb:///x.duckdb``, ``postgresql://...``,
        ``mysql://...``. ``if_exists``: fail, replace, append (``id`` keys continue
        after the existing maximum; children follow their new parents), truncate.
        """
        from .sinks import open_sink

        sink = open_sink(url, if_exists=if_exists)
        dataset = self._continued(url) if if_exists == "append" else self
        return dataset._to_sink(sink)

    def _continued(self, url: str) -> Dataset:
        """This dataset with ``id`` keys starting after the database's current maxima."""
        from .sinks import existing_max_ids, read_columns
        from .spec import TypeColumn

        metas = {m.name: m for m in _table_metas(self.plan)}
        existing = {
            tp.name: read_columns(url, metas[tp.name], sorted(tp.retain))
            for tp in self.plan.tables
            if tp.spec.existing and tp.retain
        }
        maxima = existing_max_ids(url, list(metas.values()))
        spec = self.spec.model_copy(deep=True)
        changed = False
        for tp in self.plan.tables:
            col = spec.tables[tp.name].columns.get(tp.primary_key) if tp.primary_key else None
            top = maxima.get(tp.name, 0)
            if top and isinstance(col, TypeColumn) and col.type == "id":
                start = col.min if isinstance(col.min, int) else 1
                if start <= top:
                    col.min = top + 1
                    changed = True
        dataset = self
        if changed:
            dataset = Dataset(spec, compile_spec(spec), self.seed, self.on_progress, self.verify)
        dataset.existing = existing
        return dataset

    def _to_sink(self, sink: Any) -> list[str]:
        metas = _table_metas(self.plan)
        sink.open(metas)
        try:
            if self._tables is not None:
                for name, table in self.items():
                    for batch in table.to_batches():
                        sink.write_batch(name, batch)
            else:
                self._run(sink.write_batch)
        except BaseException:
            sink.abort()
            raise
        written: list[str] = sink.close()
        return written


def generate(
    source: SpecLike,
    *,
    seed: int | None = None,
    rows: int | None = None,
    scale: float | None = None,
    on_progress: ProgressCallback | None = None,
    verify: bool = False,
) -> Dataset:
    """Compile a spec and return its Dataset (generated lazily, deterministically).

    Args:
        source: a Spec, dict, path or YAML text.
        seed: overrides the spec's seed (default 0 when neither is given).
        rows: replaces every root table's row count.
        scale: multiplies every root table's row count.
        on_progress: called with (table, rows done, rows total).
        verify: debug/test mode: re-check every rule after generating in memory
            and raise GenerationError listing any finding.
    """
    spec = _scaled(spec_from_any(source), rows, scale)
    effective = seed if seed is not None else (spec.seed if spec.seed is not None else 0)
    if any(table.profile is not None for table in spec.tables.values()):
        return _generate_profiled(spec, effective, on_progress, verify)
    plan = compile_spec(spec)
    return Dataset(spec, plan, effective, on_progress, verify)


def _generate_profiled(
    spec: Spec, seed: int, on_progress: ProgressCallback | None, verify: bool
) -> Dataset:
    """Tables with a fitted ``profile:`` are drawn through their copula (see synthwright.profile)."""
    from .profile.generate import generate_from_profile
    from .profile.to_spec import ProfiledSpec

    profiles = {n: t.profile for n, t in spec.tables.items() if t.profile is not None}
    bare = spec.model_copy(deep=True)
    for table in bare.tables.values():
        table.profile = None
    started = time.perf_counter()
    tables = generate_from_profile(ProfiledSpec(spec=bare, profiles=profiles), seed=seed)
    ds = Dataset(bare, compile_spec(bare), seed, on_progress, verify)
    ds._tables = {}
    for tp in ds.plan.tables:
        table = tables[tp.name]
        schema = tp.schema()
        # the copula may hand back a wider physical type (double for a decimal): the plan rules
        ds._tables[tp.name] = table.select(schema.names).cast(schema)
    ds.stats = RunStats(
        rows={n: t.num_rows for n, t in ds._tables.items()}, seconds=time.perf_counter() - started
    )
    if verify:
        ds._verify(ds._tables)
    return ds


def check(data: Dataset | dict[str, pa.Table] | str | Path, source: SpecLike) -> list[Any]:
    """Findings of data against a spec's rules (empty when every rule holds).

    ``data`` is a Dataset, a dict of Arrow tables, or a directory/database file.
    """
    from .quality import check_tables, read_tables

    spec = spec_from_any(source)
    if isinstance(data, Dataset):
        tables = data.materialize()
    elif isinstance(data, dict):
        tables = data
    else:
        tables = read_tables(data, spec)
    return list(check_tables(tables, spec))


def _table_metas(plan: Plan) -> list[Any]:
    """Sink-facing description of each table: schema, keys, uniqueness."""
    from .sinks import ForeignKey, TableMeta
    from .spec import TypeColumn

    metas = []
    for tp in plan.tables:
        unique = [
            (name,)
            for name, cp in tp.columns.items()
            if isinstance(cp.spec, TypeColumn)
            and (cp.spec.unique or cp.spec.type in ("id", "uuid"))
            and name != tp.primary_key
        ] + [tuple(cols) for cols in tp.spec.unique_sets()]
        fks = tuple(
            ForeignKey(name, cp.ref_table, cp.ref_column)
            for name, cp in tp.columns.items()
            if cp.ref_table and cp.ref_column
        )
        metas.append(
            TableMeta(
                name=tp.name,
                schema=tp.schema(),
                primary_key=tp.primary_key,
                foreign_keys=fks,
                unique=tuple(unique),
            )
        )
    return metas


def plan(prompt: str, *, answers: dict[str, str] | None = None) -> Any:
    """Plan a spec from words: the LLM agent when one is configured, else offline rules.

    Returns a PlanResult (``.spec`` always valid, ``.assumptions``, ``.questions``,
    ``.source`` "offline" or "llm", ``.usage``).
    """
    from .planner.agent import plan_auto

    return plan_auto(prompt, answers=answers)


def spec_yaml(spec: Spec) -> str:
    """The spec as YAML text (what ``generate "prompt"`` saves beside its output)."""
    return spec_to_yaml(spec)
