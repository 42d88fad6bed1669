"""Ranges, bounds, units and currencies on fields.

"salary between 40000 and 120000", "price in USD between 5 and 500", "aged 0
to 99", "speed in km/h 0..130", "price over 100", "rating 1..5 stars",
"transactions in EUR between 1 and 5000" (no field named: the table's amount),
"at most 12 hours", and the currency a request's amounts are in.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ... import lexicon
from .fields import unit_words
from .model import Constraint
from .state import State, table_name
from .words import NUM, field_tail

__all__ = ["read_currency", "read_ranges"]

_LOW_OPS = (
    "over",
    "above",
    "more than",
    "greater than",
    "at least",
    ">=",
    ">",
    "minimum of",
    "min",
)
_TIME_WORDS = set(lexicon.vocab().get("time_verbs", []))


@lru_cache(maxsize=1)
def _unit_alt() -> str:
    words = {*unit_words(), *lexicon.vocab()["currencies"]}
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@lru_cache(maxsize=1)
def _two_words() -> frozenset[str]:
    out = set()
    for f in lexicon.fields():
        for name in (f.column.replace("_", " "), *f.names):
            if len(name.split()) in (2, 3):
                out.add(name)
    return frozenset(out)


# "1..3 days after ordering", "up to 2 weeks after it was filed": a time rule's gap, read by
# read_time_rules, not a range of a field
_GAP_UNIT = r" (?:minutes?|mins?|hours?|hrs?|h|days?|d|weeks?|months?|years?)"
_GAP_AFTER = re.compile(
    rf"(?:{_GAP_UNIT})? (?:after|later than|following|before|earlier than|later|afterwards|"
    rf"thereafter|earlier)\b"
    rf"|{_GAP_UNIT} (?:of|from|since|past)\b"
)


def _is_year(value: float) -> bool:
    return float(value).is_integer() and 1900 <= value <= 2100


def _table_word(st: State, words: list[str], f: str) -> str | None:
    """'contract salary 1500..6000': the table the word before the field names, if any."""
    n = len(f.split())
    if len(words) <= n or words[-n:] != f.split():
        return None
    lead = words[-n - 1]
    table = st.entity_of(lead)
    if table is None:
        table = next((mn.table for mn in st.req.mentions if table_name(lead) == mn.table), None)
    return table


def _is_relation_phrase(st: State, f: str | None) -> bool:
    """'episodes per show 10 to 200': a count per parent, read by relations."""
    words = (f or "").split()
    return (
        len(words) == 3
        and words[1] == "per"
        and bool(
            st.entity_of(words[0])
            or any(mn.table == table_name(words[0]) for mn in st.req.mentions)
        )
    )


def _listed(st: State, phrase: str, f: str | None) -> str | None:
    """The listed field a constraint's words end with ('pages viewed 1..30')."""
    words = phrase.split()
    listed = {x for fields in st.req.fields.values() for x in fields}
    for n in (3, 2):
        tail = " ".join(words[-n:])
        if len(words) >= n and tail in listed:
            return tail
    return f


def _add(st: State, c: Constraint) -> None:
    c.table = c.table or st.owner_at(c.pos)
    st.req.constraints.append(c)


def _unit(st: State, m: re.Match[str], field: str) -> str | None:
    """The unit a match named ('in seconds'); currencies set the request's currency."""
    word = m.groupdict().get("unit")
    if not word:
        return None
    currencies = lexicon.vocab()["currencies"]
    if word in currencies:
        st.req.currency = st.req.currency or currencies[word]
        return None
    unit = unit_words().get(word)
    if unit and c_table(st, m):
        st.req.units.setdefault((c_table(st, m) or "", field), unit)
    return unit


def c_table(st: State, m: re.Match[str]) -> str | None:
    return st.owner_at(m.start())


