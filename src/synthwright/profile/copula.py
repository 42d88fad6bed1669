"""Gaussian copula: normal scores, a correlation matrix, and sampling back to values.

Fitting: each column's values become normal scores through the sample's
own empirical CDF (ties and categories spread uniformly over their step, so
discrete columns give Gaussian scores too); the correlation of the scores
is estimated pairwise over rows where both are present, then repaired to
the nearest valid correlation matrix (eigenvalues clipped, unit diagonal).

Sampling: correlated standard normals (optionally conditioned on the
parent row's scores: the Gaussian conditional mean and covariance), mapped
through Phi to uniforms and then through each column's marginal: quantile
interpolation, a truncated family's inverse CDF, or cumulative category
weights. Everything is vectorised numpy; a block draws from its own stream.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa

from ..catalog._normal import ndtri
from ..spec import (
    CategoryMarginal,
    ColumnProfile,
    FamilyMarginal,
    Marginal,
    QuantileMarginal,
)
from . import _fit
from .infer import to_model_units

__all__ = [
    "Conditional",
    "conditional",
    "fit_correlation",
    "from_uniform",
    "nearest_correlation",
    "normal_scores",
    "rounding_step",
    "sample_scores",
    "stratify",
    "within_range",
]

_EPS = 1e-9
FIT_ROWS = 50_000
EIGEN_FLOOR = 0.05
MAX_EXPLAINED = 0.9


def _uniform_from_cdf(left: np.ndarray, right: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    u = left + rng.random(len(left)) * (right - left)
    return np.clip(u, _EPS, 1 - _EPS)


def normal_scores(arr: pa.Array, marginal: Marginal | None, rng: np.random.Generator) -> np.ndarray:
    """Normal scores of a column from its empirical CDF; NaN where null."""
    n = len(arr)
    out = np.full(n, np.nan)
    valid = ~np.asarray(arr.is_null().to_numpy(zero_copy_only=False), dtype=bool)
    if pa.types.is_floating(arr.type):
        valid &= np.isfinite(np.asarray(arr.to_numpy(zero_copy_only=False), dtype=np.float64))
    if not valid.any():
        return out
    if isinstance(marginal, CategoryMarginal) and not _numeric_values(marginal):
        codes = category_codes(arr.filter(pa.array(valid)), marginal)
        freq = np.bincount(codes, minlength=len(marginal.values) + 1).astype(np.float64)
        freq /= freq.sum()
        cum = np.concatenate([[0.0], np.cumsum(freq)])
        u = _uniform_from_cdf(cum[codes], cum[codes + 1], rng)
    else:
        x = to_model_units(arr)[valid]
        if isinstance(marginal, CategoryMarginal):  # numbers or booleans kept as categories
            x = x.astype(np.float64)
        ordered = np.sort(x)
        m = len(ordered)
        left = np.searchsorted(ordered, x, "left") / m
        right = np.searchsorted(ordered, x, "right") / m
        u = _uniform_from_cdf(left, right, rng)
    out[valid] = ndtri(u)
    return out


def _numeric_values(marginal: CategoryMarginal) -> bool:
    """Whether the categories are numbers (an empty list, every value rare, is not)."""
    return bool(marginal.values) and all(isinstance(v, int | float | bool) for v in marginal.values)


def category_codes(arr: pa.Array, marginal: CategoryMarginal) -> np.ndarray:
    """Position of each value among the marginal's categories (len(values) for the rest)."""
    import pyarrow.compute as pc

    values = pa.array([str(v) for v in marginal.values], pa.string())
    idx = pc.index_in(arr.cast(pa.string()), value_set=values)
    return np.asarray(
        pc.fill_null(idx, len(marginal.values)).to_numpy(zero_copy_only=False), dtype=np.int64
    )


def nearest_correlation(matrix: np.ndarray, floor: float = 1e-6) -> np.ndarray:
    """The matrix with negative eigenvalues clipped and its diagonal put back to one."""
    sym = (matrix + matrix.T) / 2
    sym = np.nan_to_num(sym, nan=0.0)
    np.fill_diagonal(sym, 1.0)
    vals, vecs = np.linalg.eigh(sym)
    if vals.min() >= floor:
        return sym
    fixed = (vecs * np.maximum(vals, floor)) @ vecs.T
    d = np.sqrt(np.diag(fixed))
    fixed = fixed / np.outer(d, d)
    np.fill_diagonal(fixed, 1.0)
    return fixed


