"""Commerce: bank and card numbers, prices, SKUs, products, colours, ISBNs, hashes.

Check digits (IBAN mod 97, Luhn, ISBN-13) are computed column-wise over
digit matrices, one numpy operation per character position. With
``unique`` a bijection of the row index fills part of the value, so distinct
rows get distinct values by construction.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..spec import TableSpec, TypeColumn
from . import _pools
from ._base import BlockContext, Generator
from ._latents import by_group, fill_slots, needs_country, place, row_locales, unique_numbers
from ._normal import ndtr, ndtri
from ._registry import register
from .semantic_internet import hex_matrix, row_key
from .tools import digits_matrix, mix64, strings_from_matrix, take

#: BBAN layouts (ISO 13616 registry): ``#`` a digit, ``@`` a letter. Alphanumeric
#: fields are filled with digits, which every such field accepts.
IBAN_BBAN: dict[str, str] = {
    "AT": "#" * 16, "BE": "#" * 12, "BR": "#" * 23 + "@#", "CH": "#" * 17,
    "CZ": "#" * 20, "DE": "#" * 18, "DK": "#" * 14, "ES": "#" * 20, "FI": "#" * 14,
    "FR": "#" * 23, "GB": "@@@@" + "#" * 14, "GR": "#" * 23, "HU": "#" * 24,
    "IE": "@@@@" + "#" * 14, "IT": "@" + "#" * 22, "LU": "#" * 16, "NL": "@@@@" + "#" * 10,
    "NO": "#" * 11, "PL": "#" * 24, "PT": "#" * 21, "RO": "@@@@" + "#" * 16,
    "SE": "#" * 20, "SK": "#" * 20, "SI": "#" * 15, "HR": "#" * 17, "BG": "@@@@" + "#" * 14,
    "LT": "#" * 16, "LV": "@@@@" + "#" * 13, "EE": "#" * 16, "IS": "#" * 22,
    "TR": "#" * 22, "SA": "#" * 20, "AE": "#" * 19, "IL": "#" * 19,
}  # fmt: skip
#: Unique IBANs / card numbers / ISBNs: the row's number fills this many digits.
_IBAN_UNIQUE_DIGITS = 8
_CARD_UNIQUE_DIGITS = 9
_ISBN_UNIQUE_DIGITS = 9


def iban_check_digits(cc: str, bban: np.ndarray) -> np.ndarray:
    """ISO 7064 mod 97-10 check digits for BBANs given as an ASCII (rows, width) matrix."""
    r = np.zeros(len(bban), dtype=np.int64)
    tail = np.tile(np.frombuffer((cc + "00").encode(), dtype=np.uint8), (len(bban), 1))
    for column in np.concatenate([bban, tail], axis=1).T:
        c = column.astype(np.int64)
        letter = c >= 65
        r = np.where(letter, (r * 100 + c - 55) % 97, (r * 10 + c - 48) % 97)
    return 98 - r


def luhn_check_digit(body: np.ndarray) -> np.ndarray:
    """Luhn check digit for digit matrices (values 0-9, rows x width, check digit excluded)."""
    d = body.astype(np.int64)[:, ::-1]
    doubled = d[:, 0::2] * 2
    total = (doubled - 9 * (doubled > 9)).sum(axis=1) + d[:, 1::2].sum(axis=1)
    return (10 - total % 10) % 10


class _CommerceType(Generator):
    category: ClassVar[str] = "commerce"

    def arrow_type(self, col: TypeColumn) -> pa.DataType:
        return pa.string()


def _overwrite_digits(matrix: np.ndarray, template: str, values: np.ndarray, count: int) -> None:
    """Put ``values`` (zero-padded, ``count`` digits) into the last ``count`` digit slots."""
    slots = [i for i, ch in enumerate(template) if ch == "#"][-count:]
    matrix[:, slots] = digits_matrix(values, count)


@register
class Iban(_CommerceType):
    name = "iban"
    summary = "IBAN with valid mod-97 check digits for the row's country (DE where none)."
    unique_ok = True

    def capacity(self, col: TypeColumn) -> int | None:
        return 10**_IBAN_UNIQUE_DIGITS

    def needs(self, col: TypeColumn, table: TableSpec, name: str) -> list[str]:
        return needs_country(table, name)

    def generate(self, col: TypeColumn, ctx: BlockContext) -> pa.Array:
        rng = ctx.rng()
        alpha2 = _pools.countries().alpha2.to_pylist()
        de = alpha2.index("DE")
        country = place(ctx).country
        country = np.where(np.isin(country, [alpha2.index(c) for c in IBAN_BBAN]), country, de)
        unique = unique_numbers(ctx) if col.unique else None

        def build(ci: int, rows: np.ndarray) -> pa.Array:
            cc = alpha2[ci]
            template = IBAN_BBAN[cc]
            raw = np.frombuffer(template.encode(), dtype=np.uint8)
            m = np.tile(raw, (len(rows), 1))
            digit = np.flatnonzero(raw == ord("#"))
            letter = np.flatnonzero(raw == ord("@"))
            m[:, digit] = rng.integers(0, 10, (len(rows), len(digit)), dtype=np.uint8) + 48
            m[:, letter] = rng.integers(0, 26, (len(rows), len(letter)), dtype=np.uint8) + 65
            if unique is not None:
                _overwrite_digits(m, template, unique[rows], _IBAN_UNIQUE_DIGITS)
            check = digits_matrix(iban_check_digits(cc, m), 2)
            head = np.tile(np.frombuffer(cc.encode(), dtype=np.uint8), (len(rows), 1))
            return strings_from_matrix(np.concatenate([head, check, m], axis=1))

        return by_group(country, build)


#: Card brands: (name, weight, prefixes, length).
_CARDS = (
    ("visa", 0.55, ("4",), 16),
    ("mastercard", 0.35, ("51", "52", "53", "54", "55"), 16),
    ("amex", 0.10, ("34", "37"), 15),
)


@register
class CreditCard(_CommerceType):
    name = "credit_card"
    summary = "Luhn-valid test card number (Visa, Mastercard, Amex prefixes), digits only."
    unique_ok = True

    def capacity(self, col: TypeColumn) -> int | None:
        return 10**_CARD_UNIQUE_DIGITS

    def generate(self, col: TypeColumn, ctx: BlockContext) -> pa.Array:
        rng = ctx.rng()
        weights = np.array([c[1] for c in _CARDS])
        brand = np.minimum(
            np.searchsorted(np.cumsum(weights) / weights.sum(), rng.random(ctx.n)), len(_CARDS) - 1
        )
        unique = unique_numbers(ctx) if col.unique else None

        def build(b: int, rows: np.ndarray) -> pa.Array:
            _, _, prefixes, length = _CARDS[b]
            k = len(rows)
            prefix = np.array([[int(ch) for ch in p] for p in prefixes], dtype=np.uint8)
            head = prefix[rng.integers(0, len(prefixes), k)]
            body = rng.integers(0, 10, (k, length - 1 - head.shape[1]), dtype=np.uint8)
            if unique is not None:
                body[:, -_CARD_UNIQUE_DIGITS:] = (
                    digits_matrix(unique[rows], _CARD_UNIQUE_DIGITS) - 48
                )
            digits = np.concatenate([head, body], axis=1)
            check = luhn_check_digit(digits).astype(np.uint8)[:, None]
            return strings_from_matrix(np.concatenate([digits, check], axis=1) + 48)

        return by_group(brand, build)


def _bound(value: Any, default: float) -> float:
    return default if value is None else float(value)


@register
class Price(Generator):
    name = "price"
    category = "commerce"
    summary = "Price, decimal with 2 places, lognormal between min and max (default 1..1000)."
    params = ("min", "max")
    example: ClassVar[dict[str, Any]] = {"min": 5, "max": 500}

    def arrow_type(self, col: TypeColumn) -> pa.DataType:
        return pa.decimal128(18, 2)

    def validate(self, col: TypeColumn) -> list[tuple[str, str]]:
        problems = []
        try:
            lo, hi = _bound(col.min, 1.0), _bound(col.max, 1000.0)
        except ValueError:
            return [("min", "min and max of a price are numbers")]
        if lo < 0:
            problems.append(("min", "a price is >= 0"))
        if math.floor(hi * 100) < math.ceil(lo * 100):
            problems.append(("max", f"no price with 2 decimals lies in [{lo}, {hi}]"))
        return problems

    def generate(self, col: TypeColumn, ctx: BlockContext) -> pa.Array:
        """Lognormal truncated to [min, max] by inverse CDF (no clipping spikes), in cents.

        About half the prices end in .99 or .95 when that stays in range, as shop prices do.
        """
        rng = ctx.rng()
        lo, hi = _bound(col.min, 1.0), _bound(col.max, 1000.0)
        lo_c, hi_c = math.ceil(lo * 100), math.floor(hi * 100)
        if lo_c <= 0 or hi_c <= lo_c:
            cents = rng.integers(max(lo_c, 0), hi_c + 1, ctx.n)
        else:
            a, b = math.log(lo_c), math.log(hi_c + 1)
            mu, sigma = (a + b) / 2, max((b - a) / 5, 1e-9)
            fa, fb = ndtr((a - mu) / sigma), ndtr((b - mu) / sigma)
            z = ndtri(fa + rng.random(ctx.n) * (fb - fa))
            cents = np.floor(np.exp(mu + sigma * z)).astype(np.int64)
            charm = np.where(rng.random(ctx.n) < 0.7, 99, 95)
            charmed = (cents // 100) * 100 + charm
            use = (rng.random(ctx.n) < 0.5) & (charmed >= lo_c) & (charmed <= hi_c)
            cents = np.clip(np.where(use, charmed, cents), lo_c, hi_c)
        data = np.zeros((ctx.n, 2), dtype=np.int64)
        data[:, 0] = cents
        buf = pa.py_buffer(data.tobytes())
        return pa.Array.from_buffers(pa.decimal128(18, 2), ctx.n, [None, buf])


@register
class Sku(_CommerceType):
    name = "sku"
    summary = "Stock keeping unit like ABC-12345."
    unique_ok = True

    _TEMPLATE = "###-#####"
    _RADIX = np.array([26, 26, 26, 10, 10, 10, 10, 10])
    _OFFSET = np.array([17, 17, 17, 0, 0, 0, 0, 0])

    def capacity(self, col: TypeColumn) -> int | None:
        return 26**3 * 10**5

    def generate(self, col: TypeColumn, ctx: BlockContext) -> pa.Array:
        size = 26**3 * 10**5
        values = unique_numbers(ctx, size) if col.unique else ctx.rng().integers(0, size, ctx.n)
        return fill_slots(self._TEMPLATE, values, self._RADIX, self._OFFSET)


#: Product names: quality adjective + material + product noun.
_ADJECTIVES = (
    "Classic", "Compact", "Deluxe", "Durable", "Elegant", "Ergonomic", "Essential",
    "Handmade", "Lightweight", "Modern", "Portable", "Premium", "Refined", "Rustic",
    "Sleek", "Smart", "Sturdy", "Vintage", "Waterproof", "Everyday",
)  # fmt: skip
_MATERIALS = (
    "Bamboo", "Ceramic", "Cotton", "Copper", "Glass", "Granite", "Leather", "Linen",
    "Marble", "Oak", "Plastic", "Rubber", "Silk", "Steel", "Walnut", "Wool", "Aluminum",
    "Concrete", "Wooden", "Carbon",
)  # fmt: skip
_PRODUCTS = (
    "Backpack", "Bag", "Bottle", "Bowl", "Chair", "Clock", "Desk", "Gloves", "Hat",
    "Jacket", "Keyboard", "Lamp", "Mug", "Notebook", "Pillow", "Shirt", "Shoes",
    "Table", "Towel", "Wallet", "Watch", "Speaker", "Headphones", "Sofa", "Knife",
)  # fmt: skip


@register
class ProductName(_CommerceType):
    name = "product_name"
    summary = "Product name: adjective, material and product (Ergonomic Steel Chair)."

    def generate(self, col: TypeColumn, ctx: BlockContext) -> pa.Array:
        rng = ctx.rng()
        parts = [
            take(pa.array(words, pa.string()), rng.integers(0, len(words), ctx.n))
            for words in (_ADJECTIVES, _MATERIALS, _PRODUCTS)
        ]
        return pc.binary_join_element_wise(*parts, " ")


@register
class Color(_CommerceType):
    name = "color"
    summary = "Colour name in the row's locale (Mimesis)."

    def needs(self, col: TypeColumn, table: TableSpec, name: str) -> list[str]:
        return needs_country(table, name)

    def generate(self, col: TypeColumn, ctx: BlockContext) -> pa.Array:
        pool = _pools.locale_pool("text", "color")
        return take(pool.values, pool.draw(ctx.rng(), row_locales(ctx)))


@register
class Isbn(_CommerceType):
    name = "isbn"
    summary = "ISBN-13 (978 prefix) with a valid check digit, digits only."
    unique_ok = True

    def capacity(self, col: TypeColumn) -> int | None:
        return 10**_ISBN_UNIQUE_DIGITS

    def generate(self, col: TypeColumn, ctx: BlockContext) -> pa.Array:
        if col.unique:
            body = unique_numbers(ctx, 10**_ISBN_UNIQUE_DIGITS)
        else:
            body = ctx.rng().integers(0, 10**_ISBN_UNIQUE_DIGITS, ctx.n)
        digits = np.concatenate(
            [np.tile(np.array([9, 7, 8], dtype=np.uint8), (ctx.n, 1)), digits_matrix(body, 9) - 48],
            axis=1,
        )
        weights = np.array([1, 3] * 6, dtype=np.int64)
        check = ((10 - (digits.astype(np.int64) @ weights) % 10) % 10).astype(np.uint8)
        return strings_from_matrix(np.concatenate([digits, check[:, None]], axis=1) + 48)


@register
class Sha256(_CommerceType):
    name = "sha256"
    summary = "SHA-256 digest as 64 lower-case hex characters."
    unique_ok = True

    def generate(self, col: TypeColumn, ctx: BlockContext) -> pa.Array:
        rng = ctx.rng()
        words = [rng.integers(0, 2**63, ctx.n, dtype=np.int64).astype(np.uint64) for _ in range(4)]
        words = [(w << np.uint64(1)) | rng.integers(0, 2, ctx.n).astype(np.uint64) for w in words]
        if col.unique:
            words[0] = mix64(ctx.row_index().astype(np.uint64), row_key(ctx))
        return strings_from_matrix(np.concatenate([hex_matrix(w, 16) for w in words], axis=1))
