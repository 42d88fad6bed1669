"""A :class:`SchemaInfo` -> a spec that compiles, and notes on what was adapted.

Keys become ``id``/``uuid``/unique columns, foreign keys ``ref:`` columns; a
table whose NOT NULL foreign key points at another table is sized
``per_parent`` of it, the others get ``rows``. CHECK constraints are kept
when the engine can guarantee them (it folds them into column constraints,
or the check defines a derived column); others are left out with a note.
What a spec cannot say -- composite foreign keys, cycles between tables, a
reference to a non-key -- is adapted (the link becomes NULL or a plain
column) and explained. The spec is compiled before it is returned; anything
the compiler still refuses is removed, one located problem at a time, and
noted, so the result always compiles.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from sqlglot import exp

from ..engine.check_rules import fold_checks
from ..engine.compile import compile_spec, topological_order
from ..errors import SpecError
from ..spec import Spec, TypeColumn, spec_from_data, spec_to_data
from ._checks import ParsedCheck, parse_check
from ._columns import describe, map_column
from ._schema import ColumnInfo, SchemaInfo, TableInfo
from ._semantic import name_tokens

__all__ = ["IntrospectResult", "schema_to_spec"]

NULL_RATE = 0.1
_INTS = {"int", "bigint", "smallint"}
_NUMERIC_TYPES = {"int", "float", "decimal"}
_MAX_FIX_ROUNDS = 8


@dataclass
class IntrospectResult:
    """The spec read from a database and what had to be adapted to express it."""

    spec: Spec
    notes: list[str] = field(default_factory=list)

    def to_data(self) -> dict[str, Any]:
        """The spec as plain data, each column's kind first and its description last."""
        data = spec_to_data(self.spec)
        for table in data.get("tables", {}).values():
            table["columns"] = {n: _ordered(c) for n, c in table.get("columns", {}).items()}
        return data

    def to_yaml(self) -> str:
        """The spec as YAML that loads back to the same spec."""
        return yaml.safe_dump(self.to_data(), sort_keys=False, allow_unicode=True, width=100)


def _ordered(column: dict[str, Any]) -> dict[str, Any]:
    first = [k for k in ("type", "ref", "expr") if k in column]
    rest = [k for k in column if k not in first and k != "description"]
    last = ["description"] if "description" in column else []
    return {k: column[k] for k in first + rest + last}


@dataclass
class _Link:
    column: str
    table: str
    ref_column: str
    nullable: bool
    position: int


