"""Ambiguity: what the planner asks, the defaults it uses, and re-planning with answers."""

from __future__ import annotations

import synthwright as sw
from synthwright.planner import Question, plan_offline
from synthwright.spec import spec_to_data


def _questions(prompt: str) -> dict[str, Question]:
    return {q.key: q for q in plan_offline(prompt).questions}


def test_missing_counts_are_asked_with_defaults() -> None:
    result = plan_offline("customers and their orders")
    qs = {q.key: q for q in result.questions}
    assert qs["rows.customers"].default == "1000"
    assert qs["per_parent.orders"].default == "about 2"
    assert "customers: no count given; 1000 rows" in result.assumptions
    replanned = plan_offline(
        "customers and their orders", answers={"rows.customers": "250", "per_parent.orders": "1-4"}
    )
    data = spec_to_data(replanned.spec)
    assert data["tables"]["customers"]["rows"] == 250
    assert data["tables"]["orders"]["per_parent"] == {"table": "customers", "min": 1, "max": 4}
    assert replanned.questions == [
        q for q in replanned.questions if q.key not in ("rows.customers", "per_parent.orders")
    ]
    assert [q.key for q in replanned.questions] == []


def test_unknown_entity_is_asked_and_answer_gives_columns() -> None:
    result = plan_offline("400 gizmos")
    q = {q.key: q for q in result.questions}["entity.gizmos"]
    assert q.default == "generic (id, name, created_at)"
    assert list(spec_to_data(result.spec)["tables"]["gizmos"]["columns"]) == [
        "id",
        "name",
        "created_at",
    ]
    answered = plan_offline("400 gizmos", answers={"entity.gizmos": "serial number, price, color"})
    cols = spec_to_data(answered.spec)["tables"]["gizmos"]["columns"]
    assert list(cols) == ["id", "serial_number", "price", "color"]
    assert cols["price"]["type"] == "price"
    like = plan_offline("400 gizmos", answers={"entity.gizmos": "products"})
    assert "sku" in spec_to_data(like.spec)["tables"]["gizmos"]["columns"]
    assert all(sw.validate(r.spec) == [] for r in (result, answered, like))


def test_reversed_range_is_asked_and_swapped() -> None:
    result = plan_offline("300 employees with age between 50 and 20")
    q = {q.key: q for q in result.questions}["conflict.employees.age"]
    assert q.default == "20-50" and q.choices == ["20-50"]
    age = spec_to_data(result.spec)["tables"]["employees"]["columns"]["age"]
    assert (age["min"], age["max"]) == (20, 50)
    answered = plan_offline(
        "300 employees with age between 50 and 20", answers={"conflict.employees.age": "25-45"}
    )
    age = spec_to_data(answered.spec)["tables"]["employees"]["columns"]["age"]
    assert (age["min"], age["max"]) == (25, 45)


def test_conflicting_values_are_asked() -> None:
    prompt = "200 orders where status is paid. Status is pending only."
    q = _questions(prompt)["conflict.orders.status"]
    assert q.default == "pending"
    assert q.choices == ["paid", "pending", "paid, pending"]
    both = plan_offline(prompt, answers={"conflict.orders.status": "paid, pending"})
    status = spec_to_data(both.spec)["tables"]["orders"]["columns"]["status"]
    assert status["values"] == ["paid", "pending"]


def test_conflicting_counts_are_asked() -> None:
    prompt = "500 customers ... actually 800 customers"
    result = plan_offline(prompt)
    q = {q.key: q for q in result.questions}["conflict.customers.rows"]
    assert q.choices == ["500", "800"] and q.default == "800"
    assert spec_to_data(result.spec)["tables"]["customers"]["rows"] == 800
    first = plan_offline(prompt, answers={"conflict.customers.rows": "500"})
    assert spec_to_data(first.spec)["tables"]["customers"]["rows"] == 500


def test_vague_fields_are_assumed_listed_and_answerable() -> None:
    result = plan_offline("100 suppliers with some details")
    assert "fields.suppliers" in {q.key for q in result.questions}
    assert any("vague" in a for a in result.assumptions)
    answered = plan_offline(
        "100 suppliers with some details", answers={"fields.suppliers": "name, email and phone"}
    )
    cols = spec_to_data(answered.spec)["tables"]["suppliers"]["columns"]
    assert list(cols) == ["id", "name", "email", "phone"]


def test_nothing_recognised_asks_what_the_data_is() -> None:
    result = plan_offline("please generate something useful")
    assert result.questions[0].key == "entities"
    answered = plan_offline("please generate something useful", answers={"entities": "50 doctors"})
    assert list(answered.spec.tables) == ["doctors"]
    assert answered.spec.tables["doctors"].rows == 50
    assert "entities" not in {q.key for q in answered.questions}


def test_per_parent_reversed_and_junction_capacity() -> None:
    result = plan_offline("each customer has between 5 and 1 orders")
    assert {q.key for q in result.questions} >= {"conflict.orders.per_parent"}
    narrow = plan_offline("3 courses and 100 students; each student enrols in 2-8 courses")
    pp = spec_to_data(narrow.spec)["tables"]["enrolments"]["per_parent"]
    assert (pp["min"], pp["max"]) == (2, 3)
    assert any("at most 3" in a for a in narrow.assumptions)
    tables = sw.generate(narrow.spec, rows=20).materialize()
    pairs = list(
        zip(
            tables["enrolments"].column("student_id").to_pylist(),
            tables["enrolments"].column("course_id").to_pylist(),
            strict=True,
        )
    )
    assert len(pairs) == len(set(pairs))


def test_every_assumption_is_text_and_questions_have_defaults() -> None:
    for prompt in ("customers", "widgets with stuff", "orders in 2024 as csv"):
        result = plan_offline(prompt)
        assert all(isinstance(a, str) and a for a in result.assumptions)
        assert all(q.default for q in result.questions)
        assert sw.validate(result.spec) == []
