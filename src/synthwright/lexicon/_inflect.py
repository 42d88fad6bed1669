"""Singular and plural of English nouns, from the ``inflect`` library.

One place for the planner, the profiler and introspection (each had its own
suffix rules, and they disagreed: "status" -> "statu", "addresses" ->
"addresse"). ``inflect`` knows the irregular and classical forms; the
lexicon's ``uncountable`` list adds nouns it would wrongly cut ("gps",
"lens", "news") and words that are already singular are kept.

``inflect`` decorates its methods with ``typeguard.typechecked``, which
re-compiles every method from its source at import: 2.5-4 s on this
project's machines, on every process that plans. The checks only guard the
argument types, which this module controls, so the decorator is skipped
while ``inflect`` is imported (it is what ``python -O`` does anyway).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

__all__ = ["plural", "singular"]

# singular nouns whose last letters look like a plural ending
_SINGULAR_ENDINGS = ("ss", "us", "is", "ous")


def _import_inflect() -> Any:
    try:
        import typeguard
    except ImportError:  # pragma: no cover - inflect without typeguard
        import inflect

        return inflect
    original = typeguard.typechecked

    def _unchecked(target: Any = None, **_kw: Any) -> Any:
        return target if target is not None else (lambda t: t)

    typeguard.typechecked = _unchecked  # type: ignore[assignment]
    try:
        import inflect
    finally:
        typeguard.typechecked = original
    return inflect


@lru_cache(maxsize=1)
def _engine() -> Any:
    return _import_inflect().engine()


@lru_cache(maxsize=1)
def _uncountable() -> frozenset[str]:
    from ._load import load_vocab

    return frozenset(load_vocab().get("uncountable", []))


def _split(phrase: str) -> tuple[str, str, str]:
    """(head, last word, separator): inflection applies to the last word only."""
    m = re.match(r"^(.*?)([ _-]?)([A-Za-z]+)$", phrase)
    if not m:
        return "", phrase, ""
    return m.group(1), m.group(3), m.group(2)


@lru_cache(maxsize=8192)
def singular(phrase: str) -> str:
    """The singular of a noun (or of the last word of a phrase: "order items" -> "order item")."""
    head, word, sep = _split(phrase)
    lower = word.lower()
    if (
        not word
        or len(word) <= 3
        or lower in _uncountable()
        or (lower.endswith(_SINGULAR_ENDINGS) and not lower.endswith(("sses", "uses", "ises")))
    ):
        return phrase
    result = _engine().singular_noun(lower)
    if not result:
        return phrase
    return f"{head}{sep}{result}"


@lru_cache(maxsize=8192)
def plural(phrase: str) -> str:
    """The plural of a noun phrase; a phrase already plural is kept ("statuses" stays)."""
    head, word, sep = _split(phrase)
    lower = word.lower()
    if not word or lower in _uncountable():
        return phrase
    if singular(lower) != lower:  # already plural
        return phrase
    return f"{head}{sep}{_engine().plural_noun(lower)}"