def fit_correlation(scores: np.ndarray, seed: int = 0) -> np.ndarray:
    """Pairwise-complete correlation of score columns (NaN = missing), made valid."""
    if len(scores) > FIT_ROWS:
        rows = np.sort(np.random.default_rng(seed).choice(len(scores), FIT_ROWS, replace=False))
        scores = scores[rows]
    present = (~np.isnan(scores)).astype(np.float64)
    z = np.nan_to_num(scores)
    count = present.T @ present
    sx = z.T @ present  # sum of x over rows where y is present
    sxx = (z * z).T @ present
    sxy = z.T @ z
    with np.errstate(invalid="ignore", divide="ignore"):
        cov = count * sxy - sx * sx.T
        var = (count * sxx - sx * sx) * (count * sxx - sx * sx).T
        corr = cov / np.sqrt(var)
    corr[~np.isfinite(corr)] = 0.0
    corr[count < 10] = 0.0
    corr = np.clip(corr, -0.999, 0.999)
    np.fill_diagonal(corr, 1.0)
    return nearest_correlation(corr)


@dataclass(frozen=True)
class Conditional:
    """What sampling needs: ``z = given @ weights + eps @ chol.T``."""

    weights: np.ndarray | None  # (given, own)
    chol: np.ndarray  # (own, own)


def _chol(matrix: np.ndarray) -> np.ndarray:
    jitter = 0.0
    for _ in range(8):
        try:
            return np.linalg.cholesky(matrix + jitter * np.eye(len(matrix)))
        except np.linalg.LinAlgError:
            jitter = max(jitter * 10, 1e-8)
    vals, vecs = np.linalg.eigh((matrix + matrix.T) / 2)
    return vecs * np.sqrt(np.maximum(vals, 0.0))


def conditional(correlation: np.ndarray, own: int) -> Conditional:
    """The Gaussian conditional of the first ``own`` scores given the rest."""
    corr = nearest_correlation(np.asarray(correlation, dtype=np.float64))
    if own == len(corr):
        return Conditional(None, _chol(corr))
    a = corr[:own, :own]
    b = corr[:own, own:]
    g = corr[own:, own:]
    # parents with few distinct rows make g nearly singular, and the parent
    # scores drawn later do not share that degeneracy: floor its eigenvalues
    vals, vecs = np.linalg.eigh((g + g.T) / 2)
    inverse = (vecs / np.maximum(vals, EIGEN_FLOOR)) @ vecs.T
    weights = inverse @ b.T  # (given, own)
    explained = np.einsum("ij,ji->i", b, weights)
    shrink = np.where(explained > MAX_EXPLAINED, MAX_EXPLAINED / np.maximum(explained, 1e-12), 1.0)
    weights = weights * np.sqrt(shrink)[None, :]
    cov = a - weights.T @ g @ weights
    cov = (cov + cov.T) / 2
    return Conditional(weights, _chol(nearest_psd(cov)))


def nearest_psd(matrix: np.ndarray) -> np.ndarray:
    """The symmetric matrix with negative eigenvalues set to zero."""
    vals, vecs = np.linalg.eigh((matrix + matrix.T) / 2)
    return (vecs * np.maximum(vals, 0.0)) @ vecs.T


def sample_scores(
    cond: Conditional, n: int, rng: np.random.Generator, given: np.ndarray | None = None
) -> np.ndarray:
    """n rows of correlated standard normal scores (conditioned on ``given`` rows)."""
    eps = rng.standard_normal((n, cond.chol.shape[0]))
    z = eps @ cond.chol.T
    if cond.weights is not None and given is not None:
        z = z + np.nan_to_num(given) @ cond.weights
    return z


