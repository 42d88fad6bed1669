"""The cheap re-check every run makes by default: keys, links and nulls, as batches pass.

Everything is met by construction; this is the witness that stops a run
(GenerationError) before its output is kept, should a construction ever be
wrong. It is cheap because it never hashes: per batch it reads null counts
(kept by Arrow), checks that ``id`` keys run on by one from the previous
batch (so they are unique and never wrap), and that a ref into an
id-keyed parent lies within the parent's id range (so it exists). Rules
that need a hash table over a whole table -- unique uuids and strings,
composite unique sets, refs into non-id keys, checks, expressions -- are
re-checked in full by ``generate(verify=True)`` / ``--verify``
(``quality.check``).

Measured on the 1M-row customer table (``bench/engine.py`` columns): see
the README and the engine tests; it costs well under 1% of generation.
A failure raises before ``Runner.run`` returns: sinks abort (nothing is
left) and an in-memory run hands back no tables.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from ..errors import GenerationError
from ..spec import RefColumn, TypeColumn
from .plan import TablePlan

__all__ = ["CheapCheck"]


@dataclass
class _Ids:
    next: int | None = None  # the id the next row must have
    first: int | None = None
    last: int | None = None


@dataclass
class CheapCheck:
    """Per-batch checks of keys (ids), links into id keys and not-null columns."""

    ids: dict[tuple[str, str], _Ids] = field(default_factory=dict)

    def batch(self, tp: TablePlan, batch: pa.RecordBatch) -> None:
        """Check one batch of ``tp`` (batches arrive in row order)."""
        for i, f in enumerate(batch.schema):
            if not f.nullable and batch.column(i).null_count:
                raise GenerationError(
                    f"{batch.column(i).null_count} null values in a column without null_rate "
                    "(engine fault: nothing was kept)",
                    f"tables.{tp.name}.columns.{f.name}",
                )
        planted = {c for s in tp.scenarios for c in s.set}  # a planted id breaks the run
        for name, cp in tp.columns.items():  # ids first: a self-reference may point into this batch
            spec = cp.spec
            if isinstance(spec, TypeColumn) and spec.type == "id" and name not in planted:
                self._id_run(tp, name, batch.column(name))
        for name, cp in tp.columns.items():
            spec = cp.spec
            if isinstance(spec, RefColumn) and cp.ref_table and cp.ref_column:
                parent = self.ids.get((cp.ref_table, cp.ref_column))
                if parent is not None:
                    self._in_range(tp, name, batch.column(name), parent, spec.ref)

    def _id_run(self, tp: TablePlan, name: str, column: pa.Array) -> None:
        state = self.ids.setdefault((tp.name, name), _Ids())
        values = np.asarray(column.to_numpy(zero_copy_only=False), dtype=np.int64)
        if not len(values):
            return
        expected = values[0] if state.next is None else state.next
        if values[0] != expected or (len(values) > 1 and not np.all(np.diff(values) == 1)):
            raise GenerationError(
                "id keys do not run on by one: a key repeats or wrapped (engine fault: nothing "
                "was kept)",
                f"tables.{tp.name}.columns.{name}",
            )
        if state.first is None:
            state.first = int(values[0])
        state.last = int(values[-1])
        state.next = state.last + 1

    def _in_range(self, tp: TablePlan, name: str, column: pa.Array, parent: _Ids, ref: str) -> None:
        values = np.asarray(column.drop_null().to_numpy(zero_copy_only=False), dtype=np.int64)
        if not len(values) or parent.first is None or parent.last is None:
            if len(values) and parent.first is None:
                raise GenerationError(
                    f"{ref} has no rows for these keys", f"tables.{tp.name}.columns.{name}"
                )
            return
        lo, hi = int(np.min(values)), int(np.max(values))
        if lo < parent.first or hi > parent.last:
            raise GenerationError(
                f"keys outside {ref} ({parent.first}..{parent.last}) (engine fault: nothing "
                "was kept)",
                f"tables.{tp.name}.columns.{name}",
            )
