"""One database column -> one spec column (type, parameters, description).

Order of decisions: keys first (a single integer primary key is ``id``, a
uuid key ``uuid``), then enum types (``category``), then a semantic guess
from the name (:mod:`._semantic`), then the plain SQL type with a value range
that suits the name (``quantity`` 1..10, ``rating`` 1..5, money lognormal)
and always fits the column (smallint, numeric precision, varchar length).
"""

from __future__ import annotations

from typing import Any

from .. import catalog
from ._schema import ColumnInfo
from ._semantic import Guess, guess_semantic, is_text_name, money_name, name_tokens

__all__ = ["describe", "map_column"]

_INT_MAX = {"smallint": 32_767, "int": 2_147_483_647, "bigint": 9_007_199_254_740_991}

_INT_RANGES: list[tuple[tuple[str, ...], tuple[int, int]]] = [
    (("quantity", "qty", "units", "count", "num_items", "item_count", "seats"), (1, 10)),
    (("age",), (18, 90)),
    (("rating", "stars", "star_rating"), (1, 5)),
    (("score",), (0, 100)),
    (("year", "model_year", "birth_year"), (1990, 2030)),
    (
        ("stock", "stock_quantity", "inventory", "on_hand", "quantity_on_hand", "stock_level"),
        (0, 500),
    ),
    (("percent", "pct", "percentage", "discount_percent"), (0, 100)),
    (
        ("position", "sort_order", "rank", "priority", "ordinal", "seq", "line_no", "line_number"),
        (1, 100),
    ),
]


def describe(column: ColumnInfo, how: str, *, key: bool = False) -> str:
    """The column's ``description``: where it came from and how its type was chosen."""
    null = "" if column.nullable and not key else " NOT NULL"
    return f"introspected: {column.sql_type}{null}; {how}"


def _int_range(name: str) -> tuple[int, int]:
    for names, bounds in _INT_RANGES:
        if name in names or name.endswith(tuple(f"_{n}" for n in names)):
            return bounds
    return (0, 1000)


def _decimal_limit(column: ColumnInfo) -> float | None:
    """The largest value numeric(p, s) holds, or None when unbounded."""
    if column.precision is None:
        return None
    scale = column.scale or 0
    return float(10 ** (column.precision - scale) - 10 ** (-scale))


def _number_range(name: str, column: ColumnInfo) -> tuple[float, float, str | None]:
    """(min, max, dist) for a decimal or float column by its name."""
    if any(k in name for k in ("salary", "wage", "income")):
        lo, hi, dist = 20_000.0, 200_000.0, "normal"
    elif money_name(name):
        lo, hi, dist = 1.0, 1000.0, "lognormal"
    elif any(k in name for k in ("percent", "pct")):
        lo, hi, dist = 0.0, 100.0, None
    elif any(k in name for k in ("rate", "ratio", "probability", "share", "fraction")):
        lo, hi, dist = 0.0, 1.0, None
    elif "weight" in name:
        lo, hi, dist = 0.1, 100.0, "lognormal"
    else:
        lo, hi, dist = 0.0, 1000.0, None
    limit = _decimal_limit(column) if column.kind == "decimal" else None
    if limit is not None and hi > limit:
        hi = limit
        lo = min(lo, hi / 10)
    return lo, hi, dist


def _number(number: float) -> int | float:
    return int(number) if float(number).is_integer() else number


def _string_params(column: ColumnInfo, unique: bool) -> tuple[str, dict[str, Any]]:
    """A generic string column: letters for short/unique ones, words for long ones.

    Unique strings get a fixed-length pattern of letters (``??????????``): the
    engine makes patterns unique by permuting their value space.
    """
    n = column.length
    if unique:
        return "string", {"pattern": "?" * min(n or 10, 10)}
    if column.kind == "char" and n is not None and n <= 16:
        return "string", {"min_length": n, "max_length": n}
    if n is not None and n <= 40:
        hi = min(12, n) if n else 12
        return "string", {"min_length": min(8, hi), "max_length": hi}
    params: dict[str, Any] = {"unit": "words", "min": 1, "max": 4}
    if n is not None:
        params["max_length"] = n
    return "text", params


def _text_params(column: ColumnInfo) -> dict[str, Any]:
    params: dict[str, Any] = {"unit": "sentences", "min": 1, "max": 3}
    if column.length is not None:
        params["max_length"] = column.length
    return params


def map_column(column: ColumnInfo, table: str, *, unique: bool) -> tuple[dict[str, Any], str]:
    """The spec column (as data) for a non-key, non-reference column, and how it was chosen."""
    name = name_tokens(column.name)
    kind = column.kind
    if kind == "enum" and column.enum_values:
        return {"type": "category", "values": list(column.enum_values)}, "category from enum type"
    guess: Guess | None = guess_semantic(column, table)
    if guess is not None:
        gen = catalog.get(guess.type)
        if not unique or (gen is not None and gen.unique_ok):
            data: dict[str, Any] = {"type": guess.type, **guess.params}
            if guess.type == "price":
                lo, hi, _ = _number_range(name, column)
                data.update(min=_number(max(lo, 0.01)), max=_number(hi))
            return data, guess.reason
    if kind in _INT_MAX:
        lo, hi = _int_range(name)
        hi = min(hi, _INT_MAX[kind])
        return {"type": "int", "min": lo, "max": hi}, f"int from {kind}"
    if kind == "decimal":
        lo, hi, dist = _number_range(name, column)
        scale = min(column.scale if column.scale is not None else 2, 18)
        data = {"type": "decimal", "min": _number(lo), "max": _number(hi), "scale": scale}
        if column.precision is not None and column.precision <= 38:
            data["precision"] = column.precision
        if dist:
            data["dist"] = dist
        return data, "decimal from numeric type"
    if kind == "float":
        lo, hi, dist = _number_range(name, column)
        data = {"type": "float", "min": _number(lo), "max": _number(hi)}
        if dist:
            data["dist"] = dist
        return data, "float from floating-point type"
    simple = {
        "bool": "bool",
        "date": "date",
        "datetime": "datetime",
        "time": "time",
        "interval": "duration",
        "uuid": "uuid",
        "json": "json",
    }
    if kind in simple:
        return {"type": simple[kind]}, f"{simple[kind]} from SQL type"
    if kind in ("char", "varchar", "text") or kind == "other":
        if kind == "text" and not unique:
            return {"type": "text", **_text_params(column)}, "text from SQL type"
        if is_text_name(name) and not unique:
            return {"type": "text", **_text_params(column)}, "text from name"
        type_name, params = _string_params(column, unique)
        how = f"{type_name} from SQL type" if kind != "other" else "string for an unknown SQL type"
        return {"type": type_name, **params}, how
    return {"type": "string"}, f"string: {kind} columns are generated as text"
