"""What a truth predicate may say about a column, and how its values are written.

Every predicate column is classified once (:func:`column_info`): an ordered
type (int, decimal, date, datetime, time) is planted as a range in the
engine's physical unit, a float as a float range, a category or bool from
its finite domain, a text column by literal, and the file and place types
through their coherence groups (see ``_coherence``). Columns a scenario
cannot set (keys, refs, expressions, unique columns) are refused here with
the reason, so a truth set that cannot be planted fails before anything
runs.

The same module renders values as SQL literals, so the manifest's SQL and
the planted values agree on one representation.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np

from ..catalog.base_numeric import OrderedGenerator
from ..engine.plan import ColumnPlan
from ..spec import TypeColumn

__all__ = [
    "FILE_TYPES",
    "PLACE_TYPES",
    "ColumnInfo",
    "column_info",
    "quote_ident",
    "sql_literal",
]

FILE_TYPES = ("file_name", "file_extension", "mime_type", "file_path")
PLACE_TYPES = ("country_code", "country", "city", "state", "latitude", "longitude")
_ORDERED = ("int", "decimal", "date", "datetime", "time")
_FREE_TEXT = (
    "string",
    "text",
    "first_name",
    "last_name",
    "full_name",
    "username",
    "email",
    "phone",
    "street_address",
    "postal_code",
    "company",
    "job_title",
    "url",
    "domain",
    "ipv4",
    "ipv6",
    "mac_address",
    "user_agent",
    "iban",
    "credit_card",
    "sku",
    "product_name",
    "color",
    "sha256",
    "isbn",
)
_EPOCH = dt.datetime(1970, 1, 1)


def quote_ident(name: str) -> str:
    """A double-quoted SQL identifier (DuckDB, PostgreSQL and SQLite read it alike)."""
    return '"' + name.replace('"', '""') + '"'


def _text_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


@dataclass
class ColumnInfo:
    """A predicate column: its plan, and how values of it are planted and written.

    ``kind`` is ``ordered``, ``float``, ``category``, ``bool``, ``text``,
    ``file`` or ``place``; ``lo``/``hi`` are the column's range in the
    physical unit (ordered) or as floats (float).
    """

    name: str
    plan: ColumnPlan
    col: TypeColumn
    kind: str
    lo: Any = None
    hi: Any = None

    @property
    def type(self) -> str:
        return self.col.type

    @property
    def gen(self) -> OrderedGenerator:
        assert isinstance(self.plan.generator, OrderedGenerator)
        return self.plan.generator

    # -- ordered values ------------------------------------------------------------

    def to_unit(self, value: Any, *, upper: bool = False) -> int:
        """A value (number, ISO text, datetime) in the column's physical unit."""
        if isinstance(value, dt.datetime | dt.date | dt.time):
            value = value.isoformat()
        return self.gen.to_unit(value, self.col, upper=upper)

    def from_unit(self, unit: int) -> Any:
        """The Python value (datetime, date, time, int, Decimal) of a unit."""
        arr = self.gen.to_arrow(np.array([unit], dtype=np.int64), self.col)
        return arr[0].as_py()

    def bound_value(self, unit: int) -> Any:
        """A unit as a bound the spec accepts (ISO text for times, a number otherwise)."""
        value = self.from_unit(unit)
        if isinstance(value, dt.datetime | dt.date | dt.time):
            return value.isoformat()
        if isinstance(value, Decimal):
            return int(value) if value == value.to_integral_value() else float(value)
        return value

    # -- domains ---------------------------------------------------------------------

    def domain(self) -> tuple[list[Any], list[float]]:
        """Values and weights of a category (or bool) column."""
        if self.kind == "bool":
            p = 0.5 if self.col.p is None else self.col.p
            return [True, False], [p, 1.0 - p]
        values = self.col.values
        assert values is not None
        if isinstance(values, dict):
            return list(values), [float(w) for w in values.values()]
        return list(values), [1.0] * len(values)

    # -- SQL ---------------------------------------------------------------------------

    def literal(self, value: Any) -> str:
        """``value`` as an SQL literal of this column's type."""
        if self.kind == "ordered" and self.type in ("date", "datetime", "time"):
            shown = self.from_unit(self.to_unit(value))
            return sql_literal(shown)
        if self.kind == "float":
            return sql_literal(float(value))
        return sql_literal(value)


def sql_literal(value: Any) -> str:
    """A Python value as an SQL literal (DuckDB; PostgreSQL reads the same text)."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        return f"TIMESTAMP '{value.isoformat(sep=' ')}'"
    if isinstance(value, dt.date):
        return f"DATE '{value.isoformat()}'"
    if isinstance(value, dt.time):
        return f"TIME '{value.isoformat()}'"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{value} has no SQL literal")
        return repr(value)
    return _text_literal(str(value))


def column_info(cp: ColumnPlan, key: str | None) -> ColumnInfo | str:
    """The column's :class:`ColumnInfo`, or why a truth predicate cannot plant it."""
    spec = cp.spec
    if not isinstance(spec, TypeColumn):
        what = "an expr column is derived" if cp.kind == "expr" else "a ref column is a key"
        return f"{what}: a planted row cannot set it (put the predicate on a typed column)"
    if cp.name == key or spec.type in ("id", "uuid"):
        return "the table's key is made by the engine: a truth predicate cannot name it"
    if spec.unique:
        return "a unique column cannot take planted values (they could repeat generated ones)"
    if spec.type in ("json", "llm", "duration"):
        return f"a {spec.type} column cannot be matched by a truth predicate"
    if spec.format is not None:
        return "a date/time column with format is written as text; drop format to match it"
    if spec.type in _ORDERED:
        info = ColumnInfo(cp.name, cp, spec, "ordered")
        info.lo, info.hi = info.gen.bounds(spec)
        return info
    if spec.type == "float":
        lo = 0.0 if spec.min is None else float(spec.min)
        hi = 1.0 if spec.max is None else float(spec.max)
        return ColumnInfo(cp.name, cp, spec, "float", lo, hi)
    if spec.type == "category" or (spec.type in _FREE_TEXT and spec.values is not None):
        return ColumnInfo(cp.name, cp, spec, "category")
    if spec.type == "bool":
        return ColumnInfo(cp.name, cp, spec, "bool")
    if spec.type in FILE_TYPES:
        return ColumnInfo(cp.name, cp, spec, "file")
    if spec.type in PLACE_TYPES:
        return ColumnInfo(cp.name, cp, spec, "place")
    if spec.type in _FREE_TEXT:
        return ColumnInfo(cp.name, cp, spec, "text")
    return f"a {spec.type} column cannot be matched by a truth predicate"
