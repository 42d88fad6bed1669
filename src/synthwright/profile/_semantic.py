"""Semantic types from values and column names, each with a confidence.

Value checks run on a sample of distinct values (checksums where the type
has one: IBAN mod-97, Luhn for card numbers, ISBN-13); the column name adds
evidence (``email``, ``zip``, ``surname``...) or, for types whose values
carry no signature (postal codes, cities), is the evidence; the name hints
are the lexicon's (``lexicon/data/fields.yaml``, ``hint:``), shared with the
planner and introspection. The result names a type of the catalogue so the
spec can use it directly.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Callable
from datetime import datetime
from functools import lru_cache
from importlib import resources

from .. import lexicon

__all__ = ["DATE_FORMATS", "SemanticGuess", "detect_datetime_format", "detect_semantic"]

SemanticGuess = tuple[str, float]

_EMAIL = re.compile(r"^[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")
_URL = re.compile(r"^(https?://|www\.)[^\s]+$", re.IGNORECASE)
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_IBAN = re.compile(r"^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$")
_MAC = re.compile(r"^([0-9a-fA-F]{2}[:-]){5}[0-9a-fA-F]{2}$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_PHONE = re.compile(r"^\+?[\d\s().-]{7,22}$")
_POSTAL = re.compile(
    r"^(\d{4,5}(-\d{4})?|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}|[A-Z]\d[A-Z] ?\d[A-Z]\d)$"
)
_STREET = re.compile(r"^\d+[A-Za-z]?\s+\S+")
_DOMAIN = re.compile(r"^([a-z0-9-]+\.)+[a-z]{2,}$")

# types decided from the name alone when the values do not contradict it
_NAME_ONLY = {"city", "state", "company", "job_title", "street_address", "username", "postal_code"}

DATE_FORMATS = (
    "%Y-%m-%d",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d",
    "%m/%d/%Y",
    "%d/%m/%Y",
    "%d.%m.%Y",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d.%m.%Y %H:%M",
    "%Y%m%d",
    "%d-%b-%Y",
    "%b %d, %Y",
    "%d %b %Y",
)


def _luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _is_card(value: str) -> bool:
    digits = value.replace(" ", "").replace("-", "")
    return digits.isdigit() and 13 <= len(digits) <= 19 and digits[0] in "3456" and _luhn(digits)


def _is_isbn(value: str) -> bool:
    digits = value.replace("-", "")
    if not (digits.isdigit() and len(digits) == 13 and digits[:3] in ("978", "979")):
        return False
    total = sum((1 if i % 2 == 0 else 3) * (ord(c) - 48) for i, c in enumerate(digits[:12]))
    return (10 - total % 10) % 10 == ord(digits[12]) - 48


def _is_iban(value: str) -> bool:
    compact = value.replace(" ", "")
    if not _IBAN.match(compact):
        return False
    moved = compact[4:] + compact[:4]
    number = "".join(str(int(ch, 36)) for ch in moved)
    return int(number) % 97 == 1


def _is_ipv4(value: str) -> bool:
    parts = value.split(".")
    return len(parts) == 4 and all(p.isdigit() and int(p) <= 255 and len(p) <= 3 for p in parts)


def _is_ipv6(value: str) -> bool:
    if ":" not in value:
        return False
    try:
        ipaddress.IPv6Address(value)
    except ValueError:
        return False
    return True


def _is_phone(value: str) -> bool:
    return bool(_PHONE.match(value)) and sum(ch.isdigit() for ch in value) >= 7


@lru_cache(maxsize=1)
def _people() -> tuple[frozenset[str], frozenset[str]]:
    """First names and surnames from Mimesis' data for a few locales (lower-case)."""
    first: set[str] = set()
    last: set[str] = set()
    base = resources.files("mimesis") / "datasets"
    for locale in ("en", "de", "fr", "es", "it", "nl", "pt-br"):
        file = base / locale / "person.json"
        if not file.is_file():
            continue
        data = json.loads(file.read_text(encoding="utf-8"))
        names = data.get("names", {})
        for group in names.values() if isinstance(names, dict) else [names]:
            first.update(n.lower() for n in group)
        surnames = data.get("surnames", [])
        for group in surnames.values() if isinstance(surnames, dict) else [surnames]:
            last.update(n.lower() for n in group)
    return frozenset(first), frozenset(last)


