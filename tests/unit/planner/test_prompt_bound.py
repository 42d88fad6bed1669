"""Planning cost is bounded: over-long prompts are refused at `prompt`, long ones stay linear."""

from __future__ import annotations

import time

import pytest

from synthwright import api
from synthwright.errors import SpecError
from synthwright.planner.parse import MAX_PROMPT_CHARS


def test_an_over_long_prompt_is_refused_with_the_bound_named() -> None:
    prompt = "500 customers with orders. " * (MAX_PROMPT_CHARS // 20)
    assert len(prompt) > MAX_PROMPT_CHARS
    with pytest.raises(SpecError) as info:
        api.plan(prompt)
    [problem] = info.value.problems
    assert problem.location == "prompt"
    assert str(MAX_PROMPT_CHARS) in problem.message


@pytest.mark.parametrize("unit", ["1000 ", "300 customers 200 spaceships "])
def test_a_prompt_at_the_bound_plans_quickly(unit: str) -> None:
    """Every number used to slice the whole prompt before it: quadratic in its length."""
    api.plan("a shop with 10 customers")  # imports and caches out of the timing
    prompt = (unit * (MAX_PROMPT_CHARS // len(unit) + 1))[: MAX_PROMPT_CHARS - 1]
    started = time.perf_counter()
    result = api.plan(prompt)
    assert time.perf_counter() - started < 15
    assert result.spec.tables
