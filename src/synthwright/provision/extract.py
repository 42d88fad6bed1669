"""What one HTML page says: title, description, headings, tables, prices, items, main text.

The main text comes from trafilatura (boilerplate -- menus, footers, cookie
banners -- left out), which is what the domain is scored on; the structure
(titles, meta descriptions, JSON-LD names, headings, tables, lists) comes
from the page itself through lxml, because that is where a business names
itself and lists what it sells. Prices are read in the usual notations
(``$45``, ``45,00 €``, ``USD 1,200``, ``$19/mo``); an *item* is a name with
a price beside it (a table row, a list entry, a pricing card under its
heading) or an entry of a list under a heading such as "Our services".
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

__all__ = ["Item", "PageInfo", "Price", "extract_page", "links_of", "parse_prices"]

_NUM = r"\d{1,3}(?:[,.\u00a0 ]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"
_PRICE = re.compile(
    rf"(?P<c1>US\$|[$€£¥]|USD|EUR|GBP|CHF|CAD|AUD)\s?(?P<n1>{_NUM})(?![\d])"
    rf"|(?<![\w.,])(?P<n2>{_NUM})\s?(?P<c2>€|£|EUR|USD|GBP|CHF|\$)",
    re.I,
)
_PER = re.compile(
    r"^\s*(?:/\s*|per\s+|a\s+)(?P<per>mo(?:nth)?|yr|year|night|hour|hr|session|visit|kg|user|seat|week|day|class)\b",
    re.I,
)
_CURRENCY = {"$": "USD", "US$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY"}
_SEPARATORS = " \t\n\u00a0-–—:|·•,()*"
_PREFIXES = re.compile(r"^(?:from|starting at|starts at|only|just|price|prices?:)\s+", re.I)
_SUFFIXES = re.compile(r"\s+(?:from|starting at|starts at|only|just|for|at)$", re.I)


@dataclass(frozen=True)
class Price:
    amount: float
    currency: str
    per: str | None = None


@dataclass
class Item:
    """A product or service the page names; ``price`` where one stands beside it."""

    name: str
    price: float | None = None
    currency: str | None = None
    per: str | None = None
    section: str | None = None
    url: str | None = None


@dataclass
class PageInfo:
    url: str
    title: str = ""
    description: str = ""
    site_name: str = ""
    org_names: list[str] = field(default_factory=list)
    headings: list[tuple[int, str]] = field(default_factory=list)
    tables: list[list[list[str]]] = field(default_factory=list)
    prices: list[Price] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    sections: list[tuple[str, list[str]]] = field(default_factory=list)
    text: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "title": self.title,
            "description": self.description,
            "headings": [text for _, text in self.headings],
            "tables": len(self.tables),
            "prices": len(self.prices),
            "items": [i.name for i in self.items],
        }


def _number(text: str) -> float | None:
    raw = text.replace("\u00a0", "").replace(" ", "")
    if "," in raw and "." in raw:
        decimal = "," if raw.rfind(",") > raw.rfind(".") else "."
        raw = raw.replace("." if decimal == "," else ",", "").replace(decimal, ".")
    elif "," in raw:
        head, _, tail = raw.rpartition(",")
        raw = f"{head.replace(',', '')}.{tail}" if len(tail) <= 2 else raw.replace(",", "")
    elif raw.count(".") > 1 or (raw.count(".") == 1 and len(raw.rpartition(".")[2]) == 3):
        raw = raw.replace(".", "")
    try:
        value = float(raw)
    except ValueError:
        return None
    return value if 0 < value < 1e9 else None


def parse_prices(text: str) -> list[tuple[Price, int, int]]:
    """Every price in ``text`` with its span (start, end including a ``/mo`` suffix)."""
    found: list[tuple[Price, int, int]] = []
    for match in _PRICE.finditer(text):
        symbol = match.group("c1") or match.group("c2") or ""
        amount = _number(match.group("n1") or match.group("n2") or "")
        if amount is None:
            continue
        end = match.end()
        per = None
        suffix = _PER.match(text[end:])
        if suffix:
            per = suffix.group("per").lower()
            end += suffix.end()
        currency = _CURRENCY.get(symbol, symbol.upper())
        found.append((Price(amount, currency, per), match.start(), end))
    return found


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def _label(text: str) -> str:
    """An item name out of the text around a price (separators and 'from' dropped)."""
    name = _clean(text).strip(_SEPARATORS)
    name = _PREFIXES.sub("", name)
    name = _SUFFIXES.sub("", name).strip(_SEPARATORS)
    return name if re.search(r"[^\W\d_]{3}", name) and len(name) <= 80 else ""


def links_of(html: str, base: str) -> list[str]:
    """Absolute targets of the page's ``<a href>`` links, in page order."""
    doc = _parse(html)
    if doc is None:
        return []
    bases = doc.xpath("//base/@href")
    root = urljoin(base, str(bases[0])) if bases else base
    return [urljoin(root, str(href).strip()) for href in doc.xpath("//a/@href")]


def _parse(html: str) -> Any:
    import lxml.html
    from lxml import etree

    try:
        return lxml.html.fromstring(html)
    except (etree.ParserError, ValueError):
        return None


