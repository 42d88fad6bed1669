"""``synthwright llm check``: configuration shown with the key masked; bad input exits 2."""

from __future__ import annotations

import json

import pytest
import typer
from typer.testing import CliRunner

from synthwright.cli.cmd_llm import register, usage_line

from ._fake_server import FakeLLMServer, openai_response
from .conftest import OPENAI_KEY

runner = CliRunner()


def app() -> typer.Typer:
    main = typer.Typer()

    @main.command()
    def version() -> None:  # a second command so `llm` stays a subcommand
        pass

    register(main)
    return main


def test_check_masks_the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", OPENAI_KEY)
    result = runner.invoke(
        app(), ["llm", "check", "--llm", "openai", "--model", "gpt-4o", "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["provider"] == "openai" and data["model"] == "gpt-4o"
    assert data["planner"] == "agent" and data["sources"]["api_key"] == "env OPENAI_API_KEY"
    assert OPENAI_KEY not in result.output
    text = runner.invoke(app(), ["llm", "check", "--llm", "openai"])
    assert text.exit_code == 0 and OPENAI_KEY not in text.output and "***" in text.output


def test_default_is_offline() -> None:
    result = runner.invoke(app(), ["llm", "check", "--json"])
    assert json.loads(result.output)["planner"] == "offline"


def test_bad_provider_exits_2_located() -> None:
    result = runner.invoke(app(), ["llm", "check", "--llm", "gemini"])
    assert result.exit_code == 2
    assert "--llm: unknown LLM provider 'gemini'" in result.output
    assert "Traceback" not in result.output


def test_ping_through_the_fake_server(
    server: FakeLLMServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.add(openai_response("ok", prompt_tokens=9, completion_tokens=1))
    monkeypatch.setenv("OPENAI_API_KEY", OPENAI_KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", server.url + "/v1")
    result = runner.invoke(app(), ["llm", "check", "--llm", "openai", "--ping", "--json"])
    assert result.exit_code == 0, result.output
    ping = json.loads(result.output)["ping"]
    assert ping["reply"] == "ok" and ping["usage"]["total_tokens"] == 10
    assert OPENAI_KEY not in result.output


def test_usage_line() -> None:
    line = usage_line({"calls": 5, "cached_calls": 5, "total_tokens": 0, "cost_usd": 0.0})
    assert line == "LLM: 5 calls (5 cached), 0 tokens, $0.0000"
