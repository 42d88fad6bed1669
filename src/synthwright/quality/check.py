"""Check data against every rule of its spec, however the data was made.

Generated data must meet every rule by construction (SPEC.md section 1);
this module is the independent witness: it reads nothing of the engine but
the SQL evaluator, and judges tables from memory or from files
(:func:`~synthwright.quality.read.read_tables`). All rules are vectorised
(Arrow compute, DuckDB), so millions of rows take seconds.

Decisions the engine mirrors:

- ``max: "2024-12-31"`` on a datetime column allows the whole last day (up
  to ``23:59:59.999999``); a date-only ``min`` is midnight.
- A ``pattern`` without regex metacharacters is a template: ``#`` a digit,
  ``?`` an uppercase letter, anything else literal; otherwise it is a regex.
  Both ``pattern`` and ``regex`` must match the whole value.
- A check that evaluates to NULL passes; ``table.column`` in a rule is this
  row when ``table`` is this table, else the parent row reached through this
  table's first ref column to that table.
- ``per_parent`` counts every child row, scenario rows included.
- Scenario ``set`` values are allowed: a literal exempts rows holding that
  value from the column's value rules; an override map widens min/max/values.

Example:
    >>> import pyarrow as pa
    >>> from synthwright.spec import spec_from_data
    >>> spec = spec_from_data({"tables": {"t": {"rows": 2, "columns": {
    ...     "id": {"type": "id"}, "n": {"type": "int", "max": 5}}}}})
    >>> [f.rule for f in check_tables({"t": pa.table({"id": [1, 2], "n": [1, 9]})}, spec)]
    ['max']
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import pyarrow as pa

from ..spec import SCENARIO_COLUMN, ExprColumn, RefColumn, Spec, TypeColumn
from ._columns import Relaxation, column_findings, duplicates, relaxations
from ._context import Context
from ._defects import labelled_defects, split_defects
from ._finding import Finding
from ._relations import checks, distinct, expression, foreign_key, order, per_parent

__all__ = ["Finding", "check_tables", "labelled_defects"]

ALLOWED_EXTRA_COLUMNS = frozenset({SCENARIO_COLUMN})


def check_tables(tables: dict[str, pa.Table], spec: Spec) -> list[Finding]:
    """Every broken rule of ``spec`` in ``tables``; empty when all rules hold.

    Findings come table by table in spec order: presence, column rules,
    composite uniqueness, foreign keys, per-parent counts, after/before,
    expressions, checks. A rule that cannot be evaluated (a bad expression,
    a missing parent) is a finding with ``count`` 0, never an exception.
    """
    per_table: dict[str, list[Finding]] = {name: [] for name in spec.tables}
    present: dict[str, pa.Table] = {}
    for name in spec.tables:
        if name in tables:
            present[name] = tables[name]
        else:
            per_table[name].append(Finding(f"tables.{name}", "missing", "table not in the data", 0))
    # rows labelled by `quality:` are defects, not violations (see _defects.py)
    split = split_defects(present, spec)
    ctx = Context(split.clean, spec)
    linked = Context(split.linked, spec) if split.defects else ctx
    for name in present:
        per_table[name] += _own_rules(ctx, name)
    for name in present:
        per_table[name] += _cross_rules(ctx, name, linked)
    return [finding for name in spec.tables for finding in per_table[name]]


def _own_rules(ctx: Context, table: str) -> list[Finding]:
    """Presence and single-column rules; typed columns in ``ctx`` are replaced by cast ones."""
    spec = ctx.spec.tables[table]
    names = ctx.tables[table].column_names
    findings = [
        Finding(f"tables.{table}", "extra", f"column {column!r} is not in the spec", 0)
        for column in names
        if column not in spec.columns and column not in ALLOWED_EXTRA_COLUMNS
    ]
    relax = relaxations(ctx.spec, table)
    casts: dict[str, pa.ChunkedArray | pa.Array] = {}
    for name, col in spec.columns.items():
        where = f"tables.{table}.columns.{name}"
        if name not in names:
            findings.append(Finding(where, "missing", "column not in the data", 0))
        elif not isinstance(col, ExprColumn):
            rules = partial(_typed, ctx, table, name, relax.get(name, Relaxation()), casts)
            findings += _guard(where, "type", rules)
    if casts:  # one new table, not one per column: set_column copies every column each time
        data = ctx.tables[table]
        arrays = [casts.get(n, data.column(n)) for n in data.column_names]
        ctx.tables[table] = pa.Table.from_arrays(arrays, names=data.column_names)
    for columns in spec.unique_sets():
        if all(c in names for c in columns):
            found = duplicates(f"tables.{table}.unique", "unique", ctx.tables[table], columns)
            findings += [found] if found else []
    return findings


def _typed(
    ctx: Context,
    table: str,
    name: str,
    relax: Relaxation,
    casts: dict[str, pa.ChunkedArray | pa.Array],
) -> list[Finding]:
    """Column rules of one typed or ref column; keeps its cast values for later rules."""
    findings, casts[name] = column_findings(ctx.spec, table, name, ctx.column(table, name), relax)
    return findings


def _cross_rules(ctx: Context, table: str, linked: Context) -> list[Finding]:
    """Rules over several columns or tables, once every table holds cast values.

    Keys and child counts are judged on ``linked`` (labelled rows but duplicates).
    """
    spec = ctx.spec.tables[table]
    names = ctx.tables[table].column_names
    findings: list[Finding] = []
    for name, col in spec.columns.items():
        where = f"tables.{table}.columns.{name}"
        if name not in names:
            continue
        if isinstance(col, RefColumn):
            findings += _guard(where, "foreign_key", partial(foreign_key, linked, table, name, col))
            if col.distinct_from:
                findings += _guard(where, "distinct_from", partial(distinct, ctx, table, name, col))
        elif isinstance(col, TypeColumn) and (col.after or col.before):
            findings += _guard(where, "after", partial(order, ctx, table, name, col))
    findings += _guard(
        f"tables.{table}.per_parent", "per_parent", partial(per_parent, linked, table)
    )
    for name, col in spec.columns.items():
        if isinstance(col, ExprColumn) and name in names:
            where = f"tables.{table}.columns.{name}"
            findings += _guard(where, "expr", partial(expression, ctx, table, name, col))
    findings += _guard(f"tables.{table}.checks", "check", partial(checks, ctx, table))
    return findings


def _guard(where: str, rule: str, run: Callable[[], list[Finding]]) -> list[Finding]:
    """Run a rule; an Arrow error (odd data types) becomes a finding, not a traceback."""
    try:
        return run()
    except (pa.ArrowException, ValueError, TypeError) as exc:
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return [Finding(where, rule, f"cannot check: {detail}", 0)]
