"""Prometheus metrics of one service instance (its own registry, served at /metrics).

- ``synthwright_requests_total{path, entity, status}``
- ``synthwright_request_seconds{path}`` (latency histogram)
- ``synthwright_records_generated_total{entity}``
- ``synthwright_validation_errors_total{path}`` (requests refused as malformed or invalid)
- ``synthwright_generation_path_total{generation_path, provider}`` (unary responses by path)
- ``synthwright_llm_calls_total{provider, outcome}`` and ``synthwright_llm_tokens_total{provider}``

``path`` is the HTTP path or ``grpc:<Method>``; ``status`` the HTTP status or gRPC code.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest

__all__ = ["CONTENT_TYPE", "Metrics"]

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
_BUCKETS = (0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class Metrics:
    """The service's counters and histogram in a registry of their own."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "synthwright_requests",
            "Requests by path, entity and status.",
            ["path", "entity", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "synthwright_request_seconds",
            "Request latency in seconds.",
            ["path"],
            buckets=_BUCKETS,
            registry=self.registry,
        )
        self.records = Counter(
            "synthwright_records_generated",
            "Records generated (cache hits excluded).",
            ["entity"],
            registry=self.registry,
        )
        self.validation_errors = Counter(
            "synthwright_validation_errors",
            "Requests refused as malformed or invalid.",
            ["path"],
            registry=self.registry,
        )

        self.paths = Counter(
            "synthwright_generation_path",
            "Responses by generation path and LLM provider.",
            ["generation_path", "provider"],
            registry=self.registry,
        )
        self.llm_calls = Counter(
            "synthwright_llm_calls",
            "LLM calls by provider and outcome (ok or fallback to rule-based).",
            ["provider", "outcome"],
            registry=self.registry,
        )
        self.llm_tokens = Counter(
            "synthwright_llm_tokens",
            "Tokens the LLM reported, by provider.",
            ["provider"],
            registry=self.registry,
        )

    def llm_call(self, provider: str, failure: str | None, tokens: int) -> None:
        """Count one LLM call, whether its answer was used, and its tokens."""
        self.llm_calls.labels(provider, "rule_based_fallback" if failure else "ok").inc()
        if tokens:
            self.llm_tokens.labels(provider).inc(tokens)

    def observe(self, path: str, entity: str, status: str, seconds: float) -> None:
        """Count one finished request and its latency."""
        self.requests.labels(path, entity or "-", status).inc()
        self.latency.labels(path).observe(seconds)

    def render(self) -> bytes:
        return generate_latest(self.registry)
