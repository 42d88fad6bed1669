"""Sample data made by the engine: one small spec per batch, cut into one sample per record.

Calling the engine once per record would spend most of the time compiling
tiny specs, so a batch of records of one domain and level shares one run:
the root table gets the sum of the records' root rows, child tables come
``per_parent`` (so each root row owns its children), and the result is cut
into contiguous root slices with their children. Each sample is then capped
at the level's row budget by dropping leaf rows from the end, never a row
another row refers to. Everything goes through the public facade
(``synthwright.generate``), so the sample data obeys the domain spec's rules.
"""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any

from ..errors import SpecError
from .complexity import TARGETS
from .domains import Domain
from .models import Level

__all__ = ["Sample", "engine_spec", "json_value", "make_samples"]

Sample = dict[str, list[dict[str, Any]]]


def json_value(value: Any) -> Any:
    """A JSON-friendly copy of an engine value (money as float, times to the second)."""
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, dt.datetime):
        return value.replace(microsecond=0, tzinfo=None).isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    return value


def _plain(table: Any) -> Any:
    """The table with JSON-friendly columns, converted in Arrow (much faster than per value):
    decimals as float, timestamps as ISO text to the second, dates as ISO text."""
    import pyarrow as pa
    import pyarrow.compute as pc

    columns = []
    for column in table.columns:
        kind = column.type
        if pa.types.is_decimal(kind):
            column = column.cast(pa.float64())
        elif pa.types.is_timestamp(kind):
            column = pc.strftime(column, format="%Y-%m-%dT%H:%M:%S")
        elif pa.types.is_date(kind) or pa.types.is_time(kind):
            column = column.cast(pa.string())
        elif pa.types.is_duration(kind):
            column = column.cast(pa.int64())
        columns.append(column)
    return pa.table(columns, names=table.column_names)


def tables_for(domain: Domain, level: Level) -> list[str]:
    """The tables a level's sample uses: the root, then its children (1, 2 or 3 tables)."""
    return domain.table_names[: TARGETS[level].tables]


def engine_spec(domain: Domain, level: Level, root_rows: int) -> dict[str, Any]:
    """The engine spec of a level's sample: ``root_rows`` root rows, 1-2 children each."""
    tables: dict[str, Any] = {}
    for i, name in enumerate(tables_for(domain, level)):
        table = domain.tables[name]
        body: dict[str, Any] = {"columns": table.columns}
        if i == 0:
            body["rows"] = root_rows
        else:
            body["per_parent"] = {**(table.per_parent or {}), "min": 1, "max": 2}
        tables[name] = body
    return {"version": 1, "name": f"tasks_{domain.name}_{level}", "tables": tables}


def _cap(sample: Sample, order: list[str], domain: Domain, cap: int) -> None:
    """Drop rows from the last tables until the sample has ``cap`` rows (each table keeps 1)."""
    total = sum(len(rows) for rows in sample.values())
    for name in reversed(order[1:]):
        if total <= cap:
            return
        table = domain.tables[name]
        referenced = {
            row[domain.tables[child].columns_key(name)]
            for child in order
            if domain.tables[child].parent == name
            for row in sample[child]
        }
        rows = sample[name]
        keep = [row for row in rows]
        i = len(keep) - 1
        while total > cap and i >= 0 and len(keep) > 1:
            if keep[i][table.key] not in referenced:
                keep.pop(i)
                total -= 1
            i -= 1
        sample[name] = keep


def make_samples(
    domain: Domain, level: Level, plan: list[tuple[int, int]], seed: int
) -> list[Sample]:
    """One sample per ``(root_rows, row_cap)`` of ``plan``, from one engine run.

    Raises:
        SpecError: the domain's engine spec is refused (a broken domain file).
    """
    import synthwright as sw

    if not plan:
        return []
    order = tables_for(domain, level)
    spec = engine_spec(domain, level, sum(rows for rows, _ in plan))
    try:
        ds = sw.generate(spec, seed=seed)
        tables = {name: _plain(ds[name]).to_pylist() for name in order}
    except SpecError as exc:
        raise SpecError(
            [type(p)(f"domains/{domain.name}.yaml: {p.location}", p.message) for p in exc.problems]
        ) from None
    # which record owns each row: roots by position, children through their parent's key
    owner: dict[str, dict[Any, int]] = {}
    samples: list[Sample] = [{name: [] for name in order} for _ in plan]
    root = domain.tables[order[0]]
    start = 0
    owner[order[0]] = {}
    for index, (rows, _cap_rows) in enumerate(plan):
        for row in tables[order[0]][start : start + rows]:
            owner[order[0]][row[root.key]] = index
            samples[index][order[0]].append(row)
        start += rows
    for name in order[1:]:
        table = domain.tables[name]
        parent = table.parent or order[0]
        link = table.columns_key(parent)
        owner[name] = {}
        for row in tables[name]:
            index = owner[parent][row[link]]
            owner[name][row[table.key]] = index
            samples[index][name].append(row)
    for sample, (_rows, cap) in zip(samples, plan, strict=False):
        _cap(sample, order, domain, cap)
    return samples
