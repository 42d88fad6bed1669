"""CHECK constraints as the database prints them -> checks in the spec's SQL.

PostgreSQL prints ``(price >= (0)::numeric)`` and ``status::text = ANY
(ARRAY['a'::character varying, ...])``; MySQL adds backticks and charset
introducers; SQLite and DuckDB print what was written. sqlglot parses each in
its own dialect; casts, introducers and ``= ANY (ARRAY[...])`` are rewritten
to the plain forms (``price >= 0``, ``status IN ('a', ...)``) that the
engine folds into column constraints, and the result is printed as DuckDB
SQL over bare column names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import sqlglot
from sqlglot import exp

__all__ = ["ParsedCheck", "parse_check"]

_SIMPLE_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")
_WORDS = (
    "select from where and or not in is null true false between like case when then else end "
    "order group by limit all any some as on table check default"
)
_RESERVED = frozenset(_WORDS.split())


@dataclass
class ParsedCheck:
    """A check rewritten for the spec.

    Attributes:
        tree: the rewritten expression (sqlglot), None when it cannot be used.
        columns: the column names it reads.
        reason: why it cannot be used (when ``tree`` is None).
        in_list: ``(column, values)`` when the check is ``column IN (literals)``.
        json_column: the column of a ``json_valid(column)`` check (MariaDB's JSON).
    """

    tree: exp.Expression | None
    columns: list[str] = field(default_factory=list)
    reason: str = ""
    in_list: tuple[str, list[str]] | None = None
    json_column: str | None = None

    @property
    def sql(self) -> str:
        return self.tree.sql(dialect="duckdb") if self.tree is not None else ""


def _strip(node: exp.Expression) -> exp.Expression:
    """Remove casts, introducers and parentheses around single values and arrays."""
    if isinstance(node, exp.Cast | exp.TryCast):
        return _strip(node.this)
    if isinstance(node, exp.Introducer):
        return _strip(node.expression)
    if isinstance(node, exp.Paren):
        inner = _strip(node.this)
        if isinstance(inner, exp.Column | exp.Literal | exp.Array):
            return inner
    return node


def _rewrite(node: exp.Expression) -> exp.Expression:
    if isinstance(node, exp.Cast | exp.TryCast | exp.Introducer):
        return _strip(node)
    if isinstance(node, exp.EQ) and isinstance(node.expression, exp.Any):
        inner = _strip(node.expression.this)
        if isinstance(inner, exp.Array):
            values = [_strip(v) for v in inner.expressions]
            return exp.In(this=_strip(node.this), expressions=values)
    if isinstance(node, exp.Identifier) and node.quoted:
        name = node.this
        if _SIMPLE_NAME.match(name) and name not in _RESERVED:
            return exp.Identifier(this=name, quoted=False)
    return node


def parse_check(sql: str, dialect: str, columns: set[str]) -> ParsedCheck:
    """Parse a database's CHECK text into a spec check over `columns`."""
    text = sql.strip()
    if text.upper().startswith("CHECK"):
        text = text[5:].strip()
    try:
        tree = sqlglot.parse_one(text, read=dialect)
    except (sqlglot.errors.ParseError, sqlglot.errors.TokenError) as exc:
        return ParsedCheck(None, reason=f"cannot parse it ({str(exc).splitlines()[0]})")
    tree = tree.transform(_rewrite)
    while isinstance(tree, exp.Paren):
        tree = tree.this
    if tree.find(exp.Select, exp.Subquery) is not None:
        return ParsedCheck(None, reason="it contains a subquery")
    used: list[str] = []
    for col in tree.find_all(exp.Column):
        if col.name not in columns:
            return ParsedCheck(None, reason=f"it reads {col.sql()!r}, which is not a column here")
        if col.name not in used:
            used.append(col.name)
    if not used:
        return ParsedCheck(None, reason="it reads no column")
    parsed = ParsedCheck(tree, used)
    if isinstance(tree, exp.Anonymous) and str(tree.this).lower() == "json_valid":
        if len(used) == 1:
            parsed.json_column = used[0]
    elif isinstance(tree, exp.In) and isinstance(tree.this, exp.Column):
        values = [v for v in tree.expressions if isinstance(v, exp.Literal)]
        if len(values) == len(tree.expressions) and values:
            parsed.in_list = (tree.this.name, [v.this for v in values])
    return parsed
