"""Predicates of a truth query, resolved against their column: SQL text and a value test.

A :class:`Resolved` predicate holds its bounds in the column's own terms
(physical units for ordered types, so a relative ``"-5d"`` is turned into an
instant once, against the spec's ``now``), renders itself as DuckDB SQL for
the manifest, and tests single candidate values in Python (the planter uses
that to pick values from a finite domain and to prove a near miss really
misses). ``like`` follows SQL LIKE exactly: ``%`` any run, ``_`` one
character, case-sensitive, no escape character.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..engine.expressions import ExprError, parse_expr
from ..spec._truth import Predicate, relative_offset
from ._columns import ColumnInfo, quote_ident, sql_literal

__all__ = ["PredicateError", "Resolved", "like_regex", "resolve"]


class PredicateError(ValueError):
    """A predicate that does not fit its column (the message says why)."""


def like_regex(pattern: str) -> re.Pattern[str]:
    """SQL LIKE as a regular expression (whole string, case-sensitive, DOTALL)."""
    parts = [".*" if c == "%" else "." if c == "_" else re.escape(c) for c in pattern]
    return re.compile("".join(parts), re.S)


@dataclass
class Resolved:
    """One predicate in its column's terms. ``lo``/``hi`` None means open on that side."""

    column: str
    info: ColumnInfo
    kind: str
    value: Any = None
    values: list[Any] = field(default_factory=list)
    pattern: str = ""
    lo: Any = None
    hi: Any = None
    sql_text: str = ""
    masks: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def regex(self) -> re.Pattern[str]:
        return like_regex(self.pattern)

    def sql(self) -> str:
        """The predicate as a DuckDB boolean expression over the table's columns."""
        col = quote_ident(self.column)
        if self.kind == "eq":
            return f"{col} = {self._lit(self.value)}"
        if self.kind == "in":
            return f"{col} IN ({', '.join(self._lit(v) for v in self.values)})"
        if self.kind == "like":
            return f"{col} LIKE {sql_literal(self.pattern)}"
        if self.kind == "sql":
            return f"({self.sql_text})"
        parts = []
        if self.lo is not None:
            parts.append(f"{col} >= {self._lit(self.lo)}")
        if self.hi is not None:
            parts.append(f"{col} <= {self._lit(self.hi)}")
        return " AND ".join(parts) if len(parts) == 1 else f"({' AND '.join(parts)})"

    def _lit(self, value: Any) -> str:
        if self.info.kind == "ordered":
            return sql_literal(self.info.from_unit(value))
        return self.info.literal(value)

    def holds(self, value: Any) -> bool:
        """Whether a single value satisfies the predicate (not for ``sql``)."""
        if value is None:
            return False
        if self.kind == "eq":
            return _same(value, self.value)
        if self.kind == "in":
            return any(_same(value, v) for v in self.values)
        if self.kind == "like":
            return self.regex.fullmatch(str(value)) is not None
        if self.kind == "range":
            return (self.lo is None or value >= self.lo) and (self.hi is None or value <= self.hi)
        raise ValueError("an sql predicate is tested by running it")

    def mask(self, name: str, values: np.ndarray) -> np.ndarray:
        """``holds`` over a whole pool (cached under ``name``: the pools never change)."""
        if name not in self.masks:
            if self.kind in ("eq", "in") and values.dtype == object:
                wanted = [str(self.value)] if self.kind == "eq" else [str(v) for v in self.values]
                hit = np.isin(values.astype(str), wanted)
            elif self.kind == "range" and values.dtype != object:
                hit = np.ones(len(values), dtype=bool)
                if self.lo is not None:
                    hit &= values >= self.lo
                if self.hi is not None:
                    hit &= values <= self.hi
            elif self.kind == "like":
                regex = self.regex
                hit = np.fromiter(
                    (regex.fullmatch(str(v)) is not None for v in values), bool, len(values)
                )
            else:
                hit = np.fromiter((self.holds(v) for v in values), bool, len(values))
            self.masks[name] = hit
        return np.asarray(self.masks[name])


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b or (isinstance(a, bool) and isinstance(b, bool) and a == b)
    if isinstance(a, int | float) and isinstance(b, int | float):
        return float(a) == float(b)
    return str(a) == str(b)


