"""Scoring: precision, recall, F1, the empty-set convention, averages, near-miss analysis, TREC."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from synthwright.errors import DataError
from synthwright.truth import evaluate as ev


def manifest(*queries: dict[str, Any]) -> dict[str, Any]:
    return {"version": 1, "queries": list(queries)}


def q(name: str, expected: list[Any], misses: list[tuple[Any, str]] = ()) -> dict[str, Any]:  # type: ignore[assignment]
    return {
        "name": name,
        "table": "t",
        "expected": expected,
        "near_misses": [{"key": k, "violates": c} for k, c in misses],
    }


@pytest.mark.parametrize(
    ("expected", "returned", "scores"),
    [
        (set(), set(), (1.0, 1.0, 1.0)),  # nothing to find, nothing returned: exact
        (set(), {"1"}, (0.0, 0.0, 0.0)),  # spurious answers to an empty query
        ({"1"}, set(), (0.0, 0.0, 0.0)),  # nothing returned for a query with answers
        ({"1", "2"}, {"1", "2"}, (1.0, 1.0, 1.0)),
        ({"1", "2"}, {"1"}, (1.0, 0.5, 2 / 3)),
        ({"1"}, {"1", "2", "3", "4"}, (0.25, 1.0, 0.4)),
        ({"1"}, {"2"}, (0.0, 0.0, 0.0)),
    ],
)
def test_scores_and_the_empty_set_convention(
    expected: set[str], returned: set[str], scores: tuple[float, float, float]
) -> None:
    assert ev.score(expected, returned) == pytest.approx(scores)


def test_macro_and_micro_averages_and_missing_queries() -> None:
    m = manifest(q("a", [1, 2, 3, 4]), q("b", [5]), q("empty", []), q("unanswered", [9]))
    report = ev.evaluate(m, {"a": [1, 2], "b": [5, 6], "empty": [], "other": [1]})
    by = {s.name: s for s in report.queries}
    assert (by["a"].precision, by["a"].recall) == (1.0, 0.5)
    assert (by["b"].precision, by["b"].recall) == (0.5, 1.0)
    assert by["empty"].f1 == 1.0 and not by["empty"].missing
    assert by["unanswered"].f1 == 0.0 and by["unanswered"].missing
    assert report.macro["precision"] == pytest.approx((1 + 0.5 + 1 + 0) / 4)
    assert report.macro["f1"] == pytest.approx((2 / 3 + 2 / 3 + 1 + 0) / 4)
    # micro: 3 hits of 4 returned, of 6 expected
    assert report.micro["precision"] == pytest.approx(3 / 4)
    assert report.micro["recall"] == pytest.approx(3 / 6)
    assert report.unknown == ["other"]


def test_micro_of_nothing_at_all_is_exact_and_no_queries_is_not_nan() -> None:
    report = ev.evaluate(manifest(q("a", [])), {"a": []})
    assert report.micro == {"precision": 1.0, "recall": 1.0, "f1": 1.0}
    empty = ev.evaluate(manifest(), {})
    assert empty.macro == {"precision": 1.0, "recall": 1.0, "f1": 1.0}


def test_keys_compare_as_text() -> None:
    report = ev.evaluate(manifest(q("a", [1, "x", 3])), {"a": ["1", "x", 3.0, 3]})
    assert report.queries[0].f1 == 1.0 and report.queries[0].returned == ["1", "x", "3"]


def test_near_misses_say_which_predicate_was_ignored() -> None:
    m = manifest(q("a", [1, 2], [(10, "name"), (11, "name"), (12, "size")]))
    report = ev.evaluate(m, {"a": [1, 2, 10, 11, 99]})
    score = report.queries[0]
    assert score.near_misses == {"name": [2, 2], "size": [0, 1]}
    assert score.ignored == ["name"]
    assert score.false_positives == ["10", "11", "99"]
    assert report.predicates == {
        "a.name": {"returned": 2, "planted": 2},
        "a.size": {"returned": 0, "planted": 1},
    }
    data = report.to_dict()
    assert data["queries"][0]["ignored_predicates"] == ["name"]
    assert json.loads(json.dumps(data)) == data


def test_trec_qrels_and_run() -> None:
    m = manifest(q("a", [2, 1], [(7, "x")]), q("b", []))
    assert ev.qrels_text(m) == "a 0 1 1\na 0 2 1\na 0 7 0\n"
    assert ev.run_text({"a": [2, 7, 2]}, "mine") == "a Q0 2 1 2 mine\na Q0 7 2 1 mine\n"


def test_ir_measures_reads_the_files(tmp_path: Path) -> None:
    ir_measures = pytest.importorskip("ir_measures")
    m = manifest(q("a", [1, 2], [(3, "x")]))
    (tmp_path / "q").write_text(ev.qrels_text(m))
    (tmp_path / "r").write_text(ev.run_text({"a": [1, 3]}))
    qrels = list(ir_measures.read_trec_qrels(str(tmp_path / "q")))
    run = list(ir_measures.read_trec_run(str(tmp_path / "r")))
    result = ir_measures.calc_aggregate([ir_measures.P @ 2, ir_measures.R @ 2], qrels, run)
    assert result[ir_measures.P @ 2] == pytest.approx(0.5) and result[
        ir_measures.R @ 2
    ] == pytest.approx(0.5)


def test_results_files_are_read_and_bad_lines_located(tmp_path: Path) -> None:
    good = tmp_path / "r.jsonl"
    good.write_text('{"query": "a", "keys": [1]}\n\n{"query": "a", "keys": [2]}\n')
    assert ev.read_results(good) == {"a": [1, 2]}
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"query": "a", "keys": [1]}\n{"query": "a"}\n')
    with pytest.raises(DataError) as caught:
        ev.read_results(bad)
    assert caught.value.problems[0].location == f"{bad}:2"
    with pytest.raises(DataError, match="not a truth manifest"):
        (tmp_path / "m.json").write_text("[]")
        ev.read_manifest(tmp_path / "m.json")
