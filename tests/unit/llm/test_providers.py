"""The real openai and anthropic SDK clients against the local fake server."""

from __future__ import annotations

import logging

import pytest

from synthwright.llm import LLMError

from ._fake_server import FakeLLMServer, anthropic_response, error, openai_response
from .conftest import ANTHROPIC_KEY, OPENAI_KEY, MakeClient, Sleeps

PROVIDERS = ["openai", "anthropic"]


def ok(provider: str, text: str = "hello", **kw: object) -> dict:
    return (openai_response if provider == "openai" else anthropic_response)(text, **kw)  # type: ignore[operator]


def calls(provider: str, tool_calls: list) -> dict:
    if provider == "openai":
        return openai_response(None, tool_calls)
    return anthropic_response(None, tool_calls)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_text_and_accounting(provider: str, server: FakeLLMServer, make: MakeClient) -> None:
    server.add(ok(provider, "hi there"))
    client = make(provider)
    response = client.chat(
        [{"role": "system", "content": "be brief"}, {"role": "user", "content": "hi"}]
    )
    assert response.text == "hi there"
    assert (response.input_tokens, response.output_tokens) == (100, 20)
    request = server.requests[0]
    if provider == "openai":
        assert request["path"] == "/v1/chat/completions"
        assert request["body"]["messages"][0] == {"role": "system", "content": "be brief"}
        assert request["headers"]["authorization"] == f"Bearer {OPENAI_KEY}"
    else:
        assert request["path"] == "/v1/messages"
        assert request["body"]["system"] == "be brief"
        assert request["body"]["messages"] == [{"role": "user", "content": "hi"}]
        headers = request["headers"]  # SDK versions send x-api-key or a bearer token
        assert ANTHROPIC_KEY in (headers.get("x-api-key"), headers.get("authorization", "")[7:])
    usage = client.usage.to_dict()
    assert usage["input_tokens"] == 100 and usage["output_tokens"] == 20
    assert usage["cost_usd"] is not None and usage["cost_usd"] > 0


@pytest.mark.parametrize("provider", PROVIDERS)
def test_tool_calls_round_trip(provider: str, server: FakeLLMServer, make: MakeClient) -> None:
    tool = {
        "name": "lookup",
        "description": "Look a thing up.",
        "parameters": {"type": "object", "properties": {"q": {"type": "string"}}},
    }
    server.add(calls(provider, [("lookup", {"q": "orders"})]), ok(provider, "done"))
    client = make(provider)
    messages = [{"role": "user", "content": "find orders"}]
    first = client.chat(messages, tools=[tool])
    assert [(c.name, c.arguments) for c in first.tool_calls] == [("lookup", {"q": "orders"})]
    messages += [
        first.as_message(),
        {"role": "tool", "tool_call_id": first.tool_calls[0].id, "content": "3 tables"},
    ]
    second = client.chat(messages, tools=[tool])
    assert second.text == "done"
    sent = server.requests[1]["body"]
    if provider == "openai":
        assert sent["tools"][0]["function"]["name"] == "lookup"
        assert sent["messages"][1]["tool_calls"][0]["function"]["name"] == "lookup"
        assert sent["messages"][2] == {
            "role": "tool",
            "tool_call_id": "call_0",
            "content": "3 tables",
        }
    else:
        assert sent["tools"][0]["input_schema"]["type"] == "object"
        assert sent["messages"][1]["content"][0]["type"] == "tool_use"
        assert sent["messages"][2]["content"][0] == {
            "type": "tool_result",
            "tool_use_id": "toolu_0",
            "content": "3 tables",
        }


