"""The records ``synthwright tasks`` writes: problems and interactions (SPEC.md section 5).

Pydantic models with ``extra="forbid"`` so a misspelt field in a file handed
to ``verify`` or ``adversarial`` is reported, not carried along silently.
Besides the fields the spec names, every record carries what makes it
reproducible (``seed``, ``config_fingerprint``) and measurable (``steps``,
``metrics``, ``complexity_score``, ``expected``): a record that says how hard
it is and what its answer is can be checked without a model.

``created_at`` is deterministic: :data:`EPOCH` plus the record's position in
its run, in seconds, so two runs with the same seed are byte-identical.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta, timezone
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "EPOCH",
    "GENERATOR_VERSION",
    "LEVELS",
    "OUTCOMES",
    "Interaction",
    "Level",
    "ProblemRecord",
    "Turn",
    "created_at",
    "fingerprint",
    "record_id",
]

Level = Literal["simple", "medium", "complex"]
LEVELS: tuple[Level, ...] = ("simple", "medium", "complex")
Outcome = Literal["success", "partial", "failure", "clarification", "escalated"]
OUTCOMES: tuple[Outcome, ...] = ("success", "partial", "failure", "clarification", "escalated")
GENERATOR_VERSION = "tasks/1"
EPOCH = datetime(2025, 1, 1, tzinfo=timezone.utc)

# Spec fields that are always written (as null when empty); the others only when set.
_CORE = {
    "problem_id",
    "problem_statement",
    "constraints",
    "success_criteria",
    "sample_data",
    "domain",
    "complexity",
    "base_problem_id",
    "created_at",
}


class ProblemRecord(BaseModel):
    """One problem for an agent: statement, constraints, criteria, data, provenance."""

    model_config = ConfigDict(extra="forbid")

    problem_id: str = Field(min_length=1)
    problem_statement: str = Field(min_length=1)
    constraints: list[str]
    success_criteria: list[str] = Field(min_length=1)
    sample_data: dict[str, list[dict[str, Any]]] | None = None
    domain: str = Field(min_length=1)
    complexity: Level
    base_problem_id: str | None = None
    created_at: str
    seed: int | None = None
    config_fingerprint: str | None = None
    source: Literal["template", "llm"] | None = None
    steps: list[str] | None = None
    complexity_score: float | None = None
    metrics: dict[str, int] | None = None
    expected: dict[str, Any] | None = None
    # added by matrix
    dimensions: dict[str, str] | None = None
    matrix_id: str | None = None
    # added by adversarial
    target_capability: str | None = None
    adversarial_of: str | None = None
    difficulty: str | None = None
    mutations: list[str] | None = None
    # added by expand
    expanded_from: str | None = None
    factors: list[str] | None = None
    # added by verify and dedup
    quality: dict[str, Any] | None = None
    verdict: Literal["pass", "fail"] | None = None
    dedup_cluster: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the spec's fields always, the optional ones when set."""
        data = self.model_dump(mode="json")
        return {k: v for k, v in data.items() if k in _CORE or v is not None}

    def text(self) -> str:
        """Everything a reader of the problem sees, for similarity and dedup."""
        return "\n".join([self.problem_statement, *self.constraints, *self.success_criteria])


class Turn(BaseModel):
    """One message of a dialogue; ``name`` is the tool for tool turns."""

    model_config = ConfigDict(extra="forbid")

    role: Literal["user", "agent", "tool"]
    content: str
    name: str | None = None


class Interaction(BaseModel):
    """A multi-turn dialogue about one problem, ending in an outcome."""

    model_config = ConfigDict(extra="forbid")

    interaction_id: str = Field(min_length=1)
    problem_id: str = Field(min_length=1)
    turns: list[Turn] = Field(min_length=2)
    outcome: Outcome
    domain: str | None = None
    created_at: str | None = None
    seed: int | None = None
    config_fingerprint: str | None = None
    source: Literal["template", "llm"] | None = None

    def to_dict(self) -> dict[str, Any]:
        data = self.model_dump(mode="json")
        data["turns"] = [{k: v for k, v in t.items() if v is not None} for t in data["turns"]]
        return {k: v for k, v in data.items() if v is not None}


def canonical_json(value: Any) -> str:
    """Sorted keys, no spaces: the same value always hashes the same."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def fingerprint(config: dict[str, Any]) -> str:
    """SHA-256 of the canonical config (with the generator version): same config, same hash."""
    payload = canonical_json({"generator": GENERATOR_VERSION, **config})
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def record_id(prefix: str, config_fp: str, *parts: Any) -> str:
    """A stable id from the run's fingerprint and the record's place in it."""
    digest = hashlib.sha256(canonical_json([config_fp, *parts]).encode("utf-8")).hexdigest()
    return f"{prefix}_{digest[:16]}"


def created_at(index: int) -> str:
    """:data:`EPOCH` + ``index`` seconds, ISO 8601 in UTC (deterministic by construction)."""
    return (EPOCH + timedelta(seconds=index)).strftime("%Y-%m-%dT%H:%M:%SZ")
