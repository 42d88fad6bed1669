"""Labelled defects (a table's ``quality:``), injected after generation.

Why a post-generation transform rather than part of the generators: every
rule is met by construction first (keys, links, checks), so children are
drawn from clean parent rows; the defects are then planted on the finished
batches, where they cannot disturb anything the engine guarantees. Keys,
foreign keys and columns a child reads are never touched, so every link
stays valid; a duplicate repeats another row's values under a new key and
is appended after the table's rows (no child points at it).

Determinism: each batch of the engine is one fixed block, and its defects
are drawn from ``make_rng(seed, table, "defects", block)``, so the same spec
and seed plant the same defects whatever the sink or the consumer.

Labels (``_defect`` with ``emit_defects: true``): ``duplicate``, or
``outlier:COL``/``typo:COL``/``null:COL`` joined by ``;``; null on a clean row.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable
from decimal import Decimal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..catalog import make_rng
from ..errors import GenerationError
from ..spec import TypeColumn
from ..spec._quality import DEFECT_COLUMN, QualitySpec
from .plan import Plan, TablePlan

__all__ = ["DEFECT_COLUMN", "DefectInjector", "output_schema"]

BatchCallback = Callable[[str, pa.RecordBatch], None]
_CHUNK = 65_536  # rows per appended batch of duplicates, like an engine block


def _eligible(tp: TablePlan) -> list[str]:
    """Columns a defect may touch: typed, not a key, not read by a child, not self-linked."""
    out = []
    for name, cp in tp.columns.items():
        if not isinstance(cp.spec, TypeColumn) or name == tp.primary_key:
            continue
        if cp.spec.type in ("id", "uuid") or name in tp.retain or cp.self_ref:
            continue
        out.append(name)
    return out


def _is_outlier_type(t: pa.DataType) -> bool:
    return bool(
        pa.types.is_integer(t)
        or pa.types.is_floating(t)
        or pa.types.is_decimal(t)
        or pa.types.is_date(t)
        or pa.types.is_timestamp(t)
    )


def _is_text(t: pa.DataType) -> bool:
    return bool(pa.types.is_string(t) or pa.types.is_large_string(t))


class _Targets:
    """Which columns each kind of defect hits, checked once against the plan."""

    def __init__(self, tp: TablePlan, quality: QualitySpec) -> None:
        eligible = _eligible(tp)
        types = {n: tp.columns[n].arrow_type or pa.string() for n in tp.columns}
        where = f"tables.{tp.name}.quality"
        self.quality = quality

        def pick(
            key: str, named: list[str] | None, fits: Callable[[pa.DataType], bool]
        ) -> list[str]:
            if named is None:
                return [c for c in eligible if fits(types[c])]
            for c in named:
                if c not in eligible or not fits(types[c]):
                    raise GenerationError(
                        f"{c!r} cannot take {key}: keys, linked columns and columns of "
                        f"another type are left alone",
                        f"{where}.{key}.columns",
                    )
            return list(named)

        o, t = quality.outliers, quality.typos
        self.outliers = pick("outliers", o.columns, _is_outlier_type) if o and o.rate else []
        self.typos = pick("typos", t.columns, _is_text) if t and t.rate else []
        self.nulls: dict[str, float] = {}
        self.spread_nulls = quality.nulls.get("*", 0.0)
        for c, rate in quality.nulls.items():
            if c != "*":
                pick("nulls", [c], lambda _t: True)
                self.nulls[c] = rate
        self.null_columns = eligible if self.spread_nulls else list(self.nulls)


def output_schema(tp: TablePlan) -> pa.Schema:
    """The schema of a table as written: the engine's, widened by its ``quality:``.

    Columns that may get nulls become nullable, and ``emit_defects`` adds the
    ``_defect`` label column. Sinks are opened with this schema.
    """
    schema = tp.schema()
    quality = tp.spec.quality
    if quality is None:
        return schema
    targets = _Targets(tp, quality.resolved())
    for name in targets.null_columns:
        i = schema.get_field_index(name)
        schema = schema.set(i, schema.field(i).with_nullable(True))
    if quality.emit_defects:
        schema = schema.append(pa.field(DEFECT_COLUMN, pa.string()))
    return schema


class _TableDefects:
    """The defects of one table, block by block, and the duplicates held until its end."""

    def __init__(self, tp: TablePlan, seed: int) -> None:
        assert tp.spec.quality is not None
        self.tp = tp
        self.seed = seed
        self.quality = tp.spec.quality.resolved()
        self.targets = _Targets(tp, self.quality)
        self.schema = output_schema(tp)
        self.block_no = 0
        self.pending: list[pa.RecordBatch] = []  # duplicate rows, clean values
        self.key_max: int | None = None
        self.counts: Counter[str] = Counter()

    def block(self, batch: pa.RecordBatch) -> pa.RecordBatch:
        n = batch.num_rows
        rng = make_rng(self.seed, self.tp.name, "defects", self.block_no)
        self.block_no += 1
        key = self.tp.primary_key
        if key and n and pa.types.is_integer(batch.schema.field(key).type):
            top = pc.max(batch.column(key)).as_py()
            if top is not None:
                self.key_max = top if self.key_max is None else max(self.key_max, top)
        cols = {name: batch.column(name) for name in batch.schema.names}
        labels: list[list[str]] = [[] for _ in range(n)]
        hit: dict[str, np.ndarray] = {}
        q = self.quality
        if self.targets.outliers and q.outliers:
            self._per_row(
                rng, n, q.outliers.rate, self.targets.outliers, cols, labels, hit, "outlier"
            )
        if self.targets.typos and q.typos:
            self._per_row(rng, n, q.typos.rate, self.targets.typos, cols, labels, hit, "typo")
        null_masks: dict[str, np.ndarray] = {
            c: rng.random(n) < r for c, r in self.targets.nulls.items()
        }
        if self.targets.spread_nulls and self.targets.null_columns:
            spread = rng.random(n) < self.targets.spread_nulls
            which = rng.integers(0, len(self.targets.null_columns), n)
            for j, c in enumerate(self.targets.null_columns):
                extra = spread & (which == j)
                null_masks[c] = null_masks[c] | extra if c in null_masks else extra
        for c, mask in null_masks.items():
            valid = np.asarray(pc.is_valid(cols[c]).to_numpy(zero_copy_only=False), dtype=bool)
            mask = mask & valid & ~hit.get(c, np.zeros(n, dtype=bool))
            if mask.any():
                cols[c] = pc.if_else(pa.array(mask), pa.nulls(n, cols[c].type), cols[c])
                self._label(labels, mask, f"null:{c}", "null")
        if q.duplicates:
            k = int(rng.binomial(n, q.duplicates)) if n else 0
            if k:
                src = rng.integers(0, n, k)
                self.pending.append(batch.take(pa.array(src)))
                self.counts["duplicate"] += k
        return self._assemble(cols, [";".join(x) if x else None for x in labels])

    def _per_row(
        self,
        rng: np.random.Generator,
        n: int,
        rate: float,
        columns: list[str],
        cols: dict[str, pa.Array],
        labels: list[list[str]],
        hit: dict[str, np.ndarray],
        kind: str,
    ) -> None:
        """``rate`` of the rows get one defect of ``kind`` in one of ``columns`` (drawn)."""
        chosen = rng.random(n) < rate
        which = rng.integers(0, len(columns), n)
        for j, c in enumerate(columns):
            valid = np.asarray(pc.is_valid(cols[c]).to_numpy(zero_copy_only=False), dtype=bool)
            mask = chosen & (which == j) & valid
            if not mask.any():
                continue
            rows = np.flatnonzero(mask)
            make = _outliers if kind == "outlier" else _typos
            new = make(self.tp, c, cols[c], rows, rng)
            if new is None:
                continue
            values = cols[c].to_pylist()
            for r, v in zip(rows.tolist(), new, strict=True):
                values[r] = v
            cols[c] = pa.array(values, cols[c].type)
            hit[c] = hit.get(c, np.zeros(n, dtype=bool)) | mask
            self._label(labels, mask, f"{kind}:{c}", kind)

    def _label(self, labels: list[list[str]], mask: np.ndarray, text: str, kind: str) -> None:
        rows = np.flatnonzero(mask)
        for r in rows.tolist():
            labels[r].append(text)
        self.counts[kind] += len(rows)

    def _assemble(self, cols: dict[str, pa.Array], labels: list[str | None]) -> pa.RecordBatch:
        arrays = [cols[f.name].cast(f.type) for f in self.schema if f.name != DEFECT_COLUMN]
        if self.quality.emit_defects:
            arrays.append(pa.array(labels, pa.string()))
        return pa.RecordBatch.from_arrays(arrays, schema=self.schema)

    def duplicates(self) -> list[pa.RecordBatch]:
        """The held duplicate rows under new keys, in blocks, labelled ``duplicate``."""
        if not self.pending:
            return []
        rows = pa.Table.from_batches(self.pending).combine_chunks()
        self.pending = []
        k = rows.num_rows
        key = self.tp.primary_key
        if key:
            i = rows.schema.get_field_index(key)
            rows = rows.set_column(i, rows.schema.field(i), self._new_keys(rows.column(key), k))
        out = []
        for start in range(0, k, _CHUNK):
            part = rows.slice(start, _CHUNK)
            cols = {name: part.column(name).combine_chunks() for name in part.column_names}
            out.append(self._assemble(cols, ["duplicate"] * part.num_rows))
        return out

    def _new_keys(self, old: pa.ChunkedArray, k: int) -> pa.Array:
        """Keys no row holds: after the largest integer key, fresh UUIDs, or a suffix."""
        t = old.type
        if pa.types.is_integer(t):
            start = (self.key_max or 0) + 1
            return pa.array(np.arange(start, start + k, dtype=np.int64)).cast(t)
        col = self.tp.columns[self.tp.primary_key or ""].spec
        if isinstance(col, TypeColumn) and col.type == "uuid":
            rng = make_rng(self.seed, self.tp.name, "defects", "keys")
            raw = rng.integers(0, 256, (k, 16), dtype=np.uint8)
            return pa.array([str(uuid.UUID(bytes=bytes(b), version=4)) for b in raw], t)
        return pa.array([f"{v}-dup{i + 1}" for i, v in enumerate(old.to_pylist())], t)


def _outliers(
    tp: TablePlan, column: str, values: pa.Array, rows: np.ndarray, rng: np.random.Generator
) -> list[object] | None:
    """Values beyond the column's range: past max (or below min) by 0.5-2 of its span."""
    spec = tp.columns[column].spec
    t = values.type
    temporal = pa.types.is_date(t) or pa.types.is_timestamp(t)
    phys = values.cast(pa.int64()) if temporal else values.cast(pa.float64())
    lo_seen, hi_seen = pc.min(phys).as_py(), pc.max(phys).as_py()
    lo, hi = float(lo_seen), float(hi_seen)
    if isinstance(spec, TypeColumn) and not temporal:
        if isinstance(spec.min, int | float) and not isinstance(spec.min, bool):
            lo = min(lo, float(spec.min))
        if isinstance(spec.max, int | float) and not isinstance(spec.max, bool):
            hi = max(hi, float(spec.max))
    span = max(hi - lo, abs(hi), 1.0)
    up = rng.random(len(rows)) < 0.5
    if pa.types.is_unsigned_integer(t):
        up[:] = True  # below 0 would be clipped back into the range
    offset = span * rng.uniform(0.5, 2.0, len(rows))
    new = np.where(up, hi + offset, lo - offset)
    if temporal:
        return pa.array(new.astype(np.int64)).cast(t).to_pylist()  # type: ignore[no-any-return]
    if pa.types.is_integer(t):
        info = np.iinfo(t.to_pandas_dtype())
        return [int(min(max(round(v), info.min), info.max)) for v in new]
    if pa.types.is_decimal(t):
        digits = t.precision - t.scale
        cap = float(10**digits) - 1
        quantum = Decimal(1).scaleb(-t.scale)
        return [Decimal(str(min(max(v, -cap), cap))).quantize(quantum) for v in new]
    return [float(v) for v in new]


