"""Phrasing families of planner/parse read in their general form: verbs that are also
entity words, counts written after a table's word, verbs that name a field, time rules
with soft bounds and passive anchors, gaps that are not ranges."""

from __future__ import annotations

import pytest

from synthwright.planner.parse import normalise, parse_request


def _rel(prompt: str) -> list[tuple[str, str, int | None, int | None]]:
    """(parent, child, lo, hi) with the tables as the request wrote them (plural)."""
    req = parse_request(prompt)

    def word(table: str) -> str:
        written = req.words.get(table, table)
        return written if written.endswith("s") else table

    return [
        (
            word(r.parent),
            word(r.child),
            r.count.lo if r.count else None,
            r.count.hi if r.count else None,
        )
        for r in req.relations
    ]


@pytest.mark.parametrize(
    ("prompt", "parent", "child", "lo", "hi"),
    [
        ("400 members; each member books 2 to 12 classes", "members", "classes", 2, 12),
        ("1500 patients, each patient visits 1-4 clinics", "patients", "clinics", 1, 4),
        (
            "50 warehouses; every warehouse stores 100 to 800 products",
            "warehouses",
            "products",
            100,
            800,
        ),
        ("300 drivers where each driver logs 10-40 trips", "drivers", "trips", 10, 40),
        ("our 400 members book 2 to 12 classes", "members", "classes", 2, 12),
        ("300 customers with 1 to 5 orders", "customers", "orders", 1, 5),
        ("1000 customers place 1-6 orders", "customers", "orders", 1, 6),
    ],
)
def test_a_verb_that_is_also_an_entity_word_is_read_as_the_verb(
    prompt: str, parent: str, child: str, lo: int, hi: int
) -> None:
    assert (parent, child, lo, hi) in _rel(prompt)
    tables = parse_request(prompt).tables()
    assert not {"books", "visits", "stores", "logs"} & set(tables)


def test_a_compound_entity_word_still_names_one_table() -> None:
    assert ("sessions", "events", 1, 5) in _rel("each user session has 1 to 5 events")
    assert parse_request("10k user sessions").counts == {"sessions": [10000]}


def test_a_field_of_the_subject_is_not_a_child_table() -> None:
    assert not any(c == "credits" for _, c, _, _ in _rel("courses with 3 credits"))


@pytest.mark.parametrize(
    ("prompt", "table", "rows"),
    [
        ("products 500, price must be between 3 and 250", "products", 500),
        ("employees: 900; hired since 2015", "employees", 900),
        ("Table client 2000, with age from 18 until 80 years", "customers", 2000),  # a known word
        ("students, 600; gpa 0.0 to 4.0", "students", 600),
        ("please generate orders 1000 and every order is delivered", "orders", 1000),
    ],
)
def test_a_count_after_the_table_word(prompt: str, table: str, rows: int) -> None:
    assert parse_request(prompt).counts[table] == [rows]


def test_a_number_after_a_field_word_is_not_a_row_count() -> None:
    assert parse_request("servers: mac address, os, cpu cores 2-64").counts == {}
    assert normalise("os, the ones") == "os , the ones"  # not '0 , the 1'


def _ranges(prompt: str) -> list[tuple[str | None, float | None, float | None]]:
    return [(c.field, c.lo, c.hi) for c in parse_request(prompt).constraints if c.kind == "range"]


@pytest.mark.parametrize(
    ("prompt", "field", "lo", "hi"),
    [
        ("800 parcels, each weighs 1.5 to 20 kg", "weight", 1.5, 20),
        ("1200 workouts; a workout takes 5 to 90 minutes", "duration", 5, 90),
        ("700 tours, each tour lasts 2-21 days", "duration", 2, 21),
        ("tours costing 300 to 8000 EUR", "cost", 300, 8000),
    ],
)
def test_a_verb_names_its_field(prompt: str, field: str, lo: float, hi: float) -> None:
    assert (field, lo, hi) in _ranges(prompt)


