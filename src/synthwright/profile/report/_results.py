"""What a quality report holds: every score, and the plot data the HTML page draws.

Plain dataclasses, so the report turns into JSON (``to_dict``) for
``synthwright profile --report`` and the benchmarks without a custom encoder.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["ColumnScore", "PairScore", "Privacy", "RelationScore", "Report"]


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
