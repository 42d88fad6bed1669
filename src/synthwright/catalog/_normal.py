"""The standard normal's CDF, log-CDF and quantile in numpy, without scipy.special.

Why by hand: importing ``scipy.special`` costs about 0.2 s in every process
(its array-API layer clones numpy, which pulls in ``numpy.f2py`` and
``numpy.testing``): some 15% of a whole 1M-row run of the command line, for
the four functions the engine's default path needs. They are small and
well studied, so they are written here and checked against scipy.special
over their whole range by the tests (``tests/unit/catalog/test_normal.py``).

- The quantile is Wichura's algorithm AS 241 (PPND16, *Applied Statistics*
  37(3), 1988, pp. 477-484), accurate to about one part in 1e16. It is
  evaluated from the log of the tail probability, so ``ndtri_exp`` stays
  exact where the probability itself underflows; beyond AS 241's range
  (tails past about 1e-300) two Newton steps on the asymptotic series of
  log Phi refine it.
- The CDF uses ``math.erfc`` (C's erfc, within an ulp or two) per element:
  the engine calls it on bounds, which are scalars except for ``after:``
  and ``before:`` columns.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

__all__ = ["log_ndtr", "ndtr", "ndtri", "ndtri_exp"]

_LOG_SQRT_2PI = 0.5 * math.log(2.0 * math.pi)
_ASYMPTOTIC = -37.0  # below this, Phi(x) < 1e-300: log Phi from its asymptotic series

# AS 241's rational approximations, numerator and denominator coefficients from
# the constant term up (Wichura 1988, the published values)
_CENTRAL = (
    (
        3.3871328727963666080e0,
        1.3314166789178437745e2,
        1.9715909503065514427e3,
        1.3731693765509461125e4,
        4.5921953931549871457e4,
        6.7265770927008700853e4,
        3.3430575583588128105e4,
        2.5090809287301226727e3,
    ),
    (
        1.0,
        4.2313330701600911252e1,
        6.8718700749205790830e2,
        5.3941960214247511077e3,
        2.1213794301586595867e4,
        3.9307895800092710610e4,
        2.8729085735721942674e4,
        5.2264952788528545610e3,
    ),
)
_INTERMEDIATE = (
    (
        1.42343711074968357734e0,
        4.63033784615654529590e0,
        5.76949722146069140550e0,
        3.64784832476320460504e0,
        1.27045825245236838258e0,
        2.41780725177450611770e-1,
        2.27238449892691845833e-2,
        7.74545014278341407640e-4,
    ),
    (
        1.0,
        2.05319162663775882187e0,
        1.67638483018380384940e0,
        6.89767334985100004550e-1,
        1.48103976427480074590e-1,
        1.51986665636164571966e-2,
        5.47593808499534494600e-4,
        1.05075007164441684324e-9,
    ),
)
_TAIL = (
    (
        6.65790464350110377720e0,
        5.46378491116411436990e0,
        1.78482653991729133580e0,
        2.96560571828504891230e-1,
        2.65321895265761230930e-2,
        1.24266094738807843860e-3,
        2.71155556874348757815e-5,
        2.01033439929228813265e-7,
    ),
    (
        1.0,
        5.99832206555887937690e-1,
        1.36929880922735805310e-1,
        1.48753612908506148525e-2,
        7.86869131145613259100e-4,
        1.84631831751005468180e-5,
        1.42151175831644588870e-7,
        2.04426310338993978564e-15,
    ),
)


def _ratio(coefs: tuple[tuple[float, ...], tuple[float, ...]], r: np.ndarray) -> np.ndarray:
    """P(r) / Q(r) by Horner's rule."""
    num, den = coefs
    p = np.full_like(r, num[-1])
    q = np.full_like(r, den[-1])
    for a, b in zip(num[-2::-1], den[-2::-1], strict=True):
        p = p * r + a
        q = q * r + b
    return p / q


_erfc = np.frompyfunc(math.erfc, 1, 1)


def ndtr(x: Any) -> Any:
    """Phi(x), the standard normal CDF, elementwise (a float for a scalar)."""
    if np.ndim(x) == 0:
        return 0.5 * math.erfc(-float(x) / math.sqrt(2.0))
    arr = np.asarray(x, dtype=np.float64)
    return 0.5 * np.asarray(_erfc(-arr / math.sqrt(2.0)), dtype=np.float64)


