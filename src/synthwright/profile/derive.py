"""After the copula pass: columns that derive from others are made again.

The engine computes ``expr:`` columns and draws ``after:``/``before:`` columns
from the values it generated; the copula pass then replaces fitted columns
(and foreign keys) with values of its own. Left alone, a ``total: {expr:
price * qty}`` a user added to a profiled spec would keep the engine's
price and quantity, and a ``shipped_at: {after: ordered_at}`` would trail an
``ordered_at`` that is no longer there. So, table by table (parents first)
and column by column in the plan's dependency order:

- an ``after:``/``before:`` column keeps its value where that lies on the
  right side of the bound's final value (the row's own column or the parent
  row its final foreign key points at); elsewhere it takes that bound plus
  the gap the engine drew, inside the column's min/max;
- an ``expr:`` column is evaluated again over the final columns, with the
  final parent rows.

`verify` then checks every rule of the spec on the result: a rule that still
does not hold (a shifted date past the column's max, a check the copula does
not meet) stops the run with its location, and nothing is written.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..engine.compile import Bound, ColumnPlan, TablePlan
from ..engine.expressions import ExprError, evaluate
from ..errors import GenerationError, Problem
from ..quality import check_tables
from ..spec import ExprColumn, RefColumn, Spec, TypeColumn
from .infer import cast_or_keep

__all__ = ["rederive", "verify"]


def rederive(
    tp: TablePlan,
    final: pa.Table,
    engine: dict[str, pa.Table],
    done: dict[str, pa.Table],
) -> pa.Table:
    """`final` with its derived columns made again from its final values.

    `engine` holds the engine's tables (what the copula pass started from);
    `done` the final tables of the parents.
    """
    if not any(_derived(cp) for cp in tp.columns.values()):
        return final
    cols = {name: final.column(name).combine_chunks() for name in final.column_names}
    drawn = {name: engine[tp.name].column(name).combine_chunks() for name in tp.columns}
    rows_final = _parent_rows(tp, cols, done)
    rows_engine = _parent_rows(tp, drawn, engine)
    for name in tp.order:
        cp = tp.columns[name]
        where = f"tables.{tp.name}.columns.{name}"
        if isinstance(cp.spec, ExprColumn):
            parents = _gather(cp, rows_final, done)
            try:
                (values,) = evaluate([cp.spec.expr], _row_columns(tp, cols), parents)
            except ExprError as exc:
                raise GenerationError(str(exc), where) from exc
            cols[name] = cast_or_keep(values, cols[name].type)
        elif isinstance(cp.spec, TypeColumn) and (cp.lower or cp.upper):
            bound = cp.lower or cp.upper
            assert bound is not None
            new_bound = _bound_values(bound, tp, cols, rows_final, done)
            old_bound = _bound_values(bound, tp, drawn, rows_engine, engine)
            if new_bound is None or old_bound is None or not _shiftable(drawn[name].type):
                continue  # left as drawn; `verify` says if the rule no longer holds
            cols[name] = _reanchor(cp, cols[name], drawn[name], old_bound, new_bound)
    return pa.table([cols[c] for c in final.column_names], names=final.column_names)


def verify(tables: dict[str, pa.Table], spec: Spec) -> None:
    """Every rule of `spec` on `tables`; GenerationError listing what does not hold."""
    findings = list(check_tables(tables, spec))
    if findings:
        raise GenerationError(
            [
                Problem(
                    f.location,
                    f"{f.message} after fitting to the profile; "
                    "the rule and the profile disagree: loosen one of them",
                )
                for f in findings
            ]
        )


def _derived(cp: ColumnPlan) -> bool:
    return isinstance(cp.spec, ExprColumn) or (
        isinstance(cp.spec, TypeColumn) and bool(cp.lower or cp.upper)
    )


def _row_columns(tp: TablePlan, cols: dict[str, pa.Array]) -> dict[str, pa.Array]:
    return {name: cols[name] for name in tp.columns if name in cols}


def _parent_rows(
    tp: TablePlan, cols: dict[str, pa.Array], tables: dict[str, pa.Table]
) -> dict[str, np.ndarray]:
    """Per parent table, the parent row each row's foreign key points at (-1: none)."""
    out: dict[str, np.ndarray] = {}
    for parent, link in tp.links.items():
        cp = tp.columns[link]
        if parent not in tables or not isinstance(cp.spec, RefColumn) or cp.ref_column is None:
            continue
        keys = tables[parent].column(cp.ref_column).combine_chunks()
        idx = pc.index_in(cols[link], value_set=keys)
        out[parent] = np.asarray(idx.fill_null(-1).to_numpy(zero_copy_only=False), dtype=np.int64)
    return out


