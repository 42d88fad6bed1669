"""``after``/``before`` windows: the per-row room they leave, and proof it is never empty.

A column ``X`` with ``after: A`` (and maybe ``before: B``) draws each row
between a lower and an upper bound made of candidates, in the column's
physical unit (microseconds for datetimes, days for dates):

- lower = the largest of: X's ``min`` (when written), A, B - within;
- upper = the smallest of: X's ``max`` (when written), B, A + within;
- with no candidate, X's default range end (a null anchor adds none).

:func:`row_window` computes that per row at generation time; the compiler
(:class:`Windows`) proves, before anything runs, that the window is
non-empty for every value the anchor can take -- its own range, widened by
its own windows and by scenario values -- and that scenario rows of X keep
it too. Lower is a max and upper a min of functions rising with the anchor,
so upper - lower is concave: checking the anchor's two range ends covers
every value between them. A column with both an after and a before anchor
is checked at generation time (their values are related row by row).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..catalog.base_numeric import OrderedGenerator
from ..spec import Override, Spec, TypeColumn
from .plan import Bound, ColumnPlan, TablePlan, scenario_column

__all__ = ["Windows", "row_window"]


def row_window(
    spec: TypeColumn,
    gen: OrderedGenerator,
    n: int,
    lower: tuple[Bound, np.ndarray, np.ndarray] | None,
    upper: tuple[Bound, np.ndarray, np.ndarray] | None,
) -> tuple[np.ndarray, np.ndarray]:
    """Per-row [lo, hi] from the anchors' values (``(bound, values, valid)`` per side)."""
    lo, hi = gen.bounds(spec)
    low_parts: list[tuple[np.ndarray, np.ndarray]] = []
    high_parts: list[tuple[np.ndarray, np.ndarray]] = []
    if spec.min is not None:
        low_parts.append((np.full(n, lo, np.int64), np.ones(n, bool)))
    if spec.max is not None:
        high_parts.append((np.full(n, hi, np.int64), np.ones(n, bool)))
    if lower is not None:
        bound, values, valid = lower
        low_parts.append((values, valid))
        if bound.within_units is not None:
            high_parts.append((values + bound.within_units, valid))
    if upper is not None:
        bound, values, valid = upper
        high_parts.append((values, valid))
        if bound.within_units is not None:
            low_parts.append((values - bound.within_units, valid))
    low = _combine(low_parts, lo, np.maximum, n)
    high = _combine(high_parts, hi, np.minimum, n)
    if spec.type == "time":  # a time of day never passes midnight, whatever the window
        low, high = (
            np.maximum(low, gen.bounds(TypeColumn(type="time"))[0]),
            np.minimum(high, gen.bounds(TypeColumn(type="time"))[1]),
        )
    return low, high


def _combine(parts: list[tuple[np.ndarray, np.ndarray]], default: int, pick: Any, n: int) -> Any:
    out = np.full(n, default, dtype=np.int64)
    have = np.zeros(n, dtype=bool)
    for values, valid in parts:
        out = np.where(valid & have, pick(out, values), np.where(valid, values, out))
        have |= valid
    return out


