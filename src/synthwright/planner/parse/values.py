"""Value lists, uniqueness, shares and missing values.

"status is paid, sent or overdue", "level (INFO, WARN, ERROR)", "priority
low/medium/high", "unique emails", "30% remote", "5% missing phone numbers",
"60% free, 30% pro", "optional notes".
"""

from __future__ import annotations

import re

from ... import lexicon
from .model import Constraint
from .state import State
from .words import NOT_VALUE, field_tail

__all__ = ["read_percents", "read_uniques", "read_value_lists"]

_LONE = {"unique", "optional", "missing", "null", "empty", "required", "random", "realistic"}
_NULL_WORDS = {"missing", "null", "empty", "blank", "without", "no", "lack", "nulls", "unknown"}


def _add(st: State, c: Constraint) -> None:
    c.table = c.table or st.owner_at(c.pos)
    st.req.constraints.append(c)


def read_value_lists(st: State) -> None:
    """Every list of values a category field takes."""
    t = st.text
    vocab = lexicon.vocab()
    cats = vocab["category_fields"]
    item = r"(?:\d+(?:\.\d+)? % )?[a-z_][a-z0-9_\-+]*(?: \d+(?:\.\d+)? %| \( \d+(?:\.\d+)? % \))?"
    sep = r"(?: , (?:and |or )?| or | and | / |/| , )"
    fields = "|".join(sorted((re.escape(c) for c in cats), key=len, reverse=True))
    rest = re.compile(
        rf" (?:should be |must be |can be |is |are |values? "
        rf"|is either |are either |is one of |are one of |one of |either |in |\( "
        rf"|: |= |of |with values |of either )*(?P<only>only )?"
        rf"(?P<list>{item}(?:{sep}{item})*)(?P<only2> only)?"
    )
    for fm in re.finditer(rf"\b(?P<f>(?:[a-z]+_)?(?:{fields})(?:_[a-z]+)?)\b", t):
        m = rest.match(t, fm.end())
        if m is None:
            continue
        f = fm.group("f")
        raw = re.split(r"( , (?:and |or )?| or | and | / |/)", m.group("list"))
        items = [i.strip() for i in raw[::2] if i.strip()]
        if len(items) > 1 and raw[-2].strip() == "," and re.match(r" [a-z]", t[m.end() :]):
            items = items[:-1]  # "..., prices in eur": a new clause, not a value
        seps = [x.strip() for x in raw[1::2]]
        while (
            len(items) > 2
            and seps
            and seps[-1] == ","
            and "/" in seps
            and lexicon.field_for(items[-1])
        ):
            items, seps = items[:-1], seps[:-1]  # "dog/cat/bird, weight ...": weight is a field
        if (
            len(items) > 2
            and seps[-1] == ","
            and set(seps[:-1]) - {","}
            and lexicon.field_for(items[-1]) is not None
        ):
            items, seps = items[:-1], seps[:-1]  # "card or cash, amount 1..999": a field
        only = bool(m.group("only") or m.group("only2"))
        if len(items) == 1 and items[0] in _LONE:
            continue
        if len(items) == 1 and not (only or f in cats):
            continue
        connector = m.group(0).split(m.group("list"))[0].strip()
        if not connector and (
            len(items) < 2 or f in ("type", "kind", "size", "model", "class", "make", "color")
        ):
            continue
        lead = [bool(re.match(r"\d", i)) for i in items]
        if not lead[0] and any(lead):
            items = items[: lead.index(True)]  # "card or paypal, 2% failed"
        if any(i in NOT_VALUE or _table_word(st, i, len(items)) for i in items) or any(
            i in vocab["countries"] or i in vocab["currencies"] for i in items
        ):
            continue
        if connector == "(" and not t[m.end() :].startswith(" )"):
            continue
        values: list[str] | dict[str, float]
        weighted = [
            re.match(
                r"(?:(\d+(?:\.\d+)?) % )?([a-z_][a-z0-9_\-+]*)(?: \(? ?(\d+(?:\.\d+)?) %(?: \))?)?$",
                i,
            )
            for i in items
        ]
        if all(w and (w.group(1) or w.group(3)) for w in weighted):
            values = {w.group(2): float(w.group(1) or w.group(3)) / 100 for w in weighted if w}
        else:
            values = [
                re.sub(r"^\d+(?:\.\d+)? % |(?: \(? ?\d+(?:\.\d+)? %(?: \))?)$", "", i)
                for i in items
            ]
        _add(
            st,
            Constraint(
                "values", f, fm.start(), values=values, only=only, text=fm.group(0) + m.group(0)
            ),
        )
        _drop_value_mentions(st, m.start("list"), m.end("list"))


