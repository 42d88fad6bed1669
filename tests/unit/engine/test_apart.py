"""``distinct_from``: two refs of a row to one key never meet, and keep their laws."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
import pytest

import synthwright as sw
from synthwright.errors import GenerationError, SpecError
from synthwright.quality import check_tables


def _spec(parents: int, rows: int, target: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "version": 1,
        "seed": 11,
        "tables": {
            "accounts": {"rows": parents, "columns": {"id": {"type": "id"}}},
            "transfers": {
                "rows": rows,
                "columns": {
                    "id": {"type": "id"},
                    "from_id": {"ref": "accounts.id", **extra},
                    "to_id": {"ref": "accounts.id", "distinct_from": "from_id", **target},
                },
            },
        },
    }


def _pairs(spec: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    t = sw.generate(spec).materialize()["transfers"]
    return t.column("from_id").to_numpy(), t.column("to_id").to_numpy()


def test_uniform_refs_never_meet_and_spread_evenly_over_the_others() -> None:
    src, dst = _pairs(_spec(3, 90_000, {}))  # two blocks of the engine
    assert (src != dst).all()
    for s in (1, 2, 3):  # given the source, each other account about half the time
        others = dst[src == s]
        shares = np.bincount(others, minlength=4)[1:] / len(others)
        assert shares[s - 1] == 0
        assert np.allclose(np.delete(shares, s - 1), 0.5, atol=0.02)


def test_without_it_they_do_meet() -> None:
    spec = _spec(3, 9_000, {})
    del spec["tables"]["transfers"]["columns"]["to_id"]["distinct_from"]
    src, dst = _pairs(spec)
    assert 0.25 < float((src == dst).mean()) < 0.42  # about 1/3: the defect this prevents


def test_zipf_ref_keeps_its_skew_given_that_it_differs() -> None:
    zipf = {"dist": "zipf"}
    src, dst = _pairs(_spec(50, 60_000, zipf, **zipf))
    assert (src != dst).all()
    top = np.bincount(dst).max() / len(dst)
    assert top > 10 / 50  # far above the uniform share of 1/50
    # the most frequent source's rows: the next-heaviest parents take its place in order
    heavy = np.bincount(src).argmax()
    given = np.bincount(dst[src == heavy], minlength=51)
    overall = np.bincount(dst[src != heavy], minlength=51).astype(float)
    overall[heavy] = 0
    expected = overall / overall.sum()
    assert given[heavy] == 0
    assert np.abs(given / given.sum() - expected).max() < 0.03


@pytest.mark.parametrize(
    ("target", "message"),
    [
        (
            {"distinct_from": "fromid"},
            "'fromid' is not a ref column of this table (did you mean 'from_id'?)",
        ),
        ({"distinct_from": "to_id"}, "a ref cannot be distinct from itself"),
        ({"distinct_from": "id"}, "'id' is not a ref column"),
    ],
)
def test_refused_with_its_location(target: dict[str, Any], message: str) -> None:
    spec = _spec(5, 10, target)
    with pytest.raises(SpecError) as caught:
        sw.load_spec(spec)
    problems = [str(p) for p in caught.value.problems]
    assert any(
        p.startswith("tables.transfers.columns.to_id.distinct_from: ") and message in p
        for p in problems
    ), problems


def test_refs_to_different_keys_and_unique_refs_are_refused() -> None:
    spec = _spec(5, 10, {})
    spec["tables"]["users"] = {"rows": 5, "columns": {"id": {"type": "id"}}}
    spec["tables"]["transfers"]["columns"]["from_id"] = {"ref": "users.id"}
    with pytest.raises(SpecError, match=r"refers to users\.id, not accounts\.id"):
        sw.load_spec(spec)
    spec = _spec(5, 5, {"unique": True})
    with pytest.raises(SpecError, match="distinct_from applies to a plain ref"):
        sw.load_spec(spec)


def test_one_parent_cannot_differ() -> None:
    with pytest.raises(GenerationError) as caught:
        sw.generate(_spec(1, 10, {})).materialize()
    assert caught.value.problems[0].location == "tables.transfers.columns.to_id.distinct_from"


def test_check_finds_rows_that_meet() -> None:
    spec = sw.load_spec(_spec(4, 200, {}))
    tables = sw.generate(spec).materialize()
    assert check_tables(tables, spec) == []
    t = tables["transfers"]
    broken = t.set_column(2, "to_id", t.column("from_id"))
    findings = check_tables({**tables, "transfers": broken}, spec)
    assert [(f.location, f.rule, f.count) for f in findings] == [
        ("tables.transfers.columns.to_id.distinct_from", "distinct_from", 200)
    ]
    assert isinstance(broken.column("to_id"), pa.ChunkedArray)