def _typos(
    tp: TablePlan, column: str, values: pa.Array, rows: np.ndarray, rng: np.random.Generator
) -> list[object] | None:
    """A keyboard slip per value: two neighbours swapped, a letter dropped or doubled."""
    out: list[object] = []
    ops = rng.integers(0, 3, len(rows))
    where = rng.random(len(rows))
    for r, op, w in zip(rows.tolist(), ops.tolist(), where.tolist(), strict=True):
        s = values[r].as_py()
        if not s:
            out.append(s + "x" if s is not None else None)
            continue
        i = int(w * (len(s) - 1)) if len(s) > 1 else 0
        if op == 0 and len(s) > 1 and s[i] != s[i + 1]:
            out.append(s[:i] + s[i + 1] + s[i] + s[i + 2 :])
        elif op == 1 and len(s) > 1:
            out.append(s[:i] + s[i + 1 :])
        else:
            out.append(s[: i + 1] + s[i] + s[i + 1 :])
    return out


class DefectInjector:
    """Wraps a batch callback: plants each table's defects and appends its duplicates.

    Tables come one after another (the engine finishes a table before the
    next), so a table's duplicates are handed on when the next table starts
    or at :meth:`finish`.
    """

    def __init__(self, plan: Plan, seed: int, on_batch: BatchCallback) -> None:
        self.on_batch = on_batch
        self.tables = {tp.name: _TableDefects(tp, seed) for tp in plan.tables if tp.spec.quality}
        self.current: str | None = None

    @property
    def active(self) -> bool:
        return bool(self.tables)

    def __call__(self, table: str, batch: pa.RecordBatch) -> None:
        if table != self.current:
            self._flush()
            self.current = table
        defects = self.tables.get(table)
        self.on_batch(table, defects.block(batch) if defects else batch)

    def _flush(self) -> None:
        defects = self.tables.get(self.current or "")
        if defects is not None:
            for batch in defects.duplicates():
                self.on_batch(defects.tp.name, batch)

    def finish(self) -> None:
        """Hand on the last table's duplicates."""
        self._flush()
        self.current = None

    def added(self) -> dict[str, int]:
        """Extra rows per table (the duplicates)."""
        return {n: d.counts["duplicate"] for n, d in self.tables.items()}

    def injected(self) -> dict[str, dict[str, int]]:
        """Defects planted per table and kind, for summaries and reports."""
        return {n: dict(d.counts) for n, d in self.tables.items()}
