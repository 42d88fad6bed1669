"""OpenTelemetry spans per request: route, generate, validate, respond.

Each request gets a root span (``synthwright.request``) with request_id,
entity, path and record_count, and one child span per step. The exporter is
chosen by configuration: ``otlp`` (OTLP/HTTP to ``otlp_endpoint``),
``console`` (spans as JSON on stdout) or ``none`` (a no-op tracer: spans cost nothing). A provider is made per
service (not the global one), so tests and embedding applications stay apart.
"""

from __future__ import annotations

from typing import Any

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import (
    BatchSpanProcessor,
    ConsoleSpanExporter,
    SimpleSpanProcessor,
    SpanExporter,
)

from ..errors import SpecError

__all__ = ["make_tracer"]


def make_tracer(
    exporter: str = "none", *, endpoint: str | None = None, custom: SpanExporter | None = None
) -> tuple[trace.Tracer, TracerProvider]:
    """A tracer and its provider; `custom` (e.g. an in-memory exporter) wins over `exporter`."""
    provider = TracerProvider(resource=Resource.create({"service.name": "synthwright"}))
    processor: Any = None
    if custom is not None:
        processor = SimpleSpanProcessor(custom)
    elif exporter == "console":
        processor = SimpleSpanProcessor(ConsoleSpanExporter())
    elif exporter == "otlp":
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        if not endpoint:
            raise SpecError("tracing=otlp needs an endpoint", "otlp_endpoint")
        processor = BatchSpanProcessor(OTLPSpanExporter(endpoint=endpoint))
    elif exporter != "none":
        raise SpecError(f"unknown exporter {exporter!r}: otlp, console or none", "tracing")
    if processor is None:  # nothing would see the spans: do not pay for making them
        return trace.NoOpTracer(), provider
    provider.add_span_processor(processor)
    return provider.get_tracer("synthwright.service"), provider
