"""Rules that read more than one column: keys, per-parent counts, order, expressions, checks.

Parent values are gathered to child rows through :class:`Context` (hash
lookup + take), and SQL is evaluated with the engine's own evaluator, so a
``check`` means the same thing here as when generating. As in SQL CHECK
constraints, a check that gives NULL passes; only FALSE is a violation.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..engine.expressions import ExprError, evaluate, parse_expr
from ..spec import ExprColumn, RefColumn, TypeColumn
from ._bounds import BoundError, duration
from ._cast import CastError, cast_array
from ._context import Context, LinkError
from ._finding import MAX_EXAMPLES, Finding, from_mask, render
from ._types import family, is_numeric

FLOAT_TOLERANCE = 1e-9


def foreign_key(ctx: Context, table: str, name: str, col: RefColumn) -> list[Finding]:
    """Non-null key values that no parent row holds."""
    where = f"tables.{table}.columns.{name}"
    try:
        index = ctx.link(table, name)
    except LinkError as exc:
        return [Finding(where, "foreign_key", f"cannot check: {exc}", 0)]
    values = ctx.column(table, name)
    orphans = pc.and_(pc.is_valid(values), pc.is_null(index))
    found = from_mask(where, "foreign_key", f"values not found in {col.ref}", orphans, values)
    return [found] if found else []


def distinct(ctx: Context, table: str, name: str, col: RefColumn) -> list[Finding]:
    """``distinct_from``: rows whose two refs hold the same parent key."""
    assert col.distinct_from is not None
    if not ctx.has(table, col.distinct_from):
        return []  # reported as a missing column
    values, other = ctx.column(table, name), ctx.column(table, col.distinct_from)
    same = pc.fill_null(pc.equal(values, other), False)
    where = f"tables.{table}.columns.{name}.distinct_from"
    found = from_mask(
        where, "distinct_from", f"the same {col.ref} as {col.distinct_from}", same, values
    )
    return [found] if found else []


def per_parent(ctx: Context, table: str) -> list[Finding]:
    """Children per parent row within [min, max]; a parent without children counts 0."""
    rule = ctx.spec.tables[table].per_parent
    if rule is None or rule.table not in ctx.tables:
        return []
    where = f"tables.{table}.per_parent"
    try:
        link = ctx.ref_to(table, rule.table)
        index = ctx.link(table, link)
    except LinkError as exc:
        return [Finding(where, "per_parent", f"cannot check: {exc}", 0)]
    parents = ctx.tables[rule.table].num_rows
    positions = index.drop_null().to_numpy(zero_copy_only=False).astype(np.int64)
    counts = np.bincount(positions, minlength=parents)
    bad = counts < rule.min
    if rule.max is not None:
        bad |= counts > rule.max
    total = int(bad.sum())
    if total == 0:
        return []
    col = ctx.spec.tables[table].columns[link]
    assert isinstance(col, RefColumn)
    key = col.ref.split(".", 1)[1]
    keys = ctx.column(rule.table, key)
    first = np.flatnonzero(bad)[:MAX_EXAMPLES]
    examples = tuple(f"{key}={render(keys[int(i)].as_py())}: {counts[i]}" for i in first)
    limits = f"{rule.min}..{'' if rule.max is None else rule.max}"
    message = f"{rule.table} rows with a number of {table} rows outside {limits}"
    return [Finding(where, "per_parent", message, total, examples)]


def order(ctx: Context, table: str, name: str, col: TypeColumn) -> list[Finding]:
    """``after: X`` means value >= X (and <= X + within); ``before`` the mirror image."""
    where = f"tables.{table}.columns.{name}"
    findings: list[Finding] = []
    for rule, other in (("after", col.after), ("before", col.before)):
        if other is None:
            continue
        try:
            value, mark = _comparable(ctx.column(table, name), ctx.operand(table, other))
            early = (pc.less if rule == "after" else pc.greater)(value, mark)
            far = None
            if col.within is not None:
                span = _span(duration(col.within), mark.type)
                if pa.types.is_time(mark.type):  # a window may pass midnight: count microseconds
                    value, mark = value.cast(pa.int64()), mark.cast(pa.int64())
                    span = pa.scalar(int(duration(col.within).total_seconds() * 1_000_000))
                bound = pc.add(mark, span) if rule == "after" else pc.subtract(mark, span)
                far = (pc.greater if rule == "after" else pc.less)(value, bound)
        except (LinkError, BoundError, pa.ArrowException) as exc:
            findings.append(Finding(where, rule, f"cannot check against {other}: {exc}", 0))
            continue
        word = "before" if rule == "after" else "after"
        found = from_mask(where, rule, f"values {word} {other}", early, None)
        findings += [found] if found else []
        if far is not None:
            message = f"values more than {col.within} {rule} {other}"
            found = from_mask(where, "within", message, far, None)
            findings += [found] if found else []
    return findings


def expression(ctx: Context, table: str, name: str, col: ExprColumn) -> list[Finding]:
    """Stored values equal to the expression recomputed over the stored inputs."""
    where = f"tables.{table}.columns.{name}"
    try:
        parsed = parse_expr(col.expr)
        columns, parents = ctx.scope(table, parsed.references)
        (expected,) = evaluate([col.expr], columns, parents)
    except (ExprError, LinkError) as exc:
        return [Finding(where, "expr", f"cannot evaluate {col.expr!r}: {exc}", 0)]
    actual = ctx.column(table, name)
    mask = _mismatch(actual, expected)
    found = from_mask(where, "expr", f"values differ from {col.expr!r}", mask, None)
    if found is None:
        return []
    rows = pc.indices_nonzero(pc.fill_null(mask, False)).slice(0, MAX_EXAMPLES).to_pylist()
    examples = tuple(
        f"row {r}: {render(actual[r].as_py())} != {render(expected[r].as_py())}" for r in rows
    )
    return [Finding(where, "expr", found.message, found.count, examples)]


def checks(ctx: Context, table: str) -> list[Finding]:
    """Rows where a check is FALSE (NULL passes, as in SQL CHECK constraints)."""
    findings: list[Finding] = []
    for number, sql in enumerate(ctx.spec.tables[table].checks):
        where = f"tables.{table}.checks[{number}]"
        try:
            parsed = parse_expr(sql)
            columns, parents = ctx.scope(table, parsed.references)
            (result,) = evaluate([sql], columns, parents)
            if not pa.types.is_boolean(result.type):
                raise ExprError(f"gives {result.type}, not a boolean")
        except (ExprError, LinkError) as exc:
            findings.append(Finding(where, "check", f"cannot evaluate {sql!r}: {exc}", 0))
            continue
        failed = pc.equal(result, False)
        found = from_mask(where, "check", f"rows where {sql!r} is false", failed, None)
        findings += [found] if found else []
    return findings


def _comparable(value: pa.Array, mark: pa.Array) -> tuple[pa.Array, pa.Array]:
    """Both sides in one type: timestamps (dates widened), times, or numbers."""
    kinds = {family(value.type), family(mark.type)}
    if kinds <= {"timestamp", "date"}:
        return _naive(value), _naive(mark)
    if is_numeric(value.type) and is_numeric(mark.type):
        if value.type == mark.type:
            return value, mark
        return value.cast(pa.float64()), mark.cast(pa.float64())
    if "string" in kinds and kinds & {"timestamp", "date"}:
        return _naive(cast_array(value, pa.timestamp("us"))), _naive(
            cast_array(mark, pa.timestamp("us"))
        )
    return value, cast_array(mark, value.type)


def _naive(values: pa.Array) -> pa.Array:
    """Dates and timestamps of any unit or zone as naive UTC microseconds."""
    return values.cast(pa.timestamp("us"))


def _span(delta: object, dtype: pa.DataType) -> pa.Scalar:
    """``within`` in the operands' unit: a duration for temporal values, seconds for numbers."""
    if is_numeric(dtype):
        return pa.scalar(delta.total_seconds())  # type: ignore[attr-defined]
    return pa.scalar(delta, pa.duration("us"))


