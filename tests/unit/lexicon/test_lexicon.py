"""The lexicon: every entity and field compiles into a spec; look-ups and inflection agree."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest

from synthwright import lexicon
from synthwright.engine.compile import compile_spec
from synthwright.errors import SpecError
from synthwright.lexicon._load import _entity, _field
from synthwright.spec import spec_from_data

ENTITIES = lexicon.entities()
FIELDS = lexicon.fields()


def _compile(tables: dict[str, Any]) -> None:
    compile_spec(spec_from_data({"version": 1, "tables": tables}))


def _table(ent: lexicon.Entity) -> dict[str, Any]:
    columns = copy.deepcopy(ent.columns)
    if not any(c.get("type") in ("id", "uuid") for c in columns.values()):
        columns = {"id": {"type": "id"}, **columns}
    return {"rows": 20, "columns": columns}


@pytest.mark.parametrize("ent", ENTITIES, ids=[e.name for e in ENTITIES])
def test_every_entity_compiles_alone_and_with_its_parents(ent: lexicon.Entity) -> None:
    own = {ent.name: _table(ent)}
    for col in list(own[ent.name]["columns"]):  # keys to other tables need those tables
        ref = own[ent.name]["columns"][col].get("ref")
        if ref and ref.split(".")[0] != ent.name:
            del own[ent.name]["columns"][col]
    _compile(own)
    with_parents = {ent.name: _table(ent)}
    for p in ent.parents:
        parent = lexicon.entity(p.table)
        assert parent is not None, f"{ent.name}: parent {p.table} is not an entity"
        with_parents.setdefault(p.table, _table(parent))
        with_parents[ent.name]["columns"][p.column] = {"ref": f"{p.table}.id"}
    for col, cands in ent.after.items():
        assert col in ent.columns, f"{ent.name}.after names {col}, not a column"
        for cand in cands:
            table, column = cand.split(".")
            assert lexicon.entity(table) is not None and column in lexicon.entity(table).columns  # type: ignore[union-attr]
    _compile(with_parents)


@pytest.mark.parametrize("f", FIELDS, ids=[f.column for f in FIELDS])
def test_every_field_compiles_with_each_unit_and_variant(f: lexicon.Field) -> None:
    variants = [f.spec()]
    for variant in [*f.units.values(), *f.within.values()]:
        spec = f.spec()
        params = copy.deepcopy(variant.get("params") or {})
        if "type" in params and params["type"] != spec["type"]:
            spec = {"type": params.pop("type")}
        spec.update(params)
        variants.append(spec)
    columns = {"id": {"type": "id"}}
    for i, spec in enumerate(variants):
        columns[f"{f.column}_{i}"] = spec
    _compile({"t": {"rows": 20, "columns": columns}})
    for name in f.expand:
        assert lexicon.field(name) is not None, f"{f.column} expands to unknown {name}"


def test_entities_know_their_fields_and_fields_their_entities() -> None:
    email = lexicon.field("email")
    assert email is not None and "customers" in email.entities
    assert lexicon.entity("book_loans").table == "loans"  # type: ignore[union-attr]


def test_typical_ranges_from_the_issue() -> None:
    year = lexicon.field_for("publication year")
    assert year is not None and year.params == {"min": 1800, "max": date.today().year}
    rating = lexicon.field_for("star rating")
    assert rating is not None and (rating.params["min"], rating.params["max"]) == (1, 5)
    temp = lexicon.field_for("temperature")
    assert temp is not None and (temp.params["min"], temp.params["max"]) == (-20, 45)
    duration = lexicon.field_for("duration")
    assert duration is not None and duration.units["s"]["params"]["min"] > 0


@pytest.mark.parametrize(
    ("word", "one", "many"),
    [
        ("status", "status", "statuses"),
        ("statuses", "status", "statuses"),
        ("addresses", "address", "addresses"),
        ("address", "address", "addresses"),
        ("categories", "category", "categories"),
        ("people", "person", "people"),
        ("quizzes", "quiz", "quizzes"),
        ("gps", "gps", "gps"),
        ("data", "data", "data"),
        ("order items", "order item", "order items"),
        ("gizmos", "gizmo", "gizmos"),
        ("analyses", "analysis", "analyses"),
    ],
)
def test_singular_and_plural(word: str, one: str, many: str) -> None:
    assert lexicon.singular(word) == one
    assert lexicon.plural(word) == many


def test_shared_words_are_told_apart_by_context() -> None:
    forms = lexicon.entity_forms()
    assert set(forms["loans"]) == {"loans", "book_loans"}
    library = "a library: books, members and loans of books"
    bank = "a bank: customers, accounts and loans with principal and interest rate"
    assert lexicon.choose_entity(forms["loans"], library) == "book_loans"
    assert lexicon.choose_entity(forms["loans"], bank) == "loans"
    assert lexicon.choose_entity(forms["loans"], "loans") == "loans"  # the everyday sense


def test_phrases_columns_and_hints() -> None:
    assert lexicon.field_for("dob").column == "date_of_birth"  # type: ignore[union-attr]
    assert lexicon.field_for("Star Ratings").column == "rating"  # type: ignore[union-attr]
    assert lexicon.column_type("zip") == "postal_code"
    assert lexicon.column_type("country") == "country"  # a database's 'country' holds names
    assert lexicon.field_for("country").type == "country_code"  # type: ignore[union-attr]
    hints = dict((p.pattern, t) for p, t in lexicon.name_hints())
    assert hints["e_?mail"] == "email"
    assert lexicon.candidates("publication year")[0].column == "publication_year"


def test_a_malformed_entry_is_refused_with_its_place() -> None:
    with pytest.raises(SpecError) as info:
        _entity("things", {"names": ["thing"], "columns": {"id": {"type": "id"}}, "colour": 1}, "x")
    assert "lexicon/entities/x.yaml:things" in str(info.value)
    with pytest.raises(SpecError):
        _entity("things", {"names": ["thing"]}, "x")
    with pytest.raises(SpecError):
        _field("x", {"names": ["x"]})
    with pytest.raises(SpecError):
        _entity("things", {"columns": {"id": {}}, "parents": [{"table": "a"}]}, "x")


def test_records_are_the_service_registry_and_take_lexicon_columns() -> None:
    from synthwright.lexicon._load import _record
    from synthwright.service.registry import Registry

    records = {e.record["name"]: e for e in ENTITIES if e.record is not None}
    assert set(records) <= set(Registry.load().names())
    assert {"cart", "order", "payment", "review", "user"} <= set(records)
    users = records["user"]
    assert users.record is not None
    assert users.record["table"] == users.table == "users"
    # a column written `~` in the record is the lexicon entity's own column
    assert users.record["tables"]["users"]["columns"]["email"] == users.columns["email"]
    for ent in records.values():
        assert ent.record is not None
        _compile(copy.deepcopy(ent.record["tables"]))
    by_name = {e.name: e for e in ENTITIES}
    bad = _entity(
        "things",
        {
            "columns": {"id": {"type": "id"}},
            "record": {"name": "t", "domain": "d", "tables": {"things": {"columns": {"x": None}}}},
        },
        "x",
    )
    with pytest.raises(SpecError) as info:
        _record(bad, {**by_name, "things": bad})
    assert "things.record.tables.things.x" in str(info.value)
    with pytest.raises(SpecError):
        _record(
            _entity("things", {"columns": {"id": {}}, "record": {"name": "t", "tables": {}}}, "x"),
            by_name,
        )
