"""The ``tasks`` commands as functions: jobs, batches, checkpoints, records.

Each command turns its options into a config (hashed into the records'
``config_fingerprint``) and a list of jobs, runs the jobs in batches and
returns a :class:`Result`. Records are deterministic by seed: every job's
random choices come from a ``random.Random`` seeded by (fingerprint, job
index), and each batch's sample data from one engine run seeded the same
way. With an LLM client, finished batches are checkpointed beside the
output (see :mod:`.checkpoint`) so ``--resume`` never repeats a paid call;
offline runs are cheap and reproducible, so they are simply run again.
"""

from __future__ import annotations

import hashlib
import itertools
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import Problem, SpecError
from .checkpoint import Checkpoint
from .complexity import TARGETS
from .compose import RecordContext, compose
from .domains import Domain, load_domain
from .models import LEVELS, Interaction, Level, ProblemRecord, canonical_json, fingerprint
from .sample import make_samples

if TYPE_CHECKING:
    from ..llm import LLMClient

__all__ = [
    "Result",
    "Run",
    "run_adversarial",
    "run_dataset",
    "run_expand",
    "run_interactions",
    "run_matrix",
    "run_variations",
]


@dataclass
class Run:
    """How to run: seed, optional model, where checkpoints go, progress callback."""

    seed: int = 0
    client: LLMClient | None = None
    out: Path | None = None
    resume: bool = False
    batch_size: int | None = None
    on_progress: Callable[[int, int], None] | None = None


@dataclass
class Result:
    """What a command made, plus what the graph needs to draw its relations."""

    records: list[ProblemRecord] = field(default_factory=list)
    interactions: list[Interaction] = field(default_factory=list)
    fingerprint: str = ""
    bases: dict[str, str] = field(default_factory=dict)
    matrices: dict[str, dict[str, Any]] = field(default_factory=dict)
    resumed_batches: int = 0
    checkpoint: Checkpoint | None = None


@dataclass(frozen=True)
class Slot:
    """One record to compose."""

    index: int
    domain: str
    level: Level
    prefix: str
    base_text: str | None = None
    base_id: str | None = None
    dims: tuple[tuple[str, str], ...] = ()
    matrix_id: str | None = None


def _int_seed(*parts: Any) -> int:
    digest = hashlib.sha256(canonical_json(list(parts)).encode("utf-8")).hexdigest()
    return int(digest[:15], 16)


def _rng(*parts: Any) -> random.Random:
    return random.Random(_int_seed(*parts))


def _config(command: str, run: Run, **options: Any) -> dict[str, Any]:
    llm = None
    if run.client is not None:
        llm = {"provider": run.client.provider.name, "model": run.client.model}
    return {"command": command, "seed": run.seed, "llm": llm, **options}


def _execute(
    run: Run,
    fp: str,
    jobs: Sequence[Any],
    work: Callable[[int, list[Any]], list[Any]],
    model: type[ProblemRecord] | type[Interaction] = ProblemRecord,
) -> tuple[list[Any], Checkpoint]:
    """Run ``jobs`` in batches; with a model, each finished batch is checkpointed first.

    ``work`` returns records (or interactions); a batch loaded from a
    checkpoint is validated back into ``model``.
    """
    size = run.batch_size or (16 if run.client is not None else 256)
    batches = [list(jobs[i : i + size]) for i in range(0, len(jobs), size)]
    where = run.out if run.client is not None else None
    cp = Checkpoint(where, fp, len(batches), resume=run.resume)
    items: list[Any] = []
    done = 0
    for number, batch in enumerate(batches):
        if cp.has(number):
            items.extend(model.model_validate(item) for item in cp.done[number])
        else:
            made = work(number, batch)
            if where is not None:
                cp.commit(number, [m.to_dict() for m in made])
            items.extend(made)
        done += len(batch)
        if run.on_progress is not None:
            run.on_progress(done, len(jobs))
    return items, cp


def _domain_text(domain: Domain) -> str:
    return f"{domain.title} ({domain.summary})"


def _sizes(level: Level, rng: random.Random) -> tuple[int, int]:
    """Root rows and the row cap of one sample, inside the level's row budget."""
    lo, hi = TARGETS[level].rows
    if level == "simple":
        rows = rng.randint(lo, hi)
        return rows, rows
    root = rng.randint(4, 6) if level == "medium" else rng.randint(5, 7)
    return root, rng.randint(max(lo, min(hi, 2 * root)), hi)


_BLOCK = 128  # samples made per engine run; a record's sample depends on its block, not its batch