def _time_bound(info: ColumnInfo, value: Any, now: dt.datetime, *, upper: bool) -> int:
    """A min/max of an ordered column in its unit; relative times count from ``now``."""
    if isinstance(value, str) and info.type in ("date", "datetime"):
        offset = relative_offset(value)
        if offset is not None:
            instant = now + offset
            value = instant.date().isoformat() if info.type == "date" else instant.isoformat()
        elif value.strip().lower() == "now":
            value = now.date().isoformat() if info.type == "date" else now.isoformat()
    elif isinstance(value, str) and relative_offset(value) is not None:
        raise PredicateError(f"relative times apply to date and datetime columns, not {info.type}")
    try:
        return info.to_unit(value, upper=upper)
    except (TypeError, ValueError, OverflowError) as exc:
        raise PredicateError(f"{value!r} is not a value of this {info.type} column: {exc}") from exc


def _number(info: ColumnInfo, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PredicateError(f"{value!r} is not a number (the column is {info.type})")
    return float(value)


def resolve(column: str, pred: Predicate, info: ColumnInfo, now: dt.datetime) -> Resolved:
    """The predicate in its column's terms.

    Raises:
        PredicateError: the predicate does not fit the column (kind, type or value).
    """
    kind = pred.kind
    out = Resolved(column, info, kind)
    if kind == "sql":
        assert pred.sql is not None
        try:
            parsed = parse_expr(pred.sql)
        except ExprError as exc:
            raise PredicateError(str(exc)) from exc
        others = sorted({c for t, c in parsed.references if t is not None or c != column})
        if others:
            raise PredicateError(
                f"an sql predicate reads only the column it is written under ({column}), "
                f"not {', '.join(others)}"
            )
        out.sql_text = pred.sql
        return out
    if kind == "like":
        if info.kind in ("ordered", "float", "bool"):
            raise PredicateError(f"like matches text; {column} is a {info.type} column")
        assert pred.like is not None
        out.pattern = pred.like
        return out
    if kind == "range":
        if info.kind == "ordered":
            now_lo = None if pred.min is None else _time_bound(info, pred.min, now, upper=False)
            now_hi = None if pred.max is None else _time_bound(info, pred.max, now, upper=True)
            out.lo, out.hi = now_lo, now_hi
        elif info.kind == "float" or (info.kind == "place" and info.type in _COORDS):
            out.lo = None if pred.min is None else _number(info, pred.min)
            out.hi = None if pred.max is None else _number(info, pred.max)
        else:
            raise PredicateError(
                f"min/max apply to numbers, dates and times; {column} is a {info.type} column"
            )
        if out.lo is not None and out.hi is not None and out.lo > out.hi:
            raise PredicateError(f"min ({pred.min}) is greater than max ({pred.max})")
        return out
    raw = [pred.eq] if kind == "eq" else list(pred.in_ or [])
    values = [_value(info, v, now) for v in raw]
    if kind == "eq":
        out.value = values[0]
    else:
        out.values = values
    return out


_COORDS = ("latitude", "longitude")


def _value(info: ColumnInfo, value: Any, now: dt.datetime) -> Any:
    """A literal in the column's terms (units for ordered types)."""
    if info.kind == "ordered":
        return _time_bound(info, value, now, upper=False)
    if info.kind == "float" or (info.kind == "place" and info.type in _COORDS):
        return _number(info, value)
    if info.kind == "bool":
        if not isinstance(value, bool):
            raise PredicateError(f"{value!r} is not true or false")
        return value
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise PredicateError(f"{value!r} is not a value of this {info.type} column")
    return value
