"""Plot data for the HTML report: histograms, category bars, correlation matrices.

Only numbers go into the report (no values beyond the top categories'
labels), drawn by :mod:`synthwright.profile.html` without a plotting library.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa

from ._values import frequencies

__all__ = ["bars", "correlation_plot", "histogram"]

_BINS = 20


def histogram(real: np.ndarray, syn: np.ndarray) -> dict[str, Any]:
    """Real and synthetic shares over 20 common bins (0.5-99.5% of both, outliers clipped)."""
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


def bars(real: pa.Array, syn: pa.Array) -> dict[str, Any]:
    """Real and synthetic shares of the real data's 12 most frequent categories."""
    p, q = frequencies(real), frequencies(syn)
    top = sorted(p, key=lambda k: -p[k])[:12]
    return {
        "type": "bars",
        "labels": top,
        "real": [p[k] for k in top],
        "synthetic": [q.get(k, 0.0) for k in top],
    }


def correlation_plot(columns: list[str], real: np.ndarray, synthetic: np.ndarray) -> dict[str, Any]:
    """The real and synthetic Pearson matrices over a table's numeric columns."""
    return {"columns": columns, "real": real.tolist(), "synthetic": synthetic.tolist()}
