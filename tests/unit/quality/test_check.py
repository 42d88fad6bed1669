"""check_tables: each rule, planted once, gives exactly its finding; clean data gives none."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from synthwright.quality import Finding, check_tables
from synthwright.spec import Spec, spec_from_data

from .shop import SHOP, replace

Tables = dict[str, pa.Table]


def one(findings: list[Finding]) -> Finding:
    assert len(findings) == 1, [str(f) for f in findings]
    return findings[0]


def with_column(column: dict[str, object], data: list[object], dtype: pa.DataType) -> Finding:
    """The single finding for a one-table spec with one column ``c`` holding ``data``."""
    spec = spec_from_data({"tables": {"t": {"rows": len(data), "columns": {"c": column}}}})
    return one(check_tables({"t": pa.table({"c": pa.array(data, dtype)})}, spec))


def test_clean_data_has_no_findings(tables: Tables, spec: Spec) -> None:
    assert check_tables(tables, spec) == []


def test_missing_table_and_column(tables: Tables, spec: Spec) -> None:
    del tables["favourites"]
    tables["orders"] = tables["orders"].drop_columns(["status"])
    found = check_tables(tables, spec)
    assert [(f.location, f.rule) for f in found] == [
        ("tables.orders.columns.status", "missing"),
        ("tables.favourites", "missing"),
    ]


def test_extra_column_but_scenario_column_allowed(tables: Tables, spec: Spec) -> None:
    orders = tables["orders"]
    tables["orders"] = orders.append_column("_scenario", pa.nulls(orders.num_rows, pa.string()))
    assert check_tables(tables, spec) == []
    tables["orders"] = orders.append_column("junk", pa.array([1, 2, 3, 4]))
    finding = one(check_tables(tables, spec))
    assert (finding.location, finding.rule) == ("tables.orders", "extra")


def test_not_null_on_column_without_null_rate(tables: Tables, spec: Spec) -> None:
    replace(tables, "customers", "email", ["a@x.com", None, "c@x.com", "d@x.com"])
    finding = one(check_tables(tables, spec))
    assert (finding.location, finding.rule, finding.count) == (
        "tables.customers.columns.email",
        "not_null",
        1,
    )


def test_min_and_max_of_numbers(tables: Tables, spec: Spec) -> None:
    replace(tables, "customers", "age", [17, 40, 91, 95])
    found = check_tables(tables, spec)
    assert [(f.rule, f.count, f.examples) for f in found] == [
        ("min", 1, ("17",)),
        ("max", 2, ("91", "95")),
    ]
    assert {f.location for f in found} == {"tables.customers.columns.age"}


def test_datetime_max_given_as_a_date_covers_the_whole_day(tables: Tables, spec: Spec) -> None:
    last = dt.datetime(2024, 12, 31, 23, 59, 59, 999999)
    replace(tables, "customers", "signup_at", [last, last, last, dt.datetime(2025, 1, 1)])
    replace(tables, "orders", "ordered_at", [last] * 4)
    found = [f for f in check_tables(tables, spec) if f.location.endswith("signup_at")]
    assert [(f.rule, f.count, f.examples) for f in found] == [("max", 1, ("2025-01-01T00:00:00",))]


def test_values_membership(tables: Tables, spec: Spec) -> None:
    replace(tables, "orders", "status", ["pending", "lost", "shipped", "lost"])
    replace(tables, "customers", "country", ["US", "DE", "FR", "US"])
    found = check_tables(tables, spec)
    assert [(f.location, f.rule, f.count) for f in found] == [
        ("tables.customers.columns.country", "values", 1),
        ("tables.orders.columns.status", "values", 2),
    ]


def test_values_of_a_dictionary_column(tables: Tables, spec: Spec) -> None:
    status = pa.array(["pending", "gone", "shipped", "pending"]).dictionary_encode()
    replace(tables, "orders", "status", status)
    finding = one(check_tables(tables, spec))
    assert (finding.rule, finding.examples) == ("values", ("'gone'",))


def test_unique_column_and_id(tables: Tables, spec: Spec) -> None:
    replace(tables, "customers", "email", ["a@x.com", "a@x.com", "a@x.com", "d@x.com"])
    finding = one(check_tables(tables, spec))
    assert (finding.location, finding.rule, finding.count, finding.examples) == (
        "tables.customers.columns.email",
        "unique",
        2,
        ("'a@x.com'",),
    )


def test_composite_unique_duplicate(tables: Tables, spec: Spec) -> None:
    replace(tables, "favourites", "product", ["tea", "tea", "tea"])
    finding = one(check_tables(tables, spec))
    assert (finding.location, finding.rule, finding.count, finding.examples) == (
        "tables.favourites.unique",
        "unique",
        1,
        ("(1, 'tea')",),
    )


def test_unique_ignores_nulls() -> None:
    spec = spec_from_data(
        {
            "tables": {
                "t": {
                    "rows": 3,
                    "columns": {"c": {"type": "int", "unique": True, "null_rate": 0.5}},
                }
            }
        }
    )
    assert check_tables({"t": pa.table({"c": pa.array([None, None, 1])})}, spec) == []


def test_pattern_template_mismatch(tables: Tables, spec: Spec) -> None:
    replace(tables, "customers", "code", ["C-001", "C-01", "D-002", "C-0003"])
    finding = one(check_tables(tables, spec))
    assert (finding.location, finding.rule, finding.count) == (
        "tables.customers.columns.code",
        "pattern",
        3,
    )


@pytest.mark.parametrize(
    ("pattern", "good", "bad"),
    [
        ("??-####", "AB-1234", "ab-1234"),
        (r"[A-Z]{2}\d+", "XY42", "XY"),
        ("ORD#", "ORD7", "ORD77"),
    ],
)
def test_pattern_forms(pattern: str, good: str, bad: str) -> None:
    finding = with_column({"type": "string", "pattern": pattern}, [good, bad], pa.string())
    assert (finding.rule, finding.count, finding.examples) == ("pattern", 1, (repr(bad),))


def test_regex_must_match_whole_value(tables: Tables, spec: Spec) -> None:
    replace(tables, "favourites", "product", ["tea", "tea2", "cake"])
    finding = one(check_tables(tables, spec))
    assert (finding.rule, finding.examples) == ("regex", ("'tea2'",))


def test_max_length(tables: Tables, spec: Spec) -> None:
    replace(tables, "favourites", "note", ["nice", None, "01234567890"])
    finding = one(check_tables(tables, spec))
    assert (finding.location, finding.rule, finding.count) == (
        "tables.favourites.columns.note",
        "max_length",
        1,
    )


def test_min_length() -> None:
    finding = with_column({"type": "string", "min_length": 3}, ["abc", "ab"], pa.string())
    assert (finding.rule, finding.count) == ("min_length", 1)


def test_decimal_scale() -> None:
    data = [Decimal("1.25"), Decimal("1.255"), Decimal("2.000")]
    finding = with_column({"type": "decimal", "scale": 2}, data, pa.decimal128(18, 3))
    assert (finding.rule, finding.count, finding.examples) == ("scale", 1, ("1.255",))


def test_type_that_cannot_be_cast() -> None:
    finding = with_column({"type": "int"}, ["1", "x"], pa.string())
    assert (finding.rule, finding.count) == ("type", 2)


def test_foreign_key_orphans(tables: Tables, spec: Spec) -> None:
    replace(tables, "orders", "customer_id", [1, 9, 2, 9])
    found = check_tables(tables, spec)
    finding = one([f for f in found if f.rule == "foreign_key"])
    assert (finding.location, finding.count, finding.examples) == (
        "tables.orders.columns.customer_id",
        2,
        ("9", "9"),
    )


def test_nullable_self_reference_orphan(tables: Tables, spec: Spec) -> None:
    replace(tables, "customers", "referred_by", [None, 7, None, 2])
    finding = one(check_tables(tables, spec))
    assert (finding.location, finding.rule, finding.count) == (
        "tables.customers.columns.referred_by",
        "foreign_key",
        1,
    )


def test_ref_without_null_rate_is_not_null(tables: Tables, spec: Spec) -> None:
    replace(tables, "favourites", "customer_id", [1, None, 2])
    finding = one(check_tables(tables, spec))
    assert (finding.location, finding.rule) == ("tables.favourites.columns.customer_id", "not_null")


def test_per_parent_out_of_range(tables: Tables, spec: Spec) -> None:
    data = SHOP | {}
    data["tables"] = dict(SHOP["tables"])
    data["tables"]["orders"] = dict(SHOP["tables"]["orders"])
    data["tables"]["orders"]["per_parent"] = {"table": "customers", "min": 1, "max": 1}
    finding = one(check_tables(tables, spec_from_data(data)))
    assert (finding.location, finding.rule, finding.count) == (
        "tables.orders.per_parent",
        "per_parent",
        2,
    )
    assert finding.examples == ("id=1: 2", "id=4: 0")


def test_after_and_within_through_the_parent(tables: Tables, spec: Spec) -> None:
    ordered = [
        dt.datetime(2023, 1, 5, 9, 59),  # before the customer's signup
        dt.datetime(2024, 1, 5, 10, 0),  # exactly signup + 365d: allowed
        dt.datetime(2024, 5, 31, 0, 0, 1),  # a second past signup + 365d
        dt.datetime(2024, 3, 1),
    ]
    replace(tables, "orders", "ordered_at", ordered)
    found = [f for f in check_tables(tables, spec) if f.location.endswith("ordered_at")]
    assert [(f.rule, f.count, f.examples) for f in found] == [
        ("after", 1, ("row 0",)),
        ("within", 1, ("row 2",)),
    ]


def test_before_a_column_of_the_same_row() -> None:
    spec = spec_from_data(
        {
            "tables": {
                "t": {
                    "rows": 2,
                    "columns": {
                        "start": {"type": "date", "before": "end", "within": "2d"},
                        "end": {"type": "date"},
                    },
                }
            }
        }
    )
    table = pa.table(
        {
            "start": [dt.date(2024, 1, 1), dt.date(2024, 1, 9), dt.date(2023, 1, 1)],
            "end": [dt.date(2024, 1, 2), dt.date(2024, 1, 8), dt.date(2024, 1, 1)],
        }
    )
    found = check_tables({"t": table}, spec)
    assert [(f.rule, f.count, f.examples) for f in found] == [
        ("before", 1, ("row 1",)),
        ("within", 1, ("row 2",)),
    ]


def test_expr_mismatch(tables: Tables, spec: Spec) -> None:
    tax = pa.array([Decimal(v) for v in ("8.00", "0.41", "160.00", "0.99")], pa.decimal128(18, 2))
    replace(tables, "orders", "tax", tax)
    found = check_tables(tables, spec)
    tax_finding = one([f for f in found if f.location == "tables.orders.columns.tax"])
    assert (tax_finding.rule, tax_finding.count) == ("expr", 1)
    assert tax_finding.examples == ("row 1: 0.41 != 0.40",)
    # total and the check are computed from the stored (wrong) tax, so they fail too
    assert {f.location for f in found} == {
        "tables.orders.columns.tax",
        "tables.orders.columns.total",
        "tables.orders.checks[0]",
    }


def test_expr_floats_compare_with_relative_tolerance() -> None:
    spec = spec_from_data(
        {"tables": {"t": {"rows": 2, "columns": {"a": {"type": "float"}, "b": {"expr": "a / 3"}}}}}
    )
    a = pa.array([1.0, 1e12])
    close = pa.table({"a": a, "b": pa.array([1 / 3 * (1 + 1e-12), 1e12 / 3])})
    assert check_tables({"t": close}, spec) == []
    far = pa.table({"a": a, "b": pa.array([1 / 3 * (1 + 1e-6), 1e12 / 3])})
    assert one(check_tables({"t": far}, spec)).examples[0].startswith("row 0")


def test_expr_through_the_parent() -> None:
    spec = spec_from_data(
        {
            "tables": {
                "p": {"rows": 2, "columns": {"id": {"type": "id"}, "rate": {"type": "int"}}},
                "c": {
                    "rows": 3,
                    "columns": {
                        "p_id": {"ref": "p.id"},
                        "x": {"type": "int"},
                        "y": {"expr": "x * p.rate"},
                    },
                },
            }
        }
    )
    parent = pa.table({"id": [1, 2], "rate": [10, 100]})
    child = pa.table({"p_id": [2, 1, 2], "x": [1, 2, 3], "y": [100, 20, 3]})
    finding = one(check_tables({"p": parent, "c": child}, spec))
    assert (finding.location, finding.count, finding.examples) == (
        "tables.c.columns.y",
        1,
        ("row 2: 3 != 300",),
    )


def test_check_violation_through_the_parent(tables: Tables, spec: Spec) -> None:
    spec.tables["orders"].columns["ordered_at"].after = None  # type: ignore[union-attr]
    replace(
        tables, "orders", "ordered_at", [dt.datetime(2020, 1, 1)] + [dt.datetime(2024, 6, 1)] * 3
    )
    finding = one(check_tables(tables, spec))
    assert (finding.location, finding.rule, finding.count, finding.examples) == (
        "tables.orders.checks[1]",
        "check",
        1,
        ("row 0",),
    )


def test_check_that_is_null_passes() -> None:
    spec = spec_from_data(
        {
            "tables": {
                "t": {
                    "rows": 3,
                    "columns": {"a": {"type": "int", "null_rate": 0.5}},
                    "checks": ["a > 0", "t.a < 10"],
                }
            }
        }
    )
    table = pa.table({"a": pa.array([None, 5, -1, 12], pa.int64())})
    found = check_tables({"t": table}, spec)
    assert [(f.location, f.count, f.examples) for f in found] == [
        ("tables.t.checks[0]", 1, ("row 2",)),
        ("tables.t.checks[1]", 1, ("row 3",)),
    ]


def test_bad_check_expression_is_a_finding(tables: Tables, spec: Spec) -> None:
    spec.tables["orders"].checks.append("totl > 0")
    spec.tables["orders"].checks.append("suppliers.x > 0")
    found = check_tables(tables, spec)
    assert [(f.location, f.rule, f.count) for f in found] == [
        ("tables.orders.checks[2]", "check", 0),
        ("tables.orders.checks[3]", "check", 0),
    ]
    assert "totl" in found[0].message
    assert "suppliers" in found[1].message


def test_scenario_values_are_allowed() -> None:
    spec = spec_from_data(
        {
            "tables": {
                "t": {
                    "rows": 3,
                    "columns": {
                        "s": {"type": "category", "values": ["a", "b"]},
                        "n": {"type": "int", "min": 0, "max": 10},
                    },
                }
            },
            "scenarios": {"t": [{"name": "odd", "count": 1, "set": {"s": "zz", "n": {"max": 50}}}]},
        }
    )
    table = pa.table({"s": ["a", "zz", "q"], "n": [1, 50, 51]})
    found = check_tables({"t": table}, spec)
    assert [(f.rule, f.examples) for f in found] == [("values", ("'q'",)), ("max", ("51",))]


def test_millions_of_rows_are_vectorised(spec: Spec) -> None:
    n = 200_000
    ids = pa.array(np.arange(1, n + 1, dtype=np.int64))

    def full(value: object) -> pa.Array:
        return pa.array(np.full(n, value))

    def money(value: float) -> pa.Array:
        return full(value).cast(pa.decimal128(18, 2))

    customers = pa.table(
        {
            "id": ids,
            "email": pc.binary_join_element_wise(ids.cast(pa.string()), "@x.com", ""),
            "country": pa.array(np.where(np.arange(n) % 2 == 0, "US", "DE")),
            "signup_at": full(np.datetime64("2024-01-01T00:00:00", "us")),
            "age": full(30),
            "vip": full(False),
            "code": full("C-123"),
            "referred_by": pa.nulls(n, pa.int64()),
        }
    )
    orders = pa.table(
        {
            "id": ids.cast(pa.string()),
            "customer_id": ids,
            "ordered_at": full(np.datetime64("2024-02-01T00:00:00", "us")),
            "status": full("pending"),
            "subtotal": money(10.0),
            "tax": money(0.8),
            "total": money(10.8),
        }
    )
    favourites = pa.table(
        {"customer_id": ids, "product": full("tea"), "note": pa.nulls(n, pa.string())}
    )
    tables = {"customers": customers, "orders": orders, "favourites": favourites}
    assert check_tables(tables, spec) == []


def test_formatted_datetime_is_compared_as_a_datetime() -> None:
    column = {"type": "datetime", "format": "%d/%m/%Y", "min": "2024-01-01", "max": "2024-12-31"}
    finding = with_column(column, ["31/12/2024", "01/01/2025", "15/06/2024"], pa.string())
    assert (finding.rule, finding.count, finding.examples) == ("max", 1, ("'01/01/2025'",))


def test_not_null_examples_are_rows() -> None:
    finding = with_column({"type": "int"}, [1, None, 3], pa.int64())
    assert (finding.rule, finding.count, finding.examples) == ("not_null", 1, ("row 1",))


def test_finding_reads_well() -> None:
    finding = Finding("tables.t.columns.c", "max", "values above 5", 2, ("9", "7"))
    assert str(finding) == "tables.t.columns.c: [max] values above 5: 2 rows (e.g. 9, 7)"
