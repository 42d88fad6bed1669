"""The compiled plan: what the generator runs, decided once per spec.

A :class:`Plan` lists tables parents first; each :class:`TablePlan` holds its
columns in dependency order with their generators, the per-row bounds
(``after``/``before``), the links to parent tables and the columns its
children will read. These are plain data: the compiler (``compile.py``)
fills them and refuses what cannot be met, the runner (``generate.py``)
only reads them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from .. import catalog
from ..spec import (
    SCENARIO_COLUMN,
    ExprColumn,
    Override,
    RefColumn,
    Scenario,
    Spec,
    TableSpec,
    TypeColumn,
)

__all__ = [
    "SCENARIO_COLUMN",
    "Bound",
    "ColumnPlan",
    "Plan",
    "TablePlan",
    "graph_links",
    "scenario_column",
    "topological_order",
]


def graph_links(
    foreign_keys: list[tuple[str, str, str]], primary_keys: dict[str, str | None]
) -> tuple[list[tuple[str, str]], bool]:
    """How a table maps onto a property graph (``--format arango``, and ``check`` reading it).

    Args:
        foreign_keys: (column, parent table, parent column) of each foreign key, in order.
        primary_keys: the primary key of every table in the output (None: none).

    Returns:
        (column, parent) of each foreign key that points at its parent's primary key
        (an edge), and whether the table is an edge collection itself: exactly two
        foreign keys, both edges. One rule for the writer and the reader.
    """
    links = [
        (column, parent)
        for column, parent, key in foreign_keys
        if parent in primary_keys and primary_keys[parent] == key
    ]
    return links, len(links) == 2 and len(foreign_keys) == 2


@dataclass
class Bound:
    """A per-row bound read from another column (``after``/``before``)."""

    table: str | None  # None: this row; else the parent table reached through its link
    column: str
    within_units: int | None  # window in the column's physical unit


@dataclass
class ColumnPlan:
    name: str
    spec: TypeColumn | RefColumn | ExprColumn
    arrow_type: pa.DataType | None = None
    generator: catalog.Generator | None = None
    deps: list[str] = field(default_factory=list)  # same-table columns first
    parents: list[tuple[str, str]] = field(default_factory=list)  # (table, column) read
    lower: Bound | None = None
    upper: Bound | None = None
    ref_table: str | None = None
    ref_column: str | None = None
    self_ref: bool = False

    @property
    def kind(self) -> str:
        if isinstance(self.spec, RefColumn):
            return "ref"
        if isinstance(self.spec, ExprColumn):
            return "expr"
        return "type"


@dataclass
class TablePlan:
    name: str
    spec: TableSpec
    columns: dict[str, ColumnPlan]
    order: list[str]
    links: dict[str, str]  # parent table -> the ref column that reaches it
    link_column: str | None  # the per_parent link
    scenarios: list[Scenario]
    checks: list[str]
    primary_key: str | None
    retain: set[str] = field(default_factory=set)  # columns children read
    locale: str = "en_US"

    def schema(self) -> pa.Schema:
        """The Arrow schema of every batch of this table (nullability included)."""
        fields = []
        for name, cp in self.columns.items():
            nullable = (
                isinstance(cp.spec, ExprColumn)
                or cp.self_ref
                or cp.spec.null_rate > 0
                or any(s.set.get(name, 0) is None and name in s.set for s in self.scenarios)
            )
            fields.append(pa.field(name, cp.arrow_type or pa.string(), nullable=nullable))
        if self.spec.emit_scenario_column:
            fields.append(pa.field(SCENARIO_COLUMN, pa.string()))
        return pa.schema(fields)

    @property
    def has_self_refs(self) -> bool:
        return any(c.self_ref for c in self.columns.values())


@dataclass
class Plan:
    spec: Spec
    tables: list[TablePlan]  # parents before children

    def table(self, name: str) -> TablePlan:
        for t in self.tables:
            if t.name == name:
                return t
        raise KeyError(name)


def topological_order(deps: dict[str, list[str]]) -> tuple[list[str], list[tuple[str, str]]]:
    """Names with their dependencies first, and the cycles found as (name, "a -> b -> a")."""
    order: list[str] = []
    cycles: list[tuple[str, str]] = []
    state: dict[str, int] = {}

    def visit(name: str, path: list[str]) -> None:
        if state.get(name) == 2:
            return
        if state.get(name) == 1:
            cycles.append((name, " -> ".join([*path[path.index(name) :], name])))
            return
        state[name] = 1
        for dep in deps[name]:
            visit(dep, [*path, name])
        state[name] = 2
        order.append(name)

    for name in deps:
        visit(name, [])
    return order, cycles


def scenario_column(col: TypeColumn, value: Any) -> TypeColumn | None:
    """The column spec narrowed by a scenario's value (literal -> one value)."""
    if isinstance(value, Override):
        update = {k: v for k, v in value.model_dump(exclude_none=True).items() if k != "null_rate"}
        if "values" in update and col.values is not None:
            allowed = set(map(str, col.values))
            if not set(map(str, update["values"])) <= allowed:
                return None
        return col.model_copy(update=update)
    if col.values is not None:
        if str(value) not in set(map(str, col.values)):
            return None
        return col.model_copy(update={"values": [value]})
    return col
