"""People: names, user names, e-mail addresses, phone numbers, jobs, companies.

Every column of a row describes the same person (the ``person`` latent) in
the locale of the row's country, and the phone number carries that
country's calling code (the ``place`` latent). Names come from Mimesis'
locale data; e-mail and user names are ascii folds of the same names.
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
    fill_slots,
    needs_country,
    person,
    place,
    row_locales,
    unique_numbers,
)
from ._registry import register
from .tools import take

_JA = _pools.LOCALES.index("ja_JP")

#: Unique phone numbers: the row's number in [0, _PHONE_UNIQUE) fills the last
#: seven digit slots (8e6 = what a NANP number's last seven slots can hold).
_PHONE_UNIQUE = 8_000_000


class _PersonType(Generator):
    """Shared plumbing: string output, needs the country source column."""

    category: ClassVar[str] = "person"

    def arrow_type(self, col: TypeColumn) -> pa.DataType:
        return pa.string()

    def needs(self, col: TypeColumn, table: TableSpec, name: str) -> list[str]:
        return needs_country(table, name)


def _first_names(ctx: BlockContext) -> pa.Array:
    return take(_pools.names().first, person(ctx).first)


def _last_names(ctx: BlockContext) -> pa.Array:
    return take(_pools.names().last.values, person(ctx).last)


@register
class FirstName(_PersonType):
    name = "first_name"
    summary = "Given name of the row's person, in the locale of the row's country."
    example: ClassVar[dict[str, Any]] = {}

    def generate(self, col: TypeColumn, ctx: BlockContext) -> pa.Array:
        return _first_names(ctx)


@register
class LastName(_PersonType):
    name = "last_name"
    summary = "Family name of the row's person, in the locale of the row's country."

    def generate(self, col: TypeColumn, ctx: BlockContext) -> pa.Array:
        return _last_names(ctx)


@register
class FullName(_PersonType):
    name = "full_name"
    summary = "First and last name of the row's person (family name first for ja_JP)."

    def generate(self, col: TypeColumn, ctx: BlockContext) -> pa.Array:
        first, last = _first_names(ctx), _last_names(ctx)
        western = pc.binary_join_element_wise(first, last, " ")
        japanese = person(ctx).locale == _JA
        if not japanese.any():
            return western
        eastern = pc.binary_join_element_wise(last, first, " ")
        return pc.if_else(pa.array(japanese), eastern, western)


def _handle(
    ctx: BlockContext, col: TypeColumn, style_weights: list[float], digits_p: float
) -> pa.Array:
    """An ascii handle of the row's person: first.last, first_last, firstlast, flast, last.first.

    Styles: 0 ``first.last``, 1 ``first_last``, 2 ``firstlast``, 3 ``flast``,
    4 ``last.first``. With ``unique`` every handle ends in the row's number
    from a permutation of the row index: names hold no digits, so distinct
    numbers make distinct handles. Otherwise some get a short number or a
    birth year, as people's addresses do.
    """
    rng = ctx.rng()
    pools = _pools.names()
    who = person(ctx)
    first = take(pools.first_ascii, who.first)
    last = take(pools.last_ascii, who.last)
    style = np.searchsorted(np.cumsum(style_weights) / sum(style_weights), rng.random(ctx.n))
    style = np.minimum(style, len(style_weights) - 1)
    initial = pc.utf8_slice_codeunits(first, 0, 1)
    head = pc.if_else(pa.array(style == 3), initial, first)
    swap = pa.array(style == 4)
    a = pc.if_else(swap, last, head)
    b = pc.if_else(swap, first, last)
    sep = take(pa.array([".", "_", "", "", "."], pa.string()), style)
    if col.unique:
        number = pc.cast(pa.array(unique_numbers(ctx) + 1), pa.string())
    else:
        kind = rng.random(ctx.n)
        small = rng.integers(1, 100, ctx.n)
        year = rng.integers(1960, 2006, ctx.n)
        value = np.where(kind < digits_p * 0.6, small, year)
        text = pc.cast(pa.array(value), pa.string())
        number = pc.if_else(pa.array(kind < digits_p), text, pa.scalar("", pa.string()))
    return pc.binary_join_element_wise(a, sep, b, number, "")


@register
class Username(_PersonType):
    name = "username"
    summary = "Login name derived from the row's person (jsmith, john_smith84...)."
    unique_ok = True

    def generate(self, col: TypeColumn, ctx: BlockContext) -> pa.Array:
        return _handle(ctx, col, [0.15, 0.25, 0.2, 0.35, 0.05], 0.55)


@register
class Email(_PersonType):
    name = "email"
    summary = "E-mail address of the row's person (john.smith@gmail.com, jsmith84@web.de)."
    params = ("domains",)
    example: ClassVar[dict[str, Any]] = {"unique": True, "domains": ["example.com"]}
    unique_ok = True

    def validate(self, col: TypeColumn) -> list[tuple[str, str]]:
        bad = [d for d in col.domains or [] if not d or "@" in d or " " in d or "." not in d]
        return [("domains", f"not a domain name: {d!r}") for d in bad]

    def generate(self, col: TypeColumn, ctx: BlockContext) -> pa.Array:
        local = _handle(ctx, col, [0.4, 0.1, 0.15, 0.3, 0.05], 0.35)
        rng = ctx.rng(f"{ctx.column}/domain")
        if col.domains:
            pool = pa.array(col.domains, pa.string())
            domain = take(pool, rng.integers(0, len(col.domains), ctx.n))
        else:
            pool = _pools.email_domains()
            domain = take(pool.values, pool.draw(rng, person(ctx).locale))
        return pc.binary_join_element_wise(local, domain, "@")


@register
class Phone(_PersonType):
    name = "phone"
    summary = "Phone number in international form with the row's country's calling code."
    example: ClassVar[dict[str, Any]] = {"unique": True}
    unique_ok = True

    def capacity(self, col: TypeColumn) -> int | None:
        return _PHONE_UNIQUE

    def generate(self, col: TypeColumn, ctx: BlockContext) -> pa.Array:
        rng = ctx.rng()
        u = rng.random(ctx.n)
        low = unique_numbers(ctx, max(ctx.total_rows, 1)) if col.unique else None
        alpha2 = _pools.countries().alpha2.to_pylist()

        def build(country: int, rows: np.ndarray) -> pa.Array:
            shape = _pools.phone_shape(alpha2[country])
            cap = shape.capacity
            if low is None:
                values = (u[rows] * cap).astype(np.int64)
            else:
                trailing = min(cap, _PHONE_UNIQUE)
                high = (u[rows] * max(cap // trailing, 1)).astype(np.int64)
                values = high * trailing + low[rows] % trailing
            return fill_slots(shape.template, values, shape.radix, shape.offset)

        return by_group(place(ctx).country, build)


@register
class JobTitle(_PersonType):
    name = "job_title"
    summary = "Occupation (Mimesis' list for the row's country's locale)."

    def generate(self, col: TypeColumn, ctx: BlockContext) -> pa.Array:
        pool = _pools.locale_pool("person", "occupation")
        return take(pool.values, pool.draw(ctx.rng(), row_locales(ctx)))


@register
class Company(_PersonType):
    name = "company"
    summary = "Company name: family name(s) and the country's legal form (Müller GmbH)."

    def generate(self, col: TypeColumn, ctx: BlockContext) -> pa.Array:
        rng = ctx.rng()
        locales = row_locales(ctx)
        surnames = _pools.names().last
        forms = _pools.locale_pool("finance", "company.type.abbr")
        one = take(surnames.values, surnames.draw(rng, locales))
        two = take(surnames.values, surnames.draw(rng, locales))
        form = take(forms.values, forms.draw(rng, locales))
        style = rng.random(ctx.n)
        pair = pc.binary_join_element_wise(one, two, " & ")
        hyphen = pc.binary_join_element_wise(one, two, "-")
        name = pc.if_else(pa.array(style < 0.25), pair, one)
        name = pc.if_else(pa.array(style > 0.85), hyphen, name)
        return pc.binary_join_element_wise(name, form, " ")
