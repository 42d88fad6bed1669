"""The LLM path through synthwright.llm: official SDKs against local fake servers.

Anthropic is the primary and an OpenAI-compatible server the fallback (the
issue's deployment); both are `tests/unit/llm/_fake_server.py` started here.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from synthwright.llm import LLMConfig, resolve_config
from synthwright.service.core import DataService
from synthwright.service.models import GenerateRequest
from tests.unit.llm._fake_server import (
    FakeLLMServer,
    anthropic_response,
    error,
    openai_response,
)

from .conftest import small_settings

pytestmark = pytest.mark.anyio

KEY_A = "sk-ant-test-PRIMARYKEY0123456789abcdef"
KEY_O = "sk-test-FALLBACKKEY0123456789abcdef"
REVIEW = {"entity": "review", "count": 3, "seed": 4, "context": "kettles"}


def _count(body: dict[str, Any]) -> int:
    user = next(m for m in body["messages"] if m["role"] == "user")["content"]
    text = user if isinstance(user, str) else user[0]["text"]
    return int(text.split("for each of the ")[1].split(" ")[0])


def _records(body: dict[str, Any], word: str) -> dict[str, Any]:
    return {
        "records": [
            {"title": f"{word} title {i}", "body": f"{word} body {i}."} for i in range(_count(body))
        ]
    }


def answer(word: str) -> Any:
    """A responder writing valid records for either API."""

    def respond(path: str, body: dict[str, Any]) -> dict[str, Any]:
        if "/messages" in path:
            return anthropic_response(tool_calls=[("records", _records(body, word))])
        return openai_response(json.dumps(_records(body, word)))

    return respond


@pytest.fixture
def servers() -> Iterator[tuple[FakeLLMServer, FakeLLMServer]]:
    with FakeLLMServer() as primary, FakeLLMServer() as fallback:
        yield primary, fallback


def _config(primary: FakeLLMServer, fallback: FakeLLMServer | None) -> LLMConfig:
    env = {
        "SYNTHWRIGHT_LLM": "anthropic",
        "ANTHROPIC_API_KEY": KEY_A,
        "ANTHROPIC_BASE_URL": primary.url,
        "OPENAI_API_KEY": KEY_O,
        "SYNTHWRIGHT_CONFIG": "/nonexistent/config.yaml",
    }
    if fallback is not None:
        env["SYNTHWRIGHT_LLM_FALLBACK"] = "openai"
        env["SYNTHWRIGHT_LLM_FALLBACK_BASE_URL"] = fallback.url + "/v1"
    config = resolve_config(env=env, path=Path("/nonexistent/config.yaml"))
    second = config.fallback.with_overrides(cache=False) if config.fallback else None
    return config.with_overrides(cache=False, fallback=second)


async def _generate(config: LLMConfig, timeout_s: float = 5.0, **body: Any) -> Any:
    settings = small_settings(pool_records=0, llm_timeout_s=timeout_s)
    service = DataService(settings, llm_config=config)
    try:
        result = await service.generate(GenerateRequest.model_validate(body or REVIEW))
        return result, service.metrics.render().decode()
    finally:
        await service.close()


def test_fallback_is_one_settings_model() -> None:
    env = {
        "SYNTHWRIGHT_LLM": "anthropic",
        "ANTHROPIC_API_KEY": KEY_A,
        "SYNTHWRIGHT_LLM_FALLBACK": "openai",
        "SYNTHWRIGHT_LLM_FALLBACK_BASE_URL": "http://127.0.0.1:8000/v1",
        "SYNTHWRIGHT_LLM_FALLBACK_MODEL": "qwen2.5",
    }
    config = resolve_config(env=env, path=Path("/nonexistent/config.yaml"))
    assert config.provider == "anthropic" and config.fallback is not None
    assert config.fallback.provider == "openai" and config.fallback.model == "qwen2.5"
    assert config.fallback.base_url == "http://127.0.0.1:8000/v1"
    assert KEY_A not in json.dumps(config.describe())


async def test_primary_answers(servers: tuple[FakeLLMServer, FakeLLMServer]) -> None:
    primary, fallback = servers
    primary.responder = answer("claude")
    result, metrics = await _generate(_config(primary, fallback))
    meta = result.metadata
    assert meta.generation_path == "llm" and meta.llm_provider == "anthropic"
    assert meta.llm_tokens_used == 120 and meta.llm_cost_usd is not None
    titles = [r["title"] for r in json.loads(result.data)]
    assert titles == ["claude title 0", "claude title 1", "claude title 2"]
    assert KEY_A in json.dumps(primary.requests[0]["headers"])  # sent, never shown
    assert not fallback.requests
    assert (
        'synthwright_generation_path_total{generation_path="llm",provider="anthropic"}' in metrics
    )


async def test_primary_down_fallback_used(servers: tuple[FakeLLMServer, FakeLLMServer]) -> None:
    primary, fallback = servers
    primary.responder = lambda path, body: error(503, "overloaded")
    fallback.responder = answer("vllm")
    result, _ = await _generate(_config(primary, fallback))
    meta = result.metadata
    assert meta.generation_path == "llm" and meta.llm_provider == "openai"
    assert any("fallback openai used after: primary anthropic failed" in n for n in meta.notes)
    assert json.loads(result.data)[0]["body"] == "vllm body 0."
    assert len(primary.requests) == 2  # our retry, then the fallback


async def test_both_down_rule_based_with_reason(
    servers: tuple[FakeLLMServer, FakeLLMServer], caplog: pytest.LogCaptureFixture
) -> None:
    primary, fallback = servers
    primary.responder = lambda path, body: error(500, f"bad key {KEY_A}")
    fallback.responder = lambda path, body: error(401, f"invalid key {KEY_O}")
    caplog.set_level(logging.DEBUG)
    result, metrics = await _generate(_config(primary, fallback))
    meta = result.metadata
    assert meta.generation_path == "rule_based"
    assert "primary anthropic failed" in meta.route_reason
    assert "fallback openai failed" in meta.route_reason
    assert meta.route_reason.endswith("fell back to rule-based")
    assert 'outcome="rule_based_fallback"' in metrics
    everything = meta.model_dump_json() + result.data + metrics + caplog.text
    assert KEY_A not in everything and KEY_O not in everything


async def test_slow_model_times_out_to_rule_based(
    servers: tuple[FakeLLMServer, FakeLLMServer],
) -> None:
    primary, _ = servers
    primary.responder = lambda path, body: {**answer("late")(path, body), "delay": 3}
    result, _ = await _generate(_config(primary, None), timeout_s=1.0)
    meta = result.metadata
    assert meta.generation_path == "rule_based"
    assert "timed out" in meta.route_reason or "Timeout" in meta.route_reason
    assert not any("late title" in r["title"] for r in json.loads(result.data))


async def test_malformed_json_is_repaired_then_retried(
    servers: tuple[FakeLLMServer, FakeLLMServer],
) -> None:
    _, openai_server = servers
    config = _config(openai_server, None)
    config = resolve_config(
        env={
            "SYNTHWRIGHT_LLM": "openai",
            "OPENAI_API_KEY": KEY_O,
            "OPENAI_BASE_URL": openai_server.url + "/v1",
        },
        path=Path("/nonexistent/config.yaml"),
    ).with_overrides(cache=False)
    good = answer("fixed")
    openai_server.add(openai_response('{"records": [{"title": "only one"'))  # cut off
    openai_server.responder = good
    result, _ = await _generate(config)
    meta = result.metadata
    assert meta.generation_path == "llm", meta.route_reason
    assert len(openai_server.requests) == 2
    repair = openai_server.requests[1]["body"]["messages"][-1]["content"]
    assert "not valid" in repair and "expected 3 records" in repair
    assert json.loads(result.data)[2]["title"] == "fixed title 2"
