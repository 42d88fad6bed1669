"""Labelled defects (``quality:`` with ``emit_defects``) told apart from broken rules.

A table made with ``quality:`` carries defects on purpose; ``_defect`` names
them per row. ``check`` must still find every *unlabelled* break, so rows
are judged in two views instead of one:

- ``linked``: every row but the labelled duplicates. Foreign keys and
  per-parent counts are judged here: a row with a planted typo is still a
  parent its children point at, while a duplicate (appended under a new key)
  is no one's parent and would inflate its own parent's child count.
- ``clean``: only the rows without a label. Column rules, ``after``/``before``,
  expressions and checks are judged here, so a labelled cell never counts as
  a violation; a child of a labelled row still has its own rules checked
  (its parent's columns read as null there, which passes, as in SQL).

The label format is the engine's (``duplicate``, ``kind:column``, ``;``-joined);
it is parsed here rather than imported, since quality reads nothing of the
engine but the SQL evaluator.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc

from ..spec import Spec
from ..spec._quality import DEFECT_COLUMN

__all__ = ["DEFECT_COLUMN", "Split", "labelled_defects", "split_defects"]


@dataclass
class Split:
    """The two views of the data and the labelled defects counted per table and kind."""

    clean: dict[str, pa.Table]
    linked: dict[str, pa.Table]
    defects: dict[str, dict[str, int]] = field(default_factory=dict)


def _labels(table: pa.Table) -> pa.Array | None:
    if DEFECT_COLUMN not in table.column_names:
        return None
    column = table.column(DEFECT_COLUMN)
    return column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column


def labelled_defects(tables: dict[str, pa.Table], spec: Spec) -> dict[str, dict[str, int]]:
    """Rows per defect kind (``duplicate``, ``outlier``, ``typo``, ``null``) per table.

    A row with two defects counts once for each; tables without labels are left out.
    """
    out: dict[str, dict[str, int]] = {}
    for name, table in tables.items():
        labels = _labels(table)
        if labels is None or name not in spec.tables:
            continue
        counts: Counter[str] = Counter()
        for text in labels.drop_null().to_pylist():
            for part in str(text).split(";"):
                if part:
                    counts[part.split(":", 1)[0]] += 1
        out[name] = dict(counts)
    return out


def split_defects(tables: dict[str, pa.Table], spec: Spec) -> Split:
    """The ``clean`` and ``linked`` views (see the module docstring), labels dropped."""
    clean: dict[str, pa.Table] = {}
    linked: dict[str, pa.Table] = {}
    for name, table in tables.items():
        labels = _labels(table)
        if labels is None:
            clean[name] = linked[name] = table
            continue
        plain = table.drop_columns([DEFECT_COLUMN])
        duplicate = pc.fill_null(pc.match_substring(labels, "duplicate"), False)
        clean[name] = plain.filter(pc.is_null(labels))
        linked[name] = plain.filter(pc.invert(duplicate))
    return Split(clean, linked, labelled_defects(tables, spec))
