"""Planting: refusals located in the truth section, coherent planted rows, where they land."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest

import synthwright as sw
from synthwright import truth
from synthwright.catalog import _pools
from synthwright.errors import SpecError
from synthwright.spec import spec_from_data, spec_to_yaml

BASE: dict[str, Any] = {
    "version": 1,
    "name": "files",
    "seed": 3,
    "tables": {
        "files": {
            "rows": 40,
            "columns": {
                "id": {"type": "id"},
                "name": {"type": "file_name"},
                "extension": {"type": "file_extension"},
                "mime_type": {"type": "mime_type"},
                "size": {"type": "int", "min": 0, "max": 10_000},
                "tag": {"type": "category", "values": ["red", "green", "blue"]},
                "modified_at": {
                    "type": "datetime",
                    "min": "2024-01-01",
                    "max": "2024-06-30T12:00:00",
                },
                "doubled": {"expr": "size * 2"},
                "code": {"type": "string", "pattern": "??-####", "unique": True},
            },
        },
        "places": {
            "rows": 30,
            "columns": {
                "id": {"type": "uuid"},
                "country": {"type": "country_code", "values": {"US": 0.7, "GB": 0.3}},
                "city": {"type": "city"},
                "latitude": {"type": "latitude"},
                "longitude": {"type": "longitude"},
            },
        },
    },
}


def spec_with(truth_section: dict[str, Any], **tables: Any) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    data["truth"] = truth_section
    for name, rows in tables.items():
        data["tables"][name]["rows"] = rows
    return data


def refusal(data: dict[str, Any]) -> list[str]:
    with pytest.raises(SpecError) as caught:
        truth.prepare(data)
    return [str(p) for p in caught.value.problems]


def query(**match: Any) -> dict[str, Any]:
    return {"name": "q", "match": match, "count": 2, "near_misses": 2}


@pytest.mark.parametrize(
    ("section", "needle"),
    [
        (
            {"files": [query(extention="pdf")]},
            "truth.files[0].match.extention: unknown column 'extention' (did you mean 'extension'?)",
        ),
        ({"file": [query(size=3)]}, "truth.file: unknown table 'file' (did you mean 'files'?)"),
        (
            {"files": [query(tag="purple")]},
            "truth.files[0]: cannot plant a matching row: tag: no value the column takes matches",
        ),
        (
            {"files": [query(size={"min": 20_000})]},
            "truth.files[0]: cannot plant a matching row: size: the range lies outside",
        ),
        ({"files": [query(doubled=4)]}, "truth.files[0].match.doubled: an expr column is derived"),
        (
            {"files": [query(code="AB-1234")]},
            "truth.files[0].match.code: a unique column cannot take planted values",
        ),
        (
            {"files": [query(id=3)]},
            "truth.files[0].match.id: the table's key is made by the engine",
        ),
        (
            {"files": [query(extension=".pdf")]},
            "truth.files[0]: cannot plant a matching row: no file kind of the catalogue",
        ),
        ({"files": [query(size={"like": "1%"})]}, "truth.files[0].match.size: like matches text"),
        (
            {"files": [query(modified_at={"min": "-5x"})]},
            "truth.files[0].match.modified_at: '-5x' is not a value",
        ),
        (
            {"places": [query(city="Tokyo")]},
            "truth.places[0]: cannot plant a matching row: no city of the table's countries",
        ),
    ],
)
def test_unplantable_truth_is_refused_with_its_location(
    section: dict[str, Any], needle: str
) -> None:
    problems = refusal(spec_with(section))
    assert any(p.startswith(needle) for p in problems), problems


def test_a_truth_set_larger_than_its_table_is_refused() -> None:
    section = {"files": [{"name": "q", "match": {"tag": "red"}, "count": 8, "near_misses": 5}]}
    problems = refusal(spec_with(section, files=10))
    assert problems == [
        "truth.files: the truth set plants 13 rows (counts and near misses) but the table has 10"
    ]


def test_query_names_are_unique_and_every_problem_is_listed() -> None:
    section = {"files": [query(tag="red"), query(tag="purple")], "places": [query(nope=1)]}
    problems = refusal(spec_with(section))
    assert any(p.startswith("truth.files[1].name: query name 'q' is used twice") for p in problems)
    assert any(p.startswith("truth.places[0].match.nope: unknown column") for p in problems)


def test_a_predicate_no_near_miss_can_fail_alone_is_reported_not_planted() -> None:
    # tag's only other values are excluded by `in`: no near miss can fail `tag` alone
    section = {
        "files": [
            {
                "name": "q",
                "match": {"tag": {"in": ["red", "green", "blue"]}, "size": {"max": 50}},
                "count": 1,
                "near_misses": 3,
            }
        ]
    }
    run = truth.generate(spec_with(section))
    q = run.manifest["queries"][0]
    assert [m["violates"] for m in q["near_misses"]] == ["size"] * 3
    assert "tag" in q["unviolable"]
    only = {
        "files": [
            {
                "name": "q",
                "match": {"tag": {"in": ["red", "green", "blue"]}},
                "count": 1,
                "near_misses": 1,
            }
        ]
    }
    assert refusal(spec_with(only))[0].startswith(
        "truth.files[0].near_misses: no predicate can be failed alone"
    )


def test_planted_files_and_places_are_coherent() -> None:
    section = {
        "files": [
            {
                "name": "reports",
                "match": {"name": {"like": "Report%"}, "extension": "pdf"},
                "count": 3,
                "near_misses": 4,
            }
        ],
        "places": [
            {"name": "nyc", "match": {"city": "New York City"}, "count": 2, "near_misses": 2}
        ],
    }
    run = truth.generate(spec_with(section))
    tables = run.tables()
    files = {r["id"]: r for r in tables["files"].to_pylist()}
    kinds = _pools.file_kinds()
    mime = dict(zip(kinds.extensions.to_pylist(), kinds.mimes.to_pylist(), strict=True))
    reports, nyc = run.manifest["queries"]
    for key in reports["planted"]:
        row = files[key]
        assert row["name"].startswith("Report") and row["name"].endswith(".pdf")
        assert row["mime_type"] == "application/pdf"
    for miss in reports["near_misses"]:
        row = files[miss["key"]]
        assert (
            row["name"].endswith("." + row["extension"])
            and row["mime_type"] == mime[row["extension"]]
        )
        if miss["violates"] == "name":  # near: the same name with one letter changed
            assert row["name"].lower().startswith("report") or "eport" in row["name"]
    places = {r["id"]: r for r in tables["places"].to_pylist()}
    for key in nyc["planted"]:
        row = places[key]
        assert row["country"] == "US"
        assert abs(row["latitude"] - 40.714) < 0.15 and abs(row["longitude"] + 74.006) < 0.15
    for miss in nyc["near_misses"]:  # a neighbouring place, not one across the world
        row = places[miss["key"]]
        assert row["city"] != "New York City"
        assert abs(row["latitude"] - 40.714) < 1.0 and abs(row["longitude"] + 74.006) < 1.0


def test_planted_rows_are_the_last_rows_in_role_order() -> None:
    data = spec_with({"files": [query(tag="red", size={"min": 9000})]})
    data["tables"]["files"]["emit_scenario_column"] = True
    data["scenarios"] = {"files": [{"name": "big", "count": 2, "set": {"size": 7}}]}
    run = truth.generate(data)
    table = run.tables()["files"]
    assert (
        table.num_rows == 42
    )  # 40 rows (2 of them planted... 4 roles replace base rows) + 2 added
    labels = table.column("_scenario").to_pylist()
    assert labels[-4:] == [
        "truth.q.0.match",
        "truth.q.1.match",
        "truth.q.2.miss.tag",
        "truth.q.3.miss.size",
    ]
    assert labels[-6:-4] == ["big", "big"]
    q = run.manifest["queries"][0]
    assert q["planted"] == [39, 40] and [m["key"] for m in q["near_misses"]] == [41, 42]


def test_the_manifest_is_deterministic_by_seed_and_says_now() -> None:
    section = {"files": [query(tag="red", modified_at={"min": "-30d"})]}
    first = truth.manifest_text(truth.generate(spec_with(section)).manifest)
    again = truth.manifest_text(truth.generate(spec_with(section)).manifest)
    other = truth.manifest_text(truth.generate(spec_with(section), seed=4).manifest)
    assert first == again and first != other
    manifest = truth.generate(spec_with(section)).manifest
    assert manifest["now"] == "2024-06-30T12:00:00" and manifest["seed"] == 3
    assert manifest["queries"][0]["predicates"][1] == {
        "column": "modified_at",
        "sql": "\"modified_at\" >= TIMESTAMP '2024-05-31 12:00:00'",
    }


def test_now_moves_relative_times() -> None:
    data = spec_with({"files": [query(modified_at={"min": "-5d"})]})
    data["now"] = "2024-03-10T00:00:00"
    q = truth.generate(data).manifest["queries"][0]
    assert q["predicates"][0]["sql"] == "\"modified_at\" >= TIMESTAMP '2024-03-05 00:00:00'"


def test_the_truth_section_round_trips_through_yaml() -> None:
    data = spec_with(
        {
            "files": [
                query(
                    name={"like": "R%"},
                    tag={"in": ["red"]},
                    size={"min": 3, "max": 9},
                    extension="pdf",
                    doubled={"sql": "doubled > 2"},
                )
            ]
        }
    )
    data["presets"] = {"small": {"rows": {"files": 20}, "description": "tiny"}}
    spec = spec_from_data(data)
    again = sw.load_spec(spec_to_yaml(spec))
    assert again.truth == spec.truth and again.presets == spec.presets


@pytest.mark.parametrize(
    ("bad", "needle"),
    [
        ({"match": {}}, "match needs at least one predicate"),
        ({"match": {"tag": {"like": "r%", "in": ["red"]}}}, "a predicate is one of"),
        ({"match": {"tag": None}}, "a predicate cannot be null"),
        ({"match": {"tag": ["red"]}}, "a list is not a predicate"),
        ({"match": {"size": {"min": True}}}, "min must be a number"),
        ({"match": {"tag": "red"}, "count": True}, "expected a whole number"),
    ],
)
def test_truth_shapes_are_checked_when_loading(bad: dict[str, Any], needle: str) -> None:
    data = spec_with({"files": [{"name": "q", **bad}]})
    with pytest.raises(SpecError) as caught:
        sw.load_spec(data)
    assert any(
        needle in str(p) and str(p).startswith("truth.files[0]") for p in caught.value.problems
    ), caught.value.problems


def test_presets_set_rows_and_truth() -> None:
    data = spec_with({"files": [query(tag="red")]})
    data["presets"] = {
        "small": {"rows": {"files": 12}},
        "other": {
            "rows": {"files": 50},
            "truth": {"files": [{"name": "big", "match": {"size": {"min": 9990}}, "count": 3}]},
        },
        "bad": {"rows": {"nope": 3}},
    }
    small = truth.prepare(data, preset="small")
    assert small.spec.tables["files"].rows == 12 - 4 and [q.name for q in small.queries] == ["q"]
    other = truth.prepare(data, preset="other")
    assert [q.name for q in other.queries] == ["big"]
    with pytest.raises(SpecError, match="unknown preset 'smal' \\(did you mean 'small'\\?\\)"):
        truth.prepare(data, preset="smal")
    with pytest.raises(SpecError, match="unknown table 'nope'"):
        truth.prepare(data, preset="bad")


def test_a_spec_without_truth_is_generated_unchanged() -> None:
    data = copy.deepcopy(BASE)
    planting = truth.prepare(data)
    assert not planting.has_truth and planting.spec == sw.load_spec(data)
    assert planting.now == dt.datetime(2024, 6, 30, 12)
