"""Regex expansion bounds: what a regex can expand to is refused before any work is done."""

from __future__ import annotations

import re
import time
import tracemalloc

import pytest

from synthwright import api
from synthwright.catalog._regex_bounds import (
    MAX_GROUP_DEPTH,
    MAX_REGEX_CHARS,
    MAX_VALUE_CHARS,
    expansion,
    parse_bounded,
)
from synthwright.catalog.base_text import compile_regex, pattern_to_regex
from synthwright.errors import SpecError

try:
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_parse  # type: ignore[no-redef]


def _size(regex: str) -> tuple[int, int, int]:
    e = expansion(sre_parse.parse(regex), open_repeat=8)
    return e.min_chars, e.max_chars, e.repeat_nesting


@pytest.mark.parametrize(
    ("regex", "size"),
    [
        ("abc", (3, 3, 0)),
        (r"[A-Z]{3}-\d{4}", (8, 8, 1)),
        ("a{2,5}", (2, 5, 1)),
        ("a+", (1, 9, 1)),  # open repeats count as their minimum + 8, as generated
        ("(ab){3}", (6, 6, 1)),
        ("((a{10}){10}){10}", (1000, 1000, 3)),
        ("^x$", (1, 1, 0)),
        ("a|bcd", (1, 3, 0)),
    ],
)
def test_expansion_sizes(regex: str, size: tuple[int, int, int]) -> None:
    assert _size(regex) == size


def test_expansion_is_exact_for_huge_repeats() -> None:
    assert _size("((a{1000}){1000}){1000}")[1] == 1_000_000_000


@pytest.mark.parametrize(
    ("regex", "named"),
    [
        ("((a{1000}){1000}){1000}", f"at most {MAX_VALUE_CHARS} characters per value"),
        ("a{10001}", f"at most {MAX_VALUE_CHARS} characters per value"),
        ("(((((a)*)*)*)*)*", "nests repeats 5 deep; at most 4"),
        ("(" * 60 + "a" + ")" * 60, f"at most {MAX_GROUP_DEPTH} levels"),
        ("(" * 2000 + "a" + ")" * 2000, f"at most {MAX_GROUP_DEPTH} levels"),
        ("x" * (MAX_REGEX_CHARS + 1), f"at most {MAX_REGEX_CHARS} are accepted"),
        ("a(", "bad regex"),
    ],
)
def test_refused_with_the_bound_named(regex: str, named: str) -> None:
    with pytest.raises(ValueError, match=re.escape(named)):
        parse_bounded(regex, open_repeat=8)


def test_group_depth_scan_ignores_classes_and_escapes() -> None:
    text = r"[(]\(" * 100 + "a"
    assert parse_bounded(text, open_repeat=8) is not None


def test_the_billion_character_regex_costs_nothing() -> None:
    """The spec is refused at compile time with a location, in milliseconds and kilobytes."""
    spec = {
        "tables": {
            "t": {
                "rows": 1000,
                "columns": {"s": {"type": "string", "regex": "((a{1000}){1000}){1000}"}},
            }
        }
    }
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(SpecError) as info:
            api.generate(spec, seed=1)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert time.perf_counter() - started < 5
    assert peak < 50 * 1024 * 1024
    [problem] = info.value.problems
    assert problem.location == "tables.t.columns.s.regex"
    assert str(MAX_VALUE_CHARS) in problem.message


def test_pattern_shorthand_is_bounded_too() -> None:
    with pytest.raises(SpecError) as info:
        api.generate(
            {
                "tables": {
                    "t": {"rows": 1, "columns": {"s": {"type": "string", "pattern": "#" * 20_000}}}
                }
            },
            seed=1,
        )
    assert info.value.problems[0].location == "tables.t.columns.s.pattern"


def test_values_at_the_bound_still_generate() -> None:
    regex = f"a{{{MAX_VALUE_CHARS}}}"
    assert sum(s.hi for s in compile_regex(regex)) == MAX_VALUE_CHARS
    out = api.generate(
        {"tables": {"t": {"rows": 3, "columns": {"s": {"type": "string", "regex": regex}}}}},
        seed=1,
    )["t"]
    assert {len(v) for v in out.column("s").to_pylist()} == {MAX_VALUE_CHARS}
    assert compile_regex(pattern_to_regex("INV-#####"))
