"""Promises the compiler checks before anything is generated: room, keys, scenarios.

A spec is either refused here, every problem located, or its output meets
every rule (``check`` finds nothing). So whatever the generator cannot make
by construction is decided now, from the spec alone:

- **Room.** Row counts bound what keys and combinations can hold:
  ``max_rows`` is the most rows a table can get, ``min_rows`` the fewest
  (a per_parent table of a per_parent table multiplies the bounds). A
  unique ref needs as many parent rows as it has rows; a junction's
  ``per_parent.min`` needs that many distinct partners; a composite unique
  set needs as many combinations as rows.
- **Keys.** An ``id`` is the primary key: never null, never past the 64-bit
  limit. A ref's target is never null (children would copy the null).
- **Scenarios** may not make a key repeat (a literal on several rows, a
  literal that a generated key can also take), nor put a value outside the
  room an ``after``/``before`` leaves.
- **Order.** ``after``/``before`` windows are non-empty for every value the
  anchor can take, scenario values included (see :meth:`Promises.order_room`).

The mixin is used by the compiler (``compile._Compiler``); it reads the spec
and the table plans and reports through ``problem``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pyarrow as pa

from ..catalog.base_numeric import OrderedGenerator
from ..catalog.distributions import MAX_TABLE
from ..spec import Override, RefColumn, Scenario, Spec, TypeColumn, ZipfDist
from .expressions import ExprError, parse_expr
from .plan import ColumnPlan, TablePlan, scenario_column

__all__ = ["INT64_MAX", "Promises", "unique_alone"]

INT64_MAX = 2**63 - 1
_CODED = ("category", "bool", "int")  # types a composite unique set can combine


def unique_alone(cp: ColumnPlan) -> bool:
    """Whether the column's values are distinct by themselves (then any set holding it is)."""
    spec = cp.spec
    if isinstance(spec, TypeColumn):
        return spec.type in ("id", "uuid") or spec.unique
    return isinstance(spec, RefColumn) and spec.unique and not cp.self_ref


