"""Profiles -> a spec (types, keys, relations) with a ``profile:`` section per table.

The spec part is an ordinary spec v1: semantic types, ``id``/``uuid``/
patterned keys, ``ref:`` foreign keys, ``per_parent`` for the primary link,
ranges, category weights and the best-fitting family as ``dist:``. It
generates plausible data with the plain engine and can be edited by hand.
The ``profile:`` section adds what the fitted generation uses (marginals,
child counts, the copula). ``ProfiledSpec.to_yaml()`` writes both in one
document; ``ProfiledSpec.from_yaml()`` reads it back (splitting the
``profile:`` sections off until the core spec models carry them).
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .. import catalog
from ..engine.run import load_spec, validate
from ..errors import Problem, SpecError
from ..spec import (
    CategoryMarginal,
    ColumnProfile,
    FamilyMarginal,
    LinkProfile,
    QuantileMarginal,
    Spec,
    TableProfile,
    parse_text,
    spec_to_data,
)
from . import _fit
from .strings import key_regex

__all__ = ["ProfiledSpec", "build_spec", "fitted_dist"]

_ENGINE_FAMILIES = ("normal", "lognormal", "exponential", "uniform", "beta")
_VALUE_TYPES = ("country_code", "country", "currency_code")
_TEXT_RULES = ("regex", "pattern", "min_length", "max_length", "unique")


class ProfiledSpec(BaseModel):
    """A spec and the fitted profile of each of its tables (plus notes for the user)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    spec: Spec
    profiles: dict[str, TableProfile] = Field(default_factory=dict)
    notes: list[str] = Field(default_factory=list)

    def to_data(self) -> dict[str, Any]:
        """The spec as plain data with each table's ``profile:`` section last."""
        data = spec_to_data(self.spec)
        for name, prof in self.profiles.items():
            if name in data["tables"]:
                data["tables"][name]["profile"] = prof.model_dump(mode="json", exclude_none=True)
        return data

    def to_yaml(self) -> str:
        header = (
            "# written by `synthwright profile`; edit freely, the profile: sections are fitted\n"
        )
        # libyaml's emitter where PyYAML has it: a profile is thousands of numbers, and the
        # pure-Python one took a third of a second for a 31-column table
        dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
        return header + yaml.dump(
            self.to_data(), Dumper=dumper, sort_keys=False, allow_unicode=True, width=100
        )

    @classmethod
    def from_data(cls, data: Any) -> ProfiledSpec:
        """Split ``profile:`` sections off a spec document and check both parts.

        Raises:
            SpecError: every problem of the spec or of a profile, located.
        """
        if not isinstance(data, dict) or not isinstance(data.get("tables"), dict):
            raise SpecError("a spec needs a 'tables' mapping", "tables")
        data = {**data, "tables": dict(data["tables"])}
        profiles: dict[str, TableProfile] = {}
        problems: list[Problem] = []
        for name, table in data["tables"].items():
            if isinstance(table, dict) and "profile" in table:
                table = dict(table)
                raw = table.pop("profile")
                data["tables"][name] = table
                try:
                    profiles[name] = TableProfile.model_validate(raw)
                except ValidationError as exc:
                    for err in exc.errors():
                        loc = ".".join(str(p) for p in err["loc"])
                        problems.append(Problem(f"tables.{name}.profile.{loc}", err["msg"]))
        try:
            spec = load_spec(data)
        except SpecError as exc:
            problems.extend(exc.problems)
            spec = None
        if problems or spec is None:
            raise SpecError(problems)
        for name, prof in profiles.items():
            for col in prof.columns:
                if col not in spec.tables[name].columns:
                    problems.append(
                        Problem(f"tables.{name}.profile.columns.{col}", "not a column of the table")
                    )
        if problems:
            raise SpecError(problems)
        return cls(spec=spec, profiles=profiles)

    @classmethod
    def from_yaml(cls, source: str | Path) -> ProfiledSpec:
        """Read a profiled spec from a path or YAML text."""
        text = str(source)
        path = Path(text)
        if "\n" not in text and path.suffix in (".yaml", ".yml", ".json"):
            try:
                text = path.read_text(encoding="utf-8")
            except OSError as exc:
                raise SpecError(f"cannot read {path}: {exc.strerror}", str(path)) from exc
        try:
            data = parse_text(text)  # the spec reader: duplicate keys and deep nesting refused
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"spec:{mark.line + 1}:{mark.column + 1}" if mark else "spec"
            problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            raise SpecError(f"not YAML: {problem}", where) from exc
        return cls.from_data(data)


