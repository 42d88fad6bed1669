"""The test-data service: HTTP (FastAPI) and gRPC over one generation core.

    synthwright serve --http-port 8081 --grpc-port 9001 [--redis-url redis://...]

Modules: `settings` (flags > env > defaults), `models` (requests/responses),
`registry` + `schemas/` (predefined entities), `build` (request -> Spec),
`limits` (records, memory and time one request may cost; cancellation),
`router` (rule-based or LLM path), `generation` (records of a build),
`streaming` (the worker-thread-to-event-loop bridge of a stream), `pools`
(value pools), `cache`, `coherence`, `lifecycle` (warm-up, shutdown),
`core` (the service: unary requests and streams), `http_app`, `grpc_server`,
`tracing`, `logging`, `metrics`, `server`.
The gRPC and HTTP modules are imported lazily (they pull in heavy packages).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._errors import RequestError
from .models import GenerateRequest, GenerateResponse, Metadata, OutputFormat
from .router import LlmResult, LlmTask, LlmWriter
from .settings import ServiceSettings, load_settings

if TYPE_CHECKING:
    from .core import DataService

__all__ = [
    "DataService",
    "GenerateRequest",
    "GenerateResponse",
    "LlmResult",
    "LlmTask",
    "LlmWriter",
    "Metadata",
    "OutputFormat",
    "RequestError",
    "ServiceSettings",
    "load_settings",
]


def __getattr__(name: str) -> Any:
    if name == "DataService":
        from .core import DataService

        return DataService
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
