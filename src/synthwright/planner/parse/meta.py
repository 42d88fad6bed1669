"""What a request says besides tables and fields: format, seed, countries, bare mentions."""

from __future__ import annotations

import re

from ... import lexicon
from .state import State, table_name
from .words import NOT_ENTITY

__all__ = [
    "merge_compound_names",
    "read_countries",
    "read_known_mentions",
    "read_output_and_seed",
    "read_table_of",
]

_FIELD_AFTER = re.compile(
    r" (?:name|email|id|date|number|count|total|status|type|address|phone|age|data|details|"
    r"info|score|rating|level|value|amount|code|title|size|length|time)\b"
)


def read_output_and_seed(st: State) -> None:
    t = st.text
    formats = lexicon.vocab()["formats"]
    fmt_alt = "|".join(sorted((re.escape(k) for k in formats), key=len, reverse=True))
    m = re.search(
        rf"\b(?:as|in|to|into|export(?:ed)?(?: as| to)?|output(?: as| to)?|format|"
        rf"save(?:d)?(?: as| to)?|write(?: it)?(?: as| to)?) (?:an? |the )?"
        rf"({fmt_alt})\b",
        t,
    ) or re.search(rf"\b({fmt_alt}) (?:files?|format|output|export|dump|database|db)\b", t)
    if m:
        st.req.output_format = formats[m.group(1)]
        st.consumed.append((m.start(), m.end()))
    m = re.search(r"\bseed (?:of |= ?|: ?)?(\d+)", t)
    if m:
        st.req.seed = int(m.group(1))
        st.consumed.append((m.start(), m.end()))


def read_known_mentions(st: State) -> None:
    """Entity words not yet read as counted tables or relations ("patients and doctors")."""
    for m in st.pattern.finditer(st.text):
        if (
            m.start() in st.settings
            or st.setting_at(m.start(), m.group(1))
            or (
                st.in_consumed(m.start()) and not any(x.start == m.start() for x in st.req.mentions)
            )
        ):
            continue
        if st.verb_at(m.start(), m.end()):
            continue  # "members book 2..12 classes": a verb
        if lexicon.singular(m.group(1)) == m.group(1) and _EVENT_BEFORE.search(
            st.text, max(0, m.start() - 40), m.start()
        ):
            continue  # "shipped within 2 days of payment": an event, not a table
        if st.pattern.match(st.text, m.end() + 1) or re.match(
            r" (?!(?:table|list|dataset|data|records|rows|with|including|having|fields|columns)\b)[a-z]+ :",
            st.text[m.end() :],
        ):
            continue  # "user sessions", "hospital staff schedule:": a qualifier
        after = st.text[m.end() : m.end() + 12]
        # "customer name" or "order date" are fields, not tables
        if (
            _FIELD_AFTER.match(after)
            and not re.match(r" (?:data|details|info)\b", after)
            and (lexicon.singular(m.group(1)) == m.group(1) or not re.match(r" [a-z]+ \d", after))
        ):
            continue  # but "students age 6..18": the students, and their age
        if lexicon.singular(m.group(1)) == m.group(1) and lexicon.field_for(m.group(1)):
            continue  # "author", "address" alone: a field, not a table
        st.add_mention(st.choose(m.group(1)), m.group(1), m.start())


_EVENT_BEFORE = re.compile(
    r"(?:\b(?:minutes?|hours?|days?|weeks?|months?|years?) (?:of|after|from|following|before)"
    r"|\b(?:after|before|following|since|upon)) (?:the |its |their )?$"
)


def read_table_of(st: State) -> None:
    for m in re.finditer(
        r"\b(?:table|list|dataset|database|set|catalogue|catalog|"
        r"inventory|collection) of (?:the |some |\d+ )?([a-z]+)\b",
        st.text,
    ):
        word = m.group(1)
        if (
            word not in st.forms
            and word not in NOT_ENTITY
            and not any(mn.start == m.start(1) for mn in st.req.mentions)
        ):
            table = table_name(word)
            st.unknown_ok.add(table)
            st.add_mention(table, word, m.start(1))


def read_countries(st: State) -> None:
    t = st.text
    countries = lexicon.vocab()["countries"]
    alt = "|".join(sorted((re.escape(k) for k in countries), key=len, reverse=True))
    for m in re.finditer(rf"(?<![\w-])({alt})(?![\w-])", t):
        if re.match(r" (?:language|speaking|fries|class)\b", t[m.end() :]):
            continue
        code = countries[m.group(1)]
        if code not in st.req.countries:
            st.req.countries.append(code)
    if (
        re.search(r"(?<![A-Za-z])US(?![A-Za-z])|\bthe us\b|\bus[- ]based\b", st.original + " " + t)
        and "US" not in st.req.countries
    ):
        st.req.countries.append("US")


def merge_compound_names(st: State) -> None:
    """'ad campaigns with budget ..., 40 campaigns': one table, named by its longer name.

    Only for words the lexicon does not know, when the shorter name is the last word
    of the longer one."""
    req = st.req
    unknown = {m.table for m in req.mentions if not m.known}
    for short in sorted(unknown):
        longer = [x for x in unknown if x != short and x.endswith(f"_{short}")]
        if len(longer) != 1:
            continue
        name = longer[0]
        for m in req.mentions:
            if m.table == short:
                m.table = name
        if short in req.counts:
            req.counts.setdefault(name, []).extend(req.counts.pop(short))
        for rel in req.relations:
            rel.parent = name if rel.parent == short else rel.parent
            rel.child = name if rel.child == short else rel.child
        for c in req.constraints:
            if c.table == short:
                c.table = name
        for r in req.time_rules:
            if r.table == short:
                r.table = name
        if short in req.fields:
            req.fields.setdefault(name, []).extend(
                f for f in req.fields.pop(short) if f not in req.fields.get(name, [])
            )
        req.words.pop(short, None)
