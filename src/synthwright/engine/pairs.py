"""Distinct combinations that keep their columns' distributions (composite ``unique``).

A junction table (``unique: [order_id, product_id]``) must never repeat a
pair, and a skewed member (``product_id: {ref: products.id, dist: zipf}``, a
category with weights) must stay skewed. Both hold by construction:

- The set's columns split into *group* columns and *free* columns. With
  ``per_parent`` the link is the group (each parent's rows are one group);
  otherwise the uniform members are the group, spread evenly over the rows
  by a keyed permutation, and the skewed members are free.
- Each group draws its free codes **without replacement, with the members'
  weights** (successive sampling: the first with probability w_i / W, the
  next among the rest, ... the law of Gumbel-top-k). Heavy values stay the
  most frequent; a group never repeats a code, so pairs never repeat.
- With no skewed member the old bijections stay: a keyed permutation of the
  product domain, or per parent an affine walk ``(a_p * k + b_p) mod N``.

The sampling is exact in integer arithmetic (weights scaled to int64), so
no draw is ever redrawn: there is no retry-until-unique anywhere. Every
random stream is keyed by (seed, table, set, chunk of groups), so the codes
do not depend on block or batch sizes. Capacity (a group larger than the
free domain, more rows than combinations) is refused by the compiler.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..catalog import make_rng, stable_hash
from ..catalog.distributions import discrete_pmf
from ..catalog.tools import FeistelPermutation, mix64
from ..spec import RefColumn, TypeColumn, ZipfDist
from .plan import ColumnPlan, TablePlan
from .promises import unique_alone

__all__ = [
    "Member",
    "affine_codes",
    "decode",
    "distinct_draws",
    "integer_weights",
    "link_room",
    "rank_to_row",
    "set_codes",
    "table_codes",
]

_CHUNK = 65_536  # groups per random stream
_DENSE_CELLS = 1 << 22  # largest (groups x domain) matrix drawn at once by Gumbel keys


@dataclass(frozen=True)
class Member:
    """One column of a unique set: its number of distinct codes and their weights (None: equal)."""

    name: str
    size: int
    weights: np.ndarray | None = None


def integer_weights(weights: np.ndarray) -> np.ndarray:
    """Weights as int64 summing to about 2**52: exact prefix sums, no float ties.

    A positive weight never rounds to zero (it stays possible); a zero stays zero.
    """
    w = np.asarray(weights, dtype=np.float64)
    total = float(w.sum())
    scaled = np.floor(w * (2.0**52 / total))
    return np.where(w > 0, np.maximum(scaled, 1), 0).astype(np.int64)


def distinct_draws(weights: np.ndarray, counts: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """For each group g, ``counts[g]`` distinct indices into ``weights``, in draw order.

    The result is the groups' draws concatenated (group 0 first). Small groups
    use successive sampling in integer arithmetic (vectorised across groups,
    cost ~k^2/2 per group); a group whose k^2/2 exceeds the domain uses
    Gumbel-top-k over the whole domain instead (cost ~domain). Callers keep
    ``counts[g]`` at most the number of positive weights.
    """
    counts = np.asarray(counts, dtype=np.int64)
    size = len(weights)
    out = np.empty(int(counts.sum()), dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
    dense = counts * counts > 2 * size
    small = np.flatnonzero((counts > 0) & ~dense)
    if len(small):
        picks = _successive(integer_weights(weights), counts[small], rng)
        for s in range(picks.shape[1]):
            has = counts[small] > s
            out[offsets[small[has]] + s] = picks[has, s]
    big = np.flatnonzero(dense)
    if len(big):
        with np.errstate(divide="ignore"):
            logw = np.log(np.asarray(weights, dtype=np.float64))  # weight 0: never drawn
        per = max(1, _DENSE_CELLS // max(size, 1))
        for lo in range(0, len(big), per):
            rows = big[lo : lo + per]
            keys = logw[None, :] + rng.gumbel(size=(len(rows), size))
            order = np.argsort(-keys, axis=1, kind="stable")
            for r, g in enumerate(rows):
                k = int(counts[g])
                out[offsets[g] : offsets[g] + k] = order[r, :k]
    return out


def _successive(w: np.ndarray, counts: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """(groups, max count) matrix of draws without replacement; cells past a group's count unused.

    Step s draws u uniformly from the mass still left to each group and walks
    it past the intervals of the codes the group already holds (in index
    order), so it lands on a code not yet drawn, with probability w_i / (W -
    removed). Integers make this exact: no boundary can be hit twice.
    """
    cum = np.cumsum(w)
    start = cum - w
    total = int(cum[-1])
    order = np.argsort(-counts, kind="stable")  # active groups form a prefix at every step
    k_sorted = counts[order]
    kmax = int(k_sorted[0]) if len(k_sorted) else 0
    picks = np.zeros((len(counts), kmax), dtype=np.int64)
    held = np.zeros((len(counts), kmax), dtype=np.int64)  # codes drawn so far, sorted per row
    removed = np.zeros(len(counts), dtype=np.int64)
    for s in range(kmax):
        a = int(np.searchsorted(-k_sorted, -s, side="left"))  # groups with count > s
        if a == 0:
            break
        u = rng.integers(0, total - removed[:a], dtype=np.int64)
        for j in range(s):
            e = held[:a, j]
            u = u + np.where(u >= start[e], w[e], 0)
        pick = np.searchsorted(cum, u, side="right").astype(np.int64)
        picks[:a, s] = pick
        removed[:a] += w[pick]
        held[:a, s] = pick
        held[:a, : s + 1] = np.sort(held[:a, : s + 1], axis=1)
    result = np.empty_like(picks)
    result[order] = picks
    return result


def decode(code: np.ndarray, members: list[Member]) -> dict[str, np.ndarray]:
    """Mixed-radix digits of a combined code, one per member (the first varies fastest)."""
    out: dict[str, np.ndarray] = {}
    rest = np.asarray(code, dtype=np.int64)
    for m in members:
        out[m.name] = rest % m.size
        rest = rest // m.size
    return out


def _product_weights(members: list[Member]) -> np.ndarray:
    """Weights of every combined code (mixed radix, first member fastest)."""
    total = np.ones(1)
    for m in members:
        w = np.ones(m.size) if m.weights is None else np.asarray(m.weights, dtype=np.float64)
        total = (w[:, None] * total[None, :]).reshape(-1)  # new digit is the slower one
    return total


def affine_codes(groups: np.ndarray, pos: np.ndarray, size: int, key: int) -> np.ndarray:
    """Row k of group g gets (a_g * k + b_g) mod size: distinct within a group while k < size."""
    size = max(size, 1)
    mixed = mix64(groups.astype(np.uint64), key)
    b = (mixed % np.uint64(size)).astype(np.int64)
    a = ((mixed >> np.uint64(32)) % np.uint64(size)).astype(np.int64) | 1
    bad = np.gcd(a, size) != 1
    while bad.any():  # walks to the next unit mod size: bounded, deterministic
        a[bad] = a[bad] % size + 1
        bad = np.gcd(a, size) != 1
    return (a * pos + b) % size


def _grouped(
    weights: np.ndarray,
    group_of_row: np.ndarray,
    pos: np.ndarray,
    counts: np.ndarray,
    rng_for: Callable[[int], np.random.Generator],
) -> np.ndarray:
    """Free code per row: group g's draws, taken at each row's position in its group."""
    draws = np.empty(int(counts.sum()), dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    for chunk, lo in enumerate(range(0, len(counts), _CHUNK)):
        hi = min(lo + _CHUNK, len(counts))
        part = distinct_draws(weights, counts[lo:hi], rng_for(chunk))
        draws[offsets[lo] : offsets[hi]] = part
    return draws[offsets[group_of_row] + pos]


def set_codes(
    members: list[Member],
    rows: int,
    key: int,
    rng_for: Callable[[int], np.random.Generator],
    link: tuple[str, np.ndarray, np.ndarray, np.ndarray] | None = None,
) -> dict[str, np.ndarray]:
    """Codes of every member for all rows of a table, distinct as combinations.

    Args:
        members: the set's columns other than the per_parent link.
        rows: rows of the table.
        key: keys the permutations of this set.
        rng_for: the random stream of a chunk of groups (keyed by the caller).
        link: (name, parent index per row, position in its parent's rows,
            rows per parent) when the per_parent link belongs to the set.
    """
    skewed = [m for m in members if m.weights is not None]
    if link is not None:
        _, parent_index, pos, counts = link
        domain = int(np.prod([m.size for m in members], dtype=object))
        if skewed:
            code = _grouped(_product_weights(members), parent_index, pos, counts, rng_for)
        else:
            code = affine_codes(parent_index, pos, domain, key)
        return decode(code, members)
    index = np.arange(rows, dtype=np.int64)
    if not skewed:
        domain = int(np.prod([m.size for m in members], dtype=object))
        return decode(FeistelPermutation(max(domain, 1), key)(index), members)
    group_members = [m for m in members if m.weights is None]
    groups = int(np.prod([m.size for m in group_members], dtype=object)) if group_members else 1
    used = min(groups, rows)
    group_of_row = index % groups
    pos = index // groups
    counts = np.bincount(group_of_row, minlength=used).astype(np.int64)[:used]
    out = decode(_grouped(_product_weights(skewed), group_of_row, pos, counts, rng_for), skewed)
    if group_members:
        out |= decode(FeistelPermutation(groups, key)(group_of_row), group_members)
    return out


# --- a table's unique sets ----------------------------------------------------------


def _member(cp: ColumnPlan, parent_rows: Callable[[str], int]) -> Member:
    """A set's column as codes: parent rows (zipf weights by rank) or its type's values."""
    spec = cp.spec
    if isinstance(spec, RefColumn):
        assert cp.ref_table is not None
        size = parent_rows(cp.ref_table)
        weights = None
        if isinstance(spec.dist, ZipfDist) and size > 0:
            weights = discrete_pmf(spec.dist, 0, size - 1)  # by rank, as a plain zipf ref
        return Member(cp.name, size, weights)
    assert isinstance(spec, TypeColumn) and cp.generator is not None
    size, weights = cp.generator.code_domain(spec)  # type: ignore[attr-defined]
    return Member(cp.name, size, weights)


def _sets(tp: TablePlan) -> list[list[str]]:
    """Sets whose combinations the generator must build (a self-unique member settles one)."""
    out = [
        cols for cols in tp.spec.unique_sets() if not any(unique_alone(tp.columns[c]) for c in cols)
    ]
    for name, cp in tp.columns.items():
        if unique_alone(cp) and isinstance(cp.spec, RefColumn) and tp.link_column != name:
            out.append([name])  # a unique ref: parent rows without replacement
    return out


def link_room(tp: TablePlan, parent_rows: Callable[[str], int]) -> int | None:
    """Distinct partners a parent's rows can take when the per_parent link is in a set."""
    for cols in _sets(tp):
        if tp.link_column in cols:
            room = 1
            for c in cols:
                if c == tp.link_column:
                    continue
                cp = tp.columns[c]
                if isinstance(cp.spec, RefColumn):
                    room *= parent_rows(cp.ref_table or "")
                else:
                    assert isinstance(cp.spec, TypeColumn) and cp.generator is not None
                    room *= cp.generator.capacity(cp.spec) or 0
            return room
    return None


