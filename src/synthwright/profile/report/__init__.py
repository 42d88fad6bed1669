"""Fidelity and privacy of synthetic tables against the real ones.

:func:`quality_report` fits the real tables once and scores the synthetic
ones; each part has its own module, with its metrics' definitions:

- ``_fidelity`` -- column shapes, column-pair trends, cardinality and
  referential integrity (SDMetrics' definitions, computed here without SDV);
- ``_privacy`` -- distance to the closest record, closer-to-training share,
  exact copies, rare-category leakage;
- ``_plots`` -- the histograms, bars and correlation matrices the HTML page
  draws;
- ``_values`` -- how all of them read a column (model units, labels);
- ``_results`` -- the report's dataclasses.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from ...errors import DataError
from .._pipeline import profile_tables
from ..to_spec import ProfiledSpec
from ._fidelity import ks_complement, score_relation, score_table, tv_complement
from ._privacy import PRIVACY_ROWS, table_privacy
from ._results import ColumnScore, PairScore, Privacy, RelationScore, Report
from ._values import labels, numbers

__all__ = [
    "PRIVACY_ROWS",
    "ColumnScore",
    "PairScore",
    "Privacy",
    "RelationScore",
    "Report",
    "ks_complement",
    "labels",
    "numbers",
    "quality_report",
    "tv_complement",
]


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
        score_table(t, real[t], synthetic[t], profiles[t], report)
        report.privacy.append(
            table_privacy(t, real[t], synthetic[t], (holdout or {}).get(t), profiles[t], rare_k)
        )
    for t in common:
        for lk in profiles[t].links:
            if lk.parent in synthetic and lk.parent in real:
                report.relations.append(score_relation(t, lk, real, synthetic))
    report.column_shapes = _mean([c.score for c in report.columns])
    report.pair_trends = _mean([p.score for p in report.pairs])
    parts = [s for s in (report.column_shapes, report.pair_trends) if s is not None]
    report.overall = float(np.mean(parts)) if parts else 0.0
    report.cardinality = _mean(
        [r.cardinality for r in report.relations if r.cardinality is not None]
    )
    report.integrity = _mean([r.integrity for r in report.relations])
    return report
