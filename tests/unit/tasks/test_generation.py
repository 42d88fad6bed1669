"""Offline records: deterministic by seed, levels measurable, every domain sound, matrix exact."""

from __future__ import annotations

import itertools

import pytest

from synthwright.errors import SpecError
from synthwright.tasks import (
    TARGETS,
    ProblemRecord,
    Run,
    domain_names,
    level_of,
    load_domain,
    measure,
    run_dataset,
    run_matrix,
    run_variations,
    score,
)
from synthwright.tasks.dedup import near_duplicate_share

from .conftest import MIX


def test_same_seed_same_records_other_seed_other_records() -> None:
    a = run_dataset("travel", 12, MIX, Run(seed=5)).records
    b = run_dataset("travel", 12, MIX, Run(seed=5)).records
    c = run_dataset("travel", 12, MIX, Run(seed=6)).records
    assert [r.to_dict() for r in a] == [r.to_dict() for r in b]
    assert [r.problem_statement for r in a] != [r.problem_statement for r in c]
    assert {r.seed for r in a} == {5} and len({r.config_fingerprint for r in a}) == 1
    assert a[0].config_fingerprint != c[0].config_fingerprint
    assert a[0].created_at == "2025-01-01T00:00:00Z" and a[1].created_at == "2025-01-01T00:00:01Z"


def test_levels_show_in_counts_and_score(small_dataset: list[ProblemRecord]) -> None:
    for record in small_dataset:
        target = TARGETS[record.complexity]
        metrics = measure(record)
        assert target.constraints[0] <= metrics["constraints"] <= target.constraints[1]
        assert target.steps[0] <= metrics["steps"] <= target.steps[1]
        assert target.rows[0] <= metrics["rows"] <= target.rows[1]
        assert metrics["tables"] == target.tables
        assert record.complexity_score == score(metrics)
        assert level_of(score(metrics)) == record.complexity


def test_records_are_checkable(small_dataset: list[ProblemRecord]) -> None:
    for record in small_dataset:
        answer = record.expected["answer"]  # type: ignore[index]
        assert answer["count"] >= 1
        assert record.success_criteria[0].startswith(
            ("Lists exactly", "Reports the", "Names the top")
        )
        for key in answer["ids"]:
            assert key not in record.problem_statement


@pytest.mark.parametrize("name", domain_names())
def test_every_domain_builds_every_level(name: str) -> None:
    domain = load_domain(name)
    assert len(domain.tables) >= 3
    records = run_dataset(name, 3, {"simple": 1, "medium": 1, "complex": 1}, Run(seed=1)).records
    assert sorted(r.complexity for r in records) == ["complex", "medium", "simple"]


def test_at_least_twelve_domains_and_did_you_mean() -> None:
    assert len(domain_names()) >= 12
    with pytest.raises(SpecError, match="did you mean 'finance'"):
        load_domain("finanse")


def test_variations_keep_the_subject() -> None:
    base = "Reduce the weekend backlog of unanswered urgent tickets"
    records = run_variations(
        base, "customer_support", ["simple", "medium", "complex"], 2, Run(seed=2)
    ).records
    assert len(records) == 6 and len({r.problem_id for r in records}) == 6
    assert all(base in r.problem_statement for r in records)
    assert len({r.base_problem_id for r in records}) == 1
    assert [r.complexity for r in records] == ["simple"] * 2 + ["medium"] * 2 + ["complex"] * 2


def test_matrix_yields_every_combination_once() -> None:
    dims = ["channel=email,chat,phone", "customer_mood=calm,angry", "complexity=simple,complex"]
    records = run_matrix("customer_support", dims, "medium", 1, Run(seed=4)).records
    cells = [tuple(sorted(r.dimensions.items())) for r in records]  # type: ignore[union-attr]
    expected = {
        tuple(sorted({"channel": a, "customer_mood": b, "complexity": c}.items()))
        for a, b, c in itertools.product(
            ["email", "chat", "phone"], ["calm", "angry"], ["simple", "complex"]
        )
    }
    assert len(cells) == 12 and set(cells) == expected
    assert len({r.matrix_id for r in records}) == 1
    for r in records:
        assert r.complexity == r.dimensions["complexity"]  # type: ignore[index]
        # a dimension that is a column of the data becomes a filter the answer honours
        assert {"column": "channel", "value": r.dimensions["channel"]}.items() <= next(  # type: ignore[index]
            f
            for f in r.expected["query"]["filters"]
            if f["column"] == "channel"  # type: ignore[index]
        ).items()


def test_matrix_refuses_bad_dims() -> None:
    with pytest.raises(SpecError) as info:
        run_matrix("hr", ["level", "level=a"], "medium", 1, Run())
    assert [p.location for p in info.value.problems] == ["--dim[0]"]
    with pytest.raises(SpecError, match="unknown level 'huge'"):
        run_matrix("hr", ["complexity=simple,huge"], "medium", 1, Run())


def test_offline_near_duplicates_are_rare() -> None:
    records = run_dataset("customer_support", 1000, MIX, Run(seed=9)).records
    assert near_duplicate_share(records, 0.8) < 0.01
