"""Plant truth records: turn a spec's ``truth:`` section into engine scenarios.

Each planted row and each near miss becomes a one-row scenario of its
table, appended after the spec's own scenarios, so the engine makes it with
everything it guarantees -- keys, foreign keys, windows, checks, the
columns the predicates do not name -- and the compiler refuses what cannot
hold. A root table keeps its row count (the planted rows replace generated
ones: a truth set larger than the table is refused); a per_parent table
gets them added, as scenarios do. Their rows are the table's last ones, in
the order of :attr:`Planting.roles`, which is how the manifest finds their
keys.

Per planted row the predicate columns get values that satisfy them (a near
miss: all but one, which it fails, spread over the predicates in turn).
A row also belongs to one of the table's sub-populations -- the ``share``
scenarios the spec itself writes (an iOS phone, a folder row) -- whose other
values it takes, and its file and place columns are derived together from
the planted values (``_coherence``), so a planted row looks like any other.

Everything that cannot be planted is refused before anything runs, every
problem at its place in the truth section (``truth.files[0].match.extension``).
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..catalog import stable_hash
from ..engine.compile import compile_spec
from ..engine.plan import Plan, TablePlan
from ..errors import Problem, SpecError
from ..spec import Override, Scenario, Spec, TypeColumn
from ..spec._truth import DEFAULT_NOW, TruthQuery, parse_now
from ._coherence import Check, file_values, place_values
from ._columns import FILE_TYPES, PLACE_TYPES, ColumnInfo, column_info, quote_ident
from ._predicates import PredicateError, Resolved, resolve
from ._values import column_value

__all__ = ["Planting", "QueryPlan", "Role", "plant", "relocate"]


@dataclass
class Role:
    """One planted row: of which query, which predicate it fails (None: it matches), its values."""

    query: int
    violates: str | None
    values: dict[str, Any]


@dataclass
class QueryPlan:
    """A truth query resolved against its table."""

    table: str
    index: int
    name: str
    description: str | None
    key: str
    predicates: list[Resolved]
    count: int
    near_misses: int
    unviolable: dict[str, str] = field(default_factory=dict)  # column -> why no near miss fails it

    @property
    def sql(self) -> str:
        """The DuckDB query selecting the key of every matching row."""
        where = " AND ".join(p.sql() for p in self.predicates)
        key = quote_ident(self.key)
        return f"SELECT {key} FROM {quote_ident(self.table)} WHERE {where} ORDER BY {key}"


@dataclass
class Planting:
    """The spec to generate (``spec``), the resolved queries and the planted rows per table."""

    spec: Spec
    now: dt.datetime
    seed: int
    queries: list[QueryPlan]
    roles: dict[str, list[Role]]  # per table, in scenario order: the table's last rows
    plan: Plan | None = None  # the compiled planted spec (compiled once, to check it)

    @property
    def has_truth(self) -> bool:
        return bool(self.queries)


def _hint(name: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(name, choices, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _rng(seed: int, *parts: object) -> np.random.Generator:
    keys = [stable_hash(str(p)) & 0xFFFFFFFF for p in parts]
    return np.random.default_rng([seed & 0xFFFFFFFF, (seed >> 32) & 0xFFFFFFFF, *keys])


def plant(spec: Spec, *, seed: int) -> Planting:
    """The planting of ``spec``'s truth section (the spec unchanged when it has none).

    Raises:
        SpecError: every truth problem, located in the truth section (and the
            spec's own problems, as compiling it reports them).
    """
    now = parse_now(spec.now or DEFAULT_NOW)
    if not spec.truth:
        return Planting(spec, now, seed, [], {})
    plan = compile_spec(spec)  # the spec's own problems first, where it writes them
    planner = _Planner(spec, plan, now, seed)
    queries, roles = planner.run()
    if planner.problems:
        raise SpecError(planner.problems)
    planted = spec.model_copy(deep=True)
    planted.truth = planted.presets = None  # applied: planting it again would plant twice
    for table, table_roles in roles.items():
        scenarios = planted.scenarios.setdefault(table, [])
        for k, role in enumerate(table_roles):
            label = "match" if role.violates is None else f"miss.{role.violates}"
            scenarios.append(
                Scenario(
                    name=f"truth.{queries[role.query].name}.{k}.{label}", count=1, set=role.values
                )
            )
        ts = planted.tables[table]
        if ts.rows is not None:
            ts.rows -= len(table_roles)
    planting = Planting(planted, now, seed, queries, roles)
    try:
        planting.plan = compile_spec(planted)
    except SpecError as exc:
        raise SpecError(relocate(exc.problems, planting)) from None
    return planting


def relocate(problems: list[Problem], planting: Planting) -> list[Problem]:
    """Problems the engine found with planted scenarios, moved to where the truth set says them."""
    roles, queries = planting.roles, planting.queries
    own = {t: len(planting.spec.scenarios.get(t, [])) - len(r) for t, r in roles.items()}
    out: list[Problem] = []
    for p in problems:
        loc = p.location
        moved = None
        for table, table_roles in roles.items():
            head = f"scenarios.{table}"
            if loc == head:
                moved = Problem(f"truth.{table}", p.message, p.code)
                break
            if not loc.startswith(head + "["):
                continue
            j = int(loc[len(head) + 1 : loc.index("]")])
            if j < own[table]:
                break
            role = table_roles[j - own[table]]
            q = queries[role.query]
            rest = loc[loc.index("]") + 1 :]
            column = rest.removeprefix(".set.").split(".", 1)[0] if rest.startswith(".set.") else ""
            what = "a planted row" if role.violates is None else f"a near miss of {role.violates}"
            if column and column in {pr.column for pr in q.predicates}:
                where = f"truth.{table}[{q.index}].match.{column}"
                msg = f"{p.message} ({what})"
            else:
                where = f"truth.{table}[{q.index}]"
                msg = f"{what} sets {column or 'its row'}: {p.message}"
            moved = Problem(where, msg, p.code)
            break
        moved = moved or p
        if moved not in out:  # one problem per place, not one per planted row
            out.append(moved)
    return out


class _Planner:
    """Resolves every query and builds its rows; collects problems instead of raising."""

    def __init__(self, spec: Spec, plan: Plan, now: dt.datetime, seed: int) -> None:
        self.spec = spec
        self.plan = plan
        self.now = now
        self.seed = seed
        self.problems: list[Problem] = []

    def problem(self, where: str, message: str, code: str = "truth") -> None:
        self.problems.append(Problem(where, message, code))

    def run(self) -> tuple[list[QueryPlan], dict[str, list[Role]]]:
        queries: list[QueryPlan] = []
        roles: dict[str, list[Role]] = {}
        seen: dict[str, str] = {}
        tables = {tp.name: tp for tp in self.plan.tables}
        assert self.spec.truth is not None
        for table, items in self.spec.truth.items():
            where = f"truth.{table}"
            tp = tables.get(table)
            if tp is None:
                self.problem(
                    where, f"unknown table {table!r}{_hint(table, list(tables))}", "unknown_table"
                )
                continue
            if tp.spec.existing:
                self.problem(
                    where, "an existing table is not generated: nothing can be planted in it"
                )
                continue
            if tp.primary_key is None:
                self.problem(
                    where, "a truth table needs a key column (an id, a uuid or a unique column)"
                )
                continue
            for i, query in enumerate(items):
                qloc = f"{where}[{i}]"
                if query.name in seen:
                    self.problem(
                        f"{qloc}.name",
                        f"query name {query.name!r} is used twice (also at {seen[query.name]}); "
                        "names are unique in the spec",
                    )
                seen[query.name] = qloc
                resolved = self.resolve(tp, query, qloc)
                if resolved is None:
                    continue
                qp = QueryPlan(
                    table,
                    i,
                    query.name,
                    query.description,
                    tp.primary_key,
                    resolved,
                    query.count,
                    query.near_misses,
                )
                queries.append(qp)
                roles.setdefault(table, []).extend(self.rows(tp, qp, len(queries) - 1, qloc))
            planted = len(roles.get(table, []))
            if tp.spec.rows is not None and planted > tp.spec.rows:
                self.problem(
                    where,
                    f"the truth set plants {planted} rows (counts and near misses) but the "
                    f"table has {tp.spec.rows}",
                    "capacity",
                )
        return queries, roles

    # -- queries ---------------------------------------------------------------------

    def resolve(self, tp: TablePlan, query: TruthQuery, qloc: str) -> list[Resolved] | None:
        out: list[Resolved] = []
        ok = True
        for column, pred in query.match.items():
            loc = f"{qloc}.match.{column}"
            cp = tp.columns.get(column)
            if cp is None:
                self.problem(
                    loc,
                    f"unknown column {column!r}{_hint(column, list(tp.columns))}",
                    "unknown_column",
                )
                ok = False
                continue
            info = column_info(cp, tp.primary_key)
            if isinstance(info, str):
                self.problem(loc, info)
                ok = False
                continue
            try:
                resolved = resolve(column, pred, info, self.now)
            except PredicateError as exc:
                self.problem(loc, str(exc))
                ok = False
                continue
            if info.kind in ("file", "place") and resolved.kind == "sql":
                self.problem(
                    loc,
                    f"an sql predicate cannot plant a {info.type} column; use a literal, like, in or min/max",
                )
                ok = False
                continue
            out.append(resolved)
        return out if ok else None

    # -- rows ---------------------------------------------------------------------------

    def rows(self, tp: TablePlan, qp: QueryPlan, qi: int, qloc: str) -> list[Role]:
        out: list[Role] = []
        for k in range(qp.count):
            values, why = self.build(tp, qp, None, _rng(self.seed, tp.name, qp.name, "match", k), k)
            if values is None:
                self.problem(qloc, f"cannot plant a matching row: {why}")
                return out
            out.append(Role(qi, None, values))
        if not qp.near_misses:
            return out
        violable = []
        for pred in qp.predicates:
            values, why = self.build(tp, qp, pred, _rng(self.seed, tp.name, qp.name, "probe"), 0)
            if values is None:
                qp.unviolable[pred.column] = why
            else:
                violable.append(pred)
        if not violable:
            reasons = "; ".join(qp.unviolable.values())
            self.problem(f"{qloc}.near_misses", f"no predicate can be failed alone ({reasons})")
            return out
        for k in range(qp.near_misses):
            pred = violable[k % len(violable)]
            rng = _rng(self.seed, tp.name, qp.name, "miss", k)
            values, why = self.build(tp, qp, pred, rng, k // len(violable))
            if values is None:
                self.problem(f"{qloc}.match.{pred.column}", f"cannot plant a near miss: {why}")
                return out
            out.append(Role(qi, pred.column, values))
        return out

    def build(
        self,
        tp: TablePlan,
        qp: QueryPlan,
        violate: Resolved | None,
        rng: np.random.Generator,
        side: int,
    ) -> tuple[dict[str, Any] | None, str]:
        """Scenario values of one row, in one of the table's sub-populations."""
        checks: dict[str, list[Check]] = {p.column: [(p, p is not violate)] for p in qp.predicates}
        populations = self.populations(tp)
        weights = np.array([w for w, _ in populations], dtype=np.float64)
        # a weighted order without replacement (Efraimidis-Spirakis): the first that fits is taken
        keys = rng.random(len(populations)) ** (1.0 / np.maximum(weights, 1e-300))
        why = "no sub-population of the table (its share scenarios) fits"
        for i in np.argsort(-keys, kind="stable"):
            weight, fixed = populations[int(i)]
            if weight <= 0:
                continue
            values, reason = self.build_in(tp, qp, checks, fixed, rng, side)
            if values is not None:
                return values, ""
            why = reason
        return None, why

    def populations(self, tp: TablePlan) -> list[tuple[float, dict[str, Any]]]:
        """The table's ``share`` scenarios and the rest of its rows, with their shares."""
        shares = [s for s in self.spec.scenarios.get(tp.name, []) if s.share is not None]
        rest = max(0.0, 1.0 - sum(s.share or 0.0 for s in shares))
        return [(rest, {})] + [(float(s.share or 0.0), dict(s.set)) for s in shares]

    def build_in(
        self,
        tp: TablePlan,
        qp: QueryPlan,
        checks: dict[str, list[Check]],
        fixed: dict[str, Any],
        rng: np.random.Generator,
        side: int,
    ) -> tuple[dict[str, Any] | None, str]:
        values: dict[str, Any] = dict(fixed)
        groups: dict[str, dict[str, str]] = {"file": {}, "place": {}}
        for name, cp in tp.columns.items():
            col = cp.spec
            if not isinstance(col, TypeColumn):
                continue
            if col.type in FILE_TYPES:
                groups["file"][name] = col.type
            elif col.type in PLACE_TYPES or (col.type == "currency_code" and col.values is None):
                groups["place"][name] = col.type
        touched = {g for g, cols in groups.items() if any(c in checks for c in cols)}
        for pred in qp.predicates:
            if pred.info.kind in ("file", "place"):
                continue
            want = checks[pred.column][0][1]
            given = fixed.get(pred.column)
            if (
                pred.info.kind == "text"
                and pred.column in fixed
                and not isinstance(given, Override)
            ):
                if given is None or pred.kind == "sql" or pred.holds(given) != want:
                    return None, f"the sub-population's {pred.column} is {given!r}"
                continue
            info = self.narrowed(pred.info, given, pred.column in fixed)
            if info is None:
                return None, f"the sub-population's {pred.column} is not a value of the column"
            value, why = column_value(info, pred, want, rng, self.seed, side)
            if value is None:
                return None, f"{pred.column}: {why}"
            values[pred.column] = value
        for group in touched:
            cols = groups[group]
            unique = [c for c in cols if getattr(tp.columns[c].spec, "unique", False)]
            if unique:
                return None, (
                    f"planting would have to set {', '.join(unique)} to keep the row's "
                    f"{group} columns coherent, and a unique column cannot take planted values"
                )
            group_checks = {c: list(checks.get(c, [])) for c in cols}
            for c in cols:
                extra = _fixed_check(c, fixed, tp, qp) if c in fixed else None
                if extra is not None:
                    group_checks[c].append((extra, True))
            if group == "file":
                got, why = file_values(cols, group_checks, rng, self.user(rng))
            else:
                got, why = place_values(cols, group_checks, tp.spec, tp.locale, rng)
            if got is None:
                return None, why
            values.update(got)
        return values, ""

    def narrowed(self, info: ColumnInfo, fixed: Any, present: bool) -> ColumnInfo | None:
        """The column as a sub-population sees it (its scenario's value or range)."""
        if not present:
            return info
        if fixed is None:
            return None
        col = info.col
        if isinstance(fixed, Override):
            update = {
                k: v for k, v in fixed.model_dump(exclude_none=True).items() if k != "null_rate"
            }
        elif info.kind in ("category", "bool"):
            update = (
                {"values": [fixed]} if info.kind == "category" else {"p": 1.0 if fixed else 0.0}
            )
        elif info.kind in ("ordered", "float"):
            update = {"min": fixed, "max": fixed}
        else:
            return info
        narrowed = col.model_copy(update=update)
        out = ColumnInfo(info.name, info.plan, narrowed, info.kind)
        if info.kind == "ordered":
            out.lo, out.hi = out.gen.bounds(narrowed)
        elif info.kind == "float":
            out.lo = info.lo if narrowed.min is None else float(narrowed.min)
            out.hi = info.hi if narrowed.max is None else float(narrowed.max)
        return out

    def user(self, rng: np.random.Generator) -> str:
        from ..catalog import _pools  # the catalogue's own first names, for paths

        names = _pools.names().first_ascii
        return str(names[int(rng.integers(len(names)))]).lower()


def _fixed_check(
    column: str, fixed: dict[str, Any], tp: TablePlan, qp: QueryPlan
) -> Resolved | None:
    """A sub-population's value of a file or place column as a predicate it must keep."""
    value = fixed[column]
    info = column_info(tp.columns[column], tp.primary_key)
    if isinstance(info, str):
        return None
    if isinstance(value, Override):
        if value.values is None:
            return None
        return Resolved(column, info, "in", values=list(value.values))
    if value is None:
        return None
    return Resolved(column, info, "eq", value=value)