def read_ranges(st: State) -> None:
    """Every numeric range or bound on a field."""
    t = st.text
    unit = rf"(?:(?:in|\() (?P<unit>{_unit_alt()}) (?:\) )?)?"
    fld = r"(?P<f>[a-z_]+(?: [a-z_]+){0,2}?)"
    for m in re.finditer(
        rf"\b{fld} {unit}(?:(?:is|are|of|must be|should be|ranges?|range|values?|in the range|"
        rf"within|lies|lie|has|with|goes|go|ranging|varying) )*(?:[:=] (?=[-\d(]))?(?:\( )?"
        rf"(?:between |from |of )?"
        rf"(?P<lo>{NUM})\.\.(?P<hi>{NUM})"
        rf"(?: (?P<unit2>{_unit_alt()}))?\b",
        t,
    ):
        if _GAP_AFTER.match(t, m.end()):
            continue
        f = _listed(st, m.group("f"), field_tail(m.group("f"), _two_words()))
        word = m.group("unit") or ""
        if f and word in lexicon.vocab()["currencies"] and st.entity_of(f):
            lo, hi = float(m.group("lo")), float(m.group("hi"))
            c = Constraint("range", "amount", m.start(), lo=lo, hi=hi, text=m.group(0))
            c.table = st.entity_of(f)
            st.req.currency = st.req.currency or lexicon.vocab()["currencies"][word]
            st.req.constraints.append(c)
            continue
        words = m.group("f").split()
        if f and st.entity_of(f) and len(words) >= 2 and lexicon.field_for(words[-2]):
            lo, hi = float(m.group("lo")), float(m.group("hi"))  # "temperature measurements 1..5"
            c = Constraint("range", words[-2], m.start(), lo=lo, hi=hi, text=m.group(0))
            c.table = st.entity_of(f)
            c.unit = _unit(st, m, words[-2])
            st.req.constraints.append(c)
            continue
        if f is None or (f in ("aged", "age") and "aged" in m.group(0)) or _counts_rows(st, m):
            continue
        if _is_relation_phrase(st, f):
            continue
        lo, hi = float(m.group("lo")), float(m.group("hi"))
        if _is_year(lo) and _is_year(hi) and f in _TIME_WORDS:
            continue
        if f in unit_words() or f in lexicon.vocab()["currencies"]:
            f = _amount_word(st, m)
            if f is None:
                continue
        c = Constraint("range", f, m.start(), lo=lo, hi=hi, text=m.group(0))
        c.unit = _unit(st, m, f)
        c.table = _table_word(st, words, f)
        if m.group("unit2") in lexicon.vocab()["currencies"]:
            st.req.currency = st.req.currency or lexicon.vocab()["currencies"][m.group("unit2")]
        elif m.group("unit2"):
            c.unit = c.unit or unit_words().get(m.group("unit2"))
        _add(st, c)
    for m in re.finditer(
        rf"\b(?:aged? (?:between |from )?(?P<lo>{NUM})\.\.(?P<hi>{NUM})|(?:between |from )?"
        rf"(?P<lo2>{NUM})\.\.(?P<hi2>{NUM}) (?:years? old|years of age|yo)\b)",
        t,
    ):
        if m.group("lo") is None:  # "between 18 and 65 years old"
            lo, hi = float(m.group("lo2")), float(m.group("hi2"))
            _add(st, Constraint("range", "age", m.start(), lo=lo, hi=hi, text=m.group(0)))
            continue
        lo, hi = float(m.group("lo")), float(m.group("hi"))
        _add(st, Constraint("range", "age", m.start(), lo=lo, hi=hi, text=m.group(0)))
    _bounds(st, fld, unit, _min_and_max(st))


def _amount_word(st: State, m: re.Match[str]) -> str | None:
    """'transactions in EUR between 1 and 5000': the range is on the table's amount;
    'rent EUR 400..2500': on the rent (the currency is only the unit)."""
    words = m.group("f").split()
    if words[-1] in lexicon.vocab()["currencies"]:
        before = field_tail(" ".join(words[:-1]), _two_words()) if len(words) > 1 else None
        if before and not st.entity_of(before) and lexicon.field_for(before) is not None:
            return before
        return "amount"
    return None


_MIN_MAX = re.compile(
    rf"\b(?P<f>[a-z_]+(?: [a-z_]+){{0,2}}?) (?:is |of )?(?:a )?(?:min|minimum|minimal|from|lowest) "
    rf"(?:of |is )?(?P<lo>{NUM}) (?:[a-z%]+ )?(?:and|,|to) (?:a )?(?:max|maximum|maximal|highest)"
    rf" (?:of |is )?(?P<hi>{NUM})\b"
)


