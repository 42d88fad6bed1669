"""Relations: which table's rows belong to which, how many per parent, and links.

* owning, with a per-parent count: "each customer has 1..5 orders", "about 3
  reviews per product", "30 questions per quiz", "customers, each with 1..5
  orders", "20 devices each sending 100 readings", "about 4 per member" (the
  clause's table is the child), "100 readings each for 30 machines";
* belonging, a plain foreign key: "each book belongs to an author", "tickets
  assigned to agents", "each tenant in one building", "contacts who work at
  those companies", "comments on posts", "referencing products";
* junctions: "loans linking members and books" (a table with a key to each);
* self-references: "a manager who is another employee".
"""

from __future__ import annotations

import re

from ... import lexicon
from .counts import parse_count
from .model import Link, Relation
from .state import State, table_name
from .words import ADJ, NOT_ENTITY, RANGE

__all__ = [
    "child_at",
    "is_mention",
    "mention_at",
    "mention_word",
    "nearest_table_before",
    "read_junctions",
    "read_relations",
]


def _words(text: str) -> list[str]:
    return text.split()


_ENT = r"(?P<{}>[a-z][a-z_ ]*?)"
_VERBS = (
    r"(?P<v>has|have|with|gets?|get|places?|placed|makes?|made|writes?|wrote|owns?|"
    r"holds?|takes?|attends?|books?|booked|receives?|generates?|creates?|"
    r"contains?|includes?|can have|should have|may have|having|produces?|"
    r"emits?|logs?|sends?|enrols? in|enrolls? in|is enrolled in|is in|in|"
    r"[a-z]+ing|(?!(?:minutes|hours|days|seconds|weeks|months|years|points|stars|times|units)\b)"
    r"[a-z]{3,}s|of)"
)
_ONE = re.compile(r"^(?:a|an|one|1|exactly one|exactly 1|a single)$")


_GRAMMAR = set(
    [
        "and",
        "or",
        "of",
        "to",
        "per",
        "each",
        "every",
        "with",
        "in",
        "for",
        "a",
        "an",
        "the",
        "their",
        "its",
        "by",
        "from",
        "at",
        "on",
    ]
)


def child_at(st: State, pos: int, unknown: bool = True) -> tuple[str, str] | None:
    """The table named in the few words from ``pos`` ('temperature readings' -> readings)."""
    words = st.text[pos:].split(" ")[:4]
    off = pos
    for i, word in enumerate(words[:3]):
        found = st.alias_at(off)
        if found:
            return found
        if word in _GRAMMAR or word in NOT_ENTITY or not re.fullmatch(r"[a-z][a-z_]*", word):
            break
        if unknown and (lexicon.singular(word) != word or "_" in word):
            st.unknown_ok.add(table_name(word))
            return table_name(word), word
        if i + 1 < len(words) and words[i + 1] in NOT_ENTITY:
            return None  # "25 vacation days": a quantity, not a table
        off += len(word) + 1
        del i
    if (
        unknown
        and words
        and re.fullmatch(r"[a-z][a-z_]*", words[0])
        and words[0] not in _GRAMMAR | NOT_ENTITY
    ):
        return st.entity_tail(words[0], allow_unknown=True, head=True)
    return None


def read_relations(st: State) -> None:
    """Every relation, junction and self-reference the request states."""
    _self_refs(st)
    _owning(st)
    _each_with(st)
    _per_parent_only(st)
    _each_alone(st)
    _loose(st)


_CLAUSE_WORDS = set(_words("where who which that when while whose with and or but so then"))


def _record(
    st: State,
    parent: tuple[str, str],
    child: tuple[str, str],
    count_text: str | None,
    m: re.Match[str],
    kind: str = "owns",
) -> None:
    count = parse_count(count_text) if count_text else None
    if kind == "owns" and count and count.lo == count.hi and st.setting(parent[0], m.start("c")):
        st.req.counts.setdefault(child[0], []).append(count.lo)  # "a shop with 50 products"
        st.add_mention(child[0], child[1], m.start("c"))
        st.consumed.append((m.start(), m.end()))
        return
    st.req.relations.append(Relation(parent[0], child[0], count, m.start(), kind))
    st.add_mention(
        parent[0], parent[1], m.start("p") if "p" in m.groupdict() and m.group("p") else m.start()
    )
    st.add_mention(
        child[0], child[1], m.start("c") if "c" in m.groupdict() and m.group("c") else m.start()
    )
    st.consumed.append((m.start(), m.end()))
    st.rel_spans.append((m.start(), m.end()))


