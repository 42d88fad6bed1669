"""Refs that must differ row by row (``distinct_from``): the ref's law, given that it differs.

Two refs of one row to the same key (``from_account`` and ``to_account``, a
relationship's ``source_id`` and ``target_id``) drawn independently meet on
the same parent about once per parent count: a transfer to oneself, a file
related to itself. With ``distinct_from`` the second ref is drawn from its
own distribution conditioned on differing from the first:

- uniform: an index among the other ``rows - 1`` parents, the first's row
  skipped, which is that conditional law exactly;
- zipf: rows that meet are drawn again from the zipf law on fresh streams
  keyed by round (rejection, so the relative weights of every other parent
  stay exact); after 64 rounds -- only a parent holding nearly all the
  weight gets there -- the few left are moved to the next row.

Every stream is keyed by (seed, table, column, block, round), so the result
does not depend on batch sizes or workers.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..catalog import BlockContext
from ..catalog.distributions import sample_integers
from ..spec import ZipfDist

__all__ = ["draw_apart"]

_ROUNDS = 64


def draw_apart(
    dist: object,
    ctx: BlockContext,
    rows: np.ndarray,
    other: np.ndarray,
    parents: int,
    rank_to_row: Callable[[np.ndarray], np.ndarray],
) -> np.ndarray:
    """Parent rows for this block that differ from ``other`` in every row.

    Args:
        dist: the ref's distribution (``ZipfDist`` or uniform/None).
        rows: the rows drawn as usual (kept where they already differ, for zipf).
        other: the parent row of the ref this one must differ from, per row.
        parents: how many parent rows there are (at least 2).
        rank_to_row: the ref's zipf rank -> parent row mapping.
    """
    if not isinstance(dist, ZipfDist):
        draw = ctx.rng("__apart__").integers(0, parents - 1, ctx.n).astype(np.int64)
        return draw + (draw >= other)
    out = rows.copy()
    for round_ in range(_ROUNDS):
        clash = np.flatnonzero(out == other)
        if not clash.size:
            return out
        rng = ctx.rng(f"__apart{round_}__")
        out[clash] = rank_to_row(sample_integers(dist, rng, clash.size, 0, parents - 1))
    clash = out == other
    out[clash] = (out[clash] + 1) % parents
    return out
