"""Commerce columns: check digits, price bounds, uniqueness by construction."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

COMMERCE = {
    "cc": {"type": "country_code", "values": ["DE", "GB", "FR", "NL", "BR", "JP"]},
    "iban": {"type": "iban"},
    "card": {"type": "credit_card"},
    "price": {"type": "price", "min": 5, "max": 50},
    "sku": {"type": "sku"},
    "product": {"type": "product_name"},
    "color": {"type": "color"},
    "isbn": {"type": "isbn"},
    "sha": {"type": "sha256"},
}


def luhn_ok(number: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d * 2 > 9 else d * 2
        total += d
    return total % 10 == 0


def iban_ok(iban: str) -> bool:
    moved = iban[4:] + iban[:4]
    return int("".join(str(int(ch, 36)) for ch in moved)) % 97 == 1


def test_iban_check_digits_and_country(table) -> None:
    data = table(COMMERCE).block(2000)
    for cc, iban in zip(data["cc"].to_pylist(), data["iban"].to_pylist(), strict=True):
        assert iban_ok(iban), iban
        assert iban[:2] == ("DE" if cc == "JP" else cc)
    lengths = {"DE": 22, "GB": 22, "FR": 27, "NL": 18, "BR": 29}
    for iban in data["iban"].to_pylist():
        assert len(iban) == lengths[iban[:2]]


def test_credit_cards_are_luhn_valid_with_brand_prefixes(table) -> None:
    cards = table(COMMERCE).block(2000)["card"].to_pylist()
    assert all(luhn_ok(c) for c in cards)
    for c in cards:
        assert (
            (c[0] == "4" and len(c) == 16)
            or (c[:2] in {"51", "52", "53", "54", "55"} and len(c) == 16)
            or (c[:2] in {"34", "37"} and len(c) == 15)
        )
    assert {c[0] for c in cards} == {"3", "4", "5"}


def test_isbn13_check_digit(table) -> None:
    for isbn in table(COMMERCE).block(1000)["isbn"].to_pylist():
        assert len(isbn) == 13 and isbn.startswith("978")
        assert sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(isbn)) % 10 == 0


def test_price_bounds_and_scale(table) -> None:
    prices = table(COMMERCE).block(5000)["price"].to_pylist()
    assert all(Decimal("5") <= p <= Decimal("50") for p in prices)
    assert all(p.as_tuple().exponent == -2 for p in prices)
    assert len(set(prices)) > 500
    default = table({"p": {"type": "price"}}).block(2000)["p"].to_pylist()
    assert min(default) >= 1 and max(default) <= 1000 and max(default) > 100


def test_shapes(table) -> None:
    data = table(COMMERCE).block(500)
    assert all(re.fullmatch(r"[A-Z]{3}-\d{5}", s) for s in data["sku"].to_pylist())
    assert all(re.fullmatch(r"[0-9a-f]{64}", s) for s in data["sha"].to_pylist())
    assert all(len(p.split(" ")) == 3 for p in data["product"].to_pylist())
    assert all(data["color"].to_pylist())


@pytest.mark.parametrize("kind", ["iban", "credit_card", "isbn", "sku", "sha256"])
def test_unique_by_construction(table, kind: str) -> None:
    t = table({"cc": COMMERCE["cc"], "x": {"type": kind, "unique": True}})
    values = []
    for block in range(4):
        values += t.block(5000, block=block, total=20_000)["x"].to_pylist()
    assert len(set(values)) == len(values)


def test_determinism(table) -> None:
    t = table(COMMERCE)
    a, b, c = t.block(300), t.block(300), t.block(300, block=1)
    for name in COMMERCE:
        assert a[name].equals(b[name]), name
    assert not a["iban"].equals(c["iban"])
