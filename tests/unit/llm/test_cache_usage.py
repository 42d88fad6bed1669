"""Response cache (a repeat costs 0 tokens, sends nothing) and token/cost accounting."""

from __future__ import annotations

import time
from pathlib import Path

from synthwright.llm import ResponseCache, Usage
from synthwright.llm.cache import cache_key
from synthwright.llm.usage import price_for

from ._fake_server import FakeLLMServer, openai_response
from .conftest import MakeClient

MESSAGES = [{"role": "user", "content": "name three colours"}]


def test_repeated_call_costs_zero_tokens_and_no_request(
    server: FakeLLMServer, make: MakeClient
) -> None:
    server.add(openai_response("red, green, blue", prompt_tokens=12, completion_tokens=6))
    client = make("openai")
    first = client.chat(MESSAGES)
    second = client.chat(MESSAGES)
    assert first.text == second.text == "red, green, blue"
    assert not first.cached and second.cached
    assert (second.input_tokens, second.output_tokens) == (0, 0)
    assert len(server.requests) == 1
    usage = client.usage.to_dict()
    assert usage["calls"] == 2 and usage["cached_calls"] == 1
    assert usage["total_tokens"] == 18  # only the first call was billed


def test_cache_persists_across_clients_and_keys_on_params(
    server: FakeLLMServer, make: MakeClient
) -> None:
    server.add(openai_response("a"), openai_response("b"))
    make("openai").chat(MESSAGES)
    fresh = make("openai")  # a new process would open the same SQLite file
    assert fresh.chat(MESSAGES).cached
    assert fresh.usage.total_tokens == 0
    other = fresh.chat(MESSAGES, temperature=0.9)  # a different parameter is a different key
    assert not other.cached and other.text == "b"
    assert len(server.requests) == 2


def test_cache_off_sends_every_time(server: FakeLLMServer, make: MakeClient) -> None:
    server.add(openai_response("a"), openai_response("a"))
    client = make("openai", cache=False)
    client.chat(MESSAGES)
    client.chat(MESSAGES)
    assert len(server.requests) == 2


def test_key_covers_provider_model_messages_tools() -> None:
    base = {"messages": MESSAGES, "tools": None}
    keys = {
        cache_key("openai", "m", base),
        cache_key("anthropic", "m", base),
        cache_key("openai", "m2", base),
        cache_key("openai", "m", {**base, "tools": [{"name": "t"}]}),
        cache_key("openai", "m", {**base, "messages": [{"role": "user", "content": "x"}]}),
    }
    assert len(keys) == 5
    assert cache_key("openai", "m", base) == cache_key("openai", "m", dict(reversed(base.items())))


def test_cache_overhead_per_call(tmp_path: Path) -> None:
    """The cost of the cache itself, per call (reported, loosely bounded)."""
    cache = ResponseCache(tmp_path / "c.sqlite")
    payload = {"text": "x" * 500, "tool_calls": [], "input_tokens": 10, "output_tokens": 5}
    request = {"messages": [{"role": "user", "content": "y" * 2000}], "tools": None}
    n = 200
    started = time.perf_counter()
    for i in range(n):
        cache.put(cache_key("openai", "m", {**request, "i": i}), "openai", "m", payload)
    put_ms = (time.perf_counter() - started) / n * 1000
    started = time.perf_counter()
    for i in range(n):
        assert cache.get(cache_key("openai", "m", {**request, "i": i})) is not None
    hit_ms = (time.perf_counter() - started) / n * 1000
    print(f"\ncache overhead per call: miss+store {put_ms:.3f} ms, hit {hit_ms:.3f} ms")
    assert hit_ms < 20 and put_ms < 50


def test_cost_from_price_table_and_unknown_models() -> None:
    usage = Usage()
    usage.record("gpt-4o-mini-2024-07-18", 1_000_000, 1_000_000, cached=False)
    assert price_for("gpt-4o-mini-2024-07-18") == (0.15, 0.60)
    assert usage.cost_usd == 0.75
    usage.record("gpt-4o-mini", 500, 500, cached=True)  # cached: a call, no tokens
    assert usage.total_tokens == 2_000_000 and usage.calls == 2
    local = Usage()
    local.record("llama3.1:8b", 300, 40, cached=False)
    assert local.cost_usd is None and local.to_dict()["total_tokens"] == 340
