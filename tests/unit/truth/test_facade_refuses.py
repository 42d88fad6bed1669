"""sw.generate must not drop a spec's truth section silently."""

from __future__ import annotations

import pytest

import synthwright as sw
from synthwright import truth
from synthwright.errors import SpecError

SPEC = {
    "version": 1,
    "seed": 3,
    "tables": {
        "files": {
            "rows": 50,
            "columns": {
                "id": {"type": "id"},
                "extension": {"type": "category", "values": ["pdf", "txt", "png"]},
            },
        }
    },
    "truth": {"files": [{"name": "pdfs", "match": {"extension": "pdf"}, "count": 3}]},
}


def test_the_facade_refuses_a_truth_spec_with_its_location() -> None:
    with pytest.raises(SpecError) as caught:
        sw.generate(SPEC)
    assert caught.value.problems[0].location == "truth"
    assert "synthwright.truth.generate" in caught.value.problems[0].message


def test_the_truth_pack_plants_the_same_spec() -> None:
    run = truth.generate(SPEC)
    table = run.tables()["files"]
    assert table.num_rows == 50
    (query,) = run.manifest["queries"]
    assert len(query["planted"]) == 3
    extension = dict(
        zip(table.column("id").to_pylist(), table.column("extension").to_pylist(), strict=True)
    )
    assert all(extension[key] == "pdf" for key in query["planted"])
    assert set(query["planted"]) <= set(query["expected"])
