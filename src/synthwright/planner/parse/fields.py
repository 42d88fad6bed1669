"""Field lists: the columns a request names for a table.

"500 customers with name, email and signup date", "customers: id, first name,
last name", "products (sku, name, price in USD between 5 and 500)", "players
have name, position and birth date". A list ends at a clause's end or at a
new count; a constraint inside an item ("price between 5 and 60", "duration
in seconds") is skipped here (the unit is kept) and read by the range
extractor.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ... import lexicon
from .counts import parse_count
from .model import Relation
from .state import State, table_name
from .words import LIST_START, NOT_ENTITY, RANGE, STOP, VAGUE_WORDS

__all__ = ["read_field_lists", "unit_of", "unit_words"]


def _words(text: str) -> list[str]:
    return text.split()


_NEEDS = r"(?:needs?|requires?|should have|must have|has to have|gets?|stores?|records?|tracks?)"
_SKIP_WORDS = (
    *("between", "over", "under", "above", "below", "aged", "from", "till", "until"),
    *("no", "not", "never", "always", "later", "earlier"),  # "return date no later than ..."
)
_CLAUSE_TABLE = re.compile(r"(?:^|[.;:] |- |\) )(?P<e>[a-z][a-z_]*(?: [a-z][a-z_]*)?) : ")
_ADJECTIVE = ("ly", "al", "ic", "ive", "ous", "ful", "able", "ible", "ed", "ing", "est", "er")
_NOT_TABLE = set(
    _words(
        "tables table fields field columns column note notes format output data dataset schema "
        "example examples e g i e eg ie please hi hello hey thanks also and with need"
    )
)


@lru_cache(maxsize=1)
def _domains() -> frozenset[str]:
    return frozenset(str(w) for w in lexicon.vocab().get("domains", []))


@lru_cache(maxsize=1)
def unit_words() -> dict[str, str]:
    """Every unit word -> its unit key (``seconds`` -> ``s``, ``km/h`` -> ``kmh``)."""
    out: dict[str, str] = {}
    for key, unit in lexicon.vocab().get("units", {}).items():
        for word in unit["words"]:
            out[str(word)] = key
    return out


def unit_of(words: list[str]) -> tuple[str | None, int]:
    """The unit the first words name (longest phrase first) and how many words it took."""
    table = unit_words()
    for n in (3, 2, 1):
        phrase = " ".join(words[:n])
        if len(words) >= n and phrase in table:
            return table[phrase], n
    return None, 0


def read_field_lists(st: State, unknown: bool = False) -> None:
    """Every list of fields after a table's word (known tables, or, second pass, unknown ones)."""
    t = st.text
    if unknown:
        spots = [(mn.table, mn.start + len(mn.word)) for mn in st.req.mentions if not mn.known]
        spots += _clause_tables(st)
    else:
        spots = [
            (st.choose(m.group(1)), m.end())
            for m in st.pattern.finditer(t)
            if not st.setting_at(m.start(), m.group(1)) or re.match(r" \(| :", t[m.end() :])
        ]
    countries = lexicon.vocab()["countries"]
    if unknown:
        _wanted_lists(st)
    for table, end in spots:
        table = st.junction_ends.get(end, table)
        owner = re.search(
            r"\b([a-z][a-z_]*) (?:of|on|for|about|per|for each|for every) (?:the |their |all |each )?$",
            t[: end - len(t[:end].split(" ")[-1])],
        )
        if owner and owner.group(1) in st.forms and st.choose(owner.group(1)) != table:
            table = st.choose(owner.group(1))  # "reviews of books with a rating": the reviews
        elif (
            owner
            and "per" in owner.group(0)
            and lexicon.singular(owner.group(1)) != owner.group(1)
            and owner.group(1) not in NOT_ENTITY
        ):
            table = table_name(owner.group(1))  # "daily sales per store with revenue": sales
        after = t[end:]
        if st.pattern.match(t, end + 1) and not re.match(rf" (?:{LIST_START}|{_NEEDS}) ", after):
            continue  # "user sessions": the first word only qualifies the second
        lm = re.match(
            rf" (?:table |list |dataset |records )?(?:\( \d+ \) )?(?:, (?:[a-z]+ )?\d+ of them ,? )?"
            rf"(?:- |, )?(?:each (?:one |of them )?)?(?:{RANGE} )?(?:[a-z]+ )?"
            rf"(?:{LIST_START}|{_NEEDS}) (?:: )?(?:an? |the )?(?:\d+ (?:rows|records|entries) (?:, )?)?",
            after,
        )
        if not lm:
            lm = re.match(r" (?=- [a-z][a-z ]* - [a-z])", after)  # "employees - name - role"
        if not lm:
            lm = re.match(
                r" (?:(?:from|in|during|over|of) (?:the )?(?:last|past|previous) (?:\d+ )?[a-z]+ )?"
                r"((?:[a-z]+ ){0,4}?)(?:with|including|having) ",
                after,
            )
            if not lm or any(
                w in st.forms
                or (
                    w in ("and", "or", "per", "each")
                    and not any(c in lm.group(1) for c in countries)
                )
                for w in lm.group(1).split()
            ):
                continue
        start = end + lm.end()
        between = re.match(r" ([a-z][a-z_]*) (?::|with|including|having)", after)
        word = between.group(1) if between else ""
        if (
            word
            and not st.known(word)
            and lexicon.singular(word) != word
            and word not in NOT_ENTITY
        ):
            table = table_name(word)  # "car rentals: pickup date, ...": the rentals
            st.add_mention(table, word, end + 1)
            st.unknown_ok.add(table)
        rm = re.match(rf"{RANGE} ", t[start:])
        if rm and (re.search(r"\d", rm.group(0)) or st.pattern.match(t, start + rm.end())):
            continue  # "with about 10 tasks each": a relation, read by relations
        if not st.in_consumed(start):
            _read_list(st, table, start)


