"""Time: windows a time column lies in, and the order of two times.

Windows: "in 2023", "in Q1 2024", "between January and June 2023", "from the
last 30 days", "since 2022", "before 2020". Order: "returned within 30 days"
(after the record's own time, at most 30 days later), "check-out after
check-in", "delivery date within 10 days of shipping", "a due date 21 days
after the loan date", "check-out 1 to 14 days after check-in".
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from ... import lexicon
from .model import Constraint, TimeRule
from .state import State

__all__ = ["read_time_pairs", "read_time_rules", "read_windows"]

_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
_MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
_UNIT = {
    "minute": "m",
    "minutes": "m",
    "min": "m",
    "mins": "m",
    "hour": "h",
    "hours": "h",
    "h": "h",
    "day": "d",
    "days": "d",
    "week": "w",
    "weeks": "w",
    "month": "d30",
    "months": "d30",
    "year": "d365",
    "years": "d365",
}
_UNITS = "|".join(sorted(_UNIT, key=len, reverse=True))
_NOT_IN_FIELD = (
    r"(?!(?:within|least|most|after|before|that|which|comes|is|are|no|not|than|later|up|"
    r"maximum|max|always|strictly|never|latest|earliest|and|or|but|then|gets|get|got)\b)"
)
_FIELD = rf"(?P<f>(?:{_NOT_IN_FIELD}[a-z_]+ ){{0,2}}?{_NOT_IN_FIELD}[a-z_]+)"
_SOFT = (
    r"(?:at least |at most |about |roughly |around |some |up to |no more than |not more than |"
    r"no later than |not later than |a maximum of |maximum |max |at the latest |at most )?"
)
_ANCHOR = (
    r"(?:the |a |an |its |their |his |her )?"
    r"(?P<a>[a-z_]+(?: (?!(?:and|or|with|within|but|then|so|for|of)\b)[a-z_]+){0,2})"
)
_LEAD = set(
    [
        "a",
        "an",
        "the",
        "and",
        "with",
        ",",
        "or",
        "but",
        "its",
        "their",
        "his",
        "her",
        "each",
        "every",
        "all",
        "is",
        "are",
        "was",
        "be",
    ]
)
_NOT_FIELD = set(
    [
        "each",
        "every",
        "all",
        "them",
        "they",
        "it",
        "which",
        "who",
        "that",
        "this",
        "these",
        "those",
        "data",
    ]
)


_EVENT_VERBS = {"happens", "happen", "occurs", "occur", "comes", "come", "takes", "place"}


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


def _within(n: str | None, unit: str) -> str:
    value = float(n) if n else 1.0
    code = _UNIT[unit]
    if code.startswith("d") and len(code) > 1:
        value *= float(code[1:])
        code = "d"
    return f"{int(value) if value.is_integer() else value}{code}"


def _clean(phrase: str, st: State | None = None) -> str | None:
    words = phrase.split()
    while words and (
        words[0] in _LEAD
        or (
            st is not None
            and len(words) > 1
            and st.known(words[0])
            and lexicon.singular(words[0]) != words[0]
        )
    ):
        words.pop(0)  # "tickets resolved": the table's word is not the field's
    if words and (re.fullmatch(r"[\d.]+", words[-1]) or words[-1] in _UNIT):
        return None
    while len(words) > 1 and words[-1] in _EVENT_VERBS:
        words.pop()  # "the return happens within a month": the return
    if not words or words[-1] in _NOT_FIELD or words[-1] in _LEAD:
        return None
    return " ".join(words)


_AT_MOST_AFTER = re.compile(
    rf" (?:,|and|but) (?:at most|up to|no more than|not more than|within|max|maximum) "
    rf"(?P<n>\d+(?:\.\d+)?) (?P<u>{_UNITS})\b"
)
_PASSIVE = re.compile(
    r"^(?:.* )?(?:it|they|he|she|this|that|one) (?:was|is|were|are|has been|had been|gets|got) "
    r"|^(?:.* )?(?:was|were|is|are|being|been|getting|gets|got) "
    r"|^(?:it|they|he|she|we|you|this|that) (?=[a-z]+$)"
)


def _anchor(phrase: str) -> str | None:
    """The anchor's words without a passive clause's subject: 'it was filed' -> 'filed',
    'being prescribed' -> 'prescribed', 'the order was released' -> 'released'."""
    words = _clean(phrase)
    if words is None:
        return None
    return _clean(_PASSIVE.sub("", words)) or words


def _add_rule(st: State, rule: TimeRule) -> None:
    rule.table = rule.table or st.owner_at(rule.pos)
    if not any(r.field == rule.field and r.table == rule.table for r in st.req.time_rules):
        st.req.time_rules.append(rule)


def read_time_rules(st: State) -> None:
    """Every 'X after Y' / 'X within N days (of Y)' rule."""
    t = st.text
    n = r"(?P<n>\d+(?:\.\d+)?|a|an|one)"
    span = r"(?:(?P<lo>\d+)\.\.)?(?P<hi>\d+)"
    patterns = [
        # "due date 21 days after the loan date", "check out 1..14 days after check in"
        (
            rf"\b{_FIELD} (?:that |which )?(?:is |are |comes |must be |should be )?{_SOFT}{span} "
            rf"(?P<u>{_UNITS}) (?:after|later than|following|from) {_ANCHOR}(?= |$)",
            "gap",
        ),
        # "delivered within 10 days of shipping", "resolved within 72 hours of creation"
        (
            rf"\b{_FIELD} (?:is |are |must be |should be |happens |comes )?(?:within|in under|"
            rf"no later than|at most|up to|no more than|not more than|maximum|max) {n} "
            rf"(?P<u>{_UNITS}) (?:of|after|from|since|following) "
            rf"{_ANCHOR}(?= |$)",
            "within_of",
        ),
        # "delivered 2..5 days later": after the record's own time
        (
            rf"\b{_FIELD} (?:is |are |comes |must be |should be )?{_SOFT}{span} (?P<u>{_UNITS}) "
            rf"(?:later|afterwards|after that|thereafter)\b",
            "gap_later",
        ),
        # "returned within 30 days"
        (
            rf"\b{_FIELD} (?:is |are |must be |should be )?(?:within|in under|no later than) {n} "
            rf"(?P<u>{_UNITS})\b",
            "within",
        ),
        # "check out after check in", "discharge date after admission date"
        (
            rf"\b{_FIELD} (?:\( )?(?:that |which )?(?:is |are |must be |should be |comes |happens |"
            rf"always |strictly |only )*(?:after|later than|following) {_ANCHOR}(?= |$|,)",
            "after",
        ),
    ]
    taken: list[tuple[int, int]] = []
    for pat, kind in patterns:
        for m in re.finditer(pat, t):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            field = _clean(m.group("f"), st)
            if field is None or field in lexicon.vocab()["countries"]:
                continue
            own = kind in ("within", "gap_later")  # after the record's own time
            anchor = None if own else _anchor(m.groupdict().get("a") or "")
            if not own and anchor is None:
                continue
            if anchor and re.fullmatch(r"\d{4}|[a-z]+ \d{4}", anchor):
                continue  # "after 2020": a window, read by read_windows
            within = None
            if kind == "gap" and re.search(r"\bat least\b", m.group(0)):
                kind = "after"  # "at least 1 day after pickup": after, with the usual window
            if kind in ("gap", "gap_later"):
                within = _within(m.group("hi"), m.group("u"))
            elif kind in ("within_of", "within"):
                num = m.group("n")
                within = _within(None if num in ("a", "an", "one") else num, m.group("u"))
            most = _AT_MOST_AFTER.match(t, m.end())  # "... and at most 21 days"
            if most and (within is None or kind == "after"):
                within = _within(most.group("n"), most.group("u"))
            _add_rule(st, TimeRule(field, anchor, m.start(), within=within, text=m.group(0)))
            taken.append((m.start(), m.end()))


def read_windows(st: State) -> None:
    """Every window a time column's values lie in."""
    t = st.text
    month = "|".join(sorted(_MONTHS, key=len, reverse=True))
    when = rf"(?:(?:{month}) \d{{4}}|\d{{4}}-\d{{2}}-\d{{2}}|\d{{4}})"
    found: list[tuple[int, str, str, str]] = []
    for m in re.finditer(rf"\b(?:between|from) ({when})(?: and | to | until |\.\.)({when})\b", t):
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
            k = int(q[1])
            first, last = ((k - 1) * 3 + 1, k * 3) if q[0] == "q" else ((k - 1) * 6 + 1, k * 6)
            lo = f"{year}-{first:02d}-01"
            hi = f"{year}-{last:02d}-{calendar.monthrange(year, last)[1]:02d}"
        elif m.group(2):
            mo = _MONTHS[m.group(2).strip()]
            lo = f"{year}-{mo:02d}-01"
            hi = f"{year}-{mo:02d}-{calendar.monthrange(year, mo)[1]:02d}"
        found.append((m.start(), lo, hi, m.group(0)))
    today = date.today()
    for m in re.finditer(
        r"\b(?:in |over |during |within |from )?(?:the )?(?:last|past|previous) "
        r"(\d+ )?(day|week|month|year)s?\b",
        t,
    ):
        days = {"day": 1, "week": 7, "month": 30, "year": 365}[m.group(2)] * int(m.group(1) or 1)
        lo = (today - timedelta(days=days)).isoformat()
        found.append((m.start(), lo, today.isoformat(), m.group(0)))
    for m in re.finditer(
        rf"\b(?:from|since|starting) ({when}) (?:until|till|to|up to) (?:now|today|date|present)\b",
        t,
    ):
        found.append((m.start(), _start_of(m.group(1)), today.isoformat(), m.group(0)))
    for m in re.finditer(rf"\bsince ({when})\b", t):
        found.append((m.start(), _start_of(m.group(1)), today.isoformat(), m.group(0)))
    for m in re.finditer(rf"\bbefore ({when})\b", t):
        end = date.fromisoformat(_start_of(m.group(1))) - timedelta(days=1)
        lo = (end - timedelta(days=3 * 365)).isoformat()
        found.append((m.start(), lo, end.isoformat(), m.group(0)))
    ranges = [c for c in st.req.constraints if c.kind == "range"]
    for pos, lo, hi, text in found:
        if any(c.pos <= pos < c.pos + len(c.text) for c in ranges):
            continue  # "vintage year between 1980 and 2022": the field's range, not a window
        f = _time_field_before(st, pos)
        c = Constraint("window", f, pos, values=[lo, hi], text=text)
        c.table = st.owner_at(pos)
        st.req.constraints.append(c)