class _Builder:
    def __init__(self, schema: SchemaInfo, rows: int) -> None:
        self.schema = schema
        self.rows = rows
        self.notes: list[str] = []
        self.links: dict[str, dict[str, _Link]] = {}  # table -> column -> link
        self.broken: dict[str, dict[str, str]] = {}  # table -> column -> why the link went

    def note(self, location: str, message: str) -> None:
        self.notes.append(f"{location}: {message}")

    # -- links -------------------------------------------------------------------
    def collect_links(self) -> None:
        tables = self.schema.tables
        for name, table in tables.items():
            found: dict[str, _Link] = {}
            positions = {c.name: i for i, c in enumerate(table.columns)}
            for fk in table.foreign_keys:
                where = f"tables.{name}.columns.{fk.columns[0]}"
                target_text = f"{fk.ref_table}({', '.join(fk.ref_columns)})"
                if len(fk.columns) != 1:
                    for col in fk.columns:
                        self.broken.setdefault(name, {})[col] = "composite foreign key"
                    self.note(
                        f"tables.{name}",
                        f"composite foreign key ({', '.join(fk.columns)}) -> {target_text} "
                        "cannot be a ref: its columns are generated as plain columns "
                        "(NULL where the database allows it)",
                    )
                    continue
                target = tables.get(fk.ref_table)
                ref_col = fk.ref_columns[0] if fk.ref_columns else ""
                if target is None:
                    self.broken.setdefault(name, {})[fk.columns[0]] = f"{target_text} not read"
                    self.note(where, f"references {target_text}, which was not read: plain column")
                    continue
                if not _is_key(target, ref_col):
                    self.broken.setdefault(name, {})[fk.columns[0]] = "reference to a non-key"
                    self.note(
                        where,
                        f"references {target_text}, which is neither its primary key nor "
                        "UNIQUE: generated as a plain column",
                    )
                    continue
                column = table.column(fk.columns[0])
                nullable = column.nullable if column is not None else True
                found[fk.columns[0]] = _Link(
                    fk.columns[0], fk.ref_table, ref_col, nullable, positions.get(fk.columns[0], 0)
                )
            self.links[name] = found
        self._break_cycles()

    def _break_cycles(self) -> None:
        while True:
            deps = {
                t: sorted({lk.table for lk in links.values() if lk.table != t})
                for t, links in self.links.items()
            }
            _, cycles = topological_order(deps)
            if not cycles:
                return
            path = cycles[0][1].split(" -> ")
            edges = list(itertools.pairwise(path))
            candidates = [
                (child, lk)
                for child, parent in edges
                for lk in self.links[child].values()
                if lk.table == parent
            ]
            child, link = sorted(candidates, key=lambda c: (not c[1].nullable, c[0]))[0]
            del self.links[child][link.column]
            how = "it is generated as NULL" if link.nullable else "it is a plain column"
            self.broken.setdefault(child, {})[link.column] = "cycle"
            self.note(
                f"tables.{child}.columns.{link.column}",
                f"tables reference each other in a cycle ({cycles[0][1]}); the link "
                f"{child}.{link.column} -> {link.table}.{link.ref_column} is dropped and {how}",
            )

    def depth(self, table: str, seen: frozenset[str] = frozenset()) -> int:
        parents = [lk.table for lk in self.links[table].values() if lk.table != table]
        if table in seen or not parents:
            return 0
        return 1 + max(self.depth(p, seen | {table}) for p in parents)

    # -- columns -----------------------------------------------------------------
    def columns(self, table: TableInfo) -> dict[str, Any]:
        single_unique = {u[0] for u in table.unique if len(u) == 1}
        pk = table.primary_key
        out: dict[str, Any] = {}
        for column in table.columns:
            out[column.name] = self.column(table, column, pk, single_unique)
        if (
            "created_at" in out
            and out["created_at"].get("type") == "datetime"
            and out["created_at"].get("null_rate", 0) == 0
        ):
            for name in ("updated_at", "modified_at", "last_modified", "updated"):
                col = out.get(name)
                if col is not None and col.get("type") == "datetime" and "after" not in col:
                    col["after"] = "created_at"
                    col["description"] += "; after created_at"
        return out

    def column(
        self, table: TableInfo, column: ColumnInfo, pk: list[str], single_unique: set[str]
    ) -> dict[str, Any]:
        is_pk = pk == [column.name]
        nullable = column.nullable and column.name not in pk
        link = self.links[table.name].get(column.name)
        if link is not None:
            data: dict[str, Any] = {"ref": f"{link.table}.{link.ref_column}"}
            self_ref = link.table == table.name
            if nullable or self_ref:
                data["null_rate"] = NULL_RATE
            if column.name in single_unique or is_pk:
                data["unique"] = True
            how = "foreign key"
            if self_ref and not nullable:
                how += " (NOT NULL in the database, but a self-reference needs nulls)"
                self.note(
                    f"tables.{table.name}.columns.{column.name}",
                    "a NOT NULL self-reference cannot be generated (the first row has no "
                    f"earlier row): null_rate {NULL_RATE} is used; make the column nullable "
                    "before loading",
                )
            data["description"] = describe(column, how, key=column.name in pk)
            return data
        broken = self.broken.get(table.name, {}).get(column.name)
        if broken is not None and nullable:
            sql_type = {"smallint": "SMALLINT", "int": "INTEGER", "bigint": "BIGINT"}.get(
                column.kind, "VARCHAR"
            )
            return {
                "expr": f"CAST(NULL AS {sql_type})",
                "description": describe(column, f"always NULL: {broken}"),
            }
        unique = column.name in single_unique or is_pk
        if is_pk and column.kind in _INTS:
            data, how = {"type": "id"}, "primary key"
        elif is_pk and column.kind == "uuid":
            data, how = {"type": "uuid"}, "primary key"
        else:
            data, how = map_column(column, table.name, unique=unique)
            if is_pk:
                how = "primary key; " + how
        if broken is not None:
            how += f"; plain column: {broken}"
        if unique and data["type"] not in ("id", "uuid"):
            data["unique"] = True
        if nullable:
            data["null_rate"] = NULL_RATE
        data["description"] = describe(column, how, key=column.name in pk)
        return data

    # -- checks ------------------------------------------------------------------
    def checks(self, table: TableInfo, columns: dict[str, Any]) -> list[str]:
        kept: list[str] = []
        dialect = self.schema.dialect
        for index, check in enumerate(table.checks):
            where = f"tables.{table.name}.checks"
            label = check.name or f"#{index + 1}"
            parsed = parse_check(check.sql, dialect, set(columns))
            if parsed.tree is None:
                self.note(where, f"CHECK {label} ({check.sql}) left out: {parsed.reason}")
                continue
            if parsed.json_column is not None:
                col = columns[parsed.json_column]
                if "type" in col and col["type"] in ("text", "string"):
                    col.pop("unit", None), col.pop("min", None), col.pop("max", None)
                    col.pop("max_length", None), col.pop("min_length", None)
                    col["type"] = "json"
                    col["description"] = col["description"].split(";")[0] + "; json from CHECK"
                continue
            if parsed.in_list is not None:
                self._category_from_in(table, columns, *parsed.in_list)
            derived = self._derived(table, columns, parsed)
            if derived:
                kept.append(parsed.sql)
                continue
            self._strict_bounds(columns, parsed)
            for name in parsed.columns:
                _price_to_decimal(columns[name])
            sql = parsed.sql
            if self._folds(table.name, sql, columns):
                kept.append(sql)
            else:
                self.note(
                    where,
                    f"CHECK {label} ({sql}) left out: not a form the generator can guarantee "
                    "(it folds only column-vs-literal bounds, IN lists and column-vs-column "
                    "order); the database still enforces it",
                )
        return kept

    def _category_from_in(
        self, table: TableInfo, columns: dict[str, Any], name: str, values: list[str]
    ) -> None:
        col = columns[name]
        info = table.column(name)
        if "type" not in col or info is None:
            return
        if col["type"] == "category" or info.kind not in ("char", "varchar", "text", "other"):
            return
        if col.get("unique"):
            return
        keep = {k: col[k] for k in ("null_rate", "description") if k in col}
        col.clear()
        col.update({"type": "category", "values": list(values), **keep})
        col["description"] = describe(info, "category from CHECK ... IN")

    def _derived(self, table: TableInfo, columns: dict[str, Any], parsed: ParsedCheck) -> bool:
        """``total = subtotal + tax``: make ``total`` that expression (holds by construction)."""
        tree = parsed.tree
        if not isinstance(tree, exp.EQ) or not isinstance(tree.this, exp.Column):
            return False
        target, expression = tree.this.name, tree.expression
        refs = {c.name for c in expression.find_all(exp.Column)}
        if not refs or target in refs or isinstance(expression, exp.Literal):
            return False
        col = columns.get(target)
        if col is None or "type" not in col or col.get("unique"):
            return False
        if any("type" not in columns.get(r, {}) for r in refs):
            return False
        info = table.column(target)
        expr_sql = expression.sql(dialect="duckdb")
        if col["type"] == "decimal" and info is not None:
            scale = col.get("scale", 2)
            expr_sql = f"CAST({expr_sql} AS DECIMAL(18, {scale}))"
        columns[target] = {
            "expr": expr_sql,
            "description": describe(info, "derived from CHECK") if info else "derived from CHECK",
        }
        return True

    def _strict_bounds(self, columns: dict[str, Any], parsed: ParsedCheck) -> None:
        """``amount > 0`` on numeric(12,2) is ``amount >= 0.01``: a form that folds."""
        assert parsed.tree is not None

        def rewrite(node: exp.Expression) -> exp.Expression:
            if not isinstance(node, exp.GT | exp.LT):
                return node
            left, right = node.this, node.expression
            flipped = False
            if isinstance(right, exp.Column) and isinstance(left, exp.Literal | exp.Neg):
                left, right, flipped = right, left, True
            if not isinstance(left, exp.Column):
                return node
            value = _literal_number(right)
            col = columns.get(left.name, {})
            if value is None or col.get("type") not in ("decimal", "float", "price"):
                return node
            step = 10.0 ** -col.get("scale", 2) if col["type"] != "float" else 1e-6
            greater = isinstance(node, exp.GT) != flipped
            bound = value + step if greater else value - step
            literal = _number_literal(round(bound, 12))
            return (
                exp.GTE(this=left, expression=literal)
                if greater
                else exp.LTE(this=left, expression=literal)
            )

        parsed.tree = parsed.tree.transform(rewrite)

    def _folds(self, table: str, sql: str, columns: dict[str, Any]) -> bool:
        """Whether the engine folds `sql` fully; narrows heuristic ranges to fit it first."""
        typed = _typed(columns)
        probe = {n: c.model_copy(update={"min": None, "max": None}) for n, c in typed.items()}
        bounds = fold_checks(table, [sql], probe)
        if 0 not in bounds.folded or bounds.problems:
            return False
        for name, narrowed in bounds.columns.items():
            col = columns[name]
            if col.get("type") in _NUMERIC_TYPES:
                _merge_bounds(col, narrowed.min, narrowed.max)
            elif col.get("type") in ("date", "datetime"):
                for side in ("min", "max"):
                    value = getattr(narrowed, side)
                    if value is not None:
                        col[side] = value
        result = fold_checks(table, [sql], _typed(columns))
        return 0 in result.folded and not result.problems

    # -- tables ------------------------------------------------------------------
    def size(self, table: TableInfo, columns: dict[str, Any]) -> dict[str, Any]:
        links = [
            lk
            for lk in self.links[table.name].values()
            if lk.table != table.name and not lk.nullable
        ]
        if not links:
            return {"rows": self.rows}
        pairs = [u for u in _unique_sets(table) if len(u) == 2]

        def rank(lk: _Link) -> tuple[int, int, int]:
            in_pair = any(lk.column in u for u in pairs)
            return (0 if in_pair else 1, -self.depth(lk.table), lk.position)

        link = sorted(links, key=rank)[0]
        composite = [u for u in _unique_sets(table) if len(u) > 1]
        if any(link.column not in u or len(u) != 2 for u in composite):
            # the engine pairs a per_parent link with one other column only:
            # keep the database's UNIQUE and size the table by rows instead
            return {"rows": self.rows}
        unique_link = columns[link.column].get("unique", False)
        if unique_link:
            per_parent: dict[str, Any] = {"table": link.table, "min": 0, "max": 1}
        elif any(link.column in u for u in pairs):
            per_parent = {"table": link.table, "min": 1, "max": 3}
        elif name_tokens(table.name).endswith(("items", "item", "lines", "line", "details")):
            per_parent = {"table": link.table, "dist": {"poisson": {"lam": 2}}, "min": 1, "max": 6}
        else:
            per_parent = {"table": link.table, "dist": {"poisson": {"lam": 2}}, "min": 0, "max": 8}
        return {"per_parent": per_parent}

    def table(self, table: TableInfo) -> dict[str, Any]:
        columns = self.columns(table)
        checks = self.checks(table, columns)
        data: dict[str, Any] = self.size(table, columns)
        data["columns"] = columns
        sets = [u for u in _unique_sets(table) if len(u) > 1]
        if sets:
            data["unique"] = sets[0] if len(sets) == 1 else sets
        if checks:
            data["checks"] = checks
        pk = ", ".join(table.primary_key) or "none"
        data["description"] = f"introspected table {table.name} (primary key: {pk})"
        return data


