"""Exact mixes: largest-remainder apportionment and an even interleave.

A complexity mix is met by quotas, not by draws: ``--size 10 --mix
simple=0.3,medium=0.5,complex=0.2`` gives exactly 3, 5 and 2 records, and
for any size the counts differ from ``size * share`` by less than one. The
order of records spreads the levels evenly (a smooth weighted round robin)
so a file cut short still has roughly the mix.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from ..errors import SpecError

__all__ = ["apportion", "interleave", "parse_mix"]


def parse_mix(text: str, allowed: Sequence[str], location: str = "--mix") -> dict[str, float]:
    """``simple=0.3,medium=0.5`` -> shares (normalised to sum 1); every problem reported."""
    problems: list[str] = []
    shares: dict[str, float] = {}
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        name, sep, value = part.partition("=")
        name = name.strip()
        if not sep:
            problems.append(f"{part!r}: expected NAME=SHARE")
            continue
        if name not in allowed:
            problems.append(f"unknown level {name!r}; one of {', '.join(allowed)}")
            continue
        if name in shares:
            problems.append(f"{name!r} given twice")
            continue
        try:
            share = float(value)
        except ValueError:
            problems.append(f"{name}: {value!r} is not a number")
            continue
        if not math.isfinite(share) or share < 0:
            problems.append(f"{name}: a share must be a finite number >= 0")
            continue
        shares[name] = share
    total = sum(shares.values())
    if not problems and total <= 0:
        problems.append("the shares add up to 0")
    if problems:
        from ..errors import Problem

        raise SpecError([Problem(location, p) for p in problems])
    return {name: shares[name] / total for name in allowed if name in shares}


def apportion(size: int, shares: dict[str, float]) -> dict[str, int]:
    """Counts that sum to ``size``, each floor or ceil of ``size * share`` (Hamilton's method).

    Ties in the remainders go to the earlier name, so the result is a pure
    function of its arguments.

    >>> apportion(10, {"simple": 0.3, "medium": 0.5, "complex": 0.2})
    {'simple': 3, 'medium': 5, 'complex': 2}
    >>> apportion(7, {"a": 1/3, "b": 1/3, "c": 1/3})
    {'a': 3, 'b': 2, 'c': 2}
    """
    if size < 0:
        raise ValueError("size must be >= 0")
    total = sum(shares.values())
    if not shares or total <= 0:
        raise ValueError("shares must have a positive sum")
    exact = {k: size * v / total for k, v in shares.items()}
    counts = {k: math.floor(x) for k, x in exact.items()}
    left = size - sum(counts.values())
    order = sorted(shares, key=lambda k: (-(exact[k] - counts[k]), list(shares).index(k)))
    for name in order[:left]:
        counts[name] += 1
    return counts


def interleave(counts: dict[str, int]) -> list[str]:
    """Every name ``counts[name]`` times, spread evenly: slot k of a name sits at (k + 1/2) / count."""
    names = list(counts)
    slots = [
        ((k + 0.5) / counts[name], names.index(name), name)
        for name in names
        for k in range(counts[name])
    ]
    return [name for _, _, name in sorted(slots)]