# --- building --------------------------------------------------------------------


def _engine_dist(points: np.ndarray) -> dict[str, Any] | None:
    """The closest family the engine knows, fitted to equally likely points."""
    fit = _fit.best_family(points, families=_ENGINE_FAMILIES)
    if fit is None or fit.family == "uniform":
        return None
    p = fit.params
    lo = float(points.min())
    if fit.family == "normal":
        return {"normal": {"mean": _r(p["loc"]), "std": _r(max(p["scale"], 1e-9))}}
    if fit.family == "exponential":
        return {"exponential": {"scale": _r(max(p["scale"], 1e-9))}}
    if fit.family == "beta":
        return {"beta": {"a": _r(p["a"]), "b": _r(p["b"])}}
    offsets = points - lo
    offsets = offsets[offsets > 0]
    if len(offsets) < 2:
        return None
    logs = np.log(offsets)
    return {"lognormal": {"mu": _r(float(logs.mean())), "sigma": _r(max(float(logs.std()), 1e-3))}}


def _r(x: float) -> float:
    return float(f"{x:.6g}")


def _marginal_points(marginal: Any) -> np.ndarray | None:
    if isinstance(marginal, QuantileMarginal) and isinstance(marginal.points[0], int | float):
        return np.asarray(marginal.points, dtype=np.float64)
    if isinstance(marginal, FamilyMarginal):
        dist = _fit.frozen(marginal.family, marginal.params)
        lo, hi = dist.cdf(marginal.min), dist.cdf(marginal.max)
        return np.asarray(dist.ppf(np.linspace(lo, hi, 203)[1:-1]), dtype=np.float64)
    return None


def fitted_dist(cp: ColumnProfile) -> dict[str, Any] | None:
    """The ``dist:`` the profiler writes for a profiled column (None: it writes none).

    Generation compares a spec's ``dist:`` with this one: a different one was
    put there by the user, and is what the column must follow.
    """
    if cp.kind != "numeric":
        return None
    points = _marginal_points(cp.marginal)
    return None if points is None else _engine_dist(points)


def _number(value: Any, integer: bool) -> Any:
    if value is None:
        return None
    return int(value) if integer else _r(float(value))


