"""Edge values of a column: legal values that application code often gets wrong.

Test data that only holds typical values lets bugs through: the boundary of a
range, a leap day, a name with an apostrophe or a character outside Latin-1, a
string exactly as long as the column allows, the rarest category. Each value
here stays inside the column's own rules (range, allowed values, lengths), so a
record that carries it is still valid data; only the code under test is put to
the test. Used by the service's ``defect_triggering`` flag.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np

from ..spec import TypeColumn
from ._registry import get
from .base_numeric import FloatGenerator, OrderedGenerator

__all__ = ["EdgeValue", "edge_values"]


@dataclass(frozen=True)
class EdgeValue:
    """One awkward-but-legal value of a column, with why it is awkward."""

    kind: str
    value: Any
    why: str


_NAMES = {
    "first_name": ["Zoë-Renée", "D'Andre", "Nguyễn"],
    "last_name": ["O'Connor-Müller", "van der Berg", "Wolfeschlegelsteinhausenbergerdorff"],
    "full_name": ["Zoë O'Connor-Müller", "José María de la Cruz y Nguyễn"],
    "city": ["Saint-Jean-d'Angély", "Llanfairpwllgwyngyll", "São Paulo"],
    "street_address": ["1½ Rue de l'Église, Apt #4", "Straße des 17. Juni 135"],
    "company": ["O'Reilly & Søn, Inc.", "Müller-Lüdenscheidt GmbH & Co. KG"],
    "job_title": ['Senior Director, R&D (EMEA) — "Interim"'],
    "product_name": ['12" Pan & Lid — "Pro" Edition'],
}
_FREE_TEXT = [
    ("quotes", 'It\'s a "quoted" value; with, commas', "quotes, apostrophes and commas"),
    ("unicode", "Ünïcödé ✓ 日本語 😀", "characters outside Latin-1, an emoji (4 bytes in UTF-8)"),
    ("markup", "<script>alert('x')</script> & ' OR '1'='1", "markup and SQL metacharacters"),
    ("whitespace", "  two  spaces\tand a tab  ", "leading, trailing and inner whitespace"),
]
_EMAIL = "o'connor+qa.test@mail.sub.example.co.uk"
_URL = "https://example.com/a%20path/ü?q=a+b&x=%F0%9F%98%80#frag"
_FREE_TYPES = ("string", "text")


def edge_values(col: TypeColumn) -> list[EdgeValue]:
    """The edge values `col` allows (empty when it allows none worth testing).

    Unique, keyed, patterned and relative (after/before) columns get none: a
    literal there would repeat a key or break the column's own shape.
    """
    if col.unique or col.regex or col.pattern or col.after or col.before:
        return []
    out: list[EdgeValue] = []
    gen = get(col.type)
    if isinstance(gen, OrderedGenerator):
        out += _range_edges(gen, col)
    elif isinstance(gen, FloatGenerator) or col.type == "price":
        out += _float_edges(col)
    elif col.type == "category" and isinstance(col.values, dict) and len(col.values) >= 3:
        weights = col.values
        rarest = min(weights, key=lambda k: weights[k])
        out.append(EdgeValue("rarest", rarest, f"the rarest category ({weights[rarest]:g})"))
    elif col.type in _NAMES and col.values is None:
        for i, text in enumerate(_NAMES[col.type]):
            out.append(EdgeValue(f"awkward_{i + 1}", text, "apostrophes, hyphens, diacritics"))
    elif col.type in _FREE_TYPES and col.values is None:
        out += _text_edges(col)
    elif col.type == "email" and col.values is None:
        out.append(EdgeValue("plus_address", _EMAIL, "apostrophe, +tag, dotted subdomains"))
    elif col.type == "url" and col.values is None:
        out.append(EdgeValue("escaped", _URL, "percent-escapes, non-ASCII path, fragment"))
    if col.null_rate > 0:
        out.append(EdgeValue("null", None, "an optional value left out"))
    return out


def _range_edges(gen: OrderedGenerator, col: TypeColumn) -> list[EdgeValue]:
    if col.min is None and col.max is None and col.type in ("int", "decimal"):
        return [EdgeValue("zero", 0, "zero")] if _inside(gen, col, 0) else []
    lo, hi = gen.bounds(col)
    low, high = gen.to_arrow(np.array([lo, hi], dtype=np.int64), col).to_pylist()
    out = [
        EdgeValue("min", _scalar(low), "the smallest value allowed"),
        EdgeValue("max", _scalar(high), "the largest value allowed"),
    ]
    if isinstance(low, dt.date) and isinstance(high, dt.date):
        leap = _last_leap_day(low, high)
        if leap is not None:
            out.append(EdgeValue("leap_day", _scalar(leap), "29 February"))
    return out


def _scalar(value: Any) -> Any:
    """A value as the spec writes it (ISO text for dates and times)."""
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return f"{value.total_seconds():g}s"
    if isinstance(value, Decimal):
        return float(value)
    return value


def _inside(gen: OrderedGenerator, col: TypeColumn, value: Any) -> bool:
    lo, hi = gen.bounds(col)
    return lo <= gen.to_unit(value, col) <= hi


def _last_leap_day(low: dt.date, high: dt.date) -> dt.date | None:
    """The last 29 February in [low, high], as a date or a midday datetime like the bounds."""
    for year in range(high.year, low.year - 1, -1):
        if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
            day: dt.date = dt.date(year, 2, 29)
            if isinstance(low, dt.datetime):
                day = dt.datetime(year, 2, 29, 12, tzinfo=low.tzinfo)
            if low <= day <= high:
                return day
    return None


def _float_edges(col: TypeColumn) -> list[EdgeValue]:
    out = []
    if isinstance(col.min, int | float) and not isinstance(col.min, bool):
        out.append(EdgeValue("min", col.min, "the smallest value allowed"))
    if isinstance(col.max, int | float) and not isinstance(col.max, bool):
        out.append(EdgeValue("max", col.max, "the largest value allowed"))
    return out


def _text_edges(col: TypeColumn) -> list[EdgeValue]:
    lo = col.min_length or 0
    hi = col.max_length
    out = [
        EdgeValue(kind, text, why)
        for kind, text, why in _FREE_TEXT
        if lo <= len(text) and (hi is None or len(text) <= hi)
    ]
    if hi is not None and hi > 0:
        out.append(EdgeValue("max_length", ("Ωx" * hi)[:hi], f"exactly max_length ({hi}) chars"))
    if col.min_length is not None:
        out.append(EdgeValue("min_length", "é" * lo, f"exactly min_length ({lo}) chars"))
    return out