@pytest.mark.parametrize(
    ("prompt", "field", "anchor", "within"),
    [
        (
            "return date no later than 30 days after the order date",
            "return date",
            "order date",
            "30d",
        ),
        ("end date (always after start date)", "end date", "start date", None),
        ("each settled up to 2 weeks after it was filed", "settled", "filed", "2w"),
        ("delivered maximum 5 days after shipped", "delivered", "shipped", "5d"),
        (
            "every order is delivered not more than 7 days after it is ordered",
            "delivered",
            "ordered",
            "7d",
        ),
        ("dispensed within 3 days of being prescribed", "dispensed", "prescribed", "3d"),
        ("shipped at (after placed at)", "shipped at", "placed at", None),
        ("picked within 4 hours after the order was released", "picked", "released", "4h"),
    ],
)
def test_time_rules_soft_bounds_and_passive_anchors(
    prompt: str, field: str, anchor: str, within: str | None
) -> None:
    [rule] = parse_request(prompt).time_rules
    assert (rule.field, rule.anchor, rule.within) == (field, anchor, within)


def test_a_time_rules_gap_is_not_a_range() -> None:
    assert _ranges("orders shipped 1-3 days after ordering") == []
    assert _ranges("each settled up to 2 weeks after it was filed") == []
    assert ("duration", 1, 120) in _ranges("a duration of 1 to 120 min")


def test_a_count_after_table_and_a_word_the_lexicon_does_not_know() -> None:
    assert parse_request("table spaceship 40, with crew size 2..9").counts == {"spaceships": [40]}


@pytest.mark.parametrize(
    ("prompt", "table", "fields"),
    [
        (
            "vendors - fields: company name, contact email, phone, country",
            "suppliers",
            ["company name", "contact email", "phone", "country"],
        ),
        (
            "tenants:\n- full name\n- email address\n- move in date",
            None,
            ["full name", "email address", "move in date"],
        ),
        (
            "a courses table with title; instructor; start date; price",
            "courses",
            ["title", "instructor", "start date", "price"],
        ),
        (
            "leads table, columns name/email/company/score",
            "leads",
            ["name", "email", "company", "score"],
        ),
        (
            "accounts with plan (free, pro, enterprise), seats 1-500, created at",
            "accounts",
            ["plan", "seats", "created at"],
        ),
        ("orders: placed at, shipped at (after placed at)", "orders", ["placed at", "shipped at"]),
    ],
)
def test_field_lists_in_other_shapes(prompt: str, table: str | None, fields: list[str]) -> None:
    req = parse_request(prompt)
    got = req.fields[table] if table else next(iter(req.fields.values()))
    assert got == fields


def test_a_semicolon_before_a_new_table_ends_the_list() -> None:
    req = parse_request("customers with email; orders with total")
    assert req.fields == {"customers": ["email"], "orders": ["total"]}
    assert normalise("speed in km/h, low/medium/high") == "speed in km/h , low / medium / high"


def test_a_lone_person_word_in_a_list_is_a_persons_name() -> None:
    from synthwright.planner import plan_offline
    from synthwright.spec import spec_to_data

    data = spec_to_data(plan_offline("a courses table with title; instructor; price").spec)
    assert data["tables"]["courses"]["columns"]["instructor"]["type"] == "full_name"


@pytest.mark.parametrize(
    ("prompt", "field", "anchor"),
    [
        ("bookings: guest name, check-in date, check-out date", "check out date", "check in date"),
        ("events with name, venue, start time, end time", "end time", "start time"),
        ("tickets with created at, resolved at, status", "resolved at", "created at"),
    ],
)
def test_two_listed_times_in_a_known_order(prompt: str, field: str, anchor: str) -> None:
    [rule] = parse_request(prompt).time_rules
    assert (rule.field, rule.anchor) == (field, anchor)


def test_a_stated_time_rule_wins_over_the_usual_order() -> None:
    [rule] = parse_request(
        "trips with start time, end time within 3 hours of start time"
    ).time_rules
    assert (rule.field, rule.within) == ("end time", "3h")


@pytest.mark.parametrize(
    ("prompt", "field", "lo", "hi"),
    [
        ("patients with a heart rate of 50-120 bpm", "heart rate", 50, 120),
        ("apartments: rent EUR 400-2500/month", "rent", 400, 2500),
        ("customers 300 with age minimum 18 and maximum 70", "age", 18, 70),
        ("1000 transaction with amount minimal 5 and maximal 2000 euro", "amount", 5, 2000),
        ("loans with an APR between 3.5% and 24.9%", "apr", 3.5, 24.9),
        ("ad campaigns with CTR 0.1% to 8%", "ctr", 0.1, 8),
        ("employees table: name, salary (30k to 150k), hire date", "salary", 30000, 150000),
        ("readings: value 0 to 1023, 200000 rows", "value", 0, 1023),
    ],
)
def test_ranges_in_other_word_orders(prompt: str, field: str, lo: float, hi: float) -> None:
    assert (field, lo, hi) in _ranges(prompt)


