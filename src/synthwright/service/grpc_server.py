"""The gRPC surface (grpc.aio): TestDataService, grpc.health.v1 and server reflection.

Messages are converted into the same `GenerateRequest` the HTTP API validates,
so both surfaces refuse the same things with the same located problems. A
refused request ends with INVALID_ARGUMENT (bad field, too many records),
DEADLINE_EXCEEDED (over time) or UNAVAILABLE (not ready); the details string is
the ``location: message`` lines.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import aclosing
from typing import Any

import grpc
from google.protobuf import json_format
from google.protobuf.message import DecodeError
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection
from pydantic import ValidationError

from ..errors import Problem
from . import _proto
from ._errors import RequestError
from .core import Chunk, DataService
from .models import GenerateRequest, Metadata, OutputFormat

__all__ = ["SERVICE_NAME", "create_grpc_server", "request_from_proto", "set_serving"]

pb2, pb2_grpc = _proto.load()
SERVICE_NAME = pb2.DESCRIPTOR.services_by_name["TestDataService"].full_name
_FORMATS = {pb2.JSON: OutputFormat.json, pb2.CSV: OutputFormat.csv, pb2.SQL: OutputFormat.sql}
_FORMAT_OUT = {v: k for k, v in _FORMATS.items()}
_STATUS = {
    400: grpc.StatusCode.INVALID_ARGUMENT,
    413: grpc.StatusCode.INVALID_ARGUMENT,
    422: grpc.StatusCode.INVALID_ARGUMENT,
    503: grpc.StatusCode.UNAVAILABLE,
    504: grpc.StatusCode.DEADLINE_EXCEEDED,
}


def _scalar(text: str) -> Any:
    """'5' -> 5, '2.5' -> 2.5, anything else stays text (dates)."""
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            continue
    return text


def _integral(value: Any) -> Any:
    """protobuf Struct numbers are doubles: give whole numbers back as ints."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _integral(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_integral(v) for v in value]
    return value


def _field(msg: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"name": msg.name, "type": msg.type or "string"}
    if msg.HasField("required"):
        out["required"] = msg.required
    if msg.description:
        out["description"] = msg.description
    if msg.fields:
        out["fields"] = [_field(f) for f in msg.fields]
    if msg.HasField("constraints"):
        c = msg.constraints
        cons: dict[str, Any] = {}
        if c.min:
            cons["min"] = _scalar(c.min)
        if c.max:
            cons["max"] = _scalar(c.max)
        if c.enum_values:
            cons["enum"] = list(c.enum_values)
        if c.regex:
            cons["regex"] = c.regex
        if c.HasField("min_length"):
            cons["min_length"] = c.min_length
        if c.HasField("max_length"):
            cons["max_length"] = c.max_length
        out["constraints"] = cons
    return out


def request_from_proto(msg: Any) -> GenerateRequest:
    """The pydantic request of a proto GenerateRequest (ValidationError when malformed)."""
    data: dict[str, Any] = {"format": _FORMATS.get(msg.format, OutputFormat.json)}
    for name in ("request_id", "domain", "entity", "schema_name", "spec", "context", "sql_dialect"):
        value = getattr(msg, name)
        if value:
            data[name] = value
    if msg.fields:
        data["fields"] = [_field(f) for f in msg.fields]
    if msg.scenarios:
        data["scenarios"] = [
            {
                "name": s.name,
                "count": s.count,
                "overrides": _integral(json_format.MessageToDict(s.overrides)),
                **({"description": s.description} if s.description else {}),
            }
            for s in msg.scenarios
        ]
    if msg.hints:
        data["hints"] = list(msg.hints)
    if msg.HasField("count"):
        data["count"] = msg.count
    if msg.HasField("seed"):
        data["seed"] = msg.seed
    if msg.HasField("flags"):
        f = msg.flags
        flags = {
            "learn_from_history": f.learn_from_history,
            "defect_triggering": f.defect_triggering,
            "production_like": f.production_like,
        }
        if f.HasField("use_cache"):
            flags["use_cache"] = f.use_cache
        data["flags"] = flags
    return GenerateRequest.model_validate(data)


