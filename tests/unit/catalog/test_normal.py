"""The numpy normal functions agree with scipy.special over their whole range.

``catalog/_normal.py`` replaces scipy.special on the engine's default path
(start-up); these comparisons are what makes that safe. The far tails are
checked against mpmath at 50 digits, where scipy itself is less exact.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import special

from synthwright.catalog import _normal

mpmath = pytest.importorskip("mpmath")  # comes with sympy in the dev extras


def _max_rel(ours: np.ndarray, theirs: np.ndarray) -> float:
    ours, theirs = np.asarray(ours, dtype=float), np.asarray(theirs, dtype=float)
    assert np.array_equal(np.isnan(ours), np.isnan(theirs))
    assert np.array_equal(np.isinf(ours), np.isinf(theirs))
    finite = np.isfinite(theirs)
    normal = finite & (np.abs(theirs) > 1e-300)  # subnormals carry fewer digits in both
    return float(
        np.max(np.abs(ours[normal] - theirs[normal]) / np.abs(theirs[normal]), initial=0.0)
    )


X = np.concatenate(
    [np.linspace(-60, 60, 120_001), -np.logspace(0, 6, 3000), np.logspace(-12, 1.5, 3000)]
)


def _within_conditioning(ours: np.ndarray, theirs: np.ndarray) -> bool:
    """Equal within what the problem allows: Phi's condition number grows as x^2 in a tail."""
    assert np.array_equal(np.isinf(ours), np.isinf(theirs))
    normal = np.isfinite(theirs) & (np.abs(theirs) > 1e-300)
    rel = np.abs(ours[normal] - theirs[normal]) / np.abs(theirs[normal])
    return bool((rel <= 1e-15 * (1 + X[normal] ** 2)).all())


def test_ndtr_matches_scipy() -> None:
    assert _within_conditioning(_normal.ndtr(X), special.ndtr(X))
    assert _normal.ndtr(0.0) == 0.5
    assert np.isnan(_normal.ndtr(np.array([np.nan])))[0]


def test_log_ndtr_matches_scipy_in_both_tails() -> None:
    assert _within_conditioning(_normal.log_ndtr(X), special.log_ndtr(X))
    assert _normal.log_ndtr(-1e4) == pytest.approx(special.log_ndtr(-1e4), rel=1e-15)
    assert _normal.log_ndtr(np.inf) == 0.0
    assert _normal.log_ndtr(-np.inf) == -np.inf


def test_ndtri_matches_scipy() -> None:
    p = np.concatenate(
        [np.linspace(0, 1, 200_001), np.logspace(-300, -1, 5000), 1 - np.logspace(-16, -1, 2000)]
    )
    assert _max_rel(_normal.ndtri(p), special.ndtri(p)) < 1e-14
    assert _normal.ndtri(0.0) == -np.inf and _normal.ndtri(1.0) == np.inf
    assert np.isnan(_normal.ndtri(np.array([-0.1, 1.1]))).all()


def test_ndtri_exp_matches_scipy_and_inverts_log_ndtr() -> None:
    y = np.concatenate([-np.logspace(-20, 3, 20_000), np.linspace(-800, 0, 100_001)])
    assert _max_rel(_normal.ndtri_exp(y), special.ndtri_exp(y)) < 1e-13
    x = np.linspace(-30, 8, 5001)
    assert np.allclose(_normal.ndtri_exp(_normal.log_ndtr(x)), x, rtol=1e-10, atol=1e-10)
    assert _normal.ndtri_exp(0.0) == np.inf and _normal.ndtri_exp(-np.inf) == -np.inf


@pytest.mark.parametrize("y", [-750.0, -5e3, -2.5e5, -1e8])
def test_ndtri_exp_far_tail_is_exact(y: float) -> None:
    """Past AS 241's range (exp(y) underflows), checked against 50-digit arithmetic."""
    mpmath.mp.dps = 50
    exact = mpmath.findroot(
        lambda x: mpmath.log(mpmath.ncdf(x)) - y, mpmath.mpf(-math.sqrt(-2 * y))
    )
    assert _normal.ndtri_exp(y) == pytest.approx(float(exact), rel=1e-14)


@pytest.mark.parametrize(("lo", "hi"), [(0, 0), (3, 2_000), (-100, -100), (-5, 5), (0, 200_000)])
def test_log_factorials_match_gammaln_including_negative_values(lo: int, hi: int) -> None:
    """The Poisson pmf's log k! (no scipy): +inf where k < 0, like gammaln(k + 1)."""
    from synthwright.catalog.distributions import _log_factorials

    ours = _log_factorials(lo, hi)
    theirs = special.gammaln(np.arange(lo, hi + 1) + 1.0)
    assert np.array_equal(np.isinf(ours), np.isinf(theirs))
    finite = np.isfinite(theirs)
    assert np.allclose(ours[finite], theirs[finite], rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("lam", [0.01, 1.4, 10.0, 1e4, 1e6])
@pytest.mark.parametrize(("lo", "hi"), [(0, 0), (0, 5), (3, 40), (0, 10**12), (50, 10**6)])
def test_poisson_mass_in_range_matches_scipy(lam: float, lo: int, hi: int) -> None:
    """The compiler's per_parent check, without scipy.stats."""
    from scipy import stats

    from synthwright.catalog.distributions import mass_in_range
    from synthwright.spec import PoissonDist

    ours = mass_in_range(PoissonDist(lam=lam), lo, hi)
    theirs = float(stats.poisson.cdf(hi, lam) - stats.poisson.cdf(lo - 1, lam))
    assert ours == pytest.approx(theirs, rel=1e-7, abs=1e-12)  # logs of ~1e7 at lam 1e6
