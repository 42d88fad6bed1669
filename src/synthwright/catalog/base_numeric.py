"""Base types with an ordered domain: id, int, float, decimal, bool, category,
date, datetime, time, duration, uuid.

Ordered types share one mechanism: bounds are mapped to a physical integer or
float unit (days for dates, microseconds for datetimes and times, scaled
integers for decimals); values are drawn in that unit, truncated to [min, max]
or to per-row bounds handed over by the engine (``after``/``before``), and
``unique`` is a Feistel permutation of the row index over the domain.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any, ClassVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..spec import PoissonDist, TypeColumn, ZipfDist, parse_duration
from ._base import BlockContext, Generator, make_rng, stable_hash
from ._ordered import (
    float_key,
    format_keeps,
    from_float_key,
    has_params,
    parse_datetime,
    parse_time,
    sample_rowwise,
)
from ._registry import register
from .distributions import MAX_TABLE, discrete_pmf, sample_continuous, sample_integers
from .tools import FeistelPermutation, strings_from_matrix, weighted_choice

_EPOCH = dt.datetime(1970, 1, 1)
UNIT_LIMIT = 2**62  # physical values stay well inside int64 (sums with windows never wrap)
_US = 1_000_000
_DAY_US = 86_400 * _US


def _key(ctx: BlockContext) -> int:
    return stable_hash(f"{ctx.seed}:{ctx.table}.{ctx.column}")


class OrderedGenerator(Generator):
    """A type whose values live on an integer scale between min and max.

    Subclasses say how bounds convert to that scale (``to_unit``), the default
    range, and how unit values become Arrow values (``to_arrow``).
    """

    params: ClassVar[tuple[str, ...]] = ("min", "max", "dist", "after", "before", "within")
    unique_ok: ClassVar[bool] = True
    default_min: ClassVar[Any] = 0
    default_max: ClassVar[Any] = 1000

    def to_unit(self, value: Any, col: TypeColumn, *, upper: bool = False) -> int:
        """A bound in the physical integer unit."""
        return int(value)

    def to_arrow(self, values: np.ndarray, col: TypeColumn) -> pa.Array:
        return pa.array(values, type=self.arrow_type(col))

    def within_units(self, col: TypeColumn) -> int | None:
        """``within:`` in the physical unit (None when not set)."""
        if col.within is None:
            return None
        return int(parse_duration(col.within) * _US)

    def bounds(self, col: TypeColumn) -> tuple[int, int]:
        """[min, max] in the physical unit, defaults filled in."""
        lo = self.to_unit(self.default_min if col.min is None else col.min, col)
        hi = self.to_unit(self.default_max if col.max is None else col.max, col, upper=True)
        return lo, hi

    def validate(self, col: TypeColumn) -> list[tuple[str, str]]:
        problems: list[tuple[str, str]] = []
        try:
            lo = self.to_unit(self.default_min if col.min is None else col.min, col)
        except (TypeError, ValueError, OverflowError) as exc:
            return [("min", str(exc))]
        try:
            hi = self.to_unit(self.default_max if col.max is None else col.max, col, upper=True)
        except (TypeError, ValueError, OverflowError) as exc:
            return [("max", str(exc))]
        if lo > hi:
            problems.append(("min", f"min ({col.min}) is greater than max ({col.max})"))
        for field_name, units in (("min", lo), ("max", hi)):
            if abs(units) > UNIT_LIMIT:  # values are drawn as 64-bit integers, with room to add
                problems.append(
                    (field_name, f"{getattr(col, field_name)!r} is too far out (|units| > 2^62)")
                )
        if col.dist is not None and col.dist.kind == "zipf" and hi - lo >= MAX_TABLE:
            problems.append(("dist", f"zipf spans at most {MAX_TABLE} values; narrow min/max"))
        if col.unique and col.dist is not None:
            problems.append(("dist", "a unique column cannot follow a distribution; drop dist"))
        if col.unique and (col.after or col.before):
            problems.append(("unique", "unique cannot be combined with after/before"))
        if col.within is not None and not (col.after or col.before):
            problems.append(("within", "within needs after or before"))
        return problems

    def capacity(self, col: TypeColumn) -> int | None:
        lo, hi = self.bounds(col)
        return hi - lo + 1

    def draw(self, col: TypeColumn, ctx: BlockContext) -> np.ndarray:
        """int64 values in the physical unit for this block."""
        lo, hi = self.bounds(col)
        rng = ctx.rng()
        if col.unique:
            perm = FeistelPermutation(hi - lo + 1, _key(ctx))
            return lo + perm(ctx.row_index())
        if ctx.lower is not None or ctx.upper is not None:
            row_lo = np.full(ctx.n, lo, np.int64) if ctx.lower is None else ctx.lower
            row_hi = np.full(ctx.n, hi, np.int64) if ctx.upper is None else ctx.upper
            return sample_rowwise(col.dist, rng, ctx.n, row_lo, row_hi)
        return sample_integers(col.dist, rng, ctx.n, lo, hi)

    def generate(self, col: TypeColumn, ctx: BlockContext) -> pa.Array:
        return self.to_arrow(self.draw(col, ctx), col)


@register
class IdGenerator(Generator):
    name = "id"
    summary = "Sequential integer key 1..n (or from `min`); always unique: the primary key."
    params = ("min",)
    example: ClassVar[dict[str, Any]] = {}
    unique_ok = True

    def arrow_type(self, col: TypeColumn) -> pa.DataType:
        return pa.int64()

    def generate(self, col: TypeColumn, ctx: BlockContext) -> pa.Array:
        start = 1 if col.min is None else int(col.min)
        return pa.array(ctx.row_index() + start, type=pa.int64())

    def validate(self, col: TypeColumn) -> list[tuple[str, str]]:
        if col.min is not None and not isinstance(col.min, int):
            return [("min", "id min must be an integer")]
        return []


@register
class IntGenerator(OrderedGenerator):
    name = "int"
    summary = "Integer in [min, max] (default 0..1000), any distribution; unique by permutation."
    example: ClassVar[dict[str, Any]] = {
        "min": 18,
        "max": 90,
        "dist": {"normal": {"mean": 38, "std": 12}},
    }

    def arrow_type(self, col: TypeColumn) -> pa.DataType:
        return pa.int64()

    def to_unit(self, value: Any, col: TypeColumn, *, upper: bool = False) -> int:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"expected a number, got {value!r}")
        if isinstance(value, float) and not np.isfinite(value):
            raise ValueError(f"expected a finite number, got {value!r}")
        return int(np.floor(value)) if upper else int(np.ceil(value))

    def within_units(self, col: TypeColumn) -> int | None:
        return None if col.within is None else int(parse_duration(col.within))

    def code_domain(self, col: TypeColumn) -> tuple[int, np.ndarray | None]:
        """Distinct values as codes 0..n-1 (value lo + code) and their weights (None: equal)."""
        lo, hi = self.bounds(col)
        if col.dist is None or col.dist.kind == "uniform":
            return hi - lo + 1, None
        if isinstance(col.dist, PoissonDist | ZipfDist) and hi - lo < MAX_TABLE:
            return hi - lo + 1, discrete_pmf(col.dist, lo, hi)
        raise ValueError(
            "in a composite unique set an int follows uniform, zipf or poisson "
            f"over at most {MAX_TABLE} values"
        )

    def from_codes(self, col: TypeColumn, codes: np.ndarray) -> pa.Array:
        return pa.array(self.bounds(col)[0] + codes, type=pa.int64())


@register
class FloatGenerator(Generator):
    name = "float"
    summary = "Floating-point number in [min, max] (default 0..1), any distribution."
    params = ("min", "max", "dist", "after", "before", "within")
    example: ClassVar[dict[str, Any]] = {"min": 0, "max": 100, "dist": "normal"}
    unique_ok = True

    def arrow_type(self, col: TypeColumn) -> pa.DataType:
        return pa.float64()

    def bounds(self, col: TypeColumn) -> tuple[float, float]:
        lo = 0.0 if col.min is None else col.min
        hi = 1.0 if col.max is None else col.max
        if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in (lo, hi)):
            raise ValueError("float min/max must be numbers")
        return float(lo), float(hi)

    def validate(self, col: TypeColumn) -> list[tuple[str, str]]:
        try:
            lo, hi = self.bounds(col)
        except ValueError as exc:
            return [("min", str(exc))]
        problems = []
        if lo > hi:
            problems.append(("min", f"min ({lo}) is greater than max ({hi})"))
        elif not np.isfinite(hi - lo):
            problems.append(("max", f"[{lo:g}, {hi:g}] is wider than a float64 can span"))
        if col.unique and col.dist is not None:
            problems.append(("dist", "a unique column cannot follow a distribution; drop dist"))
        if isinstance(col.dist, PoissonDist | ZipfDist) and not problems:
            whole = int(np.floor(hi)) - int(np.ceil(lo)) + 1  # the family draws whole numbers
            if whole < 1:
                problems.append(
                    ("dist", f"{col.dist.kind} draws whole numbers: none in [{lo:g}, {hi:g}]")
                )
            elif isinstance(col.dist, ZipfDist) and whole > MAX_TABLE:
                problems.append(("dist", f"zipf spans at most {MAX_TABLE} values; narrow min/max"))
        return problems

    def capacity(self, col: TypeColumn) -> int | None:
        """Distinct float64 values in [min, max] (at most 2^52 are used)."""
        lo, hi = self.bounds(col)
        if not (np.isfinite(lo) and np.isfinite(hi)) or lo > hi:
            return None
        return int(min(2**52, float_key(hi) - float_key(lo) + 1))

    def generate(self, col: TypeColumn, ctx: BlockContext) -> pa.Array:
        lo, hi = self.bounds(col)
        if col.unique:  # distinct floats: evenly spaced among the float64 values in range
            first, last = float_key(lo), float_key(hi)
            grid = self.capacity(col) or 1
            step = (last - first) // max(grid - 1, 1)
            codes = FeistelPermutation(grid, _key(ctx))(ctx.row_index())
            values = from_float_key(first + codes * step)
        elif isinstance(col.dist, PoissonDist | ZipfDist):  # whole numbers inside [min, max]
            ilo, ihi = int(np.ceil(lo)), int(np.floor(hi))
            values = sample_integers(col.dist, ctx.rng(), ctx.n, ilo, ihi).astype(np.float64)
        else:
            row_lo = lo if ctx.lower is None else ctx.lower
            row_hi = hi if ctx.upper is None else ctx.upper
            values = sample_continuous(col.dist, ctx.rng(), ctx.n, row_lo, row_hi)
        return pa.array(values, type=pa.float64())


@register
class DecimalGenerator(OrderedGenerator):
    name = "decimal"
    summary = "Exact decimal with `scale` places (default 2) in [min, max]; Arrow decimal128."
    params = ("min", "max", "dist", "scale", "precision", "after", "before", "within")
    example: ClassVar[dict[str, Any]] = {"min": 5, "max": 2000, "scale": 2, "dist": "lognormal"}

    def arrow_type(self, col: TypeColumn) -> pa.DataType:
        return pa.decimal128(col.precision or 18, self.scale(col))

    @staticmethod
    def scale(col: TypeColumn) -> int:
        return 2 if col.scale is None else col.scale

    def within_units(self, col: TypeColumn) -> int | None:
        """``within`` as a number (``within: 30s`` = 30), in units of the last place."""
        if col.within is None:
            return None
        return int(Decimal(str(parse_duration(col.within))).scaleb(self.scale(col)))

    def to_unit(self, value: Any, col: TypeColumn, *, upper: bool = False) -> int:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"expected a number, got {value!r}")
        if isinstance(value, float) and not np.isfinite(value):
            raise ValueError(f"expected a finite number, got {value!r}")
        # exact decimal arithmetic on the written value: 0.1 is 10 cents, 1e-300 rounds up to
        # one unit of the last place (the float 0.1 * 100 would not)
        scaled = Decimal(str(value)).scaleb(self.scale(col))
        return int(scaled.to_integral_value(rounding=ROUND_FLOOR if upper else ROUND_CEILING))

    def validate(self, col: TypeColumn) -> list[tuple[str, str]]:
        problems = super().validate(col)
        if col.precision is not None and self.scale(col) > col.precision:
            problems.append(("scale", "scale cannot exceed precision"))
            return problems
        if problems:
            return problems
        # values are scaled 64-bit integers of at most `precision` digits (18 by default)
        digits = min(col.precision or 18, 18)
        lo, hi = self.bounds(col)
        limit = 10**digits - 1
        for field_name, units in (("min", lo), ("max", hi)):
            if abs(units) > limit:
                whole = digits - self.scale(col)
                problems.append(
                    (
                        field_name,
                        f"{units / 10 ** self.scale(col):g} does not fit precision {digits} with "
                        f"scale {self.scale(col)} (at most {whole} digits before the point)",
                    )
                )
        return problems

    def draw(self, col: TypeColumn, ctx: BlockContext) -> np.ndarray:
        lo, hi = self.bounds(col)
        windows = ctx.lower is not None or ctx.upper is not None
        continuous = col.dist is not None and col.dist.kind not in ("uniform", "poisson", "zipf")
        if col.unique or (windows and not (continuous and has_params(col.dist))):
            return super().draw(col, ctx)
        # the distribution's parameters live in value space; round onto the decimal grid
        unit = float(10 ** self.scale(col))
        row_lo = lo if ctx.lower is None else ctx.lower
        row_hi = hi if ctx.upper is None else ctx.upper
        x = sample_continuous(col.dist, ctx.rng(), ctx.n, row_lo / unit, row_hi / unit)
        return np.clip(np.rint(x * unit).astype(np.int64), row_lo, row_hi)

    def to_arrow(self, values: np.ndarray, col: TypeColumn) -> pa.Array:
        return decimal_from_scaled(values, self.arrow_type(col))


def decimal_from_scaled(values: np.ndarray, type_: pa.DataType) -> pa.Array:
    """A decimal128 array from int64 values already multiplied by 10**scale."""
    v = np.asarray(values, dtype=np.int64)
    words = np.empty((len(v), 2), dtype=np.int64)
    words[:, 0] = v
    words[:, 1] = v >> 63  # sign extension into the high word
    return pa.Array.from_buffers(type_, len(v), [None, pa.py_buffer(words.tobytes())])


@register
class BoolGenerator(Generator):
    name = "bool"
    summary = "Boolean, true with probability `p` (default 0.5)."
    params = ("p",)
    example: ClassVar[dict[str, Any]] = {"p": 0.05}

    def arrow_type(self, col: TypeColumn) -> pa.DataType:
        return pa.bool_()

    def capacity(self, col: TypeColumn) -> int | None:
        return 2 if col.p is None or 0 < col.p < 1 else 1

    def code_domain(self, col: TypeColumn) -> tuple[int, np.ndarray | None]:
        """Codes 0 (false) and 1 (true), weighted by ``p``."""
        if col.p is None or col.p == 0.5:
            return 2, None
        return 2, np.array([1.0 - col.p, col.p])

    def from_codes(self, col: TypeColumn, codes: np.ndarray) -> pa.Array:
        return pa.array(codes == 1, type=pa.bool_())

    def generate(self, col: TypeColumn, ctx: BlockContext) -> pa.Array:
        p = 0.5 if col.p is None else col.p
        return pa.array(ctx.rng().random(ctx.n) < p, type=pa.bool_())


@register
class CategoryGenerator(Generator):
    name = "category"
    summary = "One of `values` (a list, or a map of value -> weight); a dictionary array."
    params = ("values", "dist")
    example: ClassVar[dict[str, Any]] = {"values": {"free": 0.6, "pro": 0.3, "enterprise": 0.1}}
    unique_ok = True

    @staticmethod
    def choices(col: TypeColumn) -> tuple[list[Any], np.ndarray]:
        """The values as written and their weights (a map's, zipf's by position, else equal)."""
        values: list[Any]
        if isinstance(col.values, dict):
            values = list(col.values)
            weights = np.array(list(col.values.values()), dtype=np.float64)
        else:
            values = list(col.values or [])
            weights = np.ones(len(values))
        if col.dist is not None and col.dist.kind == "zipf":
            a = getattr(col.dist, "a", 1.2)
            weights = 1.0 / np.arange(1, len(values) + 1, dtype=np.float64) ** a
        return values, weights

    def domain(self, col: TypeColumn) -> tuple[list[Any], np.ndarray]:
        """Distinct values as the output shows them (``1`` and ``"1"`` in a string column
        are one value), first-seen order, with the weights of their repeats summed.

        Uniqueness and capacity count these, so a list with repeats never
        promises more distinct values than it can give.
        """
        values, weights = self.choices(col)
        type_ = self.arrow_type(col)
        key: Any = (
            str if pa.types.is_dictionary(type_) else float if type_ == pa.float64() else None
        )
        seen: dict[Any, int] = {}
        kept: list[Any] = []
        summed: list[float] = []
        for value, weight in zip(values, weights, strict=True):
            k = key(value) if key is not None else value
            if k in seen:
                summed[seen[k]] += float(weight)
            else:
                seen[k] = len(kept)
                kept.append(value)
                summed.append(float(weight))
        return kept, np.array(summed, dtype=np.float64)

    def arrow_type(self, col: TypeColumn) -> pa.DataType:
        values = list(col.values or [])
        if values and all(isinstance(v, bool) for v in values):
            return pa.bool_()
        if values and all(isinstance(v, int) and not isinstance(v, bool) for v in values):
            return pa.int64()
        if values and all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
            return pa.float64()
        return pa.dictionary(pa.int32(), pa.string())

    def validate(self, col: TypeColumn) -> list[tuple[str, str]]:
        if not col.values:
            return [("values", "category needs `values` (a list or a map of value -> weight)")]
        if col.dist is not None and col.dist.kind != "zipf":
            return [("dist", "category takes weights in `values`, or dist: zipf over the list")]
        return []

    def capacity(self, col: TypeColumn) -> int | None:
        """Distinct values that can occur (a weight of 0 never occurs)."""
        return int((self.domain(col)[1] > 0).sum())

    def code_domain(self, col: TypeColumn) -> tuple[int, np.ndarray | None]:
        """Distinct values as codes and their weights (None when all are equal)."""
        _, weights = self.domain(col)
        return len(weights), None if np.all(weights == weights[0]) else weights

    def from_codes(self, col: TypeColumn, codes: np.ndarray) -> pa.Array:
        values, _ = self.domain(col)
        return self._arrow(col, values, codes)

    def _arrow(self, col: TypeColumn, values: list[Any], idx: np.ndarray) -> pa.Array:
        type_ = self.arrow_type(col)
        if pa.types.is_dictionary(type_):
            pool = pa.array([str(v) for v in values], pa.string())
            return pa.DictionaryArray.from_arrays(pa.array(idx.astype(np.int32)), pool)
        return pa.array(values, type_).take(pa.array(idx))

    def generate(self, col: TypeColumn, ctx: BlockContext) -> pa.Array:
        if col.unique:
            values, weights = self.domain(col)
            if np.all(weights == weights[0]):
                idx = FeistelPermutation(len(values), _key(ctx))(ctx.row_index())
            else:  # weighted order without replacement (Gumbel-top-k), the same for every block
                rng = make_rng(ctx.seed, ctx.table, ctx.column, "__order__")
                with np.errstate(divide="ignore"):
                    keys = np.log(weights) + rng.gumbel(size=len(weights))
                idx = np.argsort(-keys, kind="stable")[ctx.row_index()]
            return self._arrow(col, values, idx)
        values, weights = self.choices(col)
        return self._arrow(col, values, weighted_choice(ctx.rng(), weights, ctx.n))


@register
class DatetimeGenerator(OrderedGenerator):
    name = "datetime"
    summary = (
        "Timestamp (microseconds) in [min, max] (ISO strings; a date-only max means the end "
        "of that day; default 2020-01-01..2025-12-31); `after`/`before` another column with "
        "`within`; `format` gives strings."
    )
    params = ("min", "max", "dist", "after", "before", "within", "format")
    example: ClassVar[dict[str, Any]] = {"min": "2023-01-01", "max": "2024-12-31"}
    default_min = "2020-01-01"
    default_max = "2025-12-31"

    def validate(self, col: TypeColumn) -> list[tuple[str, str]]:
        return super().validate(col) + format_keeps(col, ("%Y", "%m", "%d", "%H", "%M", "%S", "%f"))

    def arrow_type(self, col: TypeColumn) -> pa.DataType:
        return pa.string() if col.format else pa.timestamp("us")

    def to_unit(self, value: Any, col: TypeColumn, *, upper: bool = False) -> int:
        delta = parse_datetime(value, upper=upper) - _EPOCH
        return (delta.days * 86_400 + delta.seconds) * _US + delta.microseconds

    def to_arrow(self, values: np.ndarray, col: TypeColumn) -> pa.Array:
        arr = pa.array(values, type=pa.int64()).cast(pa.timestamp("us"))
        return pc.strftime(arr, format=col.format) if col.format else arr


@register
class DateGenerator(OrderedGenerator):
    name = "date"
    summary = "Calendar date in [min, max] (ISO strings; default 2020-01-01..2025-12-31)."
    params = ("min", "max", "dist", "after", "before", "within", "format")
    example: ClassVar[dict[str, Any]] = {"min": "1950-01-01", "max": "2005-12-31"}
    default_min = "2020-01-01"
    default_max = "2025-12-31"

    def validate(self, col: TypeColumn) -> list[tuple[str, str]]:
        return super().validate(col) + format_keeps(col, ("%Y", "%m", "%d"))

    def arrow_type(self, col: TypeColumn) -> pa.DataType:
        return pa.string() if col.format else pa.date32()

    def to_unit(self, value: Any, col: TypeColumn, *, upper: bool = False) -> int:
        return (parse_datetime(value, upper=False) - _EPOCH).days

    def within_units(self, col: TypeColumn) -> int | None:
        return None if col.within is None else int(parse_duration(col.within) // 86_400)

    def to_arrow(self, values: np.ndarray, col: TypeColumn) -> pa.Array:
        arr = pa.array(values.astype(np.int32), type=pa.int32()).cast(pa.date32())
        return pc.strftime(arr, format=col.format) if col.format else arr


@register
class TimeGenerator(OrderedGenerator):
    name = "time"
    summary = "Time of day in [min, max] ('08:00'..'18:00'; default the whole day)."
    params = ("min", "max", "dist", "after", "before", "within")
    example: ClassVar[dict[str, Any]] = {"min": "08:00", "max": "18:00"}
    default_min = "00:00:00"
    default_max = "23:59:59"

    def arrow_type(self, col: TypeColumn) -> pa.DataType:
        return pa.time64("us")

    def to_unit(self, value: Any, col: TypeColumn, *, upper: bool = False) -> int:
        return parse_time(value)

    def to_arrow(self, values: np.ndarray, col: TypeColumn) -> pa.Array:
        return pa.array(values, type=pa.int64()).cast(pa.time64("us"))


@register
class DurationGenerator(OrderedGenerator):
    name = "duration"
    summary = "A length of time in [min, max] ('30s', '15m', '2h', '3d'; default 0..1h)."
    params = ("min", "max", "dist")
    example: ClassVar[dict[str, Any]] = {"min": "1m", "max": "2h", "dist": "lognormal"}
    default_min = "0s"
    default_max = "1h"

    def arrow_type(self, col: TypeColumn) -> pa.DataType:
        return pa.duration("us")

    def to_unit(self, value: Any, col: TypeColumn, *, upper: bool = False) -> int:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return int(value * _US)
        if not isinstance(value, str):
            raise ValueError(f"expected a duration like '15m', got {value!r}")
        return int(parse_duration(value) * _US)

    def to_arrow(self, values: np.ndarray, col: TypeColumn) -> pa.Array:
        return pa.array(values, type=pa.int64()).cast(pa.duration("us"))


_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
_M62 = (1 << 62) - 1


def _bijection62(x: np.ndarray, key: int) -> np.ndarray:
    """A keyed bijection of [0, 2^62): odd multiplications and xor-shifts mod 2^62."""
    mask = np.uint64(_M62)
    with np.errstate(over="ignore"):
        z = (x.astype(np.uint64) ^ np.uint64(key & _M62)) & mask
        z = (z * np.uint64(0x2545F4914F6CDD1D)) & mask
        z ^= z >> np.uint64(31)
        z = (z * np.uint64(0x5851F42D4C957F2D)) & mask
        z ^= z >> np.uint64(29)
    return z


def uuid_strings(high: np.ndarray, low: np.ndarray) -> pa.Array:
    """Version-4 UUID strings from 64-bit halves (version and variant bits set here)."""
    high = (high & np.uint64(0xFFFFFFFFFFFF0FFF)) | np.uint64(0x4000)
    low = (low & np.uint64(_M62)) | np.uint64(0x8000000000000000)
    raw = np.empty((len(high), 2), dtype=">u8")
    raw[:, 0] = high
    raw[:, 1] = low
    nibbles = raw.view(np.uint8).reshape(-1, 16)
    hexes = np.empty((len(high), 32), dtype=np.uint8)
    hexes[:, 0::2] = _HEX[nibbles >> 4]
    hexes[:, 1::2] = _HEX[nibbles & 15]
    out = np.full((len(high), 36), ord("-"), dtype=np.uint8)
    for dst, src, width in ((0, 0, 8), (9, 8, 4), (14, 12, 4), (19, 16, 4), (24, 20, 12)):
        out[:, dst : dst + width] = hexes[:, src : src + width]
    return strings_from_matrix(out)


@register
class UuidGenerator(Generator):
    name = "uuid"
    category = "base"
    summary = "Random version-4 UUID string; distinct by construction (row index bijection)."
    unique_ok = True

    def arrow_type(self, col: TypeColumn) -> pa.DataType:
        return pa.string()

    def generate(self, col: TypeColumn, ctx: BlockContext) -> pa.Array:
        high = ctx.rng().integers(0, 2**63, size=ctx.n, dtype=np.int64).astype(
            np.uint64
        ) << np.uint64(1)
        low = _bijection62(ctx.row_index().astype(np.uint64), _key(ctx))
        return uuid_strings(high, low)
