"""A real service (uvicorn + grpc.aio on free localhost ports) for the tests of this folder.

The servers run on their own event loop in a background thread, exactly as
`synthwright serve` runs them; tests talk to them over TCP with httpx and a
grpc.aio channel.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

import pytest

from synthwright.service.core import DataService
from synthwright.service.router import LlmResult, LlmTask
from synthwright.service.server import Running, start
from synthwright.service.settings import ServiceSettings


def small_settings(**overrides: Any) -> ServiceSettings:
    """Settings for tests: free ports, small pools and chunks."""
    base: dict[str, Any] = {
        "host": "127.0.0.1",
        "http_port": 0,
        "grpc_port": 0,
        "pool_records": 256,
        "stream_chunk_records": 100,
        "grace_s": 1.0,
        "rag_url": "memory",  # never the user's store
    }
    base.update(overrides)
    return ServiceSettings(**base)


def fake_llm(task: LlmTask) -> LlmResult:
    """A stand-in LLM (the real layer is another package): writes text from the context."""
    n = len(task.records)
    values = {f: [f"{task.context} #{i} ({f})" for i in range(n)] for f in task.fields}
    return LlmResult(values=values, tokens_used=7 * n)


@dataclass
class Live:
    """A running service and the loop it runs on."""

    running: Running
    loop: asyncio.AbstractEventLoop

    @property
    def http(self) -> str:
        return f"http://127.0.0.1:{self.running.http_port}"

    @property
    def grpc(self) -> str:
        return f"127.0.0.1:{self.running.grpc_port}"

    @property
    def service(self) -> DataService:
        return self.running.service


def run_live(service: DataService) -> Iterator[Live]:
    loop = asyncio.new_event_loop()
    ready: Future[Running] = Future()

    def main() -> None:
        asyncio.set_event_loop(loop)

        async def boot() -> None:
            try:
                ready.set_result(await start(service))
            except BaseException as exc:
                ready.set_exception(exc)

        loop.run_until_complete(boot())
        loop.run_forever()

    thread = threading.Thread(target=main, daemon=True)
    thread.start()
    running = ready.result(timeout=60)
    try:
        yield Live(running, loop)
    finally:
        asyncio.run_coroutine_threadsafe(running.stop(), loop).result(timeout=30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def live() -> Iterator[Live]:
    """The service with the fake LLM writer configured."""
    yield from run_live(DataService(small_settings(), llm=fake_llm))


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
