"""An evaluation of truth predicates that shares no code with the planter or its SQL.

Rows come out of pyarrow as Python values; each predicate is tested in plain
Python (LIKE by a small dynamic programme, times against ``now`` computed
here), so a property test comparing this with the manifest compares two
independent readings of the same predicates.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pyarrow as pa


def like(text: str, pattern: str) -> bool:
    """SQL LIKE: % any run, _ one character, case-sensitive (by dynamic programming)."""
    n, m = len(text), len(pattern)
    ok = [[False] * (m + 1) for _ in range(n + 1)]
    ok[0][0] = True
    for j in range(1, m + 1):
        ok[0][j] = ok[0][j - 1] and pattern[j - 1] == "%"
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            p = pattern[j - 1]
            if p == "%":
                ok[i][j] = ok[i][j - 1] or ok[i - 1][j]
            elif p == "_" or p == text[i - 1]:
                ok[i][j] = ok[i - 1][j - 1]
    return ok[n][m]


_REL = re.compile(r"^([+-])(\d+)([smhdw])$")
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def bound(value: Any, now: dt.datetime, *, upper: bool) -> Any:
    """A predicate bound as a comparable Python value (times relative to ``now``)."""
    if isinstance(value, str):
        rel = _REL.match(value)
        if rel:
            seconds = int(rel.group(2)) * _SECONDS[rel.group(3)]
            return now + dt.timedelta(seconds=seconds if rel.group(1) == "+" else -seconds)
        parsed = dt.datetime.fromisoformat(value)
        if upper and len(value) == 10:
            parsed = parsed.replace(hour=23, minute=59, second=59, microsecond=999999)
        return parsed
    return value


def holds(value: Any, pred: Any, now: dt.datetime, python_sql: Any = None) -> bool:
    """Whether one value satisfies one predicate as written in the spec (a dict or a literal)."""
    if value is None:
        return False
    if not isinstance(pred, dict):
        if isinstance(value, dt.datetime):
            return value == bound(pred, now, upper=False)
        if isinstance(pred, bool) or isinstance(value, bool):
            return value is pred
        if isinstance(pred, int | float) and isinstance(value, int | float):
            return float(value) == float(pred)
        return str(value) == str(pred)
    if "like" in pred:
        return like(str(value), pred["like"])
    if "in" in pred:
        return any(holds(value, v, now) for v in pred["in"])
    if "sql" in pred:
        return bool(python_sql(value))
    lo, hi = pred.get("min"), pred.get("max")
    if lo is not None and value < bound(lo, now, upper=False):
        return False
    return not (hi is not None and value > bound(hi, now, upper=True))


def matching(
    table: pa.Table, key: str, match: dict[str, Any], now: dt.datetime, sql: dict[str, Any]
) -> list[Any]:
    """Keys of the rows where every predicate holds, sorted."""
    rows = table.to_pylist()
    return sorted(
        r[key] for r in rows if all(holds(r[c], p, now, sql.get(c)) for c, p in match.items())
    )


def failing(
    row: dict[str, Any], match: dict[str, Any], now: dt.datetime, sql: dict[str, Any]
) -> list[str]:
    """The predicates (columns) a row fails."""
    return sorted(c for c, p in match.items() if not holds(row[c], p, now, sql.get(c)))
