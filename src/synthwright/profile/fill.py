"""After the copula: string shapes for the rows no category covers, and places that agree.

``generate`` draws every modelled column through the copula; what it cannot
make from a marginal is made here, deterministically per (seed, table,
column, block) like everything else:

- **Shapes**: rows of a high-cardinality string column whose copula draw is
  its ``other`` share (or every row of a column with no frequent value) get
  values of the column's learned shape (``strings``).
- **Places**: a table's city/state/country/coordinates group (``places``)
  gets, per row, the catalogue city of the row's country and state that lies
  nearest the row's coordinates (population-weighted without them), so the
  city agrees with the state and the point.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..catalog import make_rng
from ..spec import ColumnProfile, TableProfile
from ..spec._profile import PlaceProfile
from .strings import draw_shape

__all__ = ["BLOCK_SIZE", "detect_places", "fill_places", "shape_values", "spread"]

BLOCK_SIZE = 65_536


def shape_values(
    cp: ColumnProfile, seed: int, table: str, column: str, need: np.ndarray
) -> pa.Array:
    """Shape values for the rows where `need` is true (in row order), drawn per block."""
    assert cp.shape is not None
    parts = []
    for block, start in enumerate(range(0, len(need), BLOCK_SIZE)):
        m = int(need[start : start + BLOCK_SIZE].sum())
        rng = make_rng(seed, table, f"__shape__:{column}", block)
        parts.append(draw_shape(cp.shape, rng, m, cp.length))
    return pa.concat_arrays(parts) if parts else pa.array([], pa.string())


def spread(values: pa.Array, fill: pa.Array, need: np.ndarray) -> pa.Array:
    """`values` with the rows where `need` is true replaced, in order, by `fill`."""
    if not need.any():
        return values
    at = np.zeros(len(need), dtype=np.int64)
    at[need] = np.arange(int(need.sum()))
    return pc.if_else(pa.array(need), fill.take(pa.array(at)), values.cast(fill.type))


# --- places ---------------------------------------------------------------------------


@lru_cache(maxsize=8)
def _state_codes(country: str) -> dict[str, str]:
    """ISO 3166-2 subdivision name -> code suffix (``Texas`` -> ``TX``) of a country."""
    import pycountry

    subs = pycountry.subdivisions.get(country_code=country) or []
    return {s.name: s.code.split("-", 1)[1] for s in subs}


def _country_index(code: str) -> int | None:
    from ..catalog import _pools

    try:
        return _pools.country_index(code)
    except (KeyError, ValueError):
        return None


def fill_places(place: PlaceProfile, columns: dict[str, pa.Array], seed: int, table: str) -> None:
    """Set the city column of `place` from the catalogue, agreeing with the row's place."""
    from ..catalog import _pools

    if place.city not in columns:
        return
    cities = _pools.cities()
    n = len(columns[place.city])
    if n == 0:
        return
    null = np.asarray(columns[place.city].is_null().to_numpy(zero_copy_only=False), dtype=bool)
    keys = pc.binary_join_element_wise(
        _row_countries(place, columns, n), _row_states(place, columns, n), "\x00"
    ).dictionary_encode()
    group = np.asarray(keys.indices.to_numpy(zero_copy_only=False), dtype=np.int64)
    lat = _numbers(columns.get(place.latitude or ""), n)
    lon = _numbers(columns.get(place.longitude or ""), n)
    u = np.concatenate(
        [
            make_rng(seed, table, f"__place__:{place.city}", block).random(
                min(BLOCK_SIZE, n - start)
            )
            for block, start in enumerate(range(0, n, BLOCK_SIZE))
        ]
    )
    pick = np.full(n, -1, dtype=np.int64)
    for g, key in enumerate(keys.dictionary.to_pylist()):
        country, state = key.split("\x00", 1)
        pool = _pool(cities, country, state)
        if len(pool) == 0:
            continue
        rows = np.flatnonzero(group == g)
        here = np.isfinite(lat[rows]) & np.isfinite(lon[rows])
        pick[rows[~here]] = pool[
            np.minimum((u[rows[~here]] * len(pool)).astype(np.int64), len(pool) - 1)
        ]
        at = rows[here]
        for chunk in range(0, len(at), max(1, 2_000_000 // len(pool))):
            part = at[chunk : chunk + max(1, 2_000_000 // len(pool))]
            d = (lat[part, None] - cities.lat[pool][None, :]) ** 2 + (
                (lon[part, None] - cities.lon[pool][None, :]) * np.cos(np.radians(lat[part, None]))
            ) ** 2
            pick[part] = pool[np.argmin(d, axis=1)]
    filled = (pick >= 0) & ~null
    values = cities.names.take(pa.array(np.maximum(pick, 0)))
    columns[place.city] = pc.if_else(
        pa.array(filled), values, columns[place.city].cast(pa.string())
    )


def _pool(cities: Any, country: str, state: str) -> np.ndarray:
    """Catalogue cities of a country (all, without one), within its state where it has any."""
    ci = _country_index(country) if country else None
    pool = np.flatnonzero(cities.country == ci) if ci is not None else np.arange(len(cities.lat))
    if state and len(pool):
        names = _state_array()
        inside = pool[names[pool] == _state_name(country, state)]
        if len(inside):
            return inside
    return pool


@lru_cache(maxsize=1)
def _state_array() -> np.ndarray:
    """The catalogue cities' state names (one per city) as a numpy array."""
    from ..catalog import _pools

    return np.asarray(_pools.cities().states.to_pylist(), dtype=object)


def _state_name(country: str, state: str) -> str:
    """The catalogue's state name for a row's state (a code such as ``TX``, or a name)."""
    codes = _state_codes(country)
    if state in codes:
        return state
    by_code = {v: k for k, v in codes.items()}
    return by_code.get(state.upper(), state)


def _row_countries(place: PlaceProfile, columns: dict[str, pa.Array], n: int) -> pa.Array:
    """Each row's ISO country code (the place's default where the table names none)."""
    if place.country and place.country in columns:
        coded = pc.fill_null(columns[place.country].cast(pa.string()), "").dictionary_encode()
        known = [_alpha2(v) or place.country_code for v in coded.dictionary.to_pylist()]
        return pa.array(known, pa.string()).take(coded.indices)
    return pa.array(np.full(n, place.country_code, dtype=object), pa.string())


@lru_cache(maxsize=512)
def _alpha2(value: str | None) -> str | None:
    if not value:
        return None
    import pycountry

    text = value.strip()
    if text.upper() in ("USA", "US", "UNITED STATES"):
        return "US"
    try:
        found = pycountry.countries.lookup(text)
    except LookupError:
        return None
    return str(found.alpha_2)


def _row_states(place: PlaceProfile, columns: dict[str, pa.Array], n: int) -> pa.Array:
    if place.state and place.state in columns:
        return pc.fill_null(columns[place.state].cast(pa.string()), "")
    return pa.array(np.full(n, "", dtype=object), pa.string())


def _numbers(arr: pa.Array | None, n: int) -> np.ndarray:
    if arr is None:
        return np.full(n, np.nan)
    filled = pc.fill_null(arr.cast(pa.float64()), float("nan"))
    return np.asarray(filled.to_numpy(zero_copy_only=False), dtype=np.float64)


# --- finding places -------------------------------------------------------------------

_NAME_KINDS = ("semantic", "string")


def detect_places(prof: TableProfile) -> list[PlaceProfile]:
    """The place group of a table: a city column made by a generator, with its state,
    country and coordinates when the table has them (one group per table)."""

    def first(*semantics: str, kinds: tuple[str, ...] | None = None) -> str | None:
        return next(
            (
                c
                for c, cp in prof.columns.items()
                if cp.semantic in semantics and (kinds is None or cp.kind in kinds)
            ),
            None,
        )

    city = first("city", kinds=_NAME_KINDS)
    if city is None:
        return []
    state = first("state")
    country = first("country", "country_code")
    code = "US"
    fmt = "code"
    if state is not None:
        labels = _labels(prof.columns[state])
        us = _state_codes("US")
        codes, names = set(us.values()), set(us)
        in_codes = sum(1 for v in labels if v.upper() in codes)
        in_names = sum(1 for v in labels if v in names)
        fmt = "name" if in_names > in_codes else "code"
        if country is None and max(in_codes, in_names) < 0.8 * max(len(labels), 1):
            state = None  # not US states, and no country to find them in
    cp = prof.columns[city]  # made by the catalogue, then placed (not a shape or a key)
    cp.kind, cp.shape, cp.marginal, cp.unique, cp.pattern = "semantic", None, None, False, None
    return [
        PlaceProfile(
            city=city,
            state=state,
            country=country,
            latitude=first("latitude"),
            longitude=first("longitude"),
            country_code=code,
            state_format=fmt,  # type: ignore[arg-type]
        )
    ]


def _labels(cp: ColumnProfile) -> list[str]:
    m = cp.marginal
    return [str(v) for v in getattr(m, "values", [])]
