"""How much a regex (or ``pattern``) can expand to, worked out before anything is built.

A regex is tiny text that can stand for a huge value: ``((a{1000}){1000}){1000}``
is 23 characters and a billion-character string. ``string`` turns a regex into
one slot per character position, and a block of rows into a byte matrix of
``rows x width``, so that regex once took a server from 0.6 to 10 GB before
anything refused it. This module walks the parsed form (Python's own
``re._parser`` tree, the same one ``base_text`` compiles) and refuses, naming
the bound, a regex whose values could be longer than `MAX_VALUE_CHARS`, whose
repeats nest deeper than `MAX_REPEAT_NESTING`, whose groups nest deeper than
`MAX_GROUP_DEPTH` (the parser itself recurses per group) or whose text is
longer than `MAX_REGEX_CHARS`. The walk is linear in the regex's text whatever
the repeat counts say (sizes are exact Python integers of a few hundred bits at
most: the group depth bounds how many repeat counts multiply).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

try:  # Python >= 3.11
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_parse  # type: ignore[no-redef]

__all__ = [
    "MAX_GROUP_DEPTH",
    "MAX_REGEX_CHARS",
    "MAX_REPEAT_NESTING",
    "MAX_VALUE_CHARS",
    "Expansion",
    "expansion",
    "parse_bounded",
]

MAX_REGEX_CHARS = 10_000  # the regex's own text
MAX_VALUE_CHARS = 10_000  # characters of one generated value
MAX_REPEAT_NESTING = 4  # a repeat inside a repeat inside ...
MAX_GROUP_DEPTH = 50  # ( inside ( inside ...

_REPEATS = ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT")
_ONE_CHAR = ("LITERAL", "NOT_LITERAL", "IN", "ANY", "CATEGORY", "RANGE")


@dataclass(frozen=True)
class Expansion:
    """What a parsed regex can make: value length bounds and how deep its repeats nest."""

    min_chars: int
    max_chars: int
    repeat_nesting: int


def _group_depth(regex: str) -> int:
    """Deepest nesting of unescaped ``(`` outside character classes (a scan, no parser)."""
    depth = deepest = 0
    i, n = 0, len(regex)
    in_class = False
    while i < n:
        ch = regex[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            if ch == "]":
                in_class = False
        elif ch == "[":
            in_class = True
            if regex.startswith("[]", i) or regex.startswith("[^]", i):
                i += 2 if regex[i + 1] == "]" else 3  # a leading ] is a literal
                continue
        elif ch == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif ch == ")":
            depth = max(0, depth - 1)
        i += 1
    return deepest


def expansion(parsed: Any, *, open_repeat: int) -> Expansion:
    """Length bounds of the values `parsed` (a ``re._parser`` tree) stands for.

    An open repeat (``*``, ``+``, ``{n,}``) counts as `open_repeat` more than
    its minimum, as the string generator makes it.
    """
    lo = hi = nest = 0
    for op, arg in parsed:
        name = str(op)
        if name in _ONE_CHAR:
            lo, hi = lo + 1, hi + 1
        elif name in _REPEATS:
            rlo, rhi, sub = arg
            if rhi == sre_parse.MAXREPEAT:
                rhi = rlo + open_repeat
            inner = expansion(sub, open_repeat=open_repeat)
            lo += rlo * inner.min_chars
            hi += rhi * inner.max_chars
            nest = max(nest, inner.repeat_nesting + 1)
        elif name == "SUBPATTERN":
            inner = expansion(arg[-1], open_repeat=open_repeat)
            lo, hi = lo + inner.min_chars, hi + inner.max_chars
            nest = max(nest, inner.repeat_nesting)
        elif name == "BRANCH":
            options = [expansion(b, open_repeat=open_repeat) for b in arg[1]]
            lo += min((o.min_chars for o in options), default=0)
            hi += max((o.max_chars for o in options), default=0)
            nest = max([nest, *(o.repeat_nesting for o in options)])
        elif name in ("AT", "GROUPREF", "ASSERT", "ASSERT_NOT"):
            continue  # zero-width (or refused later by the generator)
        else:  # anything else: count what it holds, conservatively
            lo, hi = lo + 1, hi + 1
    return Expansion(lo, hi, nest)


def parse_bounded(
    regex: str,
    *,
    open_repeat: int,
    max_chars: int = MAX_VALUE_CHARS,
    max_nesting: int = MAX_REPEAT_NESTING,
) -> Any:
    """The parsed regex, or ValueError naming the bound it breaks (nothing expanded yet)."""
    if len(regex) > MAX_REGEX_CHARS:
        raise ValueError(
            f"the regex is {len(regex)} characters long; at most {MAX_REGEX_CHARS} are accepted"
        )
    depth = _group_depth(regex)
    if depth > MAX_GROUP_DEPTH:
        raise ValueError(
            f"the regex nests groups {depth} deep; at most {MAX_GROUP_DEPTH} levels are accepted"
        )
    try:
        parsed = sre_parse.parse(regex)
    except re.error as exc:
        raise ValueError(f"bad regex {regex!r}: {exc}") from exc
    except RecursionError as exc:  # pragma: no cover - the depth scan refuses these first
        raise ValueError(f"the regex nests too deeply to parse ({MAX_GROUP_DEPTH} levels)") from exc
    size = expansion(parsed, open_repeat=open_repeat)
    if size.repeat_nesting > max_nesting:
        raise ValueError(
            f"the regex nests repeats {size.repeat_nesting} deep; at most {max_nesting} "
            "levels are accepted"
        )
    if size.max_chars > max_chars:
        raise ValueError(
            f"the regex can make values of {size.max_chars} characters; at most {max_chars} "
            "characters per value are accepted (shorten its repeats)"
        )
    return parsed
