"""Turn a file, text or dict into a checked Spec, or a SpecError listing every problem.

This is the one place where YAML and pydantic errors are translated into
located problems (``tables.orders.columns.total.expr: ...``) with a
did-you-mean for misspelt keys.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from .errors import Problem, SpecError
from .spec import Spec, TypeColumn, parse_text, spec_from_data

_MODEL_FIELDS: dict[str, list[str]] = {
    "column": sorted(TypeColumn.model_fields),
    "table": [
        "rows",
        "per_parent",
        "columns",
        "unique",
        "checks",
        "emit_scenario_column",
        "description",
        "profile",
        "existing",
    ],
    "spec": ["version", "name", "description", "seed", "locale", "tables", "scenarios"],
    "per_parent": ["table", "dist", "min", "max"],
    "scenario": ["name", "count", "share", "set", "description"],
}


def _location(loc: tuple[Any, ...]) -> str:
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item}]") if parts else parts.append(str(item))
            continue
        text = str(item)
        # pydantic adds union/discriminator tags to the path: hide them
        if text in ("type", "ref", "expr", "invalid") and parts and parts[-2:-1] == ["columns"]:
            continue
        if text.startswith("function-") or text in (
            "uniform",
            "normal",
            "lognormal",
            "exponential",
            "poisson",
            "zipf",
            "beta",
            "Override",
            "str",
            "int",
            "float",
            "bool",
            "list[union[str,int,float,bool]]",
            "dict[str,float]",
            "UniformDist",
            "ZipfDist",
        ):
            continue
        parts.append(text)
    out = ""
    for part in parts:
        out += part if part.startswith("[") or not out else f".{part}"
    return out


def _context(loc: str) -> str:
    """Which model an unknown key at ``loc`` was written in (its fields feed did-you-mean)."""
    if ".columns." in loc and loc.count(".") == 4:
        return "column"
    if ".per_parent." in loc and loc.count(".") == 3:
        return "per_parent"
    if loc.startswith("scenarios.") and loc.count(".") == 2:
        return "scenario"
    if loc.startswith("tables.") and loc.count(".") == 2:
        return "table"
    if "." not in loc:
        return "spec"
    return ""


# pydantic's error types -> the stable problem codes programs match (errors.Problem.code)
_CODES = {
    "extra_forbidden": "unknown_key",
    "union_tag_invalid": "unknown_distribution",
    "missing": "missing_key",
}


def problems_from_validation(exc: ValidationError) -> list[Problem]:
    """pydantic errors as located problems, with did-you-mean for unknown keys."""
    problems: list[Problem] = []
    for err in exc.errors():
        loc = _location(tuple(err["loc"]))
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "dist_parameter":
            # raised for the family's parameters as a whole: located where they are written
            loc = f"{loc}.{err.get('ctx', {}).get('family', '')}".rstrip(".")
        elif err["type"] == "extra_forbidden":
            key = loc.rsplit(".", 1)[-1]
            # never suggest the word typed: a key known in another model is still unknown here
            words = _MODEL_FIELDS.get(_context(loc), []) + err.get("ctx", {}).get("words", [])
            fields = [f for f in words if f != key]  # words: a column type's own (spec._params)
            close = difflib.get_close_matches(key, fields, n=1, cutoff=0.6)
            msg = f"unknown key {key!r}" + (f" (did you mean {close[0]!r}?)" if close else "")
        elif err["type"] == "union_tag_invalid":
            ctx = err.get("ctx", {})
            tag = str(ctx.get("tag", ""))
            expected = str(ctx.get("expected_tags", "")).replace("'", "").split(", ")
            close = difflib.get_close_matches(tag, expected, n=1, cutoff=0.6)
            msg = (
                f"unknown distribution {tag!r}"
                + (f" (did you mean {close[0]!r}?)" if close else "")
                + f"; one of {', '.join(expected)}"
            )
        problems.append(Problem(loc, msg, _CODES.get(err["type"], "invalid_value")))
    return _dedupe(problems)


def _dedupe(problems: list[Problem]) -> list[Problem]:
    seen: set[tuple[str, str]] = set()
    out = []
    for p in problems:
        if (p.location, p.message) not in seen:
            seen.add((p.location, p.message))
            out.append(p)
    return out


def spec_from_any(source: Spec | dict[str, Any] | str | Path) -> Spec:
    """A Spec from a Spec, a dict, a path to YAML/JSON, or YAML/JSON text."""
    if isinstance(source, Spec):
        return source
    if isinstance(source, dict):
        data: Any = source
        origin = "spec"
    else:
        text, origin = _read(source)
        try:
            data = parse_text(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"{origin}:{mark.line + 1}:{mark.column + 1}" if mark else origin
            problem = getattr(exc, "problem", None) or str(exc)
            code = getattr(exc, "code", "malformed_document")  # duplicate_key, too_deep
            raise SpecError([Problem(where, f"malformed YAML/JSON: {problem}", code)]) from exc
    if not isinstance(data, dict):
        raise SpecError("a spec is a mapping with 'version' and 'tables'", origin)
    try:
        return spec_from_data(data)
    except ValidationError as exc:
        raise SpecError(problems_from_validation(exc)) from exc


def _read(source: str | Path) -> tuple[str, str]:
    if isinstance(source, Path) or (
        "\n" not in str(source) and str(source).endswith((".yaml", ".yml", ".json"))
    ):
        path = Path(source)
        try:
            return path.read_text(encoding="utf-8"), str(path)
        except FileNotFoundError as exc:
            raise SpecError(f"no such spec file: {path}", str(path)) from exc
        except (OSError, UnicodeDecodeError) as exc:
            raise SpecError(f"cannot read spec file: {exc}", str(path)) from exc
    return str(source), "spec"
