"""Field lexicon: what a phrase like "signup date" or "phone number" becomes.

``resolve_field`` maps one listed field to columns (name and catalogue type),
preferring the entity's own knowledge-base column, then the lexicon, then a
guess from the phrase's head word. Guesses are reported so the planner can
list them as assumptions.
"""

from __future__ import annotations

import re
from typing import Any

from .knowledge import Entity

__all__ = ["CATEGORY_DEFAULTS", "resolve_field", "snake"]

Col = dict[str, Any]
Columns = list[tuple[str, Col]]

_PERSONISH = {
    "customer",
    "user",
    "patient",
    "employee",
    "contact",
    "author",
    "owner",
    "manager",
    "student",
    "teacher",
    "doctor",
    "person",
    "passenger",
    "client",
    "agent",
    "buyer",
    "seller",
    "member",
    "recipient",
    "sender",
    "guest",
    "emergency contact",
    "full",
}

CATEGORY_DEFAULTS: dict[str, list[str] | dict[str, float]] = {
    "status": {"active": 0.7, "inactive": 0.2, "pending": 0.1},
    "plan": {"free": 0.6, "pro": 0.3, "enterprise": 0.1},
    "tier": {"bronze": 0.5, "silver": 0.3, "gold": 0.15, "platinum": 0.05},
    "role": {"member": 0.7, "admin": 0.2, "owner": 0.1},
    "priority": {"low": 0.4, "medium": 0.4, "high": 0.2},
    "severity": {"minor": 0.5, "major": 0.35, "critical": 0.15},
    "level": {"beginner": 0.4, "intermediate": 0.4, "advanced": 0.2},
    "department": ["engineering", "sales", "support", "marketing", "finance", "hr"],
    "gender": {"female": 0.49, "male": 0.49, "non_binary": 0.02},
    "sex": {"female": 0.5, "male": 0.5},
    "channel": ["web", "mobile", "email", "phone", "store"],
    "payment method": ["card", "bank_transfer", "paypal", "cash"],
    "method": ["card", "bank_transfer", "paypal", "cash"],
    "category": ["a", "b", "c", "d"],
    "type": ["standard", "premium", "basic"],
    "kind": ["standard", "premium", "basic"],
    "segment": ["consumer", "small_business", "enterprise"],
    "source": ["organic", "ads", "referral", "social", "email"],
    "blood type": ["O+", "A+", "B+", "AB+", "O-", "A-", "B-", "AB-"],
    "language": ["en", "de", "fr", "es", "it", "nl", "pt", "ja"],
    "size": ["XS", "S", "M", "L", "XL"],
    "grade": ["A", "B", "C", "D", "F"],
    "rank": ["junior", "mid", "senior", "lead"],
    "shift": ["morning", "afternoon", "night"],
    "team": ["alpha", "beta", "gamma", "delta"],
    "currency": ["USD", "EUR", "GBP"],
    "weather": ["sunny", "cloudy", "rain", "snow"],
}