class Windows:
    """Compile-time proof that after/before windows have room; mixed into the compiler."""

    spec: Spec

    if TYPE_CHECKING:  # the compiler that mixes this in collects the problems

        def problem(self, location: str, message: str, code: str = "") -> None: ...

    def order_room(self, plans: dict[str, TablePlan]) -> None:
        """Refuse windows that some anchor value (or scenario value) leaves empty."""
        self._ranges: dict[tuple[str, str], tuple[int, int] | None] = {}
        for tp in plans.values():
            for name, cp in tp.columns.items():
                if not isinstance(cp.spec, TypeColumn) or not (cp.lower or cp.upper):
                    continue
                gen = cp.generator
                if not isinstance(gen, OrderedGenerator):
                    continue
                loc = f"tables.{tp.name}.columns.{name}"
                if self._decidable(cp):
                    self._one_side(loc, tp, cp, cp.spec, gen, plans)
                self._on_the_calendar(loc, plans, tp.name, name, cp.spec, gen)
                for i, scenario in enumerate(tp.scenarios):
                    value = scenario.set.get(name)
                    sloc = f"scenarios.{tp.name}[{i}].set.{name}"
                    if isinstance(value, Override):
                        merged = scenario_column(cp.spec, value)
                        if merged is not None and self._decidable(cp):
                            self._one_side(sloc, tp, cp, merged, gen, plans)
                    elif value is not None and name in scenario.set:
                        self._literal(sloc, tp, cp, value, gen, plans)

    def _on_the_calendar(
        self,
        loc: str,
        plans: dict[str, TablePlan],
        table: str,
        column: str,
        spec: TypeColumn,
        gen: OrderedGenerator,
    ) -> None:
        """A date/datetime window must stay within 0001-01-01..9999-12-31.

        Arrow stores later instants, but Python, most databases and `check`
        cannot read them, so a window that can pass the calendar is refused.
        """
        if spec.type not in ("date", "datetime"):
            return
        try:
            first = gen.to_unit("0001-01-01", spec)
            last = gen.to_unit("9999-12-31" if spec.type == "date" else "9999-12-31T23:59:59", spec)
        except (TypeError, ValueError, OverflowError):
            return
        reach = self.value_range(plans, table, column, frozenset())
        if reach is not None and (reach[1] > last or reach[0] < first):
            self.problem(
                loc,
                "this window can reach past 9999-12-31 or before 0001-01-01 (anchor plus "
                "within); narrow 'within' or the anchor's range, or set min/max",
                "capacity",
            )

    def _anchor(
        self, tp: TablePlan, bound: Bound, plans: dict[str, TablePlan]
    ) -> tuple[int, int] | None:
        return self.value_range(plans, bound.table or tp.name, bound.column, frozenset())

    @staticmethod
    def _decidable(cp: ColumnPlan) -> bool:
        """One anchor (or the same one on both sides, as a folded check makes): exact."""
        if cp.lower is None or cp.upper is None:
            return True
        return (cp.lower.table, cp.lower.column) == (cp.upper.table, cp.upper.column)

    def _one_side(
        self,
        loc: str,
        tp: TablePlan,
        cp: ColumnPlan,
        spec: TypeColumn,
        gen: OrderedGenerator,
        plans: dict[str, TablePlan],
    ) -> None:
        bound = cp.lower or cp.upper
        assert bound is not None
        anchor = self._anchor(tp, bound, plans)
        if anchor is None:
            return
        target = bound.column if bound.table is None else f"{bound.table}.{bound.column}"
        side = "after" if cp.upper is None else "before" if cp.lower is None else "after/before"
        for value in anchor:
            arr = np.array([value], dtype=np.int64)
            ones = np.ones(1, bool)
            lower = (cp.lower, arr, ones) if cp.lower is not None else None
            upper = (cp.upper, arr, ones) if cp.upper is not None else None
            lo, hi = row_window(spec, gen, 1, lower, upper)
            if lo[0] > hi[0]:
                if side == "after" and spec.max is not None:
                    message = f"{target} can be later than this column's max ({spec.max})"
                elif side == "before" and spec.min is not None:
                    message = f"{target} can be earlier than this column's min ({spec.min})"
                else:
                    message = (
                        f"{side}: some values of {target} leave no room for this column "
                        f"(min {spec.min}, max {spec.max}, defaults filled in)"
                    )
                self.problem(loc, message)
                return

    def _literal(
        self,
        loc: str,
        tp: TablePlan,
        cp: ColumnPlan,
        value: Any,
        gen: OrderedGenerator,
        plans: dict[str, TablePlan],
    ) -> None:
        """A planted value must lie after (before) every value its anchor can take."""
        spec = cp.spec
        assert isinstance(spec, TypeColumn)
        try:
            unit = gen.to_unit(value, spec)
        except (TypeError, ValueError):
            return  # reported by the scenario checks
        within = gen.within_units(spec)
        for bound, side in ((cp.lower, "after"), (cp.upper, "before")):
            if bound is None:
                continue
            anchor = self._anchor(tp, bound, plans)
            if anchor is None:
                continue
            a_lo, a_hi = anchor
            if side == "after":
                fits = unit >= a_hi and (within is None or unit <= a_lo + within)
            else:
                fits = unit <= a_lo and (within is None or unit >= a_hi - within)
            if not fits:
                target = bound.column if bound.table is None else f"{bound.table}.{bound.column}"
                self.problem(
                    loc,
                    f"{value!r} is not {side} every value of {target}; a planted value must "
                    f"keep {side}: {target} (set a range instead, or drop the literal)",
                )

    def value_range(
        self, plans: dict[str, TablePlan], table: str, column: str, seen: frozenset[str]
    ) -> tuple[int, int] | None:
        """Every value a column can take (physical unit), anchors and scenarios included."""
        key = (table, column)
        if key in self._ranges:
            return self._ranges[key]
        tp = plans.get(table)
        cp = tp.columns.get(column) if tp is not None else None
        if tp is None or cp is None or f"{table}.{column}" in seen:
            return None
        gen, spec = cp.generator, cp.spec
        if not isinstance(gen, OrderedGenerator) or not isinstance(spec, TypeColumn):
            return None
        try:
            lo, hi = gen.bounds(spec)
            for side, bound in (("after", cp.lower), ("before", cp.upper)):
                if bound is None:
                    continue
                anchor = self.value_range(
                    plans, bound.table or table, bound.column, seen | {f"{table}.{column}"}
                )
                if anchor is None:
                    return None
                if side == "after":
                    lo = max(lo, anchor[0]) if spec.min is not None else anchor[0]
                    if spec.max is None and bound.within_units is not None:
                        hi = anchor[1] + bound.within_units
                else:
                    hi = min(hi, anchor[1]) if spec.max is not None else anchor[1]
                    if spec.min is None and bound.within_units is not None:
                        lo = anchor[0] - bound.within_units
            for scenario in tp.scenarios:
                if column not in scenario.set or scenario.set[column] is None:
                    continue
                value = scenario.set[column]
                if isinstance(value, Override):
                    merged = scenario_column(spec, value)
                    if merged is not None:
                        nlo, nhi = gen.bounds(merged)
                        lo, hi = min(lo, nlo), max(hi, nhi)
                else:
                    unit = gen.to_unit(value, spec)
                    lo, hi = min(lo, unit), max(hi, unit)
        except (TypeError, ValueError):
            return None  # bad bounds are reported where they are written
        self._ranges[key] = (lo, hi)
        return lo, hi
