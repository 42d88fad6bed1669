"""SQL expressions of ``expr:`` columns and ``checks``: parse, resolve, evaluate.

An expression reads this row's columns (``subtotal``) and, through a foreign
key, the referenced row's columns (``customers.signup_at``). Parsing uses
sqlglot (to list references and refuse what is not an expression);
evaluation runs DuckDB over Arrow, one block at a time. Parent rows are
gathered to the block beforehand and passed as one struct column per parent
table, so ``customers.signup_at`` resolves as a struct field: no joins.
sqlglot loads on the first parse and DuckDB on the first evaluation, not with
the engine: together they cost about 0.2 s of start-up that a spec without
expressions never needs.
"""

from __future__ import annotations

import contextlib
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pyarrow as pa

if TYPE_CHECKING:
    import duckdb

__all__ = ["ExprError", "ParsedExpr", "evaluate", "parse_expr", "thread_connection"]

# Functions whose results differ between runs would break determinism.
_VOLATILE = {"random", "rand", "uuid", "gen_random_uuid", "now", "current_timestamp", "setseed"}


class ExprError(ValueError):
    """An expression that does not parse or uses something not allowed."""


@dataclass(frozen=True)
class ParsedExpr:
    """An expression and the columns it reads: (table or None, column)."""

    sql: str
    references: tuple[tuple[str | None, str], ...]


def parse_expr(sql: str) -> ParsedExpr:
    """Parse one SQL scalar expression (DuckDB dialect) and list its column references."""
    import sqlglot
    from sqlglot import exp

    try:
        tree = sqlglot.parse_one(sql, read="duckdb")
    except sqlglot.errors.ParseError as exc:
        first = exc.errors[0]["description"] if exc.errors else str(exc)
        raise ExprError(f"cannot parse SQL expression {sql!r}: {first}") from exc
    if isinstance(tree, exp.Query | exp.DDL | exp.DML):
        raise ExprError(f"expected an expression, got a statement: {sql!r}")
    if tree.find(exp.Subquery, exp.Query) is not None:
        raise ExprError(f"subqueries are not allowed in expressions: {sql!r}")
    # rows are evaluated a block at a time: a window or an aggregate would see one
    # block, not the table, and give a different answer per block size
    window = tree.find(exp.Window)
    if window is not None:
        raise ExprError(
            f"window functions (OVER ...) are not row expressions: {window.sql('duckdb')!r}"
        )
    agg = tree.find(exp.AggFunc)
    if agg is not None:
        raise ExprError(
            f"aggregate functions are not row expressions: {agg.sql('duckdb')!r} "
            "(an expr or check reads one row and its parent rows)"
        )
    for func in tree.find_all(exp.Func):
        name = (func.sql_name() if not isinstance(func, exp.Anonymous) else func.name).lower()
        if name in _VOLATILE:
            raise ExprError(f"{name}() gives different values on every run; not allowed")
    refs: list[tuple[str | None, str]] = []
    for col in tree.find_all(exp.Column):
        ref = (col.table or None, col.name)
        if ref not in refs:
            refs.append(ref)
    return ParsedExpr(sql=sql, references=tuple(refs))


_local = threading.local()


def thread_connection() -> duckdb.DuckDBPyConnection:
    """This thread's in-memory DuckDB connection (connecting costs ~20 ms; one thread each)."""
    con = getattr(_local, "con", None)
    if con is None:
        import duckdb

        con = duckdb.connect(":memory:")
        con.execute("SET threads TO 1")
        _local.con = con
    return con


def evaluate(
    sqls: list[str],
    columns: dict[str, pa.Array],
    parents: dict[str, dict[str, pa.Array]] | None = None,
    rows: int | None = None,
) -> list[pa.Array]:
    """Evaluate expressions over one block.

    Args:
        sqls: SQL expressions to evaluate, each giving one value per row.
        columns: this row's columns (equal lengths).
        parents: per parent table name, its columns gathered to this block's
            rows; referenced as ``table.column``.
        rows: the block's row count, for an expression that reads no column.

    Returns:
        One Arrow array per expression, in order.
    """
    if not sqls:
        return []
    names = list(columns)
    arrays = [columns[n] for n in names]
    for table, cols in (parents or {}).items():
        if table in columns:
            continue
        if cols:
            names.append(table)
            arrays.append(pa.StructArray.from_arrays(list(cols.values()), list(cols)))
    if not arrays:
        if rows is None:
            raise ExprError("nothing to evaluate the expression over")
        names, arrays = ["__row"], [pa.nulls(rows, pa.bool_())]  # a constant, one per row
    frame = pa.table(arrays, names=names)
    import duckdb

    select = ", ".join(f"({sql}) AS e{i}" for i, sql in enumerate(sqls))
    con = thread_connection()
    try:
        con.register("__block", frame)
        result = con.sql(f"SELECT {select} FROM __block").to_arrow_table()
    except duckdb.Error as exc:
        raise ExprError(str(exc).split("\n")[0]) from exc
    finally:
        with contextlib.suppress(duckdb.Error):
            con.unregister("__block")
    if result.num_rows != frame.num_rows:  # an aggregate or a set-returning function
        raise ExprError(
            f"{', '.join(sqls)} gives {result.num_rows} values for {frame.num_rows} rows: "
            "aggregate and set-returning functions are not row expressions"
        )
    return [result.column(i).combine_chunks() for i in range(len(sqls))]
