"""Fidelity: how closely synthetic columns, pairs and relations follow the real ones.

Fidelity (SDMetrics' definitions, computed here without SDV):

- **column shapes**: 1 - KS statistic for numbers, dates and datetimes;
  1 - total variation distance for categories and booleans (nulls left out);
- **column-pair trends**: 1 - |r_real - r_synth| / 2 for two numeric
  columns (Pearson); 1 - TV distance of the normalised contingency tables
  otherwise (numbers cut at the real data's deciles, categories beyond the
  real top 20 pooled). A pair counts only where the real data has a trend:
  |r| >= 0.1, or bias-corrected Cramer's V >= 0.1;
- **overall quality** = mean of the column-shape and pair-trend scores;
- **cardinality**: 1 - KS statistic between real and synthetic children per
  parent row, per foreign key; **referential integrity**: the share of
  synthetic foreign-key values found in the synthetic parent.

Keys and foreign keys are not scored as shapes (their values are
arbitrary); free text, names and other generated columns are not either.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from scipy import stats

from ...spec import ColumnProfile, TableProfile
from ..infer import cast_or_keep
from ._plots import bars, correlation_plot, histogram
from ._results import ColumnScore, PairScore, RelationScore, Report
from ._values import NUMERIC, aligned, frequencies, labels, numbers, scored_columns

__all__ = ["ks_complement", "score_relation", "score_table", "tv_complement"]

TREND = 0.1
MAX_PAIR_COLUMNS = 40


# --- column shapes -------------------------------------------------------------------


def tv_complement(real: pa.Array, synthetic: pa.Array) -> float:
    """1 - total variation distance of two category distributions."""
    p, q = frequencies(real), frequencies(synthetic)
    if not p or not q:
        return 0.0 if p or q else 1.0
    keys = set(p) | set(q)
    return 1.0 - 0.5 * sum(abs(p.get(k, 0.0) - q.get(k, 0.0)) for k in keys)


def ks_complement(real: np.ndarray, synthetic: np.ndarray) -> float:
    """1 - the two-sample KS statistic."""
    if len(real) == 0 or len(synthetic) == 0:
        return 0.0 if len(real) or len(synthetic) else 1.0
    return 1.0 - float(stats.ks_2samp(real, synthetic, method="asymp").statistic)


def score_table(
    table: str, real: pa.Table, syn: pa.Table, prof: TableProfile, report: Report
) -> None:
    scored = scored_columns(prof, syn)
    report.skipped[table] = [c for c in real.column_names if c not in scored]
    encoded_real: dict[str, np.ndarray | pa.Array] = {}
    encoded_syn: dict[str, np.ndarray | pa.Array] = {}
    for col in scored:
        cp = prof.columns[col]
        r_arr = real.column(col).combine_chunks()
        s_arr = syn.column(col).combine_chunks()
        if cp.kind in NUMERIC:
            try:
                r, s = numbers(r_arr, cp), numbers(s_arr, cp)
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                report.columns.append(ColumnScore(table, col, cp.kind, "KSComplement", 0.0))
                continue
            report.columns.append(
                ColumnScore(
                    table, col, cp.kind, "KSComplement", ks_complement(r, s), histogram(r, s)
                )
            )
        else:
            report.columns.append(
                ColumnScore(
                    table,
                    col,
                    cp.kind,
                    "TVComplement",
                    tv_complement(r_arr, s_arr),
                    bars(r_arr, s_arr),
                )
            )
        encoded_real[col], encoded_syn[col] = r_arr, s_arr
    _pairs(table, real, syn, prof, scored[:MAX_PAIR_COLUMNS], report)


# --- pair trends -------------------------------------------------------------------


def _codes(
    arr: pa.Array, cp: ColumnProfile, ref: pa.Array | None, edges: np.ndarray | None
) -> np.ndarray:
    """Small integer codes for contingency tables (-1 for nulls)."""
    if cp.kind in NUMERIC:
        x = aligned(arr, cp)
        assert edges is not None
        codes = np.searchsorted(edges, x, "right")
        return np.where(np.isnan(x), -1, codes)
    text = labels(arr)
    assert ref is not None
    idx = pc.index_in(text, value_set=ref)
    out = np.asarray(pc.fill_null(idx, len(ref)).to_numpy(zero_copy_only=False), dtype=np.int64)
    return np.where(np.asarray(text.is_null().to_numpy(zero_copy_only=False)), -1, out)


def _cramers_v(table: np.ndarray) -> float:
    n = table.sum()
    r, k = table.shape
    if n == 0 or r < 2 or k < 2:
        return 0.0
    expected = np.outer(table.sum(1), table.sum(0)) / n
    with np.errstate(divide="ignore", invalid="ignore"):
        chi2 = np.nansum(np.where(expected > 0, (table - expected) ** 2 / expected, 0.0))
    phi2 = max(0.0, chi2 / n - (k - 1) * (r - 1) / max(n - 1, 1))
    rc = r - (r - 1) ** 2 / max(n - 1, 1)
    kc = k - (k - 1) ** 2 / max(n - 1, 1)
    denom = min(kc - 1, rc - 1)
    return math.sqrt(phi2 / denom) if denom > 0 else 0.0


def _contingency(a: np.ndarray, b: np.ndarray, ka: int, kb: int) -> np.ndarray:
    ok = (a >= 0) & (b >= 0)
    table = np.zeros((ka, kb))
    np.add.at(table, (a[ok], b[ok]), 1.0)
    return table


def _pairs(
    table: str, real: pa.Table, syn: pa.Table, prof: TableProfile, cols: list[str], report: Report
) -> None:
    numeric = [c for c in cols if prof.columns[c].kind in NUMERIC]
    r_num = {c: aligned(real.column(c).combine_chunks(), prof.columns[c]) for c in numeric}
    s_num = {c: aligned(syn.column(c).combine_chunks(), prof.columns[c]) for c in numeric}
    edges = {
        c: np.unique(np.nanquantile(r_num[c], np.linspace(0.1, 0.9, 9)))
        if np.isfinite(r_num[c]).any()
        else np.zeros(1)
        for c in numeric
    }
    refs: dict[str, pa.Array] = {}
    for c in cols:
        if c not in numeric:
            freq = frequencies(real.column(c).combine_chunks())
            refs[c] = pa.array(sorted(freq, key=lambda k: -freq[k])[:20], pa.string())
    r_codes = {
        c: _codes(real.column(c).combine_chunks(), prof.columns[c], refs.get(c), edges.get(c))
        for c in cols
    }
    s_codes = {
        c: _codes(syn.column(c).combine_chunks(), prof.columns[c], refs.get(c), edges.get(c))
        for c in cols
    }
    sizes = {c: (len(edges[c]) + 1 if c in numeric else len(refs[c]) + 1) for c in cols}
    corr_real = _corr_matrix([r_num[c] for c in numeric])
    corr_syn = _corr_matrix([s_num[c] for c in numeric])
    if numeric:
        report.correlations[table] = correlation_plot(numeric, corr_real, corr_syn)
    for i, a in enumerate(cols):
        for b in cols[i + 1 :]:
            if a in numeric and b in numeric:
                ia, ib = numeric.index(a), numeric.index(b)
                r, s = float(corr_real[ia, ib]), float(corr_syn[ia, ib])
                if abs(r) >= TREND and math.isfinite(r):
                    s = s if math.isfinite(s) else 0.0
                    report.pairs.append(
                        PairScore(table, a, b, "CorrelationSimilarity", r, s, 1 - abs(r - s) / 2)
                    )
                continue
            rt = _contingency(r_codes[a], r_codes[b], sizes[a], sizes[b])
            v = _cramers_v(rt)
            if v < TREND:
                continue
            st = _contingency(s_codes[a], s_codes[b], sizes[a], sizes[b])
            p = rt / max(rt.sum(), 1)
            q = st / max(st.sum(), 1)
            score = 1 - 0.5 * float(np.abs(p - q).sum())
            report.pairs.append(
                PairScore(table, a, b, "ContingencySimilarity", v, _cramers_v(st), score)
            )


def _corr_matrix(columns: list[np.ndarray]) -> np.ndarray:
    """Pearson correlations over rows where both columns are present."""
    k = len(columns)
    out = np.eye(k)
    for i in range(k):
        for j in range(i + 1, k):
            x, y = columns[i], columns[j]
            ok = np.isfinite(x) & np.isfinite(y)
            if ok.sum() < 3 or np.std(x[ok]) == 0 or np.std(y[ok]) == 0:
                r = float("nan")
            else:
                r = float(np.corrcoef(x[ok], y[ok])[0, 1])
            out[i, j] = out[j, i] = r
    return out


# --- relations -----------------------------------------------------------------------


def _children(child: pa.Array, keys: pa.Array) -> tuple[np.ndarray, float]:
    idx = pc.index_in(child, value_set=keys)
    found = np.asarray(pc.fill_null(idx, -1).to_numpy(zero_copy_only=False), dtype=np.int64)
    valid = child.drop_null()
    integrity = (
        1.0
        - (
            int(
                pc.sum(pc.is_null(pc.index_in(valid, value_set=keys)).cast(pa.int64())).as_py() or 0
            )
            / len(valid)
        )
        if len(valid)
        else 1.0
    )
    counts = np.bincount(found[found >= 0], minlength=len(keys))
    return counts, integrity


def score_relation(
    table: str, lk: Any, real: dict[str, pa.Table], syn: dict[str, pa.Table]
) -> RelationScore:
    def column(tables: dict[str, pa.Table], t: str, c: str) -> pa.Array | None:
        return tables[t].column(c).combine_chunks() if c in tables[t].column_names else None

    r_child, r_keys = column(real, table, lk.column), column(real, lk.parent, lk.parent_column)
    s_child, s_keys = column(syn, table, lk.column), column(syn, lk.parent, lk.parent_column)
    if s_child is None or s_keys is None:
        return RelationScore(table, lk.column, lk.parent, None, 0.0)
    s_counts, integrity = _children(_same_type(s_child, s_keys), s_keys)
    card = None
    if r_child is not None and r_keys is not None:
        r_counts, _ = _children(_same_type(r_child, r_keys), r_keys)
        card = ks_complement(r_counts.astype(float), s_counts.astype(float))
    return RelationScore(table, lk.column, lk.parent, card, integrity)


def _same_type(child: pa.Array, keys: pa.Array) -> pa.Array:
    if pa.types.is_dictionary(child.type):
        child = child.dictionary_decode()
    return cast_or_keep(child, keys.type)
