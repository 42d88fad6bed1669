"""The request as one normal form: lower case, spaced punctuation, digits, ranges as ``A..B``.

Number words become digits with ``text2num`` ("twenty five" -> 25, "three
hundred" -> 300); suffixes and scale words on digits ("10k", "1.5 million")
and the lexicon's vague amounts ("a few hundred" -> 300) are read here, so
every extractor after this sees numbers only as digits. Ordinals are kept as
words ("first name" stays a field), and "one of" stays a phrase ("status one
of new, paid").
"""

from __future__ import annotations

import re
from functools import lru_cache

from text_to_num import alpha2digit

from ... import lexicon

__all__ = ["normalise"]

_ORDINALS = [
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
    "last",
    "next",
    "previous",
]
_SCALE = {"k": 1e3, "m": 1e6, "mm": 1e6, "mn": 1e6, "b": 1e9, "bn": 1e9}
_SCALE_WORDS = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "hundred": 1e2}
_HYPHENED = re.compile(r"\b(check|sign|log|pick|drop|check|opt|follow|clock)-(in|out|up|off|on)\b")


@lru_cache(maxsize=1)
def _vague() -> tuple[tuple[re.Pattern[str], str], ...]:
    table = lexicon.vocab().get("vague_counts", {})
    out = []
    for phrase in sorted(table, key=len, reverse=True):
        value = table[phrase]
        text = f"about {value}" if phrase not in ("a couple of", "a dozen") else str(value)
        out.append((re.compile(rf"\b{re.escape(phrase)}\b"), text))
    return tuple(out)


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _digits_with_scale(text: str) -> str:
    """``10k``, ``1.5 million``, ``a million``, ``half a million``, ``5 hundred`` -> digits."""
    text = re.sub(
        r"\bhalf an? (million|thousand|billion)\b",
        lambda m: _fmt(_SCALE_WORDS[m.group(1)] / 2),
        text,
    )
    text = re.sub(r"\ban? (hundred|thousand|million|billion)\b", r"1 \1", text)
    text = re.sub(r"\ba dozen\b", "12", text)
    text = re.sub(
        r"\b(\d+(?:\.\d+)?)(k|mm|mn|bn|m|b)\b(?! ?/)",
        lambda m: _fmt(float(m.group(1)) * _SCALE[m.group(2)]),
        text,
    )

    def scaled(m: re.Match[str]) -> str:
        value = float(m.group(1))
        for word in m.group(2).split():
            value *= _SCALE_WORDS[word]
        return _fmt(value)

    return re.sub(
        r"\b(\d+(?:\.\d+)?) ((?:(?:hundred|thousand|million|billion) ?)+)\b(?! of\b)",
        lambda m: scaled(m) + " ",
        text,
    )


def _words_to_digits(text: str) -> str:
    """Number words to digits with text2num, leaving ordinals and 'one of' as they are
    (and words text2num reads as numbers that are not: 'os' -> 0, 'ones' -> 1)."""
    keep: list[str] = []

    def hide(m: re.Match[str]) -> str:
        keep.append(m.group(0))
        return f"\x00{len(keep) - 1}\x00"

    ordinals = "|".join(_ORDINALS)
    text = re.sub(
        rf"\b(?:{ordinals})\b|\bone (?:of|or two|another|each)\b|\bno one\b|\b(?:os|ones|zeros)\b"
        rf"|\b(?:each|every|which|the|any|this|that) one\b"
        rf"|\b(?:for|to|in|at|with|on|by|from) one\b(?! (?:to|or|until|till|and)\b)",
        hide,
        text,
    )
    text = alpha2digit(text, "en", threshold=0)
    text = re.sub(r"\b(\d+)(?:st|nd|rd|th)\b", r"\1", text)
    return re.sub(r"\x00(\d+)\x00", lambda m: keep[int(m.group(1))], text)


_SLASHED = re.compile(r"(?<![\w/])[a-z][a-z_]+(?:/[a-z][a-z_]+)+(?![\w/])")


