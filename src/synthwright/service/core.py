"""The service itself, shared by the HTTP and gRPC surfaces: request in, records out.

`DataService.generate` serves one unary request: build the spec (`build`),
pick the path (`router`), look in the cache, generate through the public
facade (`synthwright.api`) in a worker thread under the per-request timeout,
let the LLM write free text when routed there, score coherence, render the
format. `prepare_stream` + `stream` do the same in chunks with bounded memory:
engine batches are handed over through a small queue, so a slow client slows
the engine instead of piling records up.
"""

from __future__ import annotations

import asyncio
import gc
import hashlib
import json
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import structlog
from opentelemetry.sdk.trace.export import SpanExporter
from opentelemetry.trace import Span

from .. import __version__, api
from ..engine.expressions import thread_connection
from ..errors import GenerationError, Problem, SpecError, SynthwrightError
from ..spec import SCENARIO_COLUMN
from . import _formats
from ._errors import RequestError
from .build import Build, build_spec
from .cache import RedisCache, ResponseCache, open_cache, request_key
from .coherence import CoherenceScore, score
from .defects import PREFIX as DEFECT_PREFIX
from .logging import bind_request
from .metrics import Metrics
from .models import GenerateRequest, Metadata, OutputFormat, SchemasResponse
from .pools import LocalPool, Pool, SharedPool
from .registry import Registry
from .router import LlmWriter, Route, apply_llm, decide, load_writer
from .settings import ServiceSettings
from .tracing import make_tracer

__all__ = ["Chunk", "DataService", "Result", "StreamPlan"]

log = structlog.get_logger("synthwright.service")
SCENARIO = SCENARIO_COLUMN
BASE = "base"


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
    """A stream request checked and routed, ready to run."""

    request: GenerateRequest
    build: Build
    route: Route
    entity: str
    started: float = field(default_factory=time.perf_counter)


@dataclass
class _Shaped:
    table: pa.Table
    scenarios: dict[str, int]


