"""What a problem asks of its sample data, and the answer, computed.

A :class:`QueryPlan` is the checkable core of an offline problem: filters on
the root table (and on a child table), a metric, optionally a grouping and a
top-k. Filters are anchored on a real row (a category value it has, a
threshold it passes), so the answer is never empty; :meth:`QueryPlan.answer`
evaluates the plan over the sample, so every record carries its expected
answer and a success criterion that states it -- the record can be graded
without a model. Levels differ in kind: ``list`` (simple: one filter, list
the keys), ``total`` (medium: two filters, a sum/mean/max or a count over a
join), ``rank`` (complex: three filters across tables, grouped, top k).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from typing import Any

from .domains import Domain, TableDef
from .models import Level
from .sample import Sample, tables_for

__all__ = ["Filter", "QueryPlan", "fmt", "make_plan"]

_AGG_WORDS = {"sum": "total", "mean": "average", "max": "largest"}


def fmt(value: Any) -> str:
    """A value as a problem states it (money with two decimals, integers plain)."""
    if isinstance(value, float):
        return f"{value:,.2f}" if not value.is_integer() else f"{int(value):,}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}" if abs(value) >= 10000 else str(value)
    return str(value)


@dataclass(frozen=True)
class Filter:
    """``column op value`` on one table; ``mode`` says how a child filter applies."""

    table: str
    column: str
    op: str  # = | >= | <=
    value: Any
    mode: str = "root"  # root | exists (root has such a child) | restrict (metric rows)

    def holds(self, row: dict[str, Any]) -> bool:
        got = row.get(self.column)
        if got is None:
            return False
        if self.op == "=":
            return bool(got == self.value)
        return bool(got >= self.value if self.op == ">=" else got <= self.value)

    def phrase(self, domain: Domain, variant: int = 0) -> str:
        table = domain.tables[self.table]
        label = table.label(self.column)
        value = fmt(self.value)
        if self.op == "=":
            core = (f"the {label} is {value}", f"{label} is '{value}'")[variant % 2]
        elif table.kind(self.column) == "date":
            word = "on or after" if self.op == ">=" else "on or before"
            core = f"the {label} is {word} {value}"
        else:
            words = (("at least", "no less than"), ("at most", "no more than"))
            core = f"the {label} is {words[self.op != '>='][variant % 2]} {value}"
        if self.mode == "exists":
            return f"they have at least one {table.noun} whose {core.removeprefix('the ')}"
        return core


@dataclass
class QueryPlan:
    """Filters + metric (+ group, top k) over a domain's sample tables."""

    kind: str  # list | total | rank
    root: str
    filters: list[Filter]
    metric_table: str | None = None
    metric_column: str | None = None  # None with a metric table: count of its rows
    agg: str = "sum"
    group_by: str | None = None
    k: int = 2
    child_tables: list[str] = field(default_factory=list)

    def root_filters(self) -> list[Filter]:
        return [f for f in self.filters if f.mode != "restrict"]

    def restrict_filters(self) -> list[Filter]:
        return [f for f in self.filters if f.mode == "restrict"]

    def _roots(self, sample: Sample, domain: Domain) -> list[dict[str, Any]]:
        roots = []
        for row in sample[self.root]:
            ok = True
            for f in self.root_filters():
                if f.mode == "root":
                    ok = ok and f.holds(row)
                else:
                    ok = ok and any(f.holds(c) for c in _children(sample, domain, f.table, row))
            if ok:
                roots.append(row)
        return roots

    def _value(self, rows: list[dict[str, Any]], sample: Sample, domain: Domain) -> float:
        if self.metric_table is None or self.metric_table == self.root:
            column = self.metric_column or ""
            values = [float(r[column]) for r in rows if r.get(column) is not None]
        else:
            kids = [
                c
                for r in rows
                for c in _children(sample, domain, self.metric_table, r)
                if all(f.holds(c) for f in self.restrict_filters())
            ]
            if self.metric_column is None:
                return float(len(kids))
            values = [
                float(c[self.metric_column]) for c in kids if c.get(self.metric_column) is not None
            ]
        if not values:
            return 0.0
        if self.agg == "mean":
            return round(sum(values) / len(values), 2)
        if self.agg == "max":
            return round(max(values), 2)
        return round(math.fsum(values), 2)

    def answer(self, sample: Sample, domain: Domain) -> dict[str, Any]:
        """The expected answer of this plan on ``sample``."""
        key = domain.tables[self.root].key
        roots = self._roots(sample, domain)
        ids = sorted(str(r[key]) for r in roots)
        if self.kind == "list":
            return {"ids": ids, "count": len(ids)}
        if self.kind == "total":
            return {"value": self._value(roots, sample, domain), "count": len(ids), "ids": ids}
        groups: dict[str, list[dict[str, Any]]] = {}
        for row in roots:
            groups.setdefault(str(row[self.group_by]), []).append(row)  # type: ignore[index]
        totals = {g: self._value(rows, sample, domain) for g, rows in groups.items()}
        ranking = sorted(totals.items(), key=lambda item: (-item[1], item[0]))
        return {
            "ranking": [[g, v] for g, v in ranking],
            "top": [g for g, _ in ranking[: self.k]],
            "count": len(ids),
            "ids": ids,
        }

    def metric_phrase(self, domain: Domain) -> str:
        """``total refund amount (USD) of refunds whose reason is goodwill`` and the like."""
        table = domain.tables[self.metric_table or self.root]
        if self.metric_column is None:
            text = f"number of {table.nouns}"
        else:
            text = f"{_AGG_WORDS[self.agg]} {table.label(self.metric_column)}"
            if self.metric_table and self.metric_table != self.root:
                text += f" of their {table.nouns}"
        restrict = self.restrict_filters()
        if restrict:
            text += " counting only " + table.nouns + " whose "
            text += " and ".join(f.phrase(domain).removeprefix("the ") for f in restrict)
        return text


