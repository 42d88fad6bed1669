"""Turn a request into a Spec: inline fields, a predefined schema, or a full spec.

The request's ``count`` becomes the record table's ``rows`` and its scenarios
become spec scenarios on that table, so everything the engine guarantees
(constraints, uniqueness, coherent rows, scenario overrides staying inside the
column's constraints) holds for service data too. Problems the spec compiler
finds are translated back to the request field they came from, e.g.
``tables.records.columns.age.min`` -> ``fields[1].constraints.min``.
"""

from __future__ import annotations

import copy
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import yaml

from .. import api
from ..errors import Problem, SpecError
from ..spec import SCENARIO_COLUMN, Spec, TypeColumn, parse_text
from ..spec._io import MAX_DEPTH
from ._errors import RequestError
from .defects import defect_scenarios
from .models import FieldDef, GenerateRequest
from .registry import Registry, SchemaEntry

__all__ = ["SEP", "TYPE_ALIASES", "Build", "build_spec"]

SEP = "__"  # flattened nested fields: address__city
# inline fields nest at most this deep: the same on HTTP and gRPC (protobuf decodes
# about 100 levels of messages), and far beyond any real record
MAX_FIELD_DEPTH = 32
INLINE_TABLE = "records"
NULL_RATE_OPTIONAL = 0.1  # `required: false` fields are null this often

TYPE_ALIASES = {
    "integer": "int",
    "long": "int",
    "number": "float",
    "double": "float",
    "boolean": "bool",
    "enum": "category",
    "timestamp": "datetime",
    "str": "string",
}
# `string` accepts `values` but the engine ignores them today: enums become `category`
_ENUM_TYPES = {"category", "country", "country_code", "currency_code"}
_CONSTRAINT_PARAMS = {
    "min": "constraints.min",
    "max": "constraints.max",
    "values": "constraints.enum",
    "regex": "constraints.regex",
    "min_length": "constraints.min_length",
    "max_length": "constraints.max_length",
    "null_rate": "required",
}
NestTree = dict[str, "NestTree | None"]


@dataclass
class Build:
    """A request resolved: the spec to generate and how to shape its records."""

    spec: Spec
    table: str
    seed: int
    dataset: api.Dataset | None = None
    entry: SchemaEntry | None = None
    nest: NestTree = field(default_factory=dict)
    free_text: dict[str, str] = field(default_factory=dict)
    record_count: int = 0
    scenario_names: list[str] = field(default_factory=list)
    seeded: bool = False


def build_spec(request: GenerateRequest, registry: Registry, *, max_support_rows: int) -> Build:
    """The spec for `request`; RequestError naming the request field when it cannot be made."""
    if request.spec is not None:
        data, table, locate = _from_spec(request, max_support_rows)
        entry = None
    elif request.fields is not None:
        data, table, locate = _from_fields(request)
        entry = None
    else:
        entry = _find_entry(request, registry)
        data = {"name": entry.name, "tables": copy.deepcopy(entry.tables)}
        table = entry.table
        locate = _entry_locator(entry)
    tspec = data["tables"][table]
    tspec["rows"] = request.count
    tspec["emit_scenario_column"] = True
    scenarios = data.setdefault("scenarios", {}).setdefault(table, [])
    offset = len(scenarios)
    for s in request.scenarios:
        overrides = {k.replace(".", SEP): v for k, v in s.overrides.items()}
        item: dict[str, Any] = {"name": s.name, "count": s.count, "set": overrides}
        if s.description:
            item["description"] = s.description
        scenarios.append(item)
    seed = request.seed
    if seed is None and request.spec is not None:
        seed = data.get("seed") if isinstance(data.get("seed"), int) else None
    seeded = seed is not None
    if seed is None:
        seed = secrets.randbits(31)
    try:
        dataset = api.generate(data, seed=seed)  # compiles (refusing what cannot be met); lazy
    except SpecError as exc:
        problems = [
            Problem(_scenario_location(p.location, table, offset) or locate(p.location), p.message)
            for p in exc.problems
        ]
        raise RequestError(problems) from exc
    defects: list[str] = []
    if request.flags.defect_triggering:
        dataset, defects = _with_defects(data, dataset, table, request.count, seed)
    spec = dataset.spec
    return Build(
        spec=spec,
        table=table,
        seed=seed,
        dataset=dataset,
        entry=entry,
        nest=_nest_tree(request.fields or []),
        free_text=_free_text(spec, table, entry),
        record_count=request.count + sum(s.count for s in request.scenarios),
        scenario_names=[s.name for s in request.scenarios] + defects,
        seeded=seeded,
    )


