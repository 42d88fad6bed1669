"""Quality scores and a verdict per record: rule checks without a model, a judge with one.

Rule checks (always; each ``True``/``False`` in ``quality.checks``):

- ``schema``: the record validates against :class:`~.models.ProblemRecord`;
- ``constraint_count`` / ``step_count`` / ``sample_size``: the counts sit in
  the level's :data:`~.complexity.TARGETS`;
- ``score_in_level``: the complexity score recomputed from the record falls
  in its level's band (:data:`~.complexity.THRESHOLDS`);
- ``answer_consistent``: a record that carries its query and expected answer
  gets the same answer when the query is run again over its sample data;
- ``no_leakage``: neither the expected answer (ids, totals) nor a success
  criterion appears in the statement or the constraints;
- ``unique``: no other record in the file has the same statement, nor is a
  near-duplicate (3-gram Jaccard >= 0.9) with a smaller id.

With an LLM, a judge scores the rubric (correctness, completeness,
coherence, novelty, difficulty, 1-5 each) with a reason per aspect, stored
under ``quality.judge``. ``quality.score`` is the share of rule checks passed,
or the mean of that and the judge's normalised score; the verdict is
``pass`` when the score reaches ``min_score`` and no critical check
(schema, score_in_level, no_leakage, answer_consistent) failed.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

from .complexity import TARGETS, THRESHOLDS, level_of, measure, score
from .dedup import dedup
from .defects import restore
from .leakage import _norm, leaks
from .models import LEVELS, ProblemRecord

__all__ = ["CRITICAL", "RUBRIC", "leaks", "verify_rows"]

RUBRIC = ("correctness", "completeness", "coherence", "novelty", "difficulty")
CRITICAL = ("schema", "score_in_level", "no_leakage", "answer_consistent")
Judge = Callable[[list[ProblemRecord]], list[dict[str, Any]]]


def _answer_ok(record: ProblemRecord) -> bool | None:
    """Re-run the record's query on its sample; None when the record has no query."""
    expected = record.expected or {}
    if "query" not in expected or "answer" not in expected or not record.sample_data:
        return None
    from ..errors import SpecError
    from .domains import load_domain
    from .query import plan_from_dict

    try:
        domain = load_domain(record.domain)
        sample = restore(record.sample_data, expected.get("defects") or [])
        again = plan_from_dict(expected["query"]).answer(sample, domain)
    except (SpecError, KeyError, TypeError, ValueError):
        return False
    return json.loads(json.dumps(again)) == json.loads(json.dumps(expected["answer"]))


def _within(value: int, bounds: tuple[int, int]) -> bool:
    return bounds[0] <= value <= bounds[1]


def _rule_checks(record: ProblemRecord) -> tuple[dict[str, bool], list[str], float]:
    target = TARGETS[record.complexity]
    defects = (record.expected or {}).get("defects")
    measured = record
    if defects and record.sample_data:
        measured = record.model_copy(update={"sample_data": restore(record.sample_data, defects)})
    metrics = measure(measured)
    value = score(metrics)
    checks: dict[str, bool] = {"schema": True}
    problems: list[str] = []
    checks["constraint_count"] = _within(metrics["constraints"], target.constraints)
    if not checks["constraint_count"]:
        problems.append(
            f"{metrics['constraints']} constraints; a {record.complexity} problem has "
            f"{target.constraints[0]}-{target.constraints[1]}"
        )
    if record.steps:
        checks["step_count"] = _within(metrics["steps"], target.steps)
        if not checks["step_count"]:
            problems.append(
                f"{metrics['steps']} steps; expected {target.steps[0]}-{target.steps[1]}"
            )
    if record.sample_data:
        checks["sample_size"] = _within(metrics["rows"], target.rows)
        if not checks["sample_size"]:
            problems.append(
                f"{metrics['rows']} sample rows; expected {target.rows[0]}-{target.rows[1]}"
            )
    checks["score_in_level"] = level_of(value) == record.complexity
    if not checks["score_in_level"]:
        lo, hi = THRESHOLDS[record.complexity]
        problems.append(
            f"complexity score {value:g} is {level_of(value)}, not {record.complexity} "
            f"({lo:g}-{hi:g})"
        )
    consistent = _answer_ok(record)
    if consistent is not None:
        checks["answer_consistent"] = consistent
        if not consistent:
            problems.append("the expected answer does not follow from the sample data")
    found_leaks = leaks(record)
    checks["no_leakage"] = not found_leaks
    problems += found_leaks
    return checks, problems, value


def verify_rows(
    rows: list[tuple[str, dict[str, Any]]],
    *,
    min_score: float = 0.8,
    judge: Judge | None = None,
    near_duplicate: float = 0.9,
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Scored rows (each with ``quality`` and ``verdict``) and a summary.

    Rows that do not fit the schema are kept, marked ``schema: false`` with
    the located validation errors, and fail.
    """
    parsed: list[tuple[int, ProblemRecord]] = []
    out: list[dict[str, Any]] = []
    for i, (where, row) in enumerate(rows):
        clean = {k: v for k, v in row.items() if k not in ("quality", "verdict")}
        try:
            parsed.append((i, ProblemRecord.model_validate(clean)))
            out.append(clean)
        except ValidationError as exc:
            errors = [f"{where}: {'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()]
            failed = {"score": 0.0, "checks": {"schema": False}, "problems": errors}
            out.append({**clean, "quality": failed, "verdict": "fail"})
    records = [r for _, r in parsed]
    # duplicates: exact statements and near-duplicates; the smallest id of a group is the original
    by_text: dict[str, list[str]] = {}
    for r in records:
        by_text.setdefault(_norm(r.problem_statement), []).append(r.problem_id)
    copies = {pid for ids in by_text.values() for pid in sorted(ids)[1:]}
    near = dedup(records, threshold=near_duplicate).duplicate_of if len(records) > 1 else {}
    verdicts = judge(records) if judge is not None and records else [{} for _ in records]
    counts = {"pass": 0, "fail": 0}
    for (i, record), verdict_of_judge in zip(parsed, verdicts, strict=False):
        checks, problems, value = _rule_checks(record)
        checks["unique"] = record.problem_id not in copies and record.problem_id not in near
        if not checks["unique"]:
            other = near.get(record.problem_id) or "another record"
            problems.append(f"duplicate of {other}")
        rule_score = sum(checks.values()) / len(checks)
        quality: dict[str, Any] = {
            "checks": checks,
            "problems": problems,
            "complexity_score": value,
        }
        total = rule_score
        if verdict_of_judge:
            scores = [float(verdict_of_judge[a]["score"]) for a in RUBRIC]
            judged = (sum(scores) / len(scores) - 1) / 4
            quality["judge"] = verdict_of_judge
            quality["rule_score"] = round(rule_score, 4)
            total = (rule_score + judged) / 2
        quality["score"] = round(total, 4)
        critical = any(not checks.get(name, True) for name in CRITICAL)
        verdict = "pass" if total >= min_score and not critical else "fail"
        out[i] = {**record.to_dict(), "quality": quality, "verdict": verdict}
    for row in out:
        counts[row["verdict"]] += 1
    levels = {lv: sum(1 for r in records if r.complexity == lv) for lv in LEVELS}
    summary = {"records": len(out), **counts, "levels": levels, "min_score": min_score}
    return out, summary
