"""The exact manifest (``truth.json``): for every query, every row that answers it.

``expected`` is computed, not remembered: the query's SQL runs with DuckDB
over the generated Arrow tables, so rows that match by chance are in it as
well as the planted ones. Before it is written, every planted row is proved
to satisfy each predicate and every near miss to fail exactly the one it
names (each predicate evaluated on its own); a planting that did not hold is
a failed run, never a manifest that lies. The document is a function of the
spec and the seed only: same spec, same seed, same bytes.
"""

from __future__ import annotations

import json
from typing import Any

import pyarrow as pa

from ..errors import GenerationError, Problem
from ._columns import quote_ident
from .plant import Planting

__all__ = ["MANIFEST_VERSION", "build_manifest", "manifest_text"]

MANIFEST_VERSION = 1


def _decoded(table: pa.Table) -> pa.Table:
    """Dictionary columns as plain strings: DuckDB then treats them like any text column."""
    columns = [
        col.cast(col.type.value_type) if pa.types.is_dictionary(col.type) else col
        for col in table.columns
    ]
    return pa.table(columns, names=table.column_names)


def build_manifest(planting: Planting, tables: dict[str, pa.Table]) -> dict[str, Any]:
    """The manifest of a generated dataset (see the module docstring).

    Raises:
        GenerationError: a planted row does not match, or a near miss fails
            another predicate than the one it names (a bug, not a user error).
    """
    import duckdb

    con = duckdb.connect()
    try:
        used = {q.table for q in planting.queries}
        for name in used:
            con.register(name, _decoded(tables[name]))
        planted_keys = _planted_keys(planting, tables)
        out = []
        for qi, q in enumerate(planting.queries):
            expected = [row[0] for row in con.execute(q.sql).fetchall()]
            mine = [(k, r) for k, r in planted_keys.get(q.table, []) if r.query == qi]
            _prove(con, planting, qi, mine, tables)
            entry: dict[str, Any] = {
                "name": q.name,
                "description": q.description,
                "table": q.table,
                "key": q.key,
                "predicates": [{"column": p.column, "sql": p.sql()} for p in q.predicates],
                "sql": q.sql,
                "expected": expected,
                "planted": sorted(k for k, r in mine if r.violates is None),
                "near_misses": [{"key": k, "violates": r.violates} for k, r in mine if r.violates],
            }
            if q.unviolable:
                entry["unviolable"] = dict(q.unviolable)
            out.append(entry)
    finally:
        con.close()
    return {
        "version": MANIFEST_VERSION,
        "spec": planting.spec.name,
        "now": planting.now.isoformat(),
        "seed": planting.seed,
        "queries": out,
    }


def manifest_text(manifest: dict[str, Any]) -> str:
    """The manifest as the JSON text written beside the data."""
    return json.dumps(manifest, indent=2, ensure_ascii=False, default=str) + "\n"


def _planted_keys(
    planting: Planting, tables: dict[str, pa.Table]
) -> dict[str, list[tuple[Any, Any]]]:
    """(key, role) of the planted rows: the last rows of each table, in role order."""
    out: dict[str, list[tuple[Any, Any]]] = {}
    for table, roles in planting.roles.items():
        if not roles:
            continue
        data = tables[table]
        key = next(q.key for q in planting.queries if q.table == table)
        start = data.num_rows - len(roles)
        keys = data.column(key).slice(start, len(roles)).to_pylist()
        out[table] = list(zip(keys, roles, strict=True))
    return out


def _prove(
    con: Any, planting: Planting, qi: int, rows: list[tuple[Any, Any]], tables: dict[str, pa.Table]
) -> None:
    """Each planted row holds every predicate; each near miss fails exactly its own."""
    if not rows:
        return
    q = planting.queries[qi]
    keys = pa.array([k for k, _ in rows], type=tables[q.table].schema.field(q.key).type)
    tests = ", ".join(f"coalesce({p.sql()}, FALSE)" for p in q.predicates)
    con.register("__truth_keys", pa.table({"k": keys}))
    result = con.execute(
        f"SELECT t.{quote_ident(q.key)}, {tests} FROM {quote_ident(q.table)} t "
        f"JOIN __truth_keys ON t.{quote_ident(q.key)} = __truth_keys.k"
    ).fetchall()
    con.unregister("__truth_keys")
    held = {row[0]: row[1:] for row in result}
    columns = [p.column for p in q.predicates]
    wrong = []
    for key, role in rows:
        flags = dict(zip(columns, held.get(key, [False] * len(columns)), strict=True))
        failed = sorted(c for c, ok in flags.items() if not ok)
        want = [] if role.violates is None else [role.violates]
        if failed != want:
            wrong.append(f"{key}: fails {failed or 'nothing'}, should fail {want or 'nothing'}")
    if wrong:
        raise GenerationError(
            [
                Problem(
                    f"truth.{q.table}[{q.index}]",
                    "planting did not hold (a bug): " + "; ".join(wrong[:5]),
                )
            ]
        )
