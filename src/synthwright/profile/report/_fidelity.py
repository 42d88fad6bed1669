"""Fidelity: how closely synthetic columns, pairs and relations follow the real ones.

Fidelity (SDMetrics' definitions, computed here without SDV):

- **column shapes**: 1 - KS statistic for numbers, dates and datetimes;
  1 - total variation distance for categories and booleans (nulls left out);
- **column-pair trends**: 1 - |r_real - r_synth| / 2 for two numeric
  columns (Pearson); 1 - TV distance of the contingency tables otherwise
  (numbers in 10 equal-width bins of each table's own range, as SDMetrics
  cuts them; nulls a value of their own). A pair counts only where the real
  data has a trend, with SDMetrics' QualityReport thresholds: |r| > 0.5, or
  Cramer's V > 0.3 (tests/unit/profile/test_sdmetrics_agreement.py holds
  these to SDMetrics' own figures);
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

CORRELATION_THRESHOLD = 0.5  # SDMetrics' QualityReport: pairs counted above these
ASSOCIATION_THRESHOLD = 0.3
TREND = CORRELATION_THRESHOLD  # the older name
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


def _discrete(arr: pa.Array, cp: ColumnProfile) -> np.ndarray:
    """SDMetrics' discrete view of a column: 10 equal-width bins of its own range for numbers
    and dates (``np.histogram_bin_edges`` then ``np.digitize``; nulls fall past the last
    edge), labels for the rest (nulls kept as a label of their own)."""
    if cp.kind in NUMERIC:
        x = aligned(arr, cp)
        ok = np.isfinite(x)
        if not ok.any():
            return np.full(len(x), "nan", dtype=object)
        edges = np.histogram_bin_edges(x[ok])
        with np.errstate(invalid="ignore"):
            return np.digitize(np.where(ok, x, np.nan), edges).astype(np.int64).astype(object)
    text = labels(arr)
    out = np.asarray(text.to_pylist(), dtype=object)
    out[np.asarray(text.is_null().to_numpy(zero_copy_only=False), dtype=bool)] = "\x00null"
    return out


def _joint(a: np.ndarray, b: np.ndarray) -> dict[tuple[Any, Any], float]:
    """Shares of the value pairs of two discrete columns (sparse contingency table)."""
    keys = pa.table({"a": pa.array(a.tolist()), "b": pa.array(b.tolist())})
    counts = keys.group_by(["a", "b"]).aggregate([([], "count_all")])
    n = max(len(a), 1)
    return {
        (x, y): c / n
        for x, y, c in zip(
            counts.column("a").to_pylist(),
            counts.column("b").to_pylist(),
            counts.column("count_all").to_pylist(),
            strict=True,
        )
    }


def _cramers_v(joint: dict[tuple[Any, Any], float]) -> float:
    """Cramer's V of a contingency table (scipy's ``association``, no correction)."""
    if not joint:
        return 0.0
    rows: dict[Any, float] = {}
    cols: dict[Any, float] = {}
    for (x, y), p in joint.items():
        rows[x] = rows.get(x, 0.0) + p
        cols[y] = cols.get(y, 0.0) + p
    k = min(len(rows), len(cols))
    if k < 2:
        return 0.0
    phi2 = sum(p * p / (rows[x] * cols[y]) for (x, y), p in joint.items()) - 1.0
    return math.sqrt(max(phi2, 0.0) / (k - 1))


def _pairs(
    table: str, real: pa.Table, syn: pa.Table, prof: TableProfile, cols: list[str], report: Report
) -> None:
    """Column-pair trends as SDMetrics' QualityReport scores them (thresholds included).

    Two numeric columns: Pearson's r over the rows where both are present,
    counted when the real |r| exceeds CORRELATION_THRESHOLD. Otherwise the
    contingency tables of the discrete views (numbers in 10 equal-width bins
    of each table's own range, nulls a value of their own), counted when the
    real Cramer's V exceeds ASSOCIATION_THRESHOLD; the score is 1 - their
    total variation distance.
    """
    numeric = [c for c in cols if prof.columns[c].kind in NUMERIC]
    r_num = {c: aligned(real.column(c).combine_chunks(), prof.columns[c]) for c in numeric}
    s_num = {c: aligned(syn.column(c).combine_chunks(), prof.columns[c]) for c in numeric}
    r_disc = {c: _discrete(real.column(c).combine_chunks(), prof.columns[c]) for c in cols}
    s_disc = {c: _discrete(syn.column(c).combine_chunks(), prof.columns[c]) for c in cols}
    corr_real = _corr_matrix([r_num[c] for c in numeric])
    corr_syn = _corr_matrix([s_num[c] for c in numeric])
    if numeric:
        report.correlations[table] = correlation_plot(numeric, corr_real, corr_syn)
    for i, a in enumerate(cols):
        for b in cols[i + 1 :]:
            if a in numeric and b in numeric:
                ia, ib = numeric.index(a), numeric.index(b)
                r, s = float(corr_real[ia, ib]), float(corr_syn[ia, ib])
                if math.isfinite(r) and abs(r) > CORRELATION_THRESHOLD:
                    s = s if math.isfinite(s) else 0.0
                    report.pairs.append(
                        PairScore(table, a, b, "CorrelationSimilarity", r, s, 1 - abs(r - s) / 2)
                    )
                continue
            pr = _joint(r_disc[a], r_disc[b])
            v = _cramers_v(pr)
            if v <= ASSOCIATION_THRESHOLD:
                continue
            ps = _joint(s_disc[a], s_disc[b])
            tv = 0.5 * sum(abs(pr.get(k, 0.0) - ps.get(k, 0.0)) for k in set(pr) | set(ps))
            report.pairs.append(
                PairScore(table, a, b, "ContingencySimilarity", v, _cramers_v(ps), 1 - tv)
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
    r_keys, s_keys = _plain(r_keys), _plain(s_keys)  # a category key is written as a dictionary
    if s_child is None or s_keys is None:
        return RelationScore(table, lk.column, lk.parent, None, 0.0)
    s_counts, integrity = _children(_same_type(s_child, s_keys), s_keys)
    card = None
    if r_child is not None and r_keys is not None:
        r_counts, _ = _children(_same_type(r_child, r_keys), r_keys)
        card = ks_complement(r_counts.astype(float), s_counts.astype(float))
    return RelationScore(table, lk.column, lk.parent, card, integrity)


def _plain(arr: pa.Array | None) -> pa.Array | None:
    if arr is not None and pa.types.is_dictionary(arr.type):
        return arr.dictionary_decode()
    return arr


def _same_type(child: pa.Array, keys: pa.Array) -> pa.Array:
    if pa.types.is_dictionary(child.type):
        child = child.dictionary_decode()
    return cast_or_keep(child, keys.type)
