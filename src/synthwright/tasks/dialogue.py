"""Offline interactions: multi-turn dialogues (user, agent, tool) with an outcome.

The outcomes of a problem's dialogues follow an exact mix (largest
remainder over :data:`OUTCOME_MIX`), so ``--per-problem 10`` gives 5
successes, 2 partial answers, 1 failure, 1 clarification and 1 escalation.
Each dialogue is built from the problem itself: the user asks in one of
several voices, the agent states a plan taken from the record's steps,
calls a tool whose result is computed from the sample data, and ends the
way the outcome says -- the right answer (the record's expected answer), a
part of it, a wrong one from a dropped filter, a question first, or a hand
over after the tool fails. Deterministic by seed.
"""

from __future__ import annotations

import json
import random
from typing import Any

from .models import Interaction, Outcome, ProblemRecord, Turn, created_at, record_id
from .query import fmt
from .quotas import apportion, interleave

__all__ = ["OUTCOME_MIX", "dialogue", "outcomes_for"]

OUTCOME_MIX: dict[str, float] = {
    "success": 0.5,
    "partial": 0.2,
    "failure": 0.1,
    "clarification": 0.1,
    "escalated": 0.1,
}
_VOICES = (
    "Hi, could you help with something? {ask}",
    "Quick one: {ask}",
    "I need this today. {ask}",
    "Hello! When you have a moment: {ask}",
    "{ask} Thanks in advance.",
    "Following up on the request from this morning. {ask}",
)
_THANKS = (
    "Perfect, that's what I needed.",
    "Great, thanks. I'll pass it on.",
    "That matches my spot check. Thank you.",
)


def outcomes_for(per_problem: int) -> list[str]:
    """The outcomes of ``per_problem`` dialogues, exactly in the mix, spread evenly."""
    return interleave(apportion(per_problem, OUTCOME_MIX))


def _ask(record: ProblemRecord) -> str:
    sentences = [s for s in record.problem_statement.split(". ") if s]
    goal = next(
        (
            s
            for s in sentences
            if s.split(" ")[0]
            in (
                "Find",
                "Pull",
                "Which",
                "Work",
                "Report",
                "Calculate",
                "Among",
                "Rank",
                "Break",
                "To",
            )
        ),
        sentences[min(1, len(sentences) - 1)],
    )
    return goal.rstrip(".") + "."


def _answer_text(record: ProblemRecord, drop: bool = False) -> str:
    answer = (record.expected or {}).get("answer") or {}
    if "ranking" in answer:
        ranking = answer["ranking"][1:] if drop else answer["ranking"]
        return "Ranking: " + "; ".join(f"{g} ({v})" for g, v in ranking[:3]) + "."
    if "value" in answer:
        value = answer["value"] * (1.15 if drop else 1)
        return f"The figure is {fmt(round(value, 2))}, from {answer.get('count', 0)} matching rows."
    if "ids" in answer:
        ids = answer["ids"][:-1] if drop and len(answer["ids"]) > 1 else answer["ids"]
        return f"{len(ids)} match: {', '.join(ids) or 'none'}."
    return "Here is the result, with the rows it is based on."


def _tool_result(record: ProblemRecord, failed: bool) -> str:
    if failed:
        return json.dumps({"error": "timeout", "retry_after_seconds": 30})
    query = (record.expected or {}).get("query") or {}
    answer = (record.expected or {}).get("answer") or {}
    payload: dict[str, Any] = {
        "table": query.get("table"),
        "filters": [f"{f['column']} {f['op']} {f['value']}" for f in query.get("filters", [])],
        "matching_rows": answer.get("count", 0),
        "keys": answer.get("ids", [])[:10],
    }
    return json.dumps(payload)


def dialogue(
    record: ProblemRecord,
    outcome: str,
    rng: random.Random,
    *,
    fingerprint: str,
    seed: int,
    index: int,
    number: int,
) -> Interaction:
    """One dialogue about ``record`` ending in ``outcome``."""
    tool = "query_sample_data"
    steps = record.steps or ["Read the sample data.", "Compute the result."]
    plan = steps[0].rstrip(".")
    plan = plan[0].lower() + plan[1:]
    turns = [Turn(role="user", content=rng.choice(_VOICES).format(ask=_ask(record)))]
    if outcome == "clarification":
        topic = rng.choice(record.constraints or ["the expected format"])
        turns.append(
            Turn(
                role="agent",
                content=f"Before I start: should I read '{topic.rstrip('.')}' strictly, or is there an exception?",
            )
        )
        turns.append(Turn(role="user", content="Strictly, no exceptions."))
    turns.append(
        Turn(
            role="agent",
            content=f"I'll {plan}, then work through the remaining {max(0, len(steps) - 1)} steps.",
        )
    )
    failed = outcome == "escalated"
    turns.append(Turn(role="agent", content=f"Calling {tool}.", name=tool))
    turns.append(Turn(role="tool", content=_tool_result(record, failed), name=tool))
    if failed:
        turns.append(Turn(role="agent", content=f"Retrying {tool} once.", name=tool))
        turns.append(Turn(role="tool", content=_tool_result(record, True), name=tool))
        turns.append(
            Turn(
                role="agent",
                content="The data tool is unavailable twice in a row; I am handing this over to a person with the request and what I tried.",
            )
        )
    elif outcome == "failure":
        turns.append(Turn(role="agent", content=_answer_text(record, drop=True)))
        turns.append(
            Turn(role="user", content="That does not match my numbers. Did you apply every filter?")
        )
        turns.append(
            Turn(
                role="agent",
                content="I applied the filters as I understood them; I cannot find a different result.",
            )
        )
    elif outcome == "partial":
        turns.append(Turn(role="agent", content=_answer_text(record)))
        missing = rng.choice(
            record.success_criteria[1:] or record.constraints or ["the deliverable"]
        )
        turns.append(
            Turn(role="user", content=f"The figure is fine, but what about this: {missing}")
        )
        turns.append(
            Turn(
                role="agent",
                content="Noted. I have the figure, but I could not complete that part with the data at hand.",
            )
        )
    else:
        turns.append(Turn(role="agent", content=_answer_text(record)))
        turns.append(Turn(role="user", content=rng.choice(_THANKS)))
    return Interaction(
        interaction_id=record_id("int", fingerprint, record.problem_id, number),
        problem_id=record.problem_id,
        turns=turns,
        outcome=_outcome(outcome),
        domain=record.domain,
        created_at=created_at(index),
        seed=seed,
        config_fingerprint=fingerprint,
        source="template",
    )


def _outcome(name: str) -> Outcome:
    for value in ("success", "partial", "failure", "clarification", "escalated"):
        if value == name:
            return value
    raise ValueError(f"unknown outcome {name!r}")