def _metadata(meta: Metadata) -> Any:
    out = pb2.Metadata(
        generation_path=meta.generation_path,
        route_reason=meta.route_reason,
        llm_tokens_used=meta.llm_tokens_used,
        generation_time_ms=meta.generation_time_ms,
        schema_name=meta.schema_name or "",
        entity=meta.entity,
        seed=meta.seed,
        cached=meta.cached,
        pooled=meta.pooled,
        notes=meta.notes,
        rag_examples_used=meta.rag_examples_used,
        llm_provider=meta.llm_provider or "",
    )
    if meta.route_confidence is not None:
        out.route_confidence = meta.route_confidence
    if meta.llm_cost_usd is not None:
        out.llm_cost_usd = meta.llm_cost_usd
    if meta.coherence_score is not None:
        out.coherence_score = meta.coherence_score
    out.scenario_counts.update(meta.scenario_counts)
    out.coherence.update(meta.coherence)
    return out


class _Undecodable:
    """A request message protobuf could not decode (too deeply nested, truncated...).

    grpc answers a deserializer's exception with UNKNOWN; decoding leniently
    lets the servicer refuse it with INVALID_ARGUMENT like any other bad request.
    """

    def __init__(self, reason: str) -> None:
        self.reason = reason


def _lenient(message: Any) -> Any:
    def decode(data: bytes) -> Any:
        try:
            return message.FromString(data)
        except (DecodeError, RecursionError, ValueError) as exc:
            return _Undecodable(str(exc) or type(exc).__name__)

    return decode


def _add_servicer(servicer: Any, server: Any) -> None:
    """`add_TestDataServiceServicer_to_server`, with lenient request decoding."""
    unary, stream = grpc.unary_unary_rpc_method_handler, grpc.unary_stream_rpc_method_handler
    handlers = {
        "GenerateData": unary(
            servicer.GenerateData,
            request_deserializer=_lenient(pb2.GenerateRequest),
            response_serializer=pb2.GenerateResponse.SerializeToString,
        ),
        "GenerateDataStream": stream(
            servicer.GenerateDataStream,
            request_deserializer=_lenient(pb2.GenerateRequest),
            response_serializer=pb2.DataChunk.SerializeToString,
        ),
        "GetSchemas": unary(
            servicer.GetSchemas,
            request_deserializer=_lenient(pb2.GetSchemasRequest),
            response_serializer=pb2.GetSchemasResponse.SerializeToString,
        ),
        "HealthCheck": unary(
            servicer.HealthCheck,
            request_deserializer=_lenient(pb2.HealthCheckRequest),
            response_serializer=pb2.HealthCheckResponse.SerializeToString,
        ),
    }
    server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler(SERVICE_NAME, handlers),))
    register = getattr(server, "add_registered_method_handlers", None)
    if register is not None:
        register(SERVICE_NAME, handlers)


async def _refuse_undecodable(msg: Any, context: Any) -> None:
    if isinstance(msg, _Undecodable):
        await context.abort(
            grpc.StatusCode.INVALID_ARGUMENT,
            f"request: the message cannot be decoded ({msg.reason}); nested fields go at "
            "most 32 levels deep",
        )


def _validation_problems(exc: ValidationError) -> list[Problem]:
    problems = []
    for e in exc.errors():
        loc = ""
        for p in e.get("loc", ()):
            loc += f"[{p}]" if isinstance(p, int) else (f".{p}" if loc else str(p))
        problems.append(Problem(loc or "request", e.get("msg", "invalid")))
    return problems


