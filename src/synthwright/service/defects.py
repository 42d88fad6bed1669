"""``defect_triggering``: records that carry the edge values of their columns.

Each edge value (``catalog.edge_values``: range boundaries, leap days,
apostrophes and non-Latin text, exact max lengths, the rarest category, a
missing optional value) becomes a spec scenario on the record table, named
``defect:<column>:<kind>``. The engine then applies it like any scenario: the
value replaces the column on that scenario's rows *before* expressions and
checks run, so derived columns stay consistent and every rule still holds. The
``_scenario`` column of each record names the edge it carries.

Up to half the records carry one edge each (at least one record when there is
any); the rest are ordinary, so a test sees both. Edges are taken round-robin
over the columns, so a small request still touches many columns. Columns a
table check names are left alone: an edge there could break the check.
"""

from __future__ import annotations

import re
from itertools import zip_longest
from typing import Any

from ..catalog.edge_values import edge_values
from ..spec import Spec, TypeColumn

__all__ = ["PREFIX", "defect_scenarios"]

PREFIX = "defect:"


def defect_scenarios(spec: Spec, table: str, count: int) -> list[dict[str, Any]]:
    """Scenario mappings (name, share, set, description) for `count` records of `table`."""
    if count <= 0:
        return []
    tspec = spec.tables[table]
    relative = {
        target
        for column in tspec.columns.values()
        if isinstance(column, TypeColumn)
        for target in (column.after, column.before)
        if target
    }
    in_checks = {word for check in tspec.checks for word in re.findall(r"[A-Za-z_]\w*", check)}
    per_column: list[list[dict[str, Any]]] = []
    for name, column in tspec.columns.items():
        if not isinstance(column, TypeColumn) or name in relative or name in in_checks:
            continue  # keys, refs, expressions; bounds of after/before; what checks test
        per_column.append(
            [
                {
                    "name": f"{PREFIX}{name}:{edge.kind}",
                    "set": {name: edge.value},
                    "description": f"{name}: {edge.why}",
                }
                for edge in edge_values(column)
            ]
        )
    ordered = [s for group in zip_longest(*per_column) for s in group if s is not None]
    budget = max(1, count // 2)
    chosen = ordered[:budget]
    if not chosen:
        return []
    rows_each = budget // len(chosen)
    for scenario in chosen:
        scenario["share"] = rows_each / count
    return chosen