def _spaced_slashes(m: re.Match[str]) -> str:
    """'name/email/company' -> 'name / email / company' (a list); 'km/h' stays a unit."""
    units = {str(w) for u in lexicon.vocab().get("units", {}).values() for w in u["words"]}
    return m.group(0) if m.group(0) in units else " / ".join(m.group(0).split("/"))


def normalise(prompt: str) -> str:
    """Lower-case tokens separated by single spaces, numbers as digits, ranges as A..B."""
    text = prompt.replace("\u2013", "-").replace("\u2014", " - ").replace("\u2019", "'")
    text = text.replace("\u00b0", "")
    text = text.lower()
    text = re.sub(r"\be-mail", "email", text)
    text = _HYPHENED.sub(r"\1 \2", text)
    text = re.sub(r"\b(?:yes ?/ ?no|true ?/ ?false|y ?/ ?n)\b", "flag", text)
    text = re.sub(r"(\d),(\d{3})\b", r"\1\2", text)
    text = re.sub(r"(\d),(\d{3})\b", r"\1\2", text)
    text = re.sub(r"~ ?(\d)", r"about \1", text)  # "~300"
    text = re.sub(r"\bn ?= ?(\d)", r"\1", text)  # "(n=300)"
    text = re.sub(r"[$\u20ac\u00a3](\d)", r"\1", text)
    text = re.sub(r"(\d)\s*%", r"\1 %", text)
    text = re.sub(r"(\d)\s*\.\.\.?\s*(-?\d)", r"\1 to \2", text)  # "1..30" as written
    text = re.sub(r"(\d)(?=[a-z]{2,})(?!k\b|m\b|mm\b|mn\b|bn\b|b\b)", r"\1 ", text)
    text = re.sub(r"(\d)(c|f|s|h|g|l|v|a)\b", r"\1 \2", text)  # "40c", "30s", "2h", "5g"
    text = re.sub(
        r"\[ ?(-?\d+(?:\.\d+)?) ?[,;] ?(-?\d+(?:\.\d+)?) ?\]", r"\1 to \2", text
    )  # [0, 100]
    for pattern, value in _vague():
        text = pattern.sub(value, text)
    text = _digits_with_scale(text)
    text = _words_to_digits(text)
    text = re.sub(r"\ban? (\d)", r"\1", text)  # "a 1000" from "a thousand"
    text = re.sub(r"([,;:()!?\"\[\]]|\.(?!\d)|'s\b)", r" \1 ", text)
    text = _SLASHED.sub(_spaced_slashes, text)
    text = re.sub(
        r"(?<![\w.-])(-?\d+(?:\.\d+)?)\s*-\s*(\d+(?:\.\d+)?)(?![\w.]|-\d)", r"\1..\2", text
    )  # "1-5" is a range; "2022-01-01" stays a date
    text = " ".join(text.split())
    num = r"-?\d+(?:\.\d+)?"
    # "0.1 % to 8 %", "between 3.5 % and 24.9 %": one range of percents
    text = re.sub(rf"(?<![\w.])({num}) % (?:to|and|until|till|-) ({num}) %", r"\1 to \2 %", text)
    text = re.sub(rf"(?<![\w.])({num}) % \.\.({num}) %", r"\1..\2 %", text)
    # "from 2 kg to 50 kg", "-10 c to 40 c": one range in one unit
    text = re.sub(
        rf"(?<![\w.])({num}) ([a-z%/]{{1,4}}) (?:to|and|until|till|-|\.\.) ({num}) \2\b",
        r"\1 to \3 \2",
        text,
    )
    text = re.sub(rf"\bbetween ({num}) and ({num})\b", r"between \1..\2", text)
    text = re.sub(
        rf"\bfrom ({num}) (?:to|until|till|through|thru|up to) ({num})\b", r"from \1..\2", text
    )
    text = re.sub(rf"(?<![\w.])({num}) (?:to|until|till|thru|through|-) ({num})\b", r"\1..\2", text)
    return text
