"""Places: countries, cities, states, streets, postal codes, coordinates, currencies.

The row's country comes from the table's country source column (the first
``country_code``/``country`` column), else from the locale's home country;
the city is a population-weighted geonames city of that country (the
``place`` latent), and state, coordinates and currency follow the city and
country, so every place column of a row agrees.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..spec import TableSpec, TypeColumn
from . import _pools
from ._base import BlockContext, Generator
from ._latents import (
    by_group,
    country_source,
    default_country,
    needs_country,
    place,
    row_locales,
)
from ._registry import register
from .tools import fill_template, take, weighted_choice

#: Coordinates are jittered around the city centre by this many degrees (sd),
#: about 2 km: points fall in town, not on one spot.
_JITTER_DEG = 0.02


class _PlaceType(Generator):
    category: ClassVar[str] = "address"

    def arrow_type(self, col: TypeColumn) -> pa.DataType:
        return pa.string()

    def needs(self, col: TypeColumn, table: TableSpec, name: str) -> list[str]:
        return needs_country(table, name)


def _values_weights(col: TypeColumn) -> tuple[list[str], np.ndarray] | None:
    if col.values is None:
        return None
    if isinstance(col.values, dict):
        return list(col.values), np.array(list(col.values.values()), dtype=np.float64)
    values = [str(v) for v in col.values]
    return values, np.ones(len(values))


def _validate_countries(col: TypeColumn) -> list[tuple[str, str]]:
    given = _values_weights(col)
    problems = []
    for value in given[0] if given else []:
        try:
            _pools.country_index(value)
        except ValueError as exc:
            problems.append(("values", str(exc)))
    return problems


def _own_countries(col: TypeColumn, ctx: BlockContext) -> np.ndarray:
    """Country indices for the country source column itself: its ``values`` or the locale's."""
    given = _values_weights(col)
    if given is None:
        return np.full(ctx.n, default_country(ctx.locale), dtype=np.int64)
    codes = np.array([_pools.country_index(v) for v in given[0]], dtype=np.int64)
    return codes[weighted_choice(ctx.rng(), given[1], ctx.n)]


def _row_countries(col: TypeColumn, ctx: BlockContext) -> np.ndarray:
    """Countries for a country/country_code column: its own draw if it is the source,
    else the row's place (so country and country_code columns agree)."""
    if country_source(ctx.table_spec) in (ctx.column, None) or col.values is not None:
        return _own_countries(col, ctx)
    return place(ctx).country


@register
class CountryCode(_PlaceType):
    name = "country_code"
    summary = (
        "ISO 3166 alpha-2 code; `values` (list or weights) restricts it, else the locale's country."
    )
    params = ("values",)
    example: ClassVar[dict[str, Any]] = {"values": {"US": 0.6, "DE": 0.25, "FR": 0.15}}

    def validate(self, col: TypeColumn) -> list[tuple[str, str]]:
        return _validate_countries(col)

    def generate(self, col: TypeColumn, ctx: BlockContext) -> pa.Array:
        return take(_pools.countries().alpha2, _row_countries(col, ctx))


@register
class Country(_PlaceType):
    name = "country"
    summary = "Country name; `values` (codes or names, list or weights) restricts it."
    params = ("values",)
    example: ClassVar[dict[str, Any]] = {"values": ["US", "CA", "MX"]}

    def validate(self, col: TypeColumn) -> list[tuple[str, str]]:
        return _validate_countries(col)

    def generate(self, col: TypeColumn, ctx: BlockContext) -> pa.Array:
        return take(_pools.countries().names, _row_countries(col, ctx))


@register
class City(_PlaceType):
    name = "city"
    summary = "City of the row's country (geonames, weighted by population)."

    def generate(self, col: TypeColumn, ctx: BlockContext) -> pa.Array:
        return take(_pools.cities().names, place(ctx).city)


@register
class State(_PlaceType):
    name = "state"
    summary = (
        "State/region of the row's city (exact for US, GB, DE; a region of the country elsewhere)."
    )

    def generate(self, col: TypeColumn, ctx: BlockContext) -> pa.Array:
        return take(_pools.cities().states, place(ctx).city)


@register
class PostalCode(_PlaceType):
    name = "postal_code"
    summary = "Postal code in the format of the row's country."

    def generate(self, col: TypeColumn, ctx: BlockContext) -> pa.Array:
        rng = ctx.rng()
        seeds = rng.integers(0, 2**63 - 1, size=1)[0]
        alpha2 = _pools.countries().alpha2.to_pylist()

        def build(country: int, rows: np.ndarray) -> pa.Array:
            formats = _pools.postal_formats(alpha2[country])
            sub = np.random.default_rng([int(seeds), country])
            if len(formats) == 1:
                return fill_template(formats[0], sub, len(rows), letters="@")
            which = sub.integers(0, len(formats), len(rows))
            return by_group(
                which,
                lambda f, r: fill_template(formats[f], sub, len(r), letters="@"),
            )

        return by_group(place(ctx).country, build)


def _street_layout(locale: str) -> str:
    """Mimesis' address_fmt of a locale (``{st_num} {st_name} {st_sfx}`` when it has none)."""
    if locale == "pt_BR":  # street names already carry Rua/Avenida: "Rua X, 123"
        return "{st_name}, {st_num}"
    fmt = _pools.mimesis_data(locale, "address").get("address_fmt")
    return str(fmt or "{st_num} {st_name} {st_sfx}")