def _owning(st: State) -> None:
    t = st.text
    ent = _ENT
    patterns = [
        rf"\b(?:each|every|per|one) {ent.format('p')} (?:[a-z]+ )?{_VERBS} {RANGE} "
        rf"{ADJ}{ent.format('c')}(?= |$)",
        rf"\b(?:for|in) (?:each|every) {ent.format('p')} (?:, )?{RANGE} {ADJ}{ent.format('c')}"
        rf"(?= |$)",
        rf"{RANGE} {ADJ}{ent.format('c')} (?:per|for each|for every|each|a|an|on each|"
        rf"in each|for a|for an) {ent.format('p')}(?= |$)",
        rf"\b{ent.format('p')} (?:, )?(?:who|that|which)? ?{_VERBS} {RANGE} {ADJ}"
        rf"{ent.format('c')} (?:each|apiece)\b",
        rf"\b{ent.format('c')} (?:per|for each|for every) {ent.format('p')}"
        rf"(?: (?:is |are |of |: |= )?{RANGE}(?= |$)|(?= |$))",
        rf"{RANGE} {ADJ}{ent.format('c')} each (?:for|of|per|on) (?:the |\d+ |an? |one )?"
        rf"{ent.format('p')}(?= |$)",
        # "customers with 1..5 orders", "members book 2..12 classes": a plural subject
        rf"\b(?P<p>[a-z][a-z_]*s) (?:, )?(?:who |that |which |can |may |usually |typically )?"
        rf"(?!(?:in|of|is in|are|is)\b){_VERBS} (?P<range>(?:about |around |roughly |up to |"
        rf"at most |at least |between |from |exactly )?\d+(?:\.\.\d+)?) {ADJ}"
        rf"{ent.format('c')}(?= |$)",
    ]
    for idx, pat in enumerate(patterns):
        for m in re.finditer(pat, t):
            if st.in_consumed(m.start("c")) or _CLAUSE_WORDS & {
                *m.group("c").split(),
                *m.group("p").split(),
            }:
                continue
            loose_p = idx in (0, 1, 5) or (
                idx == 2
                and not re.search(r" (?:each|for an?|an?) [a-z_]+$", m.group(0))
                and not m.group("p").split()[-1].endswith("ing")
            )
            verb = m.start("v") if m.groupdict().get("v") else None
            parent = (
                st.alias_at(m.start("p"), verb)
                or mention_word(st, m.group("p").split()[0])
                or st.entity_tail(m.group("p"), allow_unknown=loose_p)
            )
            child = child_at(st, m.start("c"), unknown=idx in (0, 1, 2, 4, 5)) or st.entity_tail(
                m.group("c"), head=True
            )
            if parent is None or child is None or parent[0] == child[0]:
                continue
            if idx == 6 and not _subject(st, parent, child, m):
                continue
            rng = m.groupdict().get("range")
            if idx == 5 and re.search(r" each (?:for|of|on) (?:an?|1|one) ", m.group(0)):
                st.req.relations.append(Relation(parent[0], child[0], None, m.start(), "belongs"))
                st.add_mention(parent[0], parent[1], m.start("p"))
                continue  # "50000 votes each for one candidate": a key to one candidate
            if rng and _ONE.match(rng) and not st.known(child[1]):
                continue  # "each player has a name": a field
            if rng and _ONE.match(rng) and lexicon.singular(child[1]) == child[1]:
                _single_link(st, parent, child, m)  # "each match has a home team"
                continue
            _record(st, parent, child, rng, m)
            _extras(st, child[0], m)
            _continued(st, parent, m.end())


