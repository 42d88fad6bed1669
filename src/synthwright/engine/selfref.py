"""Self-references: each row points at an earlier row of its own table (row 0 at none).

Earlier rows only, so the links form a forest (managers, parent categories,
replies) and never a cycle. The ref's own rules still hold:

- **uniform** (default): any earlier row, equally likely;
- **zipf**: earlier rows by rank, rank = row order (the first rows are the
  most pointed at, like the founders of an org chart): row i draws rank r
  in [0, i) with weight (r + 1)^-a, from one cumulative table, so nothing
  is redrawn;
- **unique**: no row is pointed at twice. Rows are dealt to ``K`` chains
  (K = null_rate x rows); each row points at the previous row of its chain
  and the first of a chain is null, so the null share is the null_rate and
  every target is taken at most once.

Blocks are filled in order; the random streams are keyed per block, and
the state carried between blocks (the last row of each chain) depends only
on earlier blocks, so the output does not depend on batch sizes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ..catalog import make_rng
from ..spec import RefColumn, ZipfDist

__all__ = ["SelfRef"]


@dataclass
class SelfRef:
    """Targets (earlier row indices) and nulls of one self-reference, block by block."""

    spec: RefColumn
    seed: int
    table: str
    column: str
    total: int
    _cdf: np.ndarray | None = None
    _last: np.ndarray | None = field(default=None, repr=False)

    def block(self, block: int, start: int, n: int) -> tuple[np.ndarray, np.ndarray]:
        """(target row per row, null mask) for rows start..start+n."""
        rows = np.arange(start, start + n, dtype=np.int64)
        if self.spec.unique:
            return self._chains(block, rows)
        rng = make_rng(self.seed, self.table, self.column, block)
        if isinstance(self.spec.dist, ZipfDist):
            cdf = self._zipf_cdf()
            reach = cdf[np.maximum(rows, 1) - 1]
            target = np.searchsorted(cdf, rng.random(n) * reach, side="right")
            target = np.minimum(target, np.maximum(rows - 1, 0)).astype(np.int64)
        else:
            target = np.floor(rng.random(n) * np.maximum(rows, 1)).astype(np.int64)
        null_rng = make_rng(self.seed, self.table, self.column, "__null__", block)
        null = (rows == 0) | (null_rng.random(n) < self.spec.null_rate)
        return target, null

    def _zipf_cdf(self) -> np.ndarray:
        if self._cdf is None:
            assert isinstance(self.spec.dist, ZipfDist)
            ranks = np.arange(1, max(self.total, 1) + 1, dtype=np.float64)
            self._cdf = np.cumsum(ranks**-self.spec.dist.a)
        return self._cdf

    def _chains(self, block: int, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        chains = max(1, math.ceil(self.spec.null_rate * self.total))
        if self._last is None:
            self._last = np.full(chains, -1, dtype=np.int64)
        chain = make_rng(self.seed, self.table, self.column, "__chain__", block).integers(
            0, chains, len(rows)
        )
        order = np.argsort(chain, kind="stable")
        c, r = chain[order], rows[order]
        same = np.concatenate([[False], c[1:] == c[:-1]])
        previous = np.where(same, np.concatenate([[-1], r[:-1]]), self._last[c])
        target = np.empty(len(rows), dtype=np.int64)
        target[order] = previous
        ends = np.concatenate([c[1:] != c[:-1], [True]]) if len(c) else np.array([], bool)
        self._last[c[ends]] = r[ends]
        null = target < 0
        return np.where(null, 0, target), null
