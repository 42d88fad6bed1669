"""The retrieval store: patterns, defect patterns and production samples, ranked lexically.

Three kinds of item, one table: ``pattern`` (a successful request and its
records, remembered for `learn_from_history`), ``defect`` (data that once
triggered a bug, for `defect_triggering`) and ``production`` (anonymised
statistics of production data, for `production_like`). Each item has an
entity, a text (what lexical search ranks) and a JSON payload.

Why lexical: no embedding model ships its weights with a package we depend
on, and downloading one at run time is not allowed, so ranking is BM25 —
SQLite FTS5's ``bm25()`` in the embedded default (no server), PostgreSQL's
full-text search (``tsvector``/``ts_rank``) for a fleet of replicas sharing
one store. There is no Weaviate adapter: none could be tested against a real
Weaviate here.

Items are keyed by a hash of (kind, entity, text, payload), so seeding twice
adds nothing (idempotent) and a remembered request is stored once.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

__all__ = [
    "KINDS",
    "Item",
    "PostgresStore",
    "SQLiteStore",
    "Store",
    "default_path",
    "item_id",
    "open_store",
]

KINDS = ("pattern", "defect", "production")
_WORD = re.compile(r"[A-Za-z0-9]+")


@dataclass
class Item:
    """One stored pattern and, when found by a search, its rank (higher is better)."""

    kind: str
    entity: str
    text: str
    payload: dict[str, Any]
    score: float = 0.0


def item_id(kind: str, entity: str, text: str, payload: dict[str, Any]) -> str:
    """The content hash an item is stored under (what makes seeding idempotent)."""
    blob = json.dumps([kind, entity, text, payload], sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:32]


def _terms(query: str) -> list[str]:
    return list(dict.fromkeys(w.lower() for w in _WORD.findall(query)))[:32]


class Store(Protocol):
    """What the service needs of a store (both backends are thread-safe)."""

    def add(self, items: list[Item]) -> int: ...
    def search(self, kind: str, entity: str, query: str, k: int = 5) -> list[Item]: ...
    def count(self, kind: str | None = None, entity: str | None = None) -> int: ...
    def close(self) -> None: ...


class SQLiteStore:
    """The embedded default: one SQLite file (or memory) with an FTS5 index, BM25-ranked."""

    def __init__(self, path: str | Path = ":memory:") -> None:
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._con = sqlite3.connect(str(path), check_same_thread=False)
        self._lock = threading.Lock()
        with self._lock, self._con:
            self._con.execute(
                "CREATE TABLE IF NOT EXISTS rag_items (id TEXT PRIMARY KEY, kind TEXT NOT NULL, "
                "entity TEXT NOT NULL, text TEXT NOT NULL, payload TEXT NOT NULL)"
            )
            self._con.execute("CREATE VIRTUAL TABLE IF NOT EXISTS rag_fts USING fts5(text)")

    def add(self, items: list[Item]) -> int:
        """Store new items (known ones are skipped); how many were new."""
        added = 0
        with self._lock, self._con:
            for item in items:
                key = item_id(item.kind, item.entity, item.text, item.payload)
                cur = self._con.execute(
                    "INSERT OR IGNORE INTO rag_items (id, kind, entity, text, payload) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (key, item.kind, item.entity, item.text, json.dumps(item.payload, default=str)),
                )
                if cur.rowcount:
                    self._con.execute(
                        "INSERT INTO rag_fts (rowid, text) VALUES (?, ?)",
                        (cur.lastrowid, f"{item.entity} {item.text}"),
                    )
                    added += 1
        return added

    def search(self, kind: str, entity: str, query: str, k: int = 5) -> list[Item]:
        """The best `k` items of a kind and entity for `query` (BM25; newest when no term hits)."""
        terms = _terms(query)
        rows: list[Any] = []
        with self._lock:
            if terms:
                match = " OR ".join(f'"{t}"' for t in terms)
                rows = self._con.execute(
                    "SELECT i.kind, i.entity, i.text, i.payload, -bm25(rag_fts) FROM rag_fts "
                    "JOIN rag_items i ON i.rowid = rag_fts.rowid WHERE rag_fts MATCH ? "
                    "AND i.kind = ? AND i.entity = ? ORDER BY bm25(rag_fts) LIMIT ?",
                    (match, kind, entity, k),
                ).fetchall()
            if not rows:
                rows = self._con.execute(
                    "SELECT kind, entity, text, payload, 0.0 FROM rag_items "
                    "WHERE kind = ? AND entity = ? ORDER BY rowid DESC LIMIT ?",
                    (kind, entity, k),
                ).fetchall()
        return [Item(r[0], r[1], r[2], json.loads(r[3]), float(r[4])) for r in rows]

    def count(self, kind: str | None = None, entity: str | None = None) -> int:
        """Items stored (of a kind, for an entity)."""
        with self._lock:
            row = self._con.execute(
                "SELECT count(*) FROM rag_items WHERE (? IS NULL OR kind = ?) "
                "AND (? IS NULL OR entity = ?)",
                (kind, kind, entity, entity),
            ).fetchone()
        return int(row[0])

    def close(self) -> None:
        with self._lock:
            self._con.close()


class PostgresStore:
    """The shared backend: PostgreSQL full-text search (a stored tsvector, GIN, ts_rank)."""

    def __init__(self, url: str) -> None:
        import psycopg

        self._con = psycopg.connect(url, autocommit=True)
        self._lock = threading.Lock()
        with self._lock:
            self._con.execute(
                "CREATE TABLE IF NOT EXISTS synthwright_rag (id TEXT PRIMARY KEY, "
                "kind TEXT NOT NULL, entity TEXT NOT NULL, text TEXT NOT NULL, "
                "payload JSONB NOT NULL, added TIMESTAMPTZ NOT NULL DEFAULT now(), "
                "tsv tsvector GENERATED ALWAYS AS "
                "(to_tsvector('english', entity || ' ' || text)) STORED)"
            )
            self._con.execute(
                "CREATE INDEX IF NOT EXISTS synthwright_rag_tsv ON synthwright_rag USING GIN (tsv)"
            )

    def add(self, items: list[Item]) -> int:
        """Store new items (known ones are skipped); how many were new."""
        added = 0
        with self._lock, self._con.transaction():
            for item in items:
                key = item_id(item.kind, item.entity, item.text, item.payload)
                cur = self._con.execute(
                    "INSERT INTO synthwright_rag (id, kind, entity, text, payload) "
                    "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (id) DO NOTHING",
                    (key, item.kind, item.entity, item.text, json.dumps(item.payload, default=str)),
                )
                added += cur.rowcount
        return added

    def search(self, kind: str, entity: str, query: str, k: int = 5) -> list[Item]:
        """The best `k` items of a kind and entity for `query` (ts_rank; newest when none hits)."""
        terms = _terms(query)
        rows: list[Any] = []
        with self._lock:
            if terms:
                rows = self._con.execute(
                    "SELECT kind, entity, text, payload, ts_rank(tsv, q) FROM synthwright_rag, "
                    "to_tsquery('english', %s) q WHERE tsv @@ q AND kind = %s AND entity = %s "
                    "ORDER BY ts_rank(tsv, q) DESC, added DESC LIMIT %s",
                    (" | ".join(terms), kind, entity, k),
                ).fetchall()
            if not rows:
                rows = self._con.execute(
                    "SELECT kind, entity, text, payload, 0.0 FROM synthwright_rag "
                    "WHERE kind = %s AND entity = %s ORDER BY added DESC LIMIT %s",
                    (kind, entity, k),
                ).fetchall()
        return [Item(r[0], r[1], r[2], r[3], float(r[4])) for r in rows]

    def count(self, kind: str | None = None, entity: str | None = None) -> int:
        """Items stored (of a kind, for an entity)."""
        with self._lock:
            row = self._con.execute(
                "SELECT count(*) FROM synthwright_rag WHERE (%s::text IS NULL OR kind = %s) "
                "AND (%s::text IS NULL OR entity = %s)",
                (kind, kind, entity, entity),
            ).fetchone()
        return int(row[0]) if row else 0

    def close(self) -> None:
        with self._lock:
            self._con.close()


def default_path() -> Path:
    """The embedded store's file: the user data dir's synthwright/rag.sqlite."""
    import platformdirs

    return Path(platformdirs.user_data_dir("synthwright")) / "rag.sqlite"


def open_store(url: str | None) -> Store | None:
    """``none`` -> no store; ``postgresql://...`` -> shared; ``sqlite:///file``,
    ``memory`` or a path -> embedded; unset -> the embedded default file."""
    if url is not None and url.strip().lower() in ("none", "off", ""):
        return None
    if url and url.startswith(("postgresql://", "postgres://")):
        return PostgresStore(url)
    if url in ("memory", ":memory:", "sqlite://:memory:"):
        return SQLiteStore(":memory:")
    if url and url.startswith("sqlite:///"):
        return SQLiteStore(url.removeprefix("sqlite:///"))
    return SQLiteStore(Path(url).expanduser() if url else default_path())