def _subject(st: State, parent: tuple[str, str], child: tuple[str, str], m: re.Match[str]) -> bool:
    """A plural subject owns its counted object when both are tables: the subject a table
    word (known, or counted before) and the object a known one or a plural that names no
    field ("courses with 3 credits" is a field; "members book 2..12 classes" a relation)."""
    if not (st.known(parent[1]) or is_mention(st, parent[0])):
        return False
    word = child[1].split()[-1]
    ent = lexicon.entity(parent[0])
    if ent is not None and (word in ent.columns or lexicon.singular(word) in ent.columns):
        return False  # "courses with 3 credits": the parent's own field
    if st.known(child[1]):
        return True
    return lexicon.singular(word) != word and lexicon.field_for(word) is None


def _single_link(
    st: State, parent: tuple[str, str], child: tuple[str, str], m: re.Match[str]
) -> None:
    """'each order has a customer': the parent row names one child row (a key on the parent)."""
    adj = m.group(0)[m.start("c") - m.start() :].split()
    st.req.relations.append(Relation(child[0], parent[0], None, m.start(), "belongs"))
    st.add_mention(parent[0], parent[1], m.start("p"))
    st.add_mention(child[0], child[1], m.start("c"))
    st.consumed.append((m.start(), m.end()))
    del adj


def _extras(st: State, child: str, m: re.Match[str]) -> None:
    """'100 temperature readings': 'temperature' is a field the readings must have."""
    span = st.text[m.start() : m.start("c")].split()
    for word in span[-2:]:
        f = lexicon.field_for(word)
        if f is not None and f.type in ("int", "float", "decimal", "price"):
            st.req.extras.setdefault(child, []).append(word)


def _continued(st: State, parent: tuple[str, str], end: int) -> None:
    """'each with 0..3 addresses and 1..10 orders': a second child of the same parent."""
    t = st.text
    m = re.match(rf" (?:and|,|plus) (?:and )?{RANGE} {ADJ}(?P<c>[a-z][a-z_ ]*?)(?= |$)", t[end:])
    if not m or re.match(r" (?:per|each|for each|for every|a|an)\b", t[end + m.end() :]):
        return
    start = end + m.start("c")
    child = child_at(st, start)
    if child is None or child[0] == parent[0]:
        return
    count = parse_count(m.group("range"))
    st.req.relations.append(Relation(parent[0], child[0], count, start, "owns"))
    st.add_mention(child[0], child[1], start)
    st.consumed.append((end, end + m.end()))
    _continued(st, parent, end + m.end())


def _each_with(st: State) -> None:
    """'300 customers, each with 1..5 orders', '50 authors, each writing 10..40 posts'."""
    t = st.text
    pat = rf"\beach (?:one )?(?:of them )?(?:{_VERBS} )?{RANGE} {ADJ}(?P<c>[a-z][a-z_ ]*?)(?= |$)"
    for m in re.finditer(pat, t):
        if st.in_consumed(m.start()) or st.in_consumed(m.start("c")):
            continue
        parent = nearest_table_before(st, m.start())
        child = child_at(st, m.start("c"))
        if parent is None or child is None or parent[0] == child[0]:
            continue
        rng = m.group("range")
        if _ONE.match(rng) and not st.known(child[1]):
            continue  # "each with a finish time": a field
        if _ONE.match(rng) and _FIELD_HEAD.match(st.text, m.start("c") + len(child[1])):
            continue  # "each one with a company name": a field, not a company
        if _ONE.match(rng) and lexicon.singular(child[1]) == child[1]:
            st.req.relations.append(Relation(child[0], parent[0], None, m.start(), "belongs"))
            st.add_mention(child[0], child[1], m.start("c"))
            st.consumed.append((m.start(), m.end()))
            continue
        count = parse_count(rng)
        st.req.relations.append(Relation(parent[0], child[0], count, m.start(), "owns"))
        st.add_mention(child[0], child[1], m.start("c"))
        st.consumed.append((m.start(), m.end()))
        st.rel_spans.append((m.start(), m.end()))
        _extras(st, child[0], m)
        _continued(st, parent, m.end())


_FIELD_HEAD = re.compile(r" (?:name|email|number|id|address|phone|code|title)\b")