def _drop_value_mentions(st: State, start: int, end: int) -> None:
    """An entity word read as a value ('card or cash or transfer') is not a table: its
    mention goes, unless something was counted or related for that table."""
    keep = set(st.req.counts) | {r.parent for r in st.req.relations}
    keep |= {r.child for r in st.req.relations}
    st.req.mentions = [
        mn for mn in st.req.mentions if not (start <= mn.start < end and mn.table not in keep)
    ]


def _table_word(st: State, item: str, n: int) -> bool:
    """A value that names a table: a plural entity word, or any entity word in a short
    list ('card or cash or transfer': 'transfer' is a value among three)."""
    if not st.entity_of(item):
        return False
    return lexicon.singular(item) != item or n < 3


def read_uniques(st: State) -> None:
    t = st.text
    for m in re.finditer(
        r"\b(?:unique|distinct|no duplicate|non-duplicate|deduplicated) "
        r"(?P<f>[a-z_]+(?: (?:address|addresses|number|numbers|name|names|"
        r"id|ids|code|codes))?)\b",
        t,
    ):
        f = field_tail(m.group("f"))
        if f and not st.entity_of(m.group("f")):
            _add(st, Constraint("unique", f, m.start(), text=m.group(0)))
    for m in re.finditer(
        r"\b(?P<f>[a-z_]+(?: [a-z_]+)?) (?:must|should|have to|need to|"
        r"are|is) (?:all |always |each )?(?:be )?unique\b",
        t,
    ):
        f = field_tail(m.group("f"))
        if f:
            _add(st, Constraint("unique", f, m.start(), text=m.group(0)))


def read_percents(st: State) -> None:
    t = st.text
    for m in re.finditer(
        r"(?P<q>at least |about |around |roughly |only |exactly |no more "
        r"than |at most |up to |under |over )?(?P<n>\d+(?:\.\d+)?) % "
        r"(?:of (?:the |all |them |these )?(?:[a-z]+ )?(?:are |is |should "
        r"be |being |have |has |with |as |were )?|are |should be |is |with an? |with )?"
        r"(?P<w>[a-z_]+(?: [a-z_]+)?)",
        t,
    ):
        words = m.group("w").split()
        share = float(m.group("n")) / 100
        at_least = (m.group("q") or "").strip() in ("at least", "over")
        if words[0] in _NULL_WORDS:
            f = words[1] if len(words) > 1 else None
            if f in ("a", "an", "their", "any") and len(words) > 1:
                rest = t[m.end() :].split()
                f = rest[0] if rest else None
            _add(st, Constraint("null", f, m.start(), lo=share, text=m.group(0)))
            continue
        if len(words) > 1 and words[1] in ("missing", "null", "empty", "blank"):
            _add(st, Constraint("null", words[0], m.start(), lo=share, text=m.group(0)))
            continue
        word = words[0]
        if word in ("of", "more", "less", "off", "discount", "tax", "vat", "growth", "percent"):
            continue
        _add(
            st, Constraint("percent", word, m.start(), lo=share, at_least=at_least, text=m.group(0))
        )
    for m in re.finditer(
        r"\b(?:optional|nullable) (?P<f>[a-z_]+(?: [a-z_]+)?)|"
        r"\b(?P<g>[a-z_]+) (?:is|are) optional\b",
        t,
    ):
        f = m.group("f") or m.group("g")
        _add(
            st,
            Constraint(
                "null", f.split()[0] if m.group("f") else f, m.start(), lo=0.2, text=m.group(0)
            ),
        )
