"""Complexity that can be measured, not asserted: counts in, a score and a level out.

In the spirit of Spider's hardness rules (which count SQL components --
conditions, joins, groupings, nesting -- and map the counts to easy ... extra
hard), a problem's score adds what an agent must handle:

- ``constraints``: each is one more rule to respect (1 point each);
- ``steps``: each is one more operation to plan (1 point each);
- ``tables``: each table past the first is a join to make (2 points each);
- ``rows``: the size of the sample data, bucketed (0 up to 6 rows, 1 up to
  12, 2 beyond), because reading more data is harder but not linearly so.

Levels are score bands (:data:`THRESHOLDS`); the generator builds every
record inside its level's :data:`TARGETS`, whose bands do not overlap, and
``verify`` recomputes the score from the record itself and checks that it
falls in the band of the level the record claims.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .models import LEVELS, Level

__all__ = ["TARGETS", "THRESHOLDS", "LevelTarget", "level_of", "measure", "score"]


@dataclass(frozen=True)
class LevelTarget:
    """What a record of a level is built with (inclusive ranges)."""

    constraints: tuple[int, int]
    steps: tuple[int, int]
    criteria: tuple[int, int]
    tables: int
    rows: tuple[int, int]
    filters: int


TARGETS: dict[Level, LevelTarget] = {
    "simple": LevelTarget((1, 2), (1, 2), (1, 2), 1, (3, 6), 1),
    "medium": LevelTarget((3, 4), (3, 4), (2, 3), 2, (8, 12), 2),
    "complex": LevelTarget((5, 7), (5, 6), (3, 4), 3, (13, 20), 3),
}

# score <= 5: simple; 6..12: medium; >= 13: complex
THRESHOLDS: dict[Level, tuple[float, float]] = {
    "simple": (0.0, 5.0),
    "medium": (6.0, 12.0),
    "complex": (13.0, float("inf")),
}

_SENTENCE = re.compile(r"(?<=[.!?;])\s+|\bthen\b", re.IGNORECASE)


def _estimated_steps(statement: str) -> int:
    """Steps of a record that lists none: its clauses (sentences, ';', 'then')."""
    return max(1, sum(1 for part in _SENTENCE.split(statement) if part and part.strip()))


def measure(record: Any) -> dict[str, int]:
    """The counts of a record (a ProblemRecord or a dict with its fields)."""
    get = record.get if isinstance(record, dict) else lambda k, d=None: getattr(record, k, d)
    data = get("sample_data") or {}
    steps = get("steps")
    return {
        "constraints": len(get("constraints") or []),
        "steps": len(steps) if steps else _estimated_steps(str(get("problem_statement") or "")),
        "criteria": len(get("success_criteria") or []),
        "tables": len(data),
        "rows": sum(len(rows) for rows in data.values()),
    }


def score(metrics: dict[str, int]) -> float:
    """The deterministic complexity score of a record's counts (see module docstring)."""
    rows = metrics.get("rows", 0)
    bucket = 0 if rows <= 6 else 1 if rows <= 12 else 2
    joins = max(0, metrics.get("tables", 0) - 1)
    return float(metrics.get("constraints", 0) + metrics.get("steps", 0) + 2 * joins + bucket)


def level_of(value: float) -> Level:
    """The level whose band holds ``value`` (a value between bands goes to the lower one)."""
    for level in reversed(LEVELS):
        if value >= THRESHOLDS[level][0]:
            return level
    return "simple"