def _is_key(table: TableInfo, column: str) -> bool:
    if table.primary_key == [column]:
        return True
    return any(u == [column] for u in table.unique)


def _unique_sets(table: TableInfo) -> list[list[str]]:
    sets = [list(u) for u in table.unique]
    if len(table.primary_key) > 1:
        sets.insert(0, list(table.primary_key))
    return sets


def _typed(columns: dict[str, Any]) -> dict[str, TypeColumn]:
    out = {}
    for name, col in columns.items():
        if "type" in col:
            try:
                out[name] = TypeColumn.model_validate(col)
            except ValueError:
                continue
    return out


def _literal_number(node: exp.Expression) -> float | None:
    if isinstance(node, exp.Neg):
        inner = _literal_number(node.this)
        return -inner if inner is not None else None
    if isinstance(node, exp.Literal) and not node.is_string:
        try:
            return float(node.this)
        except ValueError:
            return None
    return None


def _number_literal(value: float) -> exp.Expression:
    text = repr(int(value)) if float(value).is_integer() else repr(value)
    if value < 0:
        return exp.Neg(this=exp.Literal.number(text.lstrip("-")))
    return exp.Literal.number(text)


def _price_to_decimal(col: dict[str, Any]) -> None:
    """A check on a price needs an ordered type the engine folds: decimal, 2 places."""
    if col.get("type") == "price":
        col["type"] = "decimal"
        col["scale"] = 2
        col["dist"] = "lognormal"
        col["description"] = col.get("description", "").replace(
            "price from name", "money from name (decimal: a CHECK bounds it)"
        )


