"""Exact mixes: largest-remainder quotas and an even interleave (property tests)."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from synthwright.errors import SpecError
from synthwright.tasks import LEVELS, Run, apportion, interleave, parse_mix, run_dataset

shares = st.dictionaries(
    st.sampled_from(["simple", "medium", "complex", "a", "b"]),
    st.floats(min_value=0.0, max_value=10.0, allow_nan=False),
    min_size=1,
).filter(lambda d: sum(d.values()) > 0)


@settings(max_examples=300, deadline=None)
@given(size=st.integers(min_value=0, max_value=100_000), mix=shares)
def test_apportion_is_exact(size: int, mix: dict[str, float]) -> None:
    counts = apportion(size, mix)
    total = sum(mix.values())
    assert sum(counts.values()) == size
    for name, share in mix.items():
        assert abs(counts[name] - size * share / total) < 1


@settings(max_examples=100, deadline=None)
@given(size=st.integers(min_value=0, max_value=2000), mix=shares)
def test_interleave_keeps_counts(size: int, mix: dict[str, float]) -> None:
    counts = apportion(size, mix)
    order = interleave(counts)
    assert Counter(order) == {k: v for k, v in counts.items() if v}


def test_interleave_spreads_levels() -> None:
    order = interleave({"simple": 3, "medium": 5, "complex": 2})
    assert (
        Counter(order[:5]) == {"medium": 3, "simple": 1, "complex": 1} or len(set(order[:5])) == 3
    )


@pytest.mark.parametrize("size", [1, 7, 10, 33, 101])
def test_dataset_meets_the_mix_exactly(size: int) -> None:
    mix = parse_mix("simple=0.3,medium=0.5,complex=0.2", LEVELS)
    records = run_dataset("retail", size, mix, Run(seed=size)).records
    assert Counter(r.complexity for r in records) == {
        k: v for k, v in apportion(size, mix).items() if v
    }


def test_parse_mix_reports_every_problem() -> None:
    with pytest.raises(SpecError) as info:
        parse_mix("simple=x,huge=0.5,medium", LEVELS)
    text = str(info.value)
    assert "'x' is not a number" in text and "unknown level 'huge'" in text
    assert "expected NAME=SHARE" in text and all(p.location == "--mix" for p in info.value.problems)
    assert parse_mix("simple=1,complex=3", LEVELS) == {"simple": 0.25, "complex": 0.75}