def _mismatch(actual: pa.Array, expected: pa.Array) -> pa.Array:
    """True where the stored value is not the recomputed one (floats: 1e-9 relative)."""
    both_null = pc.and_(pc.is_null(actual), pc.is_null(expected))
    numeric = is_numeric(actual.type) and is_numeric(expected.type)
    if numeric and "float" in {family(actual.type), family(expected.type)}:
        a, e = actual.cast(pa.float64()), expected.cast(pa.float64())
        scale = pc.max_element_wise(pc.abs(a), pc.abs(e))
        close = pc.or_(
            pc.less_equal(pc.abs(pc.subtract(a, e)), pc.multiply(scale, FLOAT_TOLERANCE)),
            pc.or_(pc.equal(a, e), pc.and_(pc.is_nan(a), pc.is_nan(e))),
        )
    elif numeric:
        close = pc.equal(actual, expected)
    elif pa.types.is_interval(actual.type) and actual.type == expected.type:
        # no kernel compares intervals: their fixed 16-byte cells compare as bytes
        close = pc.equal(actual.view(pa.binary(16)), expected.view(pa.binary(16)))
    else:
        try:
            close = pc.equal(actual, cast_array(expected, actual.type))
        except CastError:
            close = pc.equal(actual.cast(pa.string()), expected.cast(pa.string()))
    return pc.invert(pc.or_(pc.fill_null(close, False), both_null))