class _Servicer(pb2_grpc.TestDataServiceServicer):  # type: ignore[misc,name-defined]
    """TestDataService over a DataService."""

    def __init__(self, service: DataService) -> None:
        self.service = service

    async def _parse(self, msg: Any, context: Any, method: str, started: float) -> GenerateRequest:
        if isinstance(msg, _Undecodable):
            self.service.metrics.validation_errors.labels(f"grpc:{method}").inc()
            await _refuse_undecodable(msg, context)
        try:
            request = request_from_proto(msg)
        except ValidationError as exc:
            await self._abort(
                context,
                method,
                msg.entity or msg.schema_name or "-",
                RequestError(_validation_problems(exc), status=422),
                started,
            )
            raise AssertionError("unreachable") from exc  # abort raises
        if not self.service.ready:
            await self._abort(
                context,
                method,
                "-",
                RequestError(
                    "the service is starting; retry shortly", status=503, code="not_ready"
                ),
                started,
            )
        return request

    async def _abort(
        self, context: Any, method: str, entity: str, exc: RequestError, started: float
    ) -> None:
        code = _STATUS.get(exc.status, grpc.StatusCode.INTERNAL)
        if code == grpc.StatusCode.INVALID_ARGUMENT:
            self.service.metrics.validation_errors.labels(f"grpc:{method}").inc()
        self.service.metrics.observe(
            f"grpc:{method}", entity, code.name, time.perf_counter() - started
        )
        await context.abort(code, "\n".join(str(p) for p in exc.problems))

    async def GenerateData(self, request: Any, context: Any) -> Any:
        started = time.perf_counter()
        req = await self._parse(request, context, "GenerateData", started)
        entity = self.service.entity_of(req)
        try:
            result = await self.service.generate(req)
        except RequestError as exc:
            await self._abort(context, "GenerateData", entity, exc, started)
            raise
        self.service.metrics.observe(
            "grpc:GenerateData", entity, "OK", time.perf_counter() - started
        )
        return pb2.GenerateResponse(
            request_id=result.request_id,
            data=result.data,
            record_count=result.record_count,
            metadata=_metadata(result.metadata),
            format=_FORMAT_OUT[result.format],
        )

    async def GenerateDataStream(self, request: Any, context: Any) -> AsyncIterator[Any]:
        started = time.perf_counter()
        req = await self._parse(request, context, "GenerateDataStream", started)
        entity = self.service.entity_of(req)
        try:
            plan = await self.service.prepare_stream(req)
        except RequestError as exc:
            await self._abort(context, "GenerateDataStream", entity, exc, started)
            raise
        # a cancelled call (client gone, deadline) stops the engine at once, even
        # while this generator waits at a yield and is only closed later
        context.add_done_callback(lambda _: plan.cancel.set("the call ended"))
        try:
            chunk: Chunk
            async with aclosing(self.service.stream(plan)) as chunks:
                async for chunk in chunks:
                    yield pb2.DataChunk(
                        request_id=req.request_id,
                        chunk_index=chunk.index,
                        data=chunk.data,
                        record_count=chunk.record_count,
                        is_final=chunk.is_final,
                        metadata=_metadata(chunk.metadata) if chunk.metadata else None,
                    )
        except RequestError as exc:
            await self._abort(context, "GenerateDataStream", entity, exc, started)
            raise
        self.service.metrics.observe(
            "grpc:GenerateDataStream", entity, "OK", time.perf_counter() - started
        )

    async def GetSchemas(self, request: Any, context: Any) -> Any:
        await _refuse_undecodable(request, context)
        listing = self.service.schemas(request.domain or None)
        return pb2.GetSchemasResponse(
            schemas=[
                pb2.SchemaInfo(
                    name=s.name,
                    domain=s.domain,
                    description=s.description,
                    fields=[
                        pb2.SchemaField(name=f.name, type=f.type, description=f.description or "")
                        for f in s.fields
                    ],
                )
                for s in listing.schemas
            ]
        )

    async def HealthCheck(self, request: Any, context: Any) -> Any:
        await _refuse_undecodable(request, context)
        ready = self.service.ready
        return pb2.HealthCheckResponse(
            status="ok" if ready else "starting", ready=ready, version=self.service.version
        )


async def create_grpc_server(
    service: DataService, host: str, port: int
) -> tuple[grpc.aio.Server, int, Any]:
    """A started grpc.aio server; returns (server, bound port, health servicer)."""
    server = grpc.aio.server(
        options=[
            ("grpc.max_receive_message_length", service.settings.max_body_bytes),
            ("grpc.max_send_message_length", 64 * 1024 * 1024),
        ]
    )
    _add_servicer(_Servicer(service), server)
    health_servicer = health.aio.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    names = (SERVICE_NAME, health.SERVICE_NAME, reflection.SERVICE_NAME)
    reflection.enable_server_reflection(names, server)
    bound = server.add_insecure_port(f"{host}:{port}")
    if bound == 0:
        raise OSError(f"cannot bind gRPC to {host}:{port}")
    await server.start()
    status = (
        health_pb2.HealthCheckResponse.SERVING
        if service.ready
        else health_pb2.HealthCheckResponse.NOT_SERVING
    )
    await health_servicer.set(SERVICE_NAME, status)
    await health_servicer.set("", status)
    return server, bound, health_servicer


async def set_serving(health_servicer: Any, serving: bool) -> None:
    """Report the service (and the server as a whole) SERVING or NOT_SERVING."""
    status = (
        health_pb2.HealthCheckResponse.SERVING
        if serving
        else health_pb2.HealthCheckResponse.NOT_SERVING
    )
    await health_servicer.set(SERVICE_NAME, status)
    await health_servicer.set("", status)
