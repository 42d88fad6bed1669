"""Turn simple checks into column constraints, so they hold by construction.

A check such as ``quantity BETWEEN 1 AND 4``, ``age >= 21``, ``status IN
('paid', 'shipped')`` or ``ends_at >= starts_at`` is folded into the column it
constrains (narrower min/max or values, an ``after``/``before`` link). A check
that can never hold given the column's own constraints is a contradiction and
is refused when compiling. Checks that are not of these shapes are left to
the generator, which verifies them on every block.

sqlglot is imported by the functions that parse (not with the module): it
costs about 0.1 s of start-up, and only specs with checks need it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..spec import TypeColumn

_ORDERED = {"int", "float", "decimal", "date", "datetime", "time"}
_NUMERIC = {"int", "float", "decimal"}


@dataclass
class Folded:
    """The narrowed columns of a table and the problems found (location suffix, message)."""

    columns: dict[str, TypeColumn]
    problems: list[tuple[int, str]]
    folded: set[int]  # indices of checks fully folded into constraints


def _literal(node: Any) -> Any:
    from sqlglot import exp

    if isinstance(node, exp.Literal):
        if node.is_string:
            return node.this
        text = node.this
        return float(text) if any(c in text for c in ".eE") else int(text)
    if isinstance(node, exp.Neg) and isinstance(node.this, exp.Literal) and not node.this.is_string:
        value = _literal(node.this)
        return -value if value is not None else None
    if isinstance(node, exp.Cast | exp.TsOrDsToDate) and isinstance(node.this, exp.Literal):
        return node.this.this
    return None


def _column(node: Any, table: str) -> tuple[str | None, str] | None:
    from sqlglot import exp

    if isinstance(node, exp.Column):
        owner = node.table or None
        return (None if owner in (None, table) else owner, node.name)
    return None


def _conjuncts(node: Any) -> list[Any]:
    from sqlglot import exp

    if isinstance(node, exp.Paren):
        return _conjuncts(node.this)
    if isinstance(node, exp.And):
        return _conjuncts(node.left) + _conjuncts(node.right)
    return [node]


def _bound_value(col: TypeColumn, value: Any) -> Any:
    """A literal as a bound for this column type (dates stay ISO strings)."""
    if col.type in _NUMERIC:
        return value if isinstance(value, int | float) else None
    return value if isinstance(value, str) else None


def _less(col: TypeColumn, a: Any, b: Any) -> bool:
    """a < b for bounds of this column's type."""
    if col.type in _NUMERIC:
        return bool(a < b)
    return str(a) < str(b)


def fold_checks(table: str, checks: list[str], columns: dict[str, Any]) -> Folded:
    """Narrow columns by the checks' simple conjuncts; report contradictions."""
    narrowed: dict[str, TypeColumn] = {}
    problems: list[tuple[int, str]] = []
    folded: set[int] = set()

    def current(name: str) -> TypeColumn | None:
        col = narrowed.get(name, columns.get(name))
        return col if isinstance(col, TypeColumn) and not col.unique else None

    if not checks:
        return Folded(narrowed, problems, folded)
    import sqlglot

    for index, sql in enumerate(checks):
        try:
            tree = sqlglot.parse_one(sql, read="duckdb")
        except sqlglot.errors.ParseError:
            continue  # reported by the reference pass
        parts = _conjuncts(tree)
        handled = 0
        for part in parts:
            if _fold_one(table, part, current, narrowed, problems, index):
                handled += 1
        if handled == len(parts):
            folded.add(index)
    return Folded(narrowed, problems, folded)


