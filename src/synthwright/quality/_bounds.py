"""Spec bounds (``min``/``max``, ``within``) as Arrow scalars comparable with a column.

Temporal bounds are ISO strings. A date-only **max** on a datetime column
means the whole day: ``max: "2024-12-31"`` allows up to
``2024-12-31T23:59:59.999999``; a date-only min means midnight. On a date
column a bound with a time keeps only its date. Durations are ``365d``-style
strings or numbers of seconds; they are microseconds in the data.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, InvalidOperation

import pyarrow as pa

from ..spec import parse_duration
from ._types import family

Bound = int | float | str


class BoundError(ValueError):
    """A bound that does not fit the column's type."""


def bound_scalar(value: Bound, dtype: pa.DataType, *, upper: bool) -> pa.Scalar:
    """``value`` as a scalar of (or comparable with) ``dtype``."""
    kind = family(dtype)
    if kind == "float":
        return pa.scalar(float(_number(value)))  # an int past 2^53 still compares
    if kind == "int":
        return pa.scalar(_number(value))
    if kind == "decimal":
        return _decimal_bound(_number(value), dtype, upper=upper)
    if kind == "timestamp":
        return pa.scalar(_datetime(value, upper, dtype.tz is not None), dtype)
    if kind == "date":
        return pa.scalar(_datetime(value, False, False).date(), dtype)
    if kind == "time":
        try:
            return pa.scalar(dt.time.fromisoformat(str(value)), dtype)
        except ValueError as exc:
            raise BoundError(f"{value!r} is not a time of day") from exc
    if kind == "duration":
        return pa.scalar(duration(value), pa.duration("us"))
    raise BoundError(f"min/max do not apply to {dtype} values")


def _decimal_bound(number: int | float, dtype: pa.DataType, *, upper: bool) -> pa.Scalar:
    """A bound on the column's own decimal grid: values of that scale meet it exactly when
    they meet the written bound (``min: 1e-300`` at scale 2 is 0.01)."""
    step = Decimal(1).scaleb(-dtype.scale)
    exact = Decimal(str(number))
    rounded = exact.quantize(step, rounding=ROUND_FLOOR if upper else ROUND_CEILING)
    if abs(rounded) >= Decimal(10) ** (38 - dtype.scale):  # beyond any decimal128 value
        return pa.scalar(float(rounded))
    return pa.scalar(rounded, pa.decimal128(38, dtype.scale))


def duration(value: Bound) -> dt.timedelta:
    """``365d``-style text, or a number of seconds."""
    if isinstance(value, str):
        try:
            return dt.timedelta(seconds=parse_duration(value))
        except ValueError as exc:
            raise BoundError(str(exc)) from exc
    return dt.timedelta(seconds=float(value))


def _number(value: Bound) -> int | float:
    if isinstance(value, bool):
        raise BoundError(f"{value!r} is not a number")
    if isinstance(value, int | float):
        return value
    try:
        number = Decimal(value.strip())
    except InvalidOperation as exc:
        raise BoundError(f"{value!r} is not a number") from exc
    return int(number) if number == number.to_integral_value() else float(number)


def _datetime(value: Bound, upper: bool, aware: bool) -> dt.datetime:
    if not isinstance(value, str):
        raise BoundError(f"{value!r} is not an ISO date or datetime")
    text = value.strip()
    try:
        if len(text) == 10:
            day = dt.date.fromisoformat(text)
            moment = dt.datetime.combine(day, dt.time.max if upper else dt.time.min)
        else:
            moment = dt.datetime.fromisoformat(text)
    except ValueError as exc:
        raise BoundError(f"{value!r} is not an ISO date or datetime") from exc
    if moment.tzinfo is not None and not aware:
        moment = moment.astimezone(dt.timezone.utc).replace(tzinfo=None)
    elif moment.tzinfo is None and aware:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment
