"""Belonging: a plain foreign key from a child's row to one parent row.

"each book belongs to an author", "tickets assigned to agents", "books each held
by a branch", "raised by customers and handled by agents", "each issued to one
of 150 clients", "contacts who work at those companies", "comments on posts",
"clinics (15) employ doctors (120)". Runs after the owning relations
(``relations``), whose helpers it uses to find the tables named before.
"""

from __future__ import annotations

import re

from ... import lexicon
from .model import Relation
from .relations import is_mention, mention_at, mention_word, nearest_table_before
from .state import State
from .words import ADJ

__all__ = ["read_belonging"]

# a participle before 'by' names who made or keeps the row: "raised by customers", "held by
# a branch", "written by one author"
_BY = (
    r"(?:(?:is |are |was |were |get |gets |got )?(?:[a-z]{2,}ed|held|made|run|done|seen|taken|"
    r"given|written|driven|taught|sold|bought|built|kept|led|paid|sent|won|drawn|shot|hosted) by)"
)
_TO = r"(?:goes|go|going|is sent|sent|shipped|delivered|travels|heading|addressed|issued) to"
_BELONG = (
    r"(?:belong(?:s|ing)? to|(?:is |are )?(?:assigned|linked|attached|tied|connected|mapped)"
    rf" to|(?:who |that )?works? (?:at|in|for)|working (?:at|in|for)|{_BY}|"
    rf"{_TO}|referencing|references|referring to|spread over|for|of|on|against|in|at|from)"
)
_PARENT = r"(?P<p>[a-z][a-z_]*(?: (?!(?:and|or|with|in|at|for|of|to|by|on)\b)[a-z][a-z_]*)?)"
_DET = (
    r"(?:(?:one of(?: the| our| \d+)?|a|an|one|the|their|its|those|these|exactly one|a single|"
    r"some|any) )?"
)
_NOT_PARENT = set(
    [
        "between",
        "from",
        "to",
        "and",
        "or",
        "than",
        "about",
        "around",
        "each",
        "every",
        "per",
        "total",
    ]
)


def read_belonging(st: State) -> None:
    """Every belonging relation the request states."""
    _belonging(st)
    _employing(st)


def _belonging(st: State) -> None:
    """'each book belongs to an author', 'tickets assigned to agents', 'comments on posts'."""
    t = st.text
    pats = [
        rf"\b(?:each|every) (?P<c>[a-z][a-z_ ]*?) (?:is |are )?{_BELONG} {_DET}(?:\d+ )?{ADJ}{_PARENT}\b",
        rf"\b(?P<c>[a-z][a-z_]*) (?:\( \d+ \) )?(?:, )?(?:each |all |every one )?"
        rf"(?:[a-z]+(?:ing|ed) )?{_BELONG} {_DET}"
        rf"(?:\d+ )?{ADJ}"
        rf"{_PARENT}\b",
    ]
    for idx, pat in enumerate(pats):
        for m in re.finditer(pat, t):
            if st.in_consumed(m.start("p")):
                continue
            verb = m.group(0)[m.end("c") - m.start() :].split()
            loose = any(w in ("for", "of", "on", "against", "in", "at", "from") for w in verb[:2])
            if idx == 0 and m.group("c").split()[-1].endswith(("ing", "ed")):
                continue  # "each living in an enclosure": the verb, read by the second form
            if len(m.group("c").split()) > 2 or m.group("p").split()[0] in _NOT_PARENT:
                continue  # "each episode has a length in minutes between ...": no relation
            word = m.group("c")
            if idx == 0 and " " not in word and not st.known(word) and word.endswith("s"):
                near = nearest_table_before(st, m.start())  # "each plays for one team"
                if near is not None:
                    word = near[1]
                    child_verb: tuple[str, str] | None = near
                else:
                    child_verb = None
            else:
                child_verb = None
            child = child_verb or (
                st.covering(m.start("c")) or st.alias_at(m.start("c"))
                if idx == 1
                else (
                    st.alias_at(m.start("c"))
                    or st.entity_tail(m.group("c"), allow_unknown=True, head=True)
                )
            )
            if child is None and idx == 1:
                child = mention_at(st, m.start("c"))
            if child is None and idx == 1 and m.group("c") in ("rows", "records", "entries"):
                child = nearest_table_before(st, m.start("c"))  # "fact_orders 50000 rows ..."
            if child is None and idx == 1 and re.search(r"\d+ $", t[: m.start("c")]):
                child = st.entity_tail(m.group("c"), allow_unknown=True)  # "40 vets working at"
            if child is None:
                continue
            parent = (
                st.alias_at(m.start("p"))
                or mention_word(st, m.group("p"))
                or mention_word(st, m.group("p").split()[0])
            )
            if parent is None and not loose:
                parent = st.entity_tail(m.group("p"), allow_unknown=True)
            if parent is None and loose and idx == 0 and re.search(r" (?:a|an|one) ", m.group(0)):
                parent = st.entity_tail(m.group("p"), allow_unknown=True)
            if parent is None or parent[0] == child[0] or parent[1] in lexicon.vocab()["countries"]:
                continue
            if loose and idx == 1 and not (is_mention(st, child[0]) or st.known(child[1])):
                continue
            kind = "near" if loose else "belongs"
            st.req.relations.append(Relation(parent[0], child[0], None, m.start(), kind))
            st.add_mention(child[0], child[1], m.start("c"))
            st.add_mention(parent[0], parent[1], m.start("p"))
            st.consumed.append((m.start("p"), m.end()))
            _and_by(st, child, m.end())


def _and_by(st: State, child: tuple[str, str], end: int) -> None:
    """'... raised by customers (900) and handled by agents (25)': a second parent."""
    m = re.compile(
        rf"(?: \( \d+ \))?(?: ,)? (?:and |, )(?:then )?(?:{_BY}|(?:[a-z]+ )?{_TO}) {_DET}(?:\d+ )?"
        rf"{ADJ}{_PARENT}\b"
    ).match(st.text, end)
    if m is None:
        return
    parent = st.alias_at(m.start("p")) or st.entity_tail(m.group("p"), allow_unknown=True)
    if parent is None or parent[0] == child[0]:
        return
    st.req.relations.append(Relation(parent[0], child[0], None, m.start(), "belongs"))
    st.add_mention(parent[0], parent[1], m.start("p"))
    st.consumed.append((m.start("p"), m.end()))
    _and_by(st, child, m.end())


_EMPLOY = re.compile(
    r"\b(?P<p>[a-z][a-z_]*s) (?:\( \d+ \) )?(?:employ|employs|own|owns|run|runs|operate|"
    r"operates|manage|manages|host|hosts|house|houses|staff|supervise|supervises) (?:\d+ )?"
    r"(?P<c>[a-z][a-z_]*s)\b"
)


def _employing(st: State) -> None:
    """'clinics (15) employ doctors (120)': each doctor has one clinic."""
    for m in _EMPLOY.finditer(st.text):
        parent = st.alias_at(m.start("p")) or st.entity_tail(m.group("p"), allow_unknown=True)
        child = st.alias_at(m.start("c")) or st.entity_tail(m.group("c"), allow_unknown=True)
        if parent is None or child is None or parent[0] == child[0]:
            continue
        st.req.relations.append(Relation(parent[0], child[0], None, m.start(), "belongs"))
        st.add_mention(parent[0], parent[1], m.start("p"))
        st.add_mention(child[0], child[1], m.start("c"))
