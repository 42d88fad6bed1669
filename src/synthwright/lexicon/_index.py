"""Look-ups over the lexicon: a word to its entity, a phrase to its field, a column to its type.

Built once per process from the data files (``_load``) and cached; every
reader (planner, profiler, introspection, the agent's context) asks here so
they agree on what a word means.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import Any

from ._inflect import plural, singular
from ._load import Entity, Field, load_entities, load_fields, load_vocab

__all__ = [
    "candidates",
    "choose_entity",
    "column_type",
    "entities",
    "entity",
    "entity_forms",
    "field",
    "field_for",
    "fields",
    "fields_of_kind",
    "name_hints",
    "vocab",
]


def entities() -> tuple[Entity, ...]:
    """Every entity the lexicon knows, in file order."""
    return load_entities()


def fields() -> tuple[Field, ...]:
    """Every field, in file order."""
    return load_fields()


def vocab() -> dict[str, Any]:
    """The other words: countries, locales, currencies, formats, units, flags..."""
    return load_vocab()


@lru_cache(maxsize=1)
def _by_name() -> dict[str, Entity]:
    return {e.name: e for e in load_entities()}


def entity(name: str) -> Entity | None:
    """The entity with this key, if known."""
    return _by_name().get(name)


@lru_cache(maxsize=1)
def entity_forms() -> dict[str, tuple[str, ...]]:
    """Every spelling of every entity (singular, plural, spaces for underscores) -> entity keys.

    A form shared by several entities ("loan": a library's or a bank's) lists
    them in file order; :func:`choose_entity` picks one by the request's words.
    """
    index: dict[str, list[str]] = {}
    for ent in load_entities():
        words = {ent.name, ent.table, *ent.names}
        forms: set[str] = set()
        for word in words:
            word = word.replace("_", " ")
            forms.update({word, singular(word), plural(word)})
        for form in sorted(forms):
            index.setdefault(form, [])
            if ent.name not in index[form]:
                index[form].append(ent.name)
    return {k: tuple(v) for k, v in index.items()}


def choose_entity(names: tuple[str, ...], text: str, tables: tuple[str, ...] = ()) -> str:
    """The entity among ``names`` whose context words the request uses most.

    ``text`` is the (normalised) request and ``tables`` the other entities it
    mentions; the first listed entity wins a tie (the everyday sense).
    """
    if len(names) == 1:
        return names[0]
    words = set(re.findall(r"[a-z][a-z-]*", text.lower()))
    best, best_score = names[0], 0
    for name in names:
        ent = entity(name)
        if ent is None:
            continue
        score = 0
        for word in ent.context:
            if " " in word:
                score += 2 * (word in text)
            else:
                score += 2 * (word in words)
        score += sum(1 for p in ent.parents if p.table in tables)
        if score > best_score:
            best, best_score = name, score
    return best


@lru_cache(maxsize=1)
def _phrases() -> dict[str, Field]:
    index: dict[str, Field] = {}
    for f in load_fields():
        for phrase in (f.column.replace("_", " "), *f.names):
            phrase = phrase.lower()
            index.setdefault(phrase, f)
    for f in load_fields():  # plural and singular forms after every stated name
        for phrase in (f.column.replace("_", " "), *f.names):
            phrase = phrase.lower()
            for form in (singular(phrase), plural(phrase)):
                index.setdefault(form, f)
    return index


def field_for(phrase: str) -> Field | None:
    """The field a phrase names ("email address", "dob", "star ratings"), if the lexicon has it."""
    text = re.sub(r"[\s_-]+", " ", phrase.strip().lower())
    index = _phrases()
    return index.get(text) or index.get(singular(text))


@lru_cache(maxsize=1)
def _by_column() -> dict[str, Field]:
    return {f.column: f for f in load_fields()}


def field(column: str) -> Field | None:
    """The field with this key (its default column name)."""
    return _by_column().get(column)


@cache
def fields_of_kind(kind: str) -> tuple[Field, ...]:
    """Fields tagged with a kind: ``money``, ``price``, ``prose``, ``person``..."""
    return tuple(f for f in load_fields() if kind in f.kind)


@lru_cache(maxsize=1)
def _column_types() -> dict[str, str]:
    out: dict[str, str] = {}
    for f in load_fields():
        for name in f.columns:
            out.setdefault(name, f.type)
    return out


def column_type(column: str) -> str | None:
    """The catalogue type a database column name means (``zip`` -> postal_code), if any."""
    return _column_types().get(column)


@lru_cache(maxsize=1)
def name_hints() -> tuple[tuple[re.Pattern[str], str], ...]:
    """(regex over a column name, type), in file order: the profiler's name evidence."""
    return tuple((re.compile(f.hint), f.type) for f in load_fields() if f.hint)


def candidates(phrase: str, limit: int = 5) -> list[Field]:
    """Fields a phrase may mean, best first: the exact name, then shared words.

    For the LLM agent's context: "publication year" -> publication_year (int,
    1800..this year), then year, release_year...
    """
    text = re.sub(r"[\s_-]+", " ", phrase.strip().lower())
    found: list[Field] = []
    exact = field_for(text)
    if exact is not None:
        found.append(exact)
    words = {singular(w) for w in text.split()}
    scored: list[tuple[int, int, Field]] = []
    for i, f in enumerate(load_fields()):
        if f in found:
            continue
        best = 0
        for name in (f.column.replace("_", " "), *f.names):
            shared = len(words & {singular(w) for w in name.split()})
            best = max(best, shared)
        if best:
            scored.append((-best, i, f))
    found.extend(f for _, _, f in sorted(scored, key=lambda t: (t[0], t[1])))
    return found[:limit]
