"""Compile a spec into a plan: resolve references, order work, refuse the impossible.

Every problem is collected with its location (``tables.orders.columns.total.expr``)
and a did-you-mean where a name is close to a known one; the caller gets all
of them at once in one SpecError. Nothing is generated here.
"""

from __future__ import annotations

import difflib
from typing import Any

import numpy as np
import pyarrow as pa

from .. import catalog
from ..catalog.base_numeric import OrderedGenerator
from ..catalog.base_text import template_columns
from ..catalog.distributions import mass_in_range
from ..errors import Problem, SpecError
from ..spec import (
    ExprColumn,
    PoissonDist,
    RefColumn,
    Spec,
    TableSpec,
    TypeColumn,
)
from .check_rules import fold_checks
from .expressions import ExprError, evaluate, parse_expr
from .plan import (
    SCENARIO_COLUMN,
    Bound,
    ColumnPlan,
    Plan,
    TablePlan,
    scenario_column,
    topological_order,
)
from .promises import Promises
from .windows import Windows

_DEFAULT_WINDOW_S = 365 * 86400  # `after:` without within or max: within a year


def _hint(name: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(name, choices, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


class _Compiler(Promises, Windows):
    """One pass over a spec; every problem found is kept (see ``run``)."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.problems: list[Problem] = []

    def problem(self, location: str, message: str, code: str = "") -> None:
        """Record a finding; `code` is its stable name where one exists (errors.Problem)."""
        self.problems.append(Problem(location, message, code))

    # -- columns ---------------------------------------------------------------

    def type_column(self, loc: str, name: str, col: TypeColumn, table: TableSpec) -> ColumnPlan:
        plan = ColumnPlan(name=name, spec=col)
        gen = catalog.get(col.type)
        if gen is None:
            self.problem(
                f"{loc}.type", f"unknown type {col.type!r}{_hint(col.type, catalog.names())}"
            )
            return plan
        plan.generator = gen
        # through the type's parameter model: a word it does not take is refused here
        for field_name, message in gen.param_problems(col):
            self.problem(f"{loc}.{field_name}", message)
        for field_name, message in gen.validate(col):
            self.problem(f"{loc}.{field_name}", message)
        if col.unique and not gen.unique_ok:
            self.problem(f"{loc}.unique", f"type {col.type!r} cannot be made unique", "not_unique")
        if col.locale is not None:
            self._check_locale(f"{loc}.locale", col.locale)
        try:
            plan.arrow_type = gen.arrow_type(col)
        except (ValueError, TypeError) as exc:
            self.problem(loc, str(exc))
        plan.deps = [d for d in gen.needs(col, table, name) if d != name]
        for field_name in ("prompt", "template"):
            text = getattr(col, field_name, None)
            for ref in template_columns(text or ""):
                if "." in ref:
                    plan.parents.append(tuple(ref.split(".", 1)))  # type: ignore[arg-type]
        return plan

    def _check_locale(self, loc: str, locale: str) -> None:
        from ..catalog._pools import LOCALES

        if locale.replace("-", "_") not in LOCALES:
            self.problem(
                loc,
                f"unsupported locale {locale!r}{_hint(locale, list(LOCALES))}"
                f" (supported: {', '.join(LOCALES)})",
            )

    def ref_column(self, loc: str, name: str, col: RefColumn, table_name: str) -> ColumnPlan:
        plan = ColumnPlan(name=name, spec=col)
        target_table, target_col = col.ref.split(".", 1)
        plan.ref_table, plan.ref_column = target_table, target_col
        plan.self_ref = target_table == table_name
        target = self.spec.tables.get(target_table)
        if target is None:
            self.problem(
                f"{loc}.ref",
                f"unknown table {target_table!r}{_hint(target_table, list(self.spec.tables))}",
            )
            return plan
        key = target.columns.get(target_col)
        if key is None:
            self.problem(
                f"{loc}.ref",
                f"unknown column {target_col!r} in table {target_table!r}"
                f"{_hint(target_col, list(target.columns))}",
            )
            return plan
        if not _is_key(key):
            self.problem(
                f"{loc}.ref",
                f"{col.ref} is not a key: reference an id, uuid or unique column",
            )
            return plan
        if isinstance(key, TypeColumn):
            gen = catalog.get(key.type)
            if gen is not None:
                plan.arrow_type = gen.arrow_type(key)
        if plan.self_ref and col.null_rate == 0:
            self.problem(
                f"{loc}.null_rate",
                "a self-reference needs null_rate > 0: the first row has no earlier row to point to",
            )
        return plan

    # -- tables ----------------------------------------------------------------

    def table(self, name: str, table: TableSpec) -> TablePlan:
        loc = f"tables.{name}"
        folded = fold_checks(name, table.checks, dict(table.columns))
        for index, message in folded.problems:
            self.problem(f"{loc}.checks[{index}]", message)
        effective = {**table.columns, **folded.columns}
        columns: dict[str, ColumnPlan] = {}
        for col_name, col in effective.items():
            cloc = f"{loc}.columns.{col_name}"
            if col_name == SCENARIO_COLUMN:
                self.problem(cloc, f"{SCENARIO_COLUMN!r} is reserved for scenario labels")
            if isinstance(col, TypeColumn):
                columns[col_name] = self.type_column(cloc, col_name, col, table)
            elif isinstance(col, RefColumn):
                columns[col_name] = self.ref_column(cloc, col_name, col, name)
            elif isinstance(col, ExprColumn):
                columns[col_name] = ColumnPlan(name=col_name, spec=col)
        links: dict[str, str] = {}
        for col_name, cp in columns.items():
            if cp.kind == "ref" and cp.ref_table and not cp.self_ref:
                links.setdefault(cp.ref_table, col_name)
        link_column = None
        if table.per_parent is not None:
            parent = table.per_parent.table
            if parent not in self.spec.tables:
                self.problem(
                    f"{loc}.per_parent.table",
                    f"unknown table {parent!r}{_hint(parent, list(self.spec.tables))}",
                )
            elif parent == name:
                self.problem(f"{loc}.per_parent.table", "a table cannot be its own per_parent")
            else:
                candidates = [c for c, cp in columns.items() if cp.ref_table == parent]
                if not candidates:
                    self.problem(
                        f"{loc}.per_parent",
                        f"needs a ref column to {parent} (e.g. {parent.rstrip('s')}_id: "
                        f"{{ref: {parent}.id}})",
                    )
                else:
                    link_column = candidates[0]
                    links[parent] = link_column
                    if columns[link_column].spec.null_rate > 0:  # type: ignore[union-attr]
                        self.problem(
                            f"{loc}.columns.{link_column}.null_rate",
                            "the per_parent link cannot be null",
                        )
                self._check_per_parent(loc, table)
        pk = _primary_key(table)
        return TablePlan(
            name=name,
            spec=table,
            columns=columns,
            order=[],
            links=links,
            link_column=link_column,
            scenarios=list(self.spec.scenarios.get(name, [])),
            checks=list(table.checks),
            primary_key=pk,
            locale=self.spec.locale,
        )

    def _check_per_parent(self, loc: str, table: TableSpec) -> None:
        pp = table.per_parent
        assert pp is not None
        if isinstance(pp.dist, PoissonDist):
            hi = pp.max if pp.max is not None else int(pp.dist.lam * 10 + 100)
            if mass_in_range(pp.dist, pp.min, hi) < 1e-6:
                self.problem(
                    f"{loc}.per_parent.dist",
                    f"poisson(lam={pp.dist.lam}) almost never falls in [{pp.min}, {hi}]",
                )
        elif (
            pp.dist is not None
            and pp.dist.kind not in ("uniform", "zipf", "poisson")
            and pp.max is None
        ):
            self.problem(f"{loc}.per_parent.max", f"dist {pp.dist.kind} needs max")

    # -- references between columns -----------------------------------------

    def resolve_refs(self, tp: TablePlan) -> None:
        """Dependencies from expr/after/before/checks, with did-you-mean for unknown names."""
        loc = f"tables.{tp.name}"
        for name, cp in tp.columns.items():
            cloc = f"{loc}.columns.{name}"
            if isinstance(cp.spec, ExprColumn):
                self._expr_refs(tp, cp, f"{cloc}.expr", cp.spec.expr)
            elif isinstance(cp.spec, TypeColumn):
                for side in ("after", "before"):
                    target = getattr(cp.spec, side)
                    if target:
                        bound = self._bound(tp, cp, f"{cloc}.{side}", target)
                        if side == "after":
                            cp.lower = bound
                        else:
                            cp.upper = bound
                for dep in list(cp.deps):
                    if dep not in tp.columns:
                        cp.deps.remove(dep)
                for table, column in cp.parents:
                    self._parent_column(tp, cp, cloc, table, column)
            elif isinstance(cp.spec, RefColumn) and cp.spec.distinct_from:
                self._distinct(tp, cp, f"{cloc}.distinct_from", cp.spec.distinct_from)
        for i, check in enumerate(tp.checks):
            self._check_refs(tp, f"{loc}.checks[{i}]", check)

    def _distinct(self, tp: TablePlan, cp: ColumnPlan, loc: str, other: str) -> None:
        """``distinct_from``: another ref of this table to the same key, drawn before this one."""
        assert isinstance(cp.spec, RefColumn)
        peer = tp.columns.get(other)
        if peer is None or not isinstance(peer.spec, RefColumn):
            choices = [n for n, c in tp.columns.items() if isinstance(c.spec, RefColumn)]
            self.problem(loc, f"{other!r} is not a ref column of this table{_hint(other, choices)}")
        elif other == cp.name:
            self.problem(loc, "a ref cannot be distinct from itself")
        elif peer.spec.ref != cp.spec.ref:
            self.problem(
                loc, f"{other} refers to {peer.spec.ref}, not {cp.spec.ref}: nothing to tell apart"
            )
        elif cp.self_ref or cp.spec.unique or any(cp.name in u for u in tp.spec.unique_sets()):
            self.problem(
                loc, "distinct_from applies to a plain ref (not a self-reference or a unique one)"
            )
        elif cp.spec.distinct_from and peer.spec.distinct_from == cp.name:
            self.problem(
                loc, f"{cp.name} and {other} are each distinct from the other: name it once"
            )
        else:
            cp.deps.append(other)

    def _parent_column(
        self, tp: TablePlan, cp: ColumnPlan, loc: str, table: str, column: str
    ) -> bool:
        if table not in tp.links:
            known = list(tp.links)
            self.problem(
                loc,
                f"{table}.{column}: {tp.name} has no ref column to table {table!r}"
                + (_hint(table, known) if known else ""),
            )
            return False
        parent = self.spec.tables[table]
        if column not in parent.columns:
            self.problem(
                loc,
                f"unknown column {column!r} in table {table!r}{_hint(column, list(parent.columns))}",
            )
            return False
        if tp.links[table] not in cp.deps:
            cp.deps.append(tp.links[table])
        return True

    def _expr_refs(self, tp: TablePlan, cp: ColumnPlan, loc: str, sql: str) -> None:
        try:
            parsed = parse_expr(sql)
        except ExprError as exc:
            self.problem(loc, str(exc))
            return
        for table, column in parsed.references:
            if table is None or table == tp.name:
                if column not in tp.columns:
                    self.problem(
                        loc,
                        f"unknown column {column!r}{_hint(column, list(tp.columns))}",
                        "unknown_column",
                    )
                elif column != cp.name:
                    cp.deps.append(column)
                else:
                    self.problem(loc, "an expression cannot refer to its own column")
            elif self._parent_column(tp, cp, loc, table, column):
                cp.parents.append((table, column))

    def _check_refs(self, tp: TablePlan, loc: str, sql: str) -> None:
        try:
            parsed = parse_expr(sql)
        except ExprError as exc:
            self.problem(loc, str(exc))
            return
        probe = ColumnPlan(name="__check__", spec=ExprColumn(expr=sql))
        for table, column in parsed.references:
            if table is None or table == tp.name:
                if column not in tp.columns:
                    self.problem(
                        loc,
                        f"unknown column {column!r}{_hint(column, list(tp.columns))}",
                        "unknown_column",
                    )
            else:
                self._parent_column(tp, probe, loc, table, column)

    def _bound(self, tp: TablePlan, cp: ColumnPlan, loc: str, target: str) -> Bound | None:
        assert isinstance(cp.spec, TypeColumn)
        gen = cp.generator
        if gen is None:
            return None
        if not isinstance(gen, OrderedGenerator):
            self.problem(loc, f"after/before apply to ordered types, not {cp.spec.type!r}")
            return None
        table, column = (None, target) if "." not in target else tuple(target.split(".", 1))
        if table == tp.name:
            table = None
        other: Any
        if table is None:
            other = tp.spec.columns.get(column)
            if other is None:
                self.problem(
                    loc,
                    f"unknown column {column!r}{_hint(column, list(tp.columns))}",
                    "unknown_column",
                )
                return None
            if column == cp.name:
                self.problem(loc, "a column cannot be after/before itself")
                return None
            cp.deps.append(column)
        else:
            if not self._parent_column(tp, cp, loc, table, column):
                return None
            other = self.spec.tables[table].columns[column]
            cp.parents.append((table, column))
        if not isinstance(other, TypeColumn) or other.type != cp.spec.type:
            self.problem(loc, f"{target} must be a {cp.spec.type} column like this one")
            return None
        own_scale = 2 if cp.spec.scale is None else cp.spec.scale
        if cp.spec.type == "decimal" and (2 if other.scale is None else other.scale) != own_scale:
            # bounds are compared in units of the last place: one grid for both
            self.problem(loc, f"{target} must have the same scale as this column")
            return None
        within = gen.within_units(cp.spec)
        if within is None and cp.spec.max is None and cp.spec.type in ("datetime", "date"):
            within = gen.within_units(TypeColumn(type=cp.spec.type, within=f"{_DEFAULT_WINDOW_S}s"))
        if cp.spec.format or other.format:
            # formatted strings (e.g. "%Y-%m") lose the order the rule is about
            self.problem(loc, "after/before compare values: drop format on either column")
            return None
        return Bound(table, column, within)

    # -- order ---------------------------------------------------------------

    def order_columns(self, tp: TablePlan) -> None:
        deps = {n: [d for d in cp.deps if d in tp.columns] for n, cp in tp.columns.items()}
        order, cycles = topological_order(deps)
        for name, cycle in cycles:
            self.problem(
                f"tables.{tp.name}.columns.{name}", f"columns depend on each other: {cycle}"
            )
        tp.order = order

    def order_tables(self, plans: dict[str, TablePlan]) -> list[TablePlan]:
        edges: dict[str, list[str]] = {name: [] for name in plans}
        for name, tp in plans.items():
            parents: set[str] = set()
            for cp in tp.columns.values():
                if cp.ref_table and not cp.self_ref and cp.ref_table in plans:
                    parents.add(cp.ref_table)
                parents.update(t for t, _ in cp.parents if t in plans and t != name)
            if tp.spec.per_parent and tp.spec.per_parent.table in plans:
                parents.add(tp.spec.per_parent.table)
            edges[name] = sorted(parents)
        order, cycles = topological_order(edges)
        for name, cycle in cycles:
            self.problem(
                f"tables.{name}",
                f"tables reference each other in a cycle: {cycle}; cycles between tables are "
                "not supported: remove one of the refs (a self-reference is fine)",
            )
        return [plans[n] for n in order]

    def dry_run(self, tp: TablePlan, plans: dict[str, TablePlan]) -> None:
        """Bind every expression and check in DuckDB on two typed null rows.

        Two rows, so an aggregate the parser does not know (one value for the
        block) shows; a check that reads no column is a constant: false is
        refused here, since no row could ever meet it.
        """
        columns = {n: pa.nulls(2, cp.arrow_type or pa.string()) for n, cp in tp.columns.items()}
        parents: dict[str, dict[str, pa.Array]] = {}
        for parent in tp.links:
            ptp = plans.get(parent)
            if ptp is not None:
                parents[parent] = {
                    n: pa.nulls(2, cp.arrow_type or pa.string()) for n, cp in ptp.columns.items()
                }
        # expr columns get their inferred types in order
        for name in tp.order:
            cp = tp.columns[name]
            if isinstance(cp.spec, ExprColumn):
                try:
                    (out,) = evaluate([cp.spec.expr], columns, parents)
                    cp.arrow_type = out.type if out.type != pa.null() else pa.string()
                    columns[name] = pa.nulls(2, cp.arrow_type)
                except ExprError as exc:
                    self.problem(f"tables.{tp.name}.columns.{name}.expr", str(exc))
        for i, check in enumerate(tp.checks):
            try:
                (out,) = evaluate([check], columns, parents)
                if not pa.types.is_boolean(out.type):  # a bare NULL too: it crashed the run
                    self.problem(
                        f"tables.{tp.name}.checks[{i}]", "a check must be a boolean expression"
                    )
                elif not parse_expr(check).references and out[0].as_py() is False:
                    self.problem(
                        f"tables.{tp.name}.checks[{i}]",
                        f"{check!r} is always false: no row could meet it",
                    )
            except ExprError as exc:
                self.problem(f"tables.{tp.name}.checks[{i}]", str(exc))

    def run(self) -> Plan:
        self._check_locale("locale", self.spec.locale)
        plans = {name: self.table(name, table) for name, table in self.spec.tables.items()}
        for tp in plans.values():
            self.resolve_refs(tp)
            self.order_columns(tp)
        ordered = self.order_tables(plans)
        self.link_rooms = {}
        for tp in ordered:
            self.keys(tp)
            self.self_ref_readers(tp)
            self.unique_columns(tp)
            self.unique_sets(tp)
        self.scenarios(plans)
        if not self.problems:
            self.order_room(plans)
        if not self.problems:
            for tp in ordered:
                self.dry_run(tp, plans)
        for tp in ordered:
            for cp in tp.columns.values():
                if cp.ref_table in plans and cp.ref_column:
                    plans[cp.ref_table].retain.add(cp.ref_column)
                for table, column in cp.parents:
                    if table in plans:
                        plans[table].retain.add(column)
            for check in tp.checks:
                try:
                    for ref_table, column in parse_expr(check).references:
                        if ref_table is not None and ref_table in plans and ref_table != tp.name:
                            plans[ref_table].retain.add(column)
                except ExprError:
                    pass
        if self.problems:
            raise SpecError(self.problems)
        return Plan(spec=self.spec, tables=ordered)


def _primary_key(table: TableSpec) -> str | None:
    """The table's key: its id column, else its first uuid column, else its first unique one."""
    typed = [
        (n, c) for n, c in table.columns.items() if isinstance(c, TypeColumn) and c.null_rate == 0
    ]
    for wanted in ("id", "uuid"):
        for name, col in typed:
            if col.type == wanted:
                return name
    return next((name for name, col in typed if col.unique), None)


def _is_key(col: Any) -> bool:
    if isinstance(col, TypeColumn):
        return col.type in ("id", "uuid") or col.unique
    return False


def compile_spec(spec: Spec) -> Plan:
    """Check a spec fully and return its plan; raises SpecError listing every problem."""
    return _Compiler(spec).run()


def expected_rows(spec: Spec) -> dict[str, float]:
    """Expected row counts per table (for progress bars and estimates)."""
    out: dict[str, float] = {}

    def rows(name: str) -> float:
        if name in out:
            return out[name]
        table = spec.tables[name]
        extra = sum(s.count or 0 for s in spec.scenarios.get(name, []))
        if table.existing:
            out[name] = 0.0
        elif table.rows is not None:
            out[name] = float(table.rows + extra)
        else:
            pp = table.per_parent
            assert pp is not None
            hi = pp.max if pp.max is not None else pp.min + 10
            mean = getattr(pp.dist, "lam", None) or (pp.min + hi) / 2
            out[name] = rows(pp.table) * float(np.clip(mean, pp.min, hi)) + extra
        return out[name]

    for name in spec.tables:
        rows(name)
    return out


__all__ = [
    "SCENARIO_COLUMN",
    "Bound",
    "ColumnPlan",
    "Plan",
    "TablePlan",
    "compile_spec",
    "expected_rows",
    "scenario_column",
    "topological_order",
]
