"""The same commands with a model: EvolInstruct-style rewrites, a rubric judge, dialogues.

Offline composition still runs first and fixes what must stay exact: the
level's counts, the sample data (made by the engine) and the computed
answer. The model then rewrites the words under a mutation operator (in the
manner of EvolInstruct: add constraints, deepen, concretize, increase
reasoning, complicate the input, or an adversarial trap) with the record
schema as structured output. Answers are validated -- exact counts, no
answer in the statement -- and problems go back to the model for repair
(:func:`synthwright.llm.complete_json`). Every request goes through the
project's client: retries, the response cache (an identical rerun sends
nothing) and token accounting.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from .leakage import leaks
from .models import Interaction, ProblemRecord, Turn
from .verify import RUBRIC

if TYPE_CHECKING:
    from ..llm import LLMClient

__all__ = ["MUTATIONS", "judge_records", "llm_dialogue", "rewrite"]

MUTATIONS: dict[str, str] = {
    "concretize": "Replace general wording with specific, concrete details taken from the sample data and the domain.",
    "add_constraints": "Make the problem harder by tightening the constraints with realistic business rules (no more than the exact counts below).",
    "deepen": "Ask about the underlying cause or business consequence as well as the figure, so the agent must reason more deeply.",
    "increase_reasoning": "Make the problem require explicit multi-step reasoning; each step should depend on the one before.",
    "complicate_input": "Make the agent work harder with the input: refer to several tables and to details the agent must look up in them.",
    "breadth": "Keep the subject but frame it as a new situation from the same domain.",
    "adversarial": "Keep every trap described below and make it natural and hard to notice, so the problem tests the target capability.",
    "expand": "Work the added pressure (deadline, resources, stakeholders, rules) naturally into the problem.",
}
LEVEL_MUTATIONS = {
    "simple": ["concretize"],
    "medium": ["add_constraints", "deepen"],
    "complex": ["increase_reasoning", "complicate_input"],
}
_SYSTEM = (
    "You write realistic, specific and checkable problems used to train and evaluate AI agents. "
    "Follow the requested counts exactly and reply with JSON only."
)


class ProblemText(BaseModel):
    """What the model writes: the words of a problem (data and answer stay ours)."""

    model_config = ConfigDict(extra="forbid")

    problem_statement: str = Field(min_length=20)
    constraints: list[str]
    steps: list[str]
    success_criteria: list[str]


class Aspect(BaseModel):
    model_config = ConfigDict(extra="forbid")

    score: int = Field(ge=1, le=5)
    reason: str = Field(min_length=1)


class JudgeVerdict(BaseModel):
    """The rubric: each aspect scored 1-5 with the judge's reason."""

    model_config = ConfigDict(extra="forbid")

    correctness: Aspect
    completeness: Aspect
    coherence: Aspect
    novelty: Aspect
    difficulty: Aspect


class Dialogue(BaseModel):
    model_config = ConfigDict(extra="forbid")

    turns: list[Turn] = Field(min_length=4)
    outcome: str


def _schema(model: type[BaseModel]) -> dict[str, Any]:
    return model.model_json_schema()


def rewrite(
    client: LLMClient,
    draft: ProblemRecord,
    operators: list[str],
    *,
    domain_text: str,
    base_text: str | None = None,
    notes: list[str] | None = None,
) -> ProblemRecord:
    """``draft`` with its words rewritten by the model under ``operators``; counts kept exactly."""
    from ..llm import complete_json

    keep = draft.success_criteria[0]
    n_constraints, n_steps = len(draft.constraints), len(draft.steps or [])
    n_criteria = len(draft.success_criteria) - 1
    lines = [
        f"Domain: {domain_text}",
        f"Complexity level: {draft.complexity}",
        "Mutations to apply:",
        *(f"- {name}: {MUTATIONS[name]}" for name in operators),
        *(f"- trap to keep: {note}" for note in notes or []),
    ]
    if base_text:
        lines.append(f'Keep the subject of the base problem: "{base_text}"')
    lines += [
        "Exact counts:",
        f"- constraints: exactly {n_constraints}",
        f"- steps: exactly {n_steps}",
        f"- success_criteria: exactly {n_criteria}",
        f'The criterion that states the answer is kept separately; do not repeat it: "{keep}"',
        "Never state the answer (the ids, totals or ranking it names) in the problem statement.",
        "Sample data the problem is about (JSON):",
        json.dumps(draft.sample_data, ensure_ascii=False, separators=(",", ":")),
        "Draft to improve (JSON):",
        json.dumps(
            {
                "problem_statement": draft.problem_statement,
                "constraints": draft.constraints,
                "steps": draft.steps or [],
                "success_criteria": draft.success_criteria[1:],
            },
            ensure_ascii=False,
        ),
    ]

    def validate(value: Any) -> ProblemRecord:
        text = ProblemText.model_validate(value)
        problems = []
        for name, want, got in (
            ("constraints", n_constraints, len(text.constraints)),
            ("steps", n_steps, len(text.steps)),
            ("success_criteria", n_criteria, len(text.success_criteria)),
        ):
            if want != got:
                problems.append(f"{name}: expected exactly {want} items, got {got}")
        record = draft.model_copy(
            update={
                "problem_statement": text.problem_statement.strip(),
                "constraints": [c.strip() for c in text.constraints],
                "steps": [s.strip() for s in text.steps] if draft.steps is not None else None,
                "success_criteria": [keep, *(c.strip() for c in text.success_criteria)],
                "source": "llm",
            }
        )
        problems += [f"problem_statement: {p}" for p in leaks(record)]
        if problems:
            raise ValueError("; ".join(problems))
        return record

    from .compose import finish

    record = complete_json(
        client,
        [{"role": "system", "content": _SYSTEM}, {"role": "user", "content": "\n".join(lines)}],
        schema=_schema(ProblemText),
        name="task_problem",
        validate=validate,
        temperature=0.7,
    )
    return finish(record)


