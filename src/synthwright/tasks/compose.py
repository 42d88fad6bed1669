"""Offline problems: a domain's templates, composed by level around a computed answer.

A record is assembled from parts chosen by a seeded ``random.Random``: an
opener naming who asks, the base problem when one was given (kept word for
word, so every variation keeps its subject), context sentences, a goal
sentence phrasing the :class:`~.query.QueryPlan` with values taken from the
sample data, a note on the data, the deliverable. Constraints, steps and
success criteria are drawn to the level's :data:`~.complexity.TARGETS`; the
first success criterion states the computed answer, so the record is
checkable. The same inputs and seed always give the same record.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass, field
from typing import Any

from .complexity import TARGETS, measure, score
from .defects import restore
from .domains import Common, Domain, load_common
from .leakage import leaks
from .models import LEVELS, Level, ProblemRecord, created_at, record_id
from .query import QueryPlan, fmt, make_plan
from .sample import Sample

__all__ = ["RecordContext", "compose", "fill"]


@dataclass
class RecordContext:
    """Where a record comes from: the run (seed, fingerprint) and its place in it."""

    seed: int
    fingerprint: str
    prefix: str
    index: int
    base_text: str | None = None
    base_id: str | None = None
    dimensions: dict[str, str] = field(default_factory=dict)


class _Slots(dict[str, str]):
    """Fixed slots first, then one value per vocabulary name drawn for this record."""

    def __init__(self, fixed: dict[str, str], vocab: dict[str, list[str]], rng: random.Random):
        super().__init__(fixed)
        self.vocab = vocab
        self.rng = rng

    def __missing__(self, key: str) -> str:
        if key in self.vocab:
            value = self.rng.choice(self.vocab[key])
            self[key] = value
            return value
        raise KeyError(key)


def fill(template: str, slots: dict[str, str]) -> str:
    """``template`` with its ``{placeholders}`` filled from ``slots``."""
    return string.Formatter().vformat(template, (), slots)


def _join(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def _values(column: dict[str, Any]) -> list[str]:
    values = column.get("values") or []
    return [str(v) for v in values]


def _row_summary(domain: Domain, sample: Sample) -> str:
    names = list(sample)
    root = domain.tables[names[0]]
    rows = sample[names[0]]
    text = f"{len(rows)} {root.nouns if len(rows) != 1 else root.noun}"
    dates = root.columns_of("date")
    if dates and rows:
        values = sorted(str(r[dates[0]])[:10] for r in rows if r.get(dates[0]))
        if values:
            text += f" with {root.label(dates[0])}s from {values[0]} to {values[-1]}"
    extra = [
        f"{len(sample[n])} {domain.tables[n].nouns if len(sample[n]) != 1 else domain.tables[n].noun}"
        for n in names[1:]
    ]
    return text + (", plus " + _join(extra) if extra else "")


def _steps(
    plan: QueryPlan, domain: Domain, slots: dict[str, str], rng: random.Random, level: Level
) -> list[str]:
    root = domain.tables[plan.root]
    core: list[str] = []
    for i, f in enumerate(plan.root_filters()):
        verb = "Filter" if i == 0 else "Narrow them down to"
        core.append(
            f"{verb} the {root.nouns} where {f.phrase(domain)}."
            if i == 0
            else f"{verb} those where {f.phrase(domain)}."
        )
    if plan.kind == "list":
        core.append(f"List the {root.label(root.key)} of every {root.noun} that remains.")
    else:
        if plan.metric_table and plan.metric_table != plan.root:
            child = domain.tables[plan.metric_table]
            link = child.label(child.columns_key(child.parent or plan.root))
            core.append(
                f"Match each {child.noun} to its {domain.tables[child.parent or plan.root].noun} by {link}."
            )
        if plan.kind == "rank":
            core.append(f"Group the matching {root.nouns} by {root.label(plan.group_by or '')}.")
            core.append(f"Compute the {plan.metric_phrase(domain)} for each group.")
            core.append(f"Rank the groups from largest to smallest and keep the top {plan.k}.")
        else:
            core.append(f"Compute the {plan.metric_phrase(domain)}.")
    lo, hi = TARGETS[level].steps
    want = rng.randint(lo, hi)
    pads = [
        "Check the sample for missing or duplicated values before filtering.",
        fill("Write up the result as {deliverable}.", slots),
        "Cross-check the figure against the raw rows it came from.",
        "Note every assumption you had to make.",
    ]
    rng.shuffle(pads)
    while len(core) < want and pads:
        step = pads.pop()
        if step.startswith("Check"):
            core.insert(0, step)
        else:
            core.append(step)
    while len(core) > want:
        last = core.pop()
        core[-1] = core[-1].rstrip(".") + "; then " + last[0].lower() + last[1:]
    return core


def _criteria(plan: QueryPlan, answer: dict[str, Any], domain: Domain) -> str:
    root = domain.tables[plan.root]
    if plan.kind == "list":
        ids = ", ".join(answer["ids"])
        return f"Lists exactly {answer['count']} {root.nouns if answer['count'] != 1 else root.noun}: {ids}."
    matching = f"{answer['count']} matching {root.nouns if answer['count'] != 1 else root.noun}"
    if plan.kind == "total":
        return f"Reports the {plan.metric_phrase(domain)} as {fmt(answer['value'])}, across {matching}."
    ranks = "; ".join(f"{g} ({fmt(v)})" for g, v in answer["ranking"][: plan.k])
    return f"Names the top {plan.k} by {root.label(plan.group_by or '')} in this order: {ranks}."


def _pick_constraints(
    domain: Domain, common: Common, level: Level, slots: dict[str, str], rng: random.Random
) -> list[str]:
    lo, hi = TARGETS[level].constraints
    want = rng.randint(lo, hi)
    own = domain.constraints.get(level, []) + common.constraints.get(level, [])
    lower = [
        t
        for lv in LEVELS[: LEVELS.index(level)]
        for t in domain.constraints.get(lv, []) + common.constraints.get(lv, [])
    ]
    own = rng.sample(own, len(own))
    lower = rng.sample(lower, len(lower))
    take_own = min(len(own), want - (want // 3 if lower else 0))
    chosen = own[:take_own] + lower[: want - take_own]
    chosen += own[take_own : take_own + want - len(chosen)]
    return [fill(t, slots) for t in chosen]


def compose(
    domain: Domain, level: Level, sample: Sample, rng: random.Random, ctx: RecordContext
) -> ProblemRecord:
    """One offline problem record of ``level`` over ``sample`` (see the module docstring)."""
    root = domain.tables[domain.table_names[0]]
    fixed = {
        k: v
        for k, v in ctx.dimensions.items()
        if k in root.columns_of("category") and v in _values(root.columns[k])
    }
    if fixed and sample[domain.table_names[0]]:  # a matrix cell: one root row carries its values
        rows = sample[domain.table_names[0]]
        row = rows[rng.randrange(len(rows))]
        row.update(fixed)
    for _attempt in range(4):  # a plan whose bounds happen to spell its answer is re-drawn
        record = _compose_once(domain, level, sample, rng, ctx, fixed)
        if not leaks(record):
            break
    return finish(record)


def _compose_once(
    domain: Domain,
    level: Level,
    sample: Sample,
    rng: random.Random,
    ctx: RecordContext,
    fixed: dict[str, str],
) -> ProblemRecord:
    common = load_common()
    root = domain.tables[domain.table_names[0]]
    plan = make_plan(domain, level, sample, rng, fixed)
    answer = plan.answer(sample, domain)
    slots = _Slots(
        {
            "actor": rng.choice(domain.actors),
            "audience": rng.choice(domain.audiences),
            "tool": rng.choice(domain.tools),
            "deliverable": rng.choice(domain.deliverables),
            "noun": root.noun,
            "nouns": root.nouns,
            "key_label": root.label(root.key),
            "filters": _join([f.phrase(domain, rng.randint(0, 1)) for f in plan.root_filters()]),
            "metric": plan.metric_phrase(domain) if plan.kind != "list" else "",
            "group_label": root.label(plan.group_by or ""),
            "k": str(plan.k),
            "row_summary": _row_summary(domain, sample),
            "domain_title": domain.title,
        },
        {**common.vocab, **domain.vocab},
        rng,
    )
    parts = [fill(rng.choice(common.openers), slots)]
    if ctx.base_text:
        base = ctx.base_text.strip()
        parts.append(base if base.endswith((".", "?", "!")) else base + ".")
    n_context = {"simple": rng.randint(0, 1), "medium": 1, "complex": 2}[level]
    parts += [
        fill(t, slots) for t in rng.sample(domain.context, min(n_context, len(domain.context)))
    ]
    goal = fill(rng.choice(domain.goals[plan.kind]), slots)
    parts.append(("To start, " + goal[0].lower() + goal[1:]) if ctx.base_text else goal)
    parts.append(fill(rng.choice(common.data_notes), slots))
    if level != "simple" or rng.random() < 0.5:
        parts.append(fill(rng.choice(common.deliver), slots))
    other = {k: v for k, v in ctx.dimensions.items() if k not in fixed}
    if other:
        parts.append(
            "Setting: " + "; ".join(f"{k.replace('_', ' ')}: {v}" for k, v in other.items()) + "."
        )
    statement = " ".join(p.strip() for p in parts if p.strip())
    statement = statement[0].upper() + statement[1:]
    constraints = _pick_constraints(domain, common, level, slots, rng)
    steps = _steps(plan, domain, slots, rng, level)
    lo, hi = TARGETS[level].criteria
    pool = [*domain.success_criteria, *common.success_criteria]
    criteria = [_criteria(plan, answer, domain)]
    criteria += [fill(t, slots) for t in rng.sample(pool, min(len(pool), rng.randint(lo, hi) - 1))]
    return ProblemRecord.model_construct(  # built from checked parts: no second validation
        problem_id=record_id(ctx.prefix, ctx.fingerprint, ctx.index),
        problem_statement=statement,
        constraints=constraints,
        success_criteria=criteria,
        sample_data=sample,
        domain=domain.name,
        complexity=level,
        base_problem_id=ctx.base_id,
        created_at=created_at(ctx.index),
        seed=ctx.seed,
        config_fingerprint=ctx.fingerprint,
        source="template",
        steps=steps,
        expected={"answer": answer, "query": _describe(plan)},
        dimensions=dict(ctx.dimensions) or None,
    )


def finish(record: ProblemRecord) -> ProblemRecord:
    """Store the measured counts and the complexity score with the record.

    Defects planted by an adversarial mutation do not count: the record is
    measured on its sample as it should be.
    """
    defects = (record.expected or {}).get("defects")
    if defects and record.sample_data:
        clean = record.model_copy(update={"sample_data": restore(record.sample_data, defects)})
        record.metrics = measure(clean)
    else:
        record.metrics = measure(record)
    record.complexity_score = score(record.metrics)
    return record


def _describe(plan: QueryPlan) -> dict[str, Any]:
    return {
        "kind": plan.kind,
        "table": plan.root,
        "filters": [
            {"table": f.table, "column": f.column, "op": f.op, "value": f.value, "mode": f.mode}
            for f in plan.filters
        ],
        "metric": None
        if plan.kind == "list"
        else {"table": plan.metric_table, "column": plan.metric_column, "agg": plan.agg},
        "group_by": plan.group_by,
        "k": plan.k if plan.kind == "rank" else None,
    }
