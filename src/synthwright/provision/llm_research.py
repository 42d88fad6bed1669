"""Research with a model: structured output over what the pages say.

The prompt carries each page's title, description, headings, the priced
items found and the start of its main text, within a character budget; the
answer must validate against a schema whose ``business_domain`` is one of
the bundled domains (the data model comes from that domain's template), and
a bad answer goes back to the model for repair (:func:`llm.complete_json`).
Crawl facts (pages read and skipped, prices and tables found, the offline
domain scores) stay those of the crawl; the model decides the rest. A site's
text is public, so sending it is not sending user data; identical reruns are
answered from the LLM cache.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .domains import domain_names
from .extract import PageInfo
from .research import Research

__all__ = ["research_with_llm"]

_BUDGET = 12_000
_PER_PAGE_TEXT = 1_500


class _Item(BaseModel):
    model_config = ConfigDict(extra="ignore")
    name: str = Field(min_length=1, max_length=80)
    price: float | None = Field(default=None, ge=0)


class _Answer(BaseModel):
    model_config = ConfigDict(extra="ignore")
    company_name: str = Field(min_length=1, max_length=100)
    description: str = Field(max_length=600)
    business_domain: str
    key_entities: list[str] = Field(min_length=1, max_length=12)
    products_or_services: list[_Item] = Field(default_factory=list, max_length=20)

    @field_validator("business_domain")
    @classmethod
    def _known(cls, value: str) -> str:
        names = domain_names()
        if value not in names:
            raise ValueError(f"business_domain must be one of {', '.join(names)}")
        return value


def _schema() -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            "company_name": {"type": "string"},
            "description": {"type": "string", "description": "one or two sentences"},
            "business_domain": {"type": "string", "enum": domain_names()},
            "key_entities": {
                "type": "array",
                "items": {"type": "string"},
                "description": "the things the business's data is about, plural nouns",
            },
            "products_or_services": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "name": {"type": "string"},
                        "price": {"type": ["number", "null"]},
                    },
                    "required": ["name", "price"],
                    "additionalProperties": False,
                },
            },
        },
        "required": [
            "company_name",
            "description",
            "business_domain",
            "key_entities",
            "products_or_services",
        ],
        "additionalProperties": False,
    }


def _digest(url: str, pages: list[PageInfo]) -> str:
    parts = [f"Website: {url}"]
    used = len(parts[0])
    for page in pages:
        items = "; ".join(
            f"{i.name}: {i.price:g}{' ' + i.currency if i.currency else ''}{'/' + i.per if i.per else ''}"
            for i in page.items
            if i.price is not None
        )
        block = "\n".join(
            line
            for line in (
                f"--- page {page.url}",
                f"Title: {page.title}",
                f"Description: {page.description}" if page.description else "",
                "Headings: " + " | ".join(h for _, h in page.headings[:20]),
                f"Priced items: {items}" if items else "",
                "Text: " + page.text[:_PER_PAGE_TEXT],
            )
            if line
        )
        if used + len(block) > _BUDGET:
            break
        parts.append(block)
        used += len(block)
    return "\n\n".join(parts)


def research_with_llm(client: Any, url: str, pages: list[PageInfo], offline: Research) -> Research:
    """The research as the model reads the pages (crawl facts from ``offline``)."""
    from ..llm import complete_json

    messages = [
        {
            "role": "system",
            "content": (
                "You research a company from its website so a sales engineer can build a demo "
                "data warehouse for it. Name the company as it names itself, pick the business "
                "domain that fits best, list its key data entities, and list the products or "
                "services it sells with the price the site shows (null when none)."
            ),
        },
        {"role": "user", "content": _digest(url, pages)},
    ]
    answer = complete_json(
        client,
        messages,
        schema=_schema(),
        name="company_research",
        validate=_Answer.model_validate,
        max_tokens=1200,
        temperature=0.0,
    )
    items = [
        {
            "name": i.name.strip(),
            "price": i.price,
            "currency": None,
            "per": None,
            "source_url": None,
        }
        for i in answer.products_or_services
        if i.name.strip()
    ]
    from .domains import load_domain

    domain = load_domain(answer.business_domain)
    return Research(
        url=url,
        company_name=answer.company_name.strip(),
        description=answer.description.strip(),
        business_domain=domain.name,
        key_entities=[e.strip() for e in answer.key_entities if e.strip()],
        products_or_services=items or offline.products_or_services,
        pages_read=offline.pages_read,
        domain_label=domain.label,
        domain_scores=offline.domain_scores,
        entity_mentions=offline.entity_mentions,
        pages_skipped=offline.pages_skipped,
        prices_found=offline.prices_found,
        tables_found=offline.tables_found,
        source="llm",
    )
