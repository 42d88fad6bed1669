"""A bounded hostile-request suite over HTTP and gRPC: refused cleanly, work stopped, memory flat.

Every case of `hostile_cases` must get a 4xx (HTTP) or INVALID_ARGUMENT
(gRPC) naming a location, never a 500 / UNKNOWN, unless it is a valid extreme
request, which must then return exactly what it asked. Timed-out requests and
cancelled streams must stop their worker threads, and the resident memory of
the process (the servers run in it) must stay within a bound after 1,000
hostile requests and 100 cancelled streams.
"""

from __future__ import annotations

import asyncio
import json
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

import grpc
import httpx
import pytest

from synthwright.service import _proto, limits
from synthwright.service._errors import RequestError
from synthwright.service.core import DataService
from synthwright.service.grpc_server import SERVICE_NAME
from synthwright.service.models import GenerateRequest

from .conftest import Live, run_live, small_settings
from .hostile_cases import CASES, Case, deep_fields_bytes, grpc_message

pb2, pb2_grpc = _proto.load()
RSS_GROWTH_MB = 150
HOSTILE_REQUESTS = 1000
CANCELLED_STREAMS = 100
LOAD_LIMIT_S = 240  # the whole load test, on a busy 2-core machine


@pytest.fixture(scope="module")
def hostile() -> Iterator[Live]:
    """A service of its own (metrics and memory are not shared with other tests)."""
    settings = small_settings(pool_records=1024, stream_chunk_records=1000, request_timeout_s=20)
    yield from run_live(DataService(settings))


def rss_mb() -> float:
    """Resident memory of this process (psutil when installed, else /proc)."""
    try:
        import psutil

        return float(psutil.Process().memory_info().rss) / 2**20
    except ImportError:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    return 0.0


def engine_threads() -> int:
    """Threads currently inside the engine or the service's generation code."""
    busy = 0
    for frame in sys._current_frames().values():
        f: Any = frame
        while f is not None:
            name = f.f_code.co_filename
            if "synthwright/engine/" in name or "synthwright/catalog/" in name:
                busy += 1
                break
            f = f.f_back
    return busy


def wait_idle(limit_s: float = 15.0) -> bool:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if engine_threads() == 0:
            return True
        time.sleep(0.05)
    return False


def _http(client: httpx.Client, case: Case) -> httpx.Response:
    path = "/v1/generate/stream" if case.stream else "/v1/generate"
    if case.raw:
        return client.post(path, content=case.body, headers={"content-type": "application/json"})
    return client.post(path, json=case.body)


def _check_http(case: Case, response: httpx.Response) -> None:
    status = response.status_code
    assert status < 500, (case.name, status, response.text[:300])
    if status == 200:
        assert case.may_succeed, (case.name, response.text[:300])
        if not case.stream:
            doc = response.json()
            asked = case.body.get("count", 10)
            assert doc["record_count"] == asked == len(doc["data"])
        return
    assert 400 <= status < 500
    if status != 413 or response.headers.get("content-type", "").startswith("application/json"):
        doc = response.json()
        error = doc.get("error") or {}
        if error:  # the service's own refusals (FastAPI's body parser says "detail")
            assert error["problems"] and all(p["location"] for p in error["problems"]), doc


@pytest.mark.parametrize("case", CASES, ids=[f"{c.family}:{c.name}" for c in CASES])
def test_http_refuses_hostile_requests(hostile: Live, case: Case) -> None:
    with httpx.Client(base_url=hostile.http, timeout=60) as client:
        _check_http(case, _http(client, case))


GRPC_CASES = [c for c in CASES if c.grpc and grpc_message(pb2, c.body) is not None]


async def _grpc(stub: Any, case: Case) -> tuple[str, str, int]:
    msg = grpc_message(pb2, case.body)
    try:
        if case.stream:
            chunks = [c async for c in stub.GenerateDataStream(msg, timeout=60)]
            return "OK", "", sum(c.record_count for c in chunks)
        reply = await stub.GenerateData(msg, timeout=60)
        return "OK", "", reply.record_count
    except grpc.aio.AioRpcError as exc:
        return exc.code().name, exc.details() or "", 0


