"""From the pages read to what the business is: name, domain, entities, products and prices.

Offline, each bundled domain's weighted keywords are scored against the
main text (a word counts ``1 + ln(count)`` times its weight, again when it
stands in a title, heading or description, and price units such as
``/mo`` or ``/night`` add the domain's ``price_per`` weight); the best
score wins, and a site that matches none gets the general business
domain. The company name is voted on: JSON-LD organisation names, the
``og:site_name``, the title part repeated across pages, the first heading,
the host name. Products and services are the priced items the pages list,
then the entries of lists under a heading with one of the domain's section
words ("Our services", "Menu", "Plans").
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urlsplit

from .domains import FALLBACK, Domain, common_words, load_domain, load_domains
from .extract import Item, PageInfo

__all__ = ["Research", "infer", "score_domains"]

_WORD = re.compile(r"[a-z][a-z'’-]*[a-z]|[a-z]")
_TITLE_SPLIT = re.compile(r"\s+[|–—·:»]\s+|\s+-\s+|\s*\|\s*")


@dataclass
class Research:
    """What ``research.json`` holds (SPEC.md section 6, plus how it was found)."""

    url: str
    company_name: str
    description: str
    business_domain: str
    key_entities: list[str]
    products_or_services: list[dict[str, Any]]
    pages_read: list[str]
    domain_label: str = ""
    domain_scores: dict[str, float] = field(default_factory=dict)
    entity_mentions: dict[str, int] = field(default_factory=dict)
    pages_skipped: list[dict[str, str]] = field(default_factory=list)
    prices_found: int = 0
    tables_found: int = 0
    source: str = "offline"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Research:
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in data.items() if k in known})

    def priced_items(self) -> list[tuple[str, float | None]]:
        return [(str(p["name"]), p.get("price")) for p in self.products_or_services]


def _words(text: str) -> Counter[str]:
    return Counter(_WORD.findall(text.lower()))


def _count(term: str, words: Counter[str], text: str) -> int:
    if " " in term:
        return len(re.findall(rf"\b{re.escape(term)}\b", text))
    return words.get(term, 0)


def score_domains(pages: list[PageInfo], domains: list[Domain] | None = None) -> dict[str, float]:
    """Every domain's score against the pages (higher fits better), rounded."""
    domains = domains or load_domains()
    body = " ".join(p.text for p in pages).lower()
    labels = " ".join(
        [p.title for p in pages]
        + [p.description for p in pages]
        + [h for p in pages for _, h in p.headings]
        + [" ".join(" ".join(r) for r in t[:1]) for p in pages for t in p.tables]
    ).lower()
    body_words, label_words = _words(body), _words(labels)
    units = Counter(price.per for p in pages for price in p.prices if price.per)
    scores: dict[str, float] = {}
    for domain in domains:
        score = 0.0
        for term, weight in domain.keywords.items():
            term = term.lower()
            n = _count(term, body_words, body)
            if n:
                score += weight * (1 + math.log(n))
            if _count(term, label_words, labels):
                score += weight
        for unit, weight in domain.price_per.items():
            if units.get(unit):
                score += weight * (1 + math.log(units[unit]))
        scores[domain.name] = round(score, 3)
    return scores


def _pick_domain(scores: dict[str, float]) -> str:
    ranked = sorted(((s, n) for n, s in scores.items() if n != FALLBACK), reverse=True)
    if not ranked or ranked[0][0] < 6.0:
        return FALLBACK
    return ranked[0][1]


def _title_parts(title: str) -> list[str]:
    return [p.strip() for p in _TITLE_SPLIT.split(title) if p.strip()]


