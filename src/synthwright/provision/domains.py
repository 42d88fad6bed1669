"""Business domains as data: one YAML file per domain under ``provision/domains/``.

A domain file holds what tells the business apart (weighted ``keywords``,
the words for its key ``entities``), where its products or services go in
the data (``catalog``: a table whose names and prices come from the site),
the ``roles`` the shared golden questions are written over (who the
customers are, which table holds the transactions), the company ``story``,
a spec template of 4-10 tables with scenarios that plant the facts the
questions need, and the domain's own golden questions. ``_common.yaml``
holds the questions every demo gets. Adding a domain is adding a file; a
malformed one is refused with its file and key named.
"""

from __future__ import annotations

import functools
import re
from importlib import resources
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import Problem, SpecError

__all__ = [
    "CatalogItem",
    "CatalogRole",
    "Domain",
    "GoldenTemplate",
    "common_words",
    "domain_file_text",
    "domain_names",
    "load_common",
    "load_domain",
    "load_domains",
    "render",
]

FALLBACK = "general_business"
_PLACEHOLDER = re.compile(r"\{([a-z_]+(?:\.[a-z_]+)?)\}")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CatalogItem(_Strict):
    """A product or service: its name and, where known, its price."""

    name: str
    price: float | None = None


class CatalogRole(_Strict):
    """The table whose rows are the company's own products or services."""

    table: str
    name: str
    price: str | None = None
    list_price: str | None = None
    label: str
    plural: str
    section_words: list[str] = Field(default_factory=list)
    defaults: list[CatalogItem] = Field(min_length=2)
    max_items: int = Field(default=20, ge=2)


class CustomersRole(_Strict):
    table: str
    name: str
    label: str
    singular: str


class FactsRole(_Strict):
    """The transactions: when, how much, which catalog item, whose."""

    table: str
    time: str
    amount: str
    label: str
    singular: str
    verb: str
    join: str = ""
    customer: str
    catalog_join: str = ""
    catalog_key: str


class Roles(_Strict):
    customers: CustomersRole
    facts: FactsRole


class GoldenTemplate(_Strict):
    """A business question with its gold SQL and, where one can be made, a second form."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    question: str
    difficulty: Literal["easy", "medium", "hard"]
    compare: Literal["ordered", "unordered"]
    sql: str
    alt_sql: str | None = None


class Domain(_Strict):
    name: str
    label: str
    keywords: dict[str, float]
    entities: dict[str, list[str]]
    catalog: CatalogRole
    price_columns: list[str] = Field(default_factory=list)
    price_per: dict[str, float] = Field(default_factory=dict)
    year: int = 2024
    roles: Roles
    story: str
    spec: dict[str, Any]
    golden: list[GoldenTemplate] = Field(default_factory=list)
    skip_common: list[str] = Field(default_factory=list)
    source: str = ""

    def placeholders(self) -> dict[str, str]:
        """Every ``{name}`` a golden template may use, with this domain's value."""
        c, f, cat = self.roles.customers, self.roles.facts, self.catalog
        return {
            "customers": c.table,
            "customers.name": c.name,
            "customers.label": c.label,
            "customers.singular": c.singular,
            "facts": f.table,
            "facts.time": f.time,
            "facts.amount": f.amount,
            "facts.label": f.label,
            "facts.singular": f.singular,
            "facts.verb": f.verb,
            "facts.join": f.join,
            "facts.customer": f.customer,
            "facts.catalog_join": f.catalog_join,
            "facts.catalog_key": f.catalog_key,
            "catalog": cat.table,
            "catalog.name": cat.name,
            "catalog.label": cat.label,
            "catalog.plural": cat.plural,
            "catalog.label_column": re.sub(r"[^a-z0-9]+", "_", cat.label.lower()).strip("_"),
            "year": str(self.year),
            "next_year": str(self.year + 1),
        }

    def golden_templates(self) -> list[GoldenTemplate]:
        """The shared questions (less those the domain skips), then the domain's own."""
        common = [g for g in load_common() if g.id not in self.skip_common]
        return [*common, *self.golden]


class _Common(_Strict):
    golden: list[GoldenTemplate]
    not_items: list[str] = Field(default_factory=list)
    page_words: list[str] = Field(default_factory=list)


def render(text: str, values: dict[str, str], where: str) -> str:
    """``text`` with every ``{name}`` replaced; an unknown name is a located error."""

    def one(match: re.Match[str]) -> str:
        key = match.group(1)
        if key not in values:
            raise SpecError(f"unknown placeholder {{{key}}}", where)
        return values[key]

    return _PLACEHOLDER.sub(one, text)


def _read(name: str) -> Any:
    path = resources.files("synthwright.provision") / "domains" / f"{name}.yaml"
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SpecError(f"no domain file {name}.yaml", "domain") from None
    except yaml.YAMLError as exc:
        raise SpecError(f"not valid YAML: {exc}", f"provision/domains/{name}.yaml") from None


def _problems(exc: ValidationError, file: str) -> SpecError:
    return SpecError(
        [
            Problem(f"{file}:" + ".".join(str(p) for p in item["loc"]), item["msg"])
            for item in exc.errors()
        ]
    )


def domain_names() -> list[str]:
    """Every bundled domain, sorted (the shared ``_common`` file is not one)."""
    folder = resources.files("synthwright.provision") / "domains"
    return sorted(
        entry.name[: -len(".yaml")]
        for entry in folder.iterdir()
        if entry.name.endswith(".yaml") and not entry.name.startswith("_")
    )


@functools.cache
def load_domain(name: str) -> Domain:
    """One domain, validated (placeholders in its questions included)."""
    file = f"provision/domains/{name}.yaml"
    raw = _read(name)
    if not isinstance(raw, dict):
        raise SpecError("a domain file is a mapping", file)
    try:
        domain = Domain.model_validate({**raw, "source": file})
    except ValidationError as exc:
        raise _problems(exc, file) from None
    if domain.name != name:
        raise SpecError(f"name {domain.name!r} differs from the file name", f"{file}:name")
    values = domain.placeholders()
    for i, template in enumerate(domain.golden_templates()):
        for text in (template.question, template.sql, template.alt_sql or ""):
            render(text, values, f"{file}:golden[{i}] ({template.id})")
    return domain


@functools.lru_cache(maxsize=1)
def _load_common_file() -> _Common:
    try:
        return _Common.model_validate(_read("_common"))
    except ValidationError as exc:
        raise _problems(exc, "provision/domains/_common.yaml") from None


def load_common() -> tuple[GoldenTemplate, ...]:
    """The golden questions every demo gets (``_common.yaml``)."""
    return tuple(_load_common_file().golden)


def common_words() -> tuple[frozenset[str], frozenset[str]]:
    """(words that are never an item, words that make a title part a page name)."""
    common = _load_common_file()
    return frozenset(w.lower() for w in common.not_items), frozenset(
        w.lower() for w in common.page_words
    )


def load_domains() -> list[Domain]:
    """Every bundled domain."""
    return [load_domain(name) for name in domain_names()]


def domain_file_text(name: str) -> str:
    """The raw text of a domain file (part of a stage's inputs: edited knowledge reruns it)."""
    folder = resources.files("synthwright.provision") / "domains"
    return (folder / f"{name}.yaml").read_text(encoding="utf-8") + (
        folder / "_common.yaml"
    ).read_text(encoding="utf-8")