def _fold_one(
    table: str,
    node: Any,
    current: Any,
    narrowed: dict[str, TypeColumn],
    problems: list[tuple[int, str]],
    index: int,
) -> bool:
    from sqlglot import exp

    if isinstance(node, exp.Between):
        ref = _column(node.this, table)
        lo, hi = _literal(node.args["low"]), _literal(node.args["high"])
        if ref and ref[0] is None and lo is not None and hi is not None:
            return _narrow(ref[1], ">=", lo, current, narrowed, problems, index) and _narrow(
                ref[1], "<=", hi, current, narrowed, problems, index
            )
        return False
    if isinstance(node, exp.In) and not node.args.get("query"):
        ref = _column(node.this, table)
        values = [_literal(v) for v in node.expressions]
        if not ref or ref[0] is not None or any(v is None for v in values):
            return False
        col = current(ref[1])
        if col is None or col.type != "category" or col.values is None:
            return False
        allowed = {str(v) for v in values}
        if isinstance(col.values, dict):
            kept: Any = {k: w for k, w in col.values.items() if str(k) in allowed}
        else:
            kept = [v for v in col.values if str(v) in allowed]
        if not kept or (isinstance(kept, dict) and sum(kept.values()) <= 0):
            problems.append((index, f"can never hold: {ref[1]} takes none of {sorted(allowed)}"))
            return True
        narrowed[ref[1]] = col.model_copy(update={"values": kept})
        return True
    for cls, op in ((exp.GTE, ">="), (exp.GT, ">"), (exp.LTE, "<="), (exp.LT, "<"), (exp.EQ, "=")):
        if isinstance(node, cls):
            left, right = node.left, node.right
            lref, rref = _column(left, table), _column(right, table)
            lval, rval = _literal(left), _literal(right)
            if lref and lref[0] is None and rval is not None:
                return _narrow(lref[1], op, rval, current, narrowed, problems, index)
            if rref and rref[0] is None and lval is not None:
                flipped = {">=": "<=", ">": "<", "<=": ">=", "<": ">", "=": "="}[op]
                return _narrow(rref[1], flipped, lval, current, narrowed, problems, index)
            if lref and rref and lref[0] is None and op in (">=", "<="):
                return _link(lref[1], op, rref, current, narrowed)
            if lref and rref and rref[0] is None and lref[0] is not None and op in (">=", "<="):
                flipped = "<=" if op == ">=" else ">="
                return _link(rref[1], flipped, lref, current, narrowed)
            return False
    return False


def _narrow(
    name: str,
    op: str,
    value: Any,
    current: Any,
    narrowed: dict[str, TypeColumn],
    problems: list[tuple[int, str]],
    index: int,
) -> bool:
    col = current(name)
    if col is None or col.type not in _ORDERED or col.type == "time":
        return False
    bound = _bound_value(col, value)
    if bound is None:
        return False
    if op in (">", "<") and col.type != "int":
        return False  # strict bounds on continuous values: left to the generator's check
    if op == ">":
        bound, op = bound + 1 if isinstance(bound, int) else bound, ">="
    if op == "<":
        bound, op = bound - 1 if isinstance(bound, int) else bound, "<="
    update: dict[str, Any] = {}
    if op in (">=", "=") and (col.min is None or _less(col, col.min, bound)):
        update["min"] = bound
    if op in ("<=", "=") and (col.max is None or _less(col, bound, col.max)):
        update["max"] = bound
    new = col.model_copy(update=update)
    if new.min is not None and new.max is not None and _less(new, new.max, new.min):
        problems.append((index, f"can never hold: {name} is limited to [{col.min}, {col.max}]"))
        return True
    narrowed[name] = new
    return True


def _link(
    name: str, op: str, other: tuple[str | None, str], current: Any, narrowed: dict[str, TypeColumn]
) -> bool:
    col = current(name)
    if col is None or col.type not in _ORDERED:
        return False
    target = other[1] if other[0] is None else f"{other[0]}.{other[1]}"
    side = "after" if op == ">=" else "before"
    existing = getattr(col, side)
    if existing == target:
        return True
    if existing is not None:
        return False
    narrowed[name] = col.model_copy(update={side: target})
    return True
