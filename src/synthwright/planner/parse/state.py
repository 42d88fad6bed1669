"""The parser's shared state: the text, what was read so far, and entity words.

Every extractor takes a :class:`State`: it finds entity words in the text
(the lexicon's forms, longest first), records mentions and relations in the
``Request`` and marks the spans it consumed so the next extractor does not
read them again.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ... import lexicon
from .model import Mention, Request
from .words import NOT_ENTITY

__all__ = ["State", "table_name"]


@lru_cache(maxsize=1)
def _forms() -> tuple[re.Pattern[str], dict[str, tuple[str, ...]]]:
    index = lexicon.entity_forms()
    alt = "|".join(re.escape(f) for f in sorted(index, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])({alt})(?![\w-])"), index


def table_name(word: str) -> str:
    """The table a word the lexicon does not know becomes ("spaceship" -> spaceships).

    An identifier (``dim_customer``) is kept as it was written.
    """
    if "_" in word.strip() and " " not in word.strip():
        return re.sub(r"[^a-z0-9_]+", "", word.strip())
    words = re.sub(r"[^a-z0-9 ]+", " ", word).split()
    if not words:
        return "records"
    words[-1] = lexicon.plural(words[-1])
    return "_".join(words)


_COUNT_NEXT = re.compile(
    r" (?:-?\d|an? |one |the |about |around |roughly |up to |at least |at most |between |"
    r"several |many |multiple |some )"
)


class State:
    """One prompt being read: the normalised text and the request built from it."""

    def __init__(self, text: str, original: str) -> None:
        self.text = text
        self.original = original
        self.req = Request(text=text)
        self.pattern, self.forms = _forms()
        self.consumed: list[tuple[int, int]] = []
        self.rel_spans: list[tuple[int, int]] = []
        self.unknown_ok: set[str] = set()
        self.settings: set[int] = set()
        self.junction_ends: dict[int, str] = {}
        self._chosen: dict[str, str] = {}
        self._named = tuple(
            dict.fromkeys(n for m in self.pattern.finditer(text) for n in self.forms[m.group(1)])
        )

    # entity words ---------------------------------------------------------------

    @property
    def index(self) -> dict[str, str]:
        """Form -> the entity it means in this request (context decides shared forms)."""
        return _Chooser(self)

    def entity_of(self, word: str, allow_unknown: bool = False) -> str | None:
        word = word.strip()
        if word in self.forms:
            return self.choose(word)
        if allow_unknown and re.fullmatch(r"[a-z][a-z_]+", word) and word not in NOT_ENTITY:
            return table_name(word)
        two = word.split()
        if (
            allow_unknown
            and len(two) == 2
            and all(re.fullmatch(r"[a-z][a-z_]+", w) for w in two)
            and two[0] not in NOT_ENTITY
            and lexicon.singular(two[0]) == two[0]
        ):
            return table_name(word)  # "ledger entries": a name of two words
        return None

    def compound_of(self, table: str) -> str | None:
        """A table named earlier with more words that ends in this one ('ad campaigns', then
        '40 campaigns'): the same table."""
        for m in self.req.mentions:
            if m.table != table and m.table.endswith(f"_{table}") and not m.known:
                return m.table
        return None

    def choose(self, form: str) -> str:
        if form not in self._chosen:
            self._chosen[form] = lexicon.choose_entity(self.forms[form], self.text, self._named)
        return self._chosen[form]

    def known(self, word: str) -> bool:
        return word in self.forms

    def setting(self, table: str, before: int) -> bool:
        """'a company with 200 employees': the one company is the setting, not a table.

        Looks at the table's word nearest before ``before``: singular, after 'a'/'one'.
        """
        near = None
        for m in self.pattern.finditer(self.text, max(0, before - 120), before):
            if self.choose(m.group(1)) == table:
                near = m
        if near is None:
            return False
        return self.setting_at(near.start(), near.group(1))

    def setting_at(self, start: int, word: str) -> bool:
        """A singular entity word after 'a' (opening a clause) or 'our'/'my': the setting."""
        before = self.text[:start]
        if lexicon.singular(word) == word and (
            re.search(
                r"(?:^|[:;.,!?] |\b(?:for|in|at|of|from|by|is|are|am|was|were|run|own) )(?:an?|one) $",
                before,
            )
            or re.search(r"\b(?:our|my|your) (?:[a-z]+ )?$", before)
        ):
            self.settings.add(start)
            return True
        return False

    def verb_at(self, start: int, end: int) -> bool:
        """The entity word at ``start..end`` is the clause's verb: it follows its subject (a
        plural entity word, or 'each'/'every' and one) and comes before a count or an
        article ("members book 2..12 classes", "each patient visits a clinic")."""
        if not _COUNT_NEXT.match(self.text, end):
            return False
        before = self.text[max(0, start - 60) : start].split()
        if not before:
            return False
        subject = before[-1]
        if subject not in self.forms and not any(m.word == subject for m in self.req.mentions):
            return False
        plural = lexicon.singular(subject) != subject
        return plural or (len(before) >= 2 and before[-2] in ("each", "every", "a", "one"))

    def add_mention(self, table: str, word: str, start: int) -> None:
        if start in self.settings:
            return
        known = word in self.forms
        if not known:
            table = self.compound_of(table) or table
        if not any(m.table == table and m.start == start for m in self.req.mentions):
            self.req.mentions.append(Mention(table, word, start, known))
        self.req.words.setdefault(table, word)

    def in_consumed(self, pos: int) -> bool:
        return any(a <= pos < b for a, b in self.consumed)

    def covering(self, pos: int) -> tuple[str, str] | None:
        """The entity whose longer form covers ``pos`` ('orders' in 'purchase orders')."""
        for m in self.pattern.finditer(self.text, max(0, pos - 40), pos + 40):
            if m.start() < pos < m.end():
                return self.choose(m.group(1)), m.group(1)
        return None

    def alias_at(self, pos: int, verb: int | None = None) -> tuple[str, str] | None:
        """The entity whose form starts at ``pos`` ("user sessions" -> sessions).

        ``verb``: where the clause's verb starts; a next word at or past it is
        the verb, not a longer name ("each member books 2..12 classes").
        """
        am = self.pattern.match(self.text, pos)
        if am is None:
            return None
        nxt = self.longer(am)
        if nxt is not None and (verb is None or nxt.end() < verb):
            return self.choose(nxt.group(1)), nxt.group(1)
        return self.choose(am.group(1)), am.group(1)

    def longer(self, am: re.Match[str]) -> re.Match[str] | None:
        """The entity word right after ``am`` when the two name one thing ("user sessions").

        Not when the first is a plural and the second is followed by a count or
        an article: then the second is a verb ("members book 2..12 classes",
        "patients visit a clinic").
        """
        nxt = self.pattern.match(self.text, am.end() + 1)
        if nxt is None:
            return None
        first = am.group(1).split()[-1]
        if lexicon.singular(first) != first and _COUNT_NEXT.match(self.text, nxt.end()):
            return None
        return nxt

    def entity_tail(
        self, phrase: str, allow_unknown: bool = False, head: bool = False
    ) -> tuple[str, str] | None:
        """The entity a phrase ends (or, for a child, starts) with: 'german customers'."""
        words = phrase.split()
        spans = (
            [words[i:] for i in range(len(words))]
            if not head
            else [words[:j] for j in range(len(words), 0, -1)]
            + [words[i:] for i in range(len(words))]
        )
        for span in spans:
            cand = " ".join(span)
            table = self.entity_of(cand)
            if table:
                return table, cand
        if allow_unknown and words:
            cand = words[-1] if not head else words[0]
            table = self.entity_of(cand, allow_unknown=True)
            if table and cand not in lexicon.vocab()["countries"]:
                self.unknown_ok.add(table)
                return table, cand
        return None

    def owner_at(self, pos: int) -> str | None:
        """The table a phrase at ``pos`` is about: the last one named before it (a junction
        named earlier in the clause wins: 'treatments linking patients and dentists, cost ...')."""
        start = self.clause_start(pos)
        linking = [
            m
            for m in self.req.mentions
            if m.table in self.req.junctions and start <= m.start <= pos
        ]
        if linking:
            return max(linking, key=lambda m: m.start).table
        before = [m for m in self.req.mentions if m.start <= pos]
        if before:
            last = max(before, key=lambda m: m.start).table
            for rel in self.req.relations:  # "900 rentals each for a boat, price ...": rentals'
                if (
                    rel.parent == last
                    and rel.kind in ("belongs", "near")
                    and any(m.table == rel.child and start <= m.start < pos for m in before)
                ):
                    return rel.child
            return last
        after = [m for m in self.req.mentions if m.start > pos]
        return min(after, key=lambda m: m.start).table if after else None

    def clause_start(self, pos: int) -> int:
        """Where the clause holding ``pos`` starts (after '.', ';' or a line break)."""
        cut = max(self.text.rfind(" ; ", 0, pos), self.text.rfind(" . ", 0, pos))
        return 0 if cut < 0 else cut + 3


class _Chooser(dict[str, str]):
    """A read-only mapping form -> entity, chosen lazily for this request."""

    def __init__(self, state: State) -> None:
        super().__init__()
        self._state = state

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key in self._state.forms

    def __getitem__(self, key: str) -> str:
        return self._state.choose(key)

    def get(self, key: str, default: str | None = None) -> str | None:  # type: ignore[override]
        return self._state.choose(key) if key in self._state.forms else default
