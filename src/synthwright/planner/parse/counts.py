"""Counts: how many rows a table has, and how many children a parent has.

Row counts are a number before a table's word ("500 customers", "10k users",
"2000 web sessions"), a number of rows after it ("employees table with 1000
rows", "dim_customer (5k rows)", "employees(500)") or a number of the table
named last ("customers, 750 of them"). Per-parent counts in every phrasing
("1..5", "about 4", "up to 10", "at least 2", "exactly 6") are read by
:func:`parse_count` for the relation extractor.
"""

from __future__ import annotations

import re

from ... import lexicon
from .model import Count
from .normalise import normalise
from .state import State, table_name
from .words import GAP_STOP, NOT_ENTITY

__all__ = ["parse_count", "read_counted_mentions", "read_counts"]

_VAGUE_COUNTS: dict[str, int | None] = {
    "some": None,
    "several": 5,
    "many": 8,
    "multiple": 3,
    "a": 1,
    "an": 1,
    "one or more": None,
    "zero or more": None,
}
_ROWS_OF = re.compile(r"(?:rows|records|entries|samples|examples) (?:of|for) (?:the )?")
_ROWS_WORD = r"(?:rows|records|lines|entries|samples|examples|of them|in total|total)"
_WORD_SPACE = re.compile(r"([a-z][a-z_]*) ")
_WORD = re.compile(r"([a-z][a-z_]*)\b")
_CLAUSE_GOES_ON = re.compile(r"(?: [,;.)(]| and\b| with\b| for\b| each\b| who\b| that\b| in\b|$)")
_NOT_SINGULAR = set(
    [
        "new",
        "old",
        "more",
        "less",
        "other",
        "extra",
        "total",
        "time",
        "year",
        "day",
        "week",
        "month",
        "hour",
        "minute",
        "second",
        "percent",
        "row",
        "record",
        "item",
        "thing",
        "person",
        "one",
        "per",
        "each",
        "km",
        "kg",
        "cm",
        "mm",
        "ms",
        "gb",
        "mb",
        "usd",
        "eur",
        "gbp",
    ]
)
_ABOUT = {
    "of",
    "about",
    "around",
    "roughly",
    "approximately",
    "some",
    "maybe",
    "say",
    "like",
    "and",
    "with",
}
_AGE_WORD = re.compile(r"[a-z]+ (?:old|long|ago|later|apart|wide|after|before)\b")


def parse_count(text: str) -> Count | None:
    """A per-parent count from ``1..5``, ``about 3``, ``up to 10``, ``at least 2``, ``4``."""
    text = normalise(text) if not re.fullmatch(r"[a-z~ .\d]*", text) else text
    text = text.strip()
    m = re.search(r"(\d+)\.\.(\d+)", text)
    if m:
        return Count(int(m.group(1)), int(m.group(2)), text=text)
    m = re.search(
        r"(?:up to|at most|no more than|max(?:imum)?(?: of)?|fewer than|less than) (\d+)", text
    ) or re.search(r"(\d+) (?:at most|max|or fewer|or less)", text)
    if m:
        return Count(0, int(m.group(1)), text=text, open_low=True)
    m = re.search(r"(?:at least|min(?:imum)?(?: of)?|more than) (\d+)", text) or re.search(
        r"(\d+) or more", text
    )
    if m:
        lo = int(m.group(1))
        return Count(lo, max(lo * 3, lo + 5), mean=lo + 1.0, text=text)
    m = re.search(
        r"(?:about|around|approximately|approx|roughly|~|on average|an average of|"
        r"average of|typically|usually|say|maybe|like|some) ?(\d+(?:\.\d+)?)",
        text,
    ) or re.search(r"(\d+(?:\.\d+)?) on average", text)
    if m:
        mean = float(m.group(1))
        return Count(0, max(int(mean * 3), int(mean) + 5), mean=mean, text=text)
    m = re.search(r"(?:exactly )?(\d+)", text)
    if m:
        n = int(m.group(1))
        return Count(n, n, text=text)
    for word, typical in _VAGUE_COUNTS.items():
        if re.search(rf"\b{word}\b", text):
            if typical is None:
                return None
            if word in ("a", "an"):
                return Count(typical, typical, text=text)
            return Count(0, typical * 3, mean=float(typical), text=text)
    return None


def _prev_word(t: str, start: int) -> str:
    return (t[max(0, start - 100) : start].split()[-1:] or [""])[0]


