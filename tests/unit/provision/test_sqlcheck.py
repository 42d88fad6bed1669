"""The gold-query linter catches each known flaw; results hash and compare canonically."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import duckdb
import pytest

from synthwright.provision.sqlcheck import agree, lint, normalise_rows, result_hash, transpile


@pytest.fixture(scope="module")
def con() -> Any:
    c = duckdb.connect()
    c.execute("CREATE TABLE t (name VARCHAR, n INTEGER, score DOUBLE)")
    c.execute("INSERT INTO t VALUES ('a', 3, 1.5), ('b', 3, NULL), ('c', 1, 2.0), ('d', 2, 2.0)")
    return c


def _lint(con: Any, sql: str, compare: str = "unordered") -> set[str]:
    def run(q: str) -> tuple[list[str], list[tuple[Any, ...]]]:
        cur = con.execute(q)
        return [d[0] for d in cur.description], cur.fetchall()

    _, rows = run(sql)
    return {f.rule for f in lint(sql, compare, normalise_rows(rows), run)}


@pytest.mark.parametrize(
    ("sql", "compare", "flaws"),
    [
        (
            "SELECT name FROM t ORDER BY n DESC NULLS LAST LIMIT 1",
            "unordered",
            {"limit_through_ties"},
        ),
        (
            "SELECT name FROM t ORDER BY n DESC NULLS LAST, name ASC NULLS LAST LIMIT 1",
            "unordered",
            set(),
        ),
        ("SELECT name FROM t LIMIT 2", "unordered", {"limit_without_order"}),
        ("SELECT name, n FROM t", "ordered", {"unordered_compared_in_order"}),
        ("SELECT name, n FROM t ORDER BY n ASC NULLS LAST", "ordered", {"order_not_total"}),
        (
            "SELECT name FROM t ORDER BY score DESC, name ASC NULLS LAST",
            "ordered",
            {"null_ordering"},
        ),
        ("SELECT name, RANK() OVER (ORDER BY n DESC) AS r FROM t", "unordered", {"null_ordering"}),
        ("SELECT CAST(COUNT(*) AS VARCHAR) AS n FROM t", "unordered", {"number_as_text"}),
        ("SELECT name FROM t WHERE n > 10", "unordered", {"empty_result"}),
        ("SELECT name FROM t ORDER BY 1 ASC NULLS FIRST", "ordered", set()),
        ("SELECT name FROM t WHERE n = (SELECT MAX(n) FROM t)", "unordered", set()),
    ],
)
def test_each_flaw_is_found(con: Any, sql: str, compare: str, flaws: set[str]) -> None:
    assert _lint(con, sql, compare) == flaws


def test_normalised_results_hash_and_agree() -> None:
    rows = normalise_rows([(Decimal("12"), Decimal("1.50"), "x"), (Decimal("3"), None, "y")])
    assert rows == [[12, 1.5, "x"], [3, None, "y"]]
    assert result_hash(rows, "unordered") == result_hash(rows[::-1], "unordered")
    assert result_hash(rows, "ordered") != result_hash(rows[::-1], "ordered")
    assert agree([[1, 10.005]], [[1, 10.01]], "unordered")  # a rounding apart
    assert not agree([[1, 10.5]], [[1, 10.0]], "unordered")
    assert not agree(rows, rows[::-1], "ordered") and agree(rows, rows[::-1], "unordered")


def test_gold_sql_transpiles_for_other_warehouses() -> None:
    sql = "SELECT CAST(EXTRACT(MONTH FROM t) AS INTEGER) AS m FROM x ORDER BY m DESC NULLS LAST"
    assert "NULLS LAST" in transpile(sql, "postgres")
    assert transpile(sql, "duckdb") == sql
