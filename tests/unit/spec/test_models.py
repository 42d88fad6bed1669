"""Spec models: forms users write, round trips, the golden JSON Schema."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from pydantic import ValidationError

from synthwright import catalog
from synthwright.spec import (
    NormalDist,
    PoissonDist,
    RefColumn,
    Spec,
    TypeColumn,
    json_schema,
    parse_text,
    spec_from_data,
    spec_to_yaml,
)

GOLDEN = Path(__file__).resolve().parents[2] / "golden" / "spec.schema.json"


def test_distribution_short_forms_parse(mini_spec: dict) -> None:
    spec = spec_from_data(mini_spec)
    age = spec.tables["customers"].columns["age"]
    assert isinstance(age, TypeColumn) and isinstance(age.dist, NormalDist)
    assert age.dist.mean == 38 and age.dist.std == 12
    sub = spec.tables["orders"].columns["subtotal"]
    assert isinstance(sub, TypeColumn) and sub.dist is not None and sub.dist.kind == "lognormal"
    pp = spec.tables["orders"].per_parent
    assert pp is not None and isinstance(pp.dist, PoissonDist) and pp.dist.lam == 2


def test_yaml_round_trip_is_equal(mini_spec: dict) -> None:
    spec = spec_from_data(mini_spec)
    again = spec_from_data(parse_text(spec_to_yaml(spec)))
    assert again == spec
    assert "lognormal" in spec_to_yaml(spec)


def test_column_kind_is_chosen_by_key(mini_spec: dict) -> None:
    spec = spec_from_data(mini_spec)
    assert isinstance(spec.tables["orders"].columns["customer_id"], RefColumn)


@pytest.mark.parametrize(
    ("column", "needle"),
    [
        ({"typo": 1}, "needs one of"),
        ({"type": "int", "ref": "a.b"}, "exactly one of"),
        ({"type": "int", "mn": 1}, "Extra inputs"),
        ({"type": "int", "dist": {"normall": {}}}, "does not match"),
        ({"type": "int", "null_rate": 1.5}, "less than 1"),
        ({"ref": "nodot"}, "table.column"),
        ({"type": "datetime", "within": "3 parsecs"}, "bad duration"),
    ],
)
def test_bad_columns_are_refused(column: dict, needle: str) -> None:
    data = {"tables": {"t": {"rows": 1, "columns": {"c": column}}}}
    with pytest.raises(ValidationError) as info:
        spec_from_data(data)
    assert needle in str(info.value)


def test_table_needs_exactly_one_size() -> None:
    with pytest.raises(ValidationError, match="'rows' or 'per_parent'"):
        spec_from_data({"tables": {"t": {"columns": {"id": {"type": "id"}}}}})
    with pytest.raises(ValidationError, match="not both"):
        spec_from_data(
            {
                "tables": {
                    "t": {
                        "rows": 1,
                        "per_parent": {"table": "x", "max": 2},
                        "columns": {"id": {"type": "id"}},
                    }
                }
            }
        )


def test_scenario_needs_count_or_share() -> None:
    base = {"tables": {"t": {"rows": 1, "columns": {"id": {"type": "id"}}}}}
    with pytest.raises(ValidationError, match="exactly one of 'count' or 'share'"):
        spec_from_data({**base, "scenarios": {"t": [{"name": "s", "count": 1, "share": 0.5}]}})


def test_json_schema_matches_golden_file() -> None:
    """The golden file is the catalogue's export: the spec schema plus what each type takes.

    Since the per-type parameter models (issue 12), the TypeColumn definition
    carries one ``if type = T then`` block per registered type, each a list of
    ``$ref``s to the shared definition of the words it takes, and the ``type``
    property lists every type name as ``examples``; nothing else changed, so
    it accepts the same documents (``test_per_type_blocks_accept_what_the_bare_schema_does``).
    """
    schema = catalog.json_schema()
    text = json.dumps(schema, indent=2, sort_keys=True) + "\n"
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.write_text(text)
    assert GOLDEN.exists(), "run with UPDATE_GOLDEN=1 to create the golden schema"
    assert text == GOLDEN.read_text(), "spec schema changed: review and run UPDATE_GOLDEN=1"
    assert Spec.model_json_schema()["title"] == "Spec"


def test_per_type_blocks_accept_what_the_bare_schema_does() -> None:
    """The per-type blocks only point at the shared definitions: same documents accepted."""
    documented = catalog.json_schema()
    column = documented["$defs"]["TypeColumn"]
    blocks = column.pop("allOf")
    assert column["properties"]["type"].pop("examples") == sorted(catalog.names())
    assert documented == json_schema()  # nothing else differs from the bare spec schema
    by_type = {b["if"]["properties"]["type"]["const"]: b["then"] for b in blocks}
    assert set(by_type) == set(catalog.names())
    for name, then in by_type.items():
        assert set(then["properties"]) == set(catalog.get(name).params), name
        for word, ref in then["properties"].items():
            assert ref == {"$ref": f"#/$defs/TypeColumn/properties/{word}"}
        assert "required" not in then  # no built-in type needs a parameter
    assert by_type["int"]["description"].startswith("int: ")


def test_golden_schema_judges_documents_as_the_bare_schema_does() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    golden = jsonschema.Draft202012Validator(json.loads(GOLDEN.read_text()))
    bare = jsonschema.Draft202012Validator(json_schema())
    examples = sorted((Path(__file__).resolve().parents[3] / "examples").glob("*.yaml"))
    assert examples
    for path in examples:
        data = parse_text(path.read_text(encoding="utf-8"))
        # (both refuse the dist short forms, `dist: lognormal`, that the models accept)
        assert sorted(e.message for e in golden.iter_errors(data)) == sorted(
            e.message for e in bare.iter_errors(data)
        ), path.name

    def column(**col: object) -> dict:
        return {"version": 1, "tables": {"t": {"rows": 1, "columns": {"c": col}}}}

    # a word of another type passes the schema (the compiler refuses it, located),
    # a word of no type or of the wrong shape does not
    for col, valid in [
        ({"type": "int", "min": 1, "max": 9}, True),
        ({"type": "email", "domains": ["example.com"]}, True),
        ({"type": "int", "scale": 2}, True),
        ({"type": "no_such_type"}, True),
        ({"type": "int", "mn": 2}, False),
        ({"type": "int", "min": [1]}, False),
        ({"type": "bool", "p": 2}, False),
    ]:
        assert golden.is_valid(column(**col)) is valid, col
        assert bare.is_valid(column(**col)) is valid, col


def test_every_bundled_and_example_spec_is_valid_under_the_json_schema() -> None:
    """What the models accept, the schema accepts: short dist forms, literal predicates."""
    import jsonschema
    import yaml

    root = Path(__file__).resolve().parents[3]
    files = sorted((root / "src" / "synthwright" / "examples").glob("*.yaml"))
    files += sorted((root / "examples").rglob("*.yaml"))
    assert len(files) >= 5
    validator = jsonschema.Draft202012Validator(catalog.json_schema())
    for file in files:
        document = yaml.safe_load(file.read_text())
        spec_from_data(document)  # the models take it
        errors = [
            f"{list(e.absolute_path)}: {e.message[:120]}" for e in validator.iter_errors(document)
        ]
        assert errors == [], file.name
    short = {"version": 1, "tables": {"t": {"rows": 1, "columns": {"x": {"type": "int"}}}}}
    column = short["tables"]["t"]["columns"]["x"]  # type: ignore[index]
    for good in ("lognormal", {"normal": {"std": 3}}, {"poisson": None}, {"kind": "zipf", "a": 2}):
        column["dist"] = good
        assert list(validator.iter_errors(short)) == [], good
    for bad in ("gaussian", {"normal": {"sd": 3}}, {"normal": {}, "zipf": {}}):
        column["dist"] = bad
        assert list(validator.iter_errors(short)) != [], bad
