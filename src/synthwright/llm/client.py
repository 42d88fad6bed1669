"""The client the rest of synthwright uses: provider + retries + cache + accounting.

``LLMClient.chat`` looks the request up in the response cache first (a hit
costs 0 tokens and sends nothing), else sends it through the provider with
our retries, stores the answer, and records tokens in the client's
:class:`Usage` (and in a per-run ``usage`` when given). Every log line goes
through the redacting filter.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from .cache import ResponseCache, cache_key
from .config import LLMConfig
from .providers import ChatResponse, Provider, make_provider
from .redact import install_log_filter
from .retry import RetryPolicy, call_with_retries
from .usage import Usage

__all__ = ["LLMClient", "make_client"]

log = logging.getLogger("synthwright.llm")


class LLMClient:
    """One configured model with retries, a persistent cache and token accounting."""

    def __init__(
        self,
        provider: Provider,
        *,
        cache: ResponseCache | None = None,
        retry: RetryPolicy | None = None,
        max_concurrency: int = 4,
        allow_data_to_llm: bool = False,
        structured: str = "native",
    ) -> None:
        install_log_filter()
        self.provider = provider
        self.cache = cache
        self.retry = retry or RetryPolicy()
        self.usage = Usage()
        self.max_concurrency = max_concurrency
        self.allow_data_to_llm = allow_data_to_llm
        self.structured = structured
        self.requests_sent = 0

    @property
    def model(self) -> str:
        return self.provider.model

    def is_cached(
        self,
        messages: list[dict[str, Any]],
        *,
        tools: list[dict[str, Any]] | None = None,
        json_schema: dict[str, Any] | None = None,
        max_tokens: int | None = None,
        temperature: float | None = 0.0,
    ) -> bool:
        """Whether this exact request would be answered from the cache (costs nothing)."""
        if self.cache is None:
            return False
        key = self._key(messages, tools, json_schema, max_tokens, temperature)
        return self.cache.get(key) is not None

    def _key(
        self,
        messages: list[dict[str, Any]],
        tools: list[dict[str, Any]] | None,
        json_schema: dict[str, Any] | None,
        max_tokens: int | None,
        temperature: float | None,
    ) -> str:
        """The cache key of a request: provider, model, messages and every parameter."""
        request = {
            "messages": messages,
            "tools": tools,
            "json_schema": json_schema,
            "max_tokens": max_tokens,
            "temperature": temperature,
        }
        return cache_key(self.provider.name, self.model, request)

    def chat(
        self,
        messages: list[dict[str, Any]],
        *,
        tools: list[dict[str, Any]] | None = None,
        json_schema: dict[str, Any] | None = None,
        max_tokens: int | None = None,
        temperature: float | None = 0.0,
        usage: Usage | None = None,
    ) -> ChatResponse:
        """One chat turn (cached, retried, accounted)."""
        key = self._key(messages, tools, json_schema, max_tokens, temperature)
        if self.cache is not None:
            hit = self.cache.get(key)
            if hit is not None:
                response = ChatResponse.from_dict(hit)
                response.cached = True
                response.input_tokens = response.output_tokens = 0
                self._record(response, usage)
                log.debug("llm cache hit %s (%s)", key[:12], self.model)
                return response

        def attempt() -> ChatResponse:
            self.requests_sent += 1
            return self.provider.chat(
                messages,
                tools=tools,
                json_schema=json_schema,
                max_tokens=max_tokens,
                temperature=temperature,
            )

        def on_retry(attempt_no: int, exc: Exception, wait: float) -> None:
            self.usage.record_retry()
            if usage is not None and usage is not self.usage:
                usage.record_retry()
            log.info("llm retry %d after %.2fs: %s", attempt_no + 1, wait, exc)

        response = call_with_retries(attempt, self.retry, on_retry=on_retry)
        if self.cache is not None:
            self.cache.put(key, self.provider.name, self.model, response.to_dict())
        self._record(response, usage)
        log.debug(
            "llm call %s: %d in / %d out tokens",
            self.model,
            response.input_tokens,
            response.output_tokens,
        )
        return response

    def _record(self, response: ChatResponse, usage: Usage | None) -> None:
        for target in (self.usage, usage):
            if target is not None and (target is self.usage or usage is not self.usage):
                target.record(
                    self.model,
                    response.input_tokens,
                    response.output_tokens,
                    cached=response.cached,
                )

    def close(self) -> None:
        if self.cache is not None:
            self.cache.close()


def make_client(
    config: LLMConfig,
    *,
    cache_path: Path | None = None,
    retry: RetryPolicy | None = None,
) -> LLMClient:
    """A client for a configured provider (cache on unless the config turns it off)."""
    return LLMClient(
        make_provider(config),
        cache=ResponseCache(cache_path) if config.cache else None,
        retry=retry,
        max_concurrency=config.max_concurrency,
        allow_data_to_llm=config.allow_data_to_llm,
        structured=config.structured,
    )
