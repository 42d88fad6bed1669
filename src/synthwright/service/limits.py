"""What one request may cost, checked before the work starts, and how abandoned work stops.

Three bounds, each refused with a located `RequestError` that names it:

- records: ``count`` plus scenario counts at most ``max_records_unary`` on the
  unary path (every path: seeded, unseeded, pooled; HTTP and gRPC), at most
  ``max_records_stream`` on a stream;
- memory: an estimate of the bytes a request needs (rows of every table it
  generates x the width of their columns) at most ``max_request_mb``. A unary
  request (and a stream of an assembled entity) holds every table at once; an
  engine stream holds one block of each table plus the columns children read;
- time: when a request times out or its client goes away, its `Cancel` is set
  and the worker thread stops at the next block (the engine's progress
  callback) or stage, instead of running on after the 504.

The estimate is an upper bound in spirit, not a measurement: strings count
their longest value (a regex's longest match, ``max_length``), child tables
their ``per_parent.max`` (or a far quantile of their distribution).
"""

from __future__ import annotations

import math
import threading

from ..catalog.base_text import StringGenerator, TextGenerator
from ..engine.compile import ColumnPlan, Plan, TablePlan
from ..engine.generate import BLOCK_SIZE
from ..spec import (
    ExponentialDist,
    LognormalDist,
    NormalDist,
    PerParent,
    PoissonDist,
    TypeColumn,
)
from ._errors import RequestError
from .models import GenerateRequest

__all__ = [
    "Cancel",
    "Cancelled",
    "check_memory",
    "check_records",
    "estimate_bytes",
    "records_asked",
]

_TEXT_UNIT_BYTES = {"words": 10, "sentences": 120, "paragraphs": 600}
_STRING_BYTES = 48  # names, e-mails, addresses, ids as text
_OTHER_BYTES = 32  # lists, structs, anything without a fixed width
_LAYOUT_BYTES = 12  # per row of every table: scenario of the row, parent index
_KEPT_BYTES = 16  # per row of a column children read (kept for the whole run)
_MIB = 1024 * 1024
ASSEMBLY_FACTOR = 2.0


class Cancelled(Exception):
    """The request was abandoned (timed out, or its client went away): stop working."""


