"""Fixtures: a fake provider server per test, configs and clients pointed at it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from synthwright.llm import LLMClient, LLMConfig, RetryPolicy, make_client

from ._fake_server import FakeLLMServer

OPENAI_KEY = "sk-test-OPENAI-secret-0123456789abcdef"
ANTHROPIC_KEY = "sk-ant-test-ANTHROPIC-secret-0123456789"


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads the real user config or cache, or a real key."""
    monkeypatch.setenv("SYNTHWRIGHT_CONFIG", str(tmp_path / "config.yaml"))
    monkeypatch.setenv("SYNTHWRIGHT_CACHE_DIR", str(tmp_path / "cache"))
    for name in (
        "SYNTHWRIGHT_LLM",
        "SYNTHWRIGHT_MODEL",
        "SYNTHWRIGHT_ALLOW_DATA_TO_LLM",
        "OPENAI_API_KEY",
        "OPENAI_BASE_URL",
        "ANTHROPIC_API_KEY",
        "ANTHROPIC_BASE_URL",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def server() -> Iterator[FakeLLMServer]:
    with FakeLLMServer() as fake:
        yield fake


class Sleeps(list[float]):
    """Records the waits our retry policy asked for (and waits for real, briefly)."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


MakeClient = Callable[..., LLMClient]


@pytest.fixture
def make(server: FakeLLMServer, tmp_path: Path, sleeps: Sleeps) -> MakeClient:
    """``make("openai"|"anthropic", cache=True, timeout=5.0, ...)`` -> a client on the fake."""

    def build(
        provider: str = "openai",
        *,
        cache: bool = True,
        timeout: float = 5.0,
        model: str | None = None,
        structured: str = "native",
        max_concurrency: int = 4,
        allow_data_to_llm: bool = False,
    ) -> LLMClient:
        config = LLMConfig(
            provider=provider,
            model=model or ("gpt-4o-mini" if provider == "openai" else "claude-haiku-4-5"),
            api_key=OPENAI_KEY if provider == "openai" else ANTHROPIC_KEY,
            base_url=server.url + "/v1" if provider == "openai" else server.url,
            timeout=timeout,
            cache=cache,
            structured=structured,
            max_concurrency=max_concurrency,
            allow_data_to_llm=allow_data_to_llm,
        )
        return make_client(
            config,
            cache_path=tmp_path / "cache" / "llm.sqlite",
            retry=RetryPolicy(base_delay=0.01, sleep=sleeps),
        )

    return build
