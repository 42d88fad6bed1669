"""The builder's state and the small helpers every step shares.

The builder turns a parsed ``Request`` into spec data in steps (tables,
links and counts, constraints, time rules, assembling); each step is a
module under ``planner/build`` and a class in one line of inheritance, so
each reads the state declared here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ... import lexicon
from ...lexicon import Entity
from ..parse import Count, Request, normalise
from ..result import Question

__all__ = [
    "GENERIC",
    "NUMERIC",
    "TIME",
    "BuilderBase",
    "Col",
    "Table",
    "expr_refs",
    "identifiers",
    "int_of",
    "num",
    "reweight",
    "reweight_many",
    "split_list",
    "value_list",
    "values_key",
]

Col = dict[str, Any]
GENERIC = "generic (id, name, created_at)"
NUMERIC = ("int", "float", "decimal", "price")
TIME = ("date", "datetime")


@dataclass
class Table:
    """A table being planned (``name`` is the planner's key, renamed when assembled)."""

    name: str
    ent: Entity | None
    columns: dict[str, Col] = field(default_factory=dict)
    rows: int | None = None
    owner: str | None = None
    owner_col: str | None = None
    per_parent: dict[str, Any] | None = None
    refs: dict[str, str] = field(default_factory=dict)
    unique: list[list[str]] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)
    pulled: bool = False
    links: list[str] = field(default_factory=list)  # a junction's parents, as the request named

    @property
    def pk(self) -> str:
        for name, col in self.columns.items():
            if col.get("type") in ("id", "uuid"):
                return name
        return "id"

    @property
    def junction(self) -> bool:
        return bool(self.links) or bool(self.ent and self.ent.junction)


class BuilderBase:
    """What every step reads and writes."""

    def __init__(self, prompt: str, answers: dict[str, str], req: Request) -> None:
        self.prompt = prompt
        self.answers = {k: v.strip() for k, v in answers.items() if v is not None}
        self.assumptions: list[str] = []
        self.questions: list[Question] = []
        self.tables: dict[str, Table] = {}
        self.scenarios: dict[str, list[dict[str, Any]]] = {}
        self.locale = "en_US"
        self.req = req
        self.explicit_counts: dict[str, Count | None] = {}
        self.windows: dict[tuple[str, str], tuple[str, str]] = {}

    def assume(self, text: str) -> None:
        if text not in self.assumptions:
            self.assumptions.append(text)

    def ask(self, key: str, text: str, default: str, choices: list[str] | None = None) -> None:
        if key in self.answers or any(q.key == key for q in self.questions):
            return
        self.questions.append(Question(key, text, list(choices or []), default))

    def singular(self, table: str) -> str:
        """A table's singular word for messages and key columns ("statuses" -> "status")."""
        return lexicon.singular(table.replace("_", " ")).replace(" ", "_")


def int_of(text: str | None) -> int | None:
    if not text:
        return None
    m = re.search(r"\d+", normalise(text))
    return int(m.group(0)) if m else None


def num(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def split_list(text: str) -> list[str]:
    parts = re.split(r"\s*,\s*|\s+and\s+|\s+or\s+|\s*/\s*|\s*;\s*", text.strip().lower())
    return [p.strip() for p in parts if p.strip()]


def value_list(values: list[str] | dict[str, float] | None) -> list[str]:
    if values is None:
        return []
    return [str(v) for v in (values.keys() if isinstance(values, dict) else values)]


def values_key(values: list[str] | dict[str, float] | None) -> tuple[str, ...]:
    return tuple(sorted(value_list(values)))


def reweight_many(
    values: list[Any] | dict[str, float], given: dict[str, float]
) -> dict[str, float]:
    if isinstance(values, dict):
        weights = {str(k): float(v) for k, v in values.items()}
    else:
        weights = {str(v): 1.0 for v in values}
    taken = min(sum(given.values()), 1.0)
    rest_keys = [k for k in weights if k not in given]
    rest = sum(weights[k] for k in rest_keys) or 1.0
    out = {}
    for k, w in weights.items():
        out[k] = round(given[k], 4) if k in given else round(w / rest * (1 - taken), 4)
    if sum(out.values()) <= 0:
        out = {k: 1.0 for k in out}
    return out


def reweight(values: list[Any] | dict[str, float], word: str, share: float) -> dict[str, float]:
    if isinstance(values, dict):
        weights = {str(k): float(v) for k, v in values.items()}
    else:
        weights = {str(v): 1.0 for v in values}
    rest = sum(w for k, w in weights.items() if k != word) or 1.0
    return {
        k: (round(share, 4) if k == word else round(w / rest * (1 - share), 4))
        for k, w in weights.items()
    }


def identifiers(expr: str) -> list[str]:
    return re.findall(r"\b[a-z_][a-z0-9_]*\b", re.sub(r"'[^']*'", "", expr))


def expr_refs(col: Col) -> list[str]:
    refs = identifiers(col["expr"]) if "expr" in col else []
    if isinstance(col.get("after"), str) and "." not in col["after"]:
        refs.append(col["after"])
    return refs
