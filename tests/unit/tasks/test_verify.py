"""verify: rule checks without a model; adversarial and expanded records still pass."""

from __future__ import annotations

from synthwright.tasks import (
    ProblemRecord,
    Run,
    run_adversarial,
    run_expand,
    run_interactions,
    verify_rows,
)
from synthwright.tasks.dialogue import outcomes_for

from .conftest import rows_of


def test_offline_records_pass_and_scores_fall_in_level(small_dataset: list[ProblemRecord]) -> None:
    scored, summary = verify_rows(rows_of(small_dataset))
    assert summary["fail"] == 0 and summary["pass"] == len(small_dataset)
    for row in scored:
        checks = row["quality"]["checks"]
        assert checks["score_in_level"] and checks["answer_consistent"] and checks["no_leakage"]
        assert row["quality"]["score"] == 1.0 and row["verdict"] == "pass"


def test_tampering_is_caught(small_dataset: list[ProblemRecord]) -> None:
    simple = next(r for r in small_dataset if r.complexity == "simple")
    complex_ = next(r for r in small_dataset if r.complexity == "complex")
    padded = simple.model_copy(
        update={"constraints": [*simple.constraints, "a", "b", "c", "d", "e"]}
    )
    claims_complex = simple.model_copy(update={"complexity": "complex"})
    leaky = complex_.model_copy(
        update={
            "problem_statement": complex_.problem_statement + " " + complex_.success_criteria[0]
        }
    )
    wrong = complex_.model_copy(deep=True)
    wrong.expected["answer"]["count"] += 1  # type: ignore[index]
    rows = rows_of([padded, claims_complex, leaky, wrong])
    rows.append(("t:bad", {"problem_id": "x", "domain": "hr"}))
    scored, summary = verify_rows(rows)
    assert summary["fail"] == 5
    checks = [r["quality"]["checks"] for r in scored]
    assert checks[0]["constraint_count"] is False
    assert checks[1]["score_in_level"] is False
    assert checks[2]["no_leakage"] is False
    assert checks[3]["answer_consistent"] is False
    assert checks[4] == {"schema": False}
    assert any("t:bad: problem_statement" in p for p in scored[4]["quality"]["problems"])


def test_duplicates_fail_once(small_dataset: list[ProblemRecord]) -> None:
    first = small_dataset[0]
    copy = first.model_copy(update={"problem_id": "zz_copy"})
    scored, _ = verify_rows(rows_of([first, copy]))
    assert [r["quality"]["checks"]["unique"] for r in scored] == [True, False]


def test_adversarial_and_expanded_records_stay_in_level(small_dataset: list[ProblemRecord]) -> None:
    base = small_dataset[:12]
    adv = run_adversarial(base, "data_quality", "hard", Run(seed=1)).records
    assert all(
        r.adversarial_of == b.problem_id and len(r.mutations or []) == 3
        for r, b in zip(adv, base, strict=False)
    )
    assert any((r.expected or {}).get("defects") for r in adv)
    assert all(
        r.sample_data != b.sample_data
        for r, b in zip(adv, base, strict=False)
        if (r.expected or {}).get("defects")
    )
    inj = run_adversarial(base, "prompt_injection", "easy", Run(seed=1)).records
    exp = run_expand(base, ["time", "stakeholders", "constraints"], Run(seed=1)).records
    assert len(exp) == 12 * 4 and {tuple(r.factors or []) for r in exp} == {
        ("time",),
        ("stakeholders",),
        ("constraints",),
        ("time", "stakeholders", "constraints"),
    }
    _, summary = verify_rows(rows_of(adv + inj + exp))
    assert summary["fail"] == 0


def test_interactions_follow_the_outcome_mix(small_dataset: list[ProblemRecord]) -> None:
    dialogues = run_interactions(small_dataset[:3], 10, Run(seed=1)).interactions
    assert len(dialogues) == 30
    assert sorted(d.outcome for d in dialogues[:10]) == sorted(outcomes_for(10))
    assert outcomes_for(10).count("success") == 5
    for d in dialogues:
        assert d.turns[0].role == "user" and {t.role for t in d.turns} == {"user", "agent", "tool"}