_TYPE_ALIASES: dict[str, Columns] = {
    "email": [("email", {"type": "email"})],
    "email address": [("email", {"type": "email"})],
    "mail": [("email", {"type": "email"})],
    "phone": [("phone", {"type": "phone"})],
    "phone number": [("phone", {"type": "phone"})],
    "telephone": [("phone", {"type": "phone"})],
    "mobile": [("phone", {"type": "phone"})],
    "mobile number": [("phone", {"type": "phone"})],
    "first name": [("first_name", {"type": "first_name"})],
    "given name": [("first_name", {"type": "first_name"})],
    "forename": [("first_name", {"type": "first_name"})],
    "last name": [("last_name", {"type": "last_name"})],
    "surname": [("last_name", {"type": "last_name"})],
    "family name": [("last_name", {"type": "last_name"})],
    "full name": [("full_name", {"type": "full_name"})],
    "username": [("username", {"type": "username", "unique": True})],
    "user name": [("username", {"type": "username", "unique": True})],
    "login": [("username", {"type": "username", "unique": True})],
    "handle": [("username", {"type": "username", "unique": True})],
    "password": [("password_hash", {"type": "sha256"})],
    "password hash": [("password_hash", {"type": "sha256"})],
    "address": [
        ("street_address", {"type": "street_address"}),
        ("city", {"type": "city"}),
        ("postal_code", {"type": "postal_code"}),
    ],
    "street address": [("street_address", {"type": "street_address"})],
    "street": [("street_address", {"type": "street_address"})],
    "city": [("city", {"type": "city"})],
    "town": [("city", {"type": "city"})],
    "state": [("state", {"type": "state"})],
    "region": [("state", {"type": "state"})],
    "province": [("state", {"type": "state"})],
    "zip": [("postal_code", {"type": "postal_code"})],
    "zip code": [("postal_code", {"type": "postal_code"})],
    "zipcode": [("postal_code", {"type": "postal_code"})],
    "postcode": [("postal_code", {"type": "postal_code"})],
    "postal code": [("postal_code", {"type": "postal_code"})],
    "country": [("country", {"type": "country_code"})],
    "country code": [("country", {"type": "country_code"})],
    "nationality": [("nationality", {"type": "country_code"})],
    "location": [("latitude", {"type": "latitude"}), ("longitude", {"type": "longitude"})],
    "coordinates": [("latitude", {"type": "latitude"}), ("longitude", {"type": "longitude"})],
    "gps": [("latitude", {"type": "latitude"}), ("longitude", {"type": "longitude"})],
    "latitude": [("latitude", {"type": "latitude"})],
    "longitude": [("longitude", {"type": "longitude"})],
    "lat": [("latitude", {"type": "latitude"})],
    "lon": [("longitude", {"type": "longitude"})],
    "age": [
        ("age", {"type": "int", "min": 18, "max": 90, "dist": {"normal": {"mean": 40, "std": 14}}})
    ],
    "date of birth": [
        ("date_of_birth", {"type": "date", "min": "1940-01-01", "max": "2006-12-31"})
    ],
    "birth date": [("date_of_birth", {"type": "date", "min": "1940-01-01", "max": "2006-12-31"})],
    "birthdate": [("date_of_birth", {"type": "date", "min": "1940-01-01", "max": "2006-12-31"})],
    "birthday": [("date_of_birth", {"type": "date", "min": "1940-01-01", "max": "2006-12-31"})],
    "dob": [("date_of_birth", {"type": "date", "min": "1940-01-01", "max": "2006-12-31"})],
    "company": [("company", {"type": "company"})],
    "employer": [("employer", {"type": "company"})],
    "company name": [("company", {"type": "company"})],
    "job": [("job_title", {"type": "job_title"})],
    "job title": [("job_title", {"type": "job_title"})],
    "occupation": [("job_title", {"type": "job_title"})],
    "position": [("job_title", {"type": "job_title"})],
    "profession": [("job_title", {"type": "job_title"})],
    "salary": [
        (
            "salary",
            {"type": "decimal", "min": 30000, "max": 250000, "scale": 2, "dist": "lognormal"},
        )
    ],
    "income": [
        (
            "income",
            {"type": "decimal", "min": 10000, "max": 300000, "scale": 2, "dist": "lognormal"},
        )
    ],
    "price": [("price", {"type": "price", "min": 1, "max": 1000})],
    "cost": [("cost", {"type": "price", "min": 1, "max": 1000})],
    "unit price": [("unit_price", {"type": "price", "min": 1, "max": 1000})],
    "quantity": [("quantity", {"type": "int", "min": 1, "max": 10, "dist": {"zipf": {"a": 2}}})],
    "qty": [("quantity", {"type": "int", "min": 1, "max": 10, "dist": {"zipf": {"a": 2}}})],
    "mileage": [("mileage_km", {"type": "int", "min": 0, "max": 300000, "dist": "lognormal"})],
    "species": [
        ("species", {"type": "category", "values": ["dog", "cat", "rabbit", "bird", "fish"]})
    ],
    "stock": [("stock", {"type": "int", "min": 0, "max": 500})],
    "rating": [
        ("rating", {"type": "int", "min": 1, "max": 5, "dist": {"beta": {"a": 4, "b": 1.5}}})
    ],
    "stars": [("rating", {"type": "int", "min": 1, "max": 5})],
    "score": [
        (
            "score",
            {"type": "int", "min": 0, "max": 100, "dist": {"normal": {"mean": 70, "std": 15}}},
        )
    ],
    "currency": [("currency", {"type": "currency_code"})],
    "iban": [("iban", {"type": "iban"})],
    "bank account": [("iban", {"type": "iban"})],
    "credit card": [("card_number", {"type": "credit_card"})],
    "card number": [("card_number", {"type": "credit_card"})],
    "card": [("card_number", {"type": "credit_card"})],
    "sku": [("sku", {"type": "sku", "unique": True})],
    "product name": [("product_name", {"type": "product_name"})],
    "product": [("product_name", {"type": "product_name"})],
    "color": [("color", {"type": "color"})],
    "colour": [("color", {"type": "color"})],
    "isbn": [("isbn", {"type": "isbn"})],
    "url": [("url", {"type": "url"})],
    "website": [("website", {"type": "url"})],
    "homepage": [("website", {"type": "url"})],
    "link": [("url", {"type": "url"})],
    "domain": [("domain", {"type": "domain"})],
    "ip": [("ip_address", {"type": "ipv4"})],
    "ip address": [("ip_address", {"type": "ipv4"})],
    "ipv4": [("ip_address", {"type": "ipv4"})],
    "ipv6": [("ipv6_address", {"type": "ipv6"})],
    "mac": [("mac_address", {"type": "mac_address"})],
    "mac address": [("mac_address", {"type": "mac_address"})],
    "user agent": [("user_agent", {"type": "user_agent"})],
    "browser": [("user_agent", {"type": "user_agent"})],
    "uuid": [("uuid", {"type": "uuid"})],
    "guid": [("uuid", {"type": "uuid"})],
    "file": [("file_name", {"type": "file_name"})],
    "file name": [("file_name", {"type": "file_name"})],
    "filename": [("file_name", {"type": "file_name"})],
    "file path": [("file_path", {"type": "file_path"})],
    "path": [("file_path", {"type": "file_path"})],
    "mime type": [("mime_type", {"type": "mime_type"})],
    "content type": [("mime_type", {"type": "mime_type"})],
    "extension": [("file_extension", {"type": "file_extension"})],
    "file size": [
        ("size_bytes", {"type": "int", "min": 100, "max": 50000000, "dist": "lognormal"})
    ],
    "checksum": [("sha256", {"type": "sha256"})],
    "hash": [("sha256", {"type": "sha256"})],
    "sha256": [("sha256", {"type": "sha256"})],
    "timestamp": [("timestamp", {"type": "datetime", "min": "2023-01-01", "max": "2024-12-31"})],
    "time": [("time", {"type": "time"})],
    "duration": [("duration", {"type": "duration", "min": "1m", "max": "2h", "dist": "lognormal"})],
    "temperature": [
        (
            "temperature_c",
            {"type": "float", "min": -20, "max": 45, "dist": {"normal": {"mean": 18, "std": 8}}},
        )
    ],
    "humidity": [("humidity_pct", {"type": "float", "min": 0, "max": 100})],
    "weight": [
        (
            "weight_kg",
            {"type": "float", "min": 1, "max": 150, "dist": {"normal": {"mean": 70, "std": 15}}},
        )
    ],
    "height": [
        (
            "height_cm",
            {"type": "int", "min": 140, "max": 210, "dist": {"normal": {"mean": 172, "std": 10}}},
        )
    ],
    "tags": [("tags", {"type": "json", "keys": {"tag": "category:new|sale|popular|eco"}})],
    "metadata": [
        ("metadata", {"type": "json", "keys": {"source": "category:web|app|api", "version": "int"}})
    ],
    "properties": [
        ("properties", {"type": "json", "keys": {"key": "category:a|b|c", "value": "int"}})
    ],
    "json": [("data", {"type": "json", "keys": {"key": "category:a|b|c", "value": "int"}})],
    "description": [("description", {"type": "text", "unit": "sentences", "min": 1, "max": 3})],
    "notes": [("notes", {"type": "text", "unit": "sentences", "min": 1, "max": 2})],
    "note": [("notes", {"type": "text", "unit": "sentences", "min": 1, "max": 2})],
    "comment": [("comment", {"type": "text", "unit": "sentences", "min": 1, "max": 2})],
    "bio": [("bio", {"type": "text", "unit": "sentences", "min": 1, "max": 3})],
    "body": [("body", {"type": "text", "unit": "sentences", "min": 1, "max": 4})],
    "text": [("text", {"type": "text", "unit": "sentences", "min": 1, "max": 3})],
    "message": [("message", {"type": "text", "unit": "sentences", "min": 1, "max": 2})],
    "summary": [("summary", {"type": "text", "unit": "sentences", "min": 1, "max": 2})],
    "title": [("title", {"type": "text", "unit": "words", "min": 2, "max": 6})],
    "subject": [("subject", {"type": "text", "unit": "words", "min": 3, "max": 8})],
    "headline": [("headline", {"type": "text", "unit": "words", "min": 3, "max": 8})],
}

