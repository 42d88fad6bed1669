"""Rules about one column's own values: type, nulls, bounds, values, text shape, uniqueness.

Every rule is one or two Arrow compute kernels over the whole column, so a
column of millions of rows is checked in well under a second. Scenario rows
may carry values outside the column's normal rules (``set: {status:
refunded}``, ``subtotal: {min: 1000}``): a literal in a scenario exempts
rows holding exactly that value, an override map widens the bounds and
values, so the checker accepts what a scenario asked for and nothing more.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc

from ..spec import Override, RefColumn, Spec, TypeColumn
from ._bounds import BoundError, bound_scalar
from ._cast import CastError, cast_array
from ._finding import Finding, from_mask, render
from ._types import column_type, family, is_numeric, is_temporal

_REGEX_META = frozenset("\\.^$*+{}[]()|")


def pattern_regex(pattern: str) -> str:
    """The regex a ``pattern`` stands for.

    A pattern made only of literal characters, ``#`` (a digit) and ``?`` (an
    uppercase letter) is that template (``ORD-#####``, ``??-###``); a pattern
    with any regex metacharacter (``\\ . ^ $ * + { } [ ] ( ) |``) is a regex.
    """
    if any(ch in _REGEX_META for ch in pattern):
        return pattern
    return "".join("[0-9]" if ch == "#" else "[A-Z]" if ch == "?" else ch for ch in pattern)


@dataclass
class Relaxation:
    """What the table's scenarios allow a column beyond its own rules."""

    literals: list[object] = field(default_factory=list)
    overrides: list[Override] = field(default_factory=list)
    nulls: bool = False


def relaxations(spec: Spec, table: str) -> dict[str, Relaxation]:
    out: dict[str, Relaxation] = {}
    for scenario in spec.scenarios.get(table, []):
        for column, value in scenario.set.items():
            relax = out.setdefault(column, Relaxation())
            if value is None:
                relax.nulls = True
            elif isinstance(value, Override):
                relax.overrides.append(value)
                relax.nulls = relax.nulls or bool(value.null_rate)
            else:
                relax.literals.append(value)
    return out


def column_findings(
    spec: Spec, table: str, name: str, values: pa.Array, relax: Relaxation
) -> tuple[list[Finding], pa.Array]:
    """Findings of a typed or ref column, and the values cast to the spec's type."""
    table_spec = spec.tables[table]
    col = table_spec.columns[name]
    assert isinstance(col, TypeColumn | RefColumn)
    where = f"tables.{table}.columns.{name}"
    expected = column_type(spec, table_spec, name)
    if expected is not None and family(values.type) != family(expected):
        try:
            values = cast_array(values, expected)
        except CastError:
            valid = pc.is_valid(values)
            message = f"values are {values.type}, expected {expected}"
            found = from_mask(where, "type", message, valid, values.cast(pa.string()))
            return ([found] if found else []), values
    findings: list[Finding] = []
    nullable = (col.null_rate > 0 or relax.nulls) and not _is_id(col)
    if not nullable:
        findings += _some(from_mask(where, "not_null", "null values", pc.is_null(values), None))
    if isinstance(col, TypeColumn):
        exempt = _exempt(values, relax)
        findings += _bounds(where, col, values, relax, exempt)
        findings += _values(where, col, values, relax, exempt)
        findings += _text(where, col, values, exempt)
        findings += _scale(where, col, values)
        findings += _precision(where, col, values)
    if col.unique or _is_id(col):
        findings += _some(duplicates(where, "unique", pa.table({name: values}), [name]))
    return findings, values


def duplicates(where: str, rule: str, table: pa.Table, columns: list[str]) -> Finding | None:
    """Rows repeating an earlier row's values in ``columns``; rows with a null are ignored."""
    subset = table.select(columns)
    valid = pc.is_valid(subset.column(0))
    for index in range(1, len(columns)):
        valid = pc.and_(valid, pc.is_valid(subset.column(index)))
    subset = subset.filter(valid)
    groups = subset.group_by(columns, use_threads=False).aggregate([([], "count_all")])
    repeated = groups.filter(pc.greater(groups.column("count_all"), 1))
    if repeated.num_rows == 0:
        return None
    extra = pc.sum(pc.subtract(repeated.column("count_all"), 1)).as_py()
    shown = repeated.slice(0, 3).to_pylist()
    examples = tuple(
        render(row[columns[0]])
        if len(columns) == 1
        else "(" + ", ".join(render(row[c]) for c in columns) + ")"
        for row in shown
    )
    label = columns[0] if len(columns) == 1 else "(" + ", ".join(columns) + ")"
    return Finding(where, rule, f"repeated values of {label}", int(extra), examples)


def _is_id(col: TypeColumn | RefColumn) -> bool:
    return isinstance(col, TypeColumn) and col.type == "id"


def _some(found: Finding | None) -> list[Finding]:
    return [found] if found is not None else []


def _exempt(values: pa.Array, relax: Relaxation) -> pa.Array | None:
    """Rows holding a scenario literal (exempt from the column's value rules)."""
    if not relax.literals:
        return None
    try:
        literal = cast_array(pa.array([str(v) for v in relax.literals]), values.type)
    except CastError:
        return None
    return pc.is_in(values, value_set=literal)


def _keep(mask: pa.Array, exempt: pa.Array | None) -> pa.Array:
    return mask if exempt is None else pc.and_kleene(mask, pc.invert(exempt))


def _bounds(
    where: str, col: TypeColumn, values: pa.Array, relax: Relaxation, exempt: pa.Array | None
) -> list[Finding]:
    low = _widest([col.min] + [o.min for o in relax.overrides], lower=True)
    high = _widest([col.max] + [o.max for o in relax.overrides], lower=False)
    if low is None and high is None:
        return []
    comparable = values
    if family(values.type) == "string" and col.format and col.type in ("date", "datetime"):
        comparable = pc.strptime(values, format=col.format, unit="us", error_is_null=True)
        if col.type == "date":
            comparable = comparable.cast(pa.date32())
    if not (is_numeric(comparable.type) or is_temporal(comparable.type)):
        return []
    findings: list[Finding] = []
    for bound, rule, op in ((low, "min", pc.less), (high, "max", pc.greater)):
        if bound is None:
            continue
        try:
            scalar = bound_scalar(bound, comparable.type, upper=rule == "max")
        except BoundError as exc:
            findings.append(Finding(where, rule, str(exc), 0, ()))
            continue
        if comparable is not values:  # formatted text: the bound as that format shows it
            scalar = _as_formatted(scalar, col.format or "", comparable.type)
        word = "below" if rule == "min" else "above"
        mask = _keep(op(comparable, scalar), exempt)
        findings += _some(from_mask(where, rule, f"values {word} {bound}", mask, values))
    return findings


def _as_formatted(scalar: pa.Scalar, fmt: str, dtype: pa.DataType) -> pa.Scalar:
    """A bound truncated the way the format truncates values (``%Y-%m-%d`` drops the time),
    so a value written after ``min: 2024-06-30T12:00`` on that day still meets it."""
    moment = pa.array([scalar.as_py()], scalar.type).cast(pa.timestamp("us"))
    shown = pc.strftime(moment, format=fmt)
    back = pc.strptime(shown, format=fmt, unit="us", error_is_null=True)
    if back[0].is_valid:
        return back.cast(dtype)[0]
    return scalar


def _widest(bounds: list[int | float | str | None], *, lower: bool) -> int | float | str | None:
    """The loosest of the column's bound and scenario bounds (None: no bound at all)."""
    if bounds[0] is None:
        return None
    present = [b for b in bounds if b is not None]
    try:
        return min(present) if lower else max(present)  # type: ignore[type-var]
    except TypeError:
        return bounds[0]


def _values(
    where: str, col: TypeColumn, values: pa.Array, relax: Relaxation, exempt: pa.Array | None
) -> list[Finding]:
    if col.values is None:
        return []
    allowed: list[object] = list(col.values)
    for override in relax.overrides:
        if override.values is not None:
            allowed += list(override.values)
    try:
        value_set = cast_array(pa.array([str(v) for v in allowed]), values.type)
    except CastError as exc:
        return [Finding(where, "values", f"values do not fit {values.type}: {exc}", 0, ())]
    outside = pc.and_kleene(pc.is_valid(values), pc.invert(pc.is_in(values, value_set=value_set)))
    return _some(
        from_mask(where, "values", "values not in the list", _keep(outside, exempt), values)
    )


def _text(where: str, col: TypeColumn, values: pa.Array, exempt: pa.Array | None) -> list[Finding]:
    rules = [
        (rule, text) for rule, text in (("pattern", col.pattern), ("regex", col.regex)) if text
    ]
    if not rules and col.min_length is None and col.max_length is None:
        return []
    text_values = values if family(values.type) == "string" else values.cast(pa.string())
    findings: list[Finding] = []
    for rule, text in rules:
        regex = pattern_regex(text) if rule == "pattern" else text
        try:
            matches = pc.match_substring_regex(text_values, f"^(?:{regex})$")
        except CastError as exc:
            message = f"cannot check {rule} {text!r}: {str(exc).splitlines()[0]}"
            findings.append(Finding(where, rule, message, 0, ()))
            continue
        mask = _keep(pc.invert(matches), exempt)
        findings += _some(from_mask(where, rule, f"values not matching {text!r}", mask, values))
    length = pc.utf8_length(text_values)
    for limit, rule, op in (
        (col.min_length, "min_length", pc.less),
        (col.max_length, "max_length", pc.greater),
    ):
        if limit is not None:
            mask = _keep(op(length, limit), exempt)
            word = "shorter" if rule == "min_length" else "longer"
            findings += _some(from_mask(where, rule, f"{word} than {limit}", mask, values))
    return findings


def _scale(where: str, col: TypeColumn, values: pa.Array) -> list[Finding]:
    if col.scale is None:
        return []
    kind = family(values.type)
    if kind == "decimal":
        if values.type.scale <= col.scale:
            return []
        mask = pc.not_equal(values, pc.round(values, col.scale))
    elif kind == "float":
        diff = pc.abs(pc.subtract(values, pc.round(values, col.scale)))
        mask = pc.greater(diff, pc.multiply(pc.max_element_wise(pc.abs(values), 1.0), 1e-9))
    else:
        return []
    message = f"more than {col.scale} decimal places"
    return _some(from_mask(where, "scale", message, mask, values))


def _precision(where: str, col: TypeColumn, values: pa.Array) -> list[Finding]:
    """Decimals with more digits than ``precision`` allows (``scale`` of them after the point)."""
    if col.type != "decimal" or col.precision is None or not is_numeric(values.type):
        return []
    scale = 2 if col.scale is None else col.scale
    whole = col.precision - scale
    limit = 10.0**whole - 0.5 * 10.0**-scale  # the largest value that rounds into the digits
    mask = pc.greater(pc.abs(values.cast(pa.float64())), limit)
    message = f"more than {whole} digits before the point (precision {col.precision})"
    return _some(from_mask(where, "precision", message, mask, values))
