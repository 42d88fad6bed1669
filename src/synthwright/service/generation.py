"""Records of one request: generate through the facade, assemble, shape, render.

Everything here runs in a worker thread (or is cheap enough for the loop) and
takes the request's `Cancel`: the engine checks it after every block (its
progress callback) and the stages here between steps, so a request that timed
out or lost its client stops instead of running on. Nothing here knows about
HTTP, gRPC, the cache or the pools.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from .. import api
from ..engine.expressions import thread_connection
from ..errors import GenerationError, SpecError, SynthwrightError
from ..spec import SCENARIO_COLUMN
from . import _formats
from ._errors import RequestError
from .build import Build
from .coherence import CoherenceScore, score
from .defects import PREFIX as DEFECT_PREFIX
from .limits import Cancel
from .models import GenerateRequest, OutputFormat
from .router import Route

__all__ = [
    "BASE",
    "Shaped",
    "coherence",
    "dataset_of",
    "empty_table",
    "materialize_records",
    "notes",
    "produce",
    "records",
    "render",
    "shape",
]

BASE = "base"  # scenario_counts key of records in no scenario


@dataclass
class Shaped:
    """Records ready to render, and how many of them each scenario has."""

    table: pa.Table
    scenarios: dict[str, int]


def dataset_of(build: Build, cancel: Cancel | None = None) -> api.Dataset:
    """The build's (fresh) dataset: a Dataset keeps its tables once materialised.

    With `cancel`, the engine stops after the block during which it was set.
    """
    dataset, build.dataset = build.dataset, None
    if dataset is None:
        dataset = api.generate(build.spec, seed=build.seed)
    if cancel is not None:
        dataset.on_progress = cancel.progress
    return dataset


def materialize_records(build: Build, cancel: Cancel | None = None) -> pa.Table:
    """Every table of the build generated and its record table assembled (worker thread)."""
    try:
        tables = dataset_of(build, cancel).materialize()
    except GenerationError as exc:
        raise RequestError(exc.problems, status=422, code="generation_failed") from exc
    except SpecError as exc:
        raise RequestError(exc.problems) from exc
    except SynthwrightError as exc:
        raise RequestError(exc.problems, status=422, code="generation_failed") from exc
    if cancel is not None:
        cancel.check()
    return records(tables, build)


def produce(build: Build, scenario_names: list[str], cancel: Cancel | None = None) -> Shaped:
    """Generate, assemble and shape the records of a build (runs in a worker thread)."""
    table = materialize_records(build, cancel)
    if cancel is not None:
        cancel.check()
    return shape(table, build, scenario_names)


def records(tables: dict[str, pa.Table], build: Build) -> pa.Table:
    """The record table: the build's table, or the entity's ``assemble`` SQL over all tables."""
    entry = build.entry
    if entry is None or not entry.assemble:
        return tables[build.table]
    con = thread_connection().cursor()
    try:
        for name, table in tables.items():
            rows = pa.array(range(table.num_rows), pa.int64())
            con.register(name, table.append_column("__row", rows))
        return con.sql(entry.assemble).to_arrow_table()
    finally:
        con.close()


def shape(table: pa.Table, build: Build, scenario_names: list[str]) -> Shaped:
    """Count records per scenario, drop helper columns, nest dotted fields."""
    counts: dict[str, int] = {}
    if SCENARIO_COLUMN in table.column_names:
        column = table.column(SCENARIO_COLUMN)
        if column.null_count:
            counts[BASE] = column.null_count
        if table.num_rows > column.null_count:
            decoded = (
                pc.cast(column, pa.string()) if not pa.types.is_string(column.type) else column
            )
            for item in pc.value_counts(decoded.combine_chunks()).to_pylist():
                if item["values"] is not None:
                    counts[item["values"]] = item["counts"]
        if not scenario_names:
            table = table.drop_columns([SCENARIO_COLUMN])
    else:
        counts[BASE] = table.num_rows
    drop = [c for c in (build.entry.drop if build.entry else ()) if c in table.column_names]
    if drop:
        table = table.drop_columns(drop)
    return Shaped(_formats.nest(table, build.nest), counts)


def render(table: pa.Table, request: GenerateRequest, table_name: str, first: bool) -> str:
    """The records as the request's format (a stream's first chunk has the header/DDL)."""
    if request.format == OutputFormat.csv:
        return _formats.csv_text(table, header=first)
    if request.format == OutputFormat.sql:
        return _formats.sql_text(table, table_name, request.sql_dialect, create=first)
    return _formats.json_array(table)


def notes(request: GenerateRequest, route: Route, build: Build) -> list[str]:
    """What the caller should know about how the records were made."""
    out = list(route.notes)
    if request.flags.defect_triggering:
        edges = [n for n in build.scenario_names if n.startswith(DEFECT_PREFIX)]
        out.append(
            f"defect_triggering: {len(edges)} kinds of edge value (boundaries, leap days, "
            "awkward text, rarest categories, missing optionals) in some records; each "
            "record's _scenario names its edge as defect:<column>:<kind>"
            if edges
            else "defect_triggering: no column of this entity has an edge value to plant"
        )
    return out


def coherence(build: Build, table: pa.Table) -> CoherenceScore:
    """The entity's coherence score over `table` (empty for entities without one)."""
    config = build.entry.coherence if build.entry else {}
    return score(table, config) if config else CoherenceScore({}, table.num_rows)


def empty_table(build: Build) -> pa.Table:
    """The record table with no rows (a stream of 0 records still sends its header)."""
    spec = build.spec.model_copy(deep=True)
    spec.tables[build.table].rows = 0
    spec.scenarios = {}
    plan_build = Build(
        spec=spec, table=build.table, seed=build.seed, entry=build.entry, nest=build.nest
    )
    return produce(plan_build, []).table
