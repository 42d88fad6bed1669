"""Privacy: whether synthetic rows sit too close to, or copy, real ones.

Privacy, per table, on the scored columns (numbers standardised by the
real data, categories one-hot for the real top 10, a null flag per column
with nulls), through a k-d tree (``scipy.spatial.cKDTree``), never a cross
join; at most ``PRIVACY_ROWS`` rows of each side are used:

- **DCR**: distance from each synthetic row to its closest training row
  (median and 5th percentile); with a holdout, the same for holdout rows
  as the baseline a fresh real sample would get;
- **closer to training than to holdout**: share of synthetic rows whose
  nearest training row is closer than their nearest holdout row, with both
  sides of equal size (about 0.5 when nothing is memorised);
- **exact copies**: share of synthetic rows equal to a real row on every
  non-key column;
- **rare-category leakage**: real categories seen fewer than k times that
  appear in the synthetic data, and the share of synthetic rows carrying one.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from scipy.spatial import cKDTree

from ...spec import TableProfile
from ._results import Privacy
from ._values import NUMERIC, aligned, frequencies, labels, numbers, scored_columns

__all__ = ["PRIVACY_ROWS", "table_privacy"]

PRIVACY_ROWS = 10_000


def _subsample(table: pa.Table, rows: int, seed: int) -> pa.Table:
    if table.num_rows <= rows:
        return table
    idx = np.sort(np.random.default_rng(seed).choice(table.num_rows, rows, replace=False))
    return table.take(pa.array(idx))


def _encoder(real: pa.Table, prof: TableProfile, cols: list[str]) -> list[tuple[str, Any]]:
    parts: list[tuple[str, Any]] = []
    for c in cols:
        cp = prof.columns[c]
        arr = real.column(c).combine_chunks()
        if cp.kind in NUMERIC:
            x = numbers(arr, cp)
            mean = float(x.mean()) if len(x) else 0.0
            std = float(x.std()) if len(x) and x.std() > 0 else 1.0
            parts.append((c, ("num", cp, mean, std, arr.null_count > 0)))
        else:
            freq = frequencies(arr)
            top = pa.array(sorted(freq, key=lambda k: -freq[k])[:10], pa.string())
            parts.append((c, ("cat", cp, top)))
    return parts


def _encode(table: pa.Table, parts: list[tuple[str, Any]]) -> np.ndarray:
    blocks: list[np.ndarray] = []
    n = table.num_rows
    for c, spec in parts:
        arr = table.column(c).combine_chunks()
        if spec[0] == "num":
            _, cp, mean, std, has_null = spec
            x = aligned(arr, cp)
            z = (x - mean) / std
            blocks.append(np.nan_to_num(z, nan=0.0, posinf=0.0, neginf=0.0)[:, None])
            if has_null:
                blocks.append(np.isnan(x).astype(np.float64)[:, None])
        else:
            top = spec[2]
            idx = pc.index_in(labels(arr), value_set=top)
            codes = np.asarray(pc.fill_null(idx, -1).to_numpy(zero_copy_only=False), dtype=np.int64)
            onehot = np.zeros((n, len(top)))
            ok = codes >= 0
            onehot[np.flatnonzero(ok), codes[ok]] = 1 / math.sqrt(2)
            blocks.append(onehot)
    return np.hstack(blocks) if blocks else np.zeros((n, 0))


def _exact_copies(real: pa.Table, syn: pa.Table, cols: list[str]) -> tuple[float, float]:
    """Shares of synthetic rows equal to a real row, and to a row that is unique in the real data.

    The second is the one that identifies someone: a combination many real
    rows share (the same aircraft model, year and seats) says nothing about
    any one of them.
    """
    if not cols or syn.num_rows == 0:
        return 0.0, 0.0

    def strings(t: pa.Table) -> pa.Table:
        return pa.table(
            [pc.fill_null(labels(t.column(c).combine_chunks()), "\x00") for c in cols], names=cols
        )

    groups = strings(real).group_by(cols).aggregate([([], "count_all")])
    once = groups.filter(pc.equal(groups.column("count_all"), 1)).drop_columns(["count_all"])
    s = strings(syn)
    copies = s.join(groups.drop_columns(["count_all"]), keys=cols, join_type="left semi")
    unique = s.join(once, keys=cols, join_type="left semi")
    return copies.num_rows / syn.num_rows, unique.num_rows / syn.num_rows


def table_privacy(
    table: str,
    real: pa.Table,
    syn: pa.Table,
    holdout: pa.Table | None,
    prof: TableProfile,
    rare_k: int,
) -> Privacy:
    cols = scored_columns(prof, syn)
    out = Privacy(table=table, rows_compared=0)
    linked = {lk.column for lk in prof.links}
    non_key = [
        c
        for c in real.column_names
        if c in syn.column_names
        and c not in linked
        and c != prof.primary_key
        and prof.columns[c].kind != "key"
    ]
    out.exact_copies, out.unique_copies = _exact_copies(real, syn, non_key)
    for c in non_key:
        cp = prof.columns[c]
        if cp.kind not in ("categorical", "string", "semantic", "text"):
            continue
        counts = pc.value_counts(labels(real.column(c).combine_chunks()).drop_null())
        rare = [
            v
            for v, k in zip(
                counts.field("values").to_pylist(), counts.field("counts").to_pylist(), strict=True
            )
            if k < rare_k
        ]
        if not rare:
            continue
        rare_set = pa.array(rare, pa.string())
        s_text = labels(syn.column(c).combine_chunks())
        hit = pc.is_in(s_text, value_set=rare_set)
        out.rare_categories += len(rare)
        out.rare_leaked += len(pc.unique(s_text.filter(hit)))
        out.rare_leaked_rows = max(
            out.rare_leaked_rows, float(pc.mean(hit.cast(pa.float64())).as_py() or 0.0)
        )
    if not cols:
        return out
    train = _subsample(real, PRIVACY_ROWS * 2, 1)
    sample = _subsample(syn, PRIVACY_ROWS, 2)
    parts = _encoder(real, prof, cols)
    x_train = _encode(train, parts)
    x_syn = _encode(sample, parts)
    if x_train.shape[1] == 0 or len(x_train) == 0 or len(x_syn) == 0:
        return out
    tree = cKDTree(x_train)
    d_syn, _ = tree.query(x_syn, k=1, workers=-1)
    out.rows_compared = len(x_syn)
    out.dcr_median = float(np.median(d_syn))
    out.dcr_p5 = float(np.quantile(d_syn, 0.05))
    if holdout is not None and holdout.num_rows and all(c in holdout.column_names for c in cols):
        hold = _subsample(holdout, PRIVACY_ROWS, 3)
        x_hold = _encode(hold, parts)
        d_hold, _ = tree.query(x_hold, k=1, workers=-1)
        out.holdout_dcr_median = float(np.median(d_hold))
        same = _encode(_subsample(real, len(hold), 4), parts)
        d_train, _ = cKDTree(same).query(x_syn, k=1, workers=-1)
        d_other, _ = cKDTree(x_hold).query(x_syn, k=1, workers=-1)
        closer = (d_train < d_other).astype(np.float64) + 0.5 * (d_train == d_other)
        out.closer_to_training = float(closer.mean())
    return out
