"""The requests of issue 13, planned offline: what each spec must hold, and that it generates."""

from __future__ import annotations

from datetime import date
from typing import Any

import synthwright as sw
from synthwright.planner import plan_offline
from synthwright.spec import spec_to_data

LIBRARY = (
    "a library: 300 books with title, author, isbn and publication year; 1000 members; "
    "loans linking members and books, about 4 per member, returned within 30 days"
)


def _tables(prompt: str) -> dict[str, Any]:
    result = plan_offline(prompt)
    assert sw.validate(result.spec) == []
    return dict(spec_to_data(result.spec)["tables"])


def test_the_library() -> None:
    result = plan_offline(LIBRARY)
    tables = spec_to_data(result.spec)["tables"]
    assert list(tables) == ["books", "members", "loans"]
    books, members, loans = tables["books"], tables["members"], tables["loans"]
    assert books["rows"] == 300 and members["rows"] == 1000
    assert books["columns"]["author"]["type"] == "full_name"
    assert books["columns"]["isbn"]["type"] == "isbn"
    year = books["columns"]["publication_year"]
    assert year["type"] == "int" and year["min"] >= 1500 and year["max"] <= date.today().year
    assert loans["per_parent"]["table"] == "members"
    assert loans["per_parent"]["dist"] == {"poisson": {"lam": 4.0}}
    refs = {c["ref"] for c in loans["columns"].values() if "ref" in c}
    assert refs == {"members.id", "books.id"}
    returned = loans["columns"]["returned_at"]
    assert returned["after"] == "loaned_at" and returned["within"] == "30d"
    data = sw.generate(result.spec, rows=50).materialize()
    assert sw.check(data, result.spec) == []
    loaned = data["loans"].column("loaned_at").to_pylist()
    back = data["loans"].column("returned_at").to_pylist()
    for start, end in zip(loaned, back, strict=True):
        if end is not None:
            assert start <= end and (end - start).days <= 30


def test_counts_in_every_phrasing() -> None:
    assert _tables("employees table with 1000 rows")["employees"]["rows"] == 1000
    assert _tables("a list of customers, 750 of them")["customers"]["rows"] == 750
    orders = _tables("300 customers, each with 1 to 5 orders")["orders"]["per_parent"]
    assert (orders["table"], orders["min"], orders["max"]) == ("customers", 1, 5)


def test_devices_sending_readings() -> None:
    tables = _tables("20 devices each sending 100 temperature readings")
    assert tables["devices"]["rows"] == 20
    readings = tables["readings"]
    assert (readings["per_parent"]["min"], readings["per_parent"]["max"]) == (100, 100)
    assert readings["per_parent"]["table"] == "devices"
    temperature = readings["columns"]["temperature_c"]
    assert temperature["type"] == "float" and (temperature["min"], temperature["max"]) == (-20, 45)


def test_web_visits_get_all_four_fields() -> None:
    cols = _tables(
        "2000 visits with ip address, country, landing page url and duration in seconds"
    )["visits"]["columns"]
    assert cols["ip_address"]["type"] == "ipv4"
    assert cols["country"]["type"] == "country_code"
    assert cols["landing_page_url"]["type"] == "url"
    duration = cols["duration_seconds"]
    assert duration["type"] == "int" and duration["min"] > 0


def test_junctions_self_references_and_time_order() -> None:
    tables = _tables(
        "80 rooms, 1500 guests and 2000 stays linking guests and rooms, check-out after check-in"
    )
    stay = tables["stays"]["columns"]
    assert {c["ref"] for c in stay.values() if "ref" in c} == {"guests.id", "rooms.id"}
    assert stay["check_out"]["after"] == "check_in"
    staff = _tables("200 employees, each with a manager who is another employee")["employees"]
    assert staff["columns"]["manager_id"]["ref"] == "employees.id"
