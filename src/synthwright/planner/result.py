"""What a planner hands back: the spec, what it assumed and what it would ask.

Shared by the offline (rule-based) planner and the LLM agent so the CLI and
sessions treat both the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..spec import Spec

__all__ = ["PlanResult", "Question"]


@dataclass
class Question:
    """A clarifying question; ``default`` is what the planner used when unanswered."""

    key: str
    text: str
    choices: list[str] = field(default_factory=list)
    default: str | None = None


@dataclass
class PlanResult:
    """A planned spec (always valid) with every assumption and open question."""

    spec: Spec
    assumptions: list[str]
    questions: list[Question]
    source: str  # "offline" | "llm"
    transcript: list[dict[str, Any]] = field(default_factory=list)
    usage: dict[str, Any] = field(default_factory=dict)
    output_format: str | None = None
