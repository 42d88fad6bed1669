"""The LLM agent gets the lexicon's candidates for each field, through the official SDKs.

The fake provider (tests/unit/llm/_fake_server.py) records what the SDK sent: the
first user message carries the lexicon's context for the request (entities, fields
with their types and ranges). The spec the model then proposes is scored with the
corpus criteria (bench/planner.py), like the offline planner's.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from bench.planner import criteria, load

from synthwright.llm import LLMConfig, RetryPolicy, make_client
from synthwright.planner.agent import plan_with_agent
from synthwright.planner.context import lexicon_context
from synthwright.spec import spec_to_data
from tests.unit.llm._fake_server import FakeLLMServer, anthropic_response, openai_response

LIBRARY = next(c for c in load("tune") if c["id"] == "t001")

# what a model that read the context would propose for the library request
PROPOSAL: dict[str, Any] = {
    "version": 1,
    "name": "library",
    "tables": {
        "books": {
            "rows": 300,
            "columns": {
                "id": {"type": "id"},
                "title": {"type": "text", "unit": "words", "min": 1, "max": 5},
                "author": {"type": "full_name"},
                "isbn": {"type": "isbn", "unique": True},
                "publication_year": {"type": "int", "min": 1800, "max": 2024},
            },
        },
        "members": {
            "rows": 1000,
            "columns": {"id": {"type": "id"}, "full_name": {"type": "full_name"}},
        },
        "loans": {
            "per_parent": {
                "table": "members",
                "dist": {"poisson": {"lam": 4}},
                "min": 0,
                "max": 12,
            },
            "columns": {
                "id": {"type": "id"},
                "member_id": {"ref": "members.id"},
                "book_id": {"ref": "books.id"},
                "loaned_at": {"type": "datetime", "min": "2024-01-01", "max": "2024-12-31"},
                "returned_at": {"type": "datetime", "after": "loaned_at", "within": "30d"},
            },
        },
    },
}


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SYNTHWRIGHT_CONFIG", str(tmp_path / "config.yaml"))
    monkeypatch.setenv("SYNTHWRIGHT_CACHE_DIR", str(tmp_path / "cache"))
    for name in ("SYNTHWRIGHT_LLM", "OPENAI_API_KEY", "ANTHROPIC_API_KEY", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def server() -> Iterator[FakeLLMServer]:
    with FakeLLMServer() as fake:
        yield fake


def _turn(provider: str, calls: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    if provider == "openai":
        return openai_response(None, calls)  # type: ignore[arg-type]
    return anthropic_response(None, calls)


def _first_user_text(provider: str, body: dict[str, Any]) -> str:
    for message in body["messages"]:
        if message["role"] != "user":
            continue
        content = message["content"]
        if isinstance(content, str):
            return content
        return "".join(part.get("text", "") for part in content if isinstance(part, dict))
    raise AssertionError("no user message")


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_agent_context_and_criteria(server: FakeLLMServer, tmp_path: Path, provider: str) -> None:
    server.add(
        _turn(provider, [("propose_spec", {"spec": PROPOSAL})]),
        _turn(provider, [("final", {"assumptions": ["members have about 4 loans"]})]),
    )
    config = LLMConfig(
        provider=provider,
        model="gpt-4o-mini" if provider == "openai" else "claude-haiku-4-5",
        api_key="sk-test-0123456789abcdef0123",
        base_url=server.url + "/v1" if provider == "openai" else server.url,
        timeout=5.0,
        cache=False,
    )
    client = make_client(
        config, cache_path=tmp_path / "llm.sqlite", retry=RetryPolicy(base_delay=0.01)
    )
    result = plan_with_agent(LIBRARY["prompt"], client)
    assert result.source == "llm"
    sent = _first_user_text(provider, server.requests[0]["body"])
    assert lexicon_context(LIBRARY["prompt"]) in sent
    for expected in (
        "field 'author': author: full_name",
        "field 'isbn': isbn: isbn",
        "publication_year: int 1800..",
        "entity book_loans (table loans)",
        "links members and books",
    ):
        assert expected in sent, expected
    results = criteria(LIBRARY["expect"], spec_to_data(result.spec))
    failed = [label for _, label, ok in results if not ok]
    assert failed == [], json.dumps(failed)
