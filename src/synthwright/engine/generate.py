"""Run a compiled plan: tables in dependency order, each in fixed-size blocks.

Determinism comes from the block structure: every random draw of a block is
keyed by (seed, table, column, block index), with BLOCK_SIZE fixed, so the
output is the same whatever the consumer's batch size. Child rows know their
parent row index; parent columns they read are gathered by index from the
columns the parent kept (``TablePlan.retain``), never joined.

The engine prints nothing: it reports through callbacks (``on_batch`` for
data, ``on_progress`` for counts).
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..catalog import BlockContext, stable_hash
from ..catalog.base_numeric import OrderedGenerator
from ..catalog.distributions import sample_integers
from ..catalog.tools import FeistelPermutation
from ..errors import GenerationError, Problem, SpecError
from ..spec import ExprColumn, Override, RefColumn, Scenario, TypeColumn, ZipfDist
from .apart import draw_apart
from .expressions import ExprError, evaluate, parse_expr
from .pairs import link_room, rank_to_row, table_codes
from .plan import SCENARIO_COLUMN, Bound, ColumnPlan, Plan, TablePlan, scenario_column
from .rows import child_counts, spare_parents
from .selfref import SelfRef
from .verify import CheapCheck
from .windows import row_window

BLOCK_SIZE = 65_536

BatchCallback = Callable[[str, pa.RecordBatch], None]
ProgressCallback = Callable[[str, int, int], None]  # table, rows done, rows total


@dataclass
class _Kept:
    """What a finished table leaves for its children: row count and retained columns."""

    rows: int
    columns: dict[str, pa.Array] = field(default_factory=dict)
    counts: dict[str, np.ndarray] = field(default_factory=dict)  # per child: children per row


@dataclass
class _Layout:
    """Row layout of a table: parent index per row (children) and scenario rows."""

    total: int
    base: int
    parent_index: np.ndarray | None  # per row, for per_parent tables
    scenario_of_row: np.ndarray  # int16 per row: -1 base, else scenario number
    group_pos: np.ndarray | None = None  # rank of each row among its parent's rows
    codes: dict[str, np.ndarray] = field(default_factory=dict)  # unique sets' members, per row


def _memory_bytes() -> int | None:
    """This machine's physical memory, where the system says (None: unknown)."""
    try:
        return int(os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (AttributeError, OSError, ValueError):
        return None


def _refuse_oversized(tp: TablePlan, total: int) -> None:
    """Refuse a table whose row layout cannot fit in memory, before allocating any of it.

    Rows stream in blocks, but the layout keeps a few bytes per row for the whole
    table (scenario of each row; parent index and rank for child tables; the
    columns children read). A spec of a trillion rows passed `validate` and then
    died in numpy with a MemoryError (or, with overcommit, was killed by the
    kernel); this names the table and the sizes instead.
    """
    per_row = 2 + (16 if tp.spec.per_parent is not None else 0) + 8 * len(tp.retain)
    memory = _memory_bytes()
    limit = (memory // 2) if memory else 2**40
    if total * per_row <= limit:
        return
    where = "rows" if tp.spec.rows is not None else "per_parent"
    raise SpecError(
        [
            Problem(
                f"tables.{tp.name}.{where}",
                f"{total:,} rows need about {total * per_row / 1e9:,.1f} GB for their row "
                f"layout, more than half this machine's memory "
                f"({(memory or 2**41) / 1e9:,.1f} GB); at most {limit // per_row:,} rows fit "
                "here: generate fewer (--rows, --scale)",
                "too_large",
            )
        ]
    )


def _physical(arr: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Ordered values as int64 in the generator's physical unit, and which rows are valid."""
    t = arr.type
    if pa.types.is_timestamp(t) or pa.types.is_time(t) or pa.types.is_duration(t):
        arr = arr.cast(pa.int64())
    elif pa.types.is_date32(t):
        arr = arr.cast(pa.int32()).cast(pa.int64())
    elif pa.types.is_decimal128(t):  # the scaled integers themselves: the low word of each
        valid = np.asarray(arr.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
        words = np.frombuffer(arr.buffers()[1], dtype=np.int64, count=2 * (arr.offset + len(arr)))
        return words[2 * arr.offset :: 2].copy(), valid
    valid = np.asarray(arr.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
    if arr.null_count:
        arr = pc.fill_null(arr, pa.scalar(0, arr.type))
    return np.asarray(arr.to_numpy(zero_copy_only=False)).astype(np.int64), valid


class Runner:
    """Generates every table of a plan and hands batches to a callback."""

    def __init__(
        self,
        plan: Plan,
        seed: int,
        on_batch: BatchCallback,
        on_progress: ProgressCallback | None = None,
        verify_checks: bool = True,
        existing: dict[str, pa.Table] | None = None,
        verify_keys: bool = True,
    ) -> None:
        self.plan = plan
        self.seed = int(seed)
        self.on_batch = on_batch
        self.on_progress = on_progress
        self.verify_checks = verify_checks
        self.cheap = CheapCheck() if verify_keys else None  # keys, links, nulls per batch
        self.existing = existing or {}
        self.kept: dict[str, _Kept] = {}

    def run(self) -> dict[str, int]:
        """Generate everything; returns rows per table."""
        rows: dict[str, int] = {}
        for tp in self.plan.tables:
            rows[tp.name] = self.table(tp)
        return rows

    # -- layout -----------------------------------------------------------------

    def layout(self, tp: TablePlan) -> _Layout:
        spec = tp.spec
        added = [s for s in tp.scenarios if s.count is not None]
        n_added = sum(s.count or 0 for s in added)
        parent_index = None
        counts = None
        if spec.rows is not None:
            base = spec.rows
            _refuse_oversized(tp, base + n_added)
        else:
            pp = spec.per_parent
            assert pp is not None
            parent = self.kept[pp.table]
            room = link_room(tp, self._parent_rows)  # a junction: distinct partners per parent
            counts = child_counts(tp, self.seed, parent.rows, room, BLOCK_SIZE)
            extra = np.zeros(0, dtype=np.int64)
            if n_added:
                counts, extra = spare_parents(tp, self.seed, counts, n_added, room)
            base = int(counts.sum())
            _refuse_oversized(tp, base + n_added)
            parent_index = np.repeat(np.arange(parent.rows, dtype=np.int64), counts)
            parent_index = np.concatenate([parent_index, extra])
            counts = counts + np.bincount(extra, minlength=parent.rows)
            parent.counts[tp.name] = counts
        total = base + n_added
        scenario_of_row = np.full(total, -1, dtype=np.int16)
        pos = base
        for i, s in enumerate(tp.scenarios):
            if s.count is not None:
                scenario_of_row[pos : pos + s.count] = i
                pos += s.count
        share, taken = 0.0, 0
        for i, s in enumerate(tp.scenarios):
            if s.share is not None and base:
                share += s.share  # cumulative rounding: shares adding to <= 1 always fit
                k = min(round(share * base), base) - taken
                taken += k
                if not k:  # nothing to place (the rows may all be taken: no permutation of 0)
                    continue
                free = np.flatnonzero(scenario_of_row[:base] == -1)
                perm = FeistelPermutation(len(free), stable_hash(f"{self.seed}:{tp.name}:{s.name}"))
                scenario_of_row[free[perm(np.arange(k))]] = i
        group_pos = None
        if parent_index is not None:
            order = np.argsort(parent_index, kind="stable")
            sorted_parents = parent_index[order]
            first = np.searchsorted(sorted_parents, sorted_parents, side="left")
            group_pos = np.empty(total, dtype=np.int64)
            group_pos[order] = np.arange(total, dtype=np.int64) - first
        link = None
        if parent_index is not None and group_pos is not None and counts is not None:
            link = (parent_index, group_pos, counts)
        try:
            codes = table_codes(tp, self.seed, total, self._parent_rows, link)
        except ValueError as exc:
            raise GenerationError(str(exc), f"tables.{tp.name}.unique") from exc
        return _Layout(total, base, parent_index, scenario_of_row, group_pos, codes)

    def _parent_rows(self, table: str) -> int:
        return self.kept[table].rows

    # -- tables -------------------------------------------------------------------

    def table(self, tp: TablePlan) -> int:
        if tp.spec.existing:
            self.adopt_existing(tp)
            return 0
        lay = self.layout(tp)
        self.start_table(tp, lay)
        keep = _Kept(rows=lay.total)
        retained: dict[str, list[pa.Array]] = {c: [] for c in tp.retain}
        held: list[pa.RecordBatch] = []
        done = 0
        for _, _, batch in self.blocks(tp, lay, 0, block_count(lay.total)):
            n = batch.num_rows
            for c in retained:
                retained[c].append(batch.column(c))
            if tp.has_self_refs:
                held.append(batch)
            else:
                self.emit(tp, batch)
            done += n
            if self.on_progress:
                self.on_progress(tp.name, done, lay.total)
        if lay.total == 0:
            empty = self.block(tp, lay, 0, 0, 0)
            self.emit(tp, empty)
        keep.columns = {
            c: pa.concat_arrays(parts)
            if parts
            else pa.array([], tp.columns[c].arrow_type or pa.null())
            for c, parts in retained.items()
        }
        self.kept[tp.name] = keep
        if held:
            late: dict[str, list[pa.Array]] = {c: [] for c in tp.retain if tp.columns[c].self_ref}
            for batch in self.fill_self_refs(tp, held, keep):
                for c, parts in late.items():
                    parts.append(batch.column(c))
                self.emit(tp, batch)
            keep.columns.update({c: pa.concat_arrays(parts) for c, parts in late.items()})
        return lay.total

    def start_table(self, tp: TablePlan, lay: _Layout) -> None:
        """Make ``lay`` the layout that ``block``/``blocks`` of ``tp`` draw from."""
        self._layout = lay
        self._schema = tp.schema()

    def blocks(
        self, tp: TablePlan, lay: _Layout, first: int, stop: int
    ) -> Iterator[tuple[int, int, pa.RecordBatch]]:
        """Blocks ``first`` up to ``stop`` (exclusive) of ``tp``: (block, first row, batch).

        A block depends only on the plan, the seed, the layout and the parents'
        kept columns, so any range of blocks can be made anywhere (the
        distributed runner, ``synthwright.scale``, makes one range per task);
        call ``start_table`` first.
        """
        for block in range(first, stop):
            start = block * BLOCK_SIZE
            n = min(BLOCK_SIZE, lay.total - start)
            yield block, start, self.block(tp, lay, block, start, n)

    def adopt(self, table: str, rows: int, columns: dict[str, pa.Array] | None = None) -> None:
        """Take a finished table's row count and retained columns as made elsewhere.

        What ``table`` leaves in ``kept`` when this runner makes it; the
        distributed runner hands a task the parents' state this way.
        """
        self.kept[table] = _Kept(rows=rows, columns=dict(columns or {}))

    def emit(self, tp: TablePlan, batch: pa.RecordBatch) -> None:
        """Hand a finished batch on, after the cheap re-check (``verify.CheapCheck``)."""
        if self.cheap is not None:
            self.cheap.batch(tp, batch)
        self.on_batch(tp.name, batch)

    def adopt_existing(self, tp: TablePlan) -> None:
        """Rows already in the target database: children point at them; nothing is emitted."""
        data = self.existing.get(tp.name)
        if data is None:
            raise GenerationError(
                "an existing table is read from the target database: generate with "
                "--db URL --if-exists append (or Dataset.to_db(url, if_exists='append'))",
                f"tables.{tp.name}.existing",
            )
        missing = sorted(tp.retain - set(data.column_names))
        if missing:
            raise GenerationError(f"existing rows lack columns {missing}", f"tables.{tp.name}")
        self.kept[tp.name] = _Kept(
            rows=data.num_rows, columns={c: data.column(c).combine_chunks() for c in tp.retain}
        )

    def fill_self_refs(
        self, tp: TablePlan, held: list[pa.RecordBatch], keep: _Kept
    ) -> Iterator[pa.RecordBatch]:
        """Self-references point at an earlier row of the same table (see ``selfref``)."""
        refs = {
            name: SelfRef(cp.spec, self.seed, tp.name, name, keep.rows)
            for name, cp in tp.columns.items()
            if cp.self_ref and isinstance(cp.spec, RefColumn)
        }
        late = _late_checks(tp)
        for block, batch in enumerate(held):
            start = block * BLOCK_SIZE
            arrays = dict(zip(batch.schema.names, batch.columns, strict=True))
            for name, ref in refs.items():
                cp = tp.columns[name]
                assert cp.ref_column is not None
                target, null = ref.block(block, start, batch.num_rows)
                values = keep.columns[cp.ref_column].take(pa.array(target))
                arrays[name] = pc.if_else(
                    pa.array(null), pa.nulls(batch.num_rows, values.type), values
                )
            if self.verify_checks and late and batch.num_rows:  # checks on the filled rows
                self.enforce_checks(tp, arrays, {}, late)
            yield pa.RecordBatch.from_arrays(list(arrays.values()), schema=batch.schema)

    # -- blocks ---------------------------------------------------------------------

    def block(self, tp: TablePlan, lay: _Layout, block: int, start: int, n: int) -> pa.RecordBatch:
        cols: dict[str, pa.Array] = {}
        parent_rows: dict[str, np.ndarray] = {}  # parent table -> row index per block row
        self._no_parent: dict[str, pa.Array] = {}  # parent table -> rows whose link is null
        self._ref_rows: dict[str, np.ndarray] = {}  # ref column -> its parent row per block row
        shared: dict[str, Any] = {}
        scen = lay.scenario_of_row[start : start + n]
        if lay.parent_index is not None and tp.spec.per_parent is not None:
            parent_rows[tp.spec.per_parent.table] = lay.parent_index[start : start + n]
        for name in tp.order:
            cp = tp.columns[name]
            ctx = BlockContext(
                seed=self.seed,
                table=tp.name,
                column=name,
                block=block,
                start=start,
                n=n,
                total_rows=lay.total,
                locale=tp.locale,
                table_spec=tp.spec,
                columns=cols,
                parents=self.gather_parents(tp, cp, parent_rows, n),
                shared=shared,
            )
            try:
                if isinstance(cp.spec, RefColumn):
                    cols[name] = self.ref_values(tp, cp, ctx, parent_rows)
                elif isinstance(cp.spec, ExprColumn):
                    cols[name] = self.expr_values(tp, cp, cols, ctx.parents, n)
                else:
                    cols[name] = self.typed_values(tp, cp, ctx, scen)
            except ExprError as exc:
                raise GenerationError(str(exc), f"tables.{tp.name}.columns.{name}") from exc
            except ValueError as exc:
                raise GenerationError(str(exc), f"tables.{tp.name}.columns.{name}") from exc
        if self.verify_checks and tp.checks and n:
            late = set(_late_checks(tp)) if tp.has_self_refs else set()
            which = [i for i in range(len(tp.checks)) if i not in late]
            if which:
                self.enforce_checks(tp, cols, parent_rows, which)
        names = list(tp.columns)
        arrays = [cols[c] for c in names]
        if tp.spec.emit_scenario_column:
            labels = pa.array([s.name for s in tp.scenarios] or [""], pa.string())
            idx = pa.array(np.where(scen < 0, 0, scen).astype(np.int32), mask=scen < 0)
            arrays.append(pa.DictionaryArray.from_arrays(idx, labels).cast(pa.string()))
            names.append(SCENARIO_COLUMN)
        schema = self._schema
        if [a.type for a in arrays] != schema.types:  # e.g. an expr typed differently per block
            arrays = [a.cast(t) for a, t in zip(arrays, schema.types, strict=True)]
        return pa.RecordBatch.from_arrays(arrays, schema=schema)

    def gather_parents(
        self, tp: TablePlan, cp: ColumnPlan, parent_rows: dict[str, np.ndarray], n: int
    ) -> dict[str, pa.Array]:
        out: dict[str, pa.Array] = {}
        for table, column in cp.parents:
            idx = parent_rows.get(table)
            if idx is None:
                continue  # filled once the link column exists (dependency order)
            out[f"{table}.{column}"] = self._parent_values(table, column, idx)
        return out

    def _parent_values(self, table: str, column: str, idx: np.ndarray) -> pa.Array:
        """A parent column gathered to this block's rows; null where the row's link is null
        (as ``check`` reads it: no parent row, no parent values)."""
        values = self.kept[table].columns[column].take(pa.array(idx))
        missing = self._no_parent.get(table)
        if missing is not None:
            values = pc.if_else(missing, pa.nulls(len(values), values.type), values)
        return values

    def ref_values(
        self, tp: TablePlan, cp: ColumnPlan, ctx: BlockContext, parent_rows: dict[str, np.ndarray]
    ) -> pa.Array:
        spec = cp.spec
        assert isinstance(spec, RefColumn) and cp.ref_table and cp.ref_column
        if cp.self_ref:  # filled after the table is complete
            return pa.nulls(ctx.n, cp.arrow_type or pa.int64())
        parent = self.kept[cp.ref_table]
        if cp.ref_table in parent_rows and tp.link_column == cp.name:
            idx = parent_rows[cp.ref_table]
        else:
            idx = self.draw_parents(tp, cp, ctx, parent.rows)
            if tp.links.get(cp.ref_table) == cp.name:  # the link parent columns are read through
                parent_rows[cp.ref_table] = idx
        if parent.rows == 0 and ctx.n:
            raise GenerationError(
                f"{cp.ref_table} has no rows to refer to", f"tables.{tp.name}.columns.{cp.name}"
            )
        if spec.distinct_from is not None and ctx.n:
            idx = self.apart(tp, cp, ctx, idx, parent.rows)
        self._ref_rows[cp.name] = idx
        values = parent.columns[cp.ref_column].take(pa.array(idx))
        if spec.null_rate > 0:
            null = pa.array(ctx.rng("__null__" + cp.name).random(ctx.n) < spec.null_rate)
            values = pc.if_else(null, pa.nulls(ctx.n, values.type), values)
            if tp.links.get(cp.ref_table) == cp.name:
                self._no_parent[cp.ref_table] = null
        return values

    def apart(
        self, tp: TablePlan, cp: ColumnPlan, ctx: BlockContext, idx: np.ndarray, rows: int
    ) -> np.ndarray:
        """Parent rows that differ from the ``distinct_from`` ref's, row by row (``apart``)."""
        assert isinstance(cp.spec, RefColumn) and cp.spec.distinct_from is not None
        if rows < 2:
            raise GenerationError(
                f"{cp.ref_table} has {rows} row: no second parent to differ from "
                f"{cp.spec.distinct_from}",
                f"tables.{tp.name}.columns.{cp.name}.distinct_from",
            )
        other = self._ref_rows[cp.spec.distinct_from]
        to_row = rank_to_row(self.seed, tp.name, cp.name, rows)
        return draw_apart(cp.spec.dist, ctx, idx, other, rows, to_row)

    def draw_parents(
        self, tp: TablePlan, cp: ColumnPlan, ctx: BlockContext, parent_rows: int
    ) -> np.ndarray:
        spec = cp.spec
        assert isinstance(spec, RefColumn)
        codes = self._layout.codes.get(cp.name)
        if codes is not None:  # a unique ref or a member of a unique set
            return codes[ctx.start : ctx.start + ctx.n]
        rng = ctx.rng()
        if isinstance(spec.dist, ZipfDist):
            rank = sample_integers(spec.dist, rng, ctx.n, 0, max(parent_rows - 1, 0))
            return rank_to_row(self.seed, tp.name, cp.name, parent_rows)(rank)
        return rng.integers(0, max(parent_rows, 1), ctx.n).astype(np.int64)

    def expr_values(
        self,
        tp: TablePlan,
        cp: ColumnPlan,
        cols: dict[str, pa.Array],
        parents: dict[str, pa.Array],
        n: int,
    ) -> pa.Array:
        assert isinstance(cp.spec, ExprColumn)
        grouped: dict[str, dict[str, pa.Array]] = {}
        for key, arr in parents.items():
            table, column = key.split(".", 1)
            grouped.setdefault(table, {})[column] = arr
        (out,) = evaluate([cp.spec.expr], cols, grouped, rows=n)
        return out

    def typed_values(
        self, tp: TablePlan, cp: ColumnPlan, ctx: BlockContext, scen: np.ndarray
    ) -> pa.Array:
        spec = cp.spec
        gen = cp.generator
        assert isinstance(spec, TypeColumn) and gen is not None
        if isinstance(gen, OrderedGenerator) and (cp.lower or cp.upper):
            self.row_bounds(cp, gen, ctx, spec)
        codes = self._layout.codes.get(cp.name)
        if codes is not None:  # a member of a unique set: its value comes with the set's draw
            values = gen.from_codes(spec, codes[ctx.start : ctx.start + ctx.n])  # type: ignore[attr-defined]
        else:
            values = gen.generate(spec, ctx)
        if spec.null_rate > 0:
            null = ctx.rng("__null__").random(ctx.n) < spec.null_rate
            values = pc.if_else(pa.array(null), pa.nulls(ctx.n, values.type), values)
        for i, scenario in enumerate(tp.scenarios):
            if cp.name not in scenario.set:
                continue
            rows = np.flatnonzero(scen == i)
            if len(rows):
                values = self.override(cp, scenario, i, ctx, values, rows)
        if cp.arrow_type is not None and values.type != cp.arrow_type:
            values = values.cast(cp.arrow_type)  # every block has the planned type
        return values

    def override(
        self,
        cp: ColumnPlan,
        scenario: Scenario,
        i: int,
        ctx: BlockContext,
        values: pa.Array,
        rows: np.ndarray,
    ) -> pa.Array:
        spec = cp.spec
        assert isinstance(spec, TypeColumn) and cp.generator is not None
        value = scenario.set[cp.name]
        if value is None:
            replacement = pa.nulls(ctx.n, values.type)
        elif isinstance(value, Override):
            narrowed = scenario_column(spec, value)
            assert narrowed is not None
            sub = dataclasses.replace(ctx, column=f"{cp.name}@{scenario.name}")
            if isinstance(cp.generator, OrderedGenerator) and (cp.lower or cp.upper):
                self.row_bounds(cp, cp.generator, sub, narrowed)  # the narrowed range, per row
            replacement = cp.generator.generate(narrowed, sub)
            if replacement.type != values.type:
                replacement = replacement.cast(values.type)
        else:
            if pa.types.is_dictionary(values.type):
                values = values.cast(pa.string())
                replacement = pa.array([str(value)] * ctx.n, pa.string())
            elif isinstance(cp.generator, OrderedGenerator):
                unit = cp.generator.to_unit(value, spec)
                replacement = cp.generator.to_arrow(np.full(ctx.n, unit, dtype=np.int64), spec)
            else:
                replacement = pa.array([value] * ctx.n).cast(values.type)
        mask = np.zeros(ctx.n, dtype=bool)
        mask[rows] = True
        out = pc.if_else(pa.array(mask), replacement, values)
        del i
        return out

    def row_bounds(
        self, cp: ColumnPlan, gen: OrderedGenerator, ctx: BlockContext, spec: TypeColumn
    ) -> None:
        """Per-row [lower, upper] from after/before anchors (see ``windows.row_window``)."""
        sides: list[tuple[Bound, np.ndarray, np.ndarray] | None] = []
        for bound in (cp.lower, cp.upper):
            if bound is None:
                sides.append(None)
                continue
            arr = (
                ctx.columns[bound.column]
                if bound.table is None
                else ctx.parents[f"{bound.table}.{bound.column}"]
            )
            values, valid = _physical(arr)
            sides.append((bound, values, valid))
        lower, upper = row_window(spec, gen, ctx.n, sides[0], sides[1])
        bad = lower > upper
        if bad.any():
            raise GenerationError(
                f"{int(bad.sum())} rows have no room between their bounds (after/before/within vs min/max)",
                f"tables.{ctx.table}.columns.{cp.name}",
            )
        ctx.lower, ctx.upper = lower, upper

    def enforce_checks(
        self,
        tp: TablePlan,
        cols: dict[str, pa.Array],
        parent_rows: dict[str, np.ndarray],
        which: list[int],
    ) -> None:
        """Every check must hold on every row; a check the spec does not guarantee stops the run."""
        grouped: dict[str, dict[str, pa.Array]] = {}
        for table, idx in parent_rows.items():
            grouped[table] = {
                c: self._parent_values(table, c, idx) for c in self.kept[table].columns
            }
        results = evaluate([tp.checks[i] for i in which], cols, grouped)
        for i, res in zip(which, results, strict=True):
            failed = pc.sum(pc.invert(pc.fill_null(res, True))).as_py() or 0
            if failed:
                raise GenerationError(
                    f"check {tp.checks[i]!r} fails on {failed} rows; the spec's columns do not "
                    "guarantee it. Express it as a constraint (min/max, values, after/before) or "
                    "an expr column so it holds by construction",
                    f"tables.{tp.name}.checks[{i}]",
                )


def block_count(total: int) -> int:
    """How many blocks ``total`` rows take (the last one may be short)."""
    return -(-total // BLOCK_SIZE)


def _late_checks(tp: TablePlan) -> list[int]:
    """Checks that read a self-reference: they hold only once it is filled."""
    late = {name for name, cp in tp.columns.items() if cp.self_ref}
    out = []
    for i, sql in enumerate(tp.checks):
        refs = parse_expr(sql).references
        if late & {c for t, c in refs if t in (None, tp.name)}:
            out.append(i)
    return out
