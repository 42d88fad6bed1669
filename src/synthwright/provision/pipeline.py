"""The provision job: a small state machine over the stages, checkpointed in SQLite.

For each stage in order: if the store holds it as done with the same input
hash and its files (or tables) are intact, it is reused; otherwise it runs
and its output is recorded before the next begins. A job killed at any
point therefore resumes at the first stage that had not finished, and a
rerun with unchanged inputs reuses every stage. Progress and phase changes
are events in the store (what the SSE stream replays); ``job.json`` in the
output folder is rewritten after every stage. A cancel request is honoured
between pages, between generated blocks and between golden questions.

States of a job: queued -> running -> completed | failed | cancelled.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import SynthwrightError
from ._files import digest, write_json_atomic
from .stages import RUNNERS, SPANS, STAGES, Context, Options, artifacts_intact, stage_inputs
from .store import JobStore

__all__ = ["Cancelled", "job_id_for", "run_job"]


class Cancelled(Exception):
    """The job was asked to stop."""


def job_id_for(options: Options) -> str:
    """The CLI's job id: one job per URL and output folder."""
    return "run-" + digest([options.url, str(Path(options.out_dir).resolve())])[:12]


class _Job:
    def __init__(
        self,
        store: JobStore,
        job_id: str,
        options: Options,
        client: Any,
        on_event: Callable[[dict[str, Any]], None] | None = None,
    ) -> None:
        self.store = store
        self.on_event = on_event
        self.job_id = job_id
        self.options = options
        self.out = Path(options.out_dir)
        self.started = time.time()
        self.progress = 0.0
        self.timeline: list[dict[str, Any]] = []
        self.ctx = Context(
            options, client=client, progress=self.on_progress, should_stop=self.cancelled
        )

    def cancelled(self) -> bool:
        return self.store.cancel_requested(self.job_id)

    def emit(self, phase: str, progress: float, **extra: Any) -> None:
        self.progress = max(self.progress, progress) if phase not in ("failed",) else self.progress
        data = {"job_id": self.job_id, "phase": phase, "progress": round(self.progress, 1), **extra}
        self.store.add_event(self.job_id, data)
        if self.on_event is not None:
            self.on_event(data)

    def on_progress(self, stage: str, fraction: float, message: str) -> None:
        lo, hi = SPANS[stage]
        value = lo + (hi - lo) * fraction
        self.store.update_job(self.job_id, phase=stage, progress=max(self.progress, value))
        self.emit(stage, value, status="running", message=message)

    def write_job_json(self, status: str, error: str | None = None) -> None:
        write_json_atomic(
            self.out / "job.json",
            {
                "job_id": self.job_id,
                "url": self.options.url,
                "options": {k: v for k, v in self.options.to_dict().items() if k != "db_url"}
                | {"db": _redacted(self.options.db_url)},
                "status": status,
                "current_phase": self.timeline[-1]["stage"]
                if self.timeline and status == "running"
                else status,
                "progress_percentage": round(self.progress, 1),
                "error": error,
                "stages": self.timeline,
                "started_at": self.started,
                "updated_at": time.time(),
                "artifacts": sorted(
                    p.name for p in self.out.iterdir() if p.is_file() and not p.name.startswith(".")
                ),
            },
        )

    def run(self) -> dict[str, Any]:
        self.out.mkdir(parents=True, exist_ok=True)
        self.store.update_job(self.job_id, status="running", phase=STAGES[0], progress=0.0)
        self.emit("started", 0.0, status="running", url=self.options.url)
        outputs: dict[str, dict[str, Any]] = {}
        for stage in STAGES:
            if self.cancelled():
                raise Cancelled()
            inputs = digest(stage_inputs(stage, self.ctx, outputs))
            previous = self.store.stage(self.job_id, stage)
            began = time.monotonic()
            if (
                previous is not None
                and previous.status == "done"
                and previous.input_hash == inputs
                and previous.output is not None
                and artifacts_intact(stage, self.ctx, previous.output)
            ):
                outputs[stage] = previous.output
                self.timeline.append(
                    {"stage": stage, "status": "reused", "seconds": 0.0, "input_hash": inputs}
                )
                self.store.update_job(self.job_id, phase=stage, progress=SPANS[stage][1])
                self.emit(stage, SPANS[stage][1], status="reused")
                self.write_job_json("running")
                continue
            self.store.start_stage(self.job_id, stage, inputs)
            self.store.update_job(self.job_id, phase=stage, progress=SPANS[stage][0])
            self.emit(stage, SPANS[stage][0], status="running")
            self.timeline.append({"stage": stage, "status": "running", "input_hash": inputs})
            self.write_job_json("running")
            try:
                output = RUNNERS[stage](self.ctx, outputs)
            except BaseException as exc:
                if self.cancelled():
                    self.store.fail_stage(self.job_id, stage, "cancelled")
                    raise Cancelled() from exc
                self.store.fail_stage(self.job_id, stage, str(exc))
                self.timeline[-1].update(
                    status="failed", seconds=round(time.monotonic() - began, 3)
                )
                raise
            self.store.finish_stage(self.job_id, stage, output)
            outputs[stage] = output
            self.timeline[-1].update(status="done", seconds=round(time.monotonic() - began, 3))
            self.store.update_job(self.job_id, phase=stage, progress=SPANS[stage][1])
            self.emit(stage, SPANS[stage][1], status="done")
            self.write_job_json("running")
        self.store.update_job(self.job_id, status="completed", phase="completed", progress=100.0)
        self.progress = 100.0
        self.emit("completed", 100.0, status="completed")
        self.write_job_json("completed")
        return {"job_id": self.job_id, "stages": self.timeline, "outputs": outputs}


def _redacted(url: str | None) -> str | None:
    if url is None:
        return None
    from .. import db

    try:
        return db.parse_url(url, location="--db").redacted
    except SynthwrightError:
        return "(unreadable URL)"


def run_job(
    store: JobStore,
    job_id: str,
    options: Options,
    *,
    client: Any = None,
    on_event: Callable[[dict[str, Any]], None] | None = None,
) -> dict[str, Any]:
    """Run (or resume) one job to its end; the summary of what ran and what was reused.

    Raises:
        Cancelled: the job was cancelled (recorded as such).
        SynthwrightError: a stage failed (recorded with its error, exit status kept).
    """
    job = _Job(store, job_id, options, client, on_event)
    try:
        return job.run()
    except Cancelled:
        store.update_job(job_id, status="cancelled", phase="failed", error="cancelled by request")
        job.emit("failed", job.progress, status="cancelled", error="cancelled by request")
        job.write_job_json("cancelled", "cancelled by request")
        raise
    except BaseException as exc:
        message = str(exc) if isinstance(exc, SynthwrightError) else f"{type(exc).__name__}: {exc}"
        if not isinstance(exc, (SynthwrightError, KeyboardInterrupt, SystemExit)):
            message += "\n" + "".join(traceback.format_exception(exc)[-3:])
        store.update_job(job_id, status="failed", phase="failed", error=message.strip())
        job.emit("failed", job.progress, status="failed", error=message.strip())
        if job.out.is_dir():
            job.write_job_json("failed", message.strip())
        raise
