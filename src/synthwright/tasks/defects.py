"""Defects planted in sample data by adversarial mutations, and how to undo them.

An adversarial record lists what was done to its sample under
``expected.defects`` (a duplicated row, a blanked value, an outlier, a
planted instruction, a reformatted date, each with the original value), so
its expected answer stays the answer on the data as it should be; measuring
and verifying a record undo the defects first. Kept apart from the
mutations so composing, measuring and verifying need not import them.
"""

from __future__ import annotations

import copy
from typing import Any

__all__ = ["restore"]


def restore(
    sample: dict[str, list[dict[str, Any]]], defects: list[dict[str, Any]]
) -> dict[str, list[dict[str, Any]]]:
    """The sample as it was before the defects (undone in reverse order)."""
    clean = copy.deepcopy(sample)
    for item in reversed(defects):
        rows = clean[item["table"]]
        if item["kind"] == "duplicate_row":
            rows.pop(item["index"])
        else:
            rows[item["index"]][item["column"]] = item["original"]
    return clean
