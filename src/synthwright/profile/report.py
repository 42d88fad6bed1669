"""Fidelity and privacy of synthetic tables against the real ones.

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
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from scipy import stats
from scipy.spatial import cKDTree

from ..errors import DataError
from ..spec._profile import ColumnProfile, TableProfile
from .infer import cast_or_keep, to_model_units
from .to_spec import ProfiledSpec

__all__ = ["PRIVACY_ROWS", "Report", "quality_report"]

NUMERIC = ("numeric", "datetime", "date")
SCORED = ("numeric", "datetime", "date", "bool", "categorical")
TREND = 0.1
PRIVACY_ROWS = 10_000
MAX_PAIR_COLUMNS = 40
_BINS = 20


@dataclass
class ColumnScore:
    table: str
    column: str
    kind: str
    metric: str
    score: float
    plot: dict[str, Any] = field(default_factory=dict)


@dataclass
class PairScore:
    table: str
    a: str
    b: str
    metric: str
    real: float
    synthetic: float
    score: float


@dataclass
class RelationScore:
    child: str
    column: str
    parent: str
    cardinality: float | None
    integrity: float


@dataclass
class Privacy:
    table: str
    rows_compared: int
    dcr_median: float | None = None
    dcr_p5: float | None = None
    holdout_dcr_median: float | None = None
    closer_to_training: float | None = None
    exact_copies: float = 0.0
    unique_copies: float = 0.0  # copies of a row that occurs once in the real data
    rare_categories: int = 0
    rare_leaked: int = 0
    rare_leaked_rows: float = 0.0


@dataclass
class Report:
    """Every score, with the data the HTML page draws."""

    overall: float
    column_shapes: float | None
    pair_trends: float | None
    cardinality: float | None
    integrity: float | None
    columns: list[ColumnScore] = field(default_factory=list)
    pairs: list[PairScore] = field(default_factory=list)
    relations: list[RelationScore] = field(default_factory=list)
    privacy: list[Privacy] = field(default_factory=list)
    correlations: dict[str, dict[str, Any]] = field(default_factory=dict)
    skipped: dict[str, list[str]] = field(default_factory=dict)

    def to_dict(self, plots: bool = False) -> dict[str, Any]:
        data = asdict(self)
        if not plots:
            for col in data["columns"]:
                col.pop("plot", None)
            data.pop("correlations", None)
        return _round(data)

    def summary(self) -> dict[str, float | None]:
        return {
            "overall": self.overall,
            "column_shapes": self.column_shapes,
            "pair_trends": self.pair_trends,
            "cardinality": self.cardinality,
            "integrity": self.integrity,
        }


def _round(data: Any) -> Any:
    if isinstance(data, float):
        return round(data, 4) if math.isfinite(data) else None
    if isinstance(data, dict):
        return {k: _round(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_round(v) for v in data]
    return data


def _mean(values: list[float]) -> float | None:
    return float(np.mean(values)) if values else None


def quality_report(
    real: dict[str, pa.Table],
    synthetic: dict[str, pa.Table],
    *,
    spec: ProfiledSpec | None = None,
    holdout: dict[str, pa.Table] | None = None,
    rare_k: int = 5,
) -> Report:
    """Score synthetic tables against real ones (same table and column names).

    ``spec`` (the profiled spec the synthetic data came from) names keys and
    foreign keys; without it they are inferred from the real data.

    Raises:
        DataError: no table in common.
    """
    from ._pipeline import profile_tables

    common = [t for t in real if t in synthetic]
    if not common:
        raise DataError(
            f"no table in common (real: {', '.join(real)}; synthetic: {', '.join(synthetic)})",
            "report",
        )
    fitted = profile_tables({t: real[t] for t in common}, rare_k=rare_k)
    profiles = fitted.profiles
    if spec is not None:
        for t in common:
            if t in spec.profiles:
                profiles[t].links = spec.profiles[t].links
                profiles[t].primary_key = spec.profiles[t].primary_key
    report = Report(
        overall=0.0, column_shapes=None, pair_trends=None, cardinality=None, integrity=None
    )
    for t in common:
        _table_scores(t, real[t], synthetic[t], profiles[t], report)
        report.privacy.append(
            _privacy(t, real[t], synthetic[t], (holdout or {}).get(t), profiles[t], rare_k)
        )
    for t in common:
        for lk in profiles[t].links:
            if lk.parent in synthetic and lk.parent in real:
                report.relations.append(_relation(t, lk, real, synthetic))
    report.column_shapes = _mean([c.score for c in report.columns])
    report.pair_trends = _mean([p.score for p in report.pairs])
    parts = [s for s in (report.column_shapes, report.pair_trends) if s is not None]
    report.overall = float(np.mean(parts)) if parts else 0.0
    report.cardinality = _mean(
        [r.cardinality for r in report.relations if r.cardinality is not None]
    )
    report.integrity = _mean([r.integrity for r in report.relations])
    return report


# --- column shapes -------------------------------------------------------------------


def _scored(prof: TableProfile, synthetic: pa.Table) -> list[str]:
    linked = {lk.column for lk in prof.links}
    return [
        c
        for c, cp in prof.columns.items()
        if cp.kind in SCORED
        and c not in linked
        and c != prof.primary_key
        and c in synthetic.column_names
    ]


def numbers(arr: pa.Array, cp: ColumnProfile) -> np.ndarray:
    """Non-null values as float64 model units (date strings parsed by the real format)."""
    arr = arr.drop_null()
    if pa.types.is_dictionary(arr.type):
        arr = arr.dictionary_decode()
    if pa.types.is_string(arr.type):
        if cp.format:
            arr = pc.strptime(arr, format=cp.format, unit="us", error_is_null=True).drop_null()
            if cp.kind == "date":
                arr = arr.cast(pa.date32())
        else:
            target = {"datetime": pa.timestamp("us"), "date": pa.date32()}.get(
                cp.kind, pa.float64()
            )
            arr = arr.cast(target)
    elif cp.kind == "date" and pa.types.is_timestamp(arr.type):
        arr = arr.cast(pa.date32())
    elif cp.kind == "datetime" and pa.types.is_date(arr.type):
        arr = arr.cast(pa.timestamp("us"))
    x = to_model_units(arr)
    return x[np.isfinite(x)]


def labels(arr: pa.Array) -> pa.Array:
    """Values as strings (booleans as true/false), nulls kept."""
    if pa.types.is_dictionary(arr.type):
        arr = arr.dictionary_decode()
    if pa.types.is_boolean(arr.type):
        return pc.if_else(arr, "true", "false")
    if pa.types.is_floating(arr.type):
        whole = pc.equal(arr, pc.floor(arr))
        if pc.all(pc.fill_null(whole, True)).as_py():
            arr = arr.cast(pa.int64())
    return arr.cast(pa.string())


def _frequencies(arr: pa.Array) -> dict[str, float]:
    counts = pc.value_counts(labels(arr).drop_null())
    total = sum(counts.field("counts").to_pylist()) or 1
    return {
        v: c / total
        for v, c in zip(
            counts.field("values").to_pylist(), counts.field("counts").to_pylist(), strict=True
        )
    }


def tv_complement(real: pa.Array, synthetic: pa.Array) -> float:
    """1 - total variation distance of two category distributions."""
    p, q = _frequencies(real), _frequencies(synthetic)
    if not p or not q:
        return 0.0 if p or q else 1.0
    keys = set(p) | set(q)
    return 1.0 - 0.5 * sum(abs(p.get(k, 0.0) - q.get(k, 0.0)) for k in keys)


def ks_complement(real: np.ndarray, synthetic: np.ndarray) -> float:
    """1 - the two-sample KS statistic."""
    if len(real) == 0 or len(synthetic) == 0:
        return 0.0 if len(real) or len(synthetic) else 1.0
    return 1.0 - float(stats.ks_2samp(real, synthetic, method="asymp").statistic)


def _hist(real: np.ndarray, syn: np.ndarray) -> dict[str, Any]:
    both = np.concatenate([real, syn]) if len(syn) else real
    lo, hi = np.quantile(both, [0.005, 0.995]) if len(both) else (0.0, 1.0)
    if hi <= lo:
        lo, hi = float(both.min()) - 0.5, float(both.max()) + 0.5
    edges = np.linspace(lo, hi, _BINS + 1)
    r, _ = np.histogram(np.clip(real, lo, hi), edges)
    s, _ = np.histogram(np.clip(syn, lo, hi), edges)
    return {
        "type": "hist",
        "edges": [float(e) for e in edges],
        "real": [float(v) for v in r / max(r.sum(), 1)],
        "synthetic": [float(v) for v in s / max(s.sum(), 1)],
    }


def _bars(real: pa.Array, syn: pa.Array) -> dict[str, Any]:
    p, q = _frequencies(real), _frequencies(syn)
    top = sorted(p, key=lambda k: -p[k])[:12]
    return {
        "type": "bars",
        "labels": top,
        "real": [p[k] for k in top],
        "synthetic": [q.get(k, 0.0) for k in top],
    }


def _table_scores(
    table: str, real: pa.Table, syn: pa.Table, prof: TableProfile, report: Report
) -> None:
    scored = _scored(prof, syn)
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
                ColumnScore(table, col, cp.kind, "KSComplement", ks_complement(r, s), _hist(r, s))
            )
        else:
            report.columns.append(
                ColumnScore(
                    table,
                    col,
                    cp.kind,
                    "TVComplement",
                    tv_complement(r_arr, s_arr),
                    _bars(r_arr, s_arr),
                )
            )
        encoded_real[col], encoded_syn[col] = r_arr, s_arr
    _pairs(table, real, syn, prof, scored[:MAX_PAIR_COLUMNS], report)


# --- pair trends -------------------------------------------------------------------


def _aligned(arr: pa.Array, cp: ColumnProfile) -> np.ndarray:
    """Model units per row (NaN for nulls), for pairwise statistics."""
    valid = ~np.asarray(arr.is_null().to_numpy(zero_copy_only=False), dtype=bool)
    out = np.full(len(arr), np.nan)
    out[valid] = numbers(arr, cp) if len(arr) else out[valid]
    return out


def _codes(
    arr: pa.Array, cp: ColumnProfile, ref: pa.Array | None, edges: np.ndarray | None
) -> np.ndarray:
    """Small integer codes for contingency tables (-1 for nulls)."""
    if cp.kind in NUMERIC:
        x = _aligned(arr, cp)
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
    r_num = {c: _aligned(real.column(c).combine_chunks(), prof.columns[c]) for c in numeric}
    s_num = {c: _aligned(syn.column(c).combine_chunks(), prof.columns[c]) for c in numeric}
    edges = {
        c: np.unique(np.nanquantile(r_num[c], np.linspace(0.1, 0.9, 9)))
        if np.isfinite(r_num[c]).any()
        else np.zeros(1)
        for c in numeric
    }
    refs: dict[str, pa.Array] = {}
    for c in cols:
        if c not in numeric:
            freq = _frequencies(real.column(c).combine_chunks())
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
        report.correlations[table] = {
            "columns": numeric,
            "real": corr_real.tolist(),
            "synthetic": corr_syn.tolist(),
        }
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


def _relation(
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


# --- privacy ---------------------------------------------------------------------------


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
            freq = _frequencies(arr)
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
            x = _aligned(arr, cp)
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


def _privacy(
    table: str,
    real: pa.Table,
    syn: pa.Table,
    holdout: pa.Table | None,
    prof: TableProfile,
    rare_k: int,
) -> Privacy:
    cols = _scored(prof, syn)
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
