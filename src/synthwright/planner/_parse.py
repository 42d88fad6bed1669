"""Understanding an English data request, without a model.

``parse_request`` turns a prompt into a ``Request``: which tables are meant
(entity mentions, known or not), how many rows (``500 customers``, ``10k
users``, ``a million events``), how tables relate (``each customer has 1-5
orders``, ``about 3 reviews per product``), listed fields (``with name, email
and signup date``), constraints (ranges, value lists, uniqueness, shares,
missing values, currencies), countries/locales, time windows and the output
format. It only reads the text; deciding what the spec looks like is the
builder's job (``offline.py``).

The text is normalised first (lower case, punctuation as separate tokens,
number words and ``10k``/``1.5 million`` as digits, numeric ranges as
``A..B``) so the patterns below stay simple.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

from ..errors import SpecError
from ._fields import resolve_field
from .knowledge import alias_index, entity

__all__ = [
    "Constraint",
    "Count",
    "Mention",
    "Relation",
    "Request",
    "check_prompt",
    "normalise",
    "parse_count",
    "parse_request",
]


# --- results -------------------------------------------------------------------


@dataclass
class Count:
    """A per-parent count: ``lo``..``hi`` with an optional mean (``about 3``)."""

    lo: int
    hi: int | None
    mean: float | None = None
    text: str = ""


@dataclass
class Mention:
    """A table the request names, at a position of the normalised text."""

    table: str
    word: str
    start: int
    known: bool


@dataclass
class Relation:
    """``child`` rows belong to ``parent`` rows; ``count`` is per parent."""

    parent: str
    child: str
    count: Count | None
    pos: int


@dataclass
class Constraint:
    """A rule on a field: kind is range, values, unique, percent, null or window."""

    kind: str
    field: str | None
    pos: int
    table: str | None = None
    lo: float | None = None
    hi: float | None = None
    values: list[str] | dict[str, float] | None = None
    only: bool = False
    text: str = ""
    at_least: bool = False


@dataclass
class Request:
    """Everything read from one prompt."""

    text: str
    mentions: list[Mention] = field(default_factory=list)
    counts: dict[str, list[int]] = field(default_factory=dict)
    relations: list[Relation] = field(default_factory=list)
    fields: dict[str, list[str]] = field(default_factory=dict)
    vague: set[str] = field(default_factory=set)
    constraints: list[Constraint] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    currency: str | None = None
    output_format: str | None = None
    seed: int | None = None

    def tables(self) -> list[str]:
        """Tables in order of first mention."""
        seen: list[str] = []
        for m in sorted(self.mentions, key=lambda m: m.start):
            if m.table not in seen:
                seen.append(m.table)
        return seen


# --- normalisation -------------------------------------------------------------

_UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "dozen": 12,
}
_SCALES = {
    "hundred": 100,
    "thousand": 1000,
    "million": 1_000_000,
    "billion": 1_000_000_000,
    "millions": 1_000_000,
    "thousands": 1000,
    "hundreds": 100,
}
_SUFFIXED = re.compile(r"^(\d+(?:\.\d+)?)(k|m|mm|mn|b|bn)$")
_PLAIN_NUM = re.compile(r"^\d+(?:\.\d+)?$")
_DASH_RANGE = re.compile(r"^(\d+(?:\.\d+)?)-(\d+(?:\.\d+)?)$")


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _read_number(tokens: list[str], i: int) -> tuple[float | None, int]:
    """The number phrase starting at token i (``2.5 million``, ``a thousand``)."""
    total = 0.0
    current = 0.0
    seen = False
    j = i
    while j < len(tokens):
        tok = tokens[j]
        suffixed = _SUFFIXED.match(tok)
        if suffixed and not seen:
            mult = {"k": 1e3, "m": 1e6, "mm": 1e6, "mn": 1e6, "b": 1e9, "bn": 1e9}
            current = float(suffixed.group(1)) * mult[suffixed.group(2)]
            seen = True
        elif _PLAIN_NUM.match(tok) and not seen:
            current = float(tok)
            seen = True
        elif tok in _UNITS and (
            not seen
            or (_UNITS[tok] < 10 and current % 100 >= 20 and current % 10 == 0)
            or (_UNITS[tok] < 100 and current > 0 and current % 100 == 0)
        ):
            if tok == "one" and j + 1 < len(tokens) and tokens[j + 1] in ("of", "or"):
                break
            current += _UNITS[tok]
            seen = True
        elif (
            tok in ("a", "an")
            and not seen
            and j + 1 < len(tokens)
            and (tokens[j + 1] in _SCALES or tokens[j + 1] == "dozen")
        ):
            current = 1
            seen = True
        elif tok in _SCALES and seen:
            scale = _SCALES[tok]
            if scale == 100:
                current = (current or 1) * 100
            else:
                total += (current or 1) * scale
                current = 0
        elif tok == "and" and seen and j + 1 < len(tokens) and tokens[j + 1] in _UNITS:
            pass
        else:
            break
        j += 1
    if not seen:
        return None, i
    return total + current, j


def normalise(prompt: str) -> str:
    """Lower-case tokens separated by single spaces, numbers as digits, ranges as A..B."""
    text = prompt.replace("\u2013", "-").replace("\u2014", " - ").replace("\u2019", "'")
    text = text.lower()
    text = re.sub(r"\be-mail", "email", text)
    text = re.sub(r"(\d),(\d{3})\b", r"\1\2", text)
    text = re.sub(r"(\d),(\d{3})\b", r"\1\2", text)
    text = re.sub(r"[$\u20ac\u00a3](\d)", r"\1", text)
    text = re.sub(r"(\d)\s*%", r"\1 %", text)
    text = re.sub(r"([,;:()!?\"]|\.(?!\d)|'s\b)", r" \1 ", text)
    text = re.sub(r"(\d)\s*-\s*(\d)", r"\1-\2", text)
    tokens = text.split()
    out: list[str] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        dash = _DASH_RANGE.match(tok)
        if dash:
            out.append(f"{dash.group(1)}..{dash.group(2)}")
            i += 1
            continue
        value, j = _read_number(tokens, i)
        if value is not None and j > i:
            out.append(_fmt(value))
            i = j
            continue
        out.append(tok)
        i += 1
    text = " ".join(out)
    num = r"-?\d+(?:\.\d+)?"
    text = re.sub(rf"\bbetween ({num}) and ({num})\b", r"between \1..\2", text)
    text = re.sub(rf"\bfrom ({num}) (?:to|until|till|through) ({num})\b", r"from \1..\2", text)
    text = re.sub(rf"\b({num}) (?:to|-) ({num})\b", r"\1..\2", text)
    text = text.replace("a couple of", "2").replace("a few", "about 3")
    return text


# --- counts ----------------------------------------------------------------------

_VAGUE_COUNTS = {
    "some": None,
    "several": 5,
    "many": 8,
    "multiple": 3,
    "a": 1,
    "an": 1,
    "one or more": None,
    "zero or more": None,
}


def parse_count(text: str) -> Count | None:
    """A per-parent count from ``1..5``, ``about 3``, ``up to 10``, ``at least 2``, ``4``."""
    text = normalise(text) if not re.fullmatch(r"[a-z~ .\d]*", text) else text
    text = text.strip()
    m = re.search(r"(\d+)\.\.(\d+)", text)
    if m:
        return Count(int(m.group(1)), int(m.group(2)), text=text)
    m = re.search(
        r"(?:up to|at most|no more than|max(?:imum)?(?: of)?|fewer than|less than) "
        r"(\d+)",
        text,
    ) or re.search(r"(\d+) (?:at most|max|or fewer|or less)", text)
    if m:
        return Count(0, int(m.group(1)), text=text)
    m = re.search(r"(?:at least|min(?:imum)?(?: of)?|more than) (\d+)", text) or re.search(
        r"(\d+) or more", text
    )
    if m:
        lo = int(m.group(1))
        return Count(lo, max(lo * 3, lo + 5), mean=lo + 1.0, text=text)
    m = re.search(
        r"(?:about|around|approximately|approx|roughly|~|on average|an average of|"
        r"average of|typically|usually) ?(\d+(?:\.\d+)?)",
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


# --- vocabulary --------------------------------------------------------------------

COUNTRIES: dict[str, str] = {
    "german": "DE",
    "germany": "DE",
    "french": "FR",
    "france": "FR",
    "british": "GB",
    "uk": "GB",
    "united kingdom": "GB",
    "england": "GB",
    "english": "GB",
    "scottish": "GB",
    "american": "US",
    "usa": "US",
    "united states": "US",
    "america": "US",
    "spanish": "ES",
    "spain": "ES",
    "italian": "IT",
    "italy": "IT",
    "dutch": "NL",
    "netherlands": "NL",
    "holland": "NL",
    "brazilian": "BR",
    "brazil": "BR",
    "japanese": "JP",
    "japan": "JP",
    "austrian": "AT",
    "austria": "AT",
    "swiss": "CH",
    "switzerland": "CH",
    "canadian": "CA",
    "canada": "CA",
    "australian": "AU",
    "australia": "AU",
    "irish": "IE",
    "ireland": "IE",
    "mexican": "MX",
    "mexico": "MX",
    "portuguese": "PT",
    "portugal": "PT",
    "belgian": "BE",
    "belgium": "BE",
    "polish": "PL",
    "poland": "PL",
    "swedish": "SE",
    "sweden": "SE",
    "indian": "IN",
    "india": "IN",
}
LOCALES: dict[str, str] = {
    "DE": "de_DE",
    "AT": "de_DE",
    "CH": "de_DE",
    "FR": "fr_FR",
    "BE": "fr_FR",
    "GB": "en_GB",
    "IE": "en_GB",
    "AU": "en_GB",
    "US": "en_US",
    "CA": "en_US",
    "ES": "es_ES",
    "MX": "es_ES",
    "IT": "it_IT",
    "NL": "nl_NL",
    "BR": "pt_BR",
    "PT": "pt_BR",
    "JP": "ja_JP",
}
CURRENCIES: dict[str, str] = {
    "eur": "EUR",
    "euro": "EUR",
    "euros": "EUR",
    "usd": "USD",
    "dollar": "USD",
    "dollars": "USD",
    "us dollars": "USD",
    "gbp": "GBP",
    "pound": "GBP",
    "pounds": "GBP",
    "sterling": "GBP",
    "jpy": "JPY",
    "yen": "JPY",
    "chf": "CHF",
    "swiss francs": "CHF",
    "cad": "CAD",
    "aud": "AUD",
    "sek": "SEK",
    "pln": "PLN",
    "brl": "BRL",
    "inr": "INR",
    "mxn": "MXN",
    "cny": "CNY",
    "yuan": "CNY",
}
FORMATS: dict[str, str] = {
    "csv": "csv",
    "parquet": "parquet",
    "json lines": "jsonl",
    "jsonl": "jsonl",
    "ndjson": "jsonl",
    "json": "json",
    "excel": "xlsx",
    "xlsx": "xlsx",
    "spreadsheet": "xlsx",
    "sql": "sql",
    "sql inserts": "sql",
    "xml": "xml",
    "sqlite": "sqlite",
    "duckdb": "duckdb",
}
_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
_MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})

_STOP = {
    ".",
    ";",
    "where",
    "whose",
    "per",
    "each",
    "every",
    "in",
    "from",
    "between",
    "placed",
    "as",
    "for",
    "who",
    "which",
    "that",
    "so",
    "but",
    "all",
    "only",
    "must",
    "should",
    "are",
    "is",
    "aged",
    "during",
    "since",
    "before",
    "after",
    "over",
    "under",
    "plus",
    "also",
    "then",
    "export",
    "output",
    "save",
    "saved",
    "format",
    "?",
    "!",
    "(",
    ")",
    "whereby",
    "written",
    "made",
    "created",
    "within",
    "of",
    "at",
    "with",
    "by",
    "to",
    "into",
}
_LIST_START = (
    r"(?:with|including|includes|include|containing|contains|having|has|have|"
    r"that have|who have|fields|columns|attributes|:)"
)
_VAGUE_WORDS = re.compile(
    r"^(?:some|basic|the usual|usual|relevant|typical|standard|common|various|other|any|"
    r"whatever|a few|several|all the|the|misc|miscellaneous)?\s*(?:details|info|information|"
    r"fields|attributes|data|stuff|properties|columns|things|bits)$"
)
_RANGE_WORDS = (
    r"(?:(?:about|around|approximately|approx|roughly|~|on average|an average of|average of|"
    r"up to|at most|no more than|maximum of|max|at least|minimum of|min|exactly|between|from|"
    r"typically|usually) )?"
)
RANGE = (
    rf"(?P<range>{_RANGE_WORDS}\d+(?:\.\d+)?(?:\.\.\d+)?(?: (?:on average|or more|or fewer|"
    rf"or less|at most|max))?|some|several|many|multiple|a|an|one or more)"
)


@lru_cache(maxsize=1)
def _alias_pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    index = alias_index()
    forms = sorted(index, key=len, reverse=True)
    alt = "|".join(re.escape(f) for f in forms)
    return re.compile(rf"(?<![\w-])({alt})(?![\w-])"), index


_NOT_ENTITY = {
    "years",
    "days",
    "months",
    "weeks",
    "hours",
    "minutes",
    "seconds",
    "percent",
    "rows",
    "records",
    "entries",
    "samples",
    "examples",
    "times",
    "more",
    "of",
    "to",
    "and",
    "or",
    "per",
    "each",
    "with",
    "in",
    "k",
    "items",
    "fields",
    "columns",
    "tables",
    "stars",
    "units",
    "pieces",
    "dollars",
    "euros",
    "pounds",
    "people",
    "persons",
    "new",
    "random",
    "fake",
    "synthetic",
    "realistic",
    "unique",
    "different",
    "distinct",
    "total",
    "points",
    "max",
    "maximum",
    "minimum",
    "min",
    "levels",
    "kg",
    "cm",
    "km",
    "mg",
    "ms",
    "usd",
    "eur",
    "gbp",
    "%",
    "..",
    "rated",
    "only",
    "percentages",
    "than",
    "free",
}
_ADJ = r"(?:[a-z]+ ){0,2}?"
_NOT_VALUE = {"and", "or", "of", "to", "per", "each", "with", "in", "%", "..", "than", "only"}
_GAP_STOP = {
    "per",
    "each",
    "a",
    "an",
    "seed",
    "top",
    "than",
    "within",
    "of",
    "last",
    "past",
    "next",
    "at",
    "by",
    "in",
    "and",
    "or",
    "with",
    "between",
    "from",
    "to",
    "for",
    "every",
    "is",
    "are",
    "has",
    "have",
    "up",
    "about",
    "around",
    "exactly",
    "least",
    "most",
}


# --- the parser --------------------------------------------------------------------

_ROWS_OF = re.compile(r"(?:rows|records|entries|samples|examples) (?:of|for) (?:the )?")
_WORD_SPACE = re.compile(r"([a-z]+) ")
_WORD = re.compile(r"([a-z]+)\b")
_AGE_WORD = re.compile(r"[a-z]+ (?:old|long|ago|later|apart|wide)\b")
# prompts longer than this are refused (the parser's passes scan per mention)
MAX_PROMPT_CHARS = 20_000


class _Parser:
    def __init__(self, text: str, original: str) -> None:
        self.text = text
        self.original = original
        self.req = Request(text=text)
        self.pattern, self.index = _alias_pattern()
        self.consumed: list[tuple[int, int]] = []
        self.rel_spans: list[tuple[int, int]] = []
        self.unknown_ok: set[str] = set()

    # entity words --------------------------------------------------------------------

    def entity_of(self, word: str, allow_unknown: bool = False) -> str | None:
        word = word.strip()
        if word in self.index:
            return self.index[word]
        if allow_unknown and re.fullmatch(r"[a-z][a-z_]+", word) and word not in _NOT_ENTITY:
            return _plural_table(word)
        return None

    def add_mention(self, table: str, word: str, start: int) -> None:
        known = word in self.index
        if not any(m.table == table and m.start == start for m in self.req.mentions):
            self.req.mentions.append(Mention(table, word, start, known))

    def in_consumed(self, pos: int) -> bool:
        return any(a <= pos < b for a, b in self.consumed)

    # passes ------------------------------------------------------------------------

    def run(self) -> Request:
        self.output_and_seed()
        self.field_lists()
        self.relations()
        self.counts()
        self.table_of()
        self.field_lists(unknown=True)
        self.known_mentions()
        self.constraints()
        self.countries()
        self.windows()
        return self.req

    def output_and_seed(self) -> None:
        t = self.text
        fmt_alt = "|".join(sorted((re.escape(k) for k in FORMATS), key=len, reverse=True))
        m = re.search(
            rf"\b(?:as|in|to|into|export(?:ed)?(?: as| to)?|output(?: as| to)?|format|"
            rf"save(?:d)?(?: as| to)?|write(?: it)?(?: as| to)?) (?:an? |the )?"
            rf"({fmt_alt})\b",
            t,
        ) or re.search(rf"\b({fmt_alt}) (?:files?|format|output|export|dump|database|db)\b", t)
        if m:
            self.req.output_format = FORMATS[m.group(1)]
            self.consumed.append((m.start(), m.end()))
        m = re.search(r"\bseed (?:of |= ?|: ?)?(\d+)", t)
        if m:
            self.req.seed = int(m.group(1))
            self.consumed.append((m.start(), m.end()))

    def field_lists(self, unknown: bool = False) -> None:
        t = self.text
        if unknown:
            spots = [
                (mn.table, mn.start + len(mn.word)) for mn in self.req.mentions if not mn.known
            ]
        else:
            spots = [(self.index[m.group(1)], m.end()) for m in self.pattern.finditer(t)]
        for table, end in spots:
            after = t[end:]
            if self.pattern.match(t, end + 1):
                continue  # "user sessions": the first word only qualifies the second
            lm = re.match(rf" (?:{RANGE} )?(?:[a-z]+ )?{_LIST_START} ", after)
            if not lm:
                lm = re.match(r" ((?:[a-z]+ ){0,4}?)(?:with|including|having) ", after)
                if not lm or any(
                    w in self.index
                    or (
                        w in ("and", "or", "per", "each")
                        and not any(c in lm.group(1) for c in COUNTRIES)
                    )
                    for w in lm.group(1).split()
                ):
                    continue
            start = end + lm.end()
            rm = re.match(rf"{RANGE} ", t[start:])
            if rm and (re.search(r"\d", rm.group(0)) or self.pattern.match(t, start + rm.end())):
                continue  # "with about 10 tasks each": a relation, read by relations()
            if not self.in_consumed(start):
                self._read_list(table, start)

    def _read_list(self, table: str, start: int) -> None:
        tokens = self.text[start:].split(" ")
        items: list[list[str]] = [[]]
        pos = start
        end = start
        skip = False
        for k, tok in enumerate(tokens):
            num_tok = re.fullmatch(r"-?\d+(?:\.\d+)?(?:\.\.-?\d+(?:\.\d+)?)?", tok)
            if skip:
                nxt = tokens[k + 1] if k + 1 < len(tokens) else ""
                if tok == "," or (tok == "and" and not re.match(r"-?\d", nxt)):
                    skip = False
                    if items[-1]:
                        items.append([])
                elif tok in _STOP - {"of", "to", "and"}:
                    break
                pos += len(tok) + 1
                end = pos
                continue
            if tok in (",", "and", "&", "/", "plus", "or") or (tok == "as" and not items[-1]):
                if items[-1]:
                    items.append([])
            elif tok in ("between", "over", "under", "above", "below", "aged", "from") or (
                tok in ("at", "more", "less", "up") and items[-1]
            ):
                skip = True  # a constraint on this item: read by constraints(), skipped here
                if items[-1]:
                    items.append([])
            elif (
                tok in ("is", "are", "of", ":", "=")
                and " ".join(w for w in items[-1] if w not in ("a", "an", "the"))
                in _CATEGORY_FIELDS
            ):
                break  # "status of pending, shipped": a value list, read by constraints()
            elif tok in _STOP and not (tok == "of" and items[-1]):
                break
            elif num_tok and not items[-1]:
                if "." not in tok and float(tok) > 20:
                    break  # ", 2000 passengers": a new count, not a field
                items[-1].append(tok)
            elif re.fullmatch(r"-?\d+(?:\.\d+)?(?:\.\.\d+(?:\.\d+)?)?|%", tok):
                break
            else:
                items[-1].append(tok)
            pos += len(tok) + 1
            end = pos
        self.consumed.append((start, end))
        for words in items:
            words = [w for w in words if w != "\x00"]
            if not words:
                continue
            phrase = " ".join(words)
            if _VAGUE_WORDS.match(phrase):
                self.req.vague.add(table)
                continue
            child_text = (
                re.sub(rf"^{RANGE} ", "", phrase + " ").strip()
                if re.match(rf"^{RANGE} [a-z]", phrase)
                else phrase
            )
            child_text = re.sub(r"^(?:their|its|his|her|the) ", "", child_text)
            child = self.entity_of(child_text)
            counted = child_text != phrase
            if (
                child is not None
                and not counted
                and (not child_text.endswith("s") or child_text.endswith("ss"))
            ):
                child = None  # "address", "phone": a field, not a table
            if child is not None and child != table:
                rng = phrase[: len(phrase) - len(child_text)].strip()
                self.req.relations.append(
                    Relation(table, child, parse_count(rng) if rng else None, start)
                )
                self.add_mention(child, child_text, start)
                continue
            if re.fullmatch(r"[\d. %-]+", phrase) or len(words) > 4:
                continue
            if (
                words[0] in _CATEGORY_FIELDS
                and len(words) > 1
                and resolve_field(phrase, entity(table))[1] is not None
            ):
                self.req.fields.setdefault(table, []).append(words[0])
                break  # "status paid, sent or overdue": values, read by constraints()
            self.req.fields.setdefault(table, [])
            if phrase not in self.req.fields[table]:
                self.req.fields[table].append(phrase)

    def relations(self) -> None:
        t = self.text
        ent = r"(?P<{}>[a-z][a-z ]*?)"
        verbs = (
            r"(?:has|have|with|gets?|places?|placed|makes?|made|writes?|wrote|owns?|"
            r"holds?|takes?|attends?|books?|booked|receives?|generates?|creates?|"
            r"contains?|includes?|can have|should have|may have|having|produces?|"
            r"emits?|logs?|sends?|enrols? in|enrolls? in|is enrolled in)"
        )
        patterns = [
            rf"\b(?:each|every|per|one) {ent.format('p')} (?:[a-z]+ )?{verbs} {RANGE} "
            rf"{_ADJ}{ent.format('c')}(?= |$)",
            rf"{RANGE} {_ADJ}{ent.format('c')} (?:per|for each|for every|each|a|an|on each|"
            rf"in each|for a|for an) {ent.format('p')}(?= |$)",
            rf"\b{ent.format('p')} (?:who|that|which)? ?{verbs} {RANGE} {_ADJ}"
            rf"{ent.format('c')} (?:each|apiece)\b",
            rf"\b{ent.format('c')} (?:per|for each|for every) {ent.format('p')}(?= |$)",
        ]
        for idx, pat in enumerate(patterns):
            for m in re.finditer(pat, t):
                if self.in_consumed(m.start("c")):
                    continue
                parent = self._alias_at(m.start("p")) or self._entity_tail(
                    m.group("p"), allow_unknown=idx in (0, 1)
                )
                child = self._alias_at(m.start("c")) or self._entity_tail(
                    m.group("c"), allow_unknown=idx in (0, 1), head=True
                )
                if parent is None or child is None or parent[0] == child[0]:
                    continue
                rng = m.groupdict().get("range")
                count = parse_count(rng) if rng else None
                self.req.relations.append(Relation(parent[0], child[0], count, m.start()))
                self.add_mention(parent[0], parent[1], m.start("p"))
                self.add_mention(child[0], child[1], m.start("c"))
                self.consumed.append((m.start(), m.end()))
                self.rel_spans.append((m.start(), m.end()))
        # looser links: "customers and their orders", "orders of those customers"
        for m in re.finditer(
            r"\b(?P<p>[a-z]+(?: [a-z]+)?) (?:and|with|plus) (?:their|its|his|her|the|all) "
            r"(?P<c>[a-z]+(?: [a-z]+)?)\b",
            t,
        ):
            parent = self._entity_tail(m.group("p"))
            child = self._entity_tail(m.group("c"), head=True)
            if parent and child and parent[0] != child[0]:
                self.req.relations.append(Relation(parent[0], child[0], None, m.start()))

    def _alias_at(self, pos: int) -> tuple[str, str] | None:
        am = self.pattern.match(self.text, pos)
        if am is None:
            return None
        nxt = self.pattern.match(self.text, am.end() + 1)
        if nxt is not None:  # "user sessions" -> sessions
            return self.index[nxt.group(1)], nxt.group(1)
        return self.index[am.group(1)], am.group(1)

    def _entity_tail(
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
            if table and cand not in COUNTRIES:
                self.unknown_ok.add(table)
                return table, cand
        return None

    def counts(self) -> None:
        t = self.text
        for m in re.finditer(r"(?<![\w.])(\d+)(?![\w.])", t):
            if self.in_consumed(m.start()) or t.startswith(" %", m.end()):
                continue
            pos = m.end() + 1
            rm = _ROWS_OF.match(t, pos)
            if rm:
                pos = rm.end()
            found: tuple[str, str, int] | None = None
            p = pos
            for _ in range(3):
                am = self.pattern.match(t, p)
                if am:
                    found = (self.index[am.group(1)], am.group(1), p)
                    break
                wm = _WORD_SPACE.match(t, p)
                if not wm or wm.group(1) in _NOT_ENTITY or wm.group(1) in _GAP_STOP:
                    break
                p = wm.end()
            if found is None:
                # "300 spaceships": an unknown plural noun right after a count
                wm = _WORD.match(t, pos)
                # the word before the count (a window: slicing the whole prefix per
                # number made this pass quadratic in the prompt's length)
                prev = t[max(0, m.start() - 100) : m.start()].split()[-1:] or [""]
                if (
                    wm
                    and wm.group(1).endswith("s")
                    and wm.group(1) not in _NOT_ENTITY
                    and wm.group(1) not in COUNTRIES
                    and (prev[0] not in _GAP_STOP or prev[0] == "of")
                    and not _AGE_WORD.match(t, pos)
                ):
                    table = _plural_table(wm.group(1))
                    found = (table, wm.group(1), pos)
                    self.unknown_ok.add(table)
            if found is None:
                continue
            self.req.counts.setdefault(found[0], []).append(int(m.group(1)))
            self.add_mention(found[0], found[1], found[2])

    def known_mentions(self) -> None:
        for m in self.pattern.finditer(self.text):
            if self.in_consumed(m.start()) and not any(
                x.start == m.start() for x in self.req.mentions
            ):
                continue
            if self.pattern.match(self.text, m.end() + 1):
                continue  # "user sessions", "customer orders": a qualifier
            before = self.text[max(0, m.start() - 12) : m.start()]
            after = self.text[m.end() : m.end() + 12]
            # "customer name" or "order date" are fields, not tables
            if re.match(
                r" (?:name|email|id|date|number|count|total|status|type|address|"
                r"phone|age|data|details|info)\b",
                after,
            ) and not re.match(r" (?:data|details|info)\b", after):
                continue
            if re.search(r"\b(?:of|per|each|every)\s*$", before) and any(
                r.parent == self.index[m.group(1)] for r in self.req.relations
            ):
                pass
            self.add_mention(self.index[m.group(1)], m.group(1), m.start())

    def table_of(self) -> None:
        for m in re.finditer(
            r"\b(?:table|list|dataset|database|set|catalogue|catalog|"
            r"inventory|collection) of (?:the |some |\d+ )?([a-z]+)\b",
            self.text,
        ):
            if (
                m.group(1) not in self.index
                and m.group(1) not in _NOT_ENTITY
                and not any(mn.start == m.start(1) for mn in self.req.mentions)
            ):
                table = _plural_table(m.group(1))
                self.unknown_ok.add(table)
                self.add_mention(table, m.group(1), m.start(1))

    # constraints -----------------------------------------------------------------------

    def _owner_at(self, pos: int) -> str | None:
        before = [m for m in self.req.mentions if m.start <= pos]
        if before:
            return max(before, key=lambda m: m.start).table
        after = [m for m in self.req.mentions if m.start > pos]
        return min(after, key=lambda m: m.start).table if after else None

    def _add(self, c: Constraint) -> None:
        c.table = c.table or self._owner_at(c.pos)
        self.req.constraints.append(c)

    def constraints(self) -> None:
        t = self.text
        num = r"-?\d+(?:\.\d+)?"
        fld = r"(?P<f>[a-z_]+(?: [a-z_]+)?)"
        for m in re.finditer(
            rf"\b{fld} (?:(?:is|are|of|must be|should be|ranges?|range|"
            rf"values?|in the range|within|lies|lie|has|with) )*(?:between |from "
            rf"|of )?(?P<lo>{num})\.\.(?P<hi>{num})\b",
            t,
        ):
            f = _field_tail(m.group("f"))
            if (
                f is None
                or (f in ("aged", "age") and "aged" in m.group(0))
                or self._is_count_of_entity(m)
            ):
                continue
            lo, hi = float(m.group("lo")), float(m.group("hi"))
            if _is_year(lo) and _is_year(hi) and f in _TIME_VERBS:
                continue
            self._add(Constraint("range", f, m.start(), lo=lo, hi=hi, text=m.group(0)))
        for m in re.finditer(rf"\baged? (?:between )?(?P<lo>{num})\.\.(?P<hi>{num})", t):
            self._add(
                Constraint(
                    "range",
                    "age",
                    m.start(),
                    lo=float(m.group("lo")),
                    hi=float(m.group("hi")),
                    text=m.group(0),
                )
            )
        bound = (
            rf"\b{fld} (?:(?:is|are|must be|should be|always|of|with) )*(?P<op>over|above|"
            rf"more than|greater than|at least|>=|>|minimum of|min|under|below|less than|"
            rf"at most|up to|no more than|<=|<|maximum of|max) (?P<n>{num})\b(?! %)"
        )
        for m in re.finditer(bound, t):
            f = _field_tail(m.group("f"))
            if f is None:
                continue
            n = float(m.group("n"))
            low = m.group("op") in (
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
            self._add(
                Constraint(
                    "range",
                    f,
                    m.start(),
                    lo=n if low else None,
                    hi=None if low else n,
                    text=m.group(0),
                )
            )
        self._value_lists()
        self._uniques()
        self._percents()
        cur = "|".join(sorted((re.escape(k) for k in CURRENCIES), key=len, reverse=True))
        cm = re.search(rf"\b(?:in|as|using|with|currency|denominated in) ({cur})\b", t) or (
            re.search(rf"\b({cur}) (?:prices|amounts|currency|only)\b", t)
        )
        cm = cm or re.search(r"\d (dollars|euros|pounds|yen)\b", t)
        if cm:
            self.req.currency = CURRENCIES[cm.group(1)]
        elif "\u20ac" in self.original:
            self.req.currency = "EUR"
        elif "\u00a3" in self.original:
            self.req.currency = "GBP"

    def _is_count_of_entity(self, m: re.Match[str]) -> bool:
        """A range that counts rows ("has 1..5 orders"), not a field's bounds."""
        if any(a <= m.start("lo") < b for a, b in self.rel_spans) or self.entity_of(
            m.group("f").split()[-1]
        ):
            return True
        rest = self.text[m.end() :].split()[:3]
        return any(self.entity_of(w) or self.entity_of(" ".join(rest[:2])) for w in rest[:2])

    def _value_lists(self) -> None:
        t = self.text
        item = r"(?:\d+(?:\.\d+)? % )?[a-z_][a-z_\-]*(?: \d+(?:\.\d+)? %| \( \d+(?:\.\d+)? % \))?"
        sep = r"(?: , (?:and |or )?| or | and | / |/| , )"
        fields = "|".join(sorted(_CATEGORY_FIELDS, key=len, reverse=True))
        rest = re.compile(
            rf" (?:should be |must be |can be |is |are |values? "
            rf"|is either |are either |is one of |are one of |one of |either |in "
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
            only = bool(m.group("only") or m.group("only2"))
            if len(items) == 1 and items[0] in (
                "unique",
                "optional",
                "missing",
                "null",
                "empty",
                "required",
                "random",
                "realistic",
            ):
                continue
            if len(items) == 1 and not (only or f in _CATEGORY_FIELDS):
                continue
            connector = m.group(0).split(m.group("list"))[0].strip()
            if not connector and (
                len(items) < 2 or f in ("type", "kind", "size", "model", "class", "make", "color")
            ):
                continue
            lead = [bool(re.match(r"\d", i)) for i in items]
            if not lead[0] and any(lead):
                items = items[: lead.index(True)]  # "card or paypal, 2% failed"
            if any(i in _NOT_VALUE or self.entity_of(i) for i in items) or any(
                i in COUNTRIES or i in CURRENCIES for i in items
            ):
                continue
            values: list[str] | dict[str, float]
            weighted = [
                re.match(
                    r"(?:(\d+(?:\.\d+)?) % )?([a-z_\-]+)(?: \(? ?(\d+(?:\.\d+)?) %"
                    r"(?: \))?)?$",
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
            self._add(
                Constraint(
                    "values", f, fm.start(), values=values, only=only, text=fm.group(0) + m.group(0)
                )
            )

    def _uniques(self) -> None:
        t = self.text
        for m in re.finditer(
            r"\b(?:unique|distinct|no duplicate|non-duplicate|deduplicated) "
            r"(?P<f>[a-z_]+(?: (?:address|addresses|number|numbers|name|names|"
            r"id|ids|code|codes))?)\b",
            t,
        ):
            f = _field_tail(m.group("f"))
            if f and not self.entity_of(m.group("f")):
                self._add(Constraint("unique", f, m.start(), text=m.group(0)))
        for m in re.finditer(
            r"\b(?P<f>[a-z_]+(?: [a-z_]+)?) (?:must|should|have to|need to|"
            r"are|is) (?:all |always |each )?(?:be )?unique\b",
            t,
        ):
            f = _field_tail(m.group("f"))
            if f:
                self._add(Constraint("unique", f, m.start(), text=m.group(0)))

    def _percents(self) -> None:
        t = self.text
        for m in re.finditer(
            r"(?P<q>at least |about |around |roughly |only |exactly |no more "
            r"than |at most |up to |under |over )?(?P<n>\d+(?:\.\d+)?) % "
            r"(?:of (?:the |all |them |these )?(?:[a-z]+ )?(?:are |is |should "
            r"be |being |have |has |with |as |were )?|are |should be |is )?"
            r"(?P<w>[a-z_]+(?: [a-z_]+)?)",
            t,
        ):
            words = m.group("w").split()
            share = float(m.group("n")) / 100
            at_least = (m.group("q") or "").strip() in ("at least", "over")
            if words[0] in (
                "missing",
                "null",
                "empty",
                "blank",
                "without",
                "no",
                "lack",
                "nulls",
                "unknown",
            ):
                f = words[1] if len(words) > 1 else None
                if f in ("a", "an", "their", "any") and len(words) > 1:
                    rest = t[m.end() :].split()
                    f = rest[0] if rest else None
                self._add(Constraint("null", f, m.start(), lo=share, text=m.group(0)))
                continue
            if len(words) > 1 and words[1] in ("missing", "null", "empty", "blank"):
                self._add(Constraint("null", words[0], m.start(), lo=share, text=m.group(0)))
                continue
            word = words[0]
            if word in ("of", "more", "less", "off", "discount", "tax", "vat", "growth"):
                continue
            self._add(
                Constraint("percent", word, m.start(), lo=share, at_least=at_least, text=m.group(0))
            )
        for m in re.finditer(
            r"\b(?:optional|nullable) (?P<f>[a-z_]+(?: [a-z_]+)?)|"
            r"\b(?P<g>[a-z_]+) (?:is|are) optional\b",
            t,
        ):
            f = m.group("f") or m.group("g")
            self._add(
                Constraint(
                    "null", f.split()[0] if m.group("f") else f, m.start(), lo=0.2, text=m.group(0)
                )
            )

    def countries(self) -> None:
        t = self.text
        alt = "|".join(sorted((re.escape(k) for k in COUNTRIES), key=len, reverse=True))
        for m in re.finditer(rf"(?<![\w-])({alt})(?![\w-])", t):
            if re.match(r" (?:language|speaking|fries|class)\b", t[m.end() :]):
                continue
            code = COUNTRIES[m.group(1)]
            if code not in self.req.countries:
                self.req.countries.append(code)
        if (
            re.search(
                r"(?<![A-Za-z])US(?![A-Za-z])|\bthe us\b|\bus[- ]based\b", self.original + " " + t
            )
            and "US" not in self.req.countries
        ):
            self.req.countries.append("US")

    def windows(self) -> None:
        t = self.text
        month = "|".join(sorted(_MONTHS, key=len, reverse=True))
        when = rf"(?:(?:{month}) \d{{4}}|\d{{4}}-\d{{2}}-\d{{2}}|\d{{4}})"
        found: list[tuple[int, str, str, str]] = []
        for m in re.finditer(
            rf"\b(?:between|from) ({when})(?: and | to | until |\.\.)({when})\b", t
        ):
            found.append((m.start(), _start_of(m.group(1)), _end_of(m.group(2)), m.group(0)))
        for m in re.finditer(r"\b(?:between|from) (\d{4})\.\.(\d{4})\b", t):
            if _is_year(float(m.group(1))) and _is_year(float(m.group(2))):
                found.append((m.start(), f"{m.group(1)}-01-01", f"{m.group(2)}-12-31", m.group(0)))
        for m in re.finditer(
            rf"\b(?:in|during|throughout|for|of|over|within) (?:the year |"
            rf"calendar year |fiscal year |year )?(?:(q[1-4]|h[12]) )?"
            rf"((?:{month}) )?(\d{{4}})\b(?!\.\.|-)",
            t,
        ):
            if any(m.start() >= s and m.start() < s + len(x) for s, _, _, x in found):
                continue
            year = int(m.group(3))
            if not _is_year(year):
                continue
            lo, hi = f"{year}-01-01", f"{year}-12-31"
            if m.group(1):
                q = m.group(1)
                n = int(q[1])
                first, last = ((n - 1) * 3 + 1, n * 3) if q[0] == "q" else ((n - 1) * 6 + 1, n * 6)
                lo = f"{year}-{first:02d}-01"
                hi = f"{year}-{last:02d}-{calendar.monthrange(year, last)[1]:02d}"
            elif m.group(2):
                mo = _MONTHS[m.group(2).strip()]
                lo = f"{year}-{mo:02d}-01"
                hi = f"{year}-{mo:02d}-{calendar.monthrange(year, mo)[1]:02d}"
            found.append((m.start(), lo, hi, m.group(0)))
        today = date.today()
        for m in re.finditer(
            r"\b(?:in |over |during |within )?(?:the )?(?:last|past|previous) "
            r"(\d+ )?(day|week|month|year)s?\b",
            t,
        ):
            n = int(m.group(1) or 1)
            days = {"day": 1, "week": 7, "month": 30, "year": 365}[m.group(2)] * n
            found.append(
                (
                    m.start(),
                    (today - timedelta(days=days)).isoformat(),
                    today.isoformat(),
                    m.group(0),
                )
            )
        for m in re.finditer(rf"\bsince ({when})\b", t):
            found.append((m.start(), _start_of(m.group(1)), today.isoformat(), m.group(0)))
        for m in re.finditer(rf"\bbefore ({when})\b", t):
            end = date.fromisoformat(_start_of(m.group(1))) - timedelta(days=1)
            found.append(
                (
                    m.start(),
                    (end - timedelta(days=3 * 365)).isoformat(),
                    end.isoformat(),
                    m.group(0),
                )
            )
        for pos, lo, hi, text in found:
            f = self._time_field_before(pos)
            self._add(Constraint("window", f, pos, values=[lo, hi], text=text))

    def _time_field_before(self, pos: int) -> str | None:
        words = self.text[:pos].split()[-3:]
        for i in range(len(words)):
            phrase = " ".join(words[i:])
            if phrase in _TIME_VERBS or phrase.endswith((" date", " dates", " at", " time")):
                return phrase
        return None


_TIME_VERBS = {
    "placed",
    "created",
    "signed up",
    "signup",
    "signups",
    "registered",
    "joined",
    "booked",
    "made",
    "issued",
    "paid",
    "scheduled",
    "recorded",
    "published",
    "opened",
    "hired",
    "shipped",
    "delivered",
    "started",
    "logged",
    "occurred",
    "happened",
    "sent",
    "uploaded",
    "written",
    "submitted",
    "dated",
    "born",
    "birth",
}
_CATEGORY_FIELDS = {
    "status",
    "statuses",
    "state",
    "plan",
    "plans",
    "tier",
    "tiers",
    "role",
    "roles",
    "type",
    "types",
    "kind",
    "category",
    "categories",
    "priority",
    "priorities",
    "level",
    "department",
    "gender",
    "channel",
    "method",
    "payment method",
    "segment",
    "source",
    "severity",
    "grade",
    "size",
    "sex",
    "specialty",
    "industry",
    "genre",
    "carrier",
    "direction",
    "currency",
    "language",
    "color",
    "colour",
    "major",
    "make",
    "model",
    "service",
    "shift",
    "team",
    "device",
    "platform",
    "browser",
    "os",
    "medication",
    "membership",
    "class",
    "fare class",
}
_FIELD_SKIP = {
    "with",
    "and",
    "or",
    "are",
    "is",
    "of",
    "the",
    "a",
    "an",
    "have",
    "has",
    "each",
    "every",
    "per",
    "between",
    "from",
    "in",
    "to",
    "for",
    "rows",
    "records",
    "all",
    "only",
    "them",
    "that",
    "which",
    "who",
    "their",
    "its",
    "be",
    "should",
    "must",
    "values",
    "value",
    "range",
    "ranges",
    "orders",
    "items",
    "there",
    "it",
    "they",
    "set",
    "make",
    "made",
}


def _field_tail(phrase: str, category: bool = False) -> str | None:
    """The field a phrase before a constraint names ("customer age" -> "age")."""
    words = [w for w in phrase.split() if w not in ("their", "the", "its", "all", "each")]
    while words and words[-1] in (
        "between",
        "from",
        "of",
        "is",
        "are",
        "in",
        "within",
        "range",
        "ranges",
        "must",
        "be",
        "should",
        "with",
        "has",
    ):
        words.pop()
    if not words:
        return None
    if category:
        if " ".join(words) in _CATEGORY_FIELDS:
            return " ".join(words)
        if words[-1] in _CATEGORY_FIELDS:
            return words[-1]
        if words[-1].endswith("_status") or words[-1].endswith("_type"):
            return words[-1]
        return None
    last = words[-1]
    if last in _FIELD_SKIP or last.isdigit():
        return None
    aliases = {"aged": "age", "priced": "price", "costing": "cost", "weighing": "weight"}
    if last in aliases:
        return aliases[last]
    if (
        len(words) == 2
        and words[0] not in _FIELD_SKIP
        and (f"{words[0]} {last}" in _TWO_WORD_FIELDS)
    ):
        return f"{words[0]} {last}"
    return last


_TWO_WORD_FIELDS = {
    "unit price",
    "order total",
    "email address",
    "phone number",
    "date of",
    "credit score",
    "interest rate",
    "account balance",
    "line total",
    "signup date",
    "birth date",
    "postal code",
    "zip code",
    "job title",
    "user name",
    "ip address",
    "file size",
    "loyalty points",
    "order amount",
}


def _is_year(value: float) -> bool:
    return float(value).is_integer() and 1900 <= value <= 2100


def _start_of(when: str) -> str:
    parts = when.split()
    if len(parts) == 2:
        return f"{parts[1]}-{_MONTHS[parts[0]]:02d}-01"
    return when if "-" in when else f"{when}-01-01"


def _end_of(when: str) -> str:
    parts = when.split()
    if len(parts) == 2:
        year, mo = int(parts[1]), _MONTHS[parts[0]]
        return f"{year}-{mo:02d}-{calendar.monthrange(year, mo)[1]:02d}"
    return when if "-" in when else f"{when}-12-31"


def _plural_table(word: str) -> str:
    word = re.sub(r"[^a-z0-9]+", "_", word).strip("_")
    if word.endswith("s"):
        return word
    if word.endswith("y") and len(word) > 2 and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    if word.endswith(("x", "ch", "sh")):
        return word + "es"
    return word + "s"


def parse_request(prompt: str) -> Request:
    """Read everything the planner can use from one English prompt."""
    return _Parser(normalise(prompt), prompt).run()


def check_prompt(prompt: str) -> None:
    """Refuse a prompt longer than MAX_PROMPT_CHARS (SpecError at ``prompt``).

    A request is a paragraph; every pass of the parser scans per mention, so an
    unbounded prompt is unbounded work before anything is said.
    """
    if len(prompt) > MAX_PROMPT_CHARS:
        raise SpecError(
            f"the prompt is {len(prompt)} characters long; at most {MAX_PROMPT_CHARS} are "
            "planned (describe the data in fewer words, or write a spec)",
            "prompt",
        )
