"""Per-row latents shared by the semantic columns of a row.

A latent is drawn once per block from its own random stream (``ctx.latent``),
so ``first_name`` and ``email`` see the same person and ``city`` and
``phone`` the same place, whichever column asks first and whichever of them
exist. Adding or removing a column never changes the latent.

- ``place``: per row a country (index into ``_pools.countries()``) and a
  population-weighted city of that country. The country comes from the
  table's *country source* column (the first ``country_code``/``country``
  column) when there is one, else from the locale's default country.
- ``person``: per row a locale (that of the row's country when supported,
  else the column's locale), a gender, a first-name and a last-name index.
- ``file``: per row a file kind (extension + mime type + folder).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..spec import TableSpec, TypeColumn
from . import _pools
from ._base import BlockContext, stable_hash
from .tools import FeistelPermutation, strings_from_matrix, weighted_choice

COUNTRY_TYPES = ("country_code", "country")


def country_source(table: TableSpec) -> str | None:
    """The column that decides each row's country: the first country_code/country column."""
    for name, col in table.columns.items():
        if isinstance(col, TypeColumn) and col.type in COUNTRY_TYPES:
            return name
    return None


def needs_country(table: TableSpec, name: str) -> list[str]:
    """``needs()`` of a place/person-based column: the country source, unless it is itself."""
    source = country_source(table)
    return [source] if source is not None and source != name else []


def default_country(locale: str) -> int:
    """Country index of a locale's home country (en_US -> US)."""
    return _pools.countries().index[_pools.LOCALE_COUNTRY[_pools.resolve_locale(locale)]]


def _as_array(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if pa.types.is_dictionary(values.type):
        values = values.dictionary_decode()
    if not pa.types.is_string(values.type):
        values = pc.cast(values, pa.string())
    return values


def countries_of(values: pa.Array | pa.ChunkedArray, default: int) -> np.ndarray:
    """Country indices of an array of alpha-2 codes or names (unknown/null -> default)."""
    table = _pools.countries()
    arr = _as_array(values)
    by_code = pc.index_in(arr, value_set=table.alpha2).to_numpy(zero_copy_only=False)
    out = np.where(np.isnan(by_code.astype(np.float64)), -1, by_code).astype(np.int64)
    missing = out < 0
    if missing.any():
        by_name = pc.index_in(arr, value_set=table.lookup_keys).to_numpy(zero_copy_only=False)
        by_name = np.where(np.isnan(by_name.astype(np.float64)), -1, by_name).astype(np.int64)
        found = missing & (by_name >= 0)
        out[found] = table.lookup_index[by_name[found]]
        out[out < 0] = default
    return out


@dataclass(frozen=True)
class Place:
    """Per row: ``country`` (index into countries()) and ``city`` (index into cities())."""

    country: np.ndarray
    city: np.ndarray


def _row_countries(ctx: BlockContext) -> np.ndarray:
    default = default_country(ctx.locale)
    source = country_source(ctx.table_spec)
    if source is not None and source in ctx.columns:
        return countries_of(ctx.columns[source], default)
    return np.full(ctx.n, default, dtype=np.int64)


def place(ctx: BlockContext) -> Place:
    """The row's place (see module docstring)."""
    source = country_source(ctx.table_spec)
    key = "place" if source is not None else f"place/{_pools.resolve_locale(ctx.locale)}"

    def build(own: BlockContext) -> Place:
        country = _row_countries(own)
        return Place(country, _pools.cities().draw(own.rng(), country))

    result: Place = ctx.latent(key, build)
    return result


def row_locales(ctx: BlockContext, where: Place | None = None) -> np.ndarray:
    """Per row the locale id of its country when supported, else the column's locale."""
    country = (where or place(ctx)).country
    loc = _pools.countries().locale[country]
    return np.where(loc >= 0, loc, _pools.locale_id(ctx.locale)).astype(np.int64)


@dataclass(frozen=True)
class Person:
    """Per row: ``locale`` id, ``female`` flag, ``first`` (index into names().first)
    and ``last`` (index into names().last.values)."""

    locale: np.ndarray
    female: np.ndarray
    first: np.ndarray
    last: np.ndarray


def person(ctx: BlockContext) -> Person:
    """The row's person, in the locale of the row's country (see module docstring)."""
    loc = _pools.resolve_locale(ctx.locale)

    def build(own: BlockContext) -> Person:
        pools = _pools.names()
        locales = row_locales(own)
        rng = own.rng()
        female = rng.random(own.n) < 0.5
        fem = pools.female.draw(rng, locales)
        male = pools.male.draw(rng, locales) + pools.male_base
        last = pools.last.draw(rng, locales)
        return Person(locales, female, np.where(female, fem, male), last)

    result: Person = ctx.latent(f"person/{loc}", build)
    return result


def file_kind(ctx: BlockContext) -> np.ndarray:
    """Per row an index into ``_pools.file_kinds()`` (weighted by how common the kind is)."""

    def build(own: BlockContext) -> np.ndarray:
        return weighted_choice(own.rng(), _pools.file_kinds().weights, own.n)

    result: np.ndarray = ctx.latent("file", build)
    return result


# --- helpers for building strings per row ------------------------------------


def by_group(keys: np.ndarray, build: Callable[[int, np.ndarray], pa.Array]) -> pa.Array:
    """Strings built per group of rows (e.g. per country), put back in row order.

    ``build(key, rows)`` returns the values of ``rows`` (row positions of that
    key). The loop runs over distinct keys of the block (a handful), not rows.
    """
    n = len(keys)
    if n == 0:  # an empty table: no group to build, but the values keep their type
        return pa.array([], pa.string())
    uniq = np.unique(keys)
    if len(uniq) == 1:
        return build(int(uniq[0]), np.arange(n, dtype=np.int64))
    order = np.argsort(keys, kind="stable")
    bounds = [*np.searchsorted(keys[order], uniq, side="left").tolist(), n]
    parts = [build(int(k), order[bounds[i] : bounds[i + 1]]) for i, k in enumerate(uniq)]
    inverse = np.empty(n, dtype=np.int64)
    inverse[order] = np.arange(n, dtype=np.int64)
    return pa.concat_arrays(parts).take(pa.array(inverse))


def unique_numbers(ctx: BlockContext, size: int | None = None) -> np.ndarray:
    """Distinct numbers for distinct rows of the table: a keyed permutation of the row index.

    ``size`` defaults to the table's row count (at least 1); the key comes
    from the seed, the table and the column, so columns do not mirror each other.
    """
    total = max(int(size if size is not None else ctx.total_rows), 1)
    key = stable_hash(f"{ctx.seed}/{ctx.table}/{ctx.column}")
    return FeistelPermutation(total, key)(ctx.row_index())


def fill_slots(
    template: str, values: np.ndarray, radix: np.ndarray, offset: np.ndarray
) -> pa.Array:
    """``template`` with its ``#`` slots filled by the mixed-radix digits of ``values``.

    The last slot is the least significant; slot i takes ``radix[i]`` values
    starting at digit ``offset[i]``. Distinct values below the product of the
    radices give distinct strings.
    """
    raw = np.frombuffer(template.encode("ascii"), dtype=np.uint8)
    matrix = np.tile(raw, (len(values), 1))
    slots = np.flatnonzero(raw == ord("#"))
    v = np.asarray(values, dtype=np.int64).copy()
    for i in range(len(slots) - 1, -1, -1):
        r = int(radix[i])
        matrix[:, slots[i]] = (v % r + int(offset[i]) + 48).astype(np.uint8)
        v //= r
    return strings_from_matrix(matrix)