def _gather(
    cp: ColumnPlan, rows: dict[str, np.ndarray], tables: dict[str, pa.Table]
) -> dict[str, dict[str, pa.Array]]:
    out: dict[str, dict[str, pa.Array]] = {}
    for table, column in cp.parents:
        idx = rows.get(table)
        if idx is None:
            continue
        values = tables[table].column(column).combine_chunks()
        out.setdefault(table, {})[column] = values.take(pa.array(idx, mask=idx < 0))
    return out


def _bound_values(
    bound: Bound,
    tp: TablePlan,
    cols: dict[str, pa.Array],
    rows: dict[str, np.ndarray],
    tables: dict[str, pa.Table],
) -> pa.Array | None:
    if bound.table is None or bound.table == tp.name:
        return cols.get(bound.column)
    idx = rows.get(bound.table)
    if idx is None:
        return None
    values = tables[bound.table].column(bound.column).combine_chunks()
    return values.take(pa.array(idx, mask=idx < 0))


def _reanchor(
    cp: ColumnPlan, current: pa.Array, drawn: pa.Array, old_bound: pa.Array, new_bound: pa.Array
) -> pa.Array:
    """The column's values, moved where they break their bound's final value.

    A row whose value (fitted or drawn) already lies on the right side of its
    bound, within ``within``, keeps it. Any other row takes its bound plus the
    gap the engine drew from the old bound, kept inside the column's min/max.
    """
    assert isinstance(cp.spec, TypeColumn) and cp.generator is not None
    kind = current.type
    value = _as_int(current)
    bound = _as_int(new_bound.cast(kind))
    gap = _as_int(drawn) - _as_int(old_bound.cast(kind))
    lower = cp.lower is not None
    within_fn = getattr(cp.generator, "within_units", None)
    window = within_fn(cp.spec) if within_fn is not None else None
    with np.errstate(invalid="ignore"):
        ok = value >= bound if lower else value <= bound
        if window is not None:
            ok &= value <= bound + window if lower else value >= bound - window
        moved = bound + gap
        bounds_fn = getattr(cp.generator, "bounds", None)
        if bounds_fn is not None:
            lo, hi = bounds_fn(cp.spec)
            moved = np.clip(moved, lo, hi)
    out = np.where(ok | np.isnan(bound), value, moved)
    valid = ~np.isnan(out)
    ints = np.where(valid, out, 0).astype(np.int64)
    storage = pa.array(ints, _storage_type(kind), mask=~valid)
    return storage.cast(kind) if storage.type != kind else storage


def _shiftable(kind: pa.DataType) -> bool:
    """Types whose values are exact integers of one unit (dates, times, integers)."""
    return (
        pa.types.is_timestamp(kind)
        or pa.types.is_date(kind)
        or pa.types.is_time(kind)
        or pa.types.is_duration(kind)
        or pa.types.is_integer(kind)
    )


def _storage_type(kind: pa.DataType) -> pa.DataType:
    if pa.types.is_date32(kind):
        return pa.int32()
    return pa.int64()


def _as_int(arr: pa.Array) -> np.ndarray:
    """Values as float64 of their integer unit (NaN for null), for exact small arithmetic."""
    kind = arr.type
    if pa.types.is_timestamp(kind) or pa.types.is_date(kind) or pa.types.is_time(kind):
        arr = arr.cast(_storage_type(kind))
    elif pa.types.is_duration(kind):
        arr = arr.cast(pa.int64())
    return np.asarray(arr.to_numpy(zero_copy_only=False), dtype=np.float64)
