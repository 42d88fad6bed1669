"""Reference tables: small lookup parents are kept as they are; children keep the real shares."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from synthwright.errors import SpecError
from synthwright.profile import ProfiledSpec, generate_from_profile, profile_tables

CARRIERS = {
    "AA": "American Airlines Inc.",
    "DL": "Delta Air Lines Inc.",
    "UA": "United Air Lines Inc.",
    "B6": "JetBlue Airways",
    "WN": "Southwest Airlines Co.",
    "9E": "Endeavor Air Inc.",
}
SHARES = np.array([0.30, 0.25, 0.20, 0.15, 0.07, 0.03])


def _tables(n: int = 4000) -> dict[str, pa.Table]:
    rng = np.random.default_rng(1)
    codes = list(CARRIERS)
    carrier = [codes[i] for i in rng.choice(len(codes), n, p=SHARES)]
    flights = pa.table(
        {
            "id": np.arange(1, n + 1),
            "carrier": carrier,
            "distance": rng.lognormal(6.5, 0.6, n).round(),
            "dep_delay": rng.normal(10, 30, n).round(),
        }
    )
    airlines = pa.table({"carrier": codes, "name": list(CARRIERS.values())})
    return {"airlines": airlines, "flights": flights}


def test_detected_and_reported() -> None:
    fitted = profile_tables(_tables())
    assert fitted.profiles["airlines"].reference is True
    assert fitted.profiles["flights"].reference is None  # a fact table, never copied
    assert any(note.startswith("airlines: a reference table") for note in fitted.notes)
    text = fitted.to_yaml()
    assert "reference: true" in text


def test_kept_as_it_is_and_children_keep_the_key_distribution() -> None:
    tables = _tables()
    fitted = profile_tables(tables)
    out = generate_from_profile(ProfiledSpec.from_yaml(fitted.to_yaml()), seed=3)
    airlines = out["airlines"]
    assert airlines.column("carrier").to_pylist() == list(CARRIERS)
    assert airlines.column("name").cast(pa.string()).to_pylist() == list(CARRIERS.values())
    got = out["flights"].column("carrier").cast(pa.string()).to_pylist()
    real = tables["flights"].column("carrier").to_pylist()
    for code in CARRIERS:
        assert got.count(code) / len(got) == pytest.approx(real.count(code) / len(real), abs=0.002)


def test_overridable_when_profiling_and_in_the_spec() -> None:
    tables = _tables()
    forced = profile_tables(tables, reference={"airlines": False})
    assert forced.profiles["airlines"].reference is False
    assert forced.profiles["airlines"].data is None
    fitted = profile_tables(tables)
    data = fitted.to_data()
    data["tables"]["airlines"]["profile"]["reference"] = False
    generated = generate_from_profile(ProfiledSpec.from_data(data), seed=3)["airlines"]
    assert generated.column("name").cast(pa.string()).to_pylist() != list(CARRIERS.values())
    data["tables"]["airlines"]["profile"]["reference"] = True
    data["tables"]["airlines"]["profile"].pop("data")
    with pytest.raises(SpecError, match="reference: true needs"):
        ProfiledSpec.from_data(data)


def test_surrogate_keys_are_regenerated_and_individuals_never_copied() -> None:
    rng = np.random.default_rng(2)
    categories = pa.table({"id": np.arange(1, 9), "name": [f"Category {c}" for c in "ABCDEFGH"]})
    products = pa.table(
        {
            "id": np.arange(1, 401),
            "category_id": rng.integers(1, 9, 400),
            "price": rng.lognormal(3, 0.5, 400).round(2),
        }
    )
    people = pa.table({"id": np.arange(1, 51), "email": [f"p{i}@example.com" for i in range(50)]})
    orders = pa.table({"id": np.arange(1, 301), "person_id": rng.integers(1, 51, 300)})
    fitted = profile_tables(
        {"categories": categories, "products": products, "people": people, "orders": orders}
    )
    cats = fitted.profiles["categories"]
    assert cats.reference is True and cats.data is not None and "id" not in cats.data
    assert fitted.profiles["people"].reference is None  # personal data: generated
    out = generate_from_profile(fitted, seed=1)
    assert (
        out["categories"].column("name").cast(pa.string()).to_pylist()
        == categories.column("name").to_pylist()
    )
    assert set(out["products"].column("category_id").to_pylist()) <= set(
        out["categories"].column("id").to_pylist()
    )
