"""Scenario values for one column of one planted row: what satisfies, or just misses, a predicate.

A planted row needs a value that satisfies its column's predicate; a near
miss a value that fails it and nothing else. Values are handed to the engine
the way scenarios take them -- a literal, or a constraint map (``Override``)
that the engine draws from inside the row's own ``after``/``before`` window
-- so keys, windows and checks still hold by construction.

A near miss lands *near* the boundary (a datetime just before ``min``, a
word with one letter's case changed, the neighbouring category), because a
near miss far away tests nothing. ``sql`` predicates are planted from
candidates the column itself generates, tested with DuckDB.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pyarrow as pa

from ..spec import Override, TypeColumn
from ._coherence import _fill, near_text, words
from ._columns import ColumnInfo, quote_ident
from ._predicates import Resolved

__all__ = ["column_value", "sql_candidates"]

_CANDIDATES = 2048  # values drawn to find ones an sql predicate keeps (or drops)
_cache: dict[tuple[str, str, int], list[Any]] = {}


def sql_candidates(info: ColumnInfo, pred: Resolved, seed: int) -> tuple[list[Any], list[Any]]:
    """Values of the column that pass / fail an ``sql`` predicate (DuckDB decides)."""
    import duckdb

    values = info.domain()[0] if info.kind in ("category", "bool") else _drawn(info, seed)
    if not values:
        return [], []
    table = pa.table({info.name: pa.array(values)})
    con = duckdb.connect()
    try:
        con.register("t", table)
        rows = con.execute(
            f"SELECT {quote_ident(info.name)}, coalesce({pred.sql()}, FALSE) FROM t"
        ).fetchall()
    except duckdb.Error as exc:
        raise ValueError(f"the sql predicate does not run: {str(exc).splitlines()[0]}") from exc
    finally:
        con.close()
    passing = [v for v, ok in rows if ok]
    failing = [v for v, ok in rows if not ok]
    return passing, failing


def _drawn(info: ColumnInfo, seed: int) -> list[Any]:
    """Values the column generates on its own (windows to other columns left out)."""
    from ..engine.run import run_spec

    key = (info.name, info.col.model_dump_json(), seed)
    if key not in _cache:
        if len(_cache) > 64:  # a long-lived process (the service) plants many specs
            _cache.clear()
        col = info.col.model_copy(
            update={"after": None, "before": None, "within": None, "null_rate": 0.0}
        )
        spec = {"tables": {"t": {"rows": _CANDIDATES, "columns": {info.name: col.model_dump()}}}}
        table = run_spec(spec, seed=seed).materialize()["t"]
        _cache[key] = table.column(info.name).to_pylist()
    return _cache[key]


def _as_bound(info: ColumnInfo, value: Any) -> Any:
    """A drawn value as a scenario literal (ISO text for dates and times)."""
    if info.kind == "ordered":
        return info.bound_value(info.to_unit(value))
    return value


def _fits_text(col: TypeColumn, value: str) -> bool:
    """A planted text literal must keep the column's own pattern, regex and lengths."""
    if col.min_length is not None and len(value) < col.min_length:
        return False
    if col.max_length is not None and len(value) > col.max_length:
        return False
    if col.regex is not None and re.fullmatch(col.regex, value) is None:
        return False
    if col.pattern is not None:
        regex = "".join(
            r"\d" if c == "#" else "[A-Za-z]" if c == "?" else re.escape(c) for c in col.pattern
        )
        if re.fullmatch(regex, value) is None:
            return False
    return True


def column_value(
    info: ColumnInfo,
    pred: Resolved,
    want: bool,
    rng: np.random.Generator,
    seed: int,
    side: int,
) -> tuple[Any, str]:
    """A scenario value for ``info`` that satisfies (``want``) or fails ``pred``.

    ``side`` picks which side of a range a near miss falls on when both can
    (near misses alternate). Returns the value (a literal or an ``Override``)
    or ``(None, why)`` when none exists.
    """
    if pred.kind == "sql":
        passing, failing = sql_candidates(info, pred, seed)
        pool = passing if want else failing
        if not pool:
            verb = "keeps" if want else "drops"
            return (
                None,
                f"none of {_CANDIDATES} values the column draws is one the sql predicate {verb}",
            )
        return _as_bound(info, pool[int(rng.integers(len(pool)))]), ""
    if info.kind in ("category", "bool"):
        return _from_domain(info, pred, want, rng)
    if info.kind == "ordered":
        return _ordered(info, pred, want, rng, side)
    if info.kind == "float":
        return _float(info, pred, want, rng, side)
    return _text(info, pred, want, rng, seed)


def _from_domain(
    info: ColumnInfo, pred: Resolved, want: bool, rng: np.random.Generator
) -> tuple[Any, str]:
    values, weights = info.domain()
    keep = [(v, w) for v, w in zip(values, weights, strict=True) if w > 0 and pred.holds(v) == want]
    if not keep:
        what = "matches" if want else "fails"
        return None, f"no value the column takes {what} the predicate"
    if info.kind == "bool" or len(keep) == 1:
        w = np.array([k[1] for k in keep])
        return keep[int(rng.choice(len(keep), p=w / w.sum()))][0], ""
    if all(isinstance(v, str) for v, _ in keep):
        return Override(values={str(v): float(w) for v, w in keep}), ""
    return Override(values=[v for v, _ in keep]), ""


