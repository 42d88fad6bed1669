"""Guess a semantic type from a column's name, its SQL type and its table.

A database knows ``email VARCHAR(255)``; a useful spec says ``{type: email}``.
The names come from the lexicon (``lexicon/data/fields.yaml``, each field's
``columns``: ``email``, ``zip``, ``lat`` ...), shared with the planner and the
profiler, with the kinds of SQL type each applies to, plus a few rules that
also look at the table (``name`` in ``customers`` is a person's name, in
``products`` a product's: the lexicon's entities and ``record_kinds``).
A guess is refused when the column is too short for what the type produces
(``email VARCHAR(20)``), so generated values always fit the database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from .. import lexicon
from ._schema import ColumnInfo

__all__ = ["MAX_LENGTHS", "Guess", "guess_semantic", "name_tokens"]


_STRINGS = frozenset({"char", "varchar", "text", "other"})
_NUMBERS = frozenset({"decimal", "float"})
_TEMPORAL = frozenset({"date", "datetime"})

# The longest value each string-valued type produces (measured over en_US,
# de_DE and ja_JP with room to spare; tests/unit/introspect checks it).
MAX_LENGTHS: dict[str, int] = {
    "email": 64,
    "phone": 20,
    "first_name": 30,
    "last_name": 30,
    "full_name": 50,
    "username": 40,
    "city": 60,
    "state": 40,
    "country": 60,
    "country_code": 2,
    "postal_code": 10,
    "street_address": 100,
    "url": 100,
    "domain": 40,
    "ipv4": 15,
    "ipv6": 39,
    "mac_address": 17,
    "user_agent": 255,
    "iban": 34,
    "credit_card": 19,
    "currency_code": 3,
    "sku": 12,
    "product_name": 50,
    "color": 20,
    "file_name": 50,
    "file_path": 100,
    "file_extension": 10,
    "mime_type": 80,
    "sha256": 64,
    "isbn": 13,
    "company": 60,
    "job_title": 60,
    "uuid": 36,
}


def _kinds(kind: str) -> frozenset[str]:
    """Table words for a kind of record: the lexicon's ``record_kinds`` and its entities."""
    words = set(lexicon.vocab().get("record_kinds", {}).get(kind, []))
    for ent in lexicon.entities():
        name_type = (ent.columns.get(ent.name_column or "") or {}).get("type")
        if (
            (kind == "person" and ent.person)
            or (kind == "product" and name_type == "product_name")
            or (kind == "company" and name_type == "company")
        ):
            words.update(lexicon.singular(w.replace(" ", "_")) for w in (ent.name, *ent.names))
    return frozenset(words)


@lru_cache(maxsize=1)
def _tables() -> dict[str, frozenset[str]]:
    return {k: _kinds(k) for k in ("person", "product", "company", "employee")}


@lru_cache(maxsize=1)
def _text_names() -> frozenset[str]:
    return frozenset(c for f in lexicon.fields_of_kind("prose") for c in f.columns)


@lru_cache(maxsize=1)
def _price_names() -> frozenset[str]:
    return frozenset(c for f in lexicon.fields_of_kind("price") for c in f.columns)


@lru_cache(maxsize=1)
def _money_names() -> frozenset[str]:
    return frozenset(c for f in lexicon.fields_of_kind("money") for c in f.columns)


def _string_type(name: str) -> str | None:
    """The string-valued semantic type a column name means (the lexicon's column names)."""
    kind = lexicon.column_type(name)
    return kind if kind in MAX_LENGTHS else None


@dataclass(frozen=True)
class Guess:
    """A type for a column with its parameters and why it was chosen."""

    type: str
    params: dict[str, Any] = field(default_factory=dict)
    reason: str = "semantic type from name"


def name_tokens(name: str) -> str:
    """``shippingAddress`` / ``Shipping-Address`` -> ``shipping_address``."""
    snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name.strip())
    return re.sub(r"[^a-z0-9]+", "_", snake.lower()).strip("_")