_WANT = re.compile(
    r"\bfor (?:each|every)(?: one| of them| row| record| [a-z]+)?(?: ,)? (?:i|we) (?:want|need|"
    r"would like|'d like|'ll need|require) (?:to have |to see |to get )?(?:their |its |the )?"
)


def _wanted_lists(st: State) -> None:
    """'400 employees; for each I want their full name, work email, ...': the table named
    before is the one whose fields follow."""
    for m in _WANT.finditer(st.text):
        table = st.owner_at(m.start())
        if table is not None and not st.in_consumed(m.end()):
            _read_list(st, table, m.end())


_OPENING = re.compile(
    r"(?:^|[.;:!?] )(?:(?:i need|i want|give me|make|generate|create|please|a|an|the|some|"
    r"list of|table of) )*(?:(?P<mod>[a-z]+) )?(?P<e>[a-z][a-z_]*) "
    r"(?:with|having|including|containing|that have) "
)


def _clause_tables(st: State) -> list[tuple[str, int]]:
    """'calls: caller number, callee number': a clause that opens with a name and a colon;
    'cities with latitude and longitude': one that opens with an unknown plural."""
    out = []
    for m in _OPENING.finditer(st.text):
        word = m.group("e")
        if st.known(word) or word in _NOT_TABLE or lexicon.singular(word) == word:
            continue
        if any(mn.start == m.start("e") for mn in st.req.mentions) or st.in_consumed(m.start("e")):
            continue
        mod = m.group("mod") or ""
        if mod and not mod.endswith(_ADJECTIVE) and mod not in _NOT_TABLE and not st.known(mod):
            word = f"{mod} {word}"  # "leave requests with ...": leave_requests
        table = table_name(word)
        st.add_mention(table, word, m.start("e"))
        st.unknown_ok.add(table)
        out.append((table, m.end("e")))
    for m in _CLAUSE_TABLE.finditer(st.text):
        words = m.group("e").split()
        if words[-1] in _NOT_TABLE or st.known(words[-1]) or st.in_consumed(m.start("e")):
            continue
        if m.group("e") in _domains():  # "HR: leave requests for ...": the domain, not a table
            continue
        if any(m.start("e") <= mn.start < m.end("e") for mn in st.req.mentions):
            continue  # "car rentals:": already read as the rentals
        rest = st.text[m.end() :]
        if not re.match(
            r"(?:\d+ (?:rows|records|entries) , )?[a-z][a-z ]*(?: (?:(?! \. )[^,;:])*?)?(?: ,| and )",
            rest,
        ):
            continue
        table = table_name(" ".join(words[-2:]) if len(words) > 1 else words[-1])
        st.add_mention(table, m.group("e"), m.start("e"))
        st.unknown_ok.add(table)
        out.append((table, m.end("e")))
    return out