def _min_and_max(st: State) -> list[tuple[int, int]]:
    """'age minimum 18 and maximum 70', 'amount minimal 5 and maximal 2000 euro'; the spans
    read (the bounds are not read again one by one)."""
    spans = []
    for m in _MIN_MAX.finditer(st.text):
        f = field_tail(m.group("f"), _two_words())
        if f is None or st.entity_of(f):
            continue
        lo, hi = float(m.group("lo")), float(m.group("hi"))
        _add(st, Constraint("range", f, m.start(), lo=lo, hi=hi, text=m.group(0)))
        spans.append((m.start(), m.end()))
    return spans


def _bounds(st: State, fld: str, unit: str, read: list[tuple[int, int]]) -> None:
    for m in re.finditer(rf"\b(?P<op>older|younger) than (?P<n>{NUM})\b", st.text):
        n = float(m.group("n"))  # "users older than 18": a bound on their age
        old = m.group("op") == "older"
        c = Constraint("range", "age", m.start(), lo=n if old else None, hi=None if old else n)
        c.text = m.group(0)
        _add(st, c)
    bound = (
        rf"\b{fld} {unit}(?:(?:is|are|must be|should be|always|of|with) )*(?P<op>over|above|"
        rf"more than|greater than|at least|>=|>|minimum of|min|under|below|less than|"
        rf"at most|up to|no more than|<=|<|maximum of|max) (?P<n>{NUM})\b(?! %)"
    )
    for m in re.finditer(bound, st.text):
        if any(a <= m.start("n") < b for a, b in read):
            continue  # read by _min_and_max
        f = _listed(st, m.group("f"), field_tail(m.group("f"), _two_words()))
        if f is None or _counts_rows(st, m, bound=True) or _GAP_AFTER.match(st.text, m.end()):
            continue
        n = float(m.group("n"))
        low = m.group("op") in _LOW_OPS
        c = Constraint(
            "range", f, m.start(), lo=n if low else None, hi=None if low else n, text=m.group(0)
        )
        c.unit = _unit(st, m, f)
        _add(st, c)


def _counts_rows(st: State, m: re.Match[str], bound: bool = False) -> bool:
    """A range that counts rows ("has 1..5 orders"), not a field's bounds."""
    start = m.start("lo") if not bound else m.start("n")
    if any(a <= start < b for a, b in st.rel_spans):
        return True
    if (
        st.entity_of(m.group("f").split()[-1])
        and lexicon.field_for(m.group("f").split()[-1]) is None
    ):
        return True
    rest = st.text[m.end() :].split()[:2]
    if not rest or rest[0] in (",", ";", ".", "and", "or", ")"):
        return False
    return bool(
        (st.entity_of(rest[0]) and lexicon.field_for(rest[0]) is None)
        or st.entity_of(" ".join(rest[:2]))
    )


def read_currency(st: State) -> None:
    """The currency amounts are in: 'in EUR', 'USD prices', '60 dollars', a EUR sign."""
    t = st.text
    cur_table = lexicon.vocab()["currencies"]
    cur = "|".join(sorted((re.escape(k) for k in cur_table), key=len, reverse=True))
    cm = re.search(rf"\b(?:in|as|using|with|currency|denominated in) ({cur})\b", t) or re.search(
        rf"\b({cur}) (?:prices|amounts|currency|only)\b", t
    )
    cm = cm or re.search(r"\d (dollars|euros|pounds|yen|euro|eur|usd|gbp)\b", t)
    cm = cm or re.search(
        rf"\b(?:value|amount|price|fare|cost|rate|pay|salary|salaries|revenue|mrr) ({cur})\b", t
    )
    if cm:
        st.req.currency = cur_table[cm.group(1)]
    elif st.req.currency:
        pass
    elif "\u20ac" in st.original:
        st.req.currency = "EUR"
    elif "\u00a3" in st.original:
        st.req.currency = "GBP"
