"""Every bundled domain: a valid file, a 4-10 table spec, and at least eight sound golden queries."""

from __future__ import annotations

from pathlib import Path

import pytest

import synthwright as sw
from synthwright.provision import warehouse
from synthwright.provision.domains import domain_names, load_domain
from synthwright.provision.golden import MIN_QUESTIONS, build_golden
from synthwright.provision.model import build_spec
from synthwright.provision.research import Research

REQUIRED = {"veterinary_clinic", "saas", "restaurant", "ecommerce", "dental_practice",
            "gym_fitness", "law_firm", "real_estate", "hotel", "logistics"}  # fmt: skip


def _research(domain: str, items: list[dict[str, object]] | None = None) -> Research:
    return Research(url=f"https://{domain}.example/", company_name=f"Acme {domain}", description="",
                    business_domain=domain, key_entities=[], products_or_services=items or [],
                    pages_read=[])  # fmt: skip


def test_the_required_domains_are_bundled() -> None:
    assert set(domain_names()) >= REQUIRED


@pytest.mark.parametrize("name", domain_names())
def test_a_domain_provisions_with_sound_golden_queries(name: str, tmp_path: Path) -> None:
    domain = load_domain(name)
    spec = build_spec(_research(name), domain, scale=0.3)
    assert 4 <= len(spec["tables"]) <= 10
    assert spec["scenarios"], "a domain plants the facts its questions need"
    url = f"duckdb:///{tmp_path / 'w.duckdb'}"
    summary = warehouse.load(spec, url)
    assert summary["comments"] == "tables and columns"
    report = build_golden(domain, url)
    assert MIN_QUESTIONS <= len(report.queries) <= 15, report.dropped
    assert not report.dropped, report.dropped
    assert sum(1 for q in report.queries if q.get("forms_agree")) >= 8
    assert {q["difficulty"] for q in report.queries} == {"easy", "medium", "hard"}


def test_the_sites_products_and_prices_become_the_catalogue() -> None:
    items = [{"name": "Wellness exam", "price": 65.0}, {"name": "O'Malley special", "price": 120.0},
             {"name": "Nail trim", "price": None}]  # fmt: skip
    domain = load_domain("veterinary_clinic")
    spec = build_spec(_research("veterinary_clinic", items), domain)
    services = sw.generate(spec)["services"].to_pylist()
    assert sorted(s["name"] for s in services) == ["Nail trim", "O'Malley special", "Wellness exam"]
    price = {s["name"]: float(s["price"]) for s in services}
    assert price["Wellness exam"] == 65.0 and price["O'Malley special"] == 120.0
    assert 65.0 <= price["Nail trim"] <= 120.0  # unpriced: drawn in the site's range
    assert spec["seed"] == build_spec(_research("veterinary_clinic", items), domain)["seed"]


def test_scale_multiplies_growing_tables_only() -> None:
    domain = load_domain("hotel")
    small, big = (build_spec(_research("hotel"), domain, scale=s) for s in (0.5, 2.0))
    assert big["tables"]["guests"]["rows"] == 4 * small["tables"]["guests"]["rows"]
    assert big["tables"]["room_types"]["rows"] == small["tables"]["room_types"]["rows"]
