"""Domains as data: one YAML file per domain under ``tasks/domains/``.

A domain file holds the lexicon (actors, audiences, tools, deliverables,
vocabulary), the templates (context, goals by kind, constraints by level,
success criteria) and the small engine spec of its sample data (tables that
fit its problems: a root table and children linked by ``per_parent``, so a
sample can be cut per record). ``_common.yaml`` holds the templates all
domains share. Adding a domain is adding a file; :func:`load_domain`
validates it on first use, every problem located in the file.

Placeholders are ``{name}``: a slot the composer fills (:data:`SLOTS`) or a
name under ``vocab:`` (one value drawn per record).
"""

from __future__ import annotations

import difflib
import functools
import string
from importlib import resources
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError

from ..errors import Problem, SpecError

__all__ = ["SLOTS", "Common", "Domain", "TableDef", "domain_names", "load_common", "load_domain"]

SLOTS = frozenset(
    {
        "actor",
        "audience",
        "tool",
        "deliverable",
        "noun",
        "nouns",
        "key_label",
        "filters",
        "metric",
        "group_label",
        "k",
        "row_summary",
        "domain_title",
    }
)
NUMERIC = ("int", "decimal", "float", "price")
DATES = ("date", "datetime")


class TableDef(BaseModel):
    """A table of a domain's sample data, with the words used to talk about it."""

    model_config = ConfigDict(extra="forbid")

    noun: str
    plural: str | None = None
    key: str
    per_parent: dict[str, Any] | None = None
    columns: dict[str, dict[str, Any]]
    labels: dict[str, str] = Field(default_factory=dict)
    aggs: dict[str, list[Literal["sum", "mean", "max"]]] = Field(default_factory=dict)
    _kinds: dict[str, list[str]] = PrivateAttr(default_factory=dict)

    @property
    def nouns(self) -> str:
        if self.plural:
            return self.plural
        if self.noun.endswith(("s", "x", "ch", "sh")):
            return self.noun + "es"
        if self.noun.endswith("y") and self.noun[-2:-1] not in "aeiou":
            return self.noun[:-1] + "ies"
        return self.noun + "s"

    def aggs_of(self, column: str) -> list[str]:
        """The aggregations that make sense for a numeric column (a score is not summed)."""
        return list(self.aggs.get(column, ["sum", "mean", "max"]))

    @property
    def parent(self) -> str | None:
        return None if self.per_parent is None else str(self.per_parent["table"])

    def label(self, column: str) -> str:
        return self.labels.get(column, column.replace("_", " "))

    def kind(self, column: str) -> str:
        """category | numeric | date | other: what a filter or a metric can do with it."""
        col = self.columns[column]
        if column == self.key or "ref" in col:
            return "other"
        kind = col.get("type")
        if kind == "category":
            return "category"
        if kind in NUMERIC:
            return "numeric"
        if kind in DATES:
            return "date"
        return "other"

    def columns_key(self, parent: str) -> str:
        """The column of this table that refers to ``parent`` (its ``ref:``)."""
        for name, col in self.columns.items():
            if str(col.get("ref", "")).split(".")[0] == parent:
                return name
        raise KeyError(f"no column refers to {parent}")

    def columns_of(self, kind: str) -> list[str]:
        """The columns of a kind (cached: a domain file does not change while loaded)."""
        if kind not in self._kinds:
            self._kinds[kind] = [c for c in self.columns if self.kind(c) == kind]
        return list(self._kinds[kind])


class Domain(BaseModel):
    """A validated domain file."""

    model_config = ConfigDict(extra="forbid")

    name: str
    title: str
    summary: str
    actors: list[str] = Field(min_length=1)
    audiences: list[str] = Field(min_length=1)
    tools: list[str] = Field(min_length=1)
    deliverables: list[str] = Field(min_length=1)
    tables: dict[str, TableDef] = Field(min_length=3)
    dimensions: dict[str, list[str]] = Field(default_factory=dict)
    vocab: dict[str, list[str]] = Field(default_factory=dict)
    context: list[str] = Field(min_length=1)
    goals: dict[str, list[str]]
    constraints: dict[str, list[str]]
    success_criteria: list[str] = Field(min_length=1)

    @property
    def table_names(self) -> list[str]:
        return list(self.tables)