@pytest.mark.parametrize("provider", PROVIDERS)
def test_structured_output_is_native(
    provider: str, server: FakeLLMServer, make: MakeClient
) -> None:
    schema = {"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]}
    if provider == "openai":
        server.add(openai_response('{"n": 3}'))
    else:
        server.add(anthropic_response(None, [("answer", {"n": 3})]))
    response = make(provider).chat(
        [{"role": "user", "content": "three"}], json_schema={"name": "answer", "schema": schema}
    )
    assert response.text.replace(" ", "") == '{"n":3}'
    body = server.requests[0]["body"]
    if provider == "openai":
        assert body["response_format"]["type"] == "json_schema"
        assert body["response_format"]["json_schema"]["schema"] == schema
    else:
        assert body["tool_choice"] == {"type": "tool", "name": "answer"}


@pytest.mark.parametrize("provider", PROVIDERS)
def test_429_honours_retry_after(
    provider: str, server: FakeLLMServer, make: MakeClient, sleeps: Sleeps
) -> None:
    server.add(
        error(429, "slow down", {"Retry-After": "0.2"}),
        error(429, "slow down", {"retry-after-ms": "50"}),
        ok(provider),
    )
    client = make(provider)
    assert client.chat([{"role": "user", "content": "x"}]).text == "hello"
    assert len(server.requests) == 3
    assert sleeps == [0.2, 0.05]
    assert client.usage.retries == 2


@pytest.mark.parametrize("provider", PROVIDERS)
def test_5xx_backs_off_exponentially_then_gives_up_after_4_tries(
    provider: str, server: FakeLLMServer, make: MakeClient, sleeps: Sleeps
) -> None:
    server.add(*[error(500), error(502), error(503), error(500)], ok(provider))
    client = make(provider)
    with pytest.raises(LLMError, match="gave up after 4 tries") as info:
        client.chat([{"role": "user", "content": "x"}])
    assert info.value.status == 500
    assert len(server.requests) == 4  # at most 4 tries in all; the 5th answer never asked for
    assert len(sleeps) == 3
    for attempt, wait in enumerate(sleeps):  # 0.01 * 2**attempt, up to 25 % jitter
        assert 0.01 * 2**attempt <= wait <= 0.01 * 2**attempt * 1.25


@pytest.mark.parametrize("provider", PROVIDERS)
def test_500_then_success(provider: str, server: FakeLLMServer, make: MakeClient) -> None:
    server.add(error(500), error(529 if provider == "anthropic" else 503), ok(provider, "fine"))
    assert make(provider).chat([{"role": "user", "content": "x"}]).text == "fine"
    assert len(server.requests) == 3


@pytest.mark.parametrize("provider", PROVIDERS)
def test_timeout_is_retried(provider: str, server: FakeLLMServer, make: MakeClient) -> None:
    slow = {**ok(provider, "late"), "delay": 1.0}
    server.add(slow, ok(provider, "in time"))
    client = make(provider, timeout=0.25)
    assert client.chat([{"role": "user", "content": "x"}]).text == "in time"
    assert len(server.requests) == 2


@pytest.mark.parametrize("provider", PROVIDERS)
def test_400_is_not_retried(provider: str, server: FakeLLMServer, make: MakeClient) -> None:
    server.add(error(400, "bad request"), ok(provider))
    with pytest.raises(LLMError, match="HTTP 400") as info:
        make(provider).chat([{"role": "user", "content": "x"}])
    assert info.value.status == 400 and len(server.requests) == 1


@pytest.mark.parametrize("provider", PROVIDERS)
def test_keys_never_appear_in_errors_or_logs(
    provider: str,
    server: FakeLLMServer,
    make: MakeClient,
    caplog: pytest.LogCaptureFixture,
) -> None:
    key = OPENAI_KEY if provider == "openai" else ANTHROPIC_KEY
    # A server that echoes the key back in its error body (some proxies do).
    server.add(error(401, f"invalid api key {key}"), *[error(500, f"key={key}")] * 4)
    client = make(provider)
    caplog.set_level(logging.DEBUG)
    with pytest.raises(LLMError) as first:
        client.chat([{"role": "user", "content": "x"}])
    with pytest.raises(LLMError) as second:
        client.chat([{"role": "user", "content": "y"}])
    for exc in (first.value, second.value):
        assert key not in str(exc) and key not in repr(exc.args)
        assert "***" in str(exc)
    assert caplog.records  # the SDKs and our client did log at DEBUG
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert key not in logged
    assert key not in caplog.text
