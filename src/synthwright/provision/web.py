"""``synthwright provision serve``: the provisioning API (SPEC.md section 6) and its dashboard.

FastAPI, one process: jobs run in a bounded pool of worker threads
(``max_jobs`` at a time, the rest wait queued), each a checkpointed
pipeline whose state is in ``DATA_DIR/jobs.sqlite``; a restarted server
resumes every job that was queued or running. Progress is a Server-Sent
Events stream per job: each event has the store's event id, a reconnecting
client's ``Last-Event-ID`` (or ``?last_event_id=``) replays what followed
it, and the stream ends after the ``completed`` or ``failed`` event. The
dashboard at ``/`` is static HTML and JavaScript shipped in the package
(``static/``), no build step and no CDN: the ER diagram is shown as its
Mermaid text.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import threading
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import (
    FileResponse,
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    StreamingResponse,
)
from pydantic import BaseModel, Field

from ..errors import SynthwrightError
from .pipeline import run_job
from .stages import Options
from .store import TERMINAL, JobStore

__all__ = ["JobRunner", "create_app"]

log = logging.getLogger("synthwright.provision")
_ASSETS = ("research.json", "spec.yaml", "golden_queries.json", "demo_script.md", "job.json",
           "er_diagram.mmd")  # fmt: skip
_STATIC = {"app.js": "text/javascript", "app.css": "text/css", "index.html": "text/html"}
_TERMINAL_PHASES = ("completed", "failed")


class StartRequest(BaseModel):
    customer_url: str = Field(min_length=1, max_length=2000)
    max_pages: int | None = Field(default=None, ge=1, le=200)
    scale: float | None = Field(default=None, gt=0, le=100)


class JobRunner:
    """A bounded pool running provision jobs; queued jobs wait for a free worker."""

    def __init__(
        self,
        store: JobStore,
        data_dir: Path,
        *,
        max_jobs: int = 2,
        client_factory: Callable[[], Any] | None = None,
        db_url: str | None = None,
    ) -> None:
        self.store = store
        self.data_dir = data_dir
        self.client_factory = client_factory
        self.db_url = db_url
        self._pool = ThreadPoolExecutor(max_workers=max_jobs, thread_name_prefix="provision")
        self._lock = threading.Lock()
        self._active: set[str] = set()

    def options_for(self, url: str, job_id: str, max_pages: int, scale: float) -> Options:
        return Options(
            url=url,
            out_dir=str((self.data_dir / "jobs" / job_id).resolve()),
            db_url=self.db_url,
            max_pages=max_pages,
            scale=scale,
        )

    def submit(self, job_id: str, options: Options) -> None:
        with self._lock:
            if job_id in self._active:
                return
            self._active.add(job_id)
        self._pool.submit(self._run, job_id, options)

    def _run(self, job_id: str, options: Options) -> None:
        client = None
        try:
            if self.store.cancel_requested(job_id):
                self.store.update_job(
                    job_id, status="cancelled", phase="failed", error="cancelled by request"
                )
                self.store.add_event(job_id, {"job_id": job_id, "phase": "failed", "progress": 0,
                                              "status": "cancelled", "error": "cancelled by request"})  # fmt: skip
                return
            client = self.client_factory() if self.client_factory else None
            run_job(self.store, job_id, options, client=client)
        except BaseException as exc:  # recorded in the store by run_job; the worker lives on
            log.info("provision job %s ended: %s", job_id, exc)
        finally:
            if client is not None:
                client.close()
            with self._lock:
                self._active.discard(job_id)

    def resume(self) -> list[str]:
        """Queue again every job a stopped server left unfinished."""
        resumed = []
        for job in self.store.unfinished():
            options = Options(
                **{k: v for k, v in job.options.items() if k in Options.__dataclass_fields__}
            )
            self.store.update_job(job.id, status="queued", phase="queued")
            self.submit(job.id, options)
            resumed.append(job.id)
        return resumed

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


def _static(name: str) -> Any:
    return resources.files("synthwright.provision") / "static" / name


def create_app(
    data_dir: Path,
    *,
    max_jobs: int = 2,
    client_factory: Callable[[], Any] | None = None,
    max_pages: int = 20,
    scale: float = 1.0,
    db_url: str | None = None,
    resume: bool = True,
) -> FastAPI:
    """The app; ``data_dir`` holds the job store and each job's folder."""
    data_dir = Path(data_dir)
    store = JobStore(data_dir / "jobs.sqlite")
    runner = JobRunner(
        store, data_dir, max_jobs=max_jobs, client_factory=client_factory, db_url=db_url
    )

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if resume:
            resumed = runner.resume()
            if resumed:
                log.info("resumed %d provision jobs", len(resumed))
        yield
        runner.shutdown()

    app = FastAPI(title="synthwright provision", version="1", lifespan=lifespan)
    app.state.store = store
    app.state.runner = runner

    def job_or_404(job_id: str) -> Any:
        job = store.get_job(job_id)
        if job is None:
            raise HTTPException(status_code=404, detail=f"no job {job_id!r}")
        return job

    @app.post("/api/provision/start")
    def start(body: StartRequest) -> JSONResponse:
        from .fetch import normalise_url

        try:
            url = normalise_url(body.customer_url, "customer_url")
        except SynthwrightError as exc:
            return JSONResponse({"detail": [p.to_dict() for p in exc.problems]}, status_code=422)
        job_id = secrets.token_hex(6)
        options = runner.options_for(url, job_id, body.max_pages or max_pages, body.scale or scale)
        store.create_job(job_id, url, options.to_dict(), options.out_dir)
        store.add_event(
            job_id, {"job_id": job_id, "phase": "queued", "progress": 0, "status": "queued"}
        )
        runner.submit(job_id, options)
        return JSONResponse({"job_id": job_id})

    @app.get("/api/provision/status/{job_id}")
    def status(job_id: str) -> dict[str, Any]:
        return dict(job_or_404(job_id).status_dict())

    @app.get("/api/provision/jobs")
    def jobs() -> list[dict[str, Any]]:
        return [job.status_dict() for job in store.list_jobs()]

    @app.post("/api/provision/cancel/{job_id}")
    def cancel(job_id: str) -> dict[str, Any]:
        job_or_404(job_id)
        return {"job_id": job_id, "cancelled": store.request_cancel(job_id)}

    @app.get("/api/provision/assets/{job_id}")
    def assets(job_id: str) -> dict[str, Any]:
        job = job_or_404(job_id)
        folder = Path(job.out_dir)

        def text(name: str) -> str | None:
            path = folder / name
            return path.read_text(encoding="utf-8") if path.is_file() else None

        def data(name: str) -> Any:
            raw = text(name)
            return json.loads(raw) if raw is not None else None

        return {
            **job.status_dict(),
            "research": data("research.json"),
            "spec_yaml": text("spec.yaml"),
            "er_diagram": text("er_diagram.mmd"),
            "golden_queries": data("golden_queries.json"),
            "demo_script": text("demo_script.md"),
            "job": data("job.json"),
            "files": [n for n in _ASSETS if (folder / n).is_file()],
        }

    @app.get("/api/provision/files/{job_id}/{name}")
    def file(job_id: str, name: str) -> FileResponse:
        job = job_or_404(job_id)
        if name not in _ASSETS or not (Path(job.out_dir) / name).is_file():
            raise HTTPException(status_code=404, detail=f"no file {name!r}")
        return FileResponse(Path(job.out_dir) / name, filename=name)

    @app.get("/api/provision/stream/{job_id}")
    async def stream(
        job_id: str, request: Request, last_event_id: int | None = None
    ) -> StreamingResponse:
        job_or_404(job_id)
        header = request.headers.get("last-event-id")
        after = last_event_id or 0
        if header and header.strip().isdigit():
            after = int(header.strip())
        return StreamingResponse(
            _events(store, job_id, after, request),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )

    @app.get("/", response_class=HTMLResponse)
    def index() -> HTMLResponse:
        return HTMLResponse(_static("index.html").read_text(encoding="utf-8"))

    @app.get("/static/{name}")
    def static(name: str) -> PlainTextResponse:
        if name not in _STATIC:
            raise HTTPException(status_code=404, detail=f"no file {name!r}")
        return PlainTextResponse(
            _static(name).read_text(encoding="utf-8"), media_type=_STATIC[name]
        )

    return app


async def _events(store: JobStore, job_id: str, after: int, request: Request) -> AsyncIterator[str]:
    """The job's events after ``after``, then new ones as they come, to the terminal one."""
    yield "retry: 1000\n\n"
    idle = 0.0
    while True:
        batch = await asyncio.to_thread(store.events_after, job_id, after)
        for event_id, data in batch:
            after = event_id
            yield f"id: {event_id}\ndata: {json.dumps(data)}\n\n"
            if data.get("phase") in _TERMINAL_PHASES:
                return
        if batch:
            idle = 0.0
            continue
        job = await asyncio.to_thread(store.get_job, job_id)
        if job is None or (
            job.status in TERMINAL
            and not await asyncio.to_thread(store.events_after, job_id, after)
        ):
            return
        if await request.is_disconnected():
            return
        await asyncio.sleep(0.2)
        idle += 0.2
        if idle >= 15:
            idle = 0.0
            yield ": keep-alive\n\n"
