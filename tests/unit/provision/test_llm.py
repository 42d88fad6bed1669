"""Research with a model: the real OpenAI SDK against the local fake provider.

The model's structured answer (company, domain, entities, products with
prices) replaces the offline inference; a bad answer (an unknown domain) is
sent back for repair; the CLI's ``--llm openai`` takes the usual
environment; an identical rerun sends no request (stage reuse, then the LLM
cache).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from synthwright.cli.app import app
from synthwright.llm import LLMConfig, make_client
from synthwright.provision import provision

from ..llm._fake_server import FakeLLMServer, openai_response
from ._sites import SiteServer

KEY = "sk-test-OPENAI-secret-0123456789abcdef"
ANSWER = {
    "company_name": "Paws and Claws Vet",
    "description": "A family veterinary clinic.",
    "business_domain": "veterinary_clinic",
    "key_entities": ["pets", "owners", "visits"],
    "products_or_services": [{"name": "Nose-to-tail check", "price": 70},
                             {"name": "Puppy vaccines", "price": 42.5}],
}  # fmt: skip


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeLLMServer]:
    monkeypatch.setenv("SYNTHWRIGHT_CONFIG", str(tmp_path / "config.yaml"))
    monkeypatch.setenv("SYNTHWRIGHT_CACHE_DIR", str(tmp_path / "cache"))
    for name in ("SYNTHWRIGHT_LLM", "SYNTHWRIGHT_MODEL", "OPENAI_API_KEY", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    with FakeLLMServer() as fake:
        yield fake


def _client(server: FakeLLMServer, tmp_path: Path) -> Any:
    config = LLMConfig(provider="openai", model="gpt-4o-mini", api_key=KEY,
                       base_url=server.url + "/v1", timeout=5.0)  # fmt: skip
    return make_client(config, cache_path=tmp_path / "llm-cache.sqlite")


def test_the_model_researches_and_a_bad_answer_is_repaired(
    vet_site: SiteServer, server: FakeLLMServer, tmp_path: Path
) -> None:
    server.add(openai_response(json.dumps({**ANSWER, "business_domain": "pets"})))
    server.add(openai_response(json.dumps(ANSWER)))
    client = _client(server, tmp_path)
    out = tmp_path / "demo"
    summary = provision(
        vet_site.url, out, scale=0.2, client=client, llm="openai", model="gpt-4o-mini"
    )
    assert len(server.requests) == 2  # the answer, then its repair
    body = server.requests[0]["body"]
    assert body["response_format"]["json_schema"]["name"] == "company_research"
    prompt = body["messages"][-1]["content"]
    assert "Wellness exam: 65 USD" in prompt and "SECRET-STAFF-PAGE" not in prompt
    assert "business_domain must be one of" in server.requests[1]["body"]["messages"][-1]["content"]
    research = json.loads((out / "research.json").read_text())
    assert research["source"] == "llm" and research["company_name"] == "Paws and Claws Vet"
    assert research["pages_read"] and research["domain_scores"]["veterinary_clinic"] > 0
    spec = yaml.safe_load((out / "spec.yaml").read_text())
    assert spec["tables"]["services"]["columns"]["name"]["values"] == [
        "Nose-to-tail check",
        "Puppy vaccines",
    ]
    assert (
        "WHEN 'Puppy vaccines' THEN 42.50" in spec["tables"]["services"]["columns"]["price"]["expr"]
    )
    assert summary["outputs"]["research"]["summary"]["source"] == "llm"
    again = provision(
        vet_site.url,
        tmp_path / "other",
        scale=0.2,
        client=client,
        llm="openai",
        model="gpt-4o-mini",
    )
    assert len(server.requests) == 2  # a new folder, the same request: answered by the LLM cache
    assert again["outputs"]["research"]["summary"]["company_name"] == "Paws and Claws Vet"
    client.close()


def test_the_cli_takes_the_llm_from_flags_and_environment(
    vet_site: SiteServer, server: FakeLLMServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.responder = lambda path, body: openai_response(json.dumps(ANSWER))
    monkeypatch.setenv("OPENAI_BASE_URL", server.url + "/v1")
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    out = tmp_path / "cli"
    argv = [
        "provision",
        "run",
        vet_site.url,
        "--out",
        str(out),
        "--scale",
        "0.2",
        "--llm",
        "openai",
        "--json",
    ]
    first = CliRunner().invoke(app, argv)
    assert first.exit_code == 0, first.output
    assert json.loads(first.output)["company_name"] == "Paws and Claws Vet"
    sent = len(server.requests)
    second = CliRunner().invoke(app, argv)
    assert second.exit_code == 0 and len(server.requests) == sent  # every stage reused
    assert [s["status"] for s in json.loads(second.output)["stages"]] == ["reused"] * 5