def _column(
    name: str, cp: ColumnProfile, prof: TableProfile, rows: int
) -> tuple[dict[str, Any], str | None]:
    """A spec column for a profiled column, and a note when something was approximated."""
    link = prof.link(name)
    base: dict[str, Any] = {}
    if 0 < cp.null_rate < 1:
        base["null_rate"] = round(cp.null_rate, 6)
    if link is not None:
        col: dict[str, Any] = {"ref": f"{link.parent}.{link.parent_column}"}
        if cp.null_rate > 0:
            col["null_rate"] = round(cp.null_rate, 6)
        return col, None
    if cp.kind == "empty":
        return (
            {
                "type": "string",
                "null_rate": 0.999,
                "description": "every value was null in the sample",
            },
            f"{name}: every value is null; the profile keeps it null",
        )
    if cp.kind == "key":
        if cp.dtype.startswith(("int", "uint")):
            col = {"type": "id"}
            if isinstance(cp.min, int) and cp.min != 1 and name == prof.primary_key:
                col["min"] = cp.min
            return col, None
        if cp.semantic == "uuid":
            return {"type": "uuid"}, None
        look = key_regex(cp.shape) if cp.shape is not None else None
        for regex in (look, cp.pattern):  # the shape's literal prefix first, if it has room
            if regex is not None and _capacity(regex) >= 4 * max(rows, 1):
                return {"type": "string", "regex": regex, "unique": True}, None
        return {"type": "uuid"}, f"{name}: keys generated as UUIDs (no roomy pattern)"
    if cp.kind in ("numeric",):
        col = {"type": "int" if cp.integer else "float", **base}
        col["min"], col["max"] = _number(cp.min, cp.integer), _number(cp.max, cp.integer)
        if col["min"] == col["max"] and not cp.integer:
            col["max"] = col["min"] + 1e-9
        dist = fitted_dist(cp)
        if dist is not None:
            col["dist"] = dist
        return col, None
    if cp.kind in ("datetime", "date"):
        col = {"type": cp.kind, **base, "min": cp.min, "max": cp.max}
        if cp.format:
            col["format"] = cp.format
        return col, None
    if cp.kind == "bool":
        assert isinstance(cp.marginal, CategoryMarginal)
        return {"type": "bool", **base, "p": round(cp.marginal.weights[-1], 6)}, None
    if cp.shape is not None and cp.kind in ("categorical", "string"):
        # frequent values and a learned shape: open (the plain engine draws by length)
        lo, hi = cp.length or [1, 24]
        return {"type": "string", **base, "min_length": max(lo, 1), "max_length": max(hi, 1)}, None
    if cp.kind == "categorical" and isinstance(cp.marginal, CategoryMarginal):
        m = cp.marginal
        if not m.values:
            fallback = (
                m.other_column.model_dump(exclude_none=True, exclude_defaults=True)
                if m.other_column
                else {"type": "string"}
            )
            return {**fallback, **base}, f"{name}: every category is rare; values are generated"
        weights = {str(v): w for v, w in zip(m.values, m.weights, strict=True)}
        kind = cp.semantic if cp.semantic in _VALUE_TYPES else "category"
        return {"type": kind, **base, "values": weights}, None
    if cp.kind == "semantic" and cp.semantic and catalog.get(cp.semantic) is not None:
        col = {"type": cp.semantic, **base}
        gen = catalog.get(cp.semantic)
        if cp.unique and gen is not None and getattr(gen, "unique_ok", False):
            col["unique"] = True
        return col, None
    if cp.kind == "text":
        length = cp.length or [1, 200]
        return {"type": "text", **base, "max_length": max(length[1], 1)}, None
    if cp.dtype.startswith("time"):
        return {"type": "time", **base}, None
    if cp.pattern is not None:
        return {"type": "string", **base, "regex": cp.pattern}, None
    length = cp.length or [8, 12]
    return {
        "type": "string",
        **base,
        "min_length": max(length[0], 1),
        "max_length": max(length[1], 1),
    }, None


def _capacity(regex: str) -> float:
    """A rough count of the strings a simple class regex can make."""
    total = 1.0
    for m in re.finditer(r"(\\d|\[A-Z\]|\[a-z\]|\[[^\]]+\]|\\.|.)(\{(\d+)\})?", regex):
        cls, rep = m.group(1), int(m.group(3) or 1)
        size = (
            10
            if cls == r"\d"
            else 26
            if cls in ("[A-Z]", "[a-z]")
            else 36
            if cls.startswith("[")
            else 1
        )
        total *= size**rep
        if total > 1e18:
            break
    return total


def _per_parent(link: LinkProfile) -> dict[str, Any]:
    """per_parent for the plain engine: poisson, or lognormal for over-dispersed counts."""
    m = link.counts
    if isinstance(m, CategoryMarginal):
        values = np.asarray(m.values, dtype=np.float64)
        weights = np.asarray(m.weights, dtype=np.float64)
        weights = weights / weights.sum()
    else:
        assert isinstance(m, QuantileMarginal)
        values = np.asarray(m.points, dtype=np.float64)
        weights = np.full(len(values), 1 / len(values))
    lo, hi = int(values.min()), int(values.max())
    mean = float((values * weights).sum())
    var = float((weights * (values - mean) ** 2).sum())
    out: dict[str, Any] = {"table": link.parent, "min": lo, "max": max(hi, lo)}
    if mean > 0 and var <= 1.5 * mean:
        out["dist"] = {"poisson": {"lam": _r(max(mean, 1e-3))}}
    elif mean > lo:
        offsets = np.maximum(values - lo, 0.5)
        mu = float((weights * np.log(offsets)).sum())
        sigma = math.sqrt(max(float((weights * (np.log(offsets) - mu) ** 2).sum()), 1e-6))
        out["dist"] = {"lognormal": {"mu": _r(mu), "sigma": _r(sigma)}}
    return out


