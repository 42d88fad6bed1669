"""The HTTP surface (FastAPI): generate, stream (NDJSON), schemas, health, metrics, docs.

Every error is a JSON body ``{"request_id", "error": {"code", "message",
"problems": [{"location", "message"}]}}`` where ``location`` names the request
field (``count``, ``fields[1].constraints.min``, ``body`` for a malformed body).
Statuses: 400 a field cannot be met, 413 body too large, 422 malformed body,
503 not ready, 504 over time; 500 is a fault of ours (never expected).
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import aclosing, asynccontextmanager
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response, StreamingResponse

from ..errors import Problem
from ._errors import RequestError
from .core import Chunk, DataService
from .limits import Cancel
from .logging import bind_request
from .metrics import CONTENT_TYPE
from .models import (
    ErrorInfo,
    GenerateRequest,
    GenerateResponse,
    HealthInfo,
    Metadata,
    OutputFormat,
    ProblemInfo,
    SchemasResponse,
)

__all__ = ["create_app"]

log = structlog.get_logger("synthwright.service.http")
_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": GenerateResponse, "description": "A field cannot be met (see error.problems)."},
    413: {"model": GenerateResponse, "description": "Request body too large."},
    422: {"model": GenerateResponse, "description": "Malformed request body."},
    504: {"model": GenerateResponse, "description": "Took longer than the per-request timeout."},
}


def _error_body(request_id: str, code: str, problems: list[Problem]) -> dict[str, Any]:
    info = ErrorInfo(
        code=code,
        message="; ".join(str(p) for p in problems),
        problems=[ProblemInfo(location=p.location, message=p.message) for p in problems],
    )
    return {"request_id": request_id, "data": None, "record_count": 0, "error": info.model_dump()}


def _location(loc: tuple[Any, ...]) -> str:
    parts = [p for p in loc if p != "body"]
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "body"


class _BodyLimit:
    """ASGI middleware refusing bodies over `limit` bytes (declared or streamed) with 413."""

    def __init__(self, app: Any, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._refuse(send)
            return
        seen = 0

        async def limited() -> Any:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _TooLarge
            return message

        try:
            await self.app(scope, limited, send)
        except _TooLarge:
            await self._refuse(send)

    async def _refuse(self, send: Any) -> None:
        body = json.dumps(
            _error_body(
                "-",
                "too_large",
                [Problem("body", f"the request body is larger than {self.limit} bytes")],
            )
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        await send({"type": "http.response.body", "body": body})


class _TooLarge(Exception):
    pass


class _Stream(StreamingResponse):
    """A streaming response that stops its stream's worker however the response ends.

    Starlette cancels a response whose client disconnected while the body
    iterator is suspended at a ``yield``; the iterator itself is only closed
    later, by the garbage collector. Setting the stream's `Cancel` here, when
    the response is done (sent, failed or cancelled), stops the engine and
    frees its buffers at once.
    """

    def __init__(self, content: AsyncGenerator[bytes, None], cancel: Cancel, **kwargs: Any) -> None:
        super().__init__(content, **kwargs)
        self._lines = content
        self._cancel = cancel

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            self._cancel.set("the response ended")
            # close the body now rather than at the next garbage collection: its
            # frames hold the last batch and chunk of the stream
            with contextlib.suppress(Exception):
                await self._lines.aclose()


def create_app(service: DataService, *, manage_lifecycle: bool = True) -> FastAPI:
    """The FastAPI app over `service`; with `manage_lifecycle`, its lifespan starts/closes it."""

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if manage_lifecycle:
            await service.start()
        try:
            yield
        finally:
            if manage_lifecycle:
                await service.close()

    app = FastAPI(
        title="synthwright test-data service",
        version=service.version,
        description=(
            "Rule-true synthetic test data on request: predefined entities, inline fields "
            "or full specs; JSON, CSV or SQL. Unary requests are limited to "
            f"{service.settings.max_records_unary} records: use the stream for more."
        ),
        lifespan=lifespan,
    )
    app.add_middleware(_BodyLimit, limit=service.settings.max_body_bytes)
    metrics = service.metrics

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [
            Problem(_location(tuple(e.get("loc", ()))), e.get("msg", "invalid"))
            for e in exc.errors()
        ]
        metrics.validation_errors.labels(request.url.path).inc()
        metrics.observe(request.url.path, "-", "422", 0.0)
        with bind_request(request.headers.get("x-request-id", "-")):
            log.info("refused", status=422, problems=[str(p) for p in problems])
        return JSONResponse(_error_body("-", "malformed_request", problems), status_code=422)

    def _refused(
        path: str, entity: str, request_id: str, exc: RequestError, started: float
    ) -> JSONResponse:
        if exc.status < 500:
            metrics.validation_errors.labels(path).inc()
        metrics.observe(path, entity, str(exc.status), time.perf_counter() - started)
        with bind_request(request_id):
            log.info("refused", status=exc.status, problems=[str(p) for p in exc.problems])
        return JSONResponse(_error_body(request_id, exc.code, exc.problems), status_code=exc.status)

    def _not_ready(request_id: str) -> JSONResponse | None:
        if service.ready:
            return None
        problem = Problem("", "the service is starting; retry shortly")
        return JSONResponse(_error_body(request_id, "not_ready", [problem]), status_code=503)

    @app.post(
        "/v1/generate",
        response_model=GenerateResponse,
        responses=_ERRORS,
        summary="Generate up to max_records_unary records",
    )
    async def generate(body: GenerateRequest) -> Response:
        started = time.perf_counter()
        path, entity = "/v1/generate", service.entity_of(body)
        if (refusal := _not_ready(body.request_id)) is not None:
            return refusal
        try:
            result = await service.generate(body)
        except RequestError as exc:
            return _refused(path, entity, body.request_id, exc, started)
        metrics.observe(path, entity, "200", time.perf_counter() - started)
        data = result.data if result.format == OutputFormat.json else json.dumps(result.data)
        text = (
            '{"request_id":'
            + json.dumps(result.request_id)
            + ',"format":'
            + json.dumps(result.format.value)
            + ',"data":'
            + data
            + ',"record_count":'
            + str(result.record_count)
            + ',"metadata":'
            + result.metadata.model_dump_json()
            + ',"error":null}'
        )
        return Response(text, media_type="application/json")

    @app.post(
        "/v1/generate/stream",
        responses={
            200: {
                "content": {"application/x-ndjson": {}},
                "description": "One JSON object per line: {chunk_index, data, record_count, "
                "is_final, metadata (final line), error (if the stream failed)}.",
            },
            **_ERRORS,
        },
        summary="Stream any number of records as NDJSON chunks",
    )
    async def generate_stream(body: GenerateRequest) -> Response:
        started = time.perf_counter()
        path, entity = "/v1/generate/stream", service.entity_of(body)
        if (refusal := _not_ready(body.request_id)) is not None:
            return refusal
        try:
            plan = await service.prepare_stream(body)
        except RequestError as exc:
            return _refused(path, entity, body.request_id, exc, started)

        async def lines() -> AsyncGenerator[bytes, None]:
            status = "200"
            index = 0
            try:
                async with aclosing(service.stream(plan)) as chunks:
                    async for chunk in chunks:
                        index = chunk.index
                        yield _chunk_line(chunk, body.format).encode() + b"\n"
            except RequestError as exc:
                status = str(exc.status)
                error = _error_body(body.request_id, exc.code, exc.problems)["error"]
                yield (
                    json.dumps(
                        {
                            "chunk_index": index + 1,
                            "data": None,
                            "record_count": 0,
                            "is_final": True,
                            "error": error,
                        }
                    ).encode()
                    + b"\n"
                )
            finally:
                plan.cancel.set("the response ended")
                metrics.observe(path, entity, status, time.perf_counter() - started)

        return _Stream(lines(), plan.cancel, media_type="application/x-ndjson")

    @app.get("/v1/schemas", response_model=SchemasResponse, summary="Predefined entities by domain")
    async def schemas(domain: str | None = None) -> SchemasResponse:
        started = time.perf_counter()
        listing = service.schemas(domain)
        metrics.observe("/v1/schemas", "-", "200", time.perf_counter() - started)
        return listing

    def _health() -> HealthInfo:
        return HealthInfo(
            status="ok" if service.ready else "starting",
            ready=service.ready,
            version=service.version,
        )

    @app.get(
        "/health", response_model=HealthInfo, summary="Status (always 200 while the process runs)"
    )
    async def health() -> HealthInfo:
        return _health()

    @app.get("/health/live", response_model=HealthInfo, summary="Liveness probe")
    async def live() -> HealthInfo:
        return HealthInfo(status="ok", ready=service.ready, version=service.version)

    @app.get(
        "/health/ready",
        response_model=HealthInfo,
        responses={503: {"model": HealthInfo, "description": "Not ready yet."}},
        summary="Readiness probe (503 until warmed up)",
    )
    async def ready() -> Response:
        info = _health()
        return JSONResponse(info.model_dump(), status_code=200 if service.ready else 503)

    @app.get("/metrics", summary="Prometheus metrics", response_class=Response)
    async def prometheus() -> Response:
        return Response(metrics.render(), media_type=CONTENT_TYPE)

    return app


def _chunk_line(chunk: Chunk, fmt: OutputFormat) -> str:
    data = chunk.data if fmt == OutputFormat.json else json.dumps(chunk.data)
    meta = chunk.metadata.model_dump_json() if isinstance(chunk.metadata, Metadata) else "null"
    return (
        '{"chunk_index":'
        + str(chunk.index)
        + ',"record_count":'
        + str(chunk.record_count)
        + ',"is_final":'
        + ("true" if chunk.is_final else "false")
        + ',"data":'
        + data
        + ',"metadata":'
        + meta
        + "}"
    )
