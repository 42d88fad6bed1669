"""Leakage: the answer of a problem showing in its statement.

A record that states its own answer (the ids it should list, the total it
should report) or spells out a success criterion in the statement tests
nothing. :func:`leaks` finds both; the composer re-draws a plan that leaks
and ``verify`` fails a record that does.
"""

from __future__ import annotations

import re

from .models import ProblemRecord

__all__ = ["leaks"]


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def leaks(record: ProblemRecord) -> list[str]:
    """What of the answer shows in the statement or constraints."""
    visible = _norm(" ".join([record.problem_statement, *record.constraints]))
    found: list[str] = []
    answer = (record.expected or {}).get("answer") or {}
    tokens: list[str] = [str(i) for i in answer.get("ids", []) if len(str(i)) >= 4]
    for value in (answer.get("value"), *[v for _, v in answer.get("ranking", [])]):
        if isinstance(value, float) and not value.is_integer():
            tokens.append(f"{value:,.2f}")
            tokens.append(f"{value:.2f}")
        elif isinstance(value, (int, float)) and abs(value) >= 100:
            tokens.append(str(int(value)))
    for token in dict.fromkeys(tokens):
        low = token.lower()
        if low in visible and re.search(rf"(?<![\w.]){re.escape(low)}(?![\w]|\.\d)", visible):
            found.append(f"the answer value {token!r} appears in the statement")
    for criterion in record.success_criteria:
        text = _norm(criterion).rstrip(".")
        if len(text.split()) >= 6 and text in visible:
            found.append(f"the success criterion {criterion!r} is spelled out in the statement")
    return found