_BOOL_WORDS = {
    "active",
    "enabled",
    "verified",
    "vip",
    "premium",
    "subscribed",
    "deleted",
    "archived",
    "flagged",
    "paid",
    "married",
    "smoker",
    "admin",
    "churned",
    "fraud",
    "fraudulent",
    "newsletter",
    "opted in",
    "opt in",
    "available",
    "in stock",
    "published",
    "refunded",
    "confirmed",
    "blocked",
    "banned",
    "online",
    "insured",
    "remote",
    "returning",
}


def snake(phrase: str) -> str:
    """A column name for a phrase: lower case words joined by underscores."""
    name = re.sub(r"[^a-z0-9]+", "_", phrase.lower()).strip("_")
    if not name:
        return "field"
    return name if not name[0].isdigit() else f"f_{name}"


def _singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("sses") or word.endswith(("xes", "ches", "shes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        return word[:-1]
    return word


_EVENT_VERBS = {
    "signup": "signup",
    "sign up": "signup",
    "registration": "registered",
    "register": "registered",
    "join": "joined",
    "joined": "joined",
    "creation": "created",
    "created": "created",
    "order": "ordered",
    "purchase": "purchased",
    "login": "last_login",
    "last login": "last_login",
    "update": "updated",
    "updated": "updated",
    "payment": "paid",
    "delivery": "delivered",
    "shipping": "shipped",
    "booking": "booked",
    "cancellation": "cancelled",
    "publication": "published",
    "publish": "published",
    "upload": "uploaded",
    "transaction": "transacted",
    "visit": "visited",
    "start": "started",
    "end": "ended",
    "last seen": "last_seen",
    "modified": "modified",
}


def _guess(phrase: str, ent: Entity | None) -> tuple[Columns, bool]:
    """Columns for a phrase the lexicon does not know; True when it is a guess."""
    words = phrase.split()
    head = _singular(words[-1]) if words else phrase
    mods = " ".join(words[:-1])
    name = snake(phrase)
    if head in ("date", "day") and mods:
        if mods in _EVENT_VERBS:
            return [
                (
                    f"{_EVENT_VERBS[mods]}_at",
                    {"type": "datetime", "min": "2023-01-01", "max": "2024-12-31"},
                )
            ], False
        return [
            (f"{snake(mods)}_date", {"type": "date", "min": "2023-01-01", "max": "2024-12-31"})
        ], False
    if head in ("time", "timestamp", "datetime", "at") and mods:
        base = _EVENT_VERBS.get(mods, snake(mods))
        return [
            (f"{base}_at", {"type": "datetime", "min": "2023-01-01", "max": "2024-12-31"})
        ], False
    if head == "name" and mods:
        if mods in _PERSONISH:
            return [(name, {"type": "full_name"})], False
        if mods in ("company", "business", "organisation", "organization", "brand"):
            return [(name, {"type": "company"})], False
        return [(name, {"type": "text", "unit": "words", "min": 1, "max": 3})], True
    if head in ("email", "mail") and mods:
        return [(name, {"type": "email"})], False
    if head in ("phone", "number") and mods in _PERSONISH | {"contact", "phone", "mobile"}:
        return [(name, {"type": "phone"})], False
    if head in ("id", "code", "number", "reference", "ref") and mods:
        return [(name, {"type": "string", "pattern": "??-######"})], True
    if head in (
        "count",
        "view",
        "like",
        "visit",
        "click",
        "point",
        "year",
        "day",
        "minute",
        "hour",
        "seat",
        "room",
        "page",
        "unit",
        "item",
        "floor",
        "number",
    ):
        return [(name, {"type": "int", "min": 0, "max": 100})], True
    if head in (
        "amount",
        "total",
        "balance",
        "revenue",
        "fee",
        "spend",
        "spent",
        "value",
        "budget",
        "cost",
        "price",
        "payment",
        "discount",
        "tax",
        "deposit",
        "limit",
    ):
        return [
            (name, {"type": "decimal", "min": 0, "max": 1000, "scale": 2, "dist": "lognormal"})
        ], True
    if head in ("rate", "ratio", "percentage", "percent", "share", "probability"):
        return [(name, {"type": "float", "min": 0, "max": 1})], True
    if phrase in _BOOL_WORDS or words[0] in ("is", "has", "was", "can"):
        return [(name, {"type": "bool", "p": 0.5})], False
    if head in CATEGORY_DEFAULTS:
        return [(name, {"type": "category", "values": CATEGORY_DEFAULTS[head]})], True
    if head in _TYPE_ALIASES and mods:
        cols = _TYPE_ALIASES[head]
        if len(cols) == 1:
            return [(name, dict(cols[0][1]))], True
    return [(name, {"type": "text", "unit": "words", "min": 1, "max": 3})], True


def resolve_field(phrase: str, ent: Entity | None) -> tuple[Columns, str | None]:
    """Columns for one listed field, and a note when the type was guessed."""
    phrase = re.sub(r"^(?:a|an|the|their|its|his|her|each|some|any|optional)\s+", "", phrase)
    phrase = re.sub(r"\s+", " ", phrase.replace("-", " ").replace("_", " ")).strip()
    if not phrase:
        return [], None
    single = " ".join([*phrase.split()[:-1], _singular(phrase.split()[-1])])
    candidates = [phrase, single]
    if ent is not None:
        kb = ent.columns
        for cand in candidates:
            key = snake(cand)
            if key in kb:
                return [(key, dict(kb[key]))], None
            for col in kb:  # "signup date" -> signup_at, "size" -> size_bytes
                if (
                    col.split("_")[0] == key.split("_")[0]
                    and (col.endswith(("_at", "_date", "_on")) or "_" not in key)
                    and col not in ("id",)
                ):
                    return [(col, dict(kb[col]))], None
        if single in ("name", "names"):
            if ent.person:
                if "full_name" in kb and "first_name" not in kb:
                    return [("full_name", {"type": "full_name"})], None
                return [
                    ("first_name", {"type": "first_name"}),
                    ("last_name", {"type": "last_name"}),
                ], None
            if ent.name_column:
                return [(ent.name_column, dict(kb[ent.name_column]))], None
        if single in ("status", "state") and ent.status_values:
            return [("status", {"type": "category", "values": list(ent.status_values)})], None
    if single == "age" and not (ent is not None and ent.person):
        return [("age", {"type": "int", "min": 0, "max": 20})], None
    if single == "name":
        return [("name", {"type": "text", "unit": "words", "min": 1, "max": 3})], None
    for cand in candidates:
        if cand in _TYPE_ALIASES:
            return [(n, dict(c)) for n, c in _TYPE_ALIASES[cand]], None
        if cand in CATEGORY_DEFAULTS:
            return [(snake(cand), {"type": "category", "values": CATEGORY_DEFAULTS[cand]})], (
                f"'{cand}' values are a guess"
            )
    cols, guessed = _guess(phrase, ent)
    note = None
    if guessed:
        note = f"'{phrase}' is not a field I know; made it {cols[0][1]['type']}"
    return cols, note