class DataService:
    """Registry, cache, router, metrics and tracer of one service instance."""

    def __init__(
        self,
        settings: ServiceSettings | None = None,
        *,
        llm: LlmWriter | None = None,
        cache: ResponseCache | None = None,
        registry: Registry | None = None,
        span_exporter: SpanExporter | None = None,
    ) -> None:
        self.settings = settings or ServiceSettings()
        s = self.settings
        self.registry = registry or Registry.load(s.schema_dir)
        self.llm = llm if llm is not None else load_writer(s.llm)
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
        self._pools: dict[str, Pool] = {}
        self._templates: dict[str, Build] = {}

    # --- lifecycle --------------------------------------------------------------

    async def start(self) -> None:
        """Warm up (catalogue pools, every schema once, value pools), then report ready."""
        await asyncio.to_thread(self._warm)
        if self.settings.pool_records > 0:
            for name in self.registry.names():
                pool = self._pool(name)
                await pool.take(0)
                await pool.settle()
        ping = getattr(self.cache, "ping", None)
        if ping is not None and not await ping():
            log.warning("cache_unreachable_at_start", cache=self.cache.name)
        _freeze_startup_heap()
        self.ready = True
        log.info("service_ready", schemas=self.registry.names(), cache=self.cache.name)

    def _warm(self) -> None:
        for name in self.registry.names():
            build = build_spec(
                GenerateRequest(schema_name=name, count=1, seed=0),
                self.registry,
                max_support_rows=self.settings.max_support_rows,
            )
            self._produce(build, [])

    async def close(self) -> None:
        self.ready = False
        gc.unfreeze()  # what start-up froze is collectable again (and is not reported leaked)
        for pool in self._pools.values():
            await pool.settle()
        await self.cache.close()
        self.tracer_provider.shutdown()

    def schemas(self, domain: str | None = None) -> SchemasResponse:
        return self.registry.listing(domain)

    # --- helpers ------------------------------------------------------------------

    @contextmanager
    def _span(self, name: str, **attrs: Any) -> Iterator[Span]:
        with self.tracer.start_as_current_span(name) as span:
            for key, value in attrs.items():
                span.set_attribute(key, value)
            yield span

    def _prepare(self, request: GenerateRequest, limit: int, hint: str) -> tuple[Build, Route]:
        build = build_spec(request, self.registry, max_support_rows=self.settings.max_support_rows)
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
            llm_max_records=self.settings.llm_max_records,
        )
        return build, route

    @staticmethod
    def entity_of(request: GenerateRequest) -> str:
        return request.schema_name or request.entity or ("spec" if request.spec else "inline")

    def _produce(self, build: Build, scenario_names: list[str]) -> _Shaped:
        """Generate through the facade and shape the records (runs in a worker thread)."""
        try:
            tables = self._dataset(build).materialize()
        except GenerationError as exc:
            raise RequestError(exc.problems, status=422, code="generation_failed") from exc
        except SpecError as exc:
            raise RequestError(exc.problems) from exc
        return self._shape(self._records(tables, build), build, scenario_names)

    @staticmethod
    def _dataset(build: Build) -> api.Dataset:
        """The build's (fresh) dataset: a Dataset keeps its tables once materialised."""
        dataset, build.dataset = build.dataset, None
        return dataset if dataset is not None else api.generate(build.spec, seed=build.seed)

    def _records(self, tables: dict[str, pa.Table], build: Build) -> pa.Table:
        entry = build.entry
        if entry is None or not entry.assemble:
            return tables[build.table]
        con = thread_connection().cursor()
        try:
            for name, table in tables.items():
                rows = pa.array(range(table.num_rows), pa.int64())
                con.register(name, table.append_column("__row", rows))
            return con.sql(entry.assemble).to_arrow_table()
        finally:
            con.close()

    def _shape(self, table: pa.Table, build: Build, scenario_names: list[str]) -> _Shaped:
        counts: dict[str, int] = {}
        if SCENARIO in table.column_names:
            column = table.column(SCENARIO)
            if column.null_count:
                counts[BASE] = column.null_count
            if table.num_rows > column.null_count:
                decoded = (
                    pc.cast(column, pa.string()) if not pa.types.is_string(column.type) else column
                )
                for item in pc.value_counts(decoded.combine_chunks()).to_pylist():
                    if item["values"] is not None:
                        counts[item["values"]] = item["counts"]
            if not scenario_names:
                table = table.drop_columns([SCENARIO])
        else:
            counts[BASE] = table.num_rows
        drop = [c for c in (build.entry.drop if build.entry else ()) if c in table.column_names]
        if drop:
            table = table.drop_columns(drop)
        return _Shaped(_formats.nest(table, build.nest), counts)

    def _render(
        self, table: pa.Table, request: GenerateRequest, table_name: str, first: bool
    ) -> str:
        if request.format == OutputFormat.csv:
            return _formats.csv_text(table, header=first)
        if request.format == OutputFormat.sql:
            return _formats.sql_text(table, table_name, request.sql_dialect, create=first)
        return _formats.json_array(table)

    def _notes(self, request: GenerateRequest, route: Route, build: Build) -> list[str]:
        notes = list(route.notes)
        if request.flags.defect_triggering:
            edges = [n for n in build.scenario_names if n.startswith(DEFECT_PREFIX)]
            notes.append(
                f"defect_triggering: {len(edges)} kinds of edge value (boundaries, leap days, "
                "awkward text, rarest categories, missing optionals) in some records; each "
                "record's _scenario names its edge as defect:<column>:<kind>"
                if edges
                else "defect_triggering: no column of this entity has an edge value to plant"
            )
        if request.flags.learn_from_history:
            notes.append("learn_from_history is accepted but not supported yet: no effect")
        return notes

    def _coherence(self, build: Build, table: pa.Table) -> CoherenceScore:
        config = build.entry.coherence if build.entry else {}
        return score(table, config) if config else CoherenceScore({}, table.num_rows)

    def _pool(self, name: str) -> Pool:
        pool = self._pools.get(name)
        if pool is None:
            size = self.settings.pool_records

            def make(seed: int) -> pa.Table:
                request = GenerateRequest(schema_name=name, count=size, seed=seed)
                build = build_spec(
                    request, self.registry, max_support_rows=self.settings.max_support_rows
                )
                return self._produce(build, []).table

            if isinstance(self.cache, RedisCache):
                entry = self.registry.get(name)
                what = json.dumps(entry.tables if entry else {}, sort_keys=True, default=str)
                digest = hashlib.sha256(f"{self._salt}\n{size}\n{what}".encode()).hexdigest()
                prefix = f"sw:pool:{digest[:16]}:{name}"
                ttl = self.settings.cache_ttl_s
                pool = SharedPool(make, self.cache.client, prefix, size, ttl)
            else:
                pool = LocalPool(make)
            self._pools[name] = pool
        return pool

    def _pool_build(self, request: GenerateRequest) -> Build | None:
        """For a request a value pool can serve, a Build made without compiling anything."""
        if (
            self.settings.pool_records <= 0
            or request.seed is not None
            or request.fields is not None
            or request.spec is not None
            or request.scenarios
            or request.flags.defect_triggering
            or not 0 < request.count <= self.settings.pool_records // 4
        ):
            return None
        entry = self.registry.find(request.schema_name or request.entity or "", request.domain)
        if entry is None:
            return None
        template = self._templates.get(entry.name)
        if template is None:
            template = build_spec(
                GenerateRequest(schema_name=entry.name, count=1, seed=0),
                self.registry,
                max_support_rows=self.settings.max_support_rows,
            )
            template.dataset = None
            self._templates[entry.name] = template
        return Build(
            spec=template.spec,
            table=template.table,
            seed=0,
            entry=entry,
            free_text=template.free_text,
            record_count=request.count,
        )

    def _pooled(self, request: GenerateRequest, build: Build) -> bool:
        return (
            self.settings.pool_records > 0
            and not build.seeded
            and build.entry is not None
            and request.fields is None
            and request.spec is None
            and not request.scenarios
            and request.count <= self.settings.pool_records // 4
        )

    # --- unary ----------------------------------------------------------------------

    async def generate(self, request: GenerateRequest) -> Result:
        """Serve one unary request; RequestError (with the request field) when refused."""
        started = time.perf_counter()
        entity = self.entity_of(request)
        with (
            bind_request(request.request_id, entity=entity),
            self._span("synthwright.request", request_id=request.request_id, entity=entity) as root,
        ):
            try:
                result = await asyncio.wait_for(
                    self._generate(request, root, started), self.settings.request_timeout_s
                )
            except TimeoutError:
                raise RequestError(
                    f"the request took longer than {self.settings.request_timeout_s:g} s; "
                    "ask for fewer records or use the stream",
                    "count",
                    status=504,
                    code="timeout",
                ) from None
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

    async def _generate(self, request: GenerateRequest, root: Span, started: float) -> Result:
        limit = self.settings.max_records_unary
        with self._span("route") as span:
            fast = self._pool_build(request)
            route = Route("llm", "")
            if fast is not None:  # a pool can serve it: no spec to compile per request
                build = fast
                route = decide(
                    request,
                    fast,
                    llm_configured=self.llm is not None,
                    llm_max_records=self.settings.llm_max_records,
                )
            if fast is None or route.path != "rule_based":
                build, route = await asyncio.to_thread(
                    self._prepare,
                    request,
                    limit,
                    "; use /v1/generate/stream (gRPC GenerateDataStream)",
                )
            span.set_attribute("path", route.path)
            span.set_attribute("reason", route.reason)
        key = request_key(request, salt=self._salt)
        if key is not None:
            hit = await self.cache.get(key)
            if hit is not None:
                return self._from_cache(request, hit, started)
        tokens = 0
        rows: list[str] | None = None
        pooled = self._pooled(request, build) and route.path == "rule_based"
        notes = self._notes(request, route, build)
        seed = build.seed
        with self._span("generate", path=route.path) as span:
            if pooled:
                table, rows, seed, offset = await self._pool(build.entry.name).take(request.count)  # type: ignore[union-attr]
                shaped = _Shaped(table, {BASE: table.num_rows} if table.num_rows else {})
                notes.append(
                    f"served from a pre-generated pool (seed {seed}, records {offset}.."
                    f"{offset + table.num_rows - 1}); pass a seed for reproducible records"
                )
            else:
                shaped = await asyncio.to_thread(self._produce, build, build.scenario_names)
            path, reason = route.path, route.reason
            if route.path == "llm" and self.llm is not None:
                table, tokens, failure = await apply_llm(
                    self.llm, shaped.table, build, request, self.settings.llm_timeout_s
                )
                if failure:
                    path, reason = (
                        "rule_based",
                        f"{route.reason}; {failure}: fell back to rule-based",
                    )
                shaped.table = table
            span.set_attribute("record_count", shaped.table.num_rows)
        self.metrics.records.labels(self.entity_of(request)).inc(shaped.table.num_rows)
        with self._span("validate"):
            coherence = self._coherence(build, shaped.table)
        with self._span("respond", format=request.format.value):
            if rows is not None and request.format == OutputFormat.json and path == route.path:
                data = "[" + ",".join(rows) + "]"
            elif shaped.table.num_rows <= _formats.SMALL:  # cheaper than a thread hop
                data = self._render(shaped.table, request, build.table, True)
            else:
                data = await asyncio.to_thread(
                    self._render, shaped.table, request, build.table, True
                )
        metadata = Metadata(
            generation_path=path,
            route_reason=reason,
            llm_tokens_used=tokens,
            generation_time_ms=round((time.perf_counter() - started) * 1000, 3),
            coherence_score=coherence.score,
            coherence=coherence.parts,
            scenario_counts=shaped.scenarios,
            schema_name=build.entry.name if build.entry else None,
            entity=build.table if build.entry is None else build.entry.name,
            seed=seed,
            pooled=pooled,
            notes=notes,
        )
        result = Result(request.request_id, request.format, data, shaped.table.num_rows, metadata)
        if key is not None and path == route.path:  # a fallback is not worth remembering
            payload = {
                "data": data,
                "record_count": result.record_count,
                "metadata": metadata.model_dump(mode="json"),
            }
            await self.cache.set(key, json.dumps(payload).encode())
        return result

    def _from_cache(self, request: GenerateRequest, hit: bytes, started: float) -> Result:
        payload = json.loads(hit)
        metadata = Metadata.model_validate(payload["metadata"])
        metadata.cached = True
        metadata.generation_time_ms = round((time.perf_counter() - started) * 1000, 3)
        return Result(
            request.request_id, request.format, payload["data"], payload["record_count"], metadata
        )

    # --- streams --------------------------------------------------------------------------

    async def prepare_stream(self, request: GenerateRequest) -> StreamPlan:
        """Check and route a stream request before any chunk is sent (errors are still 4xx)."""
        with bind_request(request.request_id):
            build, route = await asyncio.to_thread(
                self._prepare, request, self.settings.max_records_stream, ""
            )
        return StreamPlan(request, build, route, self.entity_of(request))

    async def stream(self, plan: StreamPlan) -> AsyncIterator[Chunk]:
        """Chunks of at most stream_chunk_records records; the last has is_final and metadata."""
        request, build, route = plan.request, plan.build, plan.route
        with (
            bind_request(request.request_id, entity=plan.entity),
            self._span(
                "synthwright.request", request_id=request.request_id, entity=plan.entity
            ) as root,
        ):
            counts: dict[str, int] = {}
            coherence = CoherenceScore({}, 0)
            total = 0
            pending: Chunk | None = None
            deadline = plan.started + self.settings.stream_timeout_s
            path, reason, tokens = route.path, route.reason, 0
            source = (
                self._materialized(plan)
                if (build.entry is not None and build.entry.assemble) or route.path == "llm"
                else self._engine_batches(build)
            )
            index = 0
            with self._span("generate", path=route.path):
                async for table in source:
                    if time.perf_counter() > deadline:
                        raise RequestError(
                            f"the stream took longer than {self.settings.stream_timeout_s:g} s",
                            "count",
                            status=504,
                            code="timeout",
                        )
                    if isinstance(table, tuple):  # the LLM's verdict from _materialized
                        path, reason, tokens = table
                        continue
                    for start in range(0, table.num_rows, self.settings.stream_chunk_records):
                        piece = table.slice(start, self.settings.stream_chunk_records)
                        shaped = self._shape(piece, build, build.scenario_names)
                        for k, v in shaped.scenarios.items():
                            counts[k] = counts.get(k, 0) + v
                        coherence = coherence.merge(self._coherence(build, shaped.table))
                        data = self._render(shaped.table, request, build.table, index == 0)
                        if pending is not None:
                            yield pending
                        pending = Chunk(index, data, shaped.table.num_rows, False)
                        total += shaped.table.num_rows
                        index += 1
            self.metrics.records.labels(plan.entity).inc(total)
            metadata = Metadata(
                generation_path=path,
                route_reason=reason,
                llm_tokens_used=tokens,
                generation_time_ms=round((time.perf_counter() - plan.started) * 1000, 3),
                coherence_score=coherence.score,
                coherence=coherence.parts,
                scenario_counts=counts,
                schema_name=build.entry.name if build.entry else None,
                entity=build.table if build.entry is None else build.entry.name,
                seed=build.seed,
                notes=self._notes(request, route, build),
            )
            if pending is None:
                first = self._render(self._empty(build), request, build.table, True)
                pending = Chunk(0, first, 0, False)
            pending.is_final = True
            pending.metadata = metadata
            root.set_attribute("path", path)
            root.set_attribute("record_count", total)
            log.info("streamed", records=total, chunks=index, path=path)
            yield pending

    def _empty(self, build: Build) -> pa.Table:
        spec = build.spec.model_copy(deep=True)
        spec.tables[build.table].rows = 0
        spec.scenarios = {}
        plan_build = Build(
            spec=spec, table=build.table, seed=build.seed, entry=build.entry, nest=build.nest
        )
        return self._produce(plan_build, []).table

    async def _materialized(self, plan: StreamPlan) -> AsyncIterator[Any]:
        """Whole record table at once (assembled entities, LLM path); shaped per chunk later."""
        build = plan.build

        def run() -> pa.Table:
            try:
                tables = self._dataset(build).materialize()
            except SynthwrightError as exc:
                raise RequestError(exc.problems, status=422, code="generation_failed") from exc
            return self._records(tables, build)

        table = await asyncio.to_thread(run)
        if plan.route.path == "llm" and self.llm is not None:
            table, tokens, failure = await apply_llm(
                self.llm, table, build, plan.request, self.settings.llm_timeout_s
            )
            if failure:
                yield (
                    "rule_based",
                    f"{plan.route.reason}; {failure}: fell back to rule-based",
                    tokens,
                )
            else:
                yield ("llm", plan.route.reason, tokens)
        yield table

    async def _engine_batches(self, build: Build) -> AsyncIterator[pa.Table]:
        """Record-table batches as the engine makes them, through a queue of two."""
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[Any] = asyncio.Queue(maxsize=2)
        stop = threading.Event()
        done = object()

        class _Stopped(Exception):
            pass

        def put(item: Any) -> None:
            asyncio.run_coroutine_threadsafe(queue.put(item), loop).result()

        def on_batch(name: str, batch: pa.RecordBatch) -> None:
            if stop.is_set():
                raise _Stopped
            if name == build.table:
                put(batch)

        def work() -> None:
            try:
                self._dataset(build).stream(on_batch)
                put(done)
            except _Stopped:
                pass
            except SynthwrightError as exc:
                put(RequestError(exc.problems, status=422, code="generation_failed"))
            except BaseException as exc:
                put(exc)

        worker = loop.run_in_executor(None, work)
        try:
            while True:
                item = await queue.get()
                if item is done:
                    break
                if isinstance(item, BaseException):
                    raise item
                yield pa.Table.from_batches([item])
        finally:
            stop.set()
            while not worker.done():
                while not queue.empty():
                    queue.get_nowait()
                await asyncio.sleep(0.005)


def problems_of(exc: BaseException) -> list[Problem]:
    """Located problems of any error (a fault of ours is one unlocated problem)."""
    if isinstance(exc, SynthwrightError):
        return exc.problems
    return [Problem("", f"internal error: {type(exc).__name__}")]


def _freeze_startup_heap() -> None:
    """Move what start-up built (catalogue pools, schemas, value pools) out of the GC's sight.

    Those objects live as long as the process; a full collection would walk all
    of them, a pause of tens of milliseconds that every in-flight request then
    waits through. `gc.freeze` is the standard remedy for long-lived servers.
    """
    gc.collect()
    gc.freeze()