class Common(BaseModel):
    """The templates every domain shares (``_common.yaml``)."""

    model_config = ConfigDict(extra="forbid")

    openers: list[str]
    data_notes: list[str]
    deliver: list[str]
    constraints: dict[str, list[str]]
    success_criteria: list[str]
    vocab: dict[str, list[str]] = Field(default_factory=dict)


def _files() -> Any:
    return resources.files("synthwright.tasks") / "domains"


def domain_names() -> list[str]:
    """The bundled domains, sorted."""
    return sorted(
        p.name[: -len(".yaml")]
        for p in _files().iterdir()
        if p.name.endswith(".yaml") and not p.name.startswith("_")
    )


def _read(name: str) -> Any:
    path = _files() / f"{name}.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field}


def _templates(domain: Domain, common: Common) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    found += [(f"context[{i}]", t) for i, t in enumerate(domain.context)]
    for kind, items in domain.goals.items():
        found += [(f"goals.{kind}[{i}]", t) for i, t in enumerate(items)]
    for level, items in domain.constraints.items():
        found += [(f"constraints.{level}[{i}]", t) for i, t in enumerate(items)]
    found += [(f"success_criteria[{i}]", t) for i, t in enumerate(domain.success_criteria)]
    for group in ("openers", "data_notes", "deliver", "success_criteria"):
        found += [(f"_common.{group}[{i}]", t) for i, t in enumerate(getattr(common, group))]
    return found


def _check(domain: Domain, common: Common, where: str) -> list[Problem]:
    problems: list[Problem] = []
    known = SLOTS | set(domain.vocab) | set(common.vocab)
    for loc, text in _templates(domain, common):
        for field in sorted(_placeholders(text) - known):
            problems.append(Problem(f"{where}.{loc}", f"unknown placeholder {{{field}}}"))
    for kind in ("list", "total", "rank"):
        if not domain.goals.get(kind):
            problems.append(Problem(f"{where}.goals", f"needs at least one {kind!r} goal"))
    pool: list[str] = []
    for level, need in (("simple", 2), ("medium", 4), ("complex", 7)):
        pool += domain.constraints.get(level, []) + common.constraints.get(level, [])
        if len(pool) < need:
            problems.append(Problem(f"{where}.constraints.{level}", f"needs {need} templates"))
    seen: list[str] = []
    for i, (name, table) in enumerate(domain.tables.items()):
        loc = f"{where}.tables.{name}"
        if table.key not in table.columns:
            problems.append(Problem(f"{loc}.key", f"{table.key!r} is not a column"))
        if i == 0 and table.parent is not None:
            problems.append(Problem(f"{loc}.per_parent", "the first table must be a root"))
        if i > 0 and table.parent not in seen:
            problems.append(Problem(f"{loc}.per_parent", "must name an earlier table"))
        elif i > 0 and table.parent is not None:
            try:
                table.columns_key(table.parent)
            except KeyError:
                problems.append(Problem(loc, f"needs a column with ref: {table.parent}.<key>"))
        if not table.columns_of("category") and i == 0:
            problems.append(Problem(loc, "the root table needs a category column"))
        if not table.columns_of("numeric"):
            problems.append(Problem(loc, "needs a numeric column"))
        seen.append(name)
    return problems


@functools.cache
def load_common() -> Common:
    """The shared templates (validated once)."""
    try:
        return Common.model_validate(_read("_common"))
    except ValidationError as exc:
        raise SpecError(_located(exc, "domains/_common.yaml")) from None


def _located(exc: ValidationError, where: str) -> list[Problem]:
    return [Problem(".".join([where, *map(str, e["loc"])]), e["msg"]) for e in exc.errors()]


@functools.cache
def load_domain(name: str) -> Domain:
    """A bundled domain by name (``customer-support`` and ``Customer Support`` work too).

    Raises:
        SpecError: an unknown name (with a did-you-mean) or a domain file
            with problems, each located in the file.
    """
    key = name.strip().lower().replace("-", "_").replace(" ", "_")
    names = domain_names()
    if key not in names:
        close = difflib.get_close_matches(key, names, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise SpecError(f"unknown domain {name!r}{hint}; one of {', '.join(names)}", "--domain")
    where = f"domains/{key}.yaml"
    try:
        domain = Domain.model_validate(_read(key))
    except ValidationError as exc:
        raise SpecError(_located(exc, where)) from None
    problems = _check(domain, load_common(), where)
    if problems:
        raise SpecError(problems)
    return domain