@pytest.mark.anyio
@pytest.mark.parametrize("case", GRPC_CASES, ids=[f"{c.family}:{c.name}" for c in GRPC_CASES])
async def test_grpc_refuses_hostile_requests(hostile: Live, case: Case) -> None:
    async with grpc.aio.insecure_channel(hostile.grpc) as channel:
        code, details, records = await _grpc(pb2_grpc.TestDataServiceStub(channel), case)
    if code == "OK":
        assert case.may_succeed, case.name
        assert records == case.body.get("count", 10)
        return
    assert code == "INVALID_ARGUMENT", (case.name, code, details)
    assert ": " in details, details  # "location: message"


@pytest.mark.anyio
@pytest.mark.parametrize("depth", [31, 150, 1000])
async def test_grpc_messages_nested_past_protobufs_limit_are_invalid_argument(
    hostile: Live, depth: int
) -> None:
    """Bytes no client library would build: decoded leniently, refused, never UNKNOWN."""
    method = f"/{SERVICE_NAME}/GenerateData"
    async with grpc.aio.insecure_channel(hostile.grpc) as channel:
        call = channel.unary_unary(method, response_deserializer=pb2.GenerateResponse.FromString)
        if depth <= 31:
            reply = await call(deep_fields_bytes(depth), timeout=30)
            assert reply.record_count == 2
            return
        with pytest.raises(grpc.aio.AioRpcError) as err:
            await call(deep_fields_bytes(depth), timeout=30)
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT, err.value.details()


def test_the_unary_cap_holds_on_every_path(hostile: Live) -> None:
    """Unseeded (pooled) requests used to bypass it: 2,048 over HTTP, 1,500 over gRPC."""
    with httpx.Client(base_url=hostile.http, timeout=60) as client:
        for body in (
            {"entity": "user", "count": 2048},
            {"entity": "user", "count": 1001},
            {"entity": "user", "count": 2048, "seed": 1},
            {"fields": [{"name": "n", "type": "int"}], "count": 1500},
            {"entity": "user", "count": 999, "scenarios": [{"name": "x", "count": 2}]},
        ):
            response = client.post("/v1/generate", json=body)
            assert response.status_code == 400, response.text
            [problem] = response.json()["error"]["problems"]
            assert problem["location"] in ("count", "scenarios")
            assert "at most 1000" in problem["message"]
        ok = client.post("/v1/generate", json={"entity": "user", "count": 256}).json()
        assert ok["record_count"] == 256 and ok["metadata"]["pooled"] is True

    async def over_grpc() -> None:
        async with grpc.aio.insecure_channel(hostile.grpc) as channel:
            stub = pb2_grpc.TestDataServiceStub(channel)
            for request in (
                pb2.GenerateRequest(entity="user", count=1500),
                pb2.GenerateRequest(entity="user", count=1500, seed=3),
            ):
                with pytest.raises(grpc.aio.AioRpcError) as err:
                    await stub.GenerateData(request)
                assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
                assert (err.value.details() or "").startswith("count: 1500 records asked")

    asyncio.run(over_grpc())


def test_memory_bound_is_named_and_streams_of_cheap_records_pass() -> None:
    service = DataService(small_settings(max_request_mb=64))
    wide = [
        {"name": f"f{i}", "type": "string", "constraints": {"regex": "[a-z]{5000}"}}
        for i in range(20)
    ]
    with pytest.raises(RequestError) as info:
        service._prepare(
            GenerateRequest(fields=wide, count=1000, seed=1),
            1000,
            "",
            limits.Cancel(),
            stream=False,
        )
    [problem] = info.value.problems
    assert problem.location == "count" and "64 MiB" in problem.message
    assert "records of 'records' fit" in problem.message
    build, _ = service._prepare(
        GenerateRequest(entity="user", count=1_000_000, seed=1),
        1_000_000,
        "",
        limits.Cancel(),
        stream=True,
    )
    assert build.record_count == 1_000_000  # an engine stream holds one block at a time


@pytest.mark.anyio
async def test_a_timed_out_request_stops_its_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    """The 504 used to leave the generation running on; now the next block stops it."""
    stopped = threading.Event()
    blocks: list[bool] = []
    original = limits.Cancel.progress

    def spy(self: limits.Cancel, table: str, done: int, total: int) -> None:
        blocks.append(self.is_set())
        try:
            original(self, table, done, total)
        except limits.Cancelled:
            stopped.set()
            raise

    monkeypatch.setattr(limits.Cancel, "progress", spy)
    service = DataService(small_settings(request_timeout_s=0.3, pool_records=0))
    tables = {"t": {"rows": 10, "columns": {"id": {"type": "id"}}}}
    for i in range(12):  # 12 support tables of 2 blocks each: seconds of work
        tables[f"s{i}"] = {
            "rows": 100_000,
            "columns": {"a": {"type": "full_name"}, "b": {"type": "email"}, "c": {"type": "uuid"}},
        }
    request = GenerateRequest(spec={"tables": tables}, entity="t", count=10, seed=1)
    with pytest.raises(RequestError) as info:
        await service.generate(request)
    assert info.value.status == 504 and info.value.code == "timeout"
    assert await asyncio.to_thread(stopped.wait, 30), "the worker ran on after the 504"
    assert len(blocks) < 24  # it did not generate every block
    assert blocks.count(True) == 1  # exactly one block boundary after the timeout: it stopped


