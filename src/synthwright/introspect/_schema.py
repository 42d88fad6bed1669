"""A neutral description of a database schema, whatever database it came from.

The readers (SQLAlchemy for SQLite/PostgreSQL/MySQL, DuckDB's own catalogue)
fill these; the spec builder reads only these. Keeping the two apart means a
new database needs a reader and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["CheckInfo", "ColumnInfo", "ForeignKeyInfo", "SchemaInfo", "TableInfo"]


@dataclass
class ColumnInfo:
    """One column.

    Attributes:
        name: the column name as the database spells it.
        sql_type: the declared type, lower-case (``varchar(255)``, ``numeric(10,2)``).
        kind: the normalised family (see :mod:`._types`): ``int``, ``bigint``,
            ``smallint``, ``decimal``, ``float``, ``bool``, ``char``, ``varchar``,
            ``text``, ``date``, ``datetime``, ``time``, ``interval``, ``uuid``,
            ``json``, ``enum``, ``inet``, ``mac``, ``binary`` or ``other``.
        nullable: False for NOT NULL.
        length: the n of char(n)/varchar(n).
        precision, scale: of numeric(p, s).
        enum_values: the labels of an enum type, in order.
    """

    name: str
    sql_type: str
    kind: str
    nullable: bool = True
    length: int | None = None
    precision: int | None = None
    scale: int | None = None
    enum_values: list[str] | None = None


@dataclass
class ForeignKeyInfo:
    """A (possibly composite) foreign key."""

    columns: list[str]
    ref_table: str
    ref_columns: list[str]
    name: str | None = None


@dataclass
class CheckInfo:
    """A CHECK constraint as the database prints it, and the dialect to parse it with."""

    sql: str
    name: str | None = None


@dataclass
class TableInfo:
    """One table: columns in order, keys and constraints."""

    name: str
    columns: list[ColumnInfo]
    primary_key: list[str] = field(default_factory=list)
    foreign_keys: list[ForeignKeyInfo] = field(default_factory=list)
    unique: list[list[str]] = field(default_factory=list)
    checks: list[CheckInfo] = field(default_factory=list)

    def column(self, name: str) -> ColumnInfo | None:
        return next((c for c in self.columns if c.name == name), None)


@dataclass
class SchemaInfo:
    """Every table read, in the database's order, and the dialect of its SQL text."""

    dialect: str  # sqlglot dialect name: sqlite, postgres, mysql, duckdb
    tables: dict[str, TableInfo]
    source: str = ""  # the URL without credentials
