"""The compiler refuses impossible or inconsistent specs, naming every problem."""

from __future__ import annotations

import copy

import pytest

import synthwright as sw
from synthwright.errors import SpecError


def problems(spec: dict) -> list[str]:
    with pytest.raises(SpecError) as info:
        sw.load_spec(spec)
    return [str(p) for p in info.value.problems]


def one_table(**columns: dict) -> dict:
    return {"tables": {"t": {"rows": 100, "columns": {"id": {"type": "id"}, **columns}}}}


def test_valid_spec_loads(mini_spec: dict) -> None:
    assert sw.validate(mini_spec) == []


def test_unknown_type_has_did_you_mean() -> None:
    assert problems(one_table(n={"type": "first_nam"})) == [
        "tables.t.columns.n.type: unknown type 'first_nam' (did you mean 'first_name'?)"
    ]


def test_all_problems_are_listed_at_once(mini_spec: dict) -> None:
    spec = copy.deepcopy(mini_spec)
    spec["tables"]["orders"]["columns"]["total"] = {"expr": "subtotl + tax"}
    spec["tables"]["customers"]["columns"]["age"]["min"] = 95
    spec["tables"]["reviews"]["columns"]["product_id"] = {"ref": "prodcts.id"}
    found = problems(spec)
    assert (
        "tables.orders.columns.total.expr: unknown column 'subtotl' (did you mean 'subtotal'?)"
        in found
    )
    assert any(
        p.startswith("tables.customers.columns.age.min: min (95) is greater than max")
        for p in found
    )
    assert (
        "tables.reviews.columns.product_id.ref: unknown table 'prodcts' (did you mean 'products'?)"
        in found
    )


def test_impossible_uniqueness_is_refused_before_generation() -> None:
    found = problems(
        one_table(c={"type": "category", "values": list("abcdefghij"), "unique": True})
    )
    assert found == ["tables.t.columns.c.unique: only 10 distinct values possible for 100 rows"]
    found = problems(one_table(code={"type": "string", "pattern": "#", "unique": True}))
    assert "only 10 distinct values" in found[0]


def test_type_that_cannot_be_unique() -> None:
    assert problems(one_table(b={"type": "bool", "unique": True})) == [
        "tables.t.columns.b.unique: type 'bool' cannot be made unique"
    ]


def test_parameter_not_for_the_type() -> None:
    found = problems(one_table(a={"type": "int", "scale": 2}))
    assert found[0].startswith(
        "tables.t.columns.a.scale: parameter 'scale' does not apply to type 'int'"
    )


def test_per_parent_distribution_that_cannot_meet_its_range() -> None:
    spec = {
        "tables": {
            "p": {"rows": 10, "columns": {"id": {"type": "id"}}},
            "c": {
                "per_parent": {"table": "p", "dist": {"poisson": {"lam": 2}}, "min": 50, "max": 60},
                "columns": {"p_id": {"ref": "p.id"}},
            },
        }
    }
    assert any("almost never falls in [50, 60]" in p for p in problems(spec))


def test_per_parent_needs_a_link_column() -> None:
    spec = {
        "tables": {
            "p": {"rows": 10, "columns": {"id": {"type": "id"}}},
            "c": {"per_parent": {"table": "p", "max": 2}, "columns": {"x": {"type": "int"}}},
        }
    }
    assert any(p.startswith("tables.c.per_parent: needs a ref column to p") for p in problems(spec))


def test_reference_must_point_at_a_key() -> None:
    spec = {
        "tables": {
            "p": {"rows": 10, "columns": {"id": {"type": "id"}, "n": {"type": "int"}}},
            "c": {"rows": 5, "columns": {"p_n": {"ref": "p.n"}}},
        }
    }
    assert problems(spec) == [
        "tables.c.columns.p_n.ref: p.n is not a key: reference an id, uuid or unique column"
    ]


def test_cycles_are_refused() -> None:
    spec = {
        "tables": {
            "a": {"rows": 3, "columns": {"id": {"type": "id"}, "b_id": {"ref": "b.id"}}},
            "b": {"rows": 3, "columns": {"id": {"type": "id"}, "a_id": {"ref": "a.id"}}},
        }
    }
    assert any("cycle" in p for p in problems(spec))
    cols = one_table(x={"expr": "y + 1"}, y={"expr": "x + 1"})
    assert any("columns depend on each other" in p for p in problems(cols))


def test_self_reference_needs_a_nullable_link() -> None:
    found = problems(one_table(parent={"ref": "t.id"}))
    assert found == [
        "tables.t.columns.parent.null_rate: a self-reference needs null_rate > 0: "
        "the first row has no earlier row to point to"
    ]


def test_after_must_fit_the_columns_range() -> None:
    spec = one_table(
        start={"type": "datetime", "min": "2024-01-01", "max": "2024-12-31"},
        end={"type": "datetime", "after": "start", "max": "2024-06-30"},
    )
    assert any("can be later than this column's max" in p for p in problems(spec))


def test_unknown_columns_in_checks_and_after(mini_spec: dict) -> None:
    spec = copy.deepcopy(mini_spec)
    spec["tables"]["orders"]["checks"].append("customers.agee > 3")
    spec["tables"]["orders"]["columns"]["ordered_at"]["after"] = "customers.signup"
    found = problems(spec)
    assert any("checks[2]: unknown column 'agee' in table 'customers'" in p for p in found)
    assert any("ordered_at.after: unknown column 'signup' in table 'customers'" in p for p in found)


def test_expression_errors_are_caught_before_generation() -> None:
    found = problems(one_table(a={"type": "int"}, b={"expr": "no_such_function(a)"}))
    assert found[0].startswith("tables.t.columns.b.expr:")
    found = problems(one_table(a={"type": "int"}, b={"expr": "random() * a"}))
    assert "not allowed" in found[0]


def test_check_must_be_boolean() -> None:
    spec = one_table(a={"type": "int"})
    spec["tables"]["t"]["checks"] = ["a + 1"]
    assert problems(spec) == ["tables.t.checks[0]: a check must be a boolean expression"]


def test_scenario_values_must_fit_the_column(mini_spec: dict) -> None:
    spec = copy.deepcopy(mini_spec)
    spec["scenarios"]["orders"][0]["set"]["status"] = "lost"
    spec["scenarios"]["orders"].append(
        {"name": "x", "count": 2, "set": {"subtotal": {"min": 1, "max": 9000}}}
    )
    found = problems(spec)
    assert "scenarios.orders[0].set.status: 'lost' is outside the column's values" in found
    assert any(p.startswith("scenarios.orders[1].set.subtotal: narrows outside") for p in found)


def test_unsupported_locale() -> None:
    spec = one_table()
    spec["locale"] = "xx_XX"
    assert problems(spec)[0].startswith("locale: unsupported locale 'xx_XX'")


def test_checks_that_contradict_constraints_are_refused() -> None:
    spec = one_table(
        age={"type": "int", "min": 18, "max": 90}, s={"type": "category", "values": ["a", "b"]}
    )
    spec["tables"]["t"]["checks"] = ["age > 100", "s IN ('x', 'y')", "age BETWEEN 20 AND 30"]
    assert problems(spec) == [
        "tables.t.checks[0]: can never hold: age is limited to [18, 90]",
        "tables.t.checks[1]: can never hold: s takes none of ['x', 'y']",
    ]