def test_min_and_max_are_one_range_and_a_lone_bound_stays() -> None:
    assert _ranges("customers with age minimum 18 and maximum 70") == [("age", 18, 70)]
    assert _ranges("products with price over 100") == [("price", 100, None)]


def test_a_plural_table_word_before_a_field_with_a_range_is_a_table() -> None:
    assert "students" in parse_request("students age 6-18, grade 1..12").tables()
    assert parse_request("employees table: salary (30k to 150k), hire date").fields[
        "employees"
    ] == ["salary", "hire date"]


def test_an_entity_word_among_values_is_a_value() -> None:
    req = parse_request("payments, method card or cash or transfer, amount 1-999")
    [values] = [c for c in req.constraints if c.kind == "values"]
    assert values.values == ["card", "cash", "transfer"]
    assert req.tables() == ["payments"]


@pytest.mark.parametrize(
    ("prompt", "table", "rows", "fields"),
    [
        (
            "returns table, 800 rows: order date, return date no later than 30 days after",
            "returns",
            800,
            ["order date", "return date"],
        ),
        (
            "ledger entries: 10000 rows, debit/credit, amount in USD 0.01 to 10000",
            "ledger_entries",
            10000,
            ["debit", "credit", "amount"],
        ),
        (
            "calls: 5000 call records, duration in seconds between 10 and 3600",
            "calls",
            5000,
            ["duration"],
        ),
    ],
)
def test_rows_of_a_named_table_then_its_list(
    prompt: str, table: str, rows: int, fields: list[str]
) -> None:
    req = parse_request(prompt)
    assert req.counts[table] == [rows]
    assert req.fields[table] == fields


def test_a_clause_table_whose_list_starts_with_a_ranged_field() -> None:
    req = parse_request("apartments: rent EUR 400-2500/month, size 25 to 140 m2")
    assert req.fields == {"apartments": ["rent", "size"]} and req.currency == "EUR"


def test_a_shorter_name_of_an_unknown_table_is_the_same_table() -> None:
    req = parse_request("ad campaigns with budget 100-50000 USD, 40 campaigns")
    assert req.tables() == ["ad_campaigns"] and req.counts == {"ad_campaigns": [40]}


def test_two_time_rules_joined_by_and_and_an_event_noun_anchor() -> None:
    prompt = "3000 orders; each one gets paid within an hour and shipped within 2 days of payment"
    req = parse_request(prompt)
    rules = {(r.field, r.anchor, r.within) for r in req.time_rules}
    assert rules == {("paid", None, "1h"), ("shipped", "payment", "2d")}
    assert req.tables() == ["orders"]  # 'payment' here is an event, not a table
    from synthwright.planner import plan_offline
    from synthwright.spec import spec_to_data

    cols = spec_to_data(plan_offline(prompt).spec)["tables"]["orders"]["columns"]
    assert cols["shipped_at"]["after"] == "paid_at" and cols["paid_at"]["within"] == "1h"


def test_a_list_ends_at_an_approximate_count() -> None:
    req = parse_request("5000 accounts with IBAN and balance, about 30 transactions per account")
    assert req.fields["accounts"] == ["iban", "balance"]


@pytest.mark.parametrize(
    ("prompt", "table", "fields"),
    [
        (
            "400 employees; for each I want their full name, work email and hire date",
            "employees",
            ["full name", "work email", "hire date"],
        ),
        (
            "web sessions: session id (uuid), user agent, ip, started at",
            "sessions",
            ["session id", "user agent", "ip", "started at"],
        ),
        ("table of students with: name, surname, city", "students", ["name", "surname", "city"]),
        (
            "50 suppliers, each one with a company name, phone and an IBAN",
            "suppliers",
            ["company name", "phone", "an iban"],
        ),
    ],
)
def test_field_lists_in_prose(prompt: str, table: str, fields: list[str]) -> None:
    req = parse_request(prompt)
    assert req.fields[table] == fields
    assert req.tables() == [table]


def test_a_domain_word_opening_a_request_is_not_a_table() -> None:
    req = parse_request("HR: leave requests for 500 employees, 0 to 6 requests each")
    assert "hrs" not in req.tables()
    assert [(r.parent, r.child, r.count and r.count.hi) for r in req.relations] == [
        ("employees", "requests", 6)
    ]
    assert normalise("each one with a name") == "each one with a name"


