"""Planning sessions, kept in SQLite under the user data directory.

A session is one conversation: the prompt, the answers given so far, the
transcript (prompt, questions, answers, each re-plan), the latest spec as
YAML and a status. ``resume_session`` adds answers and plans again, so a
conversation can be continued later (``synthwright sessions resume ID``).

The directory is ``platformdirs.user_data_dir("synthwright")``; the
environment variable ``SYNTHWRIGHT_DATA_DIR`` overrides it (tests use it).
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..db import redact, user_data_dir
from ..errors import SpecError
from ..spec import spec_to_yaml
from .offline import plan_offline
from .result import PlanResult, Question

__all__ = [
    "Session",
    "data_dir",
    "get_session",
    "list_sessions",
    "resume_session",
    "save_session",
]

Planner = Callable[..., PlanResult]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    prompt TEXT NOT NULL,
    answers TEXT NOT NULL,
    transcript TEXT NOT NULL,
    spec_yaml TEXT NOT NULL,
    status TEXT NOT NULL,
    source TEXT NOT NULL,
    assumptions TEXT NOT NULL,
    questions TEXT NOT NULL,
    output_format TEXT
)
"""


@dataclass
class Session:
    """One stored planning conversation."""

    id: str
    created: str
    updated: str
    prompt: str
    answers: dict[str, str]
    transcript: list[dict[str, Any]]
    spec_yaml: str
    status: str
    source: str
    assumptions: list[str] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)
    output_format: str | None = None

    def open_questions(self) -> list[Question]:
        """Questions not answered yet (their defaults are in the spec)."""
        return [q for q in self.questions if q.key not in self.answers]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view (for ``--json``)."""
        return {
            "id": self.id,
            "created": self.created,
            "updated": self.updated,
            "prompt": self.prompt,
            "answers": self.answers,
            "status": self.status,
            "source": self.source,
            "assumptions": self.assumptions,
            "questions": [q.__dict__ for q in self.questions],
            "output_format": self.output_format,
            "spec_yaml": self.spec_yaml,
            "transcript": self.transcript,
        }


def data_dir() -> Path:
    """Where sessions live: $SYNTHWRIGHT_DATA_DIR, else the platform's user data dir."""
    return user_data_dir()


@contextmanager
def _connect() -> Iterator[sqlite3.Connection]:
    path = data_dir()
    try:
        path.mkdir(parents=True, exist_ok=True)
        con = sqlite3.connect(path / "sessions.db", timeout=10)
    except (OSError, sqlite3.Error) as exc:
        raise SpecError(f"cannot open the session store: {exc}", str(path)) from exc
    try:
        con.execute(_SCHEMA)
        with con:
            yield con
    except sqlite3.Error as exc:
        raise SpecError(f"session store error: {exc}", str(path / "sessions.db")) from exc
    finally:
        con.close()


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _status(result: PlanResult, answers: dict[str, str]) -> str:
    return "open" if any(q.key not in answers for q in result.questions) else "complete"


def save_session(
    prompt: str,
    result: PlanResult,
    *,
    answers: dict[str, str] | None = None,
    session_id: str | None = None,
    status: str | None = None,
    transcript: list[dict[str, Any]] | None = None,
) -> Session:
    """Store (insert or update) a session with its latest plan; returns it."""
    answers = dict(answers or {})
    now = _now()
    sid = session_id or uuid.uuid4().hex[:12]
    created = now
    if session_id is not None:
        try:
            created = get_session(session_id).created
        except SpecError:
            created = now
    history = list(transcript if transcript is not None else [])
    if not history:
        history = [{"role": "user", "content": prompt, "at": now}]
    history.extend(result.transcript)
    history.append(
        {
            "role": "planner",
            "source": result.source,
            "assumptions": result.assumptions,
            "questions": [q.__dict__ for q in result.questions],
            "usage": result.usage,
            "at": now,
        }
    )
    session = Session(
        id=sid,
        created=created,
        updated=now,
        prompt=prompt,
        answers=answers,
        transcript=history,
        spec_yaml=spec_to_yaml(result.spec),
        status=status or _status(result, answers),
        source=result.source,
        assumptions=list(result.assumptions),
        questions=list(result.questions),
        output_format=result.output_format,
    )
    with _connect() as con:
        con.execute(
            "INSERT OR REPLACE INTO sessions VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                session.id,
                session.created,
                session.updated,
                redact(session.prompt, keywords=False),  # no login typed into a prompt
                json.dumps(session.answers),
                redact(json.dumps(session.transcript, default=str), keywords=False),
                redact(session.spec_yaml, keywords=False),
                session.status,
                session.source,
                json.dumps(session.assumptions),
                json.dumps([q.__dict__ for q in session.questions]),
                session.output_format,
            ),
        )
    return session


def _row_to_session(row: tuple[Any, ...]) -> Session:
    return Session(
        id=row[0],
        created=row[1],
        updated=row[2],
        prompt=row[3],
        answers=json.loads(row[4]),
        transcript=json.loads(row[5]),
        spec_yaml=row[6],
        status=row[7],
        source=row[8],
        assumptions=json.loads(row[9]),
        questions=[Question(**q) for q in json.loads(row[10])],
        output_format=row[11],
    )


def list_sessions(limit: int = 50) -> list[Session]:
    """The most recently updated sessions first."""
    with _connect() as con:
        rows = con.execute(
            "SELECT * FROM sessions ORDER BY updated DESC, created DESC LIMIT ?", (limit,)
        ).fetchall()
    return [_row_to_session(r) for r in rows]


def get_session(session_id: str) -> Session:
    """One session by id (a unique prefix of the id works too).

    Raises:
        SpecError: no session (or more than one) matches.
    """
    with _connect() as con:
        rows = con.execute(
            "SELECT * FROM sessions WHERE id = ? OR id LIKE ?", (session_id, f"{session_id}%")
        ).fetchall()
    exact = [r for r in rows if r[0] == session_id]
    if exact:
        return _row_to_session(exact[0])
    if len(rows) == 1:
        return _row_to_session(rows[0])
    if not rows:
        raise SpecError(f"no session {session_id!r} (see `synthwright sessions list`)", "session")
    raise SpecError(f"{session_id!r} matches {len(rows)} sessions; give more of the id", "session")


def resume_session(
    session_id: str,
    answers: dict[str, str] | None = None,
    *,
    planner: Planner | None = None,
) -> tuple[Session, PlanResult]:
    """Continue a session: merge new answers, plan again, store and return both.

    ``planner`` is called as ``planner(prompt, answers=...)``; the default is
    the offline planner (pass the LLM agent for sessions it started).
    """
    session = get_session(session_id)
    merged = {**session.answers, **(answers or {})}
    transcript = list(session.transcript)
    if answers:
        transcript.append({"role": "user", "answers": dict(answers), "at": _now()})
    result = (planner or plan_offline)(session.prompt, answers=merged)
    stored = save_session(
        session.prompt,
        result,
        answers=merged,
        session_id=session.id,
        transcript=transcript,
    )
    return stored, result