def judge_records(client: LLMClient, records: list[ProblemRecord]) -> list[dict[str, Any]]:
    """The rubric verdict of each record (scores 1-5 with reasons), ``max_concurrency`` at a time."""
    from ..llm import bounded_map, complete_json

    def one(record: ProblemRecord) -> dict[str, Any]:
        body = record.to_dict()
        body.pop("quality", None)
        body.pop("verdict", None)
        prompt = "\n".join(
            [
                "Judge this problem written for training or evaluating an AI agent.",
                "Score each aspect from 1 (poor) to 5 (excellent) and give a one-sentence reason:",
                "- correctness: the expected answer and criteria follow from the statement and sample data;",
                "- completeness: everything needed to solve it is given;",
                "- coherence: statement, constraints, steps and criteria fit together;",
                "- novelty: it is not a generic or templated task;",
                f"- difficulty: it is as hard as its level ({record.complexity}) claims.",
                "Problem (JSON):",
                json.dumps(body, ensure_ascii=False, separators=(",", ":")),
            ]
        )
        verdict = complete_json(
            client,
            [
                {"role": "system", "content": "You are a strict reviewer. Reply with JSON only."},
                {"role": "user", "content": prompt},
            ],
            schema=_schema(JudgeVerdict),
            name="task_judge",
            validate=JudgeVerdict.model_validate,
            temperature=0.0,
        )
        return {a: getattr(verdict, a).model_dump() for a in RUBRIC}

    return bounded_map(one, records, client.max_concurrency)


def llm_dialogue(
    client: LLMClient, record: ProblemRecord, outcome: str, base: Interaction
) -> Interaction:
    """A dialogue written by the model that ends in ``outcome`` (ids and provenance from ``base``)."""
    from ..llm import complete_json

    prompt = "\n".join(
        [
            "Write a realistic multi-turn dialogue between a user, an AI agent and the agent's tools",
            "about the problem below. Roles: user, agent, tool (a tool turn has the tool's name).",
            f"The dialogue must end with the outcome: {outcome} "
            "(success | partial | failure | clarification | escalated).",
            "At least 4 turns; the first turn is the user's; at least one tool call and its result.",
            "Problem (JSON):",
            json.dumps(
                {
                    k: v
                    for k, v in record.to_dict().items()
                    if k
                    in (
                        "problem_statement",
                        "constraints",
                        "success_criteria",
                        "sample_data",
                        "expected",
                    )
                },
                ensure_ascii=False,
                separators=(",", ":"),
            ),
        ]
    )

    def validate(value: Any) -> Dialogue:
        found = Dialogue.model_validate(value)
        problems = []
        if found.outcome != outcome:
            problems.append(f"outcome: must be {outcome!r}")
        if found.turns[0].role != "user":
            problems.append("turns.0.role: the first turn must be the user's")
        if not any(t.role == "tool" for t in found.turns):
            problems.append("turns: include at least one tool turn")
        if problems:
            raise ValueError("; ".join(problems))
        return found

    found = complete_json(
        client,
        [
            {
                "role": "system",
                "content": "You write training dialogues for AI agents. Reply with JSON only.",
            },
            {"role": "user", "content": prompt},
        ],
        schema=_schema(Dialogue),
        name="task_dialogue",
        validate=validate,
        temperature=0.7,
    )
    return base.model_copy(update={"turns": found.turns, "source": "llm"})