def _merge_bounds(col: dict[str, Any], lo: Any, hi: Any) -> None:
    """Fit the heuristic range [min, max] inside the check's [lo, hi], keeping its span."""
    cur_lo, cur_hi = col.get("min"), col.get("max")
    span = (cur_hi - cur_lo) if cur_lo is not None and cur_hi is not None else 1000
    span = span or 1
    new_lo = lo if cur_lo is None or (lo is not None and lo > cur_lo) else cur_lo
    new_hi = hi if cur_hi is None or (hi is not None and hi < cur_hi) else cur_hi
    if new_lo is not None and new_hi is not None and new_lo > new_hi:
        if hi is None:
            new_hi = new_lo + span
        elif lo is None:
            new_lo = new_hi - span
    if lo is not None and hi is not None:
        new_lo, new_hi = max(lo, new_lo), min(hi, new_hi)
        if new_lo > new_hi:
            new_lo, new_hi = lo, hi
    if new_lo is not None:
        col["min"] = new_lo
    if new_hi is not None:
        col["max"] = new_hi
    if col.get("dist") == "lognormal" and new_lo is not None and new_lo < 0:
        col.pop("dist")


def schema_to_spec(
    schema: SchemaInfo, *, rows: int = 1000, name: str | None = None
) -> IntrospectResult:
    """Build a compiling spec from a schema; notes say what was adapted or left out."""
    builder = _Builder(schema, rows)
    builder.collect_links()
    tables = {t: builder.table(info) for t, info in schema.tables.items()}
    data: dict[str, Any] = {
        "version": 1,
        "name": name or "introspected",
        "description": f"Introspected from {schema.source}" if schema.source else None,
        "seed": 42,
        "tables": tables,
    }
    data = {k: v for k, v in data.items() if v is not None}
    spec = _compile_or_fix(data, builder.notes, rows)
    return IntrospectResult(spec=spec, notes=builder.notes)