def _table_kind(table: str, kind: str) -> bool:
    kinds = _tables()[kind]
    words = [lexicon.singular(w) for w in name_tokens(table).split("_") if w]
    return bool(words) and (words[-1] in kinds or words[0] in kinds)


def _fits(type_name: str, column: ColumnInfo) -> bool:
    """Whether values of `type_name` fit in the column's declared length."""
    if column.length is None or column.kind == "text":
        return True
    return MAX_LENGTHS.get(type_name, 0) <= column.length


def _string_guess(name: str, table: str, column: ColumnInfo) -> Guess | None:
    semantic = _string_type(name)
    by_table = "semantic type from name and table"
    if semantic is None and name.endswith(("_url", "_uri", "_link")):
        semantic = "url"
    if semantic is None and name.endswith("_email"):
        semantic = "email"
    if semantic is None and name.endswith(("_phone", "_phone_number")):
        semantic = "phone"
    if semantic is None and name.endswith("_uuid"):
        semantic = "uuid"
    if semantic is None and name in ("name", "title", "display_name"):
        if _table_kind(table, "person") and name != "title":
            return Guess("full_name", reason=by_table) if _fits("full_name", column) else None
        if _table_kind(table, "product"):
            return Guess("product_name", reason=by_table) if _fits("product_name", column) else None
        if _table_kind(table, "company") and name == "name":
            return Guess("company", reason=by_table) if _fits("company", column) else None
        if _table_kind(table, "employee") and name == "title":
            return Guess("job_title", reason=by_table) if _fits("job_title", column) else None
        return None
    if semantic == "country" and column.length is not None and column.length <= 3:
        semantic = "country_code" if column.length == 2 else None
    if semantic == "country_code" and column.length not in (None, 2):
        return None
    if semantic == "currency_code" and column.length is not None and column.length < 3:
        return None
    if semantic is None or not _fits(semantic, column):
        return None
    return Guess(semantic)


def _date_range(name: str, column: ColumnInfo) -> Guess | None:
    type_name = "date" if column.kind == "date" else "datetime"
    if name in ("birth_date", "birthdate", "dob", "date_of_birth", "birthday", "born_on"):
        return Guess(type_name, {"min": "1940-01-01", "max": "2006-12-31"}, "birth date from name")
    return None


def _number_guess(name: str, table: str, column: ColumnInfo) -> Guess | None:
    if name in ("latitude", "lat") or name.endswith("_latitude"):
        return Guess("latitude")
    if name in ("longitude", "lng", "lon", "long") or name.endswith("_longitude"):
        return Guess("longitude")
    if column.kind == "decimal" and name in _price_names() and (column.scale in (None, 2)):
        return Guess("price", {"min": 1, "max": 1000}, "price from name")
    return None


def guess_semantic(column: ColumnInfo, table: str) -> Guess | None:
    """The semantic type of a column, or None when the name says nothing we know."""
    name = name_tokens(column.name)
    if column.kind == "uuid":
        return Guess("uuid", reason="uuid from SQL type")
    if column.kind == "inet":
        return Guess("ipv4", reason="ipv4 from SQL type")
    if column.kind == "mac":
        return Guess("mac_address", reason="mac_address from SQL type")
    if column.kind in _STRINGS:
        if column.kind == "char" and column.length == 36 and (name in ("id", "uuid", "guid")):
            return Guess("uuid", reason="uuid from name and char(36)")
        return _string_guess(name, table, column)
    if column.kind in _NUMBERS:
        return _number_guess(name, table, column)
    if column.kind in _TEMPORAL:
        return _date_range(name, column)
    return None


def is_text_name(column_name: str) -> bool:
    """Names of free-text columns (description, notes, body ...)."""
    name = name_tokens(column_name)
    return name in _text_names() or name.endswith(("_description", "_notes", "_comment"))


def money_name(column_name: str) -> bool:
    """Names of amounts of money (amount, total, tax ...)."""
    name = name_tokens(column_name)
    return name in _money_names() or name in _price_names() or name.endswith(("_amount", "_price"))
