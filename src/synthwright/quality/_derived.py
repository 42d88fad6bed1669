"""Types of ``expr`` columns read from text: the type their SQL gives.

A CSV or JSON file says ``8.0`` for a tax that was DECIMAL(18, 2) when it was
made; read as a float, ``total = subtotal + tax`` would then compare floats
exactly and fail for rounding alone. The expression itself says what type
its values have: evaluating it over zero rows of the typed inputs gives that
type without computing anything, and the text is cast to it.
"""

from __future__ import annotations

import pyarrow as pa

from ..engine.expressions import ExprError, evaluate, parse_expr
from ..spec import ExprColumn, Spec
from ._cast import CastError, cast_array
from ._context import Context, LinkError


def type_derived(spec: Spec, tables: dict[str, pa.Table], untyped: set[str]) -> None:
    """Cast, in place, the expr columns of the ``untyped`` tables to their SQL types.

    Expressions may read other expressions (``total = subtotal + tax``), so
    columns are settled in rounds until none is left or no round helps; a
    column whose expression cannot be evaluated keeps its inferred type.
    """
    pending = [
        (table, name, col.expr)
        for table in untyped
        for name, col in spec.tables[table].columns.items()
        if isinstance(col, ExprColumn) and name in tables[table].column_names
    ]
    waiting = {(table, name) for table, name, _ in pending}
    while pending:
        left = []
        for table, name, sql in pending:
            try:
                refs = parse_expr(sql).references
            except ExprError:
                waiting.discard((table, name))
                continue
            if any(((owner or table), column) in waiting for owner, column in refs):
                left.append((table, name, sql))
                continue
            _settle(spec, tables, table, name, sql, refs)
            waiting.discard((table, name))
        if len(left) == len(pending):
            break
        pending = left


def _settle(
    spec: Spec,
    tables: dict[str, pa.Table],
    table: str,
    name: str,
    sql: str,
    refs: tuple[tuple[str | None, str], ...],
) -> None:
    empty = Context({t: data.slice(0, 0) for t, data in tables.items()}, spec)
    try:
        columns, parents = empty.scope(table, refs)
        (typed,) = evaluate([sql], columns, parents)
    except (ExprError, LinkError, pa.ArrowException):
        return
    data = tables[table]
    index = data.column_names.index(name)
    try:
        values = cast_array(data.column(index), typed.type)
    except CastError:
        return
    tables[table] = data.set_column(index, name, values)