def _cancelled_http_stream(client: httpx.Client, body: dict[str, Any]) -> None:
    with client.stream("POST", "/v1/generate/stream", json=body) as response:
        assert response.status_code == 200
        for _ in response.iter_lines():
            break  # one chunk, then hang up


async def _cancelled_grpc_streams(target: str, bodies: list[dict[str, Any]]) -> None:
    async with grpc.aio.insecure_channel(target) as channel:
        stub = pb2_grpc.TestDataServiceStub(channel)
        for body in bodies:
            call = stub.GenerateDataStream(grpc_message(pb2, body))
            async for _ in call:
                break
            call.cancel()


STREAMS = [
    {"entity": "user", "count": 1_000_000, "seed": 5},
    {"fields": [{"name": "n", "type": "int"}, {"name": "s", "type": "string"}], "count": 10**6},
    {"entity": "review", "count": 500_000},
]


def test_cancelled_streams_stop_their_workers(hostile: Live) -> None:
    records = hostile.service.metrics.records
    before = sum(records.labels(e)._value.get() for e in ("user", "inline", "review"))
    with httpx.Client(base_url=hostile.http, timeout=60) as client:
        for body in STREAMS:
            _cancelled_http_stream(client, body)
    asyncio.run(_cancelled_grpc_streams(hostile.grpc, STREAMS))
    assert wait_idle(), "a cancelled stream's worker is still generating"
    after = sum(records.labels(e)._value.get() for e in ("user", "inline", "review"))
    assert after == before  # no stream ran to its end for nobody
    with httpx.Client(base_url=hostile.http, timeout=10) as client:  # and the service answers
        started = time.perf_counter()
        assert client.post("/v1/generate", json={"entity": "user", "count": 5}).status_code == 200
        assert time.perf_counter() - started < 5


def test_memory_stays_flat_after_hostile_load(hostile: Live) -> None:
    """1,000 hostile requests and 100 cancelled streams (HTTP and gRPC): RSS within a bound."""
    started = time.monotonic()
    with httpx.Client(base_url=hostile.http, timeout=60) as client:
        for body in STREAMS:  # warm the stream paths first: the allocator's first pages
            _cancelled_http_stream(client, body)
        wait_idle()
        before = rss_mb()
        http_cases = [c for c in CASES if not c.may_succeed]
        sent = 0
        while sent < HOSTILE_REQUESTS // 2:
            case = http_cases[sent % len(http_cases)]
            assert _http(client, case).status_code < 500, case.name
            sent += 1
            assert time.monotonic() - started < LOAD_LIMIT_S
        for i in range(CANCELLED_STREAMS // 2):
            _cancelled_http_stream(client, STREAMS[i % len(STREAMS)])
            assert time.monotonic() - started < LOAD_LIMIT_S

    async def over_grpc() -> None:
        cases = [c for c in GRPC_CASES if not c.may_succeed]
        async with grpc.aio.insecure_channel(hostile.grpc) as channel:
            stub = pb2_grpc.TestDataServiceStub(channel)
            for i in range(HOSTILE_REQUESTS - HOSTILE_REQUESTS // 2):
                code, details, _ = await _grpc(stub, cases[i % len(cases)])
                assert code == "INVALID_ARGUMENT", (cases[i % len(cases)].name, code, details)
                assert time.monotonic() - started < LOAD_LIMIT_S
        bodies = [STREAMS[i % len(STREAMS)] for i in range(CANCELLED_STREAMS // 2)]
        await _cancelled_grpc_streams(hostile.grpc, bodies)

    asyncio.run(over_grpc())
    assert wait_idle()
    after = rss_mb()
    print(json.dumps({"rss_before_mb": round(before), "rss_after_mb": round(after)}))
    assert after - before < RSS_GROWTH_MB, (before, after)
