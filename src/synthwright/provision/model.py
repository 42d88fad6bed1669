"""The data model of a demo: the domain's spec template, made the company's own.

The template (4-10 tables with keys, distributions and planting scenarios)
comes from the domain file; what the site says goes into it: the catalog
table gets one row per product or service the site lists (its name column
takes exactly those names), the listed prices become the price of each
(``CASE name WHEN ... END``) and the range every other price is drawn from,
and the domain's ``price_columns`` (a property's asking price) follow the
site's price range too. Row counts of the tables that grow with a business
are multiplied by ``--scale``; catalogue and staff tables (``fixed: true``)
keep theirs. The seed comes from the URL, so one site gives one demo. The
result is compiled by the engine before it is returned: a spec that would
not generate is never saved.
"""

from __future__ import annotations

import copy
import hashlib
import re
from typing import Any

from ..errors import GenerationError, Problem, SpecError
from .domains import CatalogItem, Domain
from .research import Research

__all__ = ["build_spec", "catalog_items", "seed_for"]

_MAX_NAME = 60


def seed_for(url: str) -> int:
    """A stable seed per site (one site, one demo)."""
    return int(hashlib.sha256(url.encode("utf-8")).hexdigest()[:8], 16) % 1_000_000


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")[:40] or "demo"


def catalog_items(research: Research, domain: Domain) -> list[CatalogItem]:
    """The site's products or services (at least two), else the domain's defaults."""
    items: list[CatalogItem] = []
    seen: set[str] = set()
    for entry in research.products_or_services:
        name = re.sub(r"\s+", " ", str(entry.get("name") or "")).strip()[:_MAX_NAME]
        if not name or name.lower() in seen:
            continue
        seen.add(name.lower())
        price = entry.get("price")
        items.append(CatalogItem(name=name, price=float(price) if price else None))
        if len(items) >= domain.catalog.max_items:
            break
    return items if len(items) >= 2 else list(domain.catalog.defaults)


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _range(prices: list[float]) -> tuple[float, float]:
    lo, hi = min(prices), max(prices)
    if hi - lo < 0.01:
        lo, hi = lo * 0.8, hi * 1.2
    return round(lo, 2), round(hi, 2)


def _fill_catalog(tables: dict[str, Any], domain: Domain, items: list[CatalogItem]) -> None:
    role = domain.catalog
    table = tables[role.table]
    table["rows"] = len(items)
    table["columns"][role.name] = {
        **table["columns"][role.name],
        "values": [item.name for item in items],
        "unique": True,
    }
    priced = [item for item in items if item.price is not None]
    if role.list_price and priced:
        lo, hi = _range([float(i.price) for i in priced if i.price is not None])
        table["columns"][role.list_price].update({"min": lo, "max": hi})
    if role.price and priced:
        whens = " ".join(
            f"WHEN {_literal(item.name)} THEN {float(item.price):.2f}"
            for item in priced
            if item.price is not None
        )
        fallback = role.list_price or "NULL"
        table["columns"][role.price] = {
            **table["columns"][role.price],
            "expr": f"CASE {role.name} {whens} ELSE {fallback} END",
        }


def _fill_price_columns(tables: dict[str, Any], domain: Domain, research: Research) -> None:
    """Site prices in a column's plausible band become that column's range."""
    prices = [float(p["price"]) for p in research.products_or_services if p.get("price")]
    for target in domain.price_columns:
        name, _, column = target.partition(".")
        col = tables[name]["columns"][column]
        lo, hi = float(col["min"]), float(col["max"])
        fitting = [p for p in prices if lo / 10 <= p <= hi * 10]
        if len(fitting) >= 2:
            col["min"], col["max"] = _range(fitting)


def _scale(spec: dict[str, Any], scale: float) -> None:
    for table in spec["tables"].values():
        if "rows" in table and not table.get("fixed"):
            table["rows"] = max(1, round(table["rows"] * scale))
        table.pop("fixed", None)
    for scenarios in spec.get("scenarios", {}).values():
        for scenario in scenarios:
            if "count" in scenario:
                scenario["count"] = max(1, round(scenario["count"] * scale))


def build_spec(research: Research, domain: Domain, *, scale: float = 1.0) -> dict[str, Any]:
    """The demo's spec (a plain dict, compiled by the engine before it is returned).

    Raises:
        GenerationError: the template and the site's items do not make a valid
            spec (a bug in a domain file, reported with every problem located).
    """
    items = catalog_items(research, domain)
    spec = copy.deepcopy(domain.spec)
    tables = spec["tables"]
    _fill_catalog(tables, domain, items)
    _fill_price_columns(tables, domain, research)
    _scale(spec, scale)
    full = {
        "version": 1,
        "name": _slug(research.company_name),
        "description": f"Demo warehouse of {research.company_name} ({domain.label}), from {research.url}",
        "seed": seed_for(research.url),
        "locale": "en_US",
        **spec,
    }
    _compile(full, domain)
    return full


def _compile(spec: dict[str, Any], domain: Domain) -> None:
    from .. import api

    try:
        api.generate(spec)  # compiles (capacity, references, expressions); generates nothing yet
    except SpecError as exc:
        raise GenerationError(
            [Problem(f"{domain.source}: {p.location}", p.message) for p in exc.problems]
        ) from None
