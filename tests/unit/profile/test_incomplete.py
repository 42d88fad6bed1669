"""The numpy gamma and beta CDFs agree with scipy's, so a fit is judged the same either way."""

from __future__ import annotations

import numpy as np
import pytest

from synthwright.profile import _fit
from synthwright.profile._incomplete import betainc, gammainc

special = pytest.importorskip("scipy.special")


@pytest.mark.parametrize("a", [0.05, 0.3, 1.0, 2.5, 7.0, 30.0, 150.0, 399.0])
def test_gamma_cdf_matches_scipy(a: float) -> None:
    x = np.concatenate([np.linspace(0, 5 * a + 20, 3001), [1e-8, a, a + 1]])
    assert np.abs(gammainc(a, x) - special.gammainc(a, x)).max() < 1e-11


@pytest.mark.parametrize("a", [2_000.0, 40_000.0])
def test_gamma_cdf_of_large_shapes_is_close(a: float) -> None:  # the cube-root normal form
    x = np.linspace(0.5 * a, 1.5 * a, 2001)
    assert np.abs(gammainc(a, x) - special.gammainc(a, x)).max() < 1e-5


@pytest.mark.parametrize("a", [0.1, 0.5, 1.0, 3.0, 20.0, 300.0])
@pytest.mark.parametrize("b", [0.2, 1.0, 4.0, 50.0, 800.0])
def test_beta_cdf_matches_scipy(a: float, b: float) -> None:
    x = np.linspace(0, 1, 2001)
    assert np.abs(betainc(a, b, x) - special.betainc(a, b, x)).max() < 1e-10


def test_a_family_is_judged_as_scipy_judges_it() -> None:
    x = np.sort(np.random.default_rng(2).gamma(2.0, 3.0, 180) + 5.0)  # few points: by hand
    n = len(x)
    i = np.arange(1, n + 1)
    for dist, exact in (
        (
            _fit.frozen("gamma", {"a": 2.0, "scale": 3.0, "loc": 5.0}),
            special.gammainc(2.0, (x - 5.0) / 3.0),
        ),
        (
            _fit.frozen("beta", {"a": 0.7, "b": 4.0, "loc": 5.0, "scale": 60.0}),
            special.betainc(0.7, 4.0, np.clip((x - 5.0) / 60.0, 0, 1)),
        ),
    ):
        ks = max((i / n - exact).max(), (exact - (i - 1) / n).max())
        assert _fit.ks_statistic(x, dist) == pytest.approx(ks, abs=1e-10)
