"""What the retrieved items do to a request's records (the rag and hybrid paths).

The engine's records come first and keep their guarantees; retrieval only
changes what rules cannot know:

- ``pattern`` (learn_from_history): free-text columns take text from past
  accepted records of the entity, category columns are redrawn from the
  history's frequencies; on the hybrid path the patterns ground the LLM's
  prompt instead of being copied;
- ``defect`` (defect_triggering): each matching defect pattern is planted in
  one record, named in the notes (some are deliberately outside the column's
  constraints: a defect is what they are for);
- ``production`` (production_like): category columns are redrawn from the
  anonymised production frequencies (only values the column allows).

Keys (ids, unique and patterned columns), amounts and dates are never taken
from history, so references and arithmetic stay the engine's.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import re
from decimal import Decimal
from typing import Any

import pyarrow as pa

from ..build import Build
from ..models import GenerateRequest
from .store import Item, Store

__all__ = ["apply_items", "column_kinds", "query_of", "remember"]

_KEYISH = re.compile(r"(^id$|_id$|_number$|^sku$|uuid)")


def query_of(request: GenerateRequest) -> str:
    """The lexical query of a request: its context and hints."""
    return " ".join([request.context or "", *request.hints])


def column_kinds(build: Build, table: pa.Table) -> dict[str, str]:
    """Top-level columns the store may change, by kind (keys and nested columns left out)."""
    columns = build.spec.tables[build.table].columns
    out: dict[str, str] = {}
    for field in table.schema:
        spec = columns.get(field.name)
        stype = getattr(spec, "type", None)
        if _KEYISH.search(field.name) or getattr(spec, "unique", False):
            continue
        if getattr(spec, "pattern", None) or getattr(spec, "regex", None):
            continue
        t = field.type
        if stype == "category" or (stype == "string" and getattr(spec, "values", None)):
            out[field.name] = "category"
        elif stype == "text":
            out[field.name] = "text"
        elif pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_dictionary(t):
            out[field.name] = "category" if pa.types.is_dictionary(t) else "string"
        elif pa.types.is_integer(t):
            out[field.name] = "int"
        elif pa.types.is_decimal(t):
            out[field.name] = "decimal"
        elif pa.types.is_floating(t):
            out[field.name] = "float"
        elif pa.types.is_timestamp(t):
            out[field.name] = "datetime"
        elif pa.types.is_date(t):
            out[field.name] = "date"
    return out


def _typed(value: Any, kind: str, limit: int | None) -> Any:
    if value == "@max_length":
        n = limit or 255
        return ("Lorem ipsum dolor sit amet " * (n // 27 + 1))[:n]
    if value is None:
        return None
    if kind == "datetime":
        return dt.datetime.fromisoformat(str(value))
    if kind == "date":
        return dt.datetime.fromisoformat(str(value)).date()
    if kind == "decimal":
        return Decimal(str(value))
    return value


def _set(table: pa.Table, name: str, values: list[Any]) -> pa.Table:
    index = table.column_names.index(name)
    column_type = table.schema.field(name).type
    if pa.types.is_dictionary(column_type):
        array = pa.array(values, pa.string()).dictionary_encode()
    else:
        array = pa.array(values, column_type)
    return table.set_column(index, name, array)


def _redraw(table: pa.Table, name: str, freq: dict[str, float], rng: random.Random) -> pa.Table:
    current = table.column(name).to_pylist()
    allowed = {v for v in current if v is not None}
    usable = {k: w for k, w in freq.items() if not allowed or k in allowed or len(allowed) < 2}
    if not usable:
        return table
    keys, weights = list(usable), list(usable.values())
    drawn = [rng.choices(keys, weights)[0] if v is not None else None for v in current]
    return _set(table, name, drawn)


def apply_items(
    table: pa.Table,
    build: Build,
    items: dict[str, list[Item]],
    *,
    seed: int,
    copy_text: bool,
) -> tuple[pa.Table, int, list[str]]:
    """The records with the retrieved items applied; how many items were used; notes."""
    rng = random.Random(seed)
    kinds = column_kinds(build, table)
    notes: list[str] = []
    used = 0
    n = table.num_rows
    if n == 0:
        return table, 0, notes
    patterns = items.get("pattern", [])
    if patterns:
        records = [r for item in patterns for r in item.payload.get("records", [])]
        texts = [c for c, k in kinds.items() if k == "text" or c in build.free_text]
        if copy_text:
            for name in texts:
                pool = [r[name] for r in records if isinstance(r.get(name), str)]
                if pool:
                    table = _set(table, name, [pool[(i + seed) % len(pool)] for i in range(n)])
        for name in [c for c, k in kinds.items() if k == "category"]:
            seen = [r[name] for r in records if isinstance(r.get(name), str)]
            if len(set(seen)) > 1:
                freq = {v: float(seen.count(v)) for v in set(seen)}
                table = _redraw(table, name, freq, rng)
        used += len(patterns)
        notes.append(
            f"learn_from_history: {len(patterns)} past pattern(s) of this entity "
            + ("grounded the LLM" if not copy_text else "gave text and category frequencies")
        )
    for item in items.get("production", []):
        col, freq = str(item.payload.get("column")), item.payload.get("frequencies") or {}
        if col in kinds and kinds[col] in ("category", "string") and freq:
            table = _redraw(table, col, freq, rng)
            used += 1
            notes.append(f"production_like: {col} drawn from production frequencies")
    defects = [i for i in items.get("defect", []) if _fits(i, kinds)]
    limits = _limits(build)
    slot = rng.randrange(n)
    for item in defects[:n]:  # one record each
        p = item.payload
        name = next(c for c, k in kinds.items() if _matches(p, c, k))
        row = slot % n
        slot += 1
        values = table.column(name).to_pylist()
        try:
            values[row] = _typed(p.get("value"), kinds[name], limits.get(name))
            table = _set(table, name, values)
        except (ValueError, TypeError, ArithmeticError, pa.ArrowException):
            notes.append(f"defect pattern {p['name']} does not fit column {name}: skipped")
            continue
        used += 1
        legal = "" if p.get("legal", True) else " (outside the column's constraints on purpose)"
        notes.append(
            f"defect pattern {p['name']} in record {row}, column {name}{legal}: {p['why']}"
        )
    return table, used, notes


def _matches(payload: dict[str, Any], column: str, kind: str) -> bool:
    names = payload.get("names")
    kind_ok = kind in payload.get("kinds", []) or (kind == "text" and "string" in payload["kinds"])
    return kind_ok and (not names or re.search(names, column) is not None)


def _fits(item: Item, kinds: dict[str, str]) -> bool:
    return any(_matches(item.payload, c, k) for c, k in kinds.items())


def _limits(build: Build) -> dict[str, int]:
    out: dict[str, int] = {}
    for name, column in build.spec.tables[build.table].columns.items():
        limit = getattr(column, "max_length", None)
        if isinstance(limit, int):
            out[name] = limit
    return out


def remember(store: Store, request: GenerateRequest, entity: str, table: pa.Table) -> int:
    """Store a successful request and its first records as a pattern (learn_from_history)."""
    rows = json.loads(json.dumps(table.slice(0, 5).to_pylist(), default=str))
    words = [
        str(v)
        for r in rows[:2]
        for v in r.values()
        if isinstance(v, str) and len(v) < 200 and not _KEYISH.search(v)
    ]
    text = f"{query_of(request)}: {' '.join(words[:16])}"
    payload = {"request": {"entity": entity, "context": request.context}, "records": rows}
    return store.add([Item("pattern", entity, text, payload)])
