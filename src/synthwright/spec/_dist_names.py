"""The parameter names each distribution family accepts, and their one canonical form.

Users bring names from numpy and scipy.stats (``loc``/``scale``, ``rate``,
``s``...). This table says, per family, which canonical parameters exist and
which aliases map onto them, with the conversion when an alias is not the same
quantity (``rate = 1/scale``, scipy's lognormal ``scale = e^mu``). The models
normalise through it before field validation, so the engine only ever sees
canonical names and a dumped spec has one form; the JSON Schema documents the
aliases from the same table, so the two cannot drift apart.

Kept free of pydantic: the models turn :class:`DistParameterError` into a
located validation error.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Param:
    """A canonical parameter: the name the engine reads and a dumped spec writes."""

    name: str
    doc: str
    positive: bool = False  # must be > 0
    numeric: bool = True  # False for uniform bounds, which may be dates or times
    required: bool = False


@dataclass(frozen=True)
class Alias:
    """Another name for a canonical parameter, possibly a different quantity."""

    name: str
    target: str
    doc: str
    convert: Callable[[float], float] | None = None  # None: the same quantity
    positive: bool = False


def _reciprocal(x: float) -> float:
    return 1.0 / x


FAMILIES: dict[str, tuple[tuple[Param, ...], tuple[Alias, ...]]] = {
    "uniform": (
        (
            Param("min", "narrows the column's (or per_parent's) range from below", numeric=False),
            Param("max", "narrows the column's (or per_parent's) range from above", numeric=False),
        ),
        (
            Alias("low", "min", "numpy's name for min"),
            Alias("high", "max", "numpy's name for max"),
        ),
    ),
    "normal": (
        (
            Param("mean", "mean before truncation to [min, max]; default: centre of the range"),
            Param("std", "standard deviation; default: range/6", positive=True),
        ),
        (
            Alias("loc", "mean", "scipy.stats.norm's name for mean"),
            Alias("scale", "std", "scipy.stats.norm's name for std", positive=True),
        ),
    ),
    "lognormal": (
        (
            Param("mu", "mean of the underlying normal (log of the median offset)"),
            Param("sigma", "standard deviation of the underlying normal", positive=True),
        ),
        (
            Alias("mean", "mu", "numpy.random.lognormal's mean: of the underlying normal, = mu"),
            Alias("s", "sigma", "scipy.stats.lognorm's shape s, = sigma", positive=True),
            Alias(
                "scale",
                "mu",
                "scipy.stats.lognorm's scale = e^mu (stored as mu = ln(scale))",
                convert=math.log,
                positive=True,
            ),
        ),
    ),
    "exponential": (
        (Param("scale", "mean offset from min (1/rate); default: range/5", positive=True),),
        (
            Alias("mean", "scale", "the mean offset from min, = scale", positive=True),
            Alias(
                "rate",
                "scale",
                "events per unit, = 1/scale (stored as scale)",
                convert=_reciprocal,
                positive=True,
            ),
        ),
    ),
    "poisson": (
        (Param("lam", "mean count (numpy's lam)", positive=True, required=True),),
        (
            Alias("mu", "lam", "scipy.stats.poisson's name for lam", positive=True),
            Alias("mean", "lam", "the mean count, = lam", positive=True),
        ),
    ),
    "zipf": (
        (Param("a", "exponent: P(rank k) ~ k^-a; default 1.2", positive=True),),
        (Alias("s", "a", "the exponent under its other usual name", positive=True),),
    ),
    "beta": (
        (
            Param("a", "first shape parameter (alpha)", positive=True, required=True),
            Param("b", "second shape parameter (beta)", positive=True, required=True),
        ),
        (
            Alias("alpha", "a", "scipy/textbook name for a", positive=True),
            Alias("beta", "b", "scipy/textbook name for b", positive=True),
        ),
    ),
}


class DistParameterError(ValueError):
    """A parameter a family does not take, or a value it cannot use."""

    def __init__(self, family: str, message: str) -> None:
        super().__init__(message)
        self.family = family


def accepted(family: str) -> str:
    """'mu, sigma (aliases: mean, s, scale)': what the family takes, for messages."""
    params, aliases = FAMILIES[family]
    text = ", ".join(p.name for p in params)
    if aliases:
        text += f" (aliases: {', '.join(a.name for a in aliases)})"
    return text


def _number(family: str, key: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise DistParameterError(family, f"{key!r} must be a number, got {value!r}")
    try:
        number = float(value)
    except ValueError:
        raise DistParameterError(family, f"{key!r} must be a number, got {value!r}") from None
    if not math.isfinite(number):
        raise DistParameterError(family, f"{key!r} must be a finite number, got {value!r}")
    return number


def canonical_params(family: str, data: dict[str, Any]) -> dict[str, Any]:
    """``data`` (one family's parameters, maybe with ``kind``) under canonical names.

    Refuses unknown names (listing what the family takes), two names for the
    same parameter, non-numbers, NaN, infinities and non-positive scales.
    """
    params, aliases = FAMILIES[family]
    by_name = {p.name: p for p in params}
    alias_of = {a.name: a for a in aliases}
    given: dict[str, list[str]] = {}
    for key in data:
        if key == "kind":
            continue
        if key not in by_name and key not in alias_of:
            names = [*by_name, *alias_of]
            close = difflib.get_close_matches(str(key), names, n=1, cutoff=0.6)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise DistParameterError(
                family, f"unknown parameter {key!r}{hint}; {family} takes {accepted(family)}"
            )
        target = alias_of[key].target if key in alias_of else key
        given.setdefault(target, []).append(key)
    for name, keys in given.items():
        if len(keys) > 1:
            listed = " and ".join(repr(k) for k in keys)
            raise DistParameterError(
                family, f"{listed} name the same parameter ({name}) of {family}; give one"
            )
    out: dict[str, Any] = {"kind": data["kind"]} if "kind" in data else {}
    for name, (key,) in given.items():
        value = data[key]
        if value is not None:
            out[name] = _canonical_value(family, by_name[name], alias_of.get(key), key, value)
    for param in params:
        if param.required and param.name not in out:
            others = [a.name for a in aliases if a.target == param.name]
            also = f" (or {', '.join(others)})" if others else ""
            raise DistParameterError(family, f"{family} needs {param.name!r}{also}")
    return out


def _canonical_value(family: str, target: Param, alias: Alias | None, key: str, value: Any) -> Any:
    """One value checked (finite, > 0 where it must be) and converted to the canonical quantity."""
    if not target.numeric:
        if isinstance(value, float) and not math.isfinite(value):
            raise DistParameterError(family, f"{key!r} must be finite, got {value!r}")
        return value
    number = _number(family, key, value)
    if (target.positive or (alias is not None and alias.positive)) and number <= 0:
        raise DistParameterError(family, f"{key!r} must be greater than 0, got {value!r}")
    if alias is None or alias.convert is None:
        return value
    converted = alias.convert(number)
    if not math.isfinite(converted):
        raise DistParameterError(
            family, f"{key!r} = {value!r} gives {target.name} = {converted}, not a finite number"
        )
    return converted


def document_aliases(family: str, schema: dict[str, Any]) -> None:
    """Add each alias to a family's JSON Schema as a documented property.

    A required parameter may come under any of its names, so ``required`` is
    replaced by an ``anyOf`` over them.
    """
    params, aliases = FAMILIES[family]
    props: dict[str, Any] = schema.setdefault("properties", {})
    for param in params:
        others = [a.name for a in aliases if a.target == param.name]
        prop = props.get(param.name)
        if prop is not None:
            prop["description"] = param.doc + (
                f"; also accepted as {', '.join(others)}" if others else ""
            )
    for alias in aliases:
        if alias.positive:
            prop = {
                "anyOf": [{"exclusiveMinimum": 0, "type": "number"}, {"type": "null"}],
                "default": None,
            }
        else:
            base = props.get(alias.target, {})
            prop = {k: v for k, v in base.items() if k not in ("title", "description")}
        prop["title"] = alias.name.title()
        prop["description"] = f"alias: {alias.doc}; dumped as {alias.target}"
        props[alias.name] = prop
    required = [p for p in params if p.required]
    if required:
        names = {p.name for p in required}
        schema["required"] = [r for r in schema.get("required", []) if r not in names]
        if not schema["required"]:
            del schema["required"]
        schema["allOf"] = [
            {
                "anyOf": [
                    {"required": [name]}
                    for name in (p.name, *(a.name for a in aliases if a.target == p.name))
                ]
            }
            for p in required
        ]
