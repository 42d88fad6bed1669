"""Fitted generation from a profiled spec (until the engine reads ``profile:`` itself).

The engine makes every table as a root table with the row count laid out
here; keys, semantic columns and free text come from it unchanged. Then,
per table in dependency order:

1. **Rows.** A child's row count is ``ratio x parent rows``, spread over the
   parent rows in proportion to the child counts drawn in the parent's
   copula (largest remainders, kept within the spec's ``per_parent`` min
   and max), so heavy parents stay heavy and the counts follow the parent's
   own values.
2. **Scores.** Correlated normal scores for the table's modelled columns,
   conditioned on the parent row's scores, one block of 65,536 rows at a
   time from ``make_rng(seed, table, "__copula__", block)``; then stratified
   per column (``copula.stratify``: same ranks, one uniform per 1/n
   stratum), so marginals carry no sampling noise beyond the fit's.
3. **Values.** Each score goes through its column's marginal; the share of
   rare categories goes to the categories the spec lists (only a column
   whose spec lists none takes them from a hidden ``other_column``);
   foreign keys are the parent keys of the rows assigned above. A column
   null in 1-99% of the sample has a ``missing:<column>`` copula column, and
   its nulls are the rows where that column's uniform is in the top
   ``null_rate``, so missingness follows the other values as in the sample
   (a Gaussian copula attenuates it for category partners); other nulls come
   from ``make_rng(seed, table, "__copula_null__:<column>", block)``. A
   ``dist:`` the user put on a profiled column is honoured: the engine's
   draws from it, put in the copula's order (``edits``).

4. **Derived columns.** ``expr:`` columns are evaluated again and
   ``after:``/``before:`` columns keep their drawn gap from their bound's
   final value (``derive``); then every rule of the spec is checked on the
   result, and a rule that does not hold stops the run (nothing is written).

Limits of this interim path (gone once the engine does it per block):
scenarios are not applied to profiled tables; composite-unique links keep
the engine's keys.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa

from ..catalog import make_rng
from ..catalog._normal import ndtr
from ..catalog.distributions import sample_integers
from ..engine.compile import ColumnPlan, TablePlan, compile_spec
from ..engine.run import Run
from ..errors import GenerationError
from ..spec import (
    CategoryMarginal,
    ColumnProfile,
    RefColumn,
    Spec,
    TableProfile,
    TypeColumn,
    children_column,
    missing_column,
)
from .copula import (
    Conditional,
    conditional,
    finish_numbers,
    from_uniform,
    rounding_step,
    sample_scores,
    stratify,
    within_range,
)
from .derive import rederive, verify
from .edits import HONOURED_KINDS, check_edits, in_copula_order, user_dist
from .fill import fill_places, shape_values, spread
from .given import given_categories, given_numbers
from .infer import cast_or_keep, to_model_units
from .to_spec import ProfiledSpec

__all__ = ["BLOCK_SIZE", "allocate", "generate_from_profile"]

BLOCK_SIZE = 65_536
_OTHER = "__other__"


def allocate(total: int, weights: np.ndarray, lo: int = 0, hi: int | None = None) -> np.ndarray:
    """Integers proportional to ``weights`` that add up to ``total``, each in [lo, hi].

    Largest remainders first; then rows pushed past a bound are clipped and the
    difference goes to (or comes from) the rows with room, those furthest from
    their exact share first. ``total`` is clamped to what the bounds can hold,
    so a child table laid out here never breaks its own ``per_parent`` limits.
    """
    w = np.maximum(np.nan_to_num(np.asarray(weights, dtype=np.float64)), 0.0)
    if len(w) == 0:
        return np.zeros(0, dtype=np.int64)
    lo = max(int(lo), 0)
    cap = np.iinfo(np.int64).max if hi is None else max(int(hi), lo)
    total = max(int(total), lo * len(w))
    if hi is not None:
        total = min(total, cap * len(w))
    if w.sum() <= 0:
        w = np.ones(len(w))
    exact = w * (total / w.sum())
    base = np.floor(exact).astype(np.int64)
    rest = int(total - base.sum())
    if rest > 0:
        order = np.argsort(-(exact - base), kind="stable")[:rest]
        base[order] += 1
    base = np.clip(base, lo, cap)
    diff = total - int(base.sum())
    while diff != 0:
        room = base < cap if diff > 0 else base > lo
        rows = np.flatnonzero(room)
        gap = (exact - base)[rows]
        rows = rows[np.argsort(-gap if diff > 0 else gap, kind="stable")][: abs(diff)]
        if len(rows) == 0:  # unreachable: total was clamped to what the bounds hold
            break
        base[rows] += 1 if diff > 0 else -1
        diff += -len(rows) if diff > 0 else len(rows)
    return base


@dataclass
class _Layout:
    rows: int
    scores: np.ndarray | None = None  # (rows, copula columns)
    assign: dict[str, np.ndarray] = field(default_factory=dict)  # link column -> parent row


def _values_of(u: np.ndarray, marginal: Any, prof: ColumnProfile | None) -> np.ndarray:
    out = from_uniform(u, marginal, prof)
    if isinstance(marginal, CategoryMarginal):
        values = np.asarray([*marginal.values, marginal.values[-1] if marginal.values else 0])
        return np.asarray(values[out], dtype=np.float64)
    return out


def generate_from_profile(
    spec_with_profiles: ProfiledSpec, seed: int | None = None, rows: int | None = None
) -> dict[str, pa.Table]:
    """Generate every table, fitted tables through their copula; deterministic per seed.

    Args:
        spec_with_profiles: a spec with its ``profile:`` sections.
        seed: overrides the spec's seed (default 0).
        rows: replaces every root table's row count (children follow their ratios).

    Raises:
        SpecError, GenerationError: as ``synthwright.generate``.
    """
    spec = spec_with_profiles.spec
    profiles = spec_with_profiles.profiles
    seed = int(seed if seed is not None else (spec.seed or 0))
    plan = compile_spec(spec)
    check_edits(spec, profiles)
    order = [t.name for t in plan.tables]  # parents before children
    layouts: dict[str, _Layout] = {}
    conds: dict[str, Conditional] = {}
    for table in order:
        layouts[table] = _layout(spec, profiles, table, layouts, conds, seed, rows)
    engine = _engine_spec(spec, profiles, layouts)
    # the engine, not the facade: synthwright.generate calls this function for profiled specs
    tables = Run(engine, compile_spec(engine), seed).materialize()
    out: dict[str, pa.Table] = {}
    for table in order:
        replaced = _replace(spec, profiles, table, tables, layouts, seed, plan.table(table))
        out[table] = rederive(plan.table(table), replaced, tables, out)
        if table in profiles and profiles[table].is_reference():
            tables[table] = out[table]  # its children's keys are the kept rows' keys
    verify(out, spec)
    return out


# --- layout --------------------------------------------------------------------


def _layout(
    spec: Spec,
    profiles: dict[str, TableProfile],
    table: str,
    layouts: dict[str, _Layout],
    conds: dict[str, Conditional],
    seed: int,
    rows: int | None,
) -> _Layout:
    ts = spec.tables[table]
    prof = profiles.get(table)
    assign: dict[str, np.ndarray] = {}
    parent_rows: np.ndarray | None = None
    if ts.per_parent is not None:
        pp = ts.per_parent
        parent = pp.table
        link_col = next(
            (
                c
                for c, col in ts.columns.items()
                if isinstance(col, RefColumn) and col.ref.split(".")[0] == parent
            ),
            None,
        )
        link = prof.link(link_col) if prof is not None and link_col else None
        n_parent = layouts[parent].rows
        weights = _child_weights(profiles, parent, table, link_col, layouts[parent])
        if link is not None and weights is not None:
            counts = allocate(round(link.ratio * n_parent), weights, pp.min, pp.max)
        else:
            counts = _engine_counts(spec, table, n_parent, seed)
        parent_rows = np.repeat(np.arange(n_parent, dtype=np.int64), counts)
        n = int(counts.sum())
        if link_col is not None:
            assign[link_col] = parent_rows
    elif prof is not None and prof.is_reference() and prof.data:
        n = len(next(iter(prof.data.values())))  # kept as it is, whatever the row count asked
    else:
        n = int(rows if rows is not None else (ts.rows or 0))
    lay = _Layout(rows=n, assign=assign)
    if prof is None:
        return lay
    for lk in prof.links:
        if lk.column in assign or lk.parent == table or lk.parent not in layouts:
            continue
        if any(lk.column in group for group in ts.unique_sets()):
            continue
        weights = _child_weights(profiles, lk.parent, table, lk.column, layouts[lk.parent])
        n_parent = layouts[lk.parent].rows
        if weights is None or n_parent == 0:
            continue
        idx = np.repeat(np.arange(n_parent, dtype=np.int64), allocate(n, weights))
        rng = make_rng(seed, table, f"__fk__:{lk.column}")
        assign[lk.column] = idx[rng.permutation(n)] if len(idx) == n else idx
    if prof.copula is not None:
        cop = prof.copula
        given = None
        if cop.parent is not None and parent_rows is not None and cop.given:
            parent_lay = layouts[cop.parent]
            parent_cop = profiles[cop.parent].copula
            if profiles[cop.parent].is_reference():
                parent_cop = None
            if parent_lay.scores is not None and parent_cop is not None:
                pos = [parent_cop.columns.index(g) for g in cop.given if g in parent_cop.columns]
                if len(pos) == len(cop.given):
                    given = parent_lay.scores[:, pos][parent_rows]
        k = len(cop.columns)
        if given is None and cop.given:
            # no parent scores (a reference parent is kept, not drawn): the table's own
            # scores unconditioned, not conditioned on a parent at its mean
            cond = conds.setdefault(
                f"{table}\x00own", conditional(np.asarray(cop.correlation)[:k, :k], k)
            )
        else:
            cond = conds.setdefault(table, conditional(np.asarray(cop.correlation), k))
        blocks = []
        for block, start in enumerate(range(0, n, BLOCK_SIZE)):
            m = min(BLOCK_SIZE, n - start)
            rng = make_rng(seed, table, "__copula__", block)
            g = given[start : start + m] if given is not None else None
            strata = make_rng(seed, table, "__strata__", block)
            blocks.append(stratify(sample_scores(cond, m, rng, g), strata))
        lay.scores = np.vstack(blocks) if blocks else np.empty((0, len(cop.columns)))
    return lay


def _child_weights(
    profiles: dict[str, TableProfile], parent: str, child: str, column: str | None, lay: _Layout
) -> np.ndarray | None:
    """Children per parent row drawn in the parent's copula (None when not modelled)."""
    prof = profiles.get(parent)
    child_prof = profiles.get(child)
    link = child_prof.link(column) if child_prof and column else None
    if (
        prof is not None
        and prof.is_reference()
        and link is not None
        and link.shares
        and len(link.shares) == lay.rows
    ):
        return np.asarray(link.shares, dtype=np.float64)  # the real share per kept row
    if prof is None or prof.copula is None or lay.scores is None or column is None:
        return None
    name = children_column(child, column)
    if link is None or name not in prof.copula.columns:
        return None
    z = lay.scores[:, prof.copula.columns.index(name)]
    return _values_of(ndtr(z), link.counts, None)