def test_iso_dates_and_until_now_are_windows() -> None:
    def windows(prompt: str) -> list[list[str] | dict[str, float] | None]:
        return [c.values for c in parse_request(prompt).constraints if c.kind == "window"]

    assert windows("events from 2022-01-01 to 2022-06-30") == [["2022-01-01", "2022-06-30"]]
    [[lo, _hi]] = windows("orders from Jan 2024 until now")  # type: ignore[misc]
    assert lo == "2024-01-01"
    assert normalise("1-5 items, 2022-01-01") == "1..5 items , 2022-01-01"


def _links(prompt: str) -> set[tuple[str, str, str]]:
    return {(r.parent, r.child, r.kind) for r in parse_request(prompt).relations}


def test_references_in_other_words() -> None:
    assert _links("tickets (4000) are raised by customers (900) and handled by agents (25)") == {
        ("customers", "support_tickets", "belongs"),
        ("agents", "support_tickets", "belongs"),
    }
    assert ("branches", "books", "belongs") in _links(
        "40 branches, 20000 books each held by a branch"
    )
    assert ("customers", "invoices", "belongs") in _links(
        "1000 invoices, each issued to one of 150 clients"
    )
    assert ("customers", "shipments", "belongs") in _links(
        "600 shipments, every shipment leaves from a warehouse and goes to one of 80 customers"
    )
    assert ("clinics", "doctors", "belongs") in _links("clinics (15) employ doctors (120)")
    assert ("teams", "players", "near") in _links("20 teams, 500 players (each plays for one team)")


def test_a_count_after_between_is_not_a_row_count() -> None:
    assert parse_request("20 teams, 380 matches between two teams").counts["teams"] == [20]


@pytest.mark.parametrize(
    ("prompt", "field", "lo", "hi"),
    [
        ("customers between 18 and 65 years old", "age", 18, 65),
        ("readings with temperatures of -10°C to 40°C", "temperatures", -10, 40),
        ("scores in [0, 100]", "score", 0, 100),
        ("price: 5-60 EUR", "price", 5, 60),
        ("weight from 2kg to 50kg", "weight", 2, 50),
        ("orders with totals ranging 10 to 500 dollars", "totals", 10, 500),
        ("age: 20 - 60", "age", 20, 60),
        ("readings: value 0 to 1023, 200000 rows", "value", 0, 1023),
        ("users older than 18", "age", 18, None),
    ],
)
def test_ranges_with_units_brackets_and_ages(
    prompt: str, field: str, lo: float, hi: float | None
) -> None:
    assert (field, lo, hi) in _ranges(prompt)


def test_units_written_on_the_numbers() -> None:
    assert normalise("from 2kg to 50kg, 30s, [0, 100]") == "from 2..50 kg , 30 s , 0..100"


@pytest.mark.parametrize(
    ("prompt", "field", "anchor", "within"),
    [
        ("orders delivered 2 to 5 days later", "delivered", None, "5d"),
        ("the return happens within a month", "return", None, "30d"),
        ("sessions end after they start", "end", "start", None),
        (
            "a checkout at least 1 day after check-in and at most 21 days",
            "checkout",
            "check in",
            "21d",
        ),
    ],
)
def test_time_rules_later_pronouns_and_a_second_bound(
    prompt: str, field: str, anchor: str | None, within: str | None
) -> None:
    [rule] = parse_request(prompt).time_rules
    assert (rule.field, rule.anchor, rule.within) == (field, anchor, within)
    assert _ranges(prompt) == []


def test_a_lone_event_noun_in_a_list_is_its_time() -> None:
    from synthwright.planner.resolve import resolve_field

    assert resolve_field("signup", None)[0][0][0] == "signup_at"
    assert resolve_field("resolution", None)[0][0] == (
        "resolved_at",
        {"type": "datetime", "min": "2023-01-01", "max": "2024-12-31"},
    )


def test_inline_dash_lists_and_whether_flags() -> None:
    assert parse_request("employees - name - role - salary").fields == {
        "employees": ["name", "role", "salary"]
    }
    req = parse_request("a products table including sku, price and whether it is in stock, weight")
    assert req.fields["products"] == ["sku", "price", "in stock", "weight"]


@pytest.mark.parametrize(
    "prompt",
    ["vehicles table (n=300)", "vehicles (~300)", "300 different vehicles", "300 fake vehicles"],
)
def test_row_counts_with_filler_words_and_notations(prompt: str) -> None:
    assert parse_request(prompt).counts == {"vehicles": [300]}