def _log_ndtr_asymptotic(x: np.ndarray) -> np.ndarray:
    """log Phi(x) for x << 0: -x^2/2 - log(-x) - log sqrt(2 pi) + log(1 + sum)."""
    inv = 1.0 / (x * x)
    term = np.ones_like(x)
    total = np.zeros_like(x)
    for k in range(1, 9):  # (2k-1)!! / x^(2k), alternating; 8 terms reach 1e-17 at |x| = 37
        term = -term * (2 * k - 1) * inv
        total = total + term
    return -0.5 * x * x - np.log(-x) - _LOG_SQRT_2PI + np.log1p(total)


def log_ndtr(x: Any) -> Any:
    """log Phi(x), exact in both tails (no underflow to -inf for very negative x)."""
    scalar = np.ndim(x) == 0
    arr = np.atleast_1d(np.asarray(x, dtype=np.float64))
    out = np.empty_like(arr)
    far = arr < _ASYMPTOTIC
    upper = arr > 0.0  # log(1 - Phi(-x)): Phi(x) near 1 would lose the digits
    mid = ~far & ~upper
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if far.any():
            out[far] = _log_ndtr_asymptotic(arr[far])
        if upper.any():
            out[upper] = np.log1p(-ndtr(-arr[upper]))
        if mid.any():
            out[mid] = np.log(ndtr(arr[mid]))
    out[np.isnan(arr)] = np.nan
    return float(out[0]) if scalar else out


def _lower_quantile(log_p: np.ndarray) -> np.ndarray:
    """AS 241 in the lower tail (p < 0.075), from log p: negative deviates."""
    r = np.sqrt(-log_p)
    z = np.where(
        r <= 5.0,
        _ratio(_INTERMEDIATE, r - 1.6),
        _ratio(_TAIL, np.maximum(r - 5.0, 0.0)),
    )
    far = log_p < -690.0  # past AS 241's range: Newton on the asymptotic log Phi
    if far.any():
        x = -z[far]
        y = log_p[far]
        for _ in range(2):
            logphi = _log_ndtr_asymptotic(x)
            slope = np.exp(-0.5 * x * x - _LOG_SQRT_2PI - logphi)  # d log Phi / dx
            x = x - (logphi - y) / slope
        z[far] = -x
    return -z


def ndtri_exp(y: Any) -> Any:
    """The x with log Phi(x) = y (y <= 0), exact also where exp(y) underflows."""
    scalar = np.ndim(y) == 0
    arr = np.atleast_1d(np.asarray(y, dtype=np.float64))
    out = np.full_like(arr, np.nan)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
        p = np.exp(arr)
        q = p - 0.5
        central = np.abs(q) <= 0.425
        lower = (q < -0.425) & (arr > -np.inf)
        upper = (q > 0.425) & (arr < 0.0)
        if central.any():
            qc = q[central]
            out[central] = qc * _ratio(_CENTRAL, 0.180625 - qc * qc)
        if lower.any():
            out[lower] = _lower_quantile(arr[lower])
        if upper.any():
            out[upper] = -_lower_quantile(np.log(-np.expm1(arr[upper])))
    out[arr == -np.inf] = -np.inf
    out[arr == 0.0] = np.inf
    return float(out[0]) if scalar else out


def ndtri(p: Any) -> Any:
    """Phi^-1(p), the standard normal quantile (+-inf at 0 and 1, nan outside)."""
    scalar = np.ndim(p) == 0
    arr = np.atleast_1d(np.asarray(p, dtype=np.float64))
    out = np.full_like(arr, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        q = arr - 0.5
        central = np.abs(q) <= 0.425
        lower = (arr > 0.0) & (q < -0.425)
        upper = (arr < 1.0) & (q > 0.425)
        if central.any():
            qc = q[central]
            out[central] = qc * _ratio(_CENTRAL, 0.180625 - qc * qc)
        if lower.any():
            out[lower] = _lower_quantile(np.log(arr[lower]))
        if upper.any():
            out[upper] = -_lower_quantile(np.log1p(-arr[upper]))
    out[arr == 0.0] = -np.inf
    out[arr == 1.0] = np.inf
    return float(out[0]) if scalar else out
