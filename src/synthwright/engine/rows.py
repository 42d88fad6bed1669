"""How many rows each parent gets: per_parent counts, and room for scenario rows.

Counts are drawn per block of parent rows from (seed, table, block), so a
child's layout does not depend on its own size. In a junction the count
distribution is truncated at the distinct partners a parent can take, as it
is at ``max``; rows a scenario adds go to parents with room, and when the
drawn counts leave too little, parents above ``min`` give rows back (in a
keyed order), so every parent stays within [min, max] and the scenario rows
still fit. The compiler refuses what cannot fit for any draw.
"""

from __future__ import annotations

import numpy as np

from ..catalog import make_rng, stable_hash
from ..catalog.distributions import sample_integers
from ..catalog.tools import FeistelPermutation
from ..errors import GenerationError
from .plan import TablePlan

__all__ = ["child_counts", "spare_parents"]


def child_counts(
    tp: TablePlan, seed: int, parent_rows: int, room: int | None, block_size: int
) -> np.ndarray:
    """Children per parent row, drawn per parent block (independent of the child's size).

    In a junction (``room``: distinct partners a parent can take) the count
    distribution is truncated at the room as it is at ``max``.
    """
    pp = tp.spec.per_parent
    assert pp is not None
    hi = pp.max if pp.max is not None else int(getattr(pp.dist, "lam", 1) * 10 + 100)
    if room is not None:
        hi = min(hi, room)
        if pp.min > hi:
            raise GenerationError(
                f"each {pp.table} row needs {pp.min} rows with distinct partners, "
                f"but only {room} exist",
                f"tables.{tp.name}.per_parent.min",
            )
    out = np.empty(parent_rows, dtype=np.int64)
    for start in range(0, parent_rows, block_size):
        n = min(block_size, parent_rows - start)
        rng = make_rng(seed, tp.name, "__per_parent__", start // block_size)
        out[start : start + n] = sample_integers(pp.dist, rng, n, pp.min, hi)
    return out


def spare_parents(
    tp: TablePlan, seed: int, counts: np.ndarray, k: int, room: int | None
) -> tuple[np.ndarray, np.ndarray]:
    """Parents for k added scenario rows, never pushing a parent past its limit.

    The limit is per_parent.max (and a junction's room). When the drawn
    counts leave fewer than k free slots, parents above per_parent.min give
    back rows (in a keyed order) until the scenario rows fit: every parent
    stays within [min, max]. Returns the new base counts and the parents.
    """
    pp = tp.spec.per_parent
    assert pp is not None
    where = f"scenarios.{tp.name}"
    if len(counts) == 0:
        raise GenerationError(f"scenarios add {k} rows but {pp.table} has no rows", where)
    limit = pp.max if room is None else (room if pp.max is None else min(pp.max, room))
    if limit is None:
        rng = make_rng(seed, tp.name, "__scenario_parents__")
        return counts, np.sort(rng.integers(0, len(counts), k).astype(np.int64))
    spare = np.maximum(limit - counts, 0)
    need = k - int(spare.sum())
    if need > 0:
        give = np.maximum(counts - pp.min, 0)
        if int(give.sum()) < need:
            raise GenerationError(
                f"scenarios add {k} rows but parents have room for {int(spare.sum() + give.sum())} "
                f"(per_parent min {pp.min}, max {limit})",
                where,
            )
        order = FeistelPermutation(len(counts), stable_hash(f"{seed}:{tp.name}:room"))(
            np.arange(len(counts))
        )
        taken = np.cumsum(give[order]) - give[order]
        cut = np.zeros_like(counts)
        cut[order] = np.clip(need - taken, 0, give[order])
        counts = counts - cut
        spare = limit - counts
    slots = np.repeat(np.arange(len(counts), dtype=np.int64), spare)
    perm = FeistelPermutation(len(slots), stable_hash(f"{seed}:{tp.name}:spare"))
    return counts, np.sort(slots[perm(np.arange(k))])
