"""``--format arango``: documents with _key, edge collections with _from/_to, all or nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import synthwright as sw
from synthwright.errors import SinkError

SPEC = {
    "version": 1,
    "seed": 2,
    "tables": {
        "people": {"rows": 5, "columns": {"id": {"type": "uuid"}, "name": {"type": "first_name"}}},
        "notes": {
            "rows": 8,
            "columns": {
                "text": {"type": "text", "unit": "words", "min": 2, "max": 3},
                "author": {"ref": "people.id", "null_rate": 0.5},
            },
        },
        "knows": {
            "rows": 6,
            "columns": {
                "a": {"ref": "people.id"},
                "b": {"ref": "people.id"},
                "since": {"type": "date"},
            },
        },
    },
}


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_documents_edges_and_the_import_script(tmp_path: Path) -> None:
    written = sw.generate(SPEC).write(tmp_path, format="arango")
    assert sorted(Path(p).name for p in written) == sorted(
        ["people.jsonl", "notes.jsonl", "knows.jsonl", "notes__author.jsonl", "arangoimport.sh"]
    )
    people = lines(tmp_path / "people.jsonl")
    assert all(p["_key"] == p["id"] for p in people)
    notes = lines(tmp_path / "notes.jsonl")
    assert [n["_key"] for n in notes] == [str(i) for i in range(1, 9)]  # no key: row numbers
    edges = lines(tmp_path / "notes__author.jsonl")
    assert len(edges) == sum(n["author"] is not None for n in notes)  # a null link has no edge
    keys = {p["_key"] for p in people}
    assert all(e["_to"].removeprefix("people/") in keys for e in edges)
    knows = lines(tmp_path / "knows.jsonl")
    assert all(k["_from"] == f"people/{k['a']}" and k["_to"] == f"people/{k['b']}" for k in knows)


def test_the_arango_format_takes_no_options(tmp_path: Path) -> None:
    with pytest.raises(SinkError, match="takes no options"):
        sw.generate(SPEC).write(tmp_path, format="arango", dialect="postgres")