def extract_page(html: str, url: str) -> PageInfo:
    """Everything :mod:`.research` needs from one page."""
    info = PageInfo(url)
    doc = _parse(html)
    if doc is None:
        return info
    for bad in doc.xpath("//script[not(@type='application/ld+json')]|//style|//noscript"):
        bad.drop_tree()
    info.title = _clean(" ".join(doc.xpath("//title//text()")))
    info.description = _meta(doc, "description") or _meta(doc, "og:description")
    info.site_name = _meta(doc, "og:site_name") or _meta(doc, "application-name")
    info.org_names = _jsonld_names(doc)
    for element in doc.xpath("//h1|//h2|//h3|//h4"):
        text = _clean(element.text_content())
        if text:
            info.headings.append((int(element.tag[1]), text))
    info.tables = [_table_rows(t) for t in doc.xpath("//table")]
    body_text = _clean(" ".join(doc.xpath("//body//text()")))
    info.prices = [p for p, _, _ in parse_prices(body_text)]
    info.items = _items(doc, info.tables, url)
    info.sections = _sections(doc)
    info.text = _main_text(html, url) or body_text
    return info


def _meta(doc: Any, name: str) -> str:
    for attr in ("name", "property"):
        values = doc.xpath(f"//meta[@{attr}=$n]/@content", n=name)
        if values:
            return _clean(str(values[0]))
    return ""


def _jsonld_names(doc: Any) -> list[str]:
    """Names of organisations a page declares in JSON-LD (LocalBusiness, Organization...)."""
    names: list[str] = []

    def visit(node: Any) -> None:
        if isinstance(node, list):
            for item in node:
                visit(item)
        elif isinstance(node, dict):
            kind = node.get("@type")
            kinds = kind if isinstance(kind, list) else [kind]
            if isinstance(node.get("name"), str) and any(
                isinstance(k, str) and k not in ("WebPage", "WebSite", "BreadcrumbList", "Offer")
                for k in kinds
            ):
                names.append(_clean(node["name"]))
            for key in ("@graph", "publisher", "provider", "brand"):
                if key in node:
                    visit(node[key])

    for script in doc.xpath("//script[@type='application/ld+json']"):
        try:
            visit(json.loads(script.text_content() or "null"))
        except ValueError:
            continue
        finally:
            script.drop_tree()
    return [n for n in names if n]


def _table_rows(table: Any) -> list[list[str]]:
    return [
        [_clean(cell.text_content()) for cell in row.xpath("./th|./td")]
        for row in table.xpath(".//tr")
    ]


def _items(doc: Any, tables: list[list[list[str]]], url: str) -> list[Item]:
    """Names with a price beside them: table rows, then list entries, paragraphs and cards."""
    items: list[Item] = []
    for rows in tables:
        for row in rows:
            priced = [(i, parse_prices(cell)) for i, cell in enumerate(row)]
            hit = next(((i, found[0][0]) for i, found in priced if found), None)
            if hit is None:
                continue
            name = next(
                (_label(cell) for j, cell in enumerate(row) if j != hit[0] and _label(cell)), ""
            )
            if name:
                items.append(Item(name, hit[1].amount, hit[1].currency, hit[1].per, "table", url))
    for element in doc.xpath(
        "//li|//p|//dd|//div[not(*)]|//span[not(*)]|//td[not(ancestor::table)]"
    ):
        if element.xpath("ancestor::table"):
            continue
        text = _clean(element.text_content())
        if not text or len(text) > 160:
            continue
        found = parse_prices(text)
        if len(found) != 1:
            continue
        price, start, end = found[0]
        name = _label(text[:start]) or _label(text[end:])
        if not name:
            name = _heading_before(element)
        if name:
            items.append(Item(name, price.amount, price.currency, price.per, "text", url))
    seen: set[str] = set()
    unique = []
    for item in items:
        key = item.name.lower()
        if key not in seen:
            seen.add(key)
            unique.append(item)
    return unique


def _heading_before(element: Any) -> str:
    """The nearest heading above ``element`` inside its card (up to three ancestors)."""
    node = element
    for _ in range(3):
        parent = node.getparent()
        if parent is None:
            break
        before = []
        for child in parent:
            if child is node:
                break
            before.extend(
                child.xpath(
                    "descendant-or-self::*[self::h2 or self::h3 or self::h4 or self::h5 or self::strong or self::b]"
                )
            )
        if before:
            label = _label(before[-1].text_content())
            if label:
                return label
        node = parent
    return ""


def _sections(doc: Any) -> list[tuple[str, list[str]]]:
    """Lists and sub-headings grouped under the heading above them (``Our services: [...]``)."""
    sections: list[tuple[str, list[str]]] = []
    current = ""
    entries: list[str] = []
    for element in doc.iter("h1", "h2", "h3", "h4", "li"):
        text = _clean(element.text_content())
        if element.tag in ("h1", "h2"):
            if entries:
                sections.append((current, entries))
            current, entries = text, []
        elif element.tag in ("h3", "h4") or (
            element.tag == "li" and not element.xpath("ancestor::nav")
        ):
            label = _label(re.split(r"[—–:|]| - ", text)[0]) if text else ""
            if label and len(label) <= 60:
                entries.append(label)
    if entries:
        sections.append((current, entries))
    return sections


def _main_text(html: str, url: str) -> str:
    """The page's main text by trafilatura ('' when it finds none)."""
    try:
        import trafilatura
    except ImportError:  # the provision extra is not installed: structure-only reading
        return ""
    text = trafilatura.extract(
        html, url=url, include_tables=True, include_comments=False, favor_recall=True
    )
    return _clean(text or "")
