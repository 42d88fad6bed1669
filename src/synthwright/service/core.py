"""The service itself, shared by the HTTP and gRPC surfaces: request in, records out.

`DataService.generate` serves one unary request: check the bounds (`limits`:
records on every path, estimated memory), build the spec (`build`), pick the
path (`router`), look in the cache, take records from a value pool (`pools`)
or generate them in a worker thread under the per-request timeout
(`generation`), let the LLM write free text when routed there, score
coherence, render the format. `prepare_stream` + `stream` do the same in
chunks with bounded memory: engine batches cross from the worker thread
through a bridge of two (`streaming`), so a slow client slows the engine, and
a client that goes away (or a stream over time) stops it.

Other jobs live in their own modules: start-up and shutdown in `lifecycle`,
the response cache in `cache`, the value pools in `pools`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncGenerator, Iterator
from contextlib import aclosing, contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import structlog
from opentelemetry.sdk.trace.export import SpanExporter
from opentelemetry.trace import Span, set_span_in_context

from .. import __version__
from ..errors import Problem, SynthwrightError
from . import _formats, lifecycle
from ._errors import RequestError
from .build import Build, build_spec
from .cache import ResponseCache, decode_response, encode_response, open_cache, request_key
from .coherence import CoherenceScore
from .generation import (
    BASE,
    Shaped,
    coherence,
    dataset_of,
    empty_table,
    materialize_records,
    notes,
    produce,
    render,
    shape,
)
from .limits import Cancel, Cancelled, check_memory, check_records
from .logging import bind_request
from .metrics import Metrics
from .models import GenerateRequest, Metadata, OutputFormat, SchemasResponse
from .pools import EntityPools, Pool
from .registry import Registry
from .retrieval import Retrieval, apply_items, examples_of
from .router import LlmWriter, Route, apply_llm, decide, load_writer
from .settings import ServiceSettings
from .streaming import from_thread
from .tracing import make_tracer

if TYPE_CHECKING:
    from ..llm.config import LLMConfig

__all__ = ["Chunk", "DataService", "Result", "StreamPlan", "problems_of"]

log = structlog.get_logger("synthwright.service")
_STREAM_HINT = "; use /v1/generate/stream (gRPC GenerateDataStream)"


@dataclass
class Result:
    """A unary response: rendered data and metadata."""

    request_id: str
    format: OutputFormat
    data: str
    record_count: int
    metadata: Metadata


@dataclass
class Chunk:
    """One piece of a stream; the final one carries the metadata."""

    index: int
    data: str
    record_count: int
    is_final: bool
    metadata: Metadata | None = None


@dataclass
class StreamPlan:
    """A stream request checked and routed, ready to run.

    `cancel` stops its worker: the surfaces set it when the client goes away.
    """

    request: GenerateRequest
    build: Build
    route: Route
    entity: str
    started: float = field(default_factory=time.perf_counter)
    cancel: Cancel = field(default_factory=Cancel)

    @property
    def materialized(self) -> bool:
        """Whether the records are made all at once (assembled entities, the LLM path)."""
        entry = self.build.entry
        return (entry is not None and bool(entry.assemble)) or self.route.path == "llm"


class DataService:
    """Registry, cache, pools, router, metrics and tracer of one service instance."""

    def __init__(
        self,
        settings: ServiceSettings | None = None,
        *,
        llm: LlmWriter | None = None,
        llm_config: LLMConfig | None = None,
        cache: ResponseCache | None = None,
        registry: Registry | None = None,
        span_exporter: SpanExporter | None = None,
    ) -> None:
        self.settings = settings or ServiceSettings()
        s = self.settings
        self.registry = registry or Registry.load(s.schema_dir)
        self.llm = llm if llm is not None else load_writer(s.llm_writer)
        self.llm_provider = "writer" if self.llm is not None else "none"
        self._model: Any = None
        if self.llm is None and llm_config is not None and llm_config.enabled:
            from .llm_path import ModelWriter

            model = ModelWriter(llm_config, timeout_s=s.llm_timeout_s)
            self.llm, self.llm_provider = model, "+".join(model.providers)
            self._model = model
        self.rag = Retrieval(s.rag_url, self.registry.names(), k=s.rag_examples)
        self.cache = cache or open_cache(
            s.redis_url, max_entries=s.cache_entries, ttl_s=s.cache_ttl_s
        )
        self.metrics = Metrics()
        self.tracer, self.tracer_provider = make_tracer(
            s.tracing, endpoint=s.otlp_endpoint, custom=span_exporter
        )
        self.ready = False
        self.version = __version__
        self._salt = f"{__version__}:{','.join(self.registry.names())}"
        self.pools = EntityPools(s, self.registry, self.cache, self._salt)

    @property
    def _pools(self) -> dict[str, Pool]:
        """The value pools made so far, by entity (for tests and diagnostics)."""
        return self.pools._pools

    # --- lifecycle --------------------------------------------------------------

    async def start(self) -> None:
        """Warm up (catalogue pools, every schema once, value pools), then report ready."""
        await lifecycle.start(self.registry, self.settings, self.pools, self.cache)
        self.ready = True
        log.info("service_ready", schemas=self.registry.names(), cache=self.cache.name)

    async def close(self) -> None:
        self.ready = False
        await lifecycle.stop(self.pools, self.cache)
        await asyncio.to_thread(self.rag.close)
        if self._model is not None:  # the configured model's threads and cache
            self._model.close()
        self.tracer_provider.shutdown()

    def schemas(self, domain: str | None = None) -> SchemasResponse:
        return self.registry.listing(domain)

    @staticmethod
    def entity_of(request: GenerateRequest) -> str:
        return request.schema_name or request.entity or ("spec" if request.spec else "inline")

    # --- helpers ------------------------------------------------------------------

    @contextmanager
    def _span(self, name: str, **attrs: Any) -> Iterator[Span]:
        with self.tracer.start_as_current_span(name) as span:
            for key, value in attrs.items():
                span.set_attribute(key, value)
            yield span

    def _prepare(
        self,
        request: GenerateRequest,
        limit: int,
        hint: str,
        cancel: Cancel,
        *,
        stream: bool,
        rag: dict[str, int] | None = None,
    ) -> tuple[Build, Route]:
        """Build and route a request, refusing what is over its bounds (worker thread)."""
        s = self.settings
        check_records(request, limit, hint)
        build = build_spec(request, self.registry, max_support_rows=s.max_support_rows)
        cancel.check()
        if build.record_count > limit:
            where = "count" if request.count > limit else "scenarios"
            raise RequestError(
                f"{build.record_count} records asked, at most {limit} per request{hint}; "
                "nothing was generated",
                where,
            )
        route = decide(
            request,
            build,
            llm_configured=self.llm is not None,
            llm_max_records=s.llm_max_records,
            rag_counts=rag,
        )
        if build.dataset is not None:
            entry = build.entry
            whole = not stream or (entry is not None and bool(entry.assemble))
            whole = whole or route.path == "llm"
            check_memory(
                build.dataset.plan,
                build.table,
                whole=whole,
                limit_mb=s.max_request_mb,
                records=build.record_count,
                assembled=entry is not None and bool(entry.assemble),
            )
        return build, route

    def _timed_out(self, what: str, limit: float) -> RequestError:
        return RequestError(
            f"the {what} took longer than {limit:g} s; ask for fewer records"
            + ("" if what == "stream" else " or use the stream"),
            "count",
            status=504,
            code="timeout",
        )

    # --- unary ----------------------------------------------------------------------

    async def generate(self, request: GenerateRequest) -> Result:
        """Serve one unary request; RequestError (with the request field) when refused."""
        started = time.perf_counter()
        entity = self.entity_of(request)
        cancel = Cancel()
        timeout = self.settings.request_timeout_s
        with (
            bind_request(request.request_id, entity=entity),
            self._span("synthwright.request", request_id=request.request_id, entity=entity) as root,
        ):
            try:
                result = await asyncio.wait_for(self._generate(request, started, cancel), timeout)
            except TimeoutError:
                cancel.set("timed out")
                raise self._timed_out("request", timeout) from None
            except Cancelled:
                raise self._timed_out("request", timeout) from None
            finally:
                cancel.set("the request ended")  # no worker goes on for a finished request
            root.set_attribute("path", result.metadata.generation_path)
            root.set_attribute("record_count", result.record_count)
            log.info(
                "generated",
                records=result.record_count,
                path=result.metadata.generation_path,
                cached=result.metadata.cached,
                ms=result.metadata.generation_time_ms,
            )
            return result

    async def _generate(self, request: GenerateRequest, started: float, cancel: Cancel) -> Result:
        limit = self.settings.max_records_unary
        check_records(request, limit, _STREAM_HINT)  # every path: pooled, seeded or not
        with self._span("route") as span:
            fast = self.pools.build_for(request)
            route = Route("llm", "")
            counts = await self.rag.counts(request, self.entity_of(request))
            if fast is not None:  # a pool can serve it: no spec to compile per request
                build = fast
                route = decide(
                    request,
                    fast,
                    llm_configured=self.llm is not None,
                    llm_max_records=self.settings.llm_max_records,
                    rag_counts=counts,
                )
            if fast is None or route.path != "rule_based":
                build, route = await asyncio.to_thread(
                    self._prepare, request, limit, _STREAM_HINT, cancel, stream=False, rag=counts
                )
            span.set_attribute("path", route.path)
            span.set_attribute("reason", route.reason)
        key = request_key(request, salt=self._salt)
        if key is not None:
            hit = await self.cache.get(key)
            if hit is not None:
                data, count, metadata = decode_response(hit)
                metadata.generation_time_ms = round((time.perf_counter() - started) * 1000, 3)
                return Result(request.request_id, request.format, data, count, metadata)
        tokens, cost, provider = 0, None, None
        rows: list[str] | None = None
        pooled = self.pools.serves(request, build) and route.path == "rule_based"
        used = 0
        remarks = notes(request, route, build)
        seed = build.seed
        with self._span("generate", path=route.path) as span:
            if pooled:
                assert build.entry is not None
                table, rows, seed, offset = await self.pools.get(build.entry.name).take(
                    request.count
                )
                shaped = Shaped(table, {BASE: table.num_rows} if table.num_rows else {})
                remarks.append(
                    f"served from a pre-generated pool (seed {seed}, records {offset}.."
                    f"{offset + table.num_rows - 1}); pass a seed for reproducible records"
                )
            else:
                shaped = await asyncio.to_thread(produce, build, build.scenario_names, cancel)
            path, reason = route.path, route.reason
            items = await self.rag.retrieve(request, route, self.entity_of(request))
            if route.uses_llm and self.llm is not None:
                with self._span("llm", provider=self.llm_provider):
                    outcome = await apply_llm(
                        self.llm,
                        shaped.table,
                        build,
                        request,
                        self.settings.llm_timeout_s,
                        examples=examples_of(items),
                    )
                tokens, cost = outcome.tokens, outcome.cost_usd
                provider = outcome.provider or self.llm_provider
                remarks.extend(outcome.notes)
                if outcome.failure:
                    path = "rag" if route.path == "hybrid" else "rule_based"
                    said = path.replace("_", "-")
                    reason = f"{route.reason}; {outcome.failure}: fell back to {said}"
                shaped.table = outcome.table
                self.metrics.llm_call(provider or self.llm_provider, outcome.failure, tokens)
            if route.uses_rag:
                with self._span("rag", kinds=",".join(route.rag_kinds)):
                    shaped.table, used, more = await asyncio.to_thread(
                        apply_items,
                        shaped.table,
                        build,
                        items,
                        seed=seed,
                        copy_text=path != "hybrid",
                    )
                remarks.extend(more)
            span.set_attribute("record_count", shaped.table.num_rows)
        if request.flags.learn_from_history:
            remarks.append(await self.rag.remember(request, self.entity_of(request), shaped.table))
        self.metrics.records.labels(self.entity_of(request)).inc(shaped.table.num_rows)
        with self._span("validate"):
            score = coherence(build, shaped.table)
        with self._span("respond", format=request.format.value):
            if rows is not None and request.format == OutputFormat.json and path == route.path:
                data = "[" + ",".join(rows) + "]"
            elif shaped.table.num_rows <= _formats.SMALL:  # cheaper than a thread hop
                data = render(shaped.table, request, build.table, True)
            else:
                data = await asyncio.to_thread(render, shaped.table, request, build.table, True)
        metadata = Metadata(
            generation_path=path,
            route_reason=reason,
            llm_tokens_used=tokens,
            llm_cost_usd=cost,
            llm_provider=provider,
            route_confidence=route.confidence if path == route.path else 0.5,
            rag_examples_used=used,
            generation_time_ms=round((time.perf_counter() - started) * 1000, 3),
            coherence_score=score.score,
            coherence=score.parts,
            scenario_counts=shaped.scenarios,
            schema_name=build.entry.name if build.entry else None,
            entity=build.table if build.entry is None else build.entry.name,
            seed=seed,
            pooled=pooled,
            notes=remarks,
        )
        self.metrics.paths.labels(path, provider or "-").inc()
        result = Result(request.request_id, request.format, data, shaped.table.num_rows, metadata)
        learning = request.flags.learn_from_history  # its answer changes as history grows
        if key is not None and path == route.path and not learning:  # nor a fallback
            await self.cache.set(key, encode_response(data, result.record_count, metadata))
        return result

    # --- streams --------------------------------------------------------------------------

    async def prepare_stream(self, request: GenerateRequest) -> StreamPlan:
        """Check and route a stream request before any chunk is sent (errors are still 4xx)."""
        cancel = Cancel()
        with bind_request(request.request_id):
            try:
                build, route = await asyncio.to_thread(
                    self._prepare,
                    request,
                    self.settings.max_records_stream,
                    "",
                    cancel,
                    stream=True,
                )
            finally:
                cancel.set("prepared")
        return StreamPlan(request, build, route, self.entity_of(request))

    async def stream(self, plan: StreamPlan) -> AsyncGenerator[Chunk, None]:
        """Chunks of at most stream_chunk_records records; the last has is_final and metadata.

        However the iteration ends (finished, failed, closed by a client that
        went away), ``plan.cancel`` is set and the worker stops.
        """
        try:
            async with aclosing(self._chunks(plan)) as chunks:
                async for chunk in chunks:
                    yield chunk
        finally:
            plan.cancel.set("the stream ended")

    async def _chunks(self, plan: StreamPlan) -> AsyncGenerator[Chunk, None]:
        """The stream's chunks, then the final one with the metadata.

        Spans and the logger are explicit here, not context managers over
        contextvars: a stream whose client went away is closed from another
        task's context, where resetting a contextvar token fails.
        """
        request, build, route = plan.request, plan.build, plan.route
        limit = self.settings.stream_timeout_s
        logger = log.bind(request_id=request.request_id, entity=plan.entity)
        root = self.tracer.start_span(
            "synthwright.request",
            attributes={"request_id": request.request_id, "entity": plan.entity},
        )
        work = self.tracer.start_span(
            "generate", context=set_span_in_context(root), attributes={"path": route.path}
        )
        working = True
        try:
            counts: dict[str, int] = {}
            score = CoherenceScore({}, 0)
            total = 0
            pending: Chunk | None = None
            deadline = plan.started + limit
            path, reason, tokens = route.path, route.reason, 0
            source: AsyncGenerator[Any, None] = (
                self._materialized(plan) if plan.materialized else self._engine_batches(plan)
            )
            size = self.settings.stream_chunk_records
            index = 0
            try:
                async with aclosing(source) as tables:
                    async for table in tables:
                        if time.perf_counter() > deadline:
                            raise self._timed_out("stream", limit)
                        if isinstance(table, tuple):  # the LLM's verdict from _materialized
                            path, reason, tokens = table
                            continue
                        for start in range(0, table.num_rows, size):
                            shaped = shape(table.slice(start, size), build, build.scenario_names)
                            for k, v in shaped.scenarios.items():
                                counts[k] = counts.get(k, 0) + v
                            score = score.merge(coherence(build, shaped.table))
                            data = render(shaped.table, request, build.table, index == 0)
                            if pending is not None:
                                yield pending
                                await asyncio.sleep(0)  # a loop turn per chunk sent
                            pending = Chunk(index, data, shaped.table.num_rows, False)
                            total += shaped.table.num_rows
                            index += 1
                        del table
            except TimeoutError:
                raise self._timed_out("stream", limit) from None
            work.end()
            working = False
            self.metrics.records.labels(plan.entity).inc(total)
            metadata = Metadata(
                generation_path=path,
                route_reason=reason,
                llm_tokens_used=tokens,
                generation_time_ms=round((time.perf_counter() - plan.started) * 1000, 3),
                coherence_score=score.score,
                coherence=score.parts,
                scenario_counts=counts,
                schema_name=build.entry.name if build.entry else None,
                entity=build.table if build.entry is None else build.entry.name,
                seed=build.seed,
                notes=notes(request, route, build),
            )
            if pending is None:
                first = render(empty_table(build), request, build.table, True)
                pending = Chunk(0, first, 0, False)
            pending.is_final = True
            pending.metadata = metadata
            root.set_attribute("path", path)
            root.set_attribute("record_count", total)
            logger.info("streamed", records=total, chunks=index, path=path)
            yield pending
        finally:
            if working:
                work.end()
            root.end()

    async def _materialized(self, plan: StreamPlan) -> AsyncGenerator[Any, None]:
        """Whole record table at once (assembled entities, LLM path); shaped per chunk later."""
        build = plan.build
        deadline = plan.started + self.settings.stream_timeout_s

        def work(emit: Any) -> None:
            emit(materialize_records(build, plan.cancel))

        made: list[pa.Table] = []
        async with aclosing(from_thread(work, plan.cancel, depth=1, deadline=deadline)) as items:
            async for item in items:
                made.append(item)
        table = made.pop()
        if plan.route.path == "llm" and self.llm is not None:
            outcome = await apply_llm(
                self.llm, table, build, plan.request, self.settings.llm_timeout_s
            )
            table, tokens, failure = outcome.table, outcome.tokens, outcome.failure
            self.metrics.llm_call(outcome.provider or self.llm_provider, failure, tokens)
            if failure:
                yield (
                    "rule_based",
                    f"{plan.route.reason}; {failure}: fell back to rule-based",
                    tokens,
                )
            else:
                yield ("llm", plan.route.reason, tokens)
        yield table

    async def _engine_batches(self, plan: StreamPlan) -> AsyncGenerator[pa.Table, None]:
        """Record-table batches as the engine makes them, through the bridge (two in flight)."""
        build, cancel = plan.build, plan.cancel
        deadline = plan.started + self.settings.stream_timeout_s

        def work(emit: Any) -> None:
            def on_batch(name: str, batch: pa.RecordBatch) -> None:
                cancel.check()
                if name == build.table:
                    emit(batch)

            try:
                dataset_of(build, cancel).stream(on_batch)
            except SynthwrightError as exc:
                raise RequestError(exc.problems, status=422, code="generation_failed") from exc

        async with aclosing(from_thread(work, cancel, deadline=deadline)) as batches:
            async for batch in batches:
                yield pa.Table.from_batches([batch])


def problems_of(exc: BaseException) -> list[Problem]:
    """Located problems of any error (a fault of ours is one unlocated problem)."""
    if isinstance(exc, SynthwrightError):
        return exc.problems
    return [Problem("", f"internal error: {type(exc).__name__}")]