def nearest_table_before(st: State, pos: int) -> tuple[str, str] | None:
    best: tuple[int, str, str] | None = None
    start = st.clause_start(pos)
    for mn in st.req.mentions:
        if start <= mn.start < pos and (best is None or mn.start > best[0]):
            best = (mn.start, mn.table, mn.word)
    for am in st.pattern.finditer(st.text, start, pos):
        if best is None or am.start() > best[0]:
            best = (am.start(), st.choose(am.group(1)), am.group(1))
    if best is None:
        m = re.search(r"(?:^|\s)\d+ ([a-z][a-z_]*) (?:, )?$", st.text[start:pos])
        if m:
            found = st.entity_tail(m.group(1), allow_unknown=True)
            return found
        return None
    return best[1], best[2]


def _per_parent_only(st: State) -> None:
    """'loans linking members and books, about 4 per member': the clause's table is the child."""
    t = st.text
    for m in re.finditer(
        rf"{RANGE} (?:per|for each|for every|each) (?P<p>[a-z][a-z_ ]*?)(?= |$)", t
    ):
        if st.in_consumed(m.start()) or not re.search(r"\d", m.group("range")):
            continue
        parent = (
            st.alias_at(m.start("p"))
            or st.entity_tail(m.group("p"))
            or mention_word(st, " ".join(m.group("p").split()[:2]))
            or mention_word(st, m.group("p").split()[0])
        )
        if parent is None:
            continue
        start = st.clause_start(m.start())
        known = [
            x
            for x in sorted(st.req.mentions, key=lambda x: x.start)
            if start <= x.start < m.start()
        ]
        words = [
            (am.start(), st.choose(am.group(1)), am.group(1))
            for am in st.pattern.finditer(t, start, m.start())
        ]
        cands = sorted({(x.start, x.table, x.word) for x in known} | set(words))
        linking = [
            (j, st.req.words.get(j, j))
            for j, parts in st.req.junctions.items()
            if parent[0] in parts and any(tb == j for _, tb, _ in cands)
        ]
        child = (
            linking[0]
            if linking
            else next(((tb, w) for _, tb, w in reversed(cands) if tb != parent[0]), None)
        )
        if child is None:
            continue
        st.req.relations.append(
            Relation(parent[0], child[0], parse_count(m.group("range")), m.start())
        )
        st.add_mention(parent[0], parent[1], m.start("p"))
        st.consumed.append((m.start(), m.end()))


def read_junctions(st: State) -> None:
    """'loans linking members and books': a table with a key to each of two tables."""
    t = st.text
    for m in re.finditer(
        r"\b(?:linking|connecting|joining|relating|mapping|that links?|which links?|between)"
        r" (?:the )?(?P<a>[a-z][a-z_]*(?: [a-z_]+)?) (?:and|to|with) (?:the |other )?"
        r"(?P<b>[a-z][a-z_]*(?: [a-z_]+)?)\b",
        t,
    ):
        a = st.alias_at(m.start("a")) or st.entity_tail(m.group("a"), allow_unknown=True)
        b = st.alias_at(m.start("b")) or st.entity_tail(m.group("b"), allow_unknown=True, head=True)
        if a is None or b is None:
            continue
        junction = _junction_name(st, m.start())
        if junction is None or junction[0] in (a[0], b[0]):
            continue
        st.req.junctions[junction[0]] = [a[0], b[0]]
        st.add_mention(junction[0], junction[1], m.start() - len(junction[1]) - 1)
        st.add_mention(a[0], a[1], m.start("a"))
        st.add_mention(b[0], b[1], m.start("b"))
        st.unknown_ok.add(junction[0])
        st.consumed.append((m.start(), m.end()))
        st.junction_ends[m.start("b") + len(b[1])] = junction[0]  # "linking a and b with cost"