def _read_list(st: State, table: str, start: int) -> None:
    tokens = st.text[start:].split(" ")
    items: list[list[str]] = [[]]
    pos = start
    end = start
    skip = False
    k = 0
    cats = set(lexicon.vocab()["category_fields"])
    currencies = lexicon.vocab()["currencies"]
    bullets = bool(tokens) and tokens[0] in _BULLETS  # "tenants: - full name - email ..."
    if bullets:
        k, pos = 1, start + len(tokens[0]) + 1
    while k < len(tokens):
        tok = tokens[k]
        nxt = tokens[k + 1] if k + 1 < len(tokens) else ""
        if (bullets and tok in _BULLETS) or (tok == ";" and _item_follows(st, tokens, k)):
            if items[-1]:
                items.append([])  # a bullet, or ';' between short items: the list goes on
            skip = False
            pos += len(tok) + 1
            end = pos
            k += 1
            continue
        if tok == "(" and items[-1] and re.match(r"-?\d", nxt) and ")" in tokens[k:]:
            close = tokens.index(")", k)  # "salary (30000..150000)": a range, read later
            pos += sum(len(x) + 1 for x in tokens[k : close + 1])
            end = pos
            k = close + 1
            continue
        if (
            tok == "("
            and items[-1]
            and ")" in tokens[k + 1 : k + 4]
            and all(re.fullmatch(r"[a-z][a-z_]*", x) for x in tokens[k + 1 : tokens.index(")", k)])
            and " ".join(items[-1]) not in cats
        ):
            close = tokens.index(")", k)  # "session id (uuid)": a note on the item
            pos += sum(len(x) + 1 for x in tokens[k : close + 1])
            end = pos
            k = close + 1
            continue
        if tok == "(" and " ".join(items[-1]) in cats and ")" in tokens[k:]:
            close = tokens.index(")", k)  # "plan (free, pro, enterprise)": values, read later
            pos += sum(len(x) + 1 for x in tokens[k : close + 1])
            end = pos
            k = close + 1
            continue
        num_tok = re.fullmatch(r"-?\d+(?:\.\d+)?(?:\.\.-?\d+(?:\.\d+)?)?(?:/[a-z]+)?", tok)
        if skip:
            if tok == "," or (tok == "and" and not re.match(r"-?\d", nxt)):
                skip = False
                if items[-1]:
                    items.append([])
            elif tok in STOP - {"of", "to", "and", "in"}:
                break
            pos += len(tok) + 1
            end = pos
            k += 1
            continue
        if tok in ("in", "(") and items[-1]:
            unit, n = unit_of(tokens[k + 1 : k + 4])
            if unit is not None:
                st.req.units[(table, " ".join(items[-1]))] = unit
                step = 1 + n + (tokens[k + 1 + n : k + 2 + n] == [")"])
                pos += sum(len(x) + 1 for x in tokens[k : k + step])
                end = pos
                k += step
                continue
            if nxt in currencies:
                st.req.currency = st.req.currency or currencies[nxt]
                step = 2 + (tokens[k + 2 : k + 3] == [")"])
                pos += sum(len(x) + 1 for x in tokens[k : k + step])
                end = pos
                k += step
                continue
        if tok == "whether" and not items[-1]:  # "whether it is in stock": a flag
            gone = re.match(
                r"(?:(?:it|they|he|she|the [a-z]+) (?:is|are|was|has|have) |it's )",
                " ".join(tokens[k + 1 : k + 4]) + " ",
            )
            skip_n = len(gone.group(0).split()) if gone else 0
            words: list[str] = []
            for x in tokens[k + 1 + skip_n :]:
                if x in (",", ";", ".", "and", "or", ")") or len(words) == 3:
                    break
                words.append(x)
            items[-1] = [*words, "\x00"]  # the flag's words, kept as one item
            pos += sum(len(x) + 1 for x in tokens[k : k + 1 + skip_n + len(words)])
            end = pos
            k += 1 + skip_n + len(words)
            continue
        if tok in currencies and items[-1] and re.match(r"-?\d", nxt):
            st.req.currency = st.req.currency or currencies[tok]  # "rent eur 400..2500"
            pos += len(tok) + 1
            end = pos
            k += 1
            continue
        if tok == "in" and items[-1] and nxt in _TIME_NOUNS:
            items[-1].append(tok)  # "move in date", "log in time": one field
            pos += len(tok) + 1
            end = pos
            k += 1
            continue
        if tok == "per" and nxt in ("night", "hour", "day", "month", "unit", "person", "week"):
            items[-1] += [tok, nxt]
            pos += len(tok) + len(nxt) + 2
            end = pos
            k += 2
            continue
        if tok in (",", "and", "&", "/", "plus", "or") or (tok == "as" and not items[-1]):
            if items[-1]:
                items.append([])
        elif tok == "at" and items[-1] and nxt in (",", "and", "", "or", ";", ".", ")", "("):
            items[-1].append(tok)  # "started at", "created at": a time column
        elif tok in _SKIP_WORDS or (
            tok in ("at", "more", "less", "up")
            and items[-1]
            and nxt in ("least", "most", "than", "to")
        ):
            skip = True  # a constraint on this item: read by constraints, skipped here
            if items[-1]:
                items.append([])
        elif (
            tok in ("is", "are", "of", ":", "=", "(")
            and " ".join(w for w in items[-1] if w not in ("a", "an", "the")) in cats
        ):
            break  # "status of pending, shipped": a value list, read by constraints
        elif tok in STOP and not items[-1] and nxt in ("at", "on", "date", "time"):
            items[-1].append(tok)  # "placed at", "created on": a time column
        elif (
            tok in ("-", "*", "\u2022")
            or re.fullmatch(r"\d+\.", tok)
            or (tok in STOP and not (tok == "of" and items[-1]) and tok != "in")
            or tok == "in"
        ):
            break
        elif tok in _ABOUT and re.match(r"\d", nxt):
            break  # "..., about 30 transactions per account": a count, not a field
        elif num_tok and not items[-1]:
            if "." not in tok and float(tok) > 20:
                break  # ", 2000 passengers": a new count, not a field
            items[-1].append(tok)
        elif tok == "%":
            break
        elif num_tok:
            skip = True  # "bedrooms 1..6": a range on this item, read by the range extractor
            if items[-1]:
                items[-1].append("\x01")  # a field with a number, never a table
                items.append([])
        else:
            items[-1].append(tok)
        pos += len(tok) + 1
        end = pos
        k += 1
    st.consumed.append((start, end))
    _keep_items(st, table, items, start)


