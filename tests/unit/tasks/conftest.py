"""Fixtures for the tasks tests: the LLM tests' isolation and fake server, and small datasets.

The fake provider and the isolation from the real user config/cache/keys are
the LLM layer's own fixtures (``tests/unit/llm``), imported here so both
suites run the real SDK clients against the same fake.
"""

from __future__ import annotations

from typing import Any

import pytest

from synthwright.tasks import ProblemRecord, Run, run_dataset

from ..llm.conftest import _isolated, make, server, sleeps  # noqa: F401  (fixtures)

MIX = {"simple": 0.3, "medium": 0.4, "complex": 0.3}


@pytest.fixture(scope="session")
def small_dataset() -> list[ProblemRecord]:
    """60 offline records over three domains (made once per session)."""
    result = run_dataset("customer_support,finance,logistics", 60, MIX, Run(seed=3))
    return result.records


def rows_of(records: list[ProblemRecord]) -> list[tuple[str, dict[str, Any]]]:
    return [(f"t:{i}", r.to_dict()) for i, r in enumerate(records)]
