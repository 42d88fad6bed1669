"""Gold-query hygiene: canonical results, their hash, agreement of two forms, and a linter.

A golden answer is only useful if any correct system can match it, so the
known flaws of gold SQL are refused here rather than found by a puzzled
evaluator later:

- ``limit_without_order``: ``LIMIT`` with no ``ORDER BY`` returns any rows;
- ``limit_through_ties``: the row after the cut ties with the last row kept
  on every ordering key, so another engine may keep the other one;
- ``unordered_compared_in_order``: ``compare: ordered`` over a result with
  no ``ORDER BY`` (its order is the engine's whim);
- ``order_not_total``: ``compare: ordered`` where rows tie on the ordering
  keys, so their relative order is not defined;
- ``null_ordering``: an ``ORDER BY`` key (in a window too) that does not say
  ``NULLS FIRST``/``NULLS LAST``: DuckDB and PostgreSQL put NULLs at
  different ends of a descending order;
- ``number_as_text``: a result cell that is a number written as text
  (compared as a string, ``'10' < '9'``);
- ``empty_result``: nothing to compare against.

The tie checks run a probe: the query itself with its ordering keys added
as output columns (and one row past its ``LIMIT``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

__all__ = ["Finding", "agree", "canonical", "lint", "normalise_rows", "result_hash", "transpile"]

Query = Callable[[str], tuple[list[str], list[tuple[Any, ...]]]]
_NUMBER = re.compile(r"^\s*[-+]?\d+(?:[.,]\d+)?\s*$")
_ENDS_KEYS = {"LIMIT", "OFFSET", "FETCH", "ROWS", "RANGE", "GROUPS", "WINDOW", "UNION", "EXCEPT",
              "INTERSECT", "QUALIFY", "SEMICOLON"}  # fmt: skip


@dataclass(frozen=True)
class Finding:
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.rule}: {self.message}"


def normalise(value: Any) -> Any:
    """A driver's cell as a JSON value: exact decimals as int or float, times as ISO text."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            return None
        exponent = value.as_tuple().exponent
        if isinstance(exponent, int) and exponent >= 0:
            return int(value)
        return float(value)
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).hex()
    return str(value)


def normalise_rows(rows: list[tuple[Any, ...]]) -> list[list[Any]]:
    return [[normalise(v) for v in row] for row in rows]


def _sort_key(row: list[Any]) -> str:
    """Order-free comparison key: numbers rounded so a 0.005 rounding difference sorts alike."""
    return json.dumps(
        [round(v, 1) if isinstance(v, float) else v for v in row], sort_keys=True, default=str
    )


def canonical(rows: list[list[Any]], compare: str) -> list[list[Any]]:
    """The rows as compared and hashed: as returned (ordered) or sorted (unordered)."""
    return list(rows) if compare == "ordered" else sorted(rows, key=_sort_key)


def result_hash(rows: list[list[Any]], compare: str) -> str:
    """sha256 of the canonical rows (floats to 6 decimals), ``sha256:``-prefixed."""
    body = [
        [round(v, 6) if isinstance(v, float) else v for v in row]
        for row in canonical(rows, compare)
    ]
    text = json.dumps(body, separators=(",", ":"), default=str)
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def _close(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=0.0101)
    return bool(a == b)


def agree(a: list[list[Any]], b: list[list[Any]], compare: str) -> bool:
    """Whether two results are the same answer under ``compare`` (rounding tolerated)."""
    if len(a) != len(b):
        return False
    for x, y in zip(canonical(a, compare), canonical(b, compare), strict=True):
        if len(x) != len(y) or not all(_close(p, q) for p, q in zip(x, y, strict=True)):
            return False
    return True


def transpile(sql: str, dialect: str) -> str:
    """Gold SQL (written for DuckDB) in the warehouse's dialect."""
    if dialect == "duckdb":
        return sql.strip()
    import sqlglot

    target = {"postgres": "postgres", "mysql": "mysql", "sqlite": "sqlite"}[dialect]
    tree = sqlglot.parse_one(sql, read="duckdb")
    if target == "sqlite":
        tree = tree.transform(_sqlite_extract)
    return str(tree.sql(dialect=target, pretty=True))


_STRFTIME = {"YEAR": "%Y", "MONTH": "%m", "DAY": "%d", "DOW": "%w", "HOUR": "%H"}


def _sqlite_extract(node: Any) -> Any:
    """``EXTRACT(MONTH FROM x)`` as SQLite says it (``strftime('%m', x)``; sqlglot keeps it)."""
    from sqlglot import exp

    if isinstance(node, exp.Extract):
        fmt = _STRFTIME.get(node.this.name.upper())
        if fmt is not None:
            call = exp.Anonymous(
                this="strftime", expressions=[exp.Literal.string(fmt), node.expression]
            )
            return exp.cast(call, "INTEGER")
    return node