def _time_field_before(st: State, pos: int) -> str | None:
    verbs = set(lexicon.vocab().get("time_verbs", []))
    words = st.text[:pos].split()[-3:]
    for i in range(len(words)):
        phrase = " ".join(words[i:])
        if phrase in verbs or phrase.endswith((" date", " dates", " at", " time")):
            return phrase
    return None


def _has_word(phrase: str, word: str) -> bool:
    return re.search(rf"(?:^| ){re.escape(word)}(?:s|ed|d|ing)?(?: |$)", phrase) is not None


def read_time_pairs(st: State) -> None:
    """Two listed times of one table that happen in a known order (lexicon ``time_pairs``):
    'check-in date, check-out date' -> check out after check in; a stated rule wins."""
    pairs = lexicon.vocab().get("time_pairs", [])
    for table, fields in st.req.fields.items():
        for first, second in pairs:
            early = next((f for f in fields if _has_word(f, first)), None)
            late = next((f for f in fields if _has_word(f, second)), None)
            if early is None or late is None or early == late:
                continue
            if any(r.table == table and late in (r.field, r.anchor) for r in st.req.time_rules):
                continue
            pos = st.text.find(late)
            st.req.time_rules.append(
                TimeRule(late, early, max(pos, 0), table=table, text=f"{early} .. {late}")
            )