def _compile_or_fix(data: dict[str, Any], notes: list[str], rows: int) -> Spec:
    """Compile; on problems drop the located thing, note it, and try again."""
    last: list[str] = []
    for _ in range(_MAX_FIX_ROUNDS):
        try:
            spec = spec_from_data(data)
        except ValueError as exc:  # pydantic: a shape we produced wrongly
            raise SpecError(f"introspection produced an invalid spec: {exc}", "introspect") from exc
        try:
            compile_spec(spec)
            return spec
        except SpecError as exc:
            last = [str(p) for p in exc.problems]
            fixed = False
            for problem in sorted(exc.problems, key=lambda p: p.location, reverse=True):
                fixed |= _fix(data, problem.location, problem.message, notes, rows)
            if not fixed:
                break
    raise SpecError(f"introspection could not build a valid spec: {'; '.join(last)}", "introspect")


_LOC = re.compile(
    r"^tables\.([^.]+)(?:\.(columns)\.([^.]+)(?:\.(\w+))?|\.(checks)\[(\d+)\]|\.(\w+))?"
)


def _fix(data: dict[str, Any], location: str, message: str, notes: list[str], rows: int) -> bool:
    """Remove the thing a compile problem points at; False when nothing could be done."""
    match = _LOC.match(location)
    if not match:
        return False
    table = data["tables"].get(match.group(1))
    if table is None:
        return False
    where = f"tables.{match.group(1)}"
    if match.group(5):  # checks[i]
        index = int(match.group(6))
        checks = table.get("checks", [])
        if index < len(checks):
            removed = checks.pop(index)
            notes.append(f"{where}.checks: CHECK ({removed}) left out: {message}")
            if not checks:
                table.pop("checks", None)
            return True
        return False
    if match.group(2):  # columns.X[.field]
        name, field_name = match.group(3), match.group(4)
        col = table["columns"].get(name)
        if col is None:
            return False
        cloc = f"{where}.columns.{name}"
        if field_name == "unique" and col.get("unique"):
            col.pop("unique")
            notes.append(f"{cloc}: UNIQUE dropped: {message}")
            return True
        if field_name == "ref" or "ref" in col:
            described = col.get("description", "")
            nullable = "NOT NULL" not in described
            table["columns"][name] = (
                {"expr": "CAST(NULL AS BIGINT)", "description": described}
                if nullable
                else {"type": "int", "min": 1, "max": 1000, "description": described}
            )
            notes.append(f"{cloc}: reference dropped ({message})")
            return True
        if "type" in col and field_name in col and field_name not in ("type",):
            col.pop(field_name)
            notes.append(f"{cloc}: {field_name} dropped ({message})")
            return True
        if "type" in col:
            keep = {k: col[k] for k in ("null_rate", "unique", "description") if k in col}
            table["columns"][name] = {"type": "string", **keep}
            notes.append(f"{cloc}: generated as plain string ({message})")
            return True
        if "expr" in col:
            table["columns"][name] = {"type": "string", "description": col.get("description")}
            notes.append(f"{cloc}: derived expression dropped ({message})")
            for check in list(table.get("checks", [])):
                if re.search(rf"\b{re.escape(name)}\b", check):
                    table["checks"].remove(check)
                    notes.append(f"{where}.checks: CHECK ({check}) left out with it")
            return True
        return False
    part = match.group(7)
    if part == "unique" and "unique" in table:
        removed = table.pop("unique")
        notes.append(f"{where}: composite UNIQUE {removed} dropped ({message})")
        return True
    if part == "per_parent" and "per_parent" in table:
        table.pop("per_parent")
        table["rows"] = rows
        notes.append(f"{where}: sized by rows instead of per_parent ({message})")
        return True
    return False