def read_counts(st: State) -> None:
    """Every number that counts a table's rows."""
    t = st.text
    countries = lexicon.vocab()["countries"]
    for m in re.finditer(r"(?<![\w.])(\d+)(?![\w.])", t):
        if st.in_consumed(m.start()) or t.startswith(" %", m.end()):
            continue
        n = int(m.group(1))
        if _rows_after_table(st, m, n) or _count_after_word(st, m, n):
            continue
        pos = m.end() + 1
        rm = _ROWS_OF.match(t, pos)
        if rm:
            pos = rm.end()
        found: tuple[str, str, int] | None = None
        p = pos
        for _ in range(3):
            am = st.pattern.match(t, p)
            if am:
                am = st.longer(am) or am
                found = (st.choose(am.group(1)), am.group(1), am.start())
                break
            wm = _WORD_SPACE.match(t, p)
            if wm and wm.group(1) in _FILLER_ADJ and p == pos:
                p = pos = wm.end()  # "300 fake vehicles": the vehicles
                continue
            if not wm or wm.group(1) in NOT_ENTITY or wm.group(1) in GAP_STOP:
                break
            gap = wm.group(1)
            if lexicon.singular(gap) != gap and gap not in st.forms:
                break  # "5000 rentals referencing cars": the rentals are counted
            p = wm.end()
        prev = _prev_word(t, m.start())
        if found is None:
            found = _unknown_after(st, pos, prev, countries)
        if found is None:
            continue
        same = st.compound_of(found[0]) if lexicon.entity(found[0]) is None else None
        if same is not None:
            found = (same, found[1], found[2])  # "ad campaigns ..., 40 campaigns"
        tail = t[found[2] + len(found[1]) :]
        if prev in ("between", "among"):
            continue  # "380 matches between 2 teams": who takes part, not how many teams
        if (
            prev in ("per", "each", "every")
            or re.match(r" (?:per|each|apiece)\b", t[m.end() :])
            or re.match(r" (?:each|apiece)(?: [),;.]|$)", tail)
        ):
            continue  # "30 questions per quiz", "5 opens each": a relation's count
        st.req.counts.setdefault(found[0], []).append(n)
        st.add_mention(*found)


def _unknown_after(
    st: State, pos: int, prev: str, countries: dict[str, str]
) -> tuple[str, str, int] | None:
    """'300 spaceships', '900 survey respondents': an unknown plural noun after a count."""
    t = st.text
    wm = _WORD.match(t, pos)
    if not wm or (prev in GAP_STOP and prev not in _ABOUT) or _AGE_WORD.match(t, pos):
        return None
    word = wm.group(1)
    if word in NOT_ENTITY or word in countries:
        return None
    nm = _WORD.match(t, wm.end() + 1)
    two = nm.group(1) if nm else ""
    if two in ("records", "rows", "entries") and lexicon.singular(word) == word:
        table = table_name(word)  # "5000 call records": 5000 calls
        st.unknown_ok.add(table)
        return table, word, pos
    plural_pair = lexicon.singular(word) != word and two and lexicon.singular(two) != two
    if plural_pair and not st.known(two) and two not in NOT_ENTITY | GAP_STOP:
        table = table_name(f"{lexicon.singular(word)} {two}")  # "1000 podcasts episodes"
        st.unknown_ok.add(table)
        return table, f"{word} {two}", pos
    if lexicon.singular(word) == word and "_" not in word:
        ends = _CLAUSE_GOES_ON.match(t[wm.end() : wm.end() + 12])
        if ends and word not in _NOT_SINGULAR and len(word) > 2:  # "500 client", "400 apartment"
            table = table_name(word)
            st.unknown_ok.add(table)
            return table, word, pos
        if two and lexicon.singular(two) != two and two not in NOT_ENTITY and not st.known(two):
            table = table_name(f"{word} {two}")
            st.unknown_ok.add(table)
            return table, f"{word} {two}", pos
        return None
    table = table_name(word)
    st.unknown_ok.add(table)
    return table, word, pos


