"""Reading ``--format arango`` output back: its document handles are checked, then set aside.

``sinks/arango.py`` writes each table as a collection of JSON Lines whose
documents carry ArangoDB's handles beside the spec's columns: ``_key`` (the
primary key as text, else the row number), ``_from``/``_to`` on a table with
exactly two foreign keys to primary keys (an edge collection), and one edge
file ``<table>__<column>.jsonl`` per other such foreign key. ``check`` reads
the documents like any JSON Lines table; here the handles are held to what
the columns say (a graph whose edges do not match its keys would load into
ArangoDB and quietly answer traversals wrongly), then dropped so the spec's
own rules see only the spec's columns. A mismatch is a located problem.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pajson

from ..engine.compile import compile_spec
from ..engine.plan import TablePlan, graph_links
from ..errors import Problem
from ..spec import RefColumn, Spec

__all__ = ["ARANGO_SCRIPT", "HANDLES", "is_arango_dir", "set_aside_handles"]

ARANGO_SCRIPT = "arangoimport.sh"
HANDLES = ("_key", "_from", "_to")


def is_arango_dir(root: Path) -> bool:
    """Whether a directory is the output of ``--format arango`` (its import script is there)."""
    return (root / ARANGO_SCRIPT).is_file()


def _text(values: pa.ChunkedArray | pa.Array) -> pa.Array:
    array = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    return pc.cast(array, pa.string())


def _handles(collection: str, keys: pa.Array) -> pa.Array:
    return pc.binary_join_element_wise(collection, keys, "/")


def _mismatches(found: pa.ChunkedArray | pa.Array, wanted: pa.Array) -> int:
    same = pc.fill_null(pc.equal(_text(found), wanted), False)
    return len(wanted) - (pc.sum(same).as_py() or 0)


def set_aside_handles(
    root: Path, spec: Spec, raw: dict[str, pa.Table], problems: list[Problem]
) -> dict[str, pa.Table]:
    """The tables without their handles; every handle that disagrees is a problem."""
    plan = {tp.name: tp for tp in compile_spec(spec).tables}
    keys: dict[str, pa.Array] = {}
    for name, table in raw.items():
        pk = plan[name].primary_key if name in plan else None
        if pk is not None and pk in table.column_names:
            keys[name] = _text(table.column(pk))
        else:  # no primary key: the row number, from 1
            keys[name] = _text(pa.array(range(1, table.num_rows + 1), pa.int64()))
    result: dict[str, pa.Table] = {}
    for name, table in raw.items():
        where = f"data.{name}"
        if "_key" not in table.column_names:
            problems.append(Problem(f"{where}._key", "an arango document without _key"))
        elif bad := _mismatches(table.column("_key"), keys[name]):
            problems.append(
                Problem(f"{where}._key", f"{bad} documents' _key is not their primary key")
            )
        links, is_edge = _links(spec, name, plan, raw)
        if is_edge:
            for handle, (column, parent) in zip(("_from", "_to"), links, strict=True):
                if handle not in table.column_names or column not in table.column_names:
                    problems.append(Problem(f"{where}.{handle}", "an edge without its handle"))
                    continue
                wanted = _handles(parent, _text(table.column(column)))
                if bad := _mismatches(table.column(handle), wanted):
                    problems.append(
                        Problem(
                            f"{where}.{handle}", f"{bad} edges do not point at {parent}.{column}"
                        )
                    )
        else:
            for column, parent in links:
                _check_edge_file(root, name, column, parent, table, keys[name], problems)
        result[name] = table.drop_columns([h for h in HANDLES if h in table.column_names])
    return result


def _links(
    spec: Spec, name: str, plan: dict[str, TablePlan], raw: dict[str, pa.Table]
) -> tuple[list[tuple[str, str]], bool]:
    """The table's edges and whether it is an edge collection, by the writer's rule."""
    fks = []
    for column, col in spec.tables[name].columns.items():
        if isinstance(col, RefColumn):
            parent, key = col.ref.split(".", 1)
            fks.append((column, parent, key))
    keys = {t: plan[t].primary_key for t in raw if t in plan}
    return graph_links(fks, keys)


def _check_edge_file(
    root: Path,
    name: str,
    column: str,
    parent: str,
    table: pa.Table,
    keys: pa.Array,
    problems: list[Problem],
) -> None:
    """``<table>__<column>.jsonl``: one edge per non-null link, row -> parent, in row order."""
    file = root / f"{name}__{column}.jsonl"
    where = f"data.{name}__{column}"
    if column not in table.column_names:
        return  # the column's absence is reported by check
    target = table.column(column).combine_chunks()
    valid = pc.is_valid(target)
    wanted_from = _handles(name, keys.filter(valid))
    wanted_to = _handles(parent, _text(target.filter(valid)))
    if not file.is_file():
        if len(wanted_from):
            problems.append(Problem(where, f"no edge file {file.name} for {name}.{column}"))
        return
    try:
        edges = pajson.read_json(file)
    except (OSError, pa.ArrowException) as exc:
        problems.append(Problem(where, f"cannot read {file}: {str(exc).splitlines()[0]}"))
        return
    if edges.num_rows != len(wanted_from):
        problems.append(
            Problem(
                where, f"{edges.num_rows} edges for {len(wanted_from)} links of {name}.{column}"
            )
        )
        return
    for handle, wanted in (("_from", wanted_from), ("_to", wanted_to)):
        if handle not in edges.column_names:
            problems.append(Problem(f"{where}.{handle}", "edges without this handle"))
        elif bad := _mismatches(edges.column(handle), wanted):
            problems.append(
                Problem(f"{where}.{handle}", f"{bad} edges disagree with {name}.{column}")
            )