def _with_defects(
    data: dict[str, Any], dataset: api.Dataset, table: str, count: int, seed: int
) -> tuple[api.Dataset, list[str]]:
    """The dataset again with edge-value scenarios on `table` (see `defects`).

    Edge values are legal by construction; should the compiler still refuse one
    (a rule this module does not foresee), that edge is left out, not the request.
    """
    scenarios = data["scenarios"][table]
    offset = len(scenarios)
    extra = defect_scenarios(dataset.spec, table, count)
    for _ in range(2):
        if not extra:
            return dataset, []
        trial = {**data, "scenarios": {**data["scenarios"], table: scenarios + extra}}
        try:
            return api.generate(trial, seed=seed), [s["name"] for s in extra]
        except SpecError as exc:
            bad = {
                int(m.group(1)) - offset
                for p in exc.problems
                if (m := re.match(rf"^scenarios\.{re.escape(table)}\[(\d+)\]", p.location))
            }
            if not bad:
                return dataset, []
            extra = [s for i, s in enumerate(extra) if i not in bad]
    return dataset, []


# --- predefined schemas ----------------------------------------------------------


def _find_entry(request: GenerateRequest, registry: Registry) -> SchemaEntry:
    name = request.schema_name or request.entity or ""
    where = "schema_name" if request.schema_name else "entity"
    entry = registry.find(name, request.domain)
    if entry is not None:
        return entry
    if registry.get(name) is not None:
        other = registry.get(name)
        assert other is not None
        raise RequestError(
            f"{name!r} is in domain {other.domain!r}, not {request.domain!r}", "domain"
        )
    import difflib

    close = difflib.get_close_matches(name, registry.names(), n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    known = ", ".join(registry.names())
    raise RequestError(f"unknown schema {name!r}{hint}; known: {known}", where)


def _entry_locator(entry: SchemaEntry) -> Callable[[str], str]:
    def locate(location: str) -> str:
        return f"schema {entry.name}: {location}"

    return locate


# --- full specs ---------------------------------------------------------------------


_OPEN = (
    yaml.FlowSequenceStartToken,
    yaml.FlowMappingStartToken,
    yaml.BlockSequenceStartToken,
    yaml.BlockMappingStartToken,
)
_CLOSE = (yaml.FlowSequenceEndToken, yaml.FlowMappingEndToken, yaml.BlockEndToken)


def _no_aliases(text: str) -> None:
    """Refuse YAML anchors/aliases and deep nesting, from the tokens, before any parsing.

    A few bytes of aliases can expand into gigabytes; ``[[[[...`` is cheap to
    refuse at its 65th token, and costs seconds to scan to the end.
    """
    depth = 0
    try:
        for token in yaml.scan(text):
            if isinstance(token, yaml.AliasToken | yaml.AnchorToken):
                raise RequestError("YAML anchors and aliases are not accepted", "spec")
            if isinstance(token, _OPEN):
                depth += 1
                if depth > MAX_DEPTH:
                    raise RequestError(
                        f"the spec nests deeper than {MAX_DEPTH} levels (line "
                        f"{token.start_mark.line + 1}); a spec never is",
                        "spec",
                    )
            elif isinstance(token, _CLOSE):
                depth -= 1
    except yaml.YAMLError as exc:
        raise RequestError(f"malformed YAML/JSON: {exc}", "spec") from exc


def _from_spec(
    request: GenerateRequest, max_support_rows: int
) -> tuple[dict[str, Any], str, Callable[[str], str]]:
    raw = request.spec
    if isinstance(raw, str):
        _no_aliases(raw)
        try:
            raw = parse_text(raw)  # the spec reader: duplicate keys and deep nesting refused
        except yaml.YAMLError as exc:
            raise RequestError(f"malformed YAML/JSON: {exc}", "spec") from exc
    elif raw is not None and _depth(raw) > MAX_DEPTH:
        # JSON bodies nest up to the parser's limit; copying and validating recurse
        raise RequestError(
            f"the spec nests deeper than {MAX_DEPTH} levels; a spec never is", "spec"
        )
    if not isinstance(raw, dict) or not isinstance(raw.get("tables"), dict) or not raw["tables"]:
        raise RequestError("a spec is a mapping with 'tables' (one or more)", "spec.tables")
    data = copy.deepcopy(raw)
    tables: dict[str, Any] = data["tables"]
    if not all(isinstance(t, dict) for t in tables.values()):
        raise RequestError("each table is a mapping", "spec.tables")
    if request.entity:
        if request.entity not in tables:
            raise RequestError(
                f"no table {request.entity!r} in the spec; tables: {', '.join(map(str, tables))}",
                "entity",
            )
        table = request.entity
    else:
        roots = [n for n, t in tables.items() if "per_parent" not in t]
        if not roots:
            raise RequestError("the spec has no root table (one with rows)", "spec.tables")
        table = str(roots[0])
    if "per_parent" in tables[table]:
        raise RequestError(
            f"table {table!r} has per_parent: its size follows its parent; name a root table",
            "entity",
        )
    for name, t in tables.items():
        rows = t.get("rows")
        if name != table and isinstance(rows, int) and rows > max_support_rows:
            raise RequestError(
                f"at most {max_support_rows} rows for a table that is not returned",
                f"spec.tables.{name}.rows",
            )

    def locate(location: str) -> str:
        return f"spec.{location}" if location else "spec"

    return data, table, locate


# --- inline fields -------------------------------------------------------------------


def _from_fields(request: GenerateRequest) -> tuple[dict[str, Any], str, Callable[[str], str]]:
    fields = request.fields or []
    if not fields:
        raise RequestError("give at least one field", "fields")
    columns: dict[str, Any] = {}
    where: dict[str, str] = {}
    problems: list[Problem] = []
    _flatten(fields, "", "fields", columns, where, problems)
    if problems:
        raise RequestError(problems)
    table = (
        request.entity
        if request.entity and re.fullmatch(r"[A-Za-z_]\w*", request.entity)
        else INLINE_TABLE
    )

    def locate(location: str) -> str:
        match = re.match(rf"^tables\.{re.escape(table)}\.columns\.([^.]+)(?:\.(.+))?$", location)
        if not match or match.group(1) not in where:
            return "fields" if location.startswith("tables") else location
        base, param = where[match.group(1)], match.group(2)
        if param is None:
            return base
        head = param.split(".")[0]
        return f"{base}.{_CONSTRAINT_PARAMS.get(head, head)}"

    return {"name": table, "tables": {table: {"rows": 0, "columns": columns}}}, table, locate


def _flatten(
    fields: list[FieldDef],
    prefix: str,
    loc: str,
    columns: dict[str, Any],
    where: dict[str, str],
    problems: list[Problem],
    depth: int = 1,
) -> None:
    if depth > MAX_FIELD_DEPTH:
        problems.append(
            Problem(loc, f"fields nest deeper than {MAX_FIELD_DEPTH} levels; flatten the record")
        )
        return
    seen: set[str] = set()
    for i, f in enumerate(fields):
        here = f"{loc}[{i}]"
        if SEP in f.name or f.name == SCENARIO_COLUMN:
            problems.append(
                Problem(f"{here}.name", f"{f.name!r} is reserved (no '__', not _scenario)")
            )
            continue
        if f.name in seen:
            problems.append(Problem(f"{here}.name", f"duplicate field {f.name!r}"))
            continue
        seen.add(f.name)
        name = f"{prefix}{f.name}"
        kind = TYPE_ALIASES.get(f.type.lower(), f.type)
        if f.fields is not None or kind == "object":
            if not f.fields:
                problems.append(Problem(f"{here}.fields", "an object field needs nested fields"))
                continue
            _flatten(
                f.fields, f"{name}{SEP}", f"{here}.fields", columns, where, problems, depth + 1
            )
            continue
        columns[name] = _column(f, kind)
        where[name] = here


def _column(f: FieldDef, kind: str) -> dict[str, Any]:
    col: dict[str, Any] = {"type": kind}
    c = f.constraints
    if c is not None:
        if c.enum is not None:
            if kind not in _ENUM_TYPES:
                col["type"] = "category"
            col["values"] = list(c.enum)
        for key in ("min", "max", "regex", "min_length", "max_length"):
            value = getattr(c, key)
            if value is not None:
                col[key] = value
    if not f.required:
        col["null_rate"] = NULL_RATE_OPTIONAL
    if f.description:
        col["description"] = f.description
    return col


def _nest_tree(fields: list[FieldDef]) -> NestTree:
    """Nested inline fields as a tree (leaves are None); empty when nothing is nested."""

    def tree(items: list[FieldDef]) -> NestTree:
        return {f.name: tree(f.fields) if f.fields else None for f in items}

    full = tree(fields)
    return full if any(v is not None for v in full.values()) else {}


# --- shared ----------------------------------------------------------------------------


def _depth(value: Any) -> int:
    """How deep lists and mappings nest in `value` (iterative: a hostile one is deep)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, level)
        if deepest > MAX_DEPTH:
            return deepest
        stack.extend((child, level + 1) for child in children)
    return deepest


def _scenario_location(location: str, table: str, offset: int) -> str | None:
    match = re.match(rf"^scenarios\.{re.escape(table)}\[(\d+)\](.*)$", location)
    if not match:
        return None
    index = int(match.group(1)) - offset
    if index < 0:
        return None
    rest = match.group(2)
    rest = re.sub(r"^\.set\b", ".overrides", rest).replace(SEP, ".")
    return f"scenarios[{index}]{rest}"


def _free_text(spec: Spec, table: str, entry: SchemaEntry | None) -> dict[str, str]:
    """Columns an LLM could write better than rules: text/llm types, described plain strings."""
    out: dict[str, str] = {}
    for name, column in spec.tables[table].columns.items():
        if entry is not None and name in entry.drop:
            continue
        if not isinstance(column, TypeColumn):
            continue
        plain = column.type == "string" and not (column.regex or column.pattern or column.values)
        if column.type in ("text", "llm") or (plain and column.description):
            out[name] = column.description or column.prompt or name
    return out