def _rows_after_table(st: State, m: re.Match[str], n: int) -> bool:
    """'employees table with 1000 rows', 'dim_customer (5k rows)', 'x(500)', '750 of them'."""
    t = st.text
    after = t[m.end() : m.end() + 16]
    before = t[max(0, m.start() - 60) : m.start()]
    paren = re.search(_PAREN, before) and after.startswith(" )")
    if not (re.match(rf" {_ROWS_WORD}\b", after) or paren):
        return False
    target = None
    if paren:
        pm = re.search(_PAREN, before)
        word = pm.group(1)  # type: ignore[union-attr]
        target = st.entity_of(word, allow_unknown=True)
        if target:
            st.add_mention(target, word, m.start() - (len(before) - pm.start(1)))  # type: ignore[union-attr]
            st.unknown_ok.add(target)
    if target is None and not paren:  # "fact_orders 50000 rows": the word right before
        near = re.search(r"([a-z][a-z_]*)(?: table)?(?: ,)?(?: (?:with|has|of|:))? $", before)
        word = near.group(1) if near else ""
        table_like = st.known(word) or "_" in word or lexicon.singular(word) != word
        two = re.search(r"([a-z][a-z_]*) ([a-z][a-z_]*)(?: (?:with|has|of|:))? $", before)
        if word in NOT_ENTITY and two and two.group(1) not in GAP_STOP | NOT_ENTITY:
            word = f"{two.group(1)} {word}"  # "ledger entries: 10000 rows"
            near = two
        if word and table_like and word not in NOT_ENTITY and word not in GAP_STOP:
            target = st.entity_of(word, allow_unknown=True)
            if target:
                st.add_mention(target, word, m.start() - len(near.group(0)))  # type: ignore[union-attr]
                st.unknown_ok.add(target)
    if target is None:
        found = _last_table_before(st, m.start())
        if found is None:
            word = re.search(r"([a-z][a-z_]*)(?: table)?(?: (?:with|has|of|:|\())? $", before)
            if word is None:
                return False
            target = st.entity_of(word.group(1), allow_unknown=True)
            if target is None:
                return False
            st.add_mention(target, word.group(1), m.start() - len(word.group(0)))
            st.unknown_ok.add(target)
        else:
            target = found
    st.req.counts.setdefault(target, []).append(n)
    st.consumed.append((m.start(), m.end() + 1))
    return True


_PAREN = r"([a-z][a-z_]*)(?: table| list| dataset)? \( (?:about |around |approx |roughly |approximately )?$"
# words between a count and its table that say nothing about the table
_FILLER_ADJ = frozenset(
    {"new", "random", "fake", "synthetic", "realistic", "unique", "different", "distinct"}
    | {"sample", "test", "dummy", "mock", "fictional", "fictitious", "generated"}
)
_ENDS_CLAUSE = re.compile(r" (?:[,;.)]|and (?!over|older|above|up|under|younger)|with|$)|$")
_WORD_BEFORE = re.compile(r"(?:\b(table|list) )?([a-z][a-z_]*) (?:[:,=] |- )?$")


def _count_after_word(st: State, m: re.Match[str], n: int) -> bool:
    """'products 500, price ...', 'employees: 900;', 'table client 2000': a table's word
    and then its count, the clause going on after the number."""
    t = st.text
    if not _ENDS_CLAUSE.match(t, m.end()):
        return False
    wm = _WORD_BEFORE.search(t, max(0, m.start() - 40), m.start())
    if wm is None or re.search(r"\b(?:per|each|every|of|top|than|version|v)$", wm.group(2)):
        return False
    word = wm.group(2)
    if st.known(word) and not st.verb_at(wm.start(2), wm.end(2)):
        table = st.choose(word)
    elif wm.group(1) and word not in NOT_ENTITY | GAP_STOP:
        table = table_name(word)  # "table client 2000": a word the lexicon does not know
        st.unknown_ok.add(table)
    else:
        return False
    if lexicon.singular(word) == word and lexicon.field_for(word) is not None and not wm.group(1):
        return False  # "mac address, 0": a field's word, not a table's
    st.req.counts.setdefault(table, []).append(n)
    st.add_mention(table, word, wm.start(2))
    st.consumed.append((m.start(), m.end() + 1))
    return True


def _last_table_before(st: State, pos: int) -> str | None:
    """The table named last before ``pos``: a recorded mention or an entity word."""
    best: tuple[int, str, str] | None = None
    for x in st.req.mentions:
        if x.start < pos and (best is None or x.start > best[0]):
            best = (x.start, x.table, "")
    for am in st.pattern.finditer(st.text, max(0, pos - 400), pos):
        if best is None or am.start() > best[0]:
            best = (am.start(), st.choose(am.group(1)), am.group(1))
    if best is None:
        return None
    if best[2]:
        st.add_mention(best[1], best[2], best[0])
    return best[1]


def read_counted_mentions(st: State) -> None:
    """Unknown tables named after a number ('40 vets'), so relations can find them.

    Only the mentions: the counts are read (after the relations) by :func:`read_counts`.
    """
    t = st.text
    countries = lexicon.vocab()["countries"]
    for m in re.finditer(r"(?<![\w.])(\d+)(?![\w.])", t):
        pos = m.end() + 1
        if st.pattern.match(t, pos) or st.in_consumed(m.start()):
            continue
        found = _unknown_after(st, pos, _prev_word(t, m.start()), countries)
        if found is not None:
            st.add_mention(*found)
