"""Sampling from the spec's distributions on a bounded range, exactly.

Every family is truncated to [lo, hi] by inverse-CDF sampling: u is drawn
uniformly between F(lo) and F(hi) and mapped back through F^-1. Nothing is
clipped (no spikes at the bounds) and nothing is redrawn. ``lo`` and ``hi``
may be per-row arrays (bounds from ``after:``/``before:``).

Defaults when a family is named without parameters (documented in the README):
normal: mean at the centre, std = range/6; lognormal: shifted to start at lo,
median offset sqrt(range), sigma 1; exponential: mean offset range/5;
zipf: a = 1.2 over the integers of the range.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..spec import (
    BetaDist,
    ExponentialDist,
    LognormalDist,
    NormalDist,
    PoissonDist,
    UniformDist,
    ZipfDist,
)
from ._normal import log_ndtr, ndtr, ndtri_exp

AnyDist = (
    UniformDist | NormalDist | LognormalDist | ExponentialDist | PoissonDist | ZipfDist | BetaDist
)

MAX_TABLE = 2_000_000  # largest integer range sampled through an explicit pmf table


def _scalar_range(lo: Any, hi: Any) -> float:
    return float(np.max(np.asarray(hi, dtype=np.float64) - np.asarray(lo, dtype=np.float64)))


def sample_continuous(
    dist: AnyDist | None, rng: np.random.Generator, n: int, lo: Any, hi: Any
) -> np.ndarray:
    """n float64 values in [lo, hi] following ``dist`` truncated to the range."""
    lo_a = np.asarray(lo, dtype=np.float64)
    hi_a = np.asarray(hi, dtype=np.float64)
    u = rng.random(n)
    if dist is None or isinstance(dist, UniformDist):
        return lo_a + (hi_a - lo_a) * u
    if isinstance(dist, NormalDist):
        span = hi_a - lo_a
        mean = (lo_a + hi_a) / 2 if dist.mean is None else dist.mean
        std = np.maximum(span / 6, 1e-12) if dist.std is None else dist.std
        d, flip = truncated_normal_offsets((lo_a - mean) / std, (hi_a - mean) / std, span / std, u)
        return np.clip(np.where(flip, lo_a + std * d, hi_a - std * d), lo_a, hi_a)
    if isinstance(dist, LognormalDist):
        span = np.maximum(hi_a - lo_a, 1e-12)
        mu = np.log(np.sqrt(span)) if dist.mu is None else dist.mu
        sigma = 1.0 if dist.sigma is None else dist.sigma
        # offset = exp(N(mu, sigma)) truncated to (0, span]: log offset in (-inf, ln span],
        # written as span * exp(-sigma d) with d the distance below that bound
        d, _ = truncated_normal_offsets(-np.inf, (np.log(span) - mu) / sigma, np.inf, u)
        return np.clip(lo_a + span * np.exp(-sigma * d), lo_a, hi_a)
    if isinstance(dist, ExponentialDist):
        span = hi_a - lo_a
        scale = np.maximum(span / 5, 1e-12) if dist.scale is None else dist.scale
        b = -np.expm1(-span / scale)
        return np.clip(lo_a - scale * np.log1p(-b * u), lo_a, hi_a)
    if isinstance(dist, BetaDist):
        return lo_a + (hi_a - lo_a) * rng.beta(dist.a, dist.b, n)
    if isinstance(dist, PoissonDist | ZipfDist):
        ilo, ihi = int(np.min(lo_a)), int(np.max(hi_a))
        return sample_integers(dist, rng, n, ilo, ihi).astype(np.float64)
    raise ValueError(f"unknown distribution {dist!r}")


_TAIL = 1e4  # beyond this many std from the mean, the tail is exponential to 1e-8


def truncated_normal_offsets(
    alpha: Any, beta: Any, width: Any, u: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Distances from the near bound for N(0, 1) truncated to [alpha, beta], by inverse CDF.

    Returns ``(d, flip)``: the value is ``beta - d`` where ``flip`` is false
    and ``alpha + d`` where it is true (a window right of the mean, mirrored
    into the left tail, with 1 - u so the map from u stays increasing).
    ``width`` is beta - alpha computed by the caller from the unstandardised
    span, so a window far from the mean keeps its precision.

    Why not Phi^-1(Phi(a) + u (Phi(b) - Phi(a))): far from the mean Phi(a)
    and Phi(b) both round to 1 (or 0), and the sample becomes +-inf, the far
    end once clipped. Here the left tail is inverted on log Phi, and beyond
    ``_TAIL`` std, where even log Phi cannot resolve the spread, on its
    exponential limit F(beta - d)/F(beta) = exp(-|beta| d).
    """
    alpha = np.asarray(alpha, dtype=np.float64)
    beta = np.asarray(beta, dtype=np.float64)
    width = np.maximum(np.asarray(width, dtype=np.float64), 0.0)
    flip = alpha > 0
    lo = np.where(flip, -beta, alpha)
    hi = np.where(flip, -alpha, beta)
    v = np.where(flip, 1.0 - u, u)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        log_hi = log_ndtr(hi)
        gap = np.nan_to_num(-np.expm1(log_ndtr(lo) - log_hi), nan=0.0)
        # log F(x) = log(F(hi) - (1 - v) (F(hi) - F(lo))), factored around F(hi)
        log_f = np.minimum(log_hi + np.log1p(-(1.0 - v) * gap), log_hi)
        exact = hi - ndtri_exp(log_f)
        rate = np.abs(hi)
        tail_gap = -np.expm1(-rate * width)
        tail = -np.log1p(-(1.0 - v) * tail_gap) / np.maximum(rate, 1.0)
    d = np.where(hi < -_TAIL, tail, exact)
    return np.clip(np.nan_to_num(d, nan=0.0, posinf=np.inf), 0.0, width), flip


