"""The run history: where each ``synthwright generate`` went, kept beside the planning sessions.

It lives in the CLI, not in ``planner``: every plain ``generate`` writes
to it, and importing the planner (its lexicon and rules) there would cost
every run start-up time for a few lines of SQL.

A person who generated data last week wants to know where it is: which
directory, database or bucket, in which format, from which spec and seed,
and how many rows. Every CLI run that wrote something adds one row to the
``runs`` table of the session store (``sessions.db`` under
``$SYNTHWRIGHT_DATA_DIR``, else the platform's user data directory, as
:func:`synthwright.planner.sessions.data_dir` says); a run planned from words
also names its planning session, so ``sessions show ID`` lists where that
conversation's data went. ``synthwright sessions runs`` lists them all.

Destinations are stored as they may be shown: a directory as its absolute
path, a database or object-store URL through
:func:`synthwright.db.redact_url` (no login or secret parameter is ever
written here). Library calls (``Dataset.write``) record nothing: only the
command line keeps a history in the user's data directory.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..db import redact_url, user_data_dir
from ..errors import SpecError

__all__ = ["RunRecord", "destination_kind", "list_runs", "record_quietly", "record_run"]

_RUNS = """
CREATE TABLE IF NOT EXISTS runs (
    id TEXT PRIMARY KEY,
    at TEXT NOT NULL,
    spec TEXT NOT NULL,
    source TEXT NOT NULL,
    session_id TEXT,
    kind TEXT NOT NULL,
    destination TEXT NOT NULL,
    format TEXT,
    seed INTEGER,
    rows TEXT NOT NULL,
    written TEXT NOT NULL
)
"""


def _store() -> Path:
    """The session store's file (the planner's sessions live in it too)."""
    return user_data_dir() / "sessions.db"


@contextmanager
def _connect() -> Iterator[sqlite3.Connection]:
    path = _store()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        con = sqlite3.connect(path, timeout=10)
    except (OSError, sqlite3.Error) as exc:
        raise SpecError(f"cannot open the run history: {exc}", str(path.parent)) from exc
    try:
        con.execute(_RUNS)
        with con:
            yield con
    except sqlite3.Error as exc:
        raise SpecError(f"run history error: {exc}", str(path)) from exc
    finally:
        con.close()


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


_COLUMNS = "id, at, spec, source, session_id, kind, destination, format, seed, rows, written"


@dataclass
class RunRecord:
    """One run: when, which spec, where it went (``kind``: files, database or cloud), what."""

    id: str
    at: str
    spec: str
    source: str  # the spec file or bundled name; "prompt" for words
    kind: str
    destination: str
    format: str | None
    seed: int | None
    rows: dict[str, int] = field(default_factory=dict)
    written: list[str] = field(default_factory=list)
    session_id: str | None = None

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view (for ``--json``)."""
        return asdict(self)


def destination_kind(target: str) -> str:
    """``database``, ``cloud`` or ``files`` for a run's ``--db`` URL, ``--out`` URL or directory."""
    if "://" not in target:
        return "files"
    from ..db import SCHEMES, base_scheme

    return "database" if base_scheme(target) in SCHEMES else "cloud"


def _shown(target: str) -> str:
    if "://" in target:
        return redact_url(target)
    return str(Path(target).resolve())


def record_run(
    *,
    spec: str,
    source: str,
    target: str,
    format: str | None,
    seed: int | None,
    rows: dict[str, int],
    written: list[str],
    session_id: str | None = None,
) -> RunRecord:
    """Store one run (``target``: the directory, database URL or object-store URL).

    Raises:
        SpecError: the store cannot be opened or written (the caller decides
            whether a run that succeeded should fail for it; the CLI warns).
    """
    kind = destination_kind(target)
    run = RunRecord(
        id=uuid.uuid4().hex[:12],
        at=_now(),
        spec=spec,
        source=source if "://" not in source else redact_url(source),
        kind=kind,
        destination=_shown(target),
        format=format,
        seed=seed,
        rows=dict(rows),
        written=[redact_url(w) if "://" in w else w for w in written],
        session_id=session_id,
    )
    with _connect() as con:
        con.execute(
            f"INSERT INTO runs ({_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (
                run.id,
                run.at,
                run.spec,
                run.source,
                run.session_id,
                run.kind,
                run.destination,
                run.format,
                run.seed,
                json.dumps(run.rows),
                json.dumps(run.written),
            ),
        )
    return run


def list_runs(limit: int = 50, *, session_id: str | None = None) -> list[RunRecord]:
    """The most recent runs first (only those of one planning session if given)."""
    where, args = ("WHERE session_id = ?", (session_id,)) if session_id else ("", ())
    with _connect() as con:
        rows = con.execute(
            f"SELECT {_COLUMNS} FROM runs {where} ORDER BY at DESC, rowid DESC LIMIT ?",
            (*args, limit),
        ).fetchall()
    return [
        RunRecord(
            id=r[0],
            at=r[1],
            spec=r[2],
            source=r[3],
            session_id=r[4],
            kind=r[5],
            destination=r[6],
            format=r[7],
            seed=r[8],
            rows=json.loads(r[9]),
            written=json.loads(r[10]),
        )
        for r in rows
    ]


def record_quietly(warn: Callable[[str], None], **fields: Any) -> RunRecord | None:
    """`record_run`, but a store that cannot be written is a warning, not a failed run.

    The data is written by then; losing its history entry must not turn a
    successful run into an error (``warn`` gets one line saying so).
    """
    try:
        return record_run(**fields)
    except SpecError as exc:
        warn(f"note: this run is not in the history: {exc}")
        return None
