"""What one listed field becomes: a column name and spec, from the entity and the lexicon.

``resolve_field`` prefers the entity's own column ("signup date" in customers
is ``signup_at``), then the lexicon's field for the phrase (re-shaped for the
entity, for a person or a thing, and for a stated unit: "duration in
seconds" is ``duration_seconds``, an int), then a guess from the phrase's
head word. Guesses come back with a note so the planner lists them as
assumptions.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from .. import lexicon
from ..lexicon import Entity, Field

__all__ = ["resolve_field", "snake"]


def _words(text: str) -> list[str]:
    return text.split()


Col = dict[str, Any]
Columns = list[tuple[str, Col]]
_NUMERIC = ("int", "float", "decimal", "price")
_DATE_RANGE = {"min": "2023-01-01", "max": "2024-12-31"}
_COUNT_HEADS = set(
    _words(
        "count view like visit click point day minute hour seat room page unit item floor number "
        "bedroom bathroom guest player member night order ticket star core vote share follower "
        "download session attempt restart retweet step word volume quantity pageview"
    )
)
_MONEY_HEADS = set(
    _words(
        "amount total balance revenue fee spend spent value budget cost price payment discount tax "
        "deposit limit pay salary wage income premium charge refund bonus tip"
    )
)
_SHARE_HEADS = {"rate", "ratio", "percentage", "percent", "share", "probability"}


def snake(phrase: str) -> str:
    """A column name for a phrase: lower case words joined by underscores."""
    name = re.sub(r"[^a-z0-9]+", "_", phrase.lower()).strip("_")
    if not name:
        return "field"
    return name if not name[0].isdigit() else f"f_{name}"


def _shaped(f: Field, ent: Entity | None, unit: str | None) -> tuple[str, Col]:
    """The field's column for this entity and unit."""
    column, spec = f.column, f.spec()
    variants: list[Col] = []
    if ent is not None and ent.name in f.within:
        variants.append(f.within[ent.name])
    elif ent is not None and (ent.table in f.within):
        variants.append(f.within[ent.table])
    elif ent is not None and ent.person and "person" in f.within:
        variants.append(f.within["person"])
    elif (ent is None or not ent.person) and "thing" in f.within:
        variants.append(f.within["thing"])
    if unit and unit in f.units:
        variants.append(f.units[unit])
    elif "_default" in f.within:
        variants.append(f.within["_default"])
    for variant in variants:
        column = str(variant.get("column", column))
        params = copy.deepcopy(variant.get("params") or {})
        if "type" in params and params["type"] != spec["type"]:
            spec = {"type": params.pop("type")}
        spec.update(params)
    if unit and unit not in f.units and spec["type"] in _NUMERIC:
        suffix = lexicon.vocab()["units"].get(unit, {}).get("suffix")
        if suffix and not column.endswith(f"_{suffix}"):
            column = f"{column}_{suffix}"
    return column, spec


def _kb(phrase: str, single: str, ent: Entity) -> Columns | None:
    kb = ent.columns
    for cand in (phrase, single):
        key = snake(cand)
        if key in kb:
            return [(key, copy.deepcopy(kb[key]))]
        for col in kb:  # "signup date" -> signup_at, "size" -> size_bytes
            if (
                col.split("_")[0] == key.split("_")[0]
                and (col.endswith(("_at", "_date", "_on")) or "_" not in key)
                and col not in ("id",)
            ):
                return [(col, copy.deepcopy(kb[col]))]
    if single in ("name", "names"):
        if ent.person:
            if "full_name" in kb and "first_name" not in kb:
                return [("full_name", {"type": "full_name"})]
            return [("first_name", {"type": "first_name"}), ("last_name", {"type": "last_name"})]
        if ent.name_column:
            return [(ent.name_column, copy.deepcopy(kb[ent.name_column]))]
    words = single.split()
    if len(words) == 2 and words[1] == "name" and ent.name_column and not ent.person:
        return [(ent.name_column, copy.deepcopy(kb[ent.name_column]))]  # suppliers' company name
    if single in ("status", "state") and ent.status_values:
        return [("status", {"type": "category", "values": list(ent.status_values)})]
    return None


def _event_column(mods: str, suffix: str) -> str:
    verbs = lexicon.vocab()["event_verbs"]
    base = verbs.get(mods) or verbs.get(lexicon.singular(mods)) or snake(mods)
    return f"{base}{suffix}"


