"""A persistent response cache in SQLite: a repeated call costs 0 tokens.

The key is a SHA-256 of the canonical JSON of (provider, model, messages,
tools, structured-output schema, parameters), so any change to what would be
sent is a different entry, and the same request is never sent twice. The
file lives in the user cache dir (``<cache dir>/synthwright/llm-cache.sqlite``);
``$SYNTHWRIGHT_CACHE_DIR`` moves it (tests point it at a temporary folder).
Nothing secret is stored: keys are not part of the request payload.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

__all__ = ["ResponseCache", "cache_key", "default_cache_path"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS responses (
    key TEXT PRIMARY KEY,
    provider TEXT NOT NULL,
    model TEXT NOT NULL,
    response TEXT NOT NULL,
    created REAL NOT NULL
)
"""


def default_cache_path() -> Path:
    """``$SYNTHWRIGHT_CACHE_DIR/llm-cache.sqlite`` or the user cache dir's."""
    override = os.environ.get("SYNTHWRIGHT_CACHE_DIR")
    if override:
        base = Path(override).expanduser()
    else:
        import platformdirs

        base = Path(platformdirs.user_cache_dir("synthwright"))
    return base / "llm-cache.sqlite"


def cache_key(provider: str, model: str, request: dict[str, Any]) -> str:
    """Stable hash of everything that determines the answer."""
    payload = json.dumps(
        {"provider": provider, "model": model, **request},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class ResponseCache:
    """Get/put JSON responses by key; safe to share between threads."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_cache_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._con = sqlite3.connect(str(self.path), check_same_thread=False, timeout=30)
        with self._lock:
            self._con.execute("PRAGMA journal_mode=WAL")
            self._con.execute("PRAGMA synchronous=NORMAL")
            self._con.execute(_SCHEMA)
            self._con.commit()

    def get(self, key: str) -> dict[str, Any] | None:
        with self._lock:
            row = self._con.execute(
                "SELECT response FROM responses WHERE key = ?", (key,)
            ).fetchone()
        return json.loads(row[0]) if row else None

    def put(self, key: str, provider: str, model: str, response: dict[str, Any]) -> None:
        text = json.dumps(response, ensure_ascii=False)
        with self._lock:
            self._con.execute(
                "INSERT OR REPLACE INTO responses VALUES (?, ?, ?, ?, ?)",
                (key, provider, model, text, time.time()),
            )
            self._con.commit()

    def __len__(self) -> int:
        with self._lock:
            return int(self._con.execute("SELECT count(*) FROM responses").fetchone()[0])

    def clear(self) -> None:
        with self._lock:
            self._con.execute("DELETE FROM responses")
            self._con.commit()

    def close(self) -> None:
        with self._lock:
            self._con.close()