def _each_alone(st: State) -> None:
    """'(about 5 opens each)': the parent is the table named just before."""
    pat = rf"{RANGE} {ADJ}(?P<c>[a-z][a-z_]*) (?:each|apiece)(?= [),;.]|$)"
    for m in re.finditer(pat, st.text):
        if st.in_consumed(m.start()) or not re.search(r"\d", m.group("range")):
            continue
        child = child_at(st, m.start("c"))
        if child is None:
            continue
        start = st.clause_start(m.start())
        before = [
            (x.start, x.table, x.word)
            for x in st.req.mentions
            if start <= x.start < m.start() and x.table != child[0]
        ]
        if not before:
            near = nearest_table_before(st, m.start())  # "500 employees, 0..6 requests each"
            if near is None or near[0] == child[0]:
                continue
            before = [(0, near[0], near[1])]
        _, table, _word = max(before)
        count = parse_count(m.group("range"))
        st.req.relations.append(Relation(table, child[0], count, m.start(), "owns"))
        st.add_mention(child[0], child[1], m.start("c"))
        st.consumed.append((m.start(), m.end()))


def _junction_name(st: State, pos: int) -> tuple[str, str] | None:
    """The table a 'linking' clause is about: the noun right before it ('stock levels')."""
    start = st.clause_start(pos)
    words = st.text[start:pos].split()
    while words and words[-1] in (",", "with", "and", "that", "which", ":"):
        words.pop()
    if not words:
        return None
    if len(words) >= 2 and re.fullmatch(r"[\d.]+", words[-2]) and words[-1] in ("stars", "points"):
        counted = re.findall(r"(?:^| )\d+ ([a-z][a-z_]*)\b", " ".join(words[:-2]))
        return st.entity_tail(counted[-1], allow_unknown=True) if counted else None
    last = words[-1]
    if not re.fullmatch(r"[a-z][a-z_]*", last):
        return None
    prev = words[-2] if len(words) >= 2 and re.fullmatch(r"[a-z][a-z_]*", words[-2]) else ""
    if prev in ("the", "a", "an", "and", "of", "some", "with", "plus", "also"):
        prev = ""
    two = f"{prev} {last}" if prev else ""
    if two and st.entity_of(two):
        return st.choose(two), two
    if st.entity_of(last):
        return st.choose(last), last
    if two and not st.entity_of(prev):
        return table_name(two), two
    return table_name(last), last


def mention_at(st: State, pos: int) -> tuple[str, str] | None:
    for mn in st.req.mentions:
        if mn.start <= pos < mn.start + len(mn.word) + 1:
            return mn.table, mn.word
    return None


def mention_word(st: State, word: str) -> tuple[str, str] | None:
    """'those companies', 'them': a table named before."""
    for mn in st.req.mentions:
        if mn.word == word or table_name(word) == mn.table:
            return mn.table, word  # the word as written here, for its position
    return None


def is_mention(st: State, table: str) -> bool:
    return any(mn.table == table for mn in st.req.mentions) or table in st.req.counts


def _self_refs(st: State) -> None:
    """'a manager who is another employee': a key to a row of the same table."""
    t = st.text
    for m in re.finditer(
        r"\b(?:an? |their |his |her |its )?(?P<f>[a-z]+(?: [a-z]+)?) (?:, )?(?:who|which|that) "
        r"(?:is|are) (?:also )?(?:another|an?|also an?|one of the other|a fellow|an other|other)"
        r" (?P<e>[a-z][a-z_ ]*?)(?= |$)",
        t,
    ):
        target = st.alias_at(m.start("e")) or st.entity_tail(
            m.group("e"), allow_unknown=True, head=True
        )
        if target is None:
            continue
        words = [
            w for w in m.group("f").split() if w not in ("a", "an", "with", "and", "has", "have")
        ]
        if not words:
            continue
        column = "_".join(words[-1:]) + "_id"
        st.req.links.append(Link(target[0], column, target[0], m.start(), null_rate=0.1))
        st.add_mention(target[0], target[1], m.start("e"))
        st.consumed.append((m.start(), m.end()))


def _loose(st: State) -> None:
    """'customers and their orders', 'orders of those customers'."""
    for m in re.finditer(
        r"\b(?P<p>[a-z]+(?: [a-z]+)?) (?:and|with|plus) (?:their|its|his|her|the|all) "
        r"(?P<c>[a-z]+(?: [a-z]+)?)\b",
        st.text,
    ):
        parent = st.entity_tail(m.group("p"))
        child = st.entity_tail(m.group("c"), head=True)
        if parent and child and parent[0] != child[0]:
            st.req.relations.append(Relation(parent[0], child[0], None, m.start()))