def _guess(phrase: str, ent: Entity | None) -> tuple[Columns, bool]:
    """Columns for a phrase the lexicon does not know; True when it is a guess."""
    words = phrase.split()
    head = lexicon.singular(words[-1]) if words else phrase
    mods = " ".join(words[:-1])
    name = snake(phrase)
    vocab = lexicon.vocab()
    if head in ("date", "day") and mods:
        if mods in vocab["event_verbs"] and mods not in ("check in", "check out"):
            return [(_event_column(mods, "_at"), {"type": "datetime", **_DATE_RANGE})], False
        return [(f"{snake(mods)}_date", {"type": "date", **_DATE_RANGE})], False
    if head == "on" and mods:
        return [(name, {"type": "date", **_DATE_RANGE})], False
    if head in ("time", "timestamp", "datetime", "at") and mods:
        if mods in ("check in", "check out"):
            return [(f"{snake(mods)}_at", {"type": "datetime", **_DATE_RANGE})], False
        return [(_event_column(mods, "_at"), {"type": "datetime", **_DATE_RANGE})], False
    if head == "name" and mods:
        if mods in vocab["person_words"]:
            return [(name, {"type": "full_name"})], False
        if mods in ("company", "business", "organisation", "organization", "brand", "merchant"):
            return [(name, {"type": "company"})], False
        return [(name, {"type": "text", "unit": "words", "min": 1, "max": 3})], True
    if head in ("email", "mail") and mods:
        return [(name, {"type": "email"})], False
    if head in ("phone", "number") and mods in {
        *vocab["person_words"],
        "contact",
        "phone",
        "mobile",
    }:
        return [(name, {"type": "phone"})], False
    if head in ("flag", "boolean", "bool") and mods:
        return [(snake(mods), {"type": "bool", "p": 0.5})], False
    if head in ("id", "code", "number", "reference", "ref") and mods:
        return [(name, {"type": "string", "pattern": "??-######"})], True
    if head in ("url", "link", "uri") and mods:
        return [(name, {"type": "url"})], False
    if head in ("year",) and mods:
        return [(name, {"type": "int", "min": 1990, "max": _this_year()})], True
    if (
        head in _COUNT_HEADS
        or words[0] in ("number", "count", "num", "no")
        or head.endswith("count")
    ):
        return [(name, {"type": "int", "min": 0, "max": 100})], True
    if head in _MONEY_HEADS:
        return [
            (name, {"type": "decimal", "min": 0, "max": 1000, "scale": 2, "dist": "lognormal"})
        ], True
    if head in _SHARE_HEADS:
        return [(name, {"type": "float", "min": 0, "max": 1})], True
    if phrase in vocab["flags"] or words[0] in ("is", "has", "was", "can"):
        return [(name, {"type": "bool", "p": 0.5})], False
    for i in range(1, len(words) - 1):  # "last login ip address" -> an ip address
        tail = lexicon.field_for(" ".join(words[i:]))
        if tail is not None and not tail.expand:
            return [(name, _shaped(tail, ent, None)[1])], False
    f = lexicon.field_for(head)
    if f is not None and mods and not f.expand:
        _column, spec = _shaped(f, ent, None)
        return [(name, spec)], True
    event = vocab["event_verbs"].get(phrase)
    if event and not mods and not lexicon.entity_forms().get(phrase):
        return [(f"{event}_at", {"type": "datetime", **_DATE_RANGE})], False  # "checkout"
    if phrase in vocab["person_words"]:  # "instructor", "owner": a person's name
        return [(name, {"type": "full_name"})], False
    return [(name, {"type": "text", "unit": "words", "min": 1, "max": 3})], True


def _this_year() -> int:
    from datetime import date

    return date.today().year


def _clean(phrase: str) -> str:
    phrase = re.sub(r"^(?:a|an|the|their|its|his|her|each|some|any|optional)\s+", "", phrase)
    return re.sub(r"\s+", " ", phrase.replace("-", " ").replace("_", " ")).strip()


def resolve_field(
    phrase: str, ent: Entity | None, unit: str | None = None
) -> tuple[Columns, str | None]:
    """Columns for one listed field, and a note when the type was guessed."""
    phrase = _clean(phrase)
    if not phrase:
        return [], None
    words = phrase.split()
    if "per" in words[1:-1] and lexicon.field_for(phrase) is None:  # "price per hour"
        head = " ".join(words[: words.index("per")])
        cols, note = resolve_field(head, ent, unit)
        if len(cols) == 1:
            return [(snake(phrase), cols[0][1])], note
    single = " ".join([*words[:-1], lexicon.singular(words[-1])])
    if ent is not None and unit is None:
        found = _kb(phrase, single, ent)
        if found is not None:
            return found, None
    if single == "name":
        return [("name", {"type": "text", "unit": "words", "min": 1, "max": 3})], None
    f = lexicon.field_for(phrase)
    if f is not None:
        if f.expand:
            parts = [lexicon.field(k) for k in f.expand]
            return [_shaped(p, ent, None) for p in parts if p is not None], None
        column, spec = _shaped(f, ent, unit)
        if ent is not None and column in ent.columns and unit is None:
            return [(column, copy.deepcopy(ent.columns[column]))], None
        note = None
        if spec["type"] == "category" and single in lexicon.vocab()["category_fields"]:
            note = f"'{single}' values are a guess"
        return [(column, spec)], note
    cols, guessed = _guess(phrase, ent)
    if unit and cols and cols[0][1].get("type") in _NUMERIC:
        suffix = lexicon.vocab()["units"].get(unit, {}).get("suffix")
        if suffix and not cols[0][0].endswith(suffix):
            cols = [(f"{cols[0][0]}_{suffix}", cols[0][1])]
    note = None
    if guessed:
        note = f"'{phrase}' is not a field I know; made it {cols[0][1]['type']}"
    return cols, note