def _company_name(pages: list[PageInfo], url: str) -> str:
    _, page_words = common_words()
    votes: Counter[str] = Counter()
    order: list[str] = []

    def vote(name: str, weight: float) -> None:
        name = name.strip(" -|:·")
        if not name or len(name) > 60 or name.lower() in page_words:
            return
        if name not in order:
            order.append(name)
        votes[name] += weight  # type: ignore[assignment]

    for page in pages:
        for name in page.org_names:
            vote(name, 5)
        if page.site_name:
            vote(page.site_name, 4)
    parts = [_title_parts(p.title) for p in pages if p.title]
    counted = Counter(part for ps in parts for part in set(ps))
    for part, n in counted.items():
        if n >= 2:
            vote(part, 3)
    if parts and len(parts[0]) > 1:
        vote(parts[0][-1], 1.5)
        vote(parts[0][0], 1)
    elif parts:
        vote(parts[0][0], 1.5)
    h1 = next((h for p in pages[:1] for level, h in p.headings if level == 1), "")
    if h1 and len(h1.split()) <= 5:
        vote(h1, 1)
    host = (urlsplit(url).hostname or "").removeprefix("www.").split(".")[0]
    vote(host.replace("-", " ").title() if host and not host[0].isdigit() else "", 0.5)
    if not votes:
        return urlsplit(url).hostname or "The company"
    best = max(votes.values())
    return next(name for name in order if votes[name] == best)


def _description(pages: list[PageInfo]) -> str:
    for page in pages:
        if page.description:
            return page.description
    for page in pages:
        sentences = re.split(r"(?<=[.!?])\s+", page.text)
        text = " ".join(sentences[:2]).strip()
        if text:
            return text[:300]
    return ""


def _clean_items(items: list[Item], domain: Domain) -> list[dict[str, Any]]:
    not_items, _ = common_words()
    seen: set[str] = set()
    kept: list[dict[str, Any]] = []
    for item in items:
        name = item.name.strip()
        key = name.lower()
        if key in seen or key in not_items or len(name) < 3:
            continue
        seen.add(key)
        kept.append(
            {
                "name": name,
                "price": item.price,
                "currency": item.currency,
                "per": item.per,
                "source_url": item.url,
            }
        )
        if len(kept) >= domain.catalog.max_items:
            break
    return kept


def _items(pages: list[PageInfo], domain: Domain) -> list[Item]:
    """Priced items in page order; entries of the domain's catalog sections when few are priced.

    A site that prices at least two things has named its catalogue; the
    bullet points under its pricing cards ("3 users") are not products.
    """
    priced = [item for page in pages for item in page.items]
    if len({item.name.lower() for item in priced}) >= 2:
        return priced
    words = [w.lower() for w in domain.catalog.section_words]
    listed: list[Item] = []
    for page in pages:
        for heading, entries in page.sections:
            if any(re.search(rf"\b{re.escape(w)}\b", heading.lower()) for w in words):
                listed.extend(Item(entry, section=heading, url=page.url) for entry in entries)
    return priced + listed


def _entities(pages: list[PageInfo], domain: Domain) -> dict[str, int]:
    body = " ".join([p.text for p in pages] + [h for p in pages for _, h in p.headings]).lower()
    words = _words(body)
    return {
        label: sum(_count(term.lower(), words, body) for term in terms)
        for label, terms in domain.entities.items()
    }


def infer(
    url: str,
    pages: list[PageInfo],
    *,
    skipped: list[dict[str, str]] | None = None,
    domain_name: str | None = None,
) -> Research:
    """The offline research of a site from its pages (``domain_name`` forces a domain)."""
    scores = score_domains(pages)
    chosen = load_domain(domain_name or _pick_domain(scores))
    mentions = _entities(pages, chosen)
    ranked = sorted(mentions, key=lambda label: (-mentions[label], list(mentions).index(label)))
    return Research(
        url=url,
        company_name=_company_name(pages, url),
        description=_description(pages),
        business_domain=chosen.name,
        key_entities=ranked,
        products_or_services=_clean_items(_items(pages, chosen), chosen),
        pages_read=[p.url for p in pages],
        domain_label=chosen.label,
        domain_scores=dict(sorted(scores.items(), key=lambda kv: -kv[1])),
        entity_mentions=mentions,
        pages_skipped=list(skipped or []),
        prices_found=sum(len(p.prices) for p in pages),
        tables_found=sum(len(p.tables) for p in pages),
    )
