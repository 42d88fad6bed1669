"""One process, one event loop: uvicorn (HTTP) and grpc.aio (gRPC) over one DataService.

SIGTERM/SIGINT start a graceful shutdown: readiness turns false (HTTP 503,
gRPC NOT_SERVING), both servers stop taking connections, in-flight requests
get `grace_s` seconds, then the cache and tracer are closed. uvicorn's own
signal capture is switched off so that this module owns the signals and the
gRPC server is stopped too (uvicorn would re-raise the signal and end the
process before that).
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import structlog
import uvicorn

from .core import DataService
from .grpc_server import create_grpc_server, set_serving
from .http_app import create_app
from .settings import ServiceSettings

__all__ = ["Running", "serve", "start"]

log = structlog.get_logger("synthwright.service.server")


class _Uvicorn(uvicorn.Server):
    """uvicorn without its signal handlers (the process-level ones live in `serve`)."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


@dataclass
class Running:
    """Both servers started: ports actually bound, and how to stop them."""

    service: DataService
    http: _Uvicorn
    http_task: asyncio.Task[None]
    grpc: Any
    grpc_health: Any
    http_port: int
    grpc_port: int

    async def stop(self) -> None:
        """Graceful: not ready, stop taking connections, let in-flight work finish."""
        self.service.ready = False
        await set_serving(self.grpc_health, False)
        grace = self.service.settings.grace_s
        self.http.should_exit = True
        grpc_stop = asyncio.ensure_future(self.grpc.stop(grace))
        try:
            await asyncio.wait_for(asyncio.shield(self.http_task), grace + 1)
        except TimeoutError:
            self.http.force_exit = True
            await self.http_task
        await grpc_stop
        await self.service.close()
        log.info("stopped")


async def start(service: DataService) -> Running:
    """Start HTTP and gRPC over `service` (ports 0 pick free ones), warm up, report ready."""
    s = service.settings
    app = create_app(service, manage_lifecycle=False)
    config = uvicorn.Config(
        app,
        host=s.host,
        port=s.http_port,
        log_config=None,
        access_log=False,
        lifespan="off",
        timeout_graceful_shutdown=int(s.grace_s) or None,
    )
    http = _Uvicorn(config)
    http_task = asyncio.ensure_future(http.serve())
    while not http.started:
        if http_task.done():
            await http_task  # raises what stopped it (port taken, ...)
            raise OSError(f"HTTP server could not start on {s.host}:{s.http_port}")
        await asyncio.sleep(0.01)
    http_port = http.servers[0].sockets[0].getsockname()[1]
    grpc_server, grpc_port, grpc_health = await create_grpc_server(service, s.host, s.grpc_port)
    log.info("listening", http_port=http_port, grpc_port=grpc_port, host=s.host)
    await service.start()
    await set_serving(grpc_health, True)
    return Running(service, http, http_task, grpc_server, grpc_health, http_port, grpc_port)


async def serve(
    settings: ServiceSettings, stop: asyncio.Event | None = None, *, llm_config: Any = None
) -> None:
    """Run until SIGTERM/SIGINT (or `stop` is set), then shut down gracefully.

    `llm_config` is the CLI's resolved `LLMConfig` (the service does not read
    ``SYNTHWRIGHT_LLM`` itself: one reader, `synthwright.llm.config`).
    """
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    # no signal handlers on Windows (NotImplementedError) or off the main thread
    # (RuntimeError: the tests run the server in a thread): `stop` still ends it
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    running = await start(DataService(settings, llm_config=llm_config))
    try:
        await stop.wait()
        log.info("shutting_down")
    finally:
        await running.stop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.remove_signal_handler(sig)