_BULLETS = ("-", "*", "\u2022")
_TIME_NOUNS = ("date", "time", "timestamp")
_ABOUT = ("about", "around", "roughly", "approximately", "approx", "~", "some", "nearly")


def _item_follows(st: State, tokens: list[str], k: int) -> bool:
    """A ';' inside a list: the words up to the next ';' (or the end) are one short item
    ("with title; instructor; start date; price"), not a new clause."""
    words: list[str] = []
    for tok in tokens[k + 1 :]:
        if tok in (";", "."):
            break
        words.append(tok)
    if not 1 <= len(words) <= 3:
        return False
    if words[0] in st.forms and lexicon.singular(words[0]) != words[0]:
        return False  # "; orders with total": a new table's clause
    return all(re.fullmatch(r"[a-z][a-z_]*", w) and w not in STOP for w in words)


def _keep_items(st: State, table: str, items: list[list[str]], start: int) -> None:
    cats = set(lexicon.vocab()["category_fields"])
    values = False  # after "status paid": items are values until one is a field again
    for words in items:
        numbered = "\x01" in words
        words = [w for w in words if w not in ("\x00", "\x01")]
        if not words:
            continue
        phrase = " ".join(words)
        if values and lexicon.field_for(phrase) is None:
            continue
        values = False
        if VAGUE_WORDS.match(phrase):
            st.req.vague.add(table)
            continue
        child_text = (
            re.sub(rf"^{RANGE} ", "", phrase + " ").strip()
            if re.match(rf"^{RANGE} [a-z]", phrase)
            else phrase
        )
        child_text = re.sub(r"^(?:their|its|his|her|the) ", "", child_text)
        child = st.entity_of(child_text)
        counted = child_text != phrase
        if (
            child is not None
            and not counted
            and (
                numbered
                or lexicon.singular(child_text) == child_text
                or lexicon.field_for(child_text)
            )
        ):
            child = None  # "address", "phone", "likes": a field, not a table
        if child is not None and child != table:
            rng = phrase[: len(phrase) - len(child_text)].strip()
            count = parse_count(rng) if rng else None
            if st.setting(table, start) and count is not None and count.lo == count.hi:
                st.req.counts.setdefault(child, []).append(
                    count.lo
                )  # "a company with 200 employees"
            else:
                st.req.relations.append(Relation(table, child, count, start))
            st.add_mention(child, child_text, start)
            continue
        if re.fullmatch(r"[\d. %-]+", phrase) or len(words) > 5:
            continue
        if (
            words[0] in cats
            and len(words) > 1
            and lexicon.field_for(phrase) is None
            and lexicon.field_for(" ".join(words[1:])) is None
        ):
            st.req.fields.setdefault(table, []).append(words[0])
            values = True  # "status paid, sent or overdue": values, read by constraints
            continue
        st.req.fields.setdefault(table, [])
        if phrase not in st.req.fields[table]:
            st.req.fields[table].append(phrase)