def _ordered(
    info: ColumnInfo, pred: Resolved, want: bool, rng: np.random.Generator, side: int
) -> tuple[Any, str]:
    lo, hi = int(info.lo), int(info.hi)
    span = max(1, (hi - lo) // 100)
    if pred.kind in ("eq", "in"):
        members = sorted({int(v) for v in ([pred.value] if pred.kind == "eq" else pred.values)})
        inside = [m for m in members if lo <= m <= hi]
        if want:
            if not inside:
                return (
                    None,
                    f"every value lies outside the column's range [{info.col.min}, {info.col.max}]",
                )
            return info.bound_value(inside[int(rng.integers(len(inside)))]), ""
        taken = set(members)
        start = inside[int(rng.integers(len(inside)))] if inside else int(rng.integers(lo, hi + 1))
        for step in range(1, 1001):
            for cand in (
                (start + step, start - step) if side % 2 == 0 else (start - step, start + step)
            ):
                if lo <= cand <= hi and cand not in taken:
                    return info.bound_value(cand), ""
        return None, "every value of the column's range is one the predicate lists"
    a = lo if pred.lo is None else max(lo, int(pred.lo))
    b = hi if pred.hi is None else min(hi, int(pred.hi))
    if want:
        if a > b:
            return None, (
                f"the range lies outside the column's range [{info.col.min}, {info.col.max}]"
            )
        return Override(min=info.bound_value(a), max=info.bound_value(b)), ""
    # a near miss just outside: as wide as the predicate's room, at most a tenth of the column's
    width = max(1, min((b - a) if a <= b else span, (hi - lo) // 10))
    sides = []
    if pred.lo is not None and int(pred.lo) - 1 >= lo:
        top = min(int(pred.lo) - 1, hi)
        sides.append((max(lo, top - width), top))
    if pred.hi is not None and int(pred.hi) + 1 <= hi:
        bottom = max(int(pred.hi) + 1, lo)
        sides.append((bottom, min(hi, bottom + width)))
    sides = [(x, y) for x, y in sides if x <= y]
    if not sides:
        return None, f"the column's range [{info.col.min}, {info.col.max}] has no value outside it"
    x, y = sides[side % len(sides)]
    return Override(min=info.bound_value(x), max=info.bound_value(y)), ""


def _float(
    info: ColumnInfo, pred: Resolved, want: bool, rng: np.random.Generator, side: int
) -> tuple[Any, str]:
    lo, hi = float(info.lo), float(info.hi)
    if pred.kind in ("eq", "in"):
        members = [float(v) for v in ([pred.value] if pred.kind == "eq" else pred.values)]
        inside = [m for m in members if lo <= m <= hi]
        if want:
            if not inside:
                return None, "every value lies outside the column's range"
            return inside[int(rng.integers(len(inside)))], ""
        for _ in range(100):
            cand = float(rng.uniform(lo, hi))
            if cand not in members:
                return cand, ""
        return None, "no value of the column's range is outside the list"
    a = lo if pred.lo is None else max(lo, float(pred.lo))
    b = hi if pred.hi is None else min(hi, float(pred.hi))
    if want:
        if a > b:
            return None, "the range lies outside the column's range"
        return Override(min=a, max=b), ""
    width = min((b - a) if a <= b else (hi - lo) / 100, (hi - lo) / 10) or 1.0
    sides = []
    if pred.lo is not None and float(np.nextafter(pred.lo, -np.inf)) >= lo:
        top = min(float(np.nextafter(pred.lo, -np.inf)), hi)
        sides.append((max(lo, top - width), top))
    if pred.hi is not None and float(np.nextafter(pred.hi, np.inf)) <= hi:
        bottom = max(float(np.nextafter(pred.hi, np.inf)), lo)
        sides.append((bottom, min(hi, bottom + width)))
    sides = [(x, y) for x, y in sides if x <= y]
    if not sides:
        return None, "the column's range has no value outside the predicate"
    x, y = sides[side % len(sides)]
    return Override(min=x, max=y), ""


def _text(
    info: ColumnInfo, pred: Resolved, want: bool, rng: np.random.Generator, seed: int
) -> tuple[Any, str]:
    if pred.kind == "eq":
        base = str(pred.value)
    elif pred.kind == "in":
        base = str(pred.values[int(rng.integers(len(pred.values)))])
    else:  # a value the column really draws (a real first name), else one made from the pattern
        regex = pred.regex
        real = sorted(
            {str(v) for v in _drawn(info, seed) if v is not None and regex.fullmatch(str(v))}
        )
        base = real[int(rng.integers(len(real)))] if real else _fill(pred.pattern, rng, words())
    value = base if want else near_text(base, lambda s: not pred.holds(s))
    if value is None or pred.holds(value) != want:
        return None, "no text value could be made that " + ("matches" if want else "fails")
    if not _fits_text(info.col, value):
        return None, f"{value!r} does not fit the column's own pattern or length"
    return value, ""