class Cancel:
    """A request's stop flag, shared by the event loop and the worker threads.

    Set it from anywhere (a timeout, a closed connection, a finished
    request); threads call `check` between stages, and the engine calls
    `progress` after every block.
    """

    def __init__(self) -> None:
        self._event = threading.Event()
        self.reason = ""

    def set(self, reason: str = "") -> None:
        if not self._event.is_set():
            self.reason = reason
            self._event.set()

    def is_set(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        """Raise Cancelled once the request is abandoned."""
        if self._event.is_set():
            raise Cancelled(self.reason or "cancelled")

    def progress(self, table: str, done: int, total: int) -> None:
        """The engine's ``on_progress`` hook: every block is a point to stop at."""
        self.check()


def records_asked(request: GenerateRequest) -> int:
    """Records a request asks for: its count plus every scenario's."""
    return request.count + sum(s.count for s in request.scenarios)


def check_records(request: GenerateRequest, limit: int, hint: str = "") -> None:
    """RequestError at ``count`` (or ``scenarios``) when more than `limit` records are asked."""
    asked = records_asked(request)
    if asked > limit:
        where = "count" if request.count > limit else "scenarios"
        raise RequestError(
            f"{asked} records asked, at most {limit} per request{hint}; nothing was generated",
            where,
        )


def _per_parent_max(pp: PerParent) -> float:
    """Most children of one parent row: ``max``, else a far quantile of the distribution."""
    if pp.max is not None:
        return float(pp.max)
    dist = pp.dist
    if isinstance(dist, PoissonDist):
        return pp.min + dist.lam + 6 * math.sqrt(dist.lam) + 6
    if isinstance(dist, NormalDist) and dist.mean is not None:
        return max(float(pp.min), dist.mean + 6 * (dist.std or 1.0))
    if isinstance(dist, LognormalDist) and dist.mu is not None:
        return pp.min + math.exp(min(50.0, dist.mu + 4 * (dist.sigma or 1.0)))
    if isinstance(dist, ExponentialDist) and dist.scale is not None:
        return pp.min + 10 * dist.scale
    return float(pp.min + 100)


def table_rows(plan: Plan) -> dict[str, float]:
    """Upper estimate of every table's rows (scenario rows included), parents first."""
    rows: dict[str, float] = {}
    for tp in plan.tables:
        spec = tp.spec
        if spec.existing:
            rows[tp.name] = 0.0
            continue
        if spec.per_parent is not None:
            parent = rows.get(spec.per_parent.table, 0.0)
            n = parent * _per_parent_max(spec.per_parent)
        else:
            n = float(spec.rows or 0)
        n += sum(s.count or 0 for s in tp.scenarios)
        rows[tp.name] = min(n, 1e15)
    return rows


def _value_bytes(cp: ColumnPlan) -> float:
    """Bytes of one value of a column while it is generated and held."""
    spec, gen, kind = cp.spec, cp.generator, cp.arrow_type
    if isinstance(spec, TypeColumn):
        if isinstance(gen, StringGenerator) and not spec.values:
            try:
                width = sum(s.hi for s in gen.slots(spec))
            except ValueError:
                width = _STRING_BYTES
            return 3 * width + 8  # the byte matrix, its keep mask, the strings
        if isinstance(gen, TextGenerator):
            try:
                _, hi = gen.counts(spec)
            except ValueError:
                hi = 3
            size = hi * _TEXT_UNIT_BYTES.get(spec.unit or "sentences", 120)
            return (min(size, spec.max_length) if spec.max_length else size) + 8
        if spec.type == "llm":
            limit = spec.max_length or (spec.max_tokens * 4 if spec.max_tokens else 400)
            return limit + 8
        if spec.type == "json":
            return 40 * max(3, len(spec.keys or {})) + 8
    if kind is not None:
        try:
            return kind.bit_width / 8 + 1
        except ValueError:
            pass  # variable width
        if str(kind) in ("string", "large_string", "binary"):
            cap = spec.max_length if isinstance(spec, TypeColumn) and spec.max_length else None
            return (min(cap, _STRING_BYTES) if cap else _STRING_BYTES) + 4
    return _OTHER_BYTES


def _row_bytes(tp: TablePlan) -> float:
    return sum(_value_bytes(cp) for cp in tp.columns.values()) + 8


def estimate_bytes(plan: Plan, *, whole: bool, rows: dict[str, float] | None = None) -> float:
    """Bytes a run of `plan` needs: every table held (`whole`), or one block of each."""
    rows = rows if rows is not None else table_rows(plan)
    total = 0.0
    for tp in plan.tables:
        n = rows.get(tp.name, 0.0)
        held = n if whole else min(n, float(BLOCK_SIZE))
        total += held * _row_bytes(tp) + n * (_LAYOUT_BYTES + _KEPT_BYTES * len(tp.retain))
    return total


def check_memory(
    plan: Plan,
    table: str,
    *,
    whole: bool,
    limit_mb: int,
    records: int,
    assembled: bool = False,
    where: str = "count",
) -> None:
    """RequestError naming the bound when a run of `plan` is estimated above `limit_mb` MiB.

    `assembled`: the records are assembled by SQL over the tables (DuckDB
    copies them, then builds nested lists): twice the tables' bytes, as
    measured (100,000 orders: 390 MB resident for 245 MB of tables).
    The message says how many records of `table` would fit, when any would.
    """
    rows = table_rows(plan)
    need = estimate_bytes(plan, whole=whole, rows=rows) * (ASSEMBLY_FACTOR if assembled else 1.0)
    limit = limit_mb * _MIB
    if need <= limit:
        return
    fits = ""
    if records > 0:
        share = need / max(records, 1)
        most = int(limit / share) if share > 0 else 0
        if most > 0:
            fits = f"; about {most} records of {table!r} fit"
    raise RequestError(
        f"this request needs about {need / _MIB:,.0f} MiB to generate "
        f"({'every table held at once' if whole else 'one block of each table'}), "
        f"more than the {limit_mb} MiB one request may use{fits}; nothing was generated",
        where,
        code="too_large",
    )
