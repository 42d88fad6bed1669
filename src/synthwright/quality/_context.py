"""Rows of a table joined to their parent rows by index, without SQL joins.

Rules that read a parent's column (``after: customers.signup_at``, an
``expr`` or ``check`` naming ``customers.plan``) need, for each child row,
the parent row its foreign key points at. That is one hash lookup per
child (``pyarrow.compute.index_in``) and one ``take`` per parent column, the
same gathering the engine does, computed once per foreign key and shared.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyarrow as pa
import pyarrow.compute as pc

from ..spec import RefColumn, Spec
from ._cast import CastError, cast_array


class LinkError(ValueError):
    """A table names another table that it has no usable foreign key to."""


class Context:
    """The tables under check, their spec, and cached child -> parent row links."""

    def __init__(self, tables: dict[str, pa.Table], spec: Spec) -> None:
        self.spec = spec
        self.tables = {name: table.combine_chunks() for name, table in tables.items()}
        self._links: dict[tuple[str, str], pa.Array] = {}

    def column(self, table: str, name: str) -> pa.Array:
        """A column as one array (dictionaries decoded)."""
        values = self.tables[table].column(name)
        array = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
        if pa.types.is_dictionary(array.type):
            array = array.dictionary_decode()
        return array

    def has(self, table: str, column: str) -> bool:
        return table in self.tables and column in self.tables[table].column_names

    def link(self, table: str, ref_column: str) -> pa.Array:
        """Per child row, the index of the parent row its key points at (null: none).

        Raises:
            LinkError: when the parent table or key column is not in the data,
                or the key types cannot be compared.
        """
        key = (table, ref_column)
        if key not in self._links:
            col = self.spec.tables[table].columns[ref_column]
            assert isinstance(col, RefColumn)
            parent, parent_key = col.ref.split(".", 1)
            if not self.has(parent, parent_key):
                raise LinkError(f"{col.ref} is not in the data")
            keys = self.column(parent, parent_key)
            values = self.column(table, ref_column)
            try:
                values = cast_array(values, keys.type)
            except CastError as exc:
                raise LinkError(f"values cannot be compared with {col.ref}: {exc}") from exc
            self._links[key] = pc.index_in(values, value_set=keys)
        return self._links[key]

    def ref_to(self, table: str, parent: str) -> str:
        """The column of ``table`` that links its rows to ``parent``'s rows.

        Several foreign keys to one parent: the first in column order (which
        is also the ``per_parent`` link, the first ref column to that parent).
        """
        spec = self.spec.tables[table]
        candidates = [
            name
            for name, col in spec.columns.items()
            if isinstance(col, RefColumn) and col.ref.split(".", 1)[0] == parent
        ]
        if not candidates:
            raise LinkError(f"table {table!r} has no ref column to {parent!r}")
        return candidates[0]

    def parent_column(self, table: str, parent: str, column: str) -> pa.Array:
        """``parent.column`` gathered to ``table``'s rows (null where the link is null)."""
        if not self.has(parent, column):
            raise LinkError(f"{parent}.{column} is not in the data")
        index = self.link(table, self.ref_to(table, parent))
        return self.column(parent, column).take(index)

    def operand(self, table: str, text: str) -> pa.Array:
        """A column named in a rule: ``col`` or ``own_table.col`` (this row), ``parent.col``."""
        owner, _, name = text.rpartition(".")
        if not owner or owner == table:
            if not self.has(table, name):
                raise LinkError(f"column {name!r} is not in table {table!r}")
            return self.column(table, name)
        return self.parent_column(table, owner, name)

    def scope(
        self, table: str, references: Iterable[tuple[str | None, str]]
    ) -> tuple[dict[str, pa.Array], dict[str, dict[str, pa.Array]]]:
        """This row's columns and the referenced parents' columns, for ``evaluate``."""
        columns = {name: self.column(table, name) for name in self.tables[table].column_names}
        parents: dict[str, dict[str, pa.Array]] = {}
        for owner, name in references:
            if owner is None or (name not in columns and owner == table):
                continue
            if owner == table:
                parents.setdefault(owner, {})[name] = columns[name]
            else:
                parents.setdefault(owner, {})[name] = self.parent_column(table, owner, name)
        return columns, parents
