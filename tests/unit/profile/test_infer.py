"""Column inference: round trips on data with known distributions; semantic detection."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

import synthwright as sw
from synthwright.profile import CategoryMarginal, FamilyMarginal, QuantileMarginal, profile_tables
from synthwright.profile._fit import frozen
from synthwright.profile.infer import profile_column


def test_numeric_families_are_recovered(known: pa.Table) -> None:
    prof = profile_tables({"t": known}).profiles["t"]
    x = prof.columns["x"].marginal
    assert isinstance(x, FamilyMarginal) and x.family == "normal"
    assert x.params["loc"] == pytest.approx(50, abs=0.6)
    assert x.params["scale"] == pytest.approx(10, abs=0.5)
    z = prof.columns["z"].marginal
    assert isinstance(z, FamilyMarginal) and z.family in ("lognormal", "gamma")
    median = float(frozen(z.family, z.params).median())
    assert median == pytest.approx(np.exp(3.0), rel=0.06)


def test_stats_keys_nulls_and_datetimes(known: pa.Table) -> None:
    prof = profile_tables({"t": known}).profiles["t"]
    assert prof.primary_key == "id"
    assert prof.columns["id"].kind == "key"
    assert prof.columns["score"].null_rate == pytest.approx(0.1, abs=0.02)
    assert prof.columns["score"].decimals == 2
    assert prof.columns["active"].kind == "bool"
    signup = prof.columns["signup_at"]
    assert signup.kind == "datetime" and signup.resolution == "s"
    assert isinstance(signup.marginal, QuantileMarginal)
    assert str(signup.min).startswith("2023-01-01")


def test_categories_keep_weights_and_never_copy_rare_values(known: pa.Table) -> None:
    fitted = profile_tables({"t": known})
    plan = fitted.profiles["t"].columns["plan"]
    assert plan.kind == "categorical"
    m = plan.marginal
    assert isinstance(m, CategoryMarginal)
    assert set(m.values) == {"pro", "free", "team"}
    assert m.other == pytest.approx(3 / known.num_rows, abs=1e-6)
    assert m.other_column is not None
    text = fitted.to_yaml()
    assert "secret-" not in text
    real = known.column("plan").to_pylist()
    for value, weight in zip(m.values, m.weights, strict=True):
        assert weight == pytest.approx(real.count(value) / len(real), abs=1e-4)


def test_ordinal_integers_and_constant_columns() -> None:
    arr = pa.array([1, 2, 2, 3, 3, 3] * 50)
    prof, _ = profile_column("stars", arr)
    assert isinstance(prof.marginal, CategoryMarginal)
    assert prof.marginal.values == [1, 2, 3]
    assert prof.marginal.weights == pytest.approx([1 / 6, 2 / 6, 3 / 6], abs=1e-4)
    const, _ = profile_column("year", pa.array([2013] * 100))
    assert const.min == const.max == 2013


LABELLED = {
    "email": "email",
    "url": "url",
    "ipv4": "ipv4",
    "ipv6": "ipv6",
    "uuid": "uuid",
    "iban": "iban",
    "credit_card": "credit_card",
    "isbn": "isbn",
    "mac_address": "mac_address",
    "sha256": "sha256",
    "phone": "phone",
    "first_name": "first_name",
    "last_name": "last_name",
    "full_name": "full_name",
    "postal_code": "postal_code",
    "country_code": "country_code",
}


def test_semantic_types_detected_on_labelled_columns() -> None:
    columns = {f"c_{t}": {"type": t} for t in LABELLED.values()}
    columns["zip"] = columns.pop("c_postal_code")  # postal codes need their name
    columns["c_country_code"] = {
        "type": "country_code",
        "values": [
            "US",
            "DE",
            "FR",
            "GB",
            "IT",
            "ES",
            "NL",
            "JP",
            "BR",
            "PL",
            "SE",
            "NO",
            "DK",
            "FI",
            "AT",
            "CH",
            "BE",
            "PT",
            "IE",
            "CA",
            "MX",
            "AU",
        ],
    }
    spec = {
        "version": 1,
        "tables": {"t": {"rows": 400, "columns": {"id": {"type": "id"}, **columns}}},
    }
    table = sw.generate(spec, seed=5)["t"]
    prof = profile_tables({"t": table}).profiles["t"]
    found = {name: (cp.semantic, cp.confidence) for name, cp in prof.columns.items()}
    for name, expected in LABELLED.items():
        column = "zip" if expected == "postal_code" else f"c_{name}"
        semantic, confidence = found[column]
        assert semantic == expected, (column, found[column])
        assert confidence is not None and confidence >= 0.6


def test_checksums_matter_and_plain_numbers_stay_numbers() -> None:
    bad_iban = pa.array(["DE89370400440532013001", "DE89370400440532013002"] * 30)
    prof, _ = profile_column("account", bad_iban)
    assert prof.semantic != "iban"
    digits = pa.array([str(4000000000000000 + i) for i in range(0, 300, 7)])
    prof, _ = profile_column("ref", digits)
    assert prof.semantic != "credit_card"


def test_date_strings_are_parsed_with_their_format() -> None:
    arr = pa.array([f"{m:02d}/{d:02d}/2024" for m in range(1, 13) for d in range(1, 28)])
    prof, converted = profile_column("joined", arr)
    assert prof.kind == "date" and prof.format == "%m/%d/%Y"
    assert pa.types.is_date(converted.type)


def test_free_text_vs_categorical_vs_codes() -> None:
    text = pa.array([f"the quick brown fox number {i} jumps over it" for i in range(300)])
    assert profile_column("note", text)[0].kind == "text"
    cat = pa.array(["red", "green", "blue"] * 100)
    assert profile_column("colour", cat)[0].kind == "categorical"
    codes = pa.array([f"AB-{i:05d}" for i in range(300)])
    prof, _ = profile_column("code", codes)
    assert prof.kind == "key" and prof.pattern == r"[A-Z]{2}\-\d{5}"