def _hint(name: str, choices: list[str]) -> str:
    import difflib

    close = difflib.get_close_matches(name, choices, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


class Promises:
    """Compile-time checks of what generation must keep; mixed into the compiler."""

    spec: Spec
    link_rooms: dict[str, int]  # per junction table: distinct partners a parent can take

    if TYPE_CHECKING:  # the compiler that mixes this in collects the problems

        def problem(self, location: str, message: str, code: str = "") -> None: ...

    # -- row counts ------------------------------------------------------------

    def scenario_rows(self, name: str) -> int:
        """Rows the table's scenarios add (``count``); ``share`` rows are among the others."""
        return sum(s.count or 0 for s in self.spec.scenarios.get(name, []))

    def max_rows(self, name: str, seen: frozenset[str] = frozenset()) -> int | None:
        """The most rows a table can get (None: unknown, e.g. an existing table)."""
        return self._rows_bound(name, seen, most=True)

    def min_rows(self, name: str, seen: frozenset[str] = frozenset()) -> int | None:
        """The fewest rows a table can get (None: unknown)."""
        return self._rows_bound(name, seen, most=False)

    def _rows_bound(self, name: str, seen: frozenset[str], *, most: bool) -> int | None:
        table = self.spec.tables.get(name)
        if table is None or name in seen or table.existing:
            return None
        if table.rows is not None:
            return table.rows + self.scenario_rows(name)
        pp = table.per_parent
        assert pp is not None
        parent_rows = self._rows_bound(pp.table, seen | {name}, most=most)
        if parent_rows is None:
            return None
        if most:
            each = pp.max if pp.max is not None else int(getattr(pp.dist, "lam", 0) * 10 + 100)
        else:
            each = pp.min
        return parent_rows * each + self.scenario_rows(name)

    # -- keys and refs -----------------------------------------------------------

    def keys(self, tp: TablePlan) -> None:
        """ids never null nor past int64; refs to non-null keys, with room for unique refs."""
        rows = self.max_rows(tp.name)
        for name, cp in tp.columns.items():
            loc = f"tables.{tp.name}.columns.{name}"
            spec = cp.spec
            if isinstance(spec, TypeColumn) and spec.type == "id":
                if spec.null_rate > 0:
                    self.problem(f"{loc}.null_rate", "an id is the table's key: it cannot be null")
                start = spec.min if isinstance(spec.min, int) else 1
                if rows and start + rows - 1 > INT64_MAX:
                    self.problem(
                        f"{loc}.min",
                        f"ids {start}..{start + rows - 1} pass the 64-bit limit ({INT64_MAX})",
                    )
            elif isinstance(spec, RefColumn) and cp.ref_table in self.spec.tables:
                self._ref(tp, cp, spec, loc, rows)

    def _ref(
        self, tp: TablePlan, cp: ColumnPlan, spec: RefColumn, loc: str, rows: int | None
    ) -> None:
        assert cp.ref_table is not None
        target = self.spec.tables[cp.ref_table].columns.get(cp.ref_column or "")
        if isinstance(target, TypeColumn) and target.null_rate > 0:
            self.problem(f"{loc}.ref", f"{spec.ref} can be null: a ref needs a key without nulls")
        parent_max = rows if cp.self_ref else self.max_rows(cp.ref_table)
        parent_min = rows if cp.self_ref else self.min_rows(cp.ref_table)
        if isinstance(spec.dist, ZipfDist) and parent_max is not None and parent_max > MAX_TABLE:
            self.problem(
                f"{loc}.dist",
                f"zipf over {parent_max} rows of {cp.ref_table}: at most {MAX_TABLE} ranks",
            )
        if not cp.self_ref and parent_max == 0 and (rows or 0) > 0 and tp.link_column != cp.name:
            self.problem(f"{loc}.ref", f"{cp.ref_table} has no rows to refer to")
        if tp.link_column == cp.name and spec.dist is not None and spec.dist.kind != "uniform":
            self.problem(  # the link's rows come from per_parent: its dist would be dropped
                f"{loc}.dist",
                "the per_parent link follows per_parent (each parent gets its count of rows): "
                "put the distribution in per_parent.dist",
            )
        if not spec.unique:
            return
        if cp.self_ref:
            if spec.dist is not None and spec.dist.kind != "uniform":
                self.problem(f"{loc}.dist", "a unique self-reference cannot follow a distribution")
            return
        pp = tp.spec.per_parent
        if tp.link_column == cp.name and pp is not None:
            if pp.max is None or pp.max > 1:
                self.problem(
                    f"tables.{tp.name}.per_parent.max",
                    f"{cp.name} is unique: each {cp.ref_table} row takes at most one row (max: 1)",
                )
        elif rows is not None and parent_min is not None and rows > parent_min:
            self.problem(
                f"{loc}.unique",
                f"{rows} rows cannot each take a different {cp.ref_table} row: "
                f"{cp.ref_table} can have only {parent_min}",
                "capacity",
            )

    def self_ref_readers(self, tp: TablePlan) -> None:
        """Self-references are filled once the whole table exists: nothing may read them."""
        late = {name for name, cp in tp.columns.items() if cp.self_ref}
        if not late:
            return
        for name, cp in tp.columns.items():
            read = sorted(late & set(cp.deps))
            if read:
                self.problem(
                    f"tables.{tp.name}.columns.{name}",
                    f"reads {', '.join(read)}, a self-reference, which is filled after the "
                    "table's other columns: derive from it in a child table instead",
                )
        for i, sql in enumerate(tp.checks):
            try:
                refs = parse_expr(sql).references
            except ExprError:
                continue  # reported by the reference pass
            read = sorted({c for t, c in refs if t in (None, tp.name) and c in late})
            if read and any(t not in (None, tp.name) for t, _ in refs):
                self.problem(  # checked once the self-reference is filled, on this row alone
                    f"tables.{tp.name}.checks[{i}]",
                    f"reads {', '.join(read)}, a self-reference, and a parent's columns: "
                    "a check on a self-reference reads this row only",
                )

    def unique_columns(self, tp: TablePlan) -> None:
        """Single-column unique: the type must have room for every row."""
        rows = self.max_rows(tp.name)
        if rows is None:
            return
        for name, cp in tp.columns.items():
            if cp.generator is None or not isinstance(cp.spec, TypeColumn) or not cp.spec.unique:
                continue
            if not cp.generator.unique_ok:
                continue  # reported already
            try:
                cap = cp.generator.capacity(cp.spec)
            except ValueError:
                continue  # the type's own validation reports it
            if cap is not None and cap < rows:
                what = "rows" if tp.spec.rows is not None else "rows at most"
                self.problem(
                    f"tables.{tp.name}.columns.{name}.unique",
                    f"only {cap} distinct values possible for {rows} {what}",
                    "capacity",
                )

    # -- composite unique sets -------------------------------------------------------

    def unique_sets(self, tp: TablePlan) -> None:
        """Members the generator can combine, and room for every row's combination."""
        sets = tp.spec.unique_sets()
        owner: dict[str, int] = {}
        for i, cols in enumerate(sets):
            loc = f"tables.{tp.name}.unique" + (f"[{i}]" if len(sets) > 1 else "")
            caps: dict[str, int | None] = {}
            skewed_size = 1
            ok, trivial = True, False
            for col_name in cols:
                cp = tp.columns.get(col_name)
                if cp is None:
                    self.problem(
                        loc, f"unknown column {col_name!r}{_hint(col_name, list(tp.columns))}"
                    )
                    ok = False
                    continue
                if unique_alone(cp):
                    trivial = True
                    continue
                if col_name in owner:
                    self.problem(loc, f"{col_name} is already in unique set {owner[col_name]}")
                    ok = False
                owner[col_name] = i
                cap, size, skewed = self._member(tp, cp, loc)
                if cap is False:
                    ok = False
                    continue
                caps[col_name] = cap  # type: ignore[assignment]
                if skewed:
                    skewed_size *= size
            if trivial or not ok:
                continue
            if skewed_size > MAX_TABLE:
                self.problem(
                    loc,
                    f"its skewed columns span {skewed_size} combinations; at most {MAX_TABLE}",
                )
            self._set_room(tp, loc, cols, caps)

    def _member(self, tp: TablePlan, cp: ColumnPlan, loc: str) -> tuple[Any, int, bool]:
        """(capacity or None when unknown, or False when refused; codes; skewed?)."""
        spec = cp.spec
        if isinstance(spec, RefColumn):
            if cp.self_ref:
                self.problem(
                    loc, f"{cp.name}: a self-reference cannot be in a composite unique set"
                )
                return False, 0, False
            if cp.ref_table is None:
                return False, 0, False
            rows = self.min_rows(cp.ref_table)
            size = self.max_rows(cp.ref_table) or 0
            return rows, size, isinstance(spec.dist, ZipfDist)
        gen = cp.generator
        if not isinstance(spec, TypeColumn) or gen is None or spec.type not in _CODED:
            self.problem(
                loc, f"{cp.name}: composite unique supports ref, category, bool and int columns"
            )
            return False, 0, False
        if spec.after or spec.before:
            self.problem(loc, f"{cp.name}: a column of a composite unique set has no after/before")
            return False, 0, False
        try:
            size, weights = gen.code_domain(spec)  # type: ignore[attr-defined]
            cap = gen.capacity(spec)
        except ValueError as exc:
            self.problem(loc, f"{cp.name}: {exc}")
            return False, 0, False
        return cap, size, weights is not None

    def _set_room(
        self, tp: TablePlan, loc: str, cols: list[str], caps: dict[str, int | None]
    ) -> None:
        pp = tp.spec.per_parent
        link = tp.link_column if pp is not None and tp.link_column in cols else None
        others = [c for c in cols if c != link]
        if any(caps.get(c) is None for c in others):
            return  # a parent of unknown size (existing rows): checked when generating
        room = 1
        for c in others:
            room *= caps[c] or 0
        if link is not None:
            assert pp is not None
            self.link_rooms[tp.name] = room  # scenario rows must fit under it too
            if pp.min > room:
                self.problem(
                    f"tables.{tp.name}.per_parent.min",
                    f"each {pp.table} row needs {pp.min} rows with distinct "
                    f"{', '.join(others)}, but only {room} exist (unique {cols})",
                )
            return
        rows = self.max_rows(tp.name)
        if rows is not None and rows > room:
            self.problem(
                loc, f"only {room} distinct combinations possible for {rows} rows", "capacity"
            )

    # -- scenarios -----------------------------------------------------------------

    def scenarios(self, plans: dict[str, TablePlan]) -> None:
        for table_name, scenarios in self.spec.scenarios.items():
            loc = f"scenarios.{table_name}"
            tp = plans.get(table_name)
            if tp is None:
                self.problem(loc, f"unknown table {table_name!r}{_hint(table_name, list(plans))}")
                continue
            if tp.spec.existing:
                self.problem(loc, "an existing table is not generated: it takes no scenarios")
                continue
            shares = sum(s.share or 0.0 for s in scenarios)
            if shares > 1.0 + 1e-12:
                self.problem(loc, f"scenario shares add up to {shares:g}, more than all rows")
            self._room_for_added(tp, loc)
            members = {c for cols in tp.spec.unique_sets() for c in cols}
            for i, scenario in enumerate(scenarios):
                sloc = f"{loc}[{i}]"
                for col_name, value in scenario.set.items():
                    cp = tp.columns.get(col_name)
                    vloc = f"{sloc}.set.{col_name}"
                    if cp is None:
                        self.problem(
                            vloc, f"unknown column {col_name!r}{_hint(col_name, list(tp.columns))}"
                        )
                        continue
                    if cp.kind != "type":
                        self.problem(vloc, f"scenarios set typed columns, not {cp.kind} columns")
                        continue
                    if col_name in members and not unique_alone(cp) and value is not None:
                        self.problem(
                            vloc,
                            "a column of a composite unique set is drawn with the set: "
                            "a scenario cannot set it",
                        )
                        continue
                    self._scenario_value(vloc, tp, cp, value, scenario, plans)

    def _room_for_added(self, tp: TablePlan, loc: str) -> None:
        """Rows a scenario adds to a per_parent table must fit under per_parent.max."""
        pp = tp.spec.per_parent
        added = self.scenario_rows(tp.name)
        room = self.link_rooms.get(tp.name)
        limit = pp.max if pp is not None else None
        if room is not None:
            limit = room if limit is None else min(limit, room)  # a junction: distinct partners
        if pp is None or limit is None or not added:
            return
        parents = self.min_rows(pp.table)
        if parents is not None and added > parents * (limit - pp.min):
            self.problem(
                loc,
                f"scenarios add {added} rows but {pp.table} rows have room for "
                f"{parents * (limit - pp.min)} (per_parent min {pp.min}, max {limit})",
            )

    def _scenario_value(
        self,
        loc: str,
        tp: TablePlan,
        cp: ColumnPlan,
        value: Any,
        scenario: Scenario,
        plans: dict[str, TablePlan],
    ) -> None:
        col = cp.spec
        assert isinstance(col, TypeColumn)
        gen = cp.generator
        key = col.unique or col.type in ("id", "uuid")  # every ref target is one of these
        if value is None:
            if key:
                self.problem(loc, "a key cannot be null")
            elif col.null_rate == 0:
                self.problem(loc, "null is not allowed: the column has no null_rate")
            return
        if key and isinstance(value, Override):
            self.problem(loc, "a unique column cannot be narrowed by a scenario")
            return
        if key:
            if (scenario.count or 0) > 1 or scenario.share is not None:
                self.problem(loc, "a unique column cannot take one literal on several rows")
                return
            if not self._literal_is_free(loc, tp, cp, value):
                return
        merged = scenario_column(col, value)
        if merged is None:
            self.problem(loc, f"{value!r} is outside the column's values")
            return
        if gen is None:
            return
        for field_name, message in gen.validate(merged):
            self.problem(f"{loc}.{field_name}" if isinstance(value, Override) else loc, message)
        if not isinstance(gen, OrderedGenerator):
            self._castable(loc, cp, value)
            return
        try:
            lo, hi = gen.bounds(col)
            if isinstance(value, Override):
                nlo, nhi = gen.bounds(merged)
                if nlo < lo or nhi > hi:
                    self.problem(loc, f"narrows outside the column's range [{col.min}, {col.max}]")
            else:
                v = gen.to_unit(value, col)
                if not lo <= v <= hi and not key:
                    self.problem(loc, f"{value!r} is outside [{col.min}, {col.max}]")
        except (TypeError, ValueError) as exc:
            self.problem(loc, str(exc))

    def _castable(self, loc: str, cp: ColumnPlan, value: Any) -> None:
        """A literal must be a value of the column's type (it is written as one)."""
        type_ = cp.arrow_type
        if isinstance(value, Override) or type_ is None or pa.types.is_dictionary(type_):
            return
        try:
            pa.array([value]).cast(type_)
        except (pa.ArrowException, ValueError, TypeError):
            self.problem(loc, f"{value!r} is not a value of this {cp.spec.type} column")  # type: ignore[union-attr]

    def _literal_is_free(self, loc: str, tp: TablePlan, cp: ColumnPlan, value: Any) -> bool:
        """A literal on one row of a key column must be a value no generated row can take."""
        col = cp.spec
        assert isinstance(col, TypeColumn)
        rows = self.max_rows(tp.name) or 0
        if col.type == "uuid":
            return True  # v4 keys spread over 2^122 values: a planted one is never redrawn
        if col.type == "id":
            start = col.min if isinstance(col.min, int) else 1
            if isinstance(value, bool) or not isinstance(value, int):
                self.problem(loc, f"an id is an integer, not {value!r}")
                return False
            if start <= value < start + rows:
                self.problem(
                    loc,
                    f"id {value} is one a generated row takes ({start}..{start + rows - 1}); "
                    "plant an id outside that range",
                )
                return False
            if not -INT64_MAX - 1 <= value <= INT64_MAX:
                self.problem(loc, f"{value} does not fit a 64-bit id")
                return False
            return True
        gen = cp.generator
        if isinstance(gen, OrderedGenerator):
            try:
                lo, hi = gen.bounds(col)
                unit = gen.to_unit(value, col)
            except (TypeError, ValueError) as exc:
                self.problem(loc, str(exc))
                return False
            if lo <= unit <= hi:
                self.problem(
                    loc,
                    f"{value!r} is a value the unique column draws for other rows; "
                    f"plant one outside [{col.min}, {col.max}]",
                )
                return False
            return True
        self.problem(
            loc, f"a literal on unique column {cp.name} ({col.type}) may repeat a generated value"
        )
        return False
