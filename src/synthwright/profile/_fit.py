"""Marginal distributions of numeric columns: a named family when it fits, else quantiles.

Families are fitted in closed form (moments or maximum likelihood) on at
most ``FIT_ROWS`` values, and judged by the Kolmogorov-Smirnov statistic.
Their CDFs and inverses are written here: the normal ones over the
catalogue's numpy normal (``catalog._normal``), the gamma and beta ones over
the regularised incomplete functions -- numpy's expansions (``_incomplete``)
for a few hundred points, ``scipy.special`` (imported then) for more and for
the inverses. These are the functions ``scipy.stats``
evaluates, without its second of import time (or scipy.special's 0.2 s) in
every ``generate`` process.
A family is kept for the profile only when its KS statistic is small
(``max(0.02, 0.5/sqrt(n))``); otherwise the column keeps empirical
quantiles, which always reproduce the sample's shape. The best family is
also what the plain spec's ``dist:`` says, so a spec without the profile
still looks like the data.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..catalog._normal import ndtr, ndtri
from ..spec import FamilyMarginal, QuantileMarginal
from . import _incomplete

__all__ = ["FIT_ROWS", "FamilyFit", "best_family", "frozen", "quantile_points"]

FIT_ROWS = 5_000
QUANTILES = 201
BY_HAND_POINTS = 1_024  # gamma/beta CDFs of at most this many points without scipy
KS_SLACK = 0.5  # a family is kept when its KS statistic is at most KS_SLACK / sqrt(n)


@dataclass(frozen=True)
class FamilyFit:
    family: str
    params: dict[str, float]
    ks: float


class Frozen:
    """A fitted family's CDF and inverse CDF (scipy.stats' parametrisation).

    ``loc`` and ``scale`` as in scipy.stats; the shape is ``s`` (lognormal:
    the sigma of the log, with ``scale = e^mu``), ``a`` (gamma) or ``a`` and
    ``b`` (beta).
    """

    def __init__(self, family: str, params: dict[str, float]) -> None:
        if family not in _FAMILIES:
            raise ValueError(f"unknown family {family!r}")
        self.family = family
        self.loc = float(params.get("loc", 0.0))
        self.scale = float(params.get("scale", 1.0))
        self.params = params

    def _z(self, x: np.ndarray) -> np.ndarray:
        return (np.asarray(x, dtype=np.float64) - self.loc) / self.scale

    def cdf(self, x: Any) -> Any:
        z = self._z(x)
        p = self.params
        with np.errstate(all="ignore"):
            if self.family == "normal":
                out = ndtr(z)
            elif self.family == "uniform":
                out = np.clip(z, 0.0, 1.0)
            elif self.family == "exponential":
                out = np.where(z > 0, -np.expm1(-np.maximum(z, 0.0)), 0.0)
            elif self.family == "lognormal":
                out = np.where(z > 0, ndtr(np.log(np.maximum(z, 1e-300)) / p["s"]), 0.0)
            elif self.family == "gamma":
                z = np.maximum(z, 0.0)
                out = (
                    _incomplete.gammainc(p["a"], z)
                    if _by_hand(z)
                    else _special().gammainc(p["a"], z)
                )
            else:
                z = np.clip(z, 0.0, 1.0)
                out = (
                    _incomplete.betainc(p["a"], p["b"], z)
                    if _by_hand(z)
                    else _special().betainc(p["a"], p["b"], z)
                )
        return out

    def median(self) -> float:
        return float(self.ppf(0.5))

    def ppf(self, q: Any) -> Any:
        q = np.asarray(q, dtype=np.float64)
        p = self.params
        with np.errstate(all="ignore"):
            if self.family == "normal":
                z = ndtri(q)
            elif self.family == "uniform":
                z = q
            elif self.family == "exponential":
                z = -np.log1p(-q)
            elif self.family == "lognormal":
                z = np.exp(p["s"] * ndtri(q))
            elif self.family == "gamma":
                z = _special().gammaincinv(p["a"], q)
            else:
                z = _special().betaincinv(p["a"], p["b"], q)
        return self.loc + self.scale * z


def _by_hand(z: np.ndarray) -> bool:
    """Whether the numpy expansions are the cheaper way to a gamma or beta CDF here.

    For a few hundred points (the 201 quantiles a spec's ``dist:`` is fitted
    to, checked again by every ``generate``) they take milliseconds, less
    than importing scipy.special; for a column's thousands of values scipy's
    compiled functions win. The choice depends on the size alone, so
    ``profile`` and ``generate`` judge the same points the same way.
    """
    return np.size(z) <= BY_HAND_POINTS


def _special() -> Any:
    """scipy.special, imported for the gamma and beta families only (0.2 s of import)."""
    from scipy import special

    return special


_FAMILIES = ("normal", "lognormal", "exponential", "uniform", "beta", "gamma")


def frozen(family: str, params: dict[str, float]) -> Frozen:
    """The distribution of a fitted family (``params`` as stored in the profile)."""
    return Frozen(family, params)


def ks_statistic(x: np.ndarray, dist: Frozen) -> float:
    """The one-sample Kolmogorov-Smirnov statistic of `x` against `dist`."""
    xs = np.sort(x)
    n = len(xs)
    f = np.asarray(dist.cdf(xs), dtype=np.float64)
    if not np.all(np.isfinite(f)):
        return math.inf
    i = np.arange(1, n + 1)
    return float(max((i / n - f).max(), (f - (i - 1) / n).max()))


def _candidates(x: np.ndarray) -> list[tuple[str, dict[str, float]]]:
    lo, hi = float(x.min()), float(x.max())
    mean, std = float(x.mean()), float(x.std())
    out: list[tuple[str, dict[str, float]]] = [
        ("normal", {"loc": mean, "scale": max(std, 1e-12)}),
        ("uniform", {"loc": lo, "scale": max(hi - lo, 1e-12)}),
        ("exponential", {"loc": lo, "scale": max(mean - lo, 1e-12)}),
    ]
    if lo > 0:
        logs = np.log(x)
        out.append(
            ("lognormal", {"s": max(float(logs.std()), 1e-6), "scale": math.exp(logs.mean())})
        )
        var = std**2
        if var > 0:
            out.append(("gamma", {"a": mean**2 / var, "scale": var / mean}))
    span = hi - lo
    if span > 0:
        y = (x - lo) / span
        m, v = float(y.mean()), float(y.var())
        if 0 < v < m * (1 - m):
            common = m * (1 - m) / v - 1
            a, b = m * common, (1 - m) * common
            out.append(("beta", {"a": a, "b": b, "loc": lo, "scale": span}))
    return out


def best_family(
    values: np.ndarray, rng_seed: int = 0, families: tuple[str, ...] | None = None
) -> FamilyFit | None:
    """The family with the smallest KS statistic on (a sample of) the values."""
    x = values[np.isfinite(values)].astype(np.float64)
    if len(x) < 20 or float(x.max()) == float(x.min()):
        return None
    if len(x) > FIT_ROWS:
        x = np.random.default_rng(rng_seed).choice(x, FIT_ROWS, replace=False)
    best: FamilyFit | None = None
    for family, params in _candidates(x):
        if families is not None and family not in families:
            continue
        ks = ks_statistic(x, frozen(family, params))
        if not math.isfinite(ks):
            continue
        if best is None or ks < best.ks:
            best = FamilyFit(family, {k: float(v) for k, v in params.items()}, ks)
    return best


def good_enough(fit: FamilyFit, n: int) -> bool:
    """Whether a family reproduces the sample about as well as its quantiles would.

    Not the KS test's 5% critical value (1.36/sqrt(n)): on a few hundred rows
    that accepts a family 0.07 away from the sample, which every KS score
    against the data then shows. At most 0.5/sqrt(n) -- below the typical
    distance between a sample and its own distribution, about 0.87/sqrt(n)
    -- keeps a family only where it is as close as the truth would be; a
    column of thousands of rows still needs the family within 0.02.
    """
    return fit.ks <= max(0.02, KS_SLACK / math.sqrt(max(min(n, FIT_ROWS), 1)))


def quantile_points(x: np.ndarray) -> np.ndarray:
    """Empirical quantiles at equally spaced probabilities (at most QUANTILES points)."""
    k = int(min(QUANTILES, max(2, len(x))))
    return np.quantile(x, np.linspace(0.0, 1.0, k), method="linear")


def numeric_marginal(
    x: np.ndarray, lo: float, hi: float
) -> tuple[FamilyMarginal | QuantileMarginal, FamilyFit | None]:
    """The profile's marginal of a numeric sample and the best family (for the plain spec)."""
    fit = best_family(x)
    if fit is not None and good_enough(fit, len(x)):
        return (
            FamilyMarginal(
                family=fit.family,  # type: ignore[arg-type]
                params=fit.params,
                min=lo,
                max=hi,
                ks=round(fit.ks, 4),
            ),
            fit,
        )
    points = quantile_points(x)
    return QuantileMarginal(points=[float(p) for p in points]), fit
