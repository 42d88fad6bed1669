"""Guess a semantic type from a column's name, its SQL type and its table.

A database knows ``email VARCHAR(255)``; a useful spec says ``{type: email}``.
The rules are a plain table of names (``email``, ``zip``, ``lat`` ...) with
the kinds of SQL type each applies to, plus a few that also look at the table
(``name`` in ``customers`` is a person's name, in ``products`` a product's).
A guess is refused when the column is too short for what the type produces
(``email VARCHAR(20)``), so generated values always fit the database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ._schema import ColumnInfo

__all__ = ["MAX_LENGTHS", "Guess", "guess_semantic", "name_tokens"]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


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

# column name -> semantic type, for string columns
_STRING_NAMES: dict[str, str] = {}
for _type, _names in {
    "email": "email email_address e_mail mail contact_email work_email",
    "phone": "phone phone_number telephone tel mobile mobile_phone cell cell_phone phone_no",
    "first_name": "first_name firstname given_name fname forename",
    "last_name": "last_name lastname surname family_name lname",
    "full_name": "full_name fullname contact_name customer_name employee_name author_name",
    "username": "username user_name login login_name handle nickname screen_name",
    "city": "city town city_name",
    "state": "state province region state_name state_province",
    "country": "country country_name",
    "country_code": "country_code country_iso iso_country iso_country_code",
    "postal_code": "postal_code zip zip_code zipcode postcode post_code",
    "street_address": (
        "street street_address address address1 address_line1 address_line_1 line1 "
        "street_line street_name billing_address shipping_address"
    ),
    "url": "url website web_site homepage home_page link web_url",
    "domain": "domain domain_name hostname host_name",
    "ipv4": "ip ip_address ipv4 ip_addr client_ip remote_ip remote_addr last_ip",
    "ipv6": "ipv6 ipv6_address",
    "mac_address": "mac mac_address macaddr mac_addr",
    "user_agent": "user_agent useragent browser_agent",
    "iban": "iban iban_number",
    "credit_card": "credit_card card_number cc_number card_no credit_card_number pan",
    "currency_code": "currency currency_code iso_currency",
    "sku": "sku product_code item_code",
    "product_name": "product_name item_name",
    "color": "color colour",
    "file_name": "file_name filename",
    "file_path": "file_path filepath path storage_path",
    "file_extension": "file_extension extension file_ext",
    "mime_type": "mime_type mimetype content_type media_type",
    "sha256": "sha256 sha_256 hash checksum digest file_hash sha256_hash content_hash",
    "isbn": "isbn isbn13 isbn_13",
    "company": "company company_name employer organization organisation org_name",
    "job_title": "job_title occupation job position_title",
    "uuid": "uuid guid",
}.items():
    for _name in _names.split():
        _STRING_NAMES[_name] = _type

_TEXT_NAMES = _words(
    "description notes note comment comments body content bio biography summary message "
    "remarks details review review_text text about"
)

_PERSON_TABLES = _words(
    "customer user employee person people member author contact patient student staff "
    "client driver teacher doctor owner subscriber guest passenger account profile "
    "shopper buyer seller worker agent"
)
_PRODUCT_TABLES = _words("product item good article sku catalog catalogue")
_COMPANY_TABLES = _words(
    "company supplier vendor manufacturer organization organisation brand merchant employer partner"
)
_EMPLOYEE_TABLES = _words("employee staff worker personnel job position")

_PRICE_NAMES = _words("price unit_price list_price sale_price retail_price msrp")
_MONEY_NAMES = _words(
    "amount total subtotal sub_total cost balance fee tax discount grand_total net_amount "
    "gross_amount shipping shipping_cost total_amount"
)


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


def _singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


def _table_kind(table: str, kinds: frozenset[str]) -> bool:
    words = [_singular(w) for w in name_tokens(table).split("_") if w]
    return bool(words) and (words[-1] in kinds or words[0] in kinds)


def _fits(type_name: str, column: ColumnInfo) -> bool:
    """Whether values of `type_name` fit in the column's declared length."""
    if column.length is None or column.kind == "text":
        return True
    return MAX_LENGTHS.get(type_name, 0) <= column.length


def _string_guess(name: str, table: str, column: ColumnInfo) -> Guess | None:
    semantic = _STRING_NAMES.get(name)
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
        if _table_kind(table, _PERSON_TABLES) and name != "title":
            return Guess("full_name", reason=by_table) if _fits("full_name", column) else None
        if _table_kind(table, _PRODUCT_TABLES):
            return Guess("product_name", reason=by_table) if _fits("product_name", column) else None
        if _table_kind(table, _COMPANY_TABLES) and name == "name":
            return Guess("company", reason=by_table) if _fits("company", column) else None
        if _table_kind(table, _EMPLOYEE_TABLES) and name == "title":
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
    if column.kind == "decimal" and name in _PRICE_NAMES and (column.scale in (None, 2)):
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
    return name in _TEXT_NAMES or name.endswith(("_description", "_notes", "_comment"))


def money_name(column_name: str) -> bool:
    """Names of amounts of money (amount, total, tax ...)."""
    name = name_tokens(column_name)
    return name in _MONEY_NAMES or name in _PRICE_NAMES or name.endswith(("_amount", "_price"))
