"""The data pools: locales, names, cities, countries, phone and postal shapes."""

from __future__ import annotations

import numpy as np
import pytest

from synthwright.catalog import _pools


def test_locale_spellings_and_unknown_locale() -> None:
    assert _pools.resolve_locale("en-US") == "en_US"
    assert _pools.resolve_locale("pt_br") == "pt_BR"
    with pytest.raises(ValueError, match="supported: en_US"):
        _pools.resolve_locale("xx_YY")


@pytest.mark.parametrize("locale", _pools.LOCALES)
def test_every_locale_has_names(locale: str) -> None:
    pools = _pools.names()
    lid = _pools.locale_id(locale)
    for pool in (pools.female, pools.male, pools.last):
        assert pool.lengths[lid] > 50
        values = pool.values.slice(pool.offsets[lid], pool.lengths[lid]).to_pylist()
        assert all(values)
    assert all(pools.first_ascii.to_pylist())
    assert all(v.isascii() and v.isalpha() for v in pools.last_ascii.to_pylist())


def test_fold_ascii() -> None:
    assert _pools.fold_ascii("Müller") == "muller"
    assert _pools.fold_ascii("Gonçalves") == "goncalves"
    assert _pools.fold_ascii("アキラ") == "akira"
    kanji = _pools.fold_ascii("山田")
    assert kanji.isascii() and kanji.isalpha() and kanji == _pools.fold_ascii("山田")


def test_cities_are_drawn_in_their_country() -> None:
    cities = _pools.cities()
    table = _pools.countries()
    country = np.array([table.index[c] for c in ["US", "DE", "JP", "AQ", "FR"] * 200])
    idx = cities.draw(np.random.default_rng(0), country)
    assert (cities.country[idx] == country).all()
    many = np.arange(len(table.alpha2)).repeat(4)
    idx = cities.draw(np.random.default_rng(1), many)
    assert (cities.country[idx] == many).all()


def test_population_weighting_prefers_big_cities() -> None:
    cities = _pools.cities()
    us = _pools.countries().index["US"]
    names = cities.names.take(cities.draw(np.random.default_rng(0), np.full(20000, us)))
    counts = {v: 0 for v in ["New York City", "Los Angeles"]}
    for v in names.to_pylist():
        if v in counts:
            counts[v] += 1
    assert counts["New York City"] > counts["Los Angeles"] > 100


def test_country_lookup_by_code_and_name() -> None:
    assert _pools.country_index("DE") == _pools.country_index("Germany")
    assert _pools.countries().alpha2[_pools.country_index("United Kingdom")].as_py() == "GB"
    with pytest.raises(ValueError):
        _pools.country_index("Atlantis")


def test_phone_shapes_carry_calling_codes() -> None:
    assert _pools.phone_shape("US").template.startswith("+1 ")
    assert _pools.phone_shape("DE").template.startswith("+49 ")
    assert _pools.phone_shape("JP").template.startswith("+81 ")


def test_postal_formats() -> None:
    assert _pools.postal_formats("US") == ("#####",)
    assert _pools.postal_formats("BR") == ("#####-###",)
    assert all(" " in f for f in _pools.postal_formats("GB"))


def test_file_kinds_have_mime_types() -> None:
    kinds = _pools.file_kinds()
    pairs = dict(zip(kinds.extensions.to_pylist(), kinds.mimes.to_pylist(), strict=True))
    assert pairs["pdf"] == "application/pdf"
    assert pairs["jpg"] == "image/jpeg"
