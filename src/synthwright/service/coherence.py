"""Coherence of carts and orders: arithmetic, chronology, category affinity (each 0..1).

Rule-based records are coherent by construction; the scorer is what says so in
the metadata, and what would catch an LLM-written or hand-edited record that is
not. A schema file's ``coherence`` block says which fields to look at::

    coherence:
      items: items                  # list of line items with line_total and category
      subtotal: subtotal            # = sum of the items' line_total
      total: [subtotal, tax]        # total = the sum of these fields
      chronology: [placed_at, paid_at, shipped_at, delivered_at]   # non-decreasing
      status_steps: {field: status, steps: {pending: [placed_at], ...}}  # set iff reached

Scores are shares of records that pass (affinity: the mean share of a record's
items in its most common category); `score` is the mean of the parts present.
"""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pyarrow as pa

__all__ = ["CoherenceScore", "score"]


@dataclass
class CoherenceScore:
    """Parts (arithmetic, chronology, affinity) and the records they were measured on."""

    parts: dict[str, float] = field(default_factory=dict)
    records: int = 0

    @property
    def score(self) -> float | None:
        return round(sum(self.parts.values()) / len(self.parts), 4) if self.parts else None

    def merge(self, other: CoherenceScore) -> CoherenceScore:
        """Record-weighted combination (stream chunks are scored one by one)."""
        total = self.records + other.records
        if total == 0:
            return self
        keys = set(self.parts) | set(other.parts)
        parts = {
            k: round(
                (self.parts.get(k, 0.0) * self.records + other.parts.get(k, 0.0) * other.records)
                / total,
                4,
            )
            for k in keys
        }
        return CoherenceScore(parts, total)


def _num(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value or 0))


def score(table: pa.Table, config: dict[str, Any]) -> CoherenceScore:
    """Score the records of `table` as `config` (a schema file's coherence block) says."""
    n = table.num_rows
    if not config or n == 0:
        return CoherenceScore({}, n)
    columns = set(table.column_names)

    def col(name: str) -> list[Any]:
        return table.column(name).to_pylist() if name in columns else [None] * n

    parts: dict[str, float] = {}
    items = col(config["items"]) if config.get("items") in columns else None
    checks: list[list[bool]] = []
    if items is not None and config.get("subtotal") in columns:
        subtotals = col(config["subtotal"])
        checks.append(
            [
                sub is not None
                and _num(sub) == sum((_num(i.get("line_total")) for i in its or []), Decimal(0))
                for sub, its in zip(subtotals, items, strict=True)
            ]
        )
    total_parts = [p for p in config.get("total", []) if p in columns]
    if total_parts and "total" in columns:
        totals = col("total")
        values = [col(p) for p in total_parts]
        checks.append(
            [
                t is not None and _num(t) == sum((_num(v[i]) for v in values), Decimal(0))
                for i, t in enumerate(totals)
            ]
        )
    if checks:
        parts["arithmetic"] = sum(all(c) for c in zip(*checks, strict=True)) / n
    chronology = [c for c in config.get("chronology", []) if c in columns]
    if len(chronology) >= 2:
        stamps = [col(c) for c in chronology]
        steps = config.get("status_steps") or {}
        statuses = col(steps["field"]) if steps.get("field") in columns else [None] * n
        ok = 0
        for i in range(n):
            present = [
                (c, s[i]) for c, s in zip(chronology, stamps, strict=True) if s[i] is not None
            ]
            ordered = all(a[1] <= b[1] for a, b in itertools.pairwise(present))
            expected = steps.get("steps", {}).get(statuses[i])
            matches = expected is None or {c for c, _ in present} == set(expected)
            ok += ordered and matches
        parts["chronology"] = ok / n
    if items is not None:
        shares = []
        for its in items:
            cats = [i.get("category") for i in its or [] if i.get("category") is not None]
            if cats:
                shares.append(Counter(cats).most_common(1)[0][1] / len(cats))
        if shares:
            parts["category_affinity"] = sum(shares) / len(shares)
    return CoherenceScore({k: round(v, 4) for k, v in parts.items()}, n)