def _engine_counts(spec: Spec, table: str, n_parent: int, seed: int) -> np.ndarray:
    """Children per parent row as the engine draws them (per parent block)."""
    pp = spec.tables[table].per_parent
    assert pp is not None
    hi = pp.max if pp.max is not None else int(getattr(pp.dist, "lam", 1) * 10 + 100)
    out = np.empty(n_parent, dtype=np.int64)
    for start in range(0, n_parent, BLOCK_SIZE):
        m = min(BLOCK_SIZE, n_parent - start)
        rng = make_rng(seed, table, "__per_parent__", start // BLOCK_SIZE)
        out[start : start + m] = sample_integers(pp.dist, rng, m, pp.min, hi)
    return out


# --- engine spec and replacement ----------------------------------------------------


def _engine_spec(
    spec: Spec, profiles: dict[str, TableProfile], layouts: dict[str, _Layout]
) -> Spec:
    """Every table as a root table of its laid-out size, plus hidden 'other' columns."""
    data = spec.model_copy(deep=True)
    for name, ts in data.tables.items():
        ts.per_parent = None
        ts.rows = layouts[name].rows
        prof = profiles.get(name)
        if prof is None:
            continue
        for col, cp in prof.columns.items():
            m = cp.marginal
            if _closed(ts.columns.get(col)):
                continue  # rare rows take listed categories (see _draw)
            if isinstance(m, CategoryMarginal) and m.other > 0 and m.other_column is not None:
                ts.columns[f"{_OTHER}{col}"] = m.other_column.model_copy()
    data.scenarios = {t: s for t, s in data.scenarios.items() if t not in profiles}
    return data


def _closed(column: Any) -> bool:
    """Whether a spec column allows only the values it lists."""
    return isinstance(column, TypeColumn) and column.values is not None


def _null_mask(seed: int, table: str, column: str, n: int, rate: float) -> np.ndarray:
    if rate <= 0:
        return np.zeros(n, dtype=bool)
    if rate >= 1:
        return np.ones(n, dtype=bool)
    parts = [
        make_rng(seed, table, f"__copula_null__:{column}", block).random(min(BLOCK_SIZE, n - start))
        < rate
        for block, start in enumerate(range(0, n, BLOCK_SIZE))
    ]
    return np.concatenate(parts) if parts else np.zeros(0, dtype=bool)


def _missing(names: list[str], scores: np.ndarray, column: str, rate: float) -> np.ndarray | None:
    """Nulls from the copula's missingness column: the top `rate` of its uniforms.

    The indicator was scored 0 (present) below 1 - rate and 1 (null) above, so
    rows whose other columns go with missing values in the sample get them.
    """
    name = missing_column(column)
    if name not in names:
        return None
    u = ndtr(scores[:, names.index(name)])
    return np.asarray(u >= 1.0 - rate)


def _to_arrow(x: np.ndarray, cp: ColumnProfile, target: pa.DataType, null: np.ndarray) -> pa.Array:
    mask = null if null.any() else None
    if cp.kind == "datetime":
        arr = pa.array(x.astype(np.int64), pa.int64(), mask=mask).cast(pa.timestamp("us"))
    elif cp.kind == "date":
        arr = pa.array(x.astype(np.int32), pa.int32(), mask=mask).cast(pa.date32())
    elif cp.kind == "bool":
        arr = pa.array(x > 0.5, pa.bool_(), mask=mask)
    elif cp.integer:
        arr = pa.array(x.astype(np.int64), pa.int64(), mask=mask)
    else:
        arr = pa.array(x, pa.float64(), mask=mask)
    return cast_or_keep(arr, target)


def _replace(
    spec: Spec,
    profiles: dict[str, TableProfile],
    table: str,
    tables: dict[str, pa.Table],
    layouts: dict[str, _Layout],
    seed: int,
    tp: TablePlan,
) -> pa.Table:
    data = tables[table]
    prof = profiles.get(table)
    lay = layouts[table]
    ts = spec.tables[table]
    columns = {name: data.column(name).combine_chunks() for name in data.column_names}
    n = data.num_rows
    for col, idx in lay.assign.items():
        ref = ts.columns[col]
        assert isinstance(ref, RefColumn)
        parent, parent_col = ref.ref.split(".")
        keys = tables[parent].column(parent_col).combine_chunks()
        values = keys.take(pa.array(idx))
        null = _null_mask(seed, table, col, n, ref.null_rate)
        if null.any():
            values = pa.compute.if_else(pa.array(null), pa.nulls(n, values.type), values)
        columns[col] = cast_or_keep(values, columns[col].type)
    if prof is not None:
        cop = prof.copula
        uniforms: dict[str, tuple[np.ndarray, tuple[float | None, float | None]]] = {}
        for col, cp in prof.columns.items():
            if col not in columns or col in lay.assign:
                continue
            if cp.kind == "empty":
                columns[col] = pa.nulls(n, columns[col].type)
                continue
            if cp.kind == "string" and cp.shape is not None and not _closed(ts.columns[col]):
                null = _null_mask(seed, table, col, n, cp.null_rate)
                values = spread(
                    pa.nulls(n, pa.string()), shape_values(cp, seed, table, col, ~null), ~null
                )
                columns[col] = cast_or_keep(values, columns[col].type)
                continue
            if cop is None or col not in cop.columns or lay.scores is None or cp.marginal is None:
                continue
            u = ndtr(lay.scores[:, cop.columns.index(col)])
            linked = _missing(cop.columns, lay.scores, col, cp.null_rate)
            null = _null_mask(seed, table, col, n, cp.null_rate) if linked is None else linked
            if cp.kind in HONOURED_KINDS and user_dist(ts.columns[col], cp):
                columns[col] = in_copula_order(columns[col], u, null)  # the user's dist
                continue
            column_plan = tp.columns.get(col)
            bounds = (None, None) if column_plan is None else _model_range(column_plan, cp)
            uniforms[col] = (u, bounds)
            u = within_range(u, cp.marginal, cp, *bounds)
            try:
                columns[col] = _draw(
                    cp, u, null, columns, col, _closed(ts.columns[col]), bounds, (seed, table)
                )
            except (ValueError, pa.ArrowException) as exc:
                raise GenerationError(str(exc), f"tables.{table}.profile.columns.{col}") from exc
        _redraw_given(prof, columns, uniforms)
        for place in prof.places:
            fill_places(place, columns, seed, table)
        if prof.is_reference() and prof.data is not None:
            for col, values in prof.data.items():
                if col in columns and col not in lay.assign:
                    columns[col] = cast_or_keep(pa.array(values), columns[col].type)
    keep = [c for c in data.column_names if not c.startswith(_OTHER)]
    return pa.table([columns[c] for c in keep], names=keep)


def _redraw_given(
    prof: TableProfile,
    columns: dict[str, pa.Array],
    uniforms: dict[str, tuple[np.ndarray, tuple[float | None, float | None]]],
) -> None:
    """Columns a category fixes, drawn again inside each category (see `given`).

    Categories go first: a number's category may be one of them, and its
    groups are the final ones.
    """
    numbers = []
    for col, cp in prof.columns.items():
        given = cp.given
        if given is None or col not in uniforms or given.column not in columns:
            continue
        u, bounds = uniforms[col]
        current = columns[col]
        if isinstance(cp.marginal, CategoryMarginal):
            labels = given_categories(cp, u, current, columns[given.column])
            columns[col] = (
                labels.dictionary_encode().cast(current.type)
                if pa.types.is_dictionary(current.type)
                else cast_or_keep(labels, current.type)
            )
        else:
            numbers.append(col)
    for col in numbers:
        cp = prof.columns[col]
        assert cp.given is not None
        u, bounds = uniforms[col]
        current = columns[col]
        null = np.asarray(current.is_null().to_numpy(zero_copy_only=False), dtype=bool)
        x = given_numbers(cp, u, to_model_units(current), columns[cp.given.column], bounds)
        columns[col] = _finish(x, cp, current.type, null, bounds)


def _draw(
    cp: ColumnProfile,
    u: np.ndarray,
    null: np.ndarray,
    columns: dict[str, pa.Array],
    col: str,
    closed: bool,
    bounds: tuple[float | None, float | None] = (None, None),
    where: tuple[int, str] = (0, ""),
) -> pa.Array:
    """One column's values from its uniforms (already rescaled into `bounds`).

    A category column whose spec lists its values (``closed``) folds the share
    of rare categories into the listed ones (in proportion to their weights;
    the uniforms are rescaled, so the copula's order is kept): the data must
    meet the spec it came with. An open column takes the rare rows from the
    hidden ``other_column``.
    """
    m = cp.marginal
    target = columns[col].type
    if isinstance(m, CategoryMarginal) and cp.kind == "categorical":
        folded = closed and bool(m.values) and m.other > 0
        if folded:
            u = u * (1.0 - m.other / (sum(m.weights) + m.other))
        codes = from_uniform(u, m, cp)
        if folded:  # u may round to 1.0 far in the tail
            codes = np.minimum(codes, len(m.values) - 1)
        labels = pa.array([None if v is None else str(v) for v in m.values] + [None], pa.string())
        values = labels.take(pa.array(codes))
        other = columns.get(f"{_OTHER}{col}")
        if other is not None:
            values = pa.compute.if_else(
                pa.array(codes == len(m.values)), other.cast(pa.string()), values
            )
        elif cp.shape is not None:  # the rare share: values of the column's learned shape
            need = codes == len(m.values)
            values = spread(values, shape_values(cp, where[0], where[1], col, need), need)
        if null.any():
            values = pa.compute.if_else(pa.array(null), pa.nulls(len(u), pa.string()), values)
        if pa.types.is_dictionary(target):
            return values.dictionary_encode().cast(target)
        return cast_or_keep(values, target)
    lo, hi = bounds
    if isinstance(m, CategoryMarginal) and (lo is not None or hi is not None):
        m = _values_within(m, lo, hi)  # numbers kept as categories: drop those outside
    return _finish(_values_of(u, m, cp), cp, target, null, bounds)


def _finish(
    x: np.ndarray,
    cp: ColumnProfile,
    target: pa.DataType,
    null: np.ndarray,
    bounds: tuple[float | None, float | None],
) -> pa.Array:
    """Drawn numbers rounded like the sample, kept in `bounds`, as the column's Arrow type."""
    x = finish_numbers(x, cp)
    lo, hi = bounds
    step = rounding_step(cp)
    if hi is not None:  # rounding may step half a unit past a bound: step back inside
        x = np.where(x > hi, x - step if step else hi, x)
    if lo is not None:
        x = np.where(x < lo, x + step if step else lo, x)
    return _to_arrow(np.nan_to_num(x), cp, target, null)


def _values_within(m: CategoryMarginal, lo: float | None, hi: float | None) -> CategoryMarginal:
    """The marginal without the numeric categories outside [lo, hi] (unchanged if none is left)."""

    def inside(v: Any) -> bool:
        try:
            x = float(v)
        except (TypeError, ValueError):
            return False
        return (lo is None or x >= lo) and (hi is None or x <= hi)

    weights = [w if inside(v) else 0.0 for v, w in zip(m.values, m.weights, strict=True)]
    if sum(weights) <= 0:
        return m
    return m.model_copy(update={"weights": weights, "other": 0.0})


def _model_range(column: ColumnPlan, cp: ColumnProfile) -> tuple[float | None, float | None]:
    """The [min, max] a column's rules allow (checks folded in), in the profile's units.

    Only sides the spec states: a fitted column keeps its own tails elsewhere.
    Integer columns get whole bounds, so rounding cannot step outside them.
    """
    spec = column.spec
    if not isinstance(spec, TypeColumn) or column.generator is None:
        return None, None
    if spec.min is None and spec.max is None:
        return None, None
    lo = hi = None
    try:
        if cp.kind in ("datetime", "date"):
            to_unit = getattr(column.generator, "to_unit", None)
            if to_unit is None:
                return None, None
            lo = None if spec.min is None else float(to_unit(spec.min, spec))
            hi = None if spec.max is None else float(to_unit(spec.max, spec, upper=True))
        elif cp.kind == "numeric":
            lo = None if spec.min is None else float(spec.min)
            hi = None if spec.max is None else float(spec.max)
    except (TypeError, ValueError):
        return None, None
    if cp.integer or cp.kind == "date":
        lo = None if lo is None else float(np.ceil(lo))
        hi = None if hi is None else float(np.floor(hi))
    return lo, hi