@lru_cache(maxsize=1)
def _codes() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """ISO country alpha-2 codes, country names (lower-case) and currency codes."""
    import pycountry

    alpha2 = frozenset(c.alpha_2 for c in pycountry.countries)
    names = frozenset(c.name.lower() for c in pycountry.countries) | frozenset(
        getattr(c, "common_name", c.name).lower() for c in pycountry.countries
    )
    currencies = frozenset(c.alpha_3 for c in pycountry.currencies)
    return alpha2, names, currencies


def _first_name(value: str) -> bool:
    return value.strip().lower() in _people()[0]


def _last_name(value: str) -> bool:
    return value.strip().lower() in _people()[1]


def _full_name(value: str) -> bool:
    parts = value.replace(",", " ").split()
    if not 2 <= len(parts) <= 4:
        return False
    first, last = _people()
    return parts[0].lower() in first or parts[-1].lower() in last


_VALUE_CHECKS: tuple[tuple[str, Callable[[str], bool]], ...] = (
    ("email", lambda v: bool(_EMAIL.match(v))),
    ("url", lambda v: bool(_URL.match(v))),
    ("uuid", lambda v: bool(_UUID.match(v))),
    ("ipv4", _is_ipv4),
    ("ipv6", _is_ipv6),
    ("mac_address", lambda v: bool(_MAC.match(v))),
    ("sha256", lambda v: bool(_SHA256.match(v))),
    ("iban", _is_iban),
    ("isbn", _is_isbn),
    ("credit_card", _is_card),
    ("country_code", lambda v: v in _codes()[0]),
    ("currency_code", lambda v: v in _codes()[2]),
    ("country", lambda v: v.lower() in _codes()[1]),
    ("domain", lambda v: bool(_DOMAIN.match(v))),
    ("phone", _is_phone),
    ("postal_code", lambda v: bool(_POSTAL.match(v))),
    ("first_name", _first_name),
    ("last_name", _last_name),
    ("full_name", _full_name),
    ("street_address", lambda v: bool(_STREET.match(v))),
)

# types whose values alone are ambiguous: they need the name to agree
_NEEDS_NAME = {"phone", "postal_code", "currency_code", "country_code", "domain", "street_address"}
_THRESHOLD = 0.9


def _self_evident(kind: str, values: list[str], share: float) -> bool:
    """Ambiguous shapes that are clear without a name: +phone numbers, many ISO codes."""
    if kind == "phone":
        return all(v.startswith("+") for v in values[:50])
    return kind in ("country_code", "currency_code") and share >= 0.99 and len(values) > 20


def _name_hint(name: str) -> str | None:
    """The type a column name suggests: the lexicon's name hints, first match wins."""
    lowered = name.lower()
    for pattern, kind in lexicon.name_hints():
        if pattern.search(lowered):
            return kind
    return None


def detect_semantic(name: str, values: list[str]) -> SemanticGuess | None:
    """The catalogue type a string column looks like, with a confidence in [0, 1].

    ``values`` is a sample of distinct non-null values. Value evidence is the
    share that passes the type's check (with its checksum); a matching column
    name adds 0.1 (and is required for ambiguous shapes such as postal codes
    or phone numbers without a ``+``).
    """
    hint = _name_hint(name)
    if not values:
        return (hint, 0.5) if hint else None
    best: SemanticGuess | None = None
    for kind, check in _VALUE_CHECKS:
        share = sum(1 for v in values if check(v)) / len(values)
        if share < _THRESHOLD and not (hint == kind and share >= 0.6):
            continue
        if kind in _NEEDS_NAME and hint != kind and not _self_evident(kind, values, share):
            continue
        confidence = min(1.0, share + (0.1 if hint == kind else 0.0))
        if best is None or confidence > best[1]:
            best = (kind, round(confidence, 3))
        if confidence >= 0.99:
            break
    if best is None and hint in _NAME_ONLY:
        return (hint, 0.6)
    return best


def detect_datetime_format(values: list[str]) -> str | None:
    """The strptime format that parses (almost) every value, or None."""
    if not values:
        return None
    for fmt in DATE_FORMATS:
        ok = 0
        for v in values:
            try:
                datetime.strptime(v.strip(), fmt)
            except ValueError:
                continue
            ok += 1
        if ok / len(values) >= 0.98:
            return fmt
    return None


def name_hint(name: str) -> str | None:
    """The catalogue type a column name suggests (exported for the numeric checks)."""
    return _name_hint(name)