def stratify(z: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Scores with the same ranks whose uniforms fall one per stratum of width 1/n, per column.

    A copula draw's marginals carry sampling noise on top of the fit: with
    300 rows a column's empirical CDF strays about 0.05 from the fitted one
    (Kolmogorov-Smirnov), and category shares by a few points. Replacing
    each column's uniform by ``(rank + v) / n`` (v uniform in [0, 1); Latin
    hypercube sampling) keeps every row's rank in every column, so the
    dependence the copula drew is untouched, while each column's values
    spread over the marginal as evenly as n draws can.
    """
    n = len(z)
    if n < 2 or z.size == 0:
        return z
    ranks = np.argsort(np.argsort(z, axis=0, kind="stable"), axis=0, kind="stable")
    u = (ranks + rng.random(z.shape)) / n
    return np.asarray(ndtri(np.clip(u, _EPS, 1 - _EPS)))


def _iso_units(points: list[Any], kind: str) -> np.ndarray:
    unit = "D" if kind == "date" else "us"
    return np.array(points, dtype=f"datetime64[{unit}]").astype(np.int64).astype(np.float64)


def from_uniform(
    u: np.ndarray, marginal: Marginal, prof: ColumnProfile | None = None
) -> np.ndarray:
    """Values in model units (or category codes) for uniforms ``u`` through a marginal.

    Categories come back as int64 codes into ``marginal.values`` (len(values)
    meaning "other"); numbers and datetimes as float64 model units.
    """
    if isinstance(marginal, CategoryMarginal):
        w = np.asarray([*marginal.weights, marginal.other], dtype=np.float64)
        cum = np.cumsum(w / w.sum())
        return np.minimum(np.searchsorted(cum, u, "right"), len(w) - 1).astype(np.int64)
    if isinstance(marginal, QuantileMarginal):
        kind = prof.kind if prof is not None else "numeric"
        if kind in ("datetime", "date"):
            points = _iso_units(list(marginal.points), kind)
        else:
            points = np.asarray(marginal.points, dtype=np.float64)
        probs = np.linspace(0.0, 1.0, len(points))
        if prof is not None and prof.smooth:
            return np.interp(u, *_between(points, probs))
        return np.interp(u, probs, points)
    assert isinstance(marginal, FamilyMarginal)
    dist = _fit.frozen(marginal.family, marginal.params)
    lo, hi = dist.cdf(marginal.min), dist.cdf(marginal.max)
    x = dist.ppf(lo + u * (hi - lo))
    return np.clip(np.nan_to_num(x, nan=marginal.min), marginal.min, marginal.max)


def _between(points: np.ndarray, probs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The quantile function through the middle of each step (``smooth`` columns).

    Quantiles of a column of few values are steps: interpolating them gives
    back the sample's values. Through the step's middles, draws fall between
    them, with the same mass on each side, so no draw is a real value by rule.
    """
    values, first = np.unique(points, return_index=True)
    if len(values) < 2:
        return probs, points
    last = np.append(first[1:] - 1, len(points) - 1)
    middles = (probs[first] + probs[last]) / 2
    # the ends: the first and last steps' outer halves would all be the smallest and
    # largest values (an atom of real values at each end); they run from the range's
    # ends to the next value instead, with the same mass below and above it
    middles[0], middles[-1] = 0.0, 1.0
    return middles, values


def within_range(
    u: np.ndarray, marginal: Marginal, prof: ColumnProfile, lo: float | None, hi: float | None
) -> np.ndarray:
    """Uniforms rescaled into [F(lo), F(hi)]: the marginal truncated to a column's range.

    Rescaling keeps each row's rank, so the copula's dependence survives, and
    every value drawn through `from_uniform` lies in [lo, hi] (up to rounding).
    """
    if isinstance(marginal, CategoryMarginal) or (lo is None and hi is None):
        return u
    if isinstance(marginal, QuantileMarginal):
        if prof.kind in ("datetime", "date"):
            points = _iso_units(list(marginal.points), prof.kind)
        else:
            points = np.asarray(marginal.points, dtype=np.float64)
        probs = np.linspace(0.0, 1.0, len(points))

        def cdf(x: float, left: bool) -> float:
            """P(X < x) (`left`) or P(X <= x): an atom at a bound (many zeros) stays in."""
            if x < points[0] or (left and x == points[0]):
                return 0.0
            if x > points[-1] or (not left and x == points[-1]):
                return 1.0
            at = (
                int(np.searchsorted(points, x, "left"))
                if left
                else (int(np.searchsorted(points, x, "right")) - 1)
            )
            if points[at] == x:
                return float(probs[at])
            return float(np.interp(x, points, probs))
    else:
        dist = _fit.frozen(marginal.family, marginal.params)
        base, top = float(dist.cdf(marginal.min)), float(dist.cdf(marginal.max))

        def cdf(x: float, left: bool) -> float:
            x = min(max(x, marginal.min), marginal.max)
            return (float(dist.cdf(x)) - base) / max(top - base, 1e-300)

    f_lo = 0.0 if lo is None else cdf(lo, True)
    f_hi = 1.0 if hi is None else cdf(hi, False)
    if f_hi <= f_lo:  # the range holds no mass of the marginal: its edge, or one point
        f_hi = f_lo
    return f_lo + u * (f_hi - f_lo)


def rounding_step(prof: ColumnProfile) -> float:
    """The unit `finish_numbers` rounds to (0: not rounded)."""
    if prof.kind == "datetime":
        return {"d": 86_400e6, "h": 3_600e6, "m": 60e6, "s": 1e6}.get(prof.resolution or "us", 1.0)
    if prof.kind == "date" or prof.integer:
        return 1.0
    if prof.decimals is not None:
        return float(10.0**-prof.decimals)
    return 0.0


def finish_numbers(x: np.ndarray, prof: ColumnProfile) -> np.ndarray:
    """Round draws like the sample: integers, decimals, or the datetime resolution."""
    if prof.kind == "datetime":
        step = rounding_step(prof)
        return np.round(x / step) * step
    if prof.kind == "date" or prof.integer:
        return np.round(x)
    if prof.decimals is not None:
        return np.round(x, prof.decimals)
    return x