def _log_factorials(lo: int, hi: int) -> np.ndarray:
    """log k! for k = lo..hi: lgamma once, then running sums of log k (no scipy).

    A negative k has no factorial (Gamma has poles there): +inf, as scipy's
    gammaln(k + 1) gives, so such values get no probability.
    """
    out = np.full(hi - lo + 1, np.inf)
    start = max(lo, 0)
    if hi >= start:
        k = np.arange(start + 1, hi + 1, dtype=np.float64)
        logs = math.lgamma(start + 1) + np.concatenate([[0.0], np.cumsum(np.log(k))])
        out[start - lo :] = logs
    return out


def discrete_pmf(dist: PoissonDist | ZipfDist, lo: int, hi: int) -> np.ndarray:
    """Probabilities of lo..hi (renormalised) for a discrete family."""
    k = np.arange(lo, hi + 1, dtype=np.float64)
    if isinstance(dist, PoissonDist):
        logp = k * math.log(dist.lam) - dist.lam - _log_factorials(lo, hi)
    else:
        logp = -dist.a * np.log(k - lo + 1)
    p = np.exp(logp - logp.max())
    return p / p.sum()


def mass_in_range(dist: PoissonDist, lo: int, hi: int) -> float:
    """Probability mass of [lo, hi] under the untruncated Poisson family.

    Summed from the log-pmf over the part of the range where the mass is
    (lam +- 40 sqrt(lam) + 50; outside it every term is below 1e-300), so the
    compiler's per_parent check needs no scipy.stats (0.5-0.8 s of import);
    a window wider than ``MAX_TABLE`` (lam above ~6e8) uses the normal
    approximation with continuity correction.
    """
    lam = dist.lam
    spread = 40.0 * math.sqrt(lam) + 50.0
    start = max(lo, 0, math.floor(lam - spread))
    stop = min(hi, math.ceil(lam + spread))
    if stop < start:
        return 0.0
    if stop - start + 1 > MAX_TABLE:
        sd = math.sqrt(lam)
        return float(ndtr((stop + 0.5 - lam) / sd) - ndtr((start - 0.5 - lam) / sd))
    k = np.arange(start, stop + 1, dtype=np.float64)
    logp = k * math.log(lam) - lam - _log_factorials(start, stop)
    return float(np.minimum(np.exp(logp).sum(), 1.0))