def _null_ordering(sql: str) -> list[Finding]:
    """ORDER BY keys (windows included) that leave NULL placement to the engine."""
    import sqlglot
    from sqlglot.tokens import TokenType

    tokens = sqlglot.tokenize(sql, read="duckdb")
    findings: list[Finding] = []
    i = 0
    while i < len(tokens):
        if tokens[i].token_type != TokenType.ORDER_BY:
            i += 1
            continue
        depth = 0
        key: list[str] = []
        keys: list[list[str]] = []
        i += 1
        while i < len(tokens):
            tok = tokens[i]
            if tok.token_type == TokenType.L_PAREN:
                depth += 1
            elif tok.token_type == TokenType.R_PAREN:
                if depth == 0:
                    break
                depth -= 1
            elif depth == 0 and tok.token_type.name in _ENDS_KEYS:
                break
            if depth == 0 and tok.token_type == TokenType.COMMA:
                keys.append(key)
                key = []
            else:
                key.append(tok.text.upper())
            i += 1
        keys.append(key)
        for key in keys:
            if key and "NULLS" not in key:
                findings.append(
                    Finding(
                        "null_ordering", f"ORDER BY {' '.join(key)} does not say NULLS FIRST/LAST"
                    )
                )
    return findings


def _probe(sql: str) -> tuple[str, list[str | int], int | None] | None:
    """The query with its ordering keys as output columns (one row past any LIMIT).

    Returns (probe SQL, where each key is: an output name or a column index,
    the LIMIT) or None when the query has no top-level ORDER BY.
    """
    import sqlglot
    from sqlglot import exp

    tree = sqlglot.parse_one(sql, read="duckdb")
    order = tree.args.get("order")
    if not isinstance(tree, exp.Select) or order is None:
        return None
    names = [p.alias_or_name for p in tree.expressions]
    probe = tree.copy()
    refs: list[str | int] = []
    for i, ordered in enumerate(order.expressions):
        key = ordered.this
        if isinstance(key, exp.Column) and not key.table and key.name in names:
            refs.append(key.name)
        elif isinstance(key, exp.Literal) and key.is_int:
            refs.append(int(key.name) - 1)
        else:
            probe = probe.select(key.copy().as_(f"__order_key_{i}"), copy=False)
            refs.append(f"__order_key_{i}")
    limit = None
    limit_node = tree.args.get("limit")
    if limit_node is not None:
        value = limit_node.expression
        if isinstance(value, exp.Literal) and value.is_int:
            limit = int(value.name)
            probe = probe.limit(limit + 1, copy=False)
    return probe.sql(dialect="duckdb"), refs, limit


def _has_limit(sql: str) -> tuple[bool, bool]:
    """(top-level LIMIT, top-level ORDER BY) of a query."""
    import sqlglot

    tree = sqlglot.parse_one(sql, read="duckdb")
    return tree.args.get("limit") is not None, tree.args.get("order") is not None


def _keys(
    columns: list[str], rows: list[tuple[Any, ...]], refs: list[str | int]
) -> list[tuple[Any, ...]]:
    index = [r if isinstance(r, int) else columns.index(r) for r in refs]
    return [tuple(normalise(row[i]) for i in index) for row in rows]


def lint(
    sql: str,
    compare: str,
    rows: list[list[Any]],
    run: Query,
    transpile_to: Callable[[str], str] = lambda s: s,
) -> list[Finding]:
    """Every flaw of one gold query (``sql`` in DuckDB's dialect, ``rows`` its result)."""
    findings = _null_ordering(sql)
    has_limit, has_order = _has_limit(sql)
    if has_limit and not has_order:
        findings.append(
            Finding("limit_without_order", "LIMIT without ORDER BY keeps arbitrary rows")
        )
    if compare == "ordered" and not has_order:
        findings.append(
            Finding(
                "unordered_compared_in_order", "compare: ordered, but the query has no ORDER BY"
            )
        )
    probe = _probe(sql) if has_order else None
    if probe is not None:
        probe_sql, refs, limit = probe
        columns, probe_rows = run(transpile_to(probe_sql))
        keys = _keys(columns, probe_rows, refs)
        if limit is not None and len(keys) > limit and keys[limit - 1] == keys[limit]:
            findings.append(
                Finding(
                    "limit_through_ties", f"row {limit + 1} ties with row {limit} on {keys[limit]}"
                )
            )
        if compare == "ordered":
            kept = keys[:limit] if limit is not None else keys
            ties = [k for a, k in itertools.pairwise(kept) if a == k]
            if ties:
                findings.append(
                    Finding("order_not_total", f"rows tie on the ordering keys {ties[0]}")
                )
    for row in rows:
        for value in row:
            if isinstance(value, str) and _NUMBER.match(value):
                findings.append(
                    Finding("number_as_text", f"the value {value!r} is a number as text")
                )
                break
        else:
            continue
        break
    if not rows:
        findings.append(Finding("empty_result", "the query returns no rows"))
    elif all(v is None for row in rows for v in row):
        findings.append(Finding("empty_result", "the query returns only NULLs"))
    return findings
