"""Grammar words and the pattern pieces the extractors share.

These are words of English, not of any domain (domain words live in the
lexicon, and so do verbs that name a field: ``field_verbs``): where a list of fields stops, which words can never name a table,
how a count is phrased.
"""

from __future__ import annotations

import re

from ... import lexicon

__all__ = [
    "ADJ",
    "FIELD_SKIP",
    "GAP_STOP",
    "LIST_START",
    "NOT_ENTITY",
    "NOT_VALUE",
    "NUM",
    "RANGE",
    "STOP",
    "VAGUE_WORDS",
    "field_tail",
]


def _words(text: str) -> list[str]:
    return text.split()


NUM = r"-?\d+(?:\.\d+)?"

STOP = set(
    _words(
        ". ; where whose per each every in from between placed as for who which that so but all "
        "only must should are is aged during since before after over under plus also then export "
        "output save saved format ? ! ( ) whereby written made created within of at with by to "
        "into linking connecting referencing"
    )
)
LIST_START = (
    r"(?:with|including|includes|include|containing|contains|having|has|have|"
    r"that have|who have|fields|columns|attributes|:|\()"
)
VAGUE_WORDS = re.compile(
    r"^(?:some|basic|the usual|usual|relevant|typical|standard|common|various|other|any|"
    r"whatever|a few|several|all the|the|misc|miscellaneous)?\s*(?:details|info|information|"
    r"fields|attributes|data|stuff|properties|columns|things|bits)$"
)
_RANGE_WORDS = (
    r"(?:(?:about|around|approximately|approx|roughly|~|on average|an average of|average of|"
    r"up to|at most|no more than|maximum of|max|at least|minimum of|min|exactly|between|from|"
    r"typically|usually|say|maybe|some|like) )?"
)
RANGE = (
    rf"(?P<range>{_RANGE_WORDS}\d+(?:\.\d+)?(?:\.\.\d+)?(?: (?:on average|or more|or fewer|"
    rf"or less|at most|max))?|some|several|many|multiple|a|an|one or more)"
)
NOT_ENTITY = set(
    _words(
        "years days months weeks hours minutes seconds percent rows records entries samples "
        "examples times more of to and or per each with in k items fields columns tables stars "
        "units pieces dollars euros pounds people persons new random fake synthetic realistic "
        "unique different distinct total points max maximum minimum min levels kg cm km mg ms usd "
        "eur gbp % .. rated only percentages than free lines rows mb gb kb bytes meters metres "
        "millicores cores degrees times it them these those one ones others lots tons plenty"
    )
)
ADJ = r"(?:[a-z]+ ){0,2}?"
NOT_VALUE = {"and", "or", "of", "to", "per", "each", "with", "in", "%", "..", "than", "only"}
GAP_STOP = set(
    _words(
        "per each a an seed top than within of last past next at by in and or with between from "
        "to for every is are has have up about around exactly least most say maybe like some "
        "roughly approximately"
    )
)
FIELD_SKIP = set(
    _words(
        "with and or are is of the a an have has each every per between from in to for rows "
        "records all only them that which who their its be should must values range ranges "
        "orders items there it they set make made takes take gets get makes spends spend earns "
        "works visits sends receives buys sells uses not no never"
    )
)
_TAIL_DROP = set(
    _words("between from of is are in within range ranges must be should with has ranging varying")
)


def field_tail(phrase: str, two_word: frozenset[str] = frozenset()) -> str | None:
    """The field a phrase before a constraint names ("customer age" -> "age").

    ``two_word`` are phrases kept whole ("unit price", "interest rate").
    """
    words = [w for w in phrase.split() if w not in ("their", "the", "its", "all", "each")]
    while words and words[-1] in _TAIL_DROP:
        words.pop()
    if not words:
        return None
    last = words[-1]
    verbs = lexicon.vocab().get("field_verbs", {})
    if last in verbs:  # "each weighs 1.5..20 kg": the verb names the weight
        return str(verbs[last])
    if last in FIELD_SKIP or last.isdigit():
        return None
    if len(words) >= 3 and (" ".join(words[-3:]) in two_word or words[-2] == "per"):
        return " ".join(words[-3:])  # "price per night", "price per hour"
    if len(words) >= 2 and words[-2] not in FIELD_SKIP and f"{words[-2]} {last}" in two_word:
        return f"{words[-2]} {last}"
    return last
