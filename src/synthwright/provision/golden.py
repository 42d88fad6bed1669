"""Golden queries: business questions with SQL whose answers come from the loaded warehouse.

Each question of the domain (the shared ones of ``_common.yaml``, then the
domain's own) is rendered over the domain's roles, transpiled to the
warehouse's dialect, run, linted (:mod:`.sqlcheck`) and, where the file
gives a second independently written form, run in that form too: the two
must agree, or the question is dropped as unreliable. A second form whose
own ``LIMIT`` cuts through a tie is set aside (it cannot answer a tied
question) and the gold, which is tie-proof, stays. Questions are dropped,
never silently kept, when they fail; the reasons go in the report, and a
demo with fewer than eight sound questions is a failed stage.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..errors import GenerationError, Problem
from .domains import Domain, render
from .sqlcheck import Finding, agree, lint, normalise_rows, result_hash, transpile
from .warehouse import Warehouse

__all__ = ["MAX_QUESTIONS", "MIN_QUESTIONS", "GoldenReport", "build_golden"]

MIN_QUESTIONS = 8
MAX_QUESTIONS = 15


@dataclass
class GoldenReport:
    queries: list[dict[str, Any]] = field(default_factory=list)
    dropped: list[dict[str, str]] = field(default_factory=list)
    second_forms: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kept": [q["id"] for q in self.queries],
            "dropped": self.dropped,
            "second_forms": self.second_forms,
        }


def _run(wh: Warehouse, sql: str) -> tuple[list[str], list[list[Any]]]:
    columns, rows = wh.query(sql)
    return columns, normalise_rows(rows)


def build_golden(domain: Domain, url: str, *, should_stop: Any = None) -> GoldenReport:
    """The golden queries of a demo, computed on the warehouse at ``url``.

    Raises:
        GenerationError: fewer than :data:`MIN_QUESTIONS` questions survived.
    """
    values = domain.placeholders()
    report = GoldenReport()
    with Warehouse(url) as wh:
        dialect = wh.dialect
        errors = wh.errors()

        def probe(sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
            return wh.query(sql)

        for template in domain.golden_templates():
            if should_stop is not None and should_stop():
                break
            if len(report.queries) >= MAX_QUESTIONS:
                break
            where = f"{domain.source}:golden.{template.id}"
            source = render(template.sql, values, where)
            question = render(template.question, values, where)
            sql = transpile(source, dialect)
            try:
                columns, rows = _run(wh, sql)
                findings = lint(
                    source, template.compare, rows, probe, lambda s: transpile(s, dialect)
                )
            except errors as exc:
                report.dropped.append({"id": template.id, "reason": f"does not run: {exc}"})
                continue
            if findings:
                report.dropped.append(
                    {"id": template.id, "reason": "; ".join(str(f) for f in findings)}
                )
                continue
            entry: dict[str, Any] = {
                "id": template.id,
                "question": question,
                "sql": sql,
                "result": {"columns": columns, "rows": rows},
                "result_hash": result_hash(rows, template.compare),
                "compare": template.compare,
                "difficulty": template.difficulty,
            }
            if template.alt_sql:
                verdict = _second_form(
                    wh,
                    render(template.alt_sql, values, where),
                    template.compare,
                    rows,
                    dialect,
                    errors,
                )
                report.second_forms[template.id] = verdict
                if verdict.startswith("disagrees"):
                    report.dropped.append({"id": template.id, "reason": f"second form {verdict}"})
                    continue
                if verdict == "agrees":
                    entry["alt_sql"] = transpile(render(template.alt_sql, values, where), dialect)
                entry["forms_agree"] = verdict == "agrees"
            report.queries.append(entry)
    if len(report.queries) < MIN_QUESTIONS:
        raise GenerationError(
            [Problem(f"golden.{d['id']}", d["reason"]) for d in report.dropped]
            + [
                Problem(
                    "golden",
                    f"only {len(report.queries)} sound golden questions (at least {MIN_QUESTIONS} needed)",
                )
            ]
        )
    return report


def _second_form(
    wh: Warehouse,
    source: str,
    compare: str,
    gold: list[list[Any]],
    dialect: str,
    errors: tuple[type[BaseException], ...],
) -> str:
    """``agrees``, ``disagrees: ...`` or ``set aside: ...`` for the second SQL form."""
    try:
        _, rows = _run(wh, transpile(source, dialect))
        flaws: list[Finding] = lint(
            source, compare, rows, wh.query, lambda s: transpile(s, dialect)
        )
    except errors as exc:
        return f"set aside: does not run ({exc})"
    if any(f.rule == "limit_through_ties" for f in flaws):
        return "set aside: its LIMIT cuts through a tie the gold keeps"
    if flaws:
        return "set aside: " + "; ".join(str(f) for f in flaws)
    if not agree(gold, rows, compare):
        return f"disagrees: {rows[:3]} vs {gold[:3]}"
    return "agrees"