def _children(
    sample: Sample, domain: Domain, table: str, root: dict[str, Any]
) -> list[dict[str, Any]]:
    """Rows of ``table`` that belong to ``root`` (directly or through their parent)."""
    index = _index(sample, domain)
    key = domain.tables[domain.table_names[0]].key
    return index.get(table, {}).get(root[key], [])


_INDEXES: dict[int, tuple[Sample, dict[str, dict[Any, list[dict[str, Any]]]]]] = {}


def _index(sample: Sample, domain: Domain) -> dict[str, dict[Any, list[dict[str, Any]]]]:
    """Each child table's rows by the key of the root row they belong to (built once per sample).

    Kept for the last few samples only, by identity (the sample itself is held
    with its index, so an id is never reused while its entry lives).
    """
    found = _INDEXES.get(id(sample))
    if found is not None and found[0] is sample:
        return found[1]
    names = list(sample)
    root = domain.tables[names[0]]
    owner: dict[str, dict[Any, Any]] = {
        names[0]: {r[root.key]: r[root.key] for r in sample[names[0]]}
    }
    index: dict[str, dict[Any, list[dict[str, Any]]]] = {}
    for name in names[1:]:
        tdef = domain.tables[name]
        parent = tdef.parent or names[0]
        link = tdef.columns_key(parent)
        owner[name] = {}
        rows_by_root: dict[Any, list[dict[str, Any]]] = {}
        for row in sample[name]:
            top = owner.get(parent, {}).get(row.get(link))
            if top is None:
                continue
            owner[name][row.get(tdef.key)] = top
            rows_by_root.setdefault(top, []).append(row)
        index[name] = rows_by_root
    if len(_INDEXES) > 64:
        _INDEXES.clear()
    _INDEXES[id(sample)] = (sample, index)
    return index


def _nice_floor(x: float) -> float:
    if x <= 10:
        return float(math.floor(x))
    step = 10 ** (len(str(int(abs(x)))) - 2)
    return float(math.floor(x / step) * step)


def _nice_ceil(x: float) -> float:
    if x <= 10:
        return float(math.ceil(x))
    step = 10 ** (len(str(int(abs(x)))) - 2)
    return float(math.ceil(x / step) * step)


