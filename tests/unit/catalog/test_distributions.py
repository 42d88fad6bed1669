"""Truncated samplers: exact on the range, and stable far from the family's centre.

The seen failure: a normal whose mean lies far outside [min, max] put all its
mass at the FAR end, because Phi(a) and Phi(b) both rounded to 1 (or 0) and
the inverse CDF returned an infinity that was then clipped.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, stats

import synthwright as sw
from synthwright.catalog.distributions import (
    MAX_TABLE,
    sample_continuous,
    sample_integers,
    truncated_normal_offsets,
)
from synthwright.spec import LognormalDist, NormalDist, PoissonDist

N = 50_000


def rng(seed: int = 7) -> np.random.Generator:
    return np.random.default_rng(seed)


def standard_truncnorm(alpha: float, beta: float, u: np.ndarray) -> np.ndarray:
    d, flip = truncated_normal_offsets(alpha, beta, beta - alpha, u)
    return np.where(flip, alpha + d, beta - d)


@pytest.mark.parametrize(
    ("alpha", "beta"),
    [
        (-1.0, 2.0),
        (-3.0, -1.0),
        (2.0, 6.0),
        (-9.0, -8.0),
        (8.0, 12.0),
        (-30.0, -20.0),
        (25.0, 26.0),
    ],
)
def test_inverse_cdf_matches_scipy_truncnorm(alpha: float, beta: float) -> None:
    u = np.linspace(0.0005, 0.9995, 999)
    ours = standard_truncnorm(alpha, beta, u)
    assert np.all((ours >= alpha) & (ours <= beta))
    assert np.all(np.diff(ours) >= 0), "the map from u must stay increasing"
    np.testing.assert_allclose(ours, stats.truncnorm.ppf(u, alpha, beta), rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("mean", [-1e300, -1e9, -1e4, -500.0, -40.0])
def test_normal_mean_far_below_the_range_lands_at_the_low_end(mean: float) -> None:
    x = sample_continuous(NormalDist(mean=mean, std=1.0), rng(), N, 0.0, 10.0)
    assert np.all((x >= 0.0) & (x <= 10.0))
    # N(mean, 1) conditioned on x >= 0 is ~ Exponential(rate |mean|) above the bound
    assert np.median(x) < 0.1
    assert x.mean() == pytest.approx(1 / abs(mean), rel=0.05, abs=1e-300)


@pytest.mark.parametrize("mean", [40.0, 500.0, 1e4, 1e9, 1e300])
def test_normal_mean_far_above_the_range_lands_at_the_high_end(mean: float) -> None:
    x = sample_continuous(NormalDist(mean=mean, std=1.0), rng(), N, 0.0, 10.0)
    assert np.all((x >= 0.0) & (x <= 10.0))
    assert np.median(x) > 9.9
    gap = 10.0 - x.mean()
    assert gap == pytest.approx(1 / (mean - 10.0), rel=0.05, abs=1e-12)


def test_moderately_far_mean_follows_truncnorm_moments() -> None:
    """Inside the range where the old linear-space formula lost all its digits."""
    for mean, lo, hi in ((0.0, 9.0, 12.0), (100.0, 0.0, 90.0), (5.0, -40.0, -38.0)):
        x = sample_continuous(NormalDist(mean=mean, std=1.0), rng(), N, lo, hi)
        ref = stats.truncnorm((lo - mean), (hi - mean), loc=mean, scale=1.0)
        assert abs(x.mean() - ref.mean()) < 5 * ref.std() / math.sqrt(N)


def test_int_column_with_far_mean_generates_the_near_bound() -> None:
    spec = {
        "version": 1,
        "tables": {
            "t": {
                "rows": 2000,
                "columns": {
                    "hi": {"type": "int", "min": 0, "max": 100, "dist": {"normal": {"mean": 5000}}},
                    "lo": {
                        "type": "int",
                        "min": 0,
                        "max": 100,
                        "dist": {"normal": {"mean": -5000, "std": 10}},
                    },
                    "dec": {
                        "type": "decimal",
                        "min": 1,
                        "max": 2,
                        "dist": {"normal": {"loc": 1e6, "scale": 1}},
                    },
                },
            }
        },
    }
    ds = sw.generate(spec, seed=4)
    table = ds.materialize()["t"]
    assert set(table.column("hi").to_pylist()) == {100}
    assert set(table.column("lo").to_pylist()) == {0}
    assert {float(v) for v in table.column("dec").to_pylist()} == {2.0}
    assert sw.check(ds, spec) == []


@settings(max_examples=200, deadline=None)
@given(
    mean=st.floats(-1e12, 1e12),
    std=st.floats(1e-6, 1e6),
    lo=st.floats(-1e6, 1e6),
    width=st.floats(1e-3, 1e6),
)
def test_truncated_normal_stays_in_range_and_leans_to_the_mean(
    mean: float, std: float, lo: float, width: float
) -> None:
    hi = lo + width
    x = sample_continuous(NormalDist(mean=mean, std=std), rng(), 400, lo, hi)
    assert np.all(np.isfinite(x)) and np.all((x >= lo) & (x <= hi))
    if width < std:  # nearly flat over the window: no side to lean to beyond sampling noise
        return
    if mean < lo - 3 * std:
        assert np.median(x) - lo <= hi - np.median(x)
    if mean > hi + 3 * std:
        assert hi - np.median(x) <= np.median(x) - lo


def _lognormal_offset_mean(mu: float, sigma: float, span: float) -> float:
    """E[exp(Y)] for Y ~ N(mu, sigma) conditioned on exp(Y) <= span, by quadrature."""
    b = (math.log(span) - mu) / sigma
    mass = stats.norm.cdf(b)
    value, _ = integrate.quad(
        lambda z: math.exp(mu + sigma * z) * stats.norm.pdf(z), max(-40.0, b - 60), b
    )
    return value / mass


@pytest.mark.parametrize(("mu", "sigma"), [(1.0, 1.0), (4.0, 0.5), (5.0, 0.1), (-3.0, 2.0)])
def test_lognormal_truncation_matches_its_moments(mu: float, sigma: float) -> None:
    lo, hi = 10.0, 110.0
    x = sample_continuous(LognormalDist(mu=mu, sigma=sigma), rng(), N, lo, hi)
    assert np.all((x >= lo) & (x <= hi))
    expected = lo + _lognormal_offset_mean(mu, sigma, hi - lo)
    assert abs(x.mean() - expected) < 5 * x.std() / math.sqrt(N) + 1e-9


@pytest.mark.parametrize("mu", [50.0, 1e3, 1e6])
def test_lognormal_median_far_above_the_range_lands_at_the_high_end(mu: float) -> None:
    x = sample_continuous(LognormalDist(mu=mu, sigma=0.1), rng(), N, 10.0, 110.0)
    assert np.all((x >= 10.0) & (x <= 110.0))
    assert np.median(x) > 109.0


@pytest.mark.parametrize("mu", [-50.0, -1e3, -1e6])
def test_lognormal_median_far_below_the_range_lands_at_the_low_end(mu: float) -> None:
    x = sample_continuous(LognormalDist(mu=mu, sigma=1.0), rng(), N, 10.0, 110.0)
    assert np.all((x >= 10.0) & (x <= 110.0))
    assert np.median(x) < 10.001


def test_wide_poisson_range_is_truncated_not_clipped() -> None:
    """A range too wide for a pmf table piled the mass below min onto min."""
    lo, hi = 1, MAX_TABLE * 50
    x = sample_integers(PoissonDist(lam=2.0), rng(), N, lo, hi)
    assert x.min() >= lo and x.max() <= hi
    expected = stats.poisson.pmf(1, 2.0) / stats.poisson.sf(0, 2.0)  # 0.313, not 0.406
    share = float(np.mean(x == 1))
    assert abs(share - expected) < 5 * math.sqrt(expected * (1 - expected) / N)


def test_wide_poisson_with_lam_outside_the_range_stays_at_the_near_bound() -> None:
    lo, hi = 10**7, 10**7 + MAX_TABLE * 3
    x = sample_integers(PoissonDist(lam=50.0), rng(), 1000, lo, hi)
    assert set(x.tolist()) <= {lo, lo + 1}
    huge = sample_integers(PoissonDist(lam=1e12), rng(), N, 0, 10**13)
    assert abs(huge.mean() - 1e12) < 5 * 1e6 / math.sqrt(N) + 1.0
    assert huge.std() == pytest.approx(1e6, rel=0.03)


def test_sampling_is_deterministic_per_seed() -> None:
    for dist in (NormalDist(mean=-1e5, std=2.0), LognormalDist(mu=30.0, sigma=0.2)):
        a = sample_continuous(dist, rng(3), 100, 0.0, 5.0)
        b = sample_continuous(dist, rng(3), 100, 0.0, 5.0)
        assert np.array_equal(a, b)
