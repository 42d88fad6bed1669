"""Durable job state in SQLite (WAL): jobs, the state of each stage, and the event log.

Everything a restarted process needs lives here, written as it happens: a
job's status and progress, each stage's input hash and output (so a rerun
with unchanged inputs reuses the stage, and a killed job resumes at the
first stage that did not finish), a cancel flag another process or thread
may set, and every progress event with a monotonically increasing id (the
SSE ``id:``; ``Last-Event-ID`` replays what follows it). WAL mode lets the
server's readers (status, streams) run beside a job's writer; each call
opens its own short connection, so threads never share one.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["TERMINAL", "JobRow", "JobStore", "StageRow"]

TERMINAL = ("completed", "failed", "cancelled")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    options TEXT NOT NULL,
    out_dir TEXT NOT NULL,
    status TEXT NOT NULL,
    phase TEXT NOT NULL,
    progress REAL NOT NULL DEFAULT 0,
    error TEXT,
    cancel_requested INTEGER NOT NULL DEFAULT 0,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS stages (
    job_id TEXT NOT NULL,
    stage TEXT NOT NULL,
    status TEXT NOT NULL,
    input_hash TEXT,
    output TEXT,
    started_at REAL,
    finished_at REAL,
    attempts INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (job_id, stage)
);
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    job_id TEXT NOT NULL,
    data TEXT NOT NULL,
    created_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS events_by_job ON events (job_id, id);
"""


@dataclass(frozen=True)
class JobRow:
    id: str
    url: str
    options: dict[str, Any]
    out_dir: str
    status: str
    phase: str
    progress: float
    error: str | None
    cancel_requested: bool
    created_at: float
    updated_at: float

    def status_dict(self) -> dict[str, Any]:
        """``GET /api/provision/status/{job_id}`` (SPEC.md section 6, plus the status)."""
        return {
            "job_id": self.id,
            "current_phase": self.phase,
            "progress_percentage": round(self.progress, 1),
            "error": self.error,
            "status": self.status,
            "url": self.url,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        }


@dataclass(frozen=True)
class StageRow:
    stage: str
    status: str
    input_hash: str | None
    output: dict[str, Any] | None
    started_at: float | None
    finished_at: float | None
    attempts: int