def _anchored(
    table: str,
    column: str,
    row: dict[str, Any],
    domain: Domain,
    rng: random.Random,
    mode: str,
    rows: list[dict[str, Any]],
) -> Filter:
    """A filter ``row`` passes; numeric and date bounds sit at or past the median, so
    about half the rows pass too and the answer is not a single row."""
    tdef = domain.tables[table]
    kind = tdef.kind(column)
    value = row[column]
    if kind == "category":
        return Filter(table, column, "=", value, mode)
    values = sorted(r[column] for r in rows if r.get(column) is not None)
    median = values[len(values) // 2] if values else value
    up = rng.random() < 0.6
    if kind == "date":
        import datetime as dt

        edge = min(str(value), str(median)) if up else max(str(value), str(median))
        day = dt.date.fromisoformat(edge[:10])
        shift = dt.timedelta(days=rng.randint(0, 6))
        day = (day - shift) if up else (day + shift)
        return Filter(table, column, ">=" if up else "<=", day.isoformat(), mode)
    whole = tdef.columns[column].get("type") == "int"
    edge_value = float(min(value, median) if up else max(value, median))
    limit = _nice_floor(edge_value) if up else _nice_ceil(edge_value)
    return Filter(
        table,
        column,
        ">=" if up else "<=",
        int(limit) if whole or limit.is_integer() else limit,
        mode,
    )


def _metric(table: TableDef, rng: random.Random) -> tuple[str, str]:
    column = rng.choice(table.columns_of("numeric"))
    return column, rng.choice(table.aggs_of(column))


def make_plan(
    domain: Domain,
    level: Level,
    sample: Sample,
    rng: random.Random,
    fixed: dict[str, str] | None = None,
) -> QueryPlan:
    """A plan of the level's kind whose filters an anchor row passes (answers are non-empty).

    ``fixed`` maps root category columns to values a matrix cell imposes:
    they become filters. A ranking is re-planned (a few seeded tries) until
    at least two groups compete.
    """
    best: QueryPlan | None = None
    for _ in range(6):
        plan = _plan_once(domain, level, sample, rng, fixed or {})
        if plan.kind != "rank":
            return plan
        groups = len(plan.answer(sample, domain)["ranking"])
        if best is None or groups > len(best.answer(sample, domain)["ranking"]):
            best = plan
        if groups >= 2:
            break
    assert best is not None
    best.k = max(1, min(best.k, len(best.answer(sample, domain)["ranking"])))
    return best


def _plan_once(
    domain: Domain, level: Level, sample: Sample, rng: random.Random, fixed: dict[str, str]
) -> QueryPlan:
    order = tables_for(domain, level)
    root = order[0]
    rdef = domain.tables[root]
    rows = sample[root]
    children = order[1:]
    cats = rdef.columns_of("category")
    fitting = [r for r in rows if all(r.get(c) == v for c, v in fixed.items() if c in cats)]
    candidates = [r for r in fitting if all(_children(sample, domain, c, r) for c in children)]
    anchor = rng.choice(candidates or fitting or rows)
    filters: list[Filter] = [Filter(root, c, "=", v) for c, v in fixed.items() if c in cats]
    used = {f.column for f in filters}
    kind = {"simple": "list", "medium": "total", "complex": "rank"}[level]
    group_by = None
    if kind == "rank":
        free = [c for c in cats if c not in used]
        if free:
            group_by = rng.choice(free)
        else:
            kind = "total"
    pool = [
        c
        for c in cats + rdef.columns_of("numeric") + rdef.columns_of("date")
        if c not in used and c != group_by
    ]
    rng.shuffle(pool)
    if level == "simple":  # one category filter reads best for a list
        pool.sort(key=lambda c: rdef.kind(c) != "category")
    elif kind == "rank":  # a loose numeric/date bound keeps several groups in play
        pool.sort(key=lambda c: rdef.kind(c) == "category")
    root_want = {"simple": 1, "medium": 2, "complex": 1}[level]
    while len(filters) < root_want and pool:
        filters.append(_anchored(root, pool.pop(0), anchor, domain, rng, "root", rows))
    plan = QueryPlan(kind=kind, root=root, filters=filters, group_by=group_by)
    if level == "medium":
        if rng.random() < 0.5:
            plan.metric_table = root
            plan.metric_column, plan.agg = _metric(rdef, rng)
        else:
            plan.metric_table = children[0]
            cdef = domain.tables[children[0]]
            if rng.random() < 0.3:
                plan.metric_column, plan.agg = None, "sum"  # a count of the children
            else:
                plan.metric_column, plan.agg = _metric(cdef, rng)
    elif level == "complex":
        metric_child, other = children if rng.random() < 0.5 else children[::-1]
        mdef, odef = domain.tables[metric_child], domain.tables[other]
        plan.metric_table = metric_child
        plan.metric_column, plan.agg = _metric(mdef, rng)
        kids = _children(sample, domain, other, anchor)
        ocols = odef.columns_of("category") + odef.columns_of("numeric")
        if kids and ocols:
            pick = rng.choice(kids)
            plan.filters.append(
                _anchored(other, rng.choice(ocols), pick, domain, rng, "exists", sample[other])
            )
        mkids = _children(sample, domain, metric_child, anchor)
        mcols = [c for c in mdef.columns_of("category") if c != plan.metric_column]
        if mkids and mcols:
            pick = rng.choice(mkids)
            plan.filters.append(
                _anchored(
                    metric_child,
                    rng.choice(mcols),
                    pick,
                    domain,
                    rng,
                    "restrict",
                    sample[metric_child],
                )
            )
        while len(plan.filters) < 3 and pool:
            plan.filters.append(_anchored(root, pool.pop(0), anchor, domain, rng, "root", rows))
        groups = {str(r[group_by]) for r in rows} if group_by else set()
        plan.k = 3 if len(groups) >= 4 else 2
    return plan


def plan_from_dict(data: dict[str, Any]) -> QueryPlan:
    """The plan a record's ``expected.query`` describes (the inverse of compose's description)."""
    metric = data.get("metric") or {}
    return QueryPlan(
        kind=str(data["kind"]),
        root=str(data["table"]),
        filters=[
            Filter(f["table"], f["column"], f["op"], f["value"], f.get("mode", "root"))
            for f in data.get("filters", [])
        ],
        metric_table=metric.get("table"),
        metric_column=metric.get("column"),
        agg=metric.get("agg", "sum"),
        group_by=data.get("group_by"),
        k=int(data.get("k") or 2),
    )
