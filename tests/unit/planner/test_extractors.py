"""One test group per extractor of planner/parse: what each reads from a request."""

from __future__ import annotations

import pytest

from synthwright.planner.parse import normalise, parse_count, parse_request


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("twenty five students", "25 students"),
        ("three hundred products", "300 products"),
        ("a dozen doctors", "12 doctors"),
        ("10k users and a million events", "10000 users and 1000000 events"),
        ("1.5 million readings", "1500000 readings"),
        ("2,500 customers", "2500 customers"),
        ("a few hundred customers", "about 300 customers"),
        ("each with one to five orders", "each with 1..5 orders"),
        ("2 until 6 invoices", "2..6 invoices"),
        ("price between 5 and $60", "price between 5..60"),
        ("pages viewed 1..30", "pages viewed 1..30"),
        ("first name, status one of new, paid", "first name , status one of new , paid"),
        ("check-out after check-in", "check out after check in"),
        ("balcony yes/no", "balcony flag"),
    ],
)
def test_normalise(text: str, expected: str) -> None:
    assert normalise(text) == expected


@pytest.mark.parametrize(
    ("text", "lo", "hi", "mean"),
    [
        ("1..5", 1, 5, None),
        ("about 4", 0, 12, 4.0),
        ("up to 10", 0, 10, None),
        ("at least 2", 2, 7, 3.0),
        ("exactly 6", 6, 6, None),
        ("several", 0, 15, 5.0),
    ],
)
def test_parse_count(text: str, lo: int, hi: int, mean: float | None) -> None:
    count = parse_count(text)
    assert count is not None and (count.lo, count.hi, count.mean) == (lo, hi, mean)


@pytest.mark.parametrize(
    ("prompt", "table", "rows"),
    [
        ("employees table with 1000 rows", "employees", 1000),
        ("a list of customers, 750 of them", "customers", 750),
        ("employees(500)", "employees", 500),
        ("fact_sales with 100k rows", "fact_sales", 100000),
        ("900 survey respondents", "respondents", 900),
        ("300 spaceships", "spaceships", 300),
    ],
)
def test_row_counts(prompt: str, table: str, rows: int) -> None:
    assert parse_request(prompt).counts[table] == [rows]


def _rel(prompt: str) -> list[tuple[str, str, int | None, int | None, float | None, str]]:
    return [
        (r.parent, r.child, r.count.lo if r.count else None, r.count.hi if r.count else None,
         r.count.mean if r.count else None, r.kind)
        for r in parse_request(prompt).relations
    ]  # fmt: skip


def test_relations_with_counts() -> None:
    assert ("customers", "orders", 1, 5, None, "owns") in _rel(
        "300 customers, each with 1 to 5 orders"
    )
    assert ("products", "reviews", 0, 9, 3.0, "owns") in _rel("about 3 reviews per product")
    assert ("devices", "sensor_readings", 100, 100, None, "owns") in _rel(
        "20 devices each sending 100 temperature readings"
    )
    assert ("posts", "comments", 10, 40, None, "owns") in _rel(
        "between 10 and 40 comments per post"
    )
    assert ("machines", "sensor_readings", 100, 100, None, "owns") in _rel(
        "100 readings each for 30 machines"
    )
    both = _rel("1000 customers each with 0 to 3 addresses and 1 to 10 orders")
    assert ("customers", "addresses", 0, 3, None, "owns") in both
    assert ("customers", "orders", 1, 10, None, "owns") in both


def test_relation_per_parent_without_a_child_word() -> None:
    req = parse_request("loans linking members and books, about 4 per member")
    assert req.junctions == {"book_loans": ["members", "books"]}
    [rel] = req.relations
    assert (rel.parent, rel.child, rel.count and rel.count.mean) == ("members", "book_loans", 4.0)


