"""The public Python facade: load, validate, generate, write, check.

It only wires the layers below it (ARCHITECTURE.md): the engine's ``Run``
with sinks and quality on top (``Dataset``), the profiler for specs with
``profile:`` sections, the planners for ``plan``. Nothing below imports it;
CLI and service call these functions. Example::

    import synthwright as sw
    spec = sw.load_spec("examples/shop.yaml")
    ds = sw.generate(spec, seed=7)
    ds["orders"].num_rows
    ds.write("out/", format="parquet")
    assert sw.check(ds, spec) == []
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa

from .engine.compile import Plan, compile_spec
from .engine.defects import output_schema
from .engine.generate import ProgressCallback
from .engine.run import Run, RunStats, SpecLike, effective_seed, load_spec, scaled, validate
from .errors import GenerationError, Problem, SpecError
from .loading import spec_from_any
from .sinks import ForeignKey, TableMeta, existing_max_ids, open_sink, read_columns
from .spec import Spec, TypeColumn, spec_to_yaml

__all__ = ["Dataset", "RunStats", "check", "defects", "generate", "load_spec", "plan", "validate"]


class Dataset(Run):
    """Generated tables: Arrow tables by name, produced on first access.

    The engine's :class:`~synthwright.engine.run.Run` plus what needs the
    layers above the engine: writing (``write``, ``to_db``) streams batches to
    a sink without holding whole tables when the data was not materialised
    yet, and ``verify`` re-checks every rule.
    """

    def __init__(
        self,
        spec: Spec,
        plan: Plan,
        seed: int,
        on_progress: ProgressCallback | None = None,
        verify: bool = False,
        client: Any = None,
    ) -> None:
        super().__init__(spec, plan, seed, on_progress)
        self.verify = verify
        #: a ``dask.distributed.Client``: ``write`` then runs on its workers (synthwright.scale)
        self.client = client

    def materialize(self) -> dict[str, pa.Table]:
        """Generate every table into memory (once) and return them."""
        fresh = not self.materialized
        tables = super().materialize()
        if fresh and self.verify:
            self._verify(tables)
        return tables

    def replace_tables(self, tables: dict[str, pa.Table]) -> None:
        """Swap in edited tables (e.g. LLM-written text) before ``write``/``to_db``."""
        current = self.materialize()
        missing = set(current) - set(tables)
        if missing:
            raise KeyError(f"replace_tables lacks tables: {', '.join(sorted(missing))}")
        self._tables = {name: tables[name] for name in current}

    def _verify(self, tables: dict[str, pa.Table]) -> None:
        """Debug/test mode: re-check every rule on the generated tables."""
        findings = check(tables, self.spec)
        if findings:
            raise GenerationError(
                [Problem(f.location, f"[{f.rule}] {f.message} ({f.count} rows)") for f in findings]
            )

    def write(self, out_dir: str | Path, *, format: str = "parquet", **options: Any) -> list[str]:
        """Write one file per table into ``out_dir``; all or nothing.

        ``format="pdf"``/``"docx"`` write one document of the dataset instead
        (``doc_rows=50`` rows per table); ``nest=["a.b"]`` embeds children.
        """
        if self.client is not None and not self.materialized:
            return self._write_distributed(out_dir, format, options)
        if format in ("pdf", "docx"):
            options.setdefault("spec", self.spec)  # the data dictionary's constraints
        sink = open_sink(str(out_dir), format=format, **options)
        return self._to_sink(sink)

    def _write_distributed(
        self, out_dir: str | Path, format: str, options: dict[str, Any]
    ) -> list[str]:
        """On the client's workers, as ``out_dir/<table>/part-*.<format>`` (synthwright.scale).

        Tables already in memory (edited, or made for a truth manifest) are
        written by ``write`` from this process instead, as one file each.
        """
        from .scale import write_partitioned  # dask: only when a client was given

        if options or "://" in str(out_dir):
            raise SpecError(
                "with workers, tables are written as parquet, csv or jsonl parts into a "
                f"directory; not {', '.join(options) or str(out_dir)}",
                "--workers",
            )
        written, self.stats = write_partitioned(
            self.client,
            self.spec,
            self.plan,
            self.seed,
            _table_metas(self.plan),
            out_dir,
            format,
            self.on_progress,
        )
        return written

    def nested(self, nest: str | list[str]) -> Iterator[dict[str, Any]]:
        """Records of the chain's root with children embedded, e.g. ``"orders.order_items"``.

        Each order carries an ``order_items`` list; records come a chunk of
        roots at a time (see :mod:`synthwright.sinks.nested`).
        """
        from .sinks.nested import nested_records

        return nested_records(self.materialize(), _table_metas(self.plan), nest)

    def to_db(self, url: str, *, if_exists: str = "fail") -> list[str]:
        """Load every table into a database, all or nothing.

        ``url``: ``sqlite:///x.db``, ``duckdb:///x.duckdb``, ``postgresql://...``,
        ``mysql://...``. ``if_exists``: fail, replace, append (``id`` keys continue
        after the existing maximum; children follow their new parents), truncate.
        """
        if self.client is not None:
            raise SpecError(
                "workers write files only (parquet, csv or jsonl parts); a database is "
                "loaded by one process: drop --workers/--scheduler (or client=)",
                "--db",
            )
        sink = open_sink(url, if_exists=if_exists)
        dataset = self._continued(url) if if_exists == "append" else self
        return dataset._to_sink(sink)

    def _continued(self, url: str) -> Dataset:
        """This dataset with ``id`` keys starting after the database's current maxima."""
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
            if self.materialized:
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
    client: Any = None,
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
        client: a ``dask.distributed.Client``: ``write`` makes the tables on its
            workers as ``DIR/<table>/part-*.parquet``, the same content as one process
            (``synthwright.scale``; the ``synthwright[dask]`` extra).
    """
    spec = scaled(spec_from_any(source), rows, scale)
    if spec.truth:
        # planting lives in the truth pack, above this facade: refuse rather than
        # silently generate the data without its planted rows and manifest
        raise SpecError(
            "a spec with truth records is generated by synthwright.truth.generate(spec) "
            "or `synthwright generate`, which plant them and write truth.json",
            "truth",
        )
    effective = effective_seed(spec, seed)
    if any(table.profile is not None for table in spec.tables.values()):
        return _generate_profiled(spec, effective, on_progress, verify)
    plan = compile_spec(spec)
    return Dataset(spec, plan, effective, on_progress, verify, client)


def _generate_profiled(
    spec: Spec, seed: int, on_progress: ProgressCallback | None, verify: bool
) -> Dataset:
    """Tables with a fitted ``profile:`` are drawn through their copula (see synthwright.profile)."""
    # deferred for start-up only: the profiler pulls in scipy.stats (~0.8 s), which
    # only a spec with ``profile:`` sections needs; no import loop (profile never imports api)
    from .profile.generate import generate_from_profile
    from .profile.to_spec import ProfiledSpec

    profiles = {n: t.profile for n, t in spec.tables.items() if t.profile is not None}
    bare = spec.model_copy(deep=True)
    for table in bare.tables.values():
        table.profile = None
    started = time.perf_counter()
    tables = generate_from_profile(ProfiledSpec(spec=bare, profiles=profiles), seed=seed)
    ds = Dataset(bare, compile_spec(bare), seed, on_progress, verify)
    ds.preset(tables, seconds=time.perf_counter() - started)
    if verify:
        ds._verify(ds.materialize())
    return ds


def check(data: Dataset | dict[str, pa.Table] | str | Path, source: SpecLike) -> list[Any]:
    """Findings of data against a spec's rules (empty when every rule holds).

    ``data`` is a Dataset, a dict of Arrow tables, or a directory/database file.
    """
    from .quality import check_tables, read_tables  # not loaded by a plain generate

    spec = spec_from_any(source)
    if isinstance(data, Dataset):
        tables = data.materialize()
    elif isinstance(data, dict):
        tables = data
    else:
        tables = read_tables(data, spec)
    return list(check_tables(tables, spec))


def defects(
    data: Dataset | dict[str, pa.Table] | str | Path, source: SpecLike
) -> dict[str, dict[str, int]]:
    """Labelled defects (``quality:`` with ``emit_defects``) per table and kind.

    Apart from :func:`check`, whose findings are broken rules only: a row
    whose ``_defect`` names a defect is planted, not broken.
    """
    from .quality import read_tables
    from .quality.check import labelled_defects

    spec = spec_from_any(source)
    if isinstance(data, Dataset):
        tables = data.materialize()
    elif isinstance(data, dict):
        tables = data
    else:
        tables = read_tables(data, spec)
    return labelled_defects(tables, spec)


def _table_metas(plan: Plan) -> list[Any]:
    """Sink-facing description of each table: schema, keys, uniqueness."""
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
                schema=output_schema(tp),  # widened by `quality:` defects
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
    from .planner.agent import plan_auto  # the LLM stack: only when planning from words

    return plan_auto(prompt, answers=answers)


def spec_yaml(spec: Spec) -> str:
    """The spec as YAML text (what ``generate "prompt"`` saves beside its output)."""
    return spec_to_yaml(spec)
