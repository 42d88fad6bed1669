"""Configuration precedence (flags > env > file > none) and key redaction."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from synthwright.llm import LLMConfigError, redact, resolve_config
from synthwright.llm.redact import install_log_filter

from .conftest import OPENAI_KEY


def write_config(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def test_default_is_none(tmp_path: Path) -> None:
    config = resolve_config()
    assert config.provider == "none" and not config.enabled
    assert config.sources["provider"] == "default"


def test_precedence_flags_env_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_config(
        tmp_path / "config.yaml",
        "llm: anthropic\nmodel: claude-from-file\napi_key: sk-ant-from-file-123456\n"
        "max_concurrency: 2\n",
    )
    from_file = resolve_config()
    assert (from_file.provider, from_file.model) == ("anthropic", "claude-from-file")
    assert from_file.max_concurrency == 2 and from_file.sources["model"].startswith("file")

    monkeypatch.setenv("SYNTHWRIGHT_LLM", "openai")
    monkeypatch.setenv("OPENAI_API_KEY", OPENAI_KEY)
    monkeypatch.setenv("SYNTHWRIGHT_MODEL", "gpt-from-env")
    from_env = resolve_config()
    assert (from_env.provider, from_env.model, from_env.api_key) == (
        "openai",
        "gpt-from-env",
        OPENAI_KEY,
    )
    assert from_env.sources["provider"] == "env SYNTHWRIGHT_LLM"

    from_flags = resolve_config("openai", "gpt-from-flag", allow_data_to_llm=True)
    assert from_flags.model == "gpt-from-flag" and from_flags.allow_data_to_llm
    assert resolve_config("none").provider == "none"


def test_local_server_needs_no_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "http://localhost:11434/v1")
    config = resolve_config("openai", "llama3.1")
    assert config.base_url == "http://localhost:11434/v1" and config.api_key is None


def test_bad_configuration_is_located(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(LLMConfigError, match="unknown LLM provider 'gemini'") as info:
        resolve_config("gemini")
    assert info.value.problems[0].location == "--llm"
    with pytest.raises(LLMConfigError, match="ANTHROPIC_API_KEY is not set"):
        resolve_config("anthropic")
    write_config(tmp_path / "config.yaml", "llm: openai\ntemprature: 3\n")
    with pytest.raises(LLMConfigError, match="unknown setting") as info:
        resolve_config()
    assert info.value.problems[0].location.endswith("config.yaml")


def test_describe_masks_the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", OPENAI_KEY)
    config = resolve_config("openai")
    shown = config.describe()
    assert OPENAI_KEY not in str(shown) and OPENAI_KEY not in repr(config)
    assert shown["api_key"].startswith("***")


def test_redact_registered_and_key_shaped_secrets() -> None:
    resolve_config("openai", env={"OPENAI_API_KEY": "plain-secret-value-xyz"})
    text = (
        "key plain-secret-value-xyz, header Authorization: Bearer abcdefghijklmnop, "
        "sk-proj-AAAAAAAAAAAAAAAAAAAA and sk-ant-api03-BBBBBBBB"
    )
    cleaned = redact(text)
    for secret in ("plain-secret-value-xyz", "abcdefghijklmnop", "AAAAAAAAAAAA", "BBBBBBBB"):
        assert secret not in cleaned


def test_log_filter_redacts_sdk_records(caplog: pytest.LogCaptureFixture) -> None:
    install_log_filter()
    caplog.set_level(logging.DEBUG)
    logging.getLogger("openai._base_client").debug("headers: %s", {"api_key": OPENAI_KEY})
    assert OPENAI_KEY not in caplog.text
