"""``check`` reads ``--format arango`` output and holds its handles to the data.

The documents keep the spec's columns, so the rules run as on JSON Lines; the
handles (``_key``, ``_from``/``_to``, the ``<table>__<column>`` edge files)
are what ArangoDB loads its graph from, and each kind of disagreement is
named with its place.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import synthwright as sw
from synthwright.errors import DataError
from synthwright.quality import check_tables, read_tables

SPEC = {
    "version": 1,
    "seed": 3,
    "tables": {
        "people": {
            "rows": 40,
            "columns": {
                "id": {"type": "id"},
                "name": {"type": "full_name"},
                "mentor_id": {"ref": "people.id", "null_rate": 0.3},
            },
        },
        "projects": {
            "rows": 10,
            "columns": {
                "id": {"type": "uuid"},
                "title": {"type": "text", "unit": "words", "min": 2, "max": 4},
            },
        },
        "assignments": {
            "per_parent": {"table": "people", "min": 1, "max": 3},
            "unique": [["person_id", "project_id"]],
            "columns": {
                "person_id": {"ref": "people.id"},
                "project_id": {"ref": "projects.id"},
                "hours": {"type": "int", "min": 1, "max": 40},
            },
        },
    },
}


@pytest.fixture()
def out(tmp_path: Path) -> Path:
    spec = sw.load_spec(SPEC)
    sw.generate(spec).write(tmp_path / "g", format="arango")
    return tmp_path / "g"


def _edit(file: Path, change: object) -> None:
    rows = [json.loads(line) for line in file.read_text().splitlines()]
    assert callable(change)
    rows = change(rows)
    file.write_text("".join(json.dumps(r) + "\n" for r in rows))


def _problems(out: Path) -> list[str]:
    with pytest.raises(DataError) as caught:
        read_tables(out, sw.load_spec(SPEC))
    return [str(p) for p in caught.value.problems]


def test_clean_output_reads_back_without_handles(out: Path) -> None:
    spec = sw.load_spec(SPEC)
    tables = read_tables(out, spec)
    assert check_tables(tables, spec) == []
    for table in tables.values():
        assert not {"_key", "_from", "_to"} & set(table.column_names)
    assert (out / "people__mentor_id.jsonl").is_file()  # a self-reference is an edge file too


def test_a_wrong_key_is_named(out: Path) -> None:
    def bump(rows: list[dict]) -> list[dict]:
        rows[5]["_key"] = "999"
        return rows

    _edit(out / "people.jsonl", bump)
    assert _problems(out) == ["data.people._key: 1 documents' _key is not their primary key"]


def test_an_edge_pointing_elsewhere_is_named(out: Path) -> None:
    def repoint(rows: list[dict]) -> list[dict]:
        rows[0]["_to"] = "projects/not-a-project"
        return rows

    _edit(out / "assignments.jsonl", repoint)
    assert _problems(out) == ["data.assignments._to: 1 edges do not point at projects.project_id"]


def test_a_lost_or_missing_edge_file_is_named(out: Path) -> None:
    _edit(out / "people__mentor_id.jsonl", lambda rows: rows[1:])
    assert len(_problems(out)) == 1 and "edges for" in _problems(out)[0]
    (out / "people__mentor_id.jsonl").unlink()
    assert _problems(out) == [
        "data.people__mentor_id: no edge file people__mentor_id.jsonl for people.mentor_id"
    ]


def test_an_edge_file_that_disagrees_with_its_column(out: Path) -> None:
    def swap(rows: list[dict]) -> list[dict]:
        rows[0]["_from"], rows[1]["_from"] = rows[1]["_from"], rows[0]["_from"]
        return rows

    _edit(out / "people__mentor_id.jsonl", swap)
    problems = _problems(out)
    assert problems == ["data.people__mentor_id._from: 2 edges disagree with people.mentor_id"]
