"""JSON repair and structured output with validation errors fed back."""

from __future__ import annotations

import json

import pytest

from synthwright.llm import LLMError, complete_json, repair_json

from ._fake_server import FakeLLMServer, error, openai_response
from .conftest import MakeClient

SCHEMA = {
    "type": "object",
    "properties": {"texts": {"type": "array", "items": {"type": "string"}}},
    "required": ["texts"],
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"a": 1}', {"a": 1}),
        ('```json\n{"a": [1, 2,],}\n```', {"a": [1, 2]}),
        ('Here you go: {"a": "x"} Hope this helps!', {"a": "x"}),
        ("{'a': 'it\\'s', b: True, c: None}", {"a": "it's", "b": True, "c": None}),
        ('{"a": 1, // a comment\n "b": /* inline */ 2}', {"a": 1, "b": 2}),
        ('{"texts": ["one", "two", "thr', {"texts": ["one", "two", "thr"]}),
        ('[{"x": 1}, {"x": 2},', [{"x": 1}, {"x": 2}]),
        ('{"multi": "line one\nline two"}', {"multi": "line one\nline two"}),
    ],
)
def test_repair_json(text: str, expected: object) -> None:
    assert repair_json(text) == expected


def test_repair_json_refuses_prose() -> None:
    with pytest.raises(ValueError, match="no JSON"):
        repair_json("I cannot help with that.")


def two_texts(value: object) -> list[str]:
    if not isinstance(value, dict) or len(value.get("texts", [])) != 2:
        raise ValueError("texts: expected exactly 2 strings")
    return value["texts"]


def test_malformed_json_is_repaired_without_a_new_request(
    server: FakeLLMServer, make: MakeClient
) -> None:
    server.add(openai_response("```json\n{'texts': ['a', 'b',],}\n```"))
    result = complete_json(
        make("openai"), [{"role": "user", "content": "two"}], schema=SCHEMA, name="t",
        validate=two_texts,
    )  # fmt: skip
    assert result == ["a", "b"] and len(server.requests) == 1


def test_validation_errors_go_back_for_repair(server: FakeLLMServer, make: MakeClient) -> None:
    server.add(openai_response('{"texts": ["only one"]}'), openai_response('{"texts": ["a", "b"]}'))
    transcript: list[dict] = []
    result = complete_json(
        make("openai"), [{"role": "user", "content": "two"}], schema=SCHEMA, name="t",
        validate=two_texts, transcript=transcript,
    )  # fmt: skip
    assert result == ["a", "b"]
    repair = server.requests[1]["body"]["messages"]
    assert repair[-2] == {"role": "assistant", "content": '{"texts": ["only one"]}'}
    assert "expected exactly 2 strings" in repair[-1]["content"]
    assert len(transcript) == 3


def test_repair_rounds_are_bounded(server: FakeLLMServer, make: MakeClient) -> None:
    server.add(*[openai_response('{"texts": []}')] * 3)
    with pytest.raises(LLMError, match="no valid structured answer after 2 repair rounds"):
        complete_json(
            make("openai"), [{"role": "user", "content": "two"}], schema=SCHEMA, name="t",
            validate=two_texts,
        )  # fmt: skip
    assert len(server.requests) == 3


def test_server_without_json_schema_falls_back_to_the_prompt(
    server: FakeLLMServer, make: MakeClient
) -> None:
    server.add(error(400, "response_format json_schema is not supported"))
    server.add(openai_response('Sure: {"texts": ["a", "b"]}'))
    client = make("openai")
    assert complete_json(
        client, [{"role": "user", "content": "two"}], schema=SCHEMA, name="t", validate=two_texts
    ) == ["a", "b"]
    fallback = server.requests[1]["body"]
    assert "response_format" not in fallback
    assert json.dumps(SCHEMA, separators=(",", ":")) in fallback["messages"][0]["content"]
    assert client.structured == "prompt"
