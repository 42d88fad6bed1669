"""What `check` reports: one broken rule, how often, and a few examples."""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["Finding", "from_mask"]

MAX_EXAMPLES = 3


@dataclass(frozen=True)
class Finding:
    """One rule that the data breaks.

    Attributes:
        location: where the rule is written in the spec, e.g.
            ``tables.orders.columns.total`` or ``tables.orders.checks[1]``.
        rule: which rule: ``missing``, ``type``, ``not_null``, ``min``, ``max``,
            ``values``, ``unique``, ``pattern``, ``regex``, ``min_length``,
            ``max_length``, ``scale``, ``foreign_key``, ``per_parent``,
            ``after``, ``before``, ``within``, ``expr``, ``check``.
        message: what is wrong, for a person.
        count: how many rows (or parent rows, for ``per_parent``) break it;
            0 when the rule could not be evaluated at all (a bad expression,
            a missing parent table) or is about the data's shape.
        examples: up to three offending values, or ``row N`` (0-based row
            index in the table) where a value alone says nothing.
    """

    location: str
    rule: str
    message: str
    count: int
    examples: tuple[str, ...] = ()

    def __str__(self) -> str:
        shown = f" (e.g. {', '.join(self.examples)})" if self.examples else ""
        count = f": {self.count} rows" if self.count else ""
        return f"{self.location}: [{self.rule}] {self.message}{count}{shown}"


def from_mask(
    location: str,
    rule: str,
    message: str,
    mask: pa.Array | pa.ChunkedArray,
    shown: pa.Array | pa.ChunkedArray | None = None,
) -> Finding | None:
    """A finding for the rows where ``mask`` is true (null counts as false), or None.

    ``shown`` gives the example values (same length as ``mask``); without it
    the examples are row indices.
    """
    mask = pc.fill_null(mask, False)
    count = pc.sum(mask.cast(pa.int64())).as_py() or 0
    if count == 0:
        return None
    if shown is None:
        rows = pc.indices_nonzero(mask).slice(0, MAX_EXAMPLES).to_pylist()
        examples = tuple(f"row {r}" for r in rows)
    else:
        picked = pc.filter(shown, mask).slice(0, MAX_EXAMPLES).to_pylist()
        examples = tuple(render(v) for v in picked)
    return Finding(location, rule, message, int(count), examples)


def render(value: object) -> str:
    """A value as a person reads it: ISO dates, plain numbers, repr-quoted text."""
    if value is None:
        return "null"
    if isinstance(value, str):
        return repr(value)
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)