class JobStore:
    """The state database at ``path`` (created on first use)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as con:
            con.execute("PRAGMA journal_mode=WAL")
            con.executescript(_SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        con = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            con.execute("PRAGMA busy_timeout=30000")
            con.execute("PRAGMA synchronous=NORMAL")
            yield con
        finally:
            con.close()

    # -- jobs ----------------------------------------------------------------------
    def create_job(self, job_id: str, url: str, options: dict[str, Any], out_dir: str) -> JobRow:
        """A new job, or the existing one made ready to run again (its stages are kept)."""
        now = time.time()
        with self._connect() as con:
            con.execute("BEGIN IMMEDIATE")
            row = con.execute("SELECT status FROM jobs WHERE id = ?", (job_id,)).fetchone()
            if row is None:
                con.execute(
                    "INSERT INTO jobs (id, url, options, out_dir, status, phase, progress, "
                    "created_at, updated_at) VALUES (?, ?, ?, ?, 'queued', 'queued', 0, ?, ?)",
                    (job_id, url, json.dumps(options, sort_keys=True), out_dir, now, now),
                )
            else:
                con.execute(
                    "UPDATE jobs SET url = ?, options = ?, out_dir = ?, status = 'queued', "
                    "phase = 'queued', error = NULL, cancel_requested = 0, updated_at = ? "
                    "WHERE id = ?",
                    (url, json.dumps(options, sort_keys=True), out_dir, now, job_id),
                )
            con.execute("COMMIT")
        job = self.get_job(job_id)
        assert job is not None
        return job

    def get_job(self, job_id: str) -> JobRow | None:
        with self._connect() as con:
            row = con.execute(
                "SELECT id, url, options, out_dir, status, phase, progress, error, "
                "cancel_requested, created_at, updated_at FROM jobs WHERE id = ?",
                (job_id,),
            ).fetchone()
        return _job(row) if row else None

    def list_jobs(self, limit: int = 100) -> list[JobRow]:
        with self._connect() as con:
            rows = con.execute(
                "SELECT id, url, options, out_dir, status, phase, progress, error, "
                "cancel_requested, created_at, updated_at FROM jobs "
                "ORDER BY created_at DESC LIMIT ?",
                (limit,),
            ).fetchall()
        return [_job(r) for r in rows]

    def unfinished(self) -> list[JobRow]:
        """Jobs a stopped process left queued or running (a restarted server resumes them)."""
        return [j for j in self.list_jobs(10_000) if j.status not in TERMINAL]

    def update_job(
        self,
        job_id: str,
        *,
        status: str | None = None,
        phase: str | None = None,
        progress: float | None = None,
        error: str | None = None,
    ) -> None:
        sets, args = ["updated_at = ?"], [time.time()]
        for column, value in (("status", status), ("phase", phase), ("progress", progress)):
            if value is not None:
                sets.append(f"{column} = ?")
                args.append(value)  # type: ignore[arg-type]
        if error is not None or status in ("completed", "queued", "running"):
            sets.append("error = ?")
            args.append(error)  # type: ignore[arg-type]
        with self._connect() as con:
            con.execute(f"UPDATE jobs SET {', '.join(sets)} WHERE id = ?", (*args, job_id))

    def request_cancel(self, job_id: str) -> bool:
        """Ask a job to stop; False when it is unknown or already finished."""
        with self._connect() as con:
            cur = con.execute(
                "UPDATE jobs SET cancel_requested = 1, updated_at = ? "
                "WHERE id = ? AND status NOT IN ('completed', 'failed', 'cancelled')",
                (time.time(), job_id),
            )
            return cur.rowcount > 0

    def cancel_requested(self, job_id: str) -> bool:
        with self._connect() as con:
            row = con.execute(
                "SELECT cancel_requested FROM jobs WHERE id = ?", (job_id,)
            ).fetchone()
        return bool(row and row[0])

    # -- stages --------------------------------------------------------------------
    def stage(self, job_id: str, stage: str) -> StageRow | None:
        with self._connect() as con:
            row = con.execute(
                "SELECT stage, status, input_hash, output, started_at, finished_at, attempts "
                "FROM stages WHERE job_id = ? AND stage = ?",
                (job_id, stage),
            ).fetchone()
        if row is None:
            return None
        return StageRow(row[0], row[1], row[2], json.loads(row[3]) if row[3] else None, *row[4:])

    def stages(self, job_id: str) -> list[StageRow]:
        with self._connect() as con:
            names = [
                r[0] for r in con.execute("SELECT stage FROM stages WHERE job_id = ?", (job_id,))
            ]
        return [s for name in names if (s := self.stage(job_id, name)) is not None]

    def start_stage(self, job_id: str, stage: str, input_hash: str) -> None:
        with self._connect() as con:
            con.execute(
                "INSERT INTO stages (job_id, stage, status, input_hash, started_at, attempts) "
                "VALUES (?, ?, 'running', ?, ?, 1) ON CONFLICT (job_id, stage) DO UPDATE SET "
                "status = 'running', input_hash = excluded.input_hash, output = NULL, "
                "started_at = excluded.started_at, finished_at = NULL, attempts = attempts + 1",
                (job_id, stage, input_hash, time.time()),
            )

    def finish_stage(self, job_id: str, stage: str, output: dict[str, Any]) -> None:
        with self._connect() as con:
            con.execute(
                "UPDATE stages SET status = 'done', output = ?, finished_at = ? "
                "WHERE job_id = ? AND stage = ?",
                (json.dumps(output, sort_keys=True, default=str), time.time(), job_id, stage),
            )

    def fail_stage(self, job_id: str, stage: str, error: str) -> None:
        with self._connect() as con:
            con.execute(
                "UPDATE stages SET status = 'failed', output = ?, finished_at = ? "
                "WHERE job_id = ? AND stage = ?",
                (json.dumps({"error": error}), time.time(), job_id, stage),
            )

    # -- events --------------------------------------------------------------------
    def add_event(self, job_id: str, data: dict[str, Any]) -> int:
        """Append an event; its id (the SSE event id)."""
        with self._connect() as con:
            cur = con.execute(
                "INSERT INTO events (job_id, data, created_at) VALUES (?, ?, ?)",
                (job_id, json.dumps(data, default=str), time.time()),
            )
            return int(cur.lastrowid or 0)

    def events_after(
        self, job_id: str, after: int = 0, limit: int = 1000
    ) -> list[tuple[int, dict[str, Any]]]:
        with self._connect() as con:
            rows = con.execute(
                "SELECT id, data FROM events WHERE job_id = ? AND id > ? ORDER BY id LIMIT ?",
                (job_id, after, limit),
            ).fetchall()
        return [(int(r[0]), json.loads(r[1])) for r in rows]


def _job(row: tuple[Any, ...]) -> JobRow:
    return JobRow(
        id=row[0],
        url=row[1],
        options=json.loads(row[2]),
        out_dir=row[3],
        status=row[4],
        phase=row[5],
        progress=float(row[6]),
        error=row[7],
        cancel_requested=bool(row[8]),
        created_at=float(row[9]),
        updated_at=float(row[10]),
    )
