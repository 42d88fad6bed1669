"""Edge values stay inside the column's own rules and name what makes them awkward."""

from __future__ import annotations

import pytest

from synthwright import catalog
from synthwright.catalog.base_numeric import OrderedGenerator
from synthwright.catalog.edge_values import edge_values
from synthwright.spec import TypeColumn


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ({"type": "int", "min": 1, "max": 5}, {"min": 1, "max": 5}),
        ({"type": "decimal", "min": 0.05, "max": 0.1, "scale": 2}, {"min": 0.05, "max": 0.1}),
        (
            {"type": "date", "min": "1945-01-01", "max": "2006-12-31"},
            {"min": "1945-01-01", "max": "2006-12-31", "leap_day": "2004-02-29"},
        ),
        (
            {"type": "datetime", "min": "2021-01-01", "max": "2023-06-30"},
            {
                "min": "2021-01-01T00:00:00",
                "max": "2023-06-30T23:59:59.999999",
            },
        ),
        ({"type": "price", "min": 2, "max": 400}, {"min": 2, "max": 400}),
        ({"type": "category", "values": {"a": 0.6, "b": 0.3, "c": 0.1}}, {"rarest": "c"}),
    ],
)
def test_boundaries_and_rare_values(spec: dict[str, object], expected: dict[str, object]) -> None:
    col = TypeColumn.model_validate(spec)
    got = {e.kind: e.value for e in edge_values(col)}
    assert got == expected
    gen = catalog.get(col.type)
    if isinstance(gen, OrderedGenerator):
        lo, hi = gen.bounds(col)
        assert all(lo <= gen.to_unit(v, col) <= hi for v in got.values())


def test_leap_day_only_when_the_range_has_one() -> None:
    col = TypeColumn.model_validate({"type": "date", "min": "2021-03-01", "max": "2023-12-31"})
    assert "leap_day" not in {e.kind for e in edge_values(col)}


def test_text_edges_respect_lengths() -> None:
    col = TypeColumn.model_validate({"type": "string", "min_length": 3, "max_length": 12})
    edges = edge_values(col)
    assert edges and all(3 <= len(e.value) <= 12 for e in edges)
    assert {"max_length", "min_length"} <= {e.kind for e in edges}
    assert [len(e.value) for e in edges if e.kind == "max_length"] == [12]


def test_names_have_apostrophes_and_non_latin_letters() -> None:
    values = [e.value for e in edge_values(TypeColumn(type="last_name"))]
    assert any("'" in v for v in values) and any(not v.isascii() for v in values)


@pytest.mark.parametrize(
    "spec",
    [
        {"type": "email", "unique": True},
        {"type": "string", "pattern": "ORD-####"},
        {"type": "string", "regex": "[a-z]+"},
        {"type": "datetime", "after": "created_at", "within": "2h"},
        {"type": "bool"},
        {"type": "uuid"},
    ],
)
def test_no_edges_where_a_literal_would_break_the_column(spec: dict[str, object]) -> None:
    assert edge_values(TypeColumn.model_validate(spec)) == []


def test_optional_columns_get_a_missing_value() -> None:
    edges = edge_values(TypeColumn(type="city", null_rate=0.2))
    assert ("null", None) in [(e.kind, e.value) for e in edges]
