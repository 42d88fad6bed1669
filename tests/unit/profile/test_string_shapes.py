"""High-cardinality strings keep their look: templates, frequent values, catalogue words."""

from __future__ import annotations

import re

import numpy as np
import pyarrow as pa

from synthwright.profile import generate_from_profile, profile_tables
from synthwright.profile.infer import profile_column
from synthwright.profile.strings import draw_shape, fit_shape, key_regex

TAILS = ["AA", "UA", "DL", "JB", "MQ"]


def _tailnums(n: int, seed: int) -> list[str]:
    """US tail numbers: N, three digits, an operator's two-letter tail (and a few N12345)."""
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        if i % 10 == 0:
            out.append(f"N{rng.integers(10000, 99999)}")
        else:
            out.append(f"N{rng.integers(100, 999)}{TAILS[rng.integers(0, len(TAILS))]}")
    return out


def test_tailnum_like_codes_keep_their_pattern() -> None:
    values = _tailnums(4000, 1)
    distinct, counts = np.unique(values, return_counts=True)
    shape = fit_shape(distinct.tolist(), counts, rare_k=5)
    assert shape is not None
    assert [t.shape for t in shape.templates][:2] == ["A999AA", "A99999"]
    drawn = draw_shape(shape, np.random.default_rng(2), 5000).to_pylist()
    assert all(v.startswith("N") for v in drawn)
    tails = [v[-2:] for v in drawn if re.fullmatch(r"N\d{3}[A-Z]{2}", v)]
    assert len(tails) > 0.8 * len(drawn)
    assert set(tails) == set(TAILS)  # frequent literal tails kept, no random letters
    assert key_regex(shape) == r"N\d{3}[A-Z]{2}"


def test_frequent_values_are_kept_as_categories_and_rare_ones_are_not_copied() -> None:
    rng = np.random.default_rng(3)
    common = [f"N{100 + i}AA" for i in range(40)]  # each seen ~40 times
    rng_rare = np.random.default_rng(4)
    rare = [  # each seen about once, in a space far larger than the sample
        f"N{rng_rare.integers(10000, 99999)}{TAILS[rng_rare.integers(0, 5)]}" for _ in range(1500)
    ]
    values = [common[i] for i in rng.integers(0, 40, 1600)] + rare
    table = pa.table({"id": np.arange(len(values)), "tailnum": values})
    fitted = profile_tables({"flights": table})
    cp = fitted.profiles["flights"].columns["tailnum"]
    assert cp.kind == "categorical" and cp.shape is not None
    assert set(cp.marginal.values) == set(common)  # type: ignore[union-attr]
    out = generate_from_profile(fitted, seed=5)["flights"].column("tailnum").to_pylist()
    share_common = np.mean([v in set(common) for v in out])
    assert abs(share_common - 1600 / len(values)) < 0.05
    once = {v for v in rare if values.count(v) == 1}
    assert np.mean([v in once for v in out]) < 0.01  # rare real values come back only by chance
    assert all(v.startswith("N") for v in out)


def test_semantic_names_come_from_the_catalogue() -> None:
    first = ["James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda"]
    last = ["Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis"]
    names = [f"{f} {s}" for f in first for s in last] * 3
    prof, _ = profile_column("customer_name", pa.array(names))
    assert prof.semantic == "full_name" and prof.kind == "semantic"


def test_multi_word_names_keep_their_frequent_words_and_fill_from_the_catalogue() -> None:
    rng = np.random.default_rng(6)
    towns = ["Springfield", "Greenville", "Franklin", "Clinton", "Madison", "Georgetown"]
    towns += [f"Town{i}" for i in range(300)]
    suffix = ["Municipal", "Regional", "County", "Airport"]
    names = [
        f"{towns[rng.integers(0, len(towns))]} {suffix[rng.integers(0, 4)]}" for _ in range(2000)
    ]
    distinct, counts = np.unique(names, return_counts=True)
    shape = fit_shape(distinct.tolist(), counts, rare_k=5)
    assert shape is not None and shape.last is not None
    assert set(shape.last.words) == set(suffix)
    drawn = draw_shape(shape, np.random.default_rng(7), 500).to_pylist()
    assert all(len(v.split()) >= 1 for v in drawn)
    assert np.mean([v.split()[-1] in suffix for v in drawn]) > 0.7
    assert all(re.fullmatch(r"[A-Z][\w'.-]*( [A-Z][\w'.-]*)*", v) for v in drawn), drawn[:5]


def test_companies_and_addresses_are_told_by_their_values() -> None:
    rng = np.random.default_rng(8)
    forms = ["Inc.", "LLC", "Ltd", "Corp", "Group"]
    stems = [f"Stem{i}" for i in range(400)]
    companies = [f"{stems[i]} {forms[i % 5]}" for i in rng.integers(0, 400, 600)]
    prof, _ = profile_column("payee", pa.array(companies))
    assert prof.semantic == "company" and prof.kind == "semantic"
    streets = ["Main St", "Oak Avenue", "Elm Rd.", "Sunset Blvd", "Park Lane"]
    addresses = [f"{rng.integers(1, 9999)} {streets[i % 5]}" for i in range(500)]
    prof, _ = profile_column("location", pa.array(addresses))
    assert prof.semantic == "street_address" and prof.kind == "semantic"
    table = pa.table({"id": np.arange(600), "payee": companies})
    out = generate_from_profile(profile_tables({"t": table}), seed=1)["t"].column("payee")
    assert not set(out.to_pylist()) & set(companies)  # catalogue names, no real payee
