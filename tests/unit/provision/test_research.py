"""Reading pages and inferring the business: prices, items, names, domains, entities."""

from __future__ import annotations

from pathlib import Path

import pytest

from synthwright.provision.extract import extract_page, parse_prices
from synthwright.provision.fetch import crawl, read_saved
from synthwright.provision.research import infer

from ._sites import SiteServer


@pytest.mark.parametrize(
    ("text", "amount", "currency", "per"),
    [
        ("only $19/mo", 19.0, "USD", "mo"),
        ("45,00 € per visit", 45.0, "EUR", "visit"),
        ("USD 1,200", 1200.0, "USD", None),
        ("£7.50", 7.5, "GBP", None),
        ("$450,000", 450000.0, "USD", None),
        ("1.234,56 EUR", 1234.56, "EUR", None),
        ("$129 / night", 129.0, "USD", "night"),
    ],
)
def test_prices_in_the_usual_notations(
    text: str, amount: float, currency: str, per: str | None
) -> None:
    (price, _, _), *_ = parse_prices(text)
    assert (price.amount, price.currency, price.per) == (amount, currency, per)


def test_no_price_in_plain_numbers() -> None:
    assert parse_prices("Open since 2009, 4 vets, call 555 0100") == []


def test_items_from_tables_cards_and_lists() -> None:
    html = """<html><head><title>Shop | Acme</title><meta name="description" content="We sell.">
    <script type="application/ld+json">{"@type": "Store", "name": "Acme Goods"}</script></head><body>
    <table><tr><th>Item</th><th>Price</th></tr><tr><td>Blue mug</td><td>$12.00</td></tr></table>
    <div class="card"><h3>Gold plan</h3><p class="price">$49<span>/mo</span></p></div>
    <h2>Our products</h2><ul><li>Red kettle — $35</li><li>Tea towel</li></ul></body></html>"""
    page = extract_page(html, "http://x/")
    items = {(i.name, i.price, i.per) for i in page.items}
    assert {
        ("Blue mug", 12.0, None),
        ("Gold plan", 49.0, "mo"),
        ("Red kettle", 35.0, None),
    } <= items
    assert page.org_names == ["Acme Goods"] and page.description == "We sell."
    assert ("Our products", ["Red kettle", "Tea towel"]) in page.sections


def _research(site: SiteServer, tmp_path: Path) -> dict[str, object]:
    result = crawl(site.url, tmp_path)
    pages = [extract_page(read_saved(tmp_path, p), p.url) for p in result.read()]
    return infer(result.start_url, pages).to_dict()


def test_the_vet_clinic(vet_site: SiteServer, tmp_path: Path) -> None:
    r = _research(vet_site, tmp_path)
    assert r["company_name"] == "Paws & Claws Veterinary Clinic"
    assert r["business_domain"] == "veterinary_clinic"
    assert "Maplewood" in str(r["description"])
    items = {(p["name"], p["price"]) for p in r["products_or_services"]}  # type: ignore[attr-defined, index]
    assert (
        ("Wellness exam", 65.0) in items and ("Dental cleaning", 320.0) in items and len(items) == 6
    )
    assert {"pets", "pet owners", "visits"} <= set(r["key_entities"])  # type: ignore[arg-type]


def test_the_saas_company(saas_site: SiteServer, tmp_path: Path) -> None:
    r = _research(saas_site, tmp_path)
    assert (r["company_name"], r["business_domain"]) == ("Cloudlytics", "saas")
    plans = [(p["name"], p["price"], p["per"]) for p in r["products_or_services"]]  # type: ignore[attr-defined, index]
    assert plans == [("Starter", 19.0, "mo"), ("Growth", 49.0, "mo"), ("Business", 199.0, "mo"),
                     ("Enterprise", 899.0, "mo")]  # fmt: skip


def test_the_restaurant(restaurant_site: SiteServer, tmp_path: Path) -> None:
    r = _research(restaurant_site, tmp_path)
    assert (r["company_name"], r["business_domain"]) == ("Trattoria Bella Vista", "restaurant")
    names = [p["name"] for p in r["products_or_services"]]  # type: ignore[attr-defined, index]
    assert "Pizza Margherita" in names and "Tiramisù" in names
    assert r["domain_scores"]["restaurant"] > 3 * r["domain_scores"]["hotel"]  # type: ignore[index]


def test_an_unclear_site_gets_the_general_business_domain() -> None:
    page = extract_page(
        "<html><head><title>Hello</title></head><body><p>We do things.</p></body></html>",
        "https://a.example/",
    )
    r = infer("https://a.example/", [page])
    assert r.business_domain == "general_business" and r.company_name == "Hello"