def build_spec(
    profiles: dict[str, TableProfile], *, name: str = "profiled"
) -> tuple[Spec, list[str]]:
    """The spec for a set of table profiles, checked by the engine's compiler.

    A column the compiler refuses (e.g. a pattern too small for its rows) is
    replaced by a plain string column and named in the notes.
    """
    notes: list[str] = []
    tables: dict[str, Any] = {}
    for table, prof in profiles.items():
        rows = prof.source_rows if prof.source_rows is not None else prof.sample_rows
        columns: dict[str, Any] = {}
        for col_name, cp in prof.columns.items():
            col, note = _column_for(table, col_name, cp, prof, rows)
            if prof.is_reference() and prof.data is not None and col_name in prof.data:
                col, rows = (
                    _reference_column(col, cp, prof.data[col_name]),
                    len(prof.data[col_name]),
                )
            columns[col_name] = col
            if note:
                notes.append(f"{table}.{note}")
        if not columns:
            columns = {"id": {"type": "id"}}
            notes.append(f"{table}: no columns in the sample; an id column stands in")
        spec_table: dict[str, Any] = {"columns": columns}
        link = prof.primary_link()
        if link is not None:
            spec_table = {"per_parent": _per_parent(link), **spec_table}
        else:
            spec_table = {"rows": rows, **spec_table}
        tables[table] = spec_table
    data = {"version": 1, "name": name, "tables": tables}
    for _ in range(4):
        problems = validate(data)
        if not problems:
            break
        for line in problems:
            loc = line.split(":", 1)[0].split(".")
            if len(loc) >= 4 and loc[0] == "tables" and loc[2] == "columns":
                bad_table, bad_col = loc[1], loc[3]
                if bad_col in tables.get(bad_table, {}).get("columns", {}):
                    tables[bad_table]["columns"][bad_col] = {"type": "string"}
                    notes.append(f"{bad_table}.{bad_col}: generated as plain strings ({line})")
                    continue
            raise SpecError(f"the profiled spec is not valid: {line}", "profile")
    else:
        problems = validate(data)
        if problems:  # replacing the bad columns did not help
            raise SpecError(f"the profiled spec is not valid: {problems[0]}", "profile")
    return Spec.model_validate(data), notes


def _reference_column(col: dict[str, Any], cp: ColumnProfile, data: list[Any]) -> dict[str, Any]:
    """A reference table's column: its rules widened to every value it holds (all are kept)."""
    if "ref" in col or cp.kind in ("text", "numeric", "datetime", "date", "bool"):
        return col  # numbers and dates keep their range, which holds every real value
    present = [v for v in data if v is not None]
    if not present or not all(isinstance(v, str) for v in present):
        return {k: v for k, v in col.items() if k not in _TEXT_RULES}
    out: dict[str, Any] = {"type": "category", "values": sorted(set(present))}
    if cp.null_rate > 0:
        out["null_rate"] = round(cp.null_rate, 6)
    if cp.unique:
        out["unique"] = True
    return out


def _column_for(
    table: str, name: str, cp: ColumnProfile, prof: TableProfile, rows: int
) -> tuple[dict[str, Any], str | None]:
    link = prof.link(name)
    if link is not None and link.parent == table:
        col: dict[str, Any] = {"ref": f"{link.parent}.{link.parent_column}"}
        col["null_rate"] = round(max(cp.null_rate, 0.01), 6)
        return col, None
    return _column(name, cp, prof, rows)