@register
class StreetAddress(_PlaceType):
    name = "street_address"
    summary = "House number and street in the layout of the row's country (Mimesis street data)."

    def generate(self, col: TypeColumn, ctx: BlockContext) -> pa.Array:
        rng = ctx.rng()
        locales = row_locales(ctx)
        streets = _pools.locale_pool("address", "street.name")
        suffixes = _pools.locale_pool("address", "street.suffix")
        name = take(streets.values, streets.draw(rng, locales))
        has_sfx = suffixes.lengths[locales] > 0
        sfx_idx = np.where(has_sfx, suffixes.draw(rng, np.where(has_sfx, locales, 0)), 0)
        suffix = take(suffixes.values, sfx_idx)
        # House numbers: mostly small, a long tail (lognormal), 1..9999.
        number = np.clip(np.exp(rng.normal(3.2, 1.1, ctx.n)), 1, 9999).astype(np.int64)
        num = pc.cast(pa.array(number), pa.string())

        def build(loc: int, rows: np.ndarray) -> pa.Array:
            fmt = _street_layout(_pools.LOCALES[loc])
            idx = pa.array(rows)
            parts = {
                "st_num": num.take(idx),
                "st_name": name.take(idx),
                "st_sfx": suffix.take(idx) if suffixes.lengths[loc] and "st_sfx" in fmt else None,
            }
            if _pools.LOCALES[loc] == "ja_JP":  # 明治通り 3-12-5
                block = pc.cast(pa.array(number[rows] % 9 + 1), pa.string())
                tail = pc.binary_join_element_wise(block, num.take(idx), "-")
                street = pc.binary_join_element_wise(parts["st_name"], suffix.take(idx), "")
                return pc.binary_join_element_wise(street, tail, " ")
            return _format_address(fmt, parts)

        return by_group(locales, build)


def _format_address(fmt: str, parts: dict[str, pa.Array | None]) -> pa.Array:
    """Join the street parts in the order of a Mimesis address_fmt, keeping its punctuation."""
    pieces: list[pa.Array | str] = []
    rest = fmt
    while rest:
        start = rest.find("{")
        if start < 0:
            pieces.append(rest)
            break
        end = rest.index("}", start)
        if start:
            pieces.append(rest[:start])
        value = parts.get(rest[start + 1 : end])
        if value is None and pieces and isinstance(pieces[-1], str):
            pieces[-1] = pieces[-1].rstrip()  # drop the space before a missing suffix
        elif value is not None:
            pieces.append(value)
        rest = rest[end + 1 :]
    args = [pa.scalar(p, pa.string()) if isinstance(p, str) else p for p in pieces if p != ""]
    return pc.binary_join_element_wise(*args, "")


class _Coordinate(Generator):
    category: ClassVar[str] = "address"
    axis: ClassVar[str] = "lat"

    def arrow_type(self, col: TypeColumn) -> pa.DataType:
        return pa.float64()

    def needs(self, col: TypeColumn, table: TableSpec, name: str) -> list[str]:
        return needs_country(table, name)

    def generate(self, col: TypeColumn, ctx: BlockContext) -> pa.Array:
        cities = _pools.cities()
        centre = (cities.lat if self.axis == "lat" else cities.lon)[place(ctx).city]
        value = centre + ctx.rng().normal(0.0, _JITTER_DEG, ctx.n)
        if self.axis == "lat":
            value = np.clip(value, -90.0, 90.0)
        else:
            value = (value + 180.0) % 360.0 - 180.0
        return pa.array(np.round(value, 6), type=pa.float64())


@register
class Latitude(_Coordinate):
    name = "latitude"
    summary = "Latitude (degrees) near the centre of the row's city."
    axis = "lat"


@register
class Longitude(_Coordinate):
    name = "longitude"
    summary = "Longitude (degrees) near the centre of the row's city."
    axis = "lon"


@register
class CurrencyCode(Generator):
    name = "currency_code"
    category = "commerce"
    summary = "ISO 4217 code of the row's country's currency, or drawn from `values`."
    params = ("values",)
    example: ClassVar[dict[str, Any]] = {"values": {"USD": 0.7, "EUR": 0.3}}

    def arrow_type(self, col: TypeColumn) -> pa.DataType:
        return pa.string()

    def needs(self, col: TypeColumn, table: TableSpec, name: str) -> list[str]:
        return [] if col.values is not None else needs_country(table, name)

    def validate(self, col: TypeColumn) -> list[tuple[str, str]]:
        import pycountry

        given = _values_weights(col)
        bad = [v for v in (given[0] if given else []) if not pycountry.currencies.get(alpha_3=v)]
        return [("values", f"not an ISO 4217 currency code: {v!r}") for v in bad]

    def generate(self, col: TypeColumn, ctx: BlockContext) -> pa.Array:
        given = _values_weights(col)
        if given is not None:
            pool = pa.array(given[0], pa.string())
            return take(pool, weighted_choice(ctx.rng(), given[1], ctx.n))
        return take(_pools.countries().currency, place(ctx).country)