def sample_integers(
    dist: AnyDist | None, rng: np.random.Generator, n: int, lo: int, hi: int
) -> np.ndarray:
    """n int64 values in [lo, hi] (scalar bounds) following ``dist``."""
    if hi < lo:
        raise ValueError(f"empty integer range [{lo}, {hi}]")
    if dist is None or isinstance(dist, UniformDist):
        return rng.integers(lo, hi + 1, size=n, dtype=np.int64)
    if isinstance(dist, PoissonDist | ZipfDist):
        if hi - lo + 1 > MAX_TABLE:
            if isinstance(dist, PoissonDist):
                return _wide_poisson(dist, rng, n, lo, hi)
            raise ValueError(f"zipf range [{lo}, {hi}] is too wide (at most {MAX_TABLE} values)")
        cdf = np.cumsum(discrete_pmf(dist, lo, hi))
        idx = np.searchsorted(cdf, rng.random(n) * cdf[-1], side="right")
        return lo + np.minimum(idx, hi - lo).astype(np.int64)
    x = sample_continuous(dist, rng, n, float(lo), float(hi) + 1.0)
    return np.minimum(np.floor(x).astype(np.int64), hi)


def _wide_poisson(
    dist: PoissonDist, rng: np.random.Generator, n: int, lo: int, hi: int
) -> np.ndarray:
    """Poisson on a range too wide for a full pmf table, still truncated (never clipped).

    All but a negligible mass lies within 40 std (+100) of the point of
    [lo, hi] nearest lam (beyond a bound the pmf decays at least as fast as
    the Poisson's own tail), so the table covers only that window. When even
    the window is too wide (lam above ~6e8), the truncated normal
    approximation N(lam, lam) is exact to well below sampling error.
    """
    reach = int(40 * math.sqrt(dist.lam)) + 100
    centre = int(min(max(dist.lam, lo), hi))
    w_lo, w_hi = max(lo, centre - reach), min(hi, centre + reach)
    if w_hi - w_lo + 1 <= MAX_TABLE:
        cdf = np.cumsum(discrete_pmf(dist, w_lo, w_hi))
        idx = np.searchsorted(cdf, rng.random(n) * cdf[-1], side="right")
        return w_lo + np.minimum(idx, w_hi - w_lo).astype(np.int64)
    approx = NormalDist(mean=dist.lam, std=math.sqrt(dist.lam))
    x = sample_continuous(approx, rng, n, float(lo) - 0.5, float(hi) + 0.5)
    return np.clip(np.rint(x).astype(np.int64), lo, hi)


def sample_integers_rowwise(
    dist: AnyDist | None, rng: np.random.Generator, n: int, lo: np.ndarray, hi: np.ndarray
) -> np.ndarray:
    """n int64 values, row i in [lo[i], hi[i]]; the family's shape spans each row's window."""
    lo = np.asarray(lo, dtype=np.int64)
    hi = np.asarray(hi, dtype=np.int64)
    t = sample_continuous(shape_only(dist), rng, n, 0.0, 1.0)
    span = (hi - lo + 1).astype(np.float64)
    return np.minimum(lo + np.floor(t * span).astype(np.int64), hi)


def shape_only(dist: AnyDist | None) -> AnyDist | None:
    """The family with default parameters (for windows that differ per row)."""
    if dist is None or isinstance(dist, UniformDist | BetaDist):
        return dist
    if isinstance(dist, PoissonDist | ZipfDist):
        return ExponentialDist()
    return type(dist)()