class _Samples:
    """Sample data for a run's slots, made block by block and kept for the run.

    A slot's sample comes from block ``ordinal // _BLOCK`` of its (domain,
    level), where ``ordinal`` is its place among the run's slots of that
    domain and level; the block's engine run is seeded by (fingerprint,
    domain, level, block). So the sample data does not depend on how the
    run is cut into (checkpointed) batches, and one engine run serves up to
    ``_BLOCK`` records.
    """

    def __init__(self, fp: str, slots: Sequence[Slot]) -> None:
        self.fp = fp
        self.ordinal: dict[int, int] = {}
        self.members: dict[tuple[str, Level], list[Slot]] = {}
        for slot in slots:
            group = self.members.setdefault((slot.domain, slot.level), [])
            self.ordinal[slot.index] = len(group)
            group.append(slot)
        self.made: dict[tuple[str, Level, int], list[Any]] = {}

    def get(self, slot: Slot) -> Any:
        ordinal = self.ordinal[slot.index]
        key = (slot.domain, slot.level, ordinal // _BLOCK)
        if key not in self.made:
            start = key[2] * _BLOCK
            block = self.members[(slot.domain, slot.level)][start : start + _BLOCK]
            plans = [_sizes(slot.level, _rng(self.fp, s.index, "size")) for s in block]
            seed = _int_seed(self.fp, *key) % 2**31
            self.made[key] = make_samples(load_domain(slot.domain), slot.level, plans, seed)
        return self.made[key][ordinal % _BLOCK]


def _composer(run: Run, fp: str, slots: Sequence[Slot]) -> Callable[[int, list[Any]], list[Any]]:
    """The work function of a composing run (its samples shared across batches)."""
    samples = _Samples(fp, slots)
    return lambda number, batch: _compose_batch(run, fp, samples, batch)


def _compose_batch(run: Run, fp: str, samples: _Samples, slots: list[Slot]) -> list[ProblemRecord]:
    """Compose a batch of records (their samples by block), then (with a model) rewrite them."""
    made: dict[int, ProblemRecord] = {}
    for slot in sorted(slots, key=lambda s: (s.domain, s.level, s.index)):
        ctx = RecordContext(
            seed=run.seed,
            fingerprint=fp,
            prefix=slot.prefix,
            index=slot.index,
            base_text=slot.base_text,
            base_id=slot.base_id,
            dimensions=dict(slot.dims),
        )
        sample = {t: [dict(r) for r in rows] for t, rows in samples.get(slot).items()}
        record = compose(load_domain(slot.domain), slot.level, sample, _rng(fp, slot.index), ctx)
        record.matrix_id = slot.matrix_id
        made[slot.index] = record
    ordered = [made[s.index] for s in slots]
    if run.client is not None:
        from ..llm import bounded_map
        from .llm_ops import LEVEL_MUTATIONS, rewrite

        client = run.client

        def one(pair: tuple[Slot, ProblemRecord]) -> ProblemRecord:
            slot, draft = pair
            ops = (
                LEVEL_MUTATIONS[slot.level]
                if slot.base_text
                else [
                    LEVEL_MUTATIONS[slot.level][slot.index % len(LEVEL_MUTATIONS[slot.level])],
                    "breadth",
                ]
            )
            domain = load_domain(slot.domain)
            return rewrite(
                client, draft, ops, domain_text=_domain_text(domain), base_text=slot.base_text
            )

        ordered = bounded_map(one, list(zip(slots, ordered, strict=False)), client.max_concurrency)
    return ordered


def _records(items: list[Any]) -> list[ProblemRecord]:
    return list(items)


def _levels(levels: Sequence[str], location: str = "--levels") -> list[Level]:
    found: list[Level] = []
    for name in levels:
        match = [lv for lv in LEVELS if lv == name.strip()]
        if not match:
            raise SpecError(f"unknown level {name.strip()!r}; one of {', '.join(LEVELS)}", location)
        if match[0] not in found:
            found.append(match[0])
    if not found:
        raise SpecError("name at least one level", location)
    return found


def base_id_of(text: str) -> str:
    """The id of a base problem given in words (the same words, the same id)."""
    norm = " ".join(text.split()).lower()
    return "base_" + hashlib.sha256(norm.encode("utf-8")).hexdigest()[:16]


def run_variations(
    base: str, domain: str, levels: Sequence[str], per_level: int, run: Run
) -> Result:
    """``per_level`` variations of ``base`` at each level, all keeping its subject."""
    if not base.strip():
        raise SpecError("the base problem is empty", "BASE_PROBLEM")
    if per_level < 1:
        raise SpecError("must be >= 1", "--per-level")
    dom = load_domain(domain)
    chosen = _levels(levels)
    bid = base_id_of(base)
    fp = fingerprint(
        _config(
            "variations",
            run,
            base=base.strip(),
            domain=dom.name,
            levels=chosen,
            per_level=per_level,
        )
    )
    slots = [
        Slot(i, dom.name, level, "var", base.strip(), bid)
        for i, (level, _k) in enumerate(itertools.product(chosen, range(per_level)))
    ]
    items, cp = _execute(run, fp, slots, _composer(run, fp, slots))
    return Result(
        _records(items),
        fingerprint=fp,
        bases={bid: base.strip()},
        resumed_batches=cp.resumed,
        checkpoint=cp,
    )


def _domains(spec: str) -> list[str]:
    from .domains import domain_names

    names = (
        domain_names()
        if spec.strip().lower() == "all"
        else [d for d in spec.split(",") if d.strip()]
    )
    if not names:
        raise SpecError("name a domain (or 'all')", "--domain")
    return list(dict.fromkeys(load_domain(n).name for n in names))


def run_dataset(domain: str, size: int, mix: dict[str, float], run: Run) -> Result:
    """``size`` records whose levels meet ``mix`` exactly (and domains share equally)."""
    from .quotas import apportion, interleave

    if size < 0:
        raise SpecError("must be >= 0", "--size")
    names = _domains(domain)
    counts = apportion(size, mix)
    fp = fingerprint(_config("dataset", run, domains=names, size=size, mix=counts))
    per_domain = {
        lv: interleave(apportion(n, dict.fromkeys(names, 1.0))) if n else []
        for lv, n in counts.items()
    }
    slots: list[Slot] = []
    used = dict.fromkeys(counts, 0)
    for i, level in enumerate(interleave(counts)):
        name = per_domain[level][used[level]]
        used[level] += 1
        slots.append(Slot(i, name, _levels([level])[0], "ds"))
    items, cp = _execute(run, fp, slots, _composer(run, fp, slots))
    return Result(_records(items), fingerprint=fp, resumed_batches=cp.resumed, checkpoint=cp)


def parse_dims(texts: Sequence[str], domain: Domain) -> list[tuple[str, list[str]]]:
    """``NAME=v1,v2`` options (or the domain's own dimensions) as ordered (name, values)."""
    if not texts:
        return [(k, list(v)) for k, v in domain.dimensions.items()]
    dims: list[tuple[str, list[str]]] = []
    problems: list[Problem] = []
    for i, text in enumerate(texts):
        name, sep, values = text.partition("=")
        items = list(dict.fromkeys(v.strip() for v in values.split(",") if v.strip()))
        where = f"--dim[{i}]"
        if not sep or not name.strip() or not items:
            problems.append(Problem(where, f"{text!r}: expected NAME=v1,v2"))
        elif name.strip() in [d for d, _ in dims]:
            problems.append(Problem(where, f"dimension {name.strip()!r} given twice"))
        else:
            dims.append((name.strip(), items))
    if problems:
        raise SpecError(problems)
    return dims


def run_matrix(
    domain: str, dims_text: Sequence[str], level: str, per_cell: int, run: Run
) -> Result:
    """Every combination of the dimensions exactly once (``per_cell`` records per cell)."""
    dom = load_domain(domain)
    dims = parse_dims(dims_text, dom)
    if not dims:
        raise SpecError(
            f"domain {dom.name!r} has no default dimensions; pass --dim NAME=v1,v2", "--dim"
        )
    if per_cell < 1:
        raise SpecError("must be >= 1", "--per-cell")
    level_dim = next((n for n, _ in dims if n in ("complexity", "level")), None)
    if level_dim:
        _levels(dict(dims)[level_dim], f"--dim {level_dim}")
    default_level = _levels([level], "--level")[0]
    fp = fingerprint(
        _config("matrix", run, domain=dom.name, dims=dims, level=default_level, per_cell=per_cell)
    )
    matrix_id = "mx_" + fp[:16]
    names = [n for n, _ in dims]
    slots: list[Slot] = []
    for cell in itertools.product(*(values for _, values in dims)):
        cell_dims = tuple(zip(names, cell, strict=False))
        lv = _levels([dict(cell_dims)[level_dim]])[0] if level_dim else default_level
        for _k in range(per_cell):
            slots.append(Slot(len(slots), dom.name, lv, "mx", dims=cell_dims, matrix_id=matrix_id))
    items, cp = _execute(run, fp, slots, _composer(run, fp, slots))
    props = {
        "domain": dom.name,
        "dimensions": canonical_json(dict(dims)),
        "cells": len(slots) // per_cell,
    }
    return Result(
        _records(items),
        fingerprint=fp,
        matrices={matrix_id: props},
        resumed_batches=cp.resumed,
        checkpoint=cp,
    )


def _input_hash(records: list[ProblemRecord]) -> str:
    body = canonical_json([r.model_dump(mode="json") for r in records])
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def run_adversarial(
    records: list[ProblemRecord], capability: str, difficulty: str, run: Run
) -> Result:
    """One adversarial copy of every record, aimed at ``capability``."""
    from .mutate import CAPABILITIES, DIFFICULTIES, adversarial

    if capability not in CAPABILITIES:
        import difflib

        close = difflib.get_close_matches(capability, list(CAPABILITIES), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise SpecError(
            f"unknown capability {capability!r}{hint}; one of {', '.join(CAPABILITIES)}",
            "--capability",
        )
    if difficulty not in DIFFICULTIES:
        raise SpecError(f"one of {', '.join(DIFFICULTIES)}", "--difficulty")
    fp = fingerprint(
        _config(
            "adversarial",
            run,
            capability=capability,
            difficulty=difficulty,
            input=_input_hash(records),
        )
    )
    jobs = list(enumerate(records))

    def work(_n: int, batch: list[tuple[int, ProblemRecord]]) -> list[ProblemRecord]:
        made = [
            adversarial(
                r, capability, difficulty, _rng(fp, i), fingerprint=fp, seed=run.seed, index=i
            )
            for i, r in batch
        ]
        return _maybe_rewrite(run, made, "adversarial")

    items, cp = _execute(run, fp, jobs, work)
    return Result(_records(items), fingerprint=fp, resumed_batches=cp.resumed, checkpoint=cp)


def _maybe_rewrite(run: Run, records: list[ProblemRecord], operator: str) -> list[ProblemRecord]:
    if run.client is None:
        return records
    from ..llm import bounded_map
    from .llm_ops import rewrite
    from .mutate import _domain

    client = run.client

    def one(record: ProblemRecord) -> ProblemRecord:
        domain = _domain(record.domain)
        text = _domain_text(domain) if domain else record.domain
        notes = [c for c in record.success_criteria[1:]][-3:]
        return rewrite(client, record, [operator], domain_text=text, notes=notes)

    return bounded_map(one, records, client.max_concurrency)


def run_expand(records: list[ProblemRecord], factors: Sequence[str], run: Run) -> Result:
    """Each record under each factor, and under all of them together when there are several."""
    from .mutate import FACTORS, expand

    chosen = list(dict.fromkeys(f.strip() for f in factors if f.strip()))
    bad = [f for f in chosen if f not in FACTORS]
    if bad or not chosen:
        raise SpecError(
            f"unknown factor(s) {', '.join(bad) or '(none)'}; one of {', '.join(FACTORS)}",
            "--factors",
        )
    combos = [[f] for f in chosen] + ([chosen] if len(chosen) > 1 else [])
    fp = fingerprint(_config("expand", run, factors=chosen, input=_input_hash(records)))
    jobs = [(i, r, c) for i, (r, c) in enumerate(itertools.product(records, combos))]

    def work(_n: int, batch: list[tuple[int, ProblemRecord, list[str]]]) -> list[ProblemRecord]:
        made = [
            expand(r, c, _rng(fp, i), fingerprint=fp, seed=run.seed, index=i) for i, r, c in batch
        ]
        return _maybe_rewrite(run, made, "expand")

    items, cp = _execute(run, fp, jobs, work)
    return Result(_records(items), fingerprint=fp, resumed_batches=cp.resumed, checkpoint=cp)


def run_interactions(records: list[ProblemRecord], per_problem: int, run: Run) -> Result:
    """``per_problem`` dialogues per record, their outcomes in an exact mix."""
    from .dialogue import dialogue, outcomes_for

    if per_problem < 1:
        raise SpecError("must be >= 1", "--per-problem")
    fp = fingerprint(
        _config("interactions", run, per_problem=per_problem, input=_input_hash(records))
    )
    outcomes = outcomes_for(per_problem)
    jobs = list(enumerate(records))

    def work(_n: int, batch: list[tuple[int, ProblemRecord]]) -> list[Interaction]:
        made: list[tuple[ProblemRecord, Interaction]] = []
        for i, record in batch:
            for k, outcome in enumerate(outcomes):
                index = i * per_problem + k
                made.append(
                    (
                        record,
                        dialogue(
                            record,
                            outcome,
                            _rng(fp, index),
                            fingerprint=fp,
                            seed=run.seed,
                            index=index,
                            number=k,
                        ),
                    )
                )
        if run.client is not None:
            from ..llm import bounded_map
            from .llm_ops import llm_dialogue

            client = run.client
            found = bounded_map(
                lambda p: llm_dialogue(client, p[0], p[1].outcome, p[1]),
                made,
                client.max_concurrency,
            )
        else:
            found = [d for _, d in made]
        return found

    items, cp = _execute(run, fp, jobs, work, Interaction)
    dialogues: list[Interaction] = list(items)
    return Result(interactions=dialogues, fingerprint=fp, resumed_batches=cp.resumed, checkpoint=cp)