def rank_to_row(seed: int, table: str, column: str, size: int) -> FeistelPermutation:
    """Which parent row holds each zipf rank (the same map a plain zipf ref uses)."""
    return FeistelPermutation(max(size, 1), stable_hash(f"{seed}:{table}.{column}:rank"))


def table_codes(
    tp: TablePlan,
    seed: int,
    rows: int,
    parent_rows: Callable[[str], int],
    link: tuple[np.ndarray, np.ndarray, np.ndarray] | None,
) -> dict[str, np.ndarray]:
    """Per column of a unique set (or unique ref), its code for every row of the table.

    Ref columns get parent row indices, typed columns codes their generator
    turns into values (``from_codes``). ``link`` is (parent index, position
    among the parent's rows, rows per parent) for a per_parent table.
    """
    out: dict[str, np.ndarray] = {}
    for cols in _sets(tp):
        tag = "|".join(cols)
        key = stable_hash(f"{seed}:{tp.name}:{tag}")
        members = [_member(tp.columns[c], parent_rows) for c in cols if c != tp.link_column]
        if not rows:
            out |= {m.name: np.zeros(0, dtype=np.int64) for m in members}
            continue
        for m in members:
            if m.size == 0:  # only a ref can be empty: its parent came out with no rows
                raise ValueError(f"{tp.columns[m.name].ref_table} has no rows to refer to")

        def rng_for(chunk: int, tag: str = tag) -> np.random.Generator:
            return make_rng(seed, tp.name, f"__unique__:{tag}", chunk)

        with_link = link is not None and tp.link_column in cols
        codes = set_codes(
            members,
            rows,
            key,
            rng_for,
            (str(tp.link_column), *link) if with_link and link is not None else None,
        )
        for m in members:
            cp = tp.columns[m.name]
            code = codes[m.name]
            if isinstance(cp.spec, RefColumn) and m.weights is not None:
                code = rank_to_row(seed, tp.name, m.name, m.size)(code)
            out[m.name] = code
    return out