def test_belonging_and_self_references() -> None:
    assert ("authors", "books", None, None, None, "belongs") in _rel(
        "10k books, 800 authors; each book belongs to an author"
    )
    assert ("agents", "support_tickets", None, None, None, "belongs") in _rel(
        "20 agents, 3000 tickets assigned to agents"
    )
    req = parse_request("200 employees, each has a manager who is another employee")
    [link] = req.links
    assert (link.table, link.column, link.target) == ("employees", "manager_id", "employees")


def test_a_setting_is_not_a_table() -> None:
    req = parse_request("a company with 200 employees")
    assert req.counts == {"employees": [200]}
    assert "companies" not in req.tables()


def test_field_lists() -> None:
    req = parse_request(
        "2000 visits with ip address, country, landing page url and duration in seconds"
    )
    assert req.fields["appointments"] == ["ip address", "country", "landing page url", "duration"]
    assert req.units[("appointments", "duration")] == "s"
    req = parse_request("customers: id, first name, last name, date of birth, loyalty points")
    assert req.fields["customers"] == [
        "id",
        "first name",
        "last name",
        "date of birth",
        "loyalty points",
    ]
    req = parse_request("products (sku, name, price in USD between 5 and 500)")
    assert req.fields["products"] == ["sku", "name", "price"] and req.currency == "USD"
    req = parse_request("calls: caller number, callee number, started at")
    assert req.fields["calls"] == ["caller number", "callee number", "started at"]


def _ranges(prompt: str) -> list[tuple[str | None, float | None, float | None, str | None]]:
    return [
        (c.field, c.lo, c.hi, c.unit)
        for c in parse_request(prompt).constraints
        if c.kind == "range"
    ]


def test_ranges_and_units() -> None:
    assert ("salary", 40000, 120000, None) in _ranges("employees, salary between 40000 and 120000")
    assert ("age", 0, 99, None) in _ranges("1000 members aged 0 to 99")
    assert ("speed", 0, 130, "kmh") in _ranges("pings with speed in km/h 0-130")
    assert ("amount", 1, 5000, None) in _ranges("transactions in EUR between 1 and 5000")
    assert ("price", 100, None, None) in _ranges("products with price over 100")
    assert ("pages viewed", 1, 30, None) in _ranges("visitors with pages viewed 1..30")
    assert parse_request("transactions in EUR between 1 and 5000").currency == "EUR"


def test_values_uniques_and_shares() -> None:
    req = parse_request("tickets with priority low/medium/high, unique emails, 5% missing phone")
    kinds = {(c.kind, c.field) for c in req.constraints}
    assert ("values", "priority") in kinds and ("unique", "emails") in kinds
    assert ("null", "phone") in kinds
    values = next(c for c in req.constraints if c.kind == "values")
    assert values.values == ["low", "medium", "high"]


@pytest.mark.parametrize(
    ("prompt", "field", "anchor", "within"),
    [
        ("loans, returned within 30 days", "returned", None, "30d"),
        ("stays, check-out after check-in", "check out", "check in", None),
        ("delivery date within 10 days of shipping", "delivery date", "shipping", "10d"),
        ("a due date 21 days after the loan date", "due date", "loan date", "21d"),
        ("check-out date 1 to 14 days after check-in", "check out date", "check in", "14d"),
        ("tickets resolved within 72 hours of creation", "resolved", "creation", "72h"),
    ],
)
def test_time_rules(prompt: str, field: str, anchor: str | None, within: str | None) -> None:
    [rule] = parse_request(prompt).time_rules
    assert (rule.field, rule.anchor, rule.within) == (field, anchor, within)


def test_windows_countries_format_and_seed() -> None:
    req = parse_request("German orders placed in Q1 2024 as parquet with seed 7")
    [window] = [c for c in req.constraints if c.kind == "window"]
    assert window.values == ["2024-01-01", "2024-03-31"]
    assert req.countries == ["DE"] and req.output_format == "parquet" and req.seed == 7
