"""The service's side of retrieval: one store, opened lazily, used off the event loop.

The store is opened on the first request that asks for retrieval (flags
learn_from_history, defect_triggering, production_like), so a service that
never gets one creates no file and opens no connection. Store calls are
blocking (SQLite, psycopg) and run in worker threads. A store that cannot be
opened or answer is reported in the route's notes and the request goes on
without retrieval: it is never why a request fails.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pyarrow as pa
import structlog

from .models import GenerateRequest
from .rag.store import Item, Store, open_store
from .rag.use import apply_items, query_of, remember
from .router import Route, rag_wanted

__all__ = ["Retrieval", "apply_items", "examples_of"]

log = structlog.get_logger("synthwright.service")


def examples_of(items: dict[str, list[Item]]) -> list[dict[str, Any]]:
    """The past records of the retrieved patterns (what grounds the LLM's prompt)."""
    return [r for item in items.get("pattern", []) for r in item.payload.get("records", [])]


class Retrieval:
    """The configured store (`rag_url`) for the service's requests."""

    def __init__(self, url: str | None, entities: list[str], *, k: int = 5) -> None:
        self.url = url
        self.entities = entities
        self.k = k
        self._store: Store | None = None
        self._failed: str | None = None
        self._lock = threading.Lock()

    def store(self) -> Store | None:
        """The store, opened on first use (None when off or when it cannot be opened)."""
        with self._lock:
            if self._store is None and self._failed is None:
                try:
                    self._store = open_store(self.url)
                except Exception as exc:
                    self._failed = f"{type(exc).__name__}: {exc}"
                    log.warning("rag_store_unavailable", error=self._failed)
                if self._store is None and self._failed is None:
                    self._failed = "retrieval is off (rag_url none)"
            return self._store

    async def counts(self, request: GenerateRequest, entity: str) -> dict[str, int] | None:
        """Items per wanted kind for the entity; None when nothing is wanted or no store."""
        wanted = rag_wanted(request)
        if not wanted:
            return None

        def count() -> dict[str, int] | None:
            store = self.store()
            if store is None:
                return None
            return {kind: store.count(kind, entity) for kind in wanted}

        return await asyncio.to_thread(count)

    async def retrieve(
        self, request: GenerateRequest, route: Route, entity: str
    ) -> dict[str, list[Item]]:
        """The best items of each kind the route uses, for the request's context and hints."""
        if not route.uses_rag:
            return {}
        query = query_of(request)

        def search() -> dict[str, list[Item]]:
            store = self.store()
            if store is None:
                return {}
            k = {"defect": 20}
            return {
                kind: store.search(kind, entity, query, k.get(kind, self.k))
                for kind in route.rag_kinds
            }

        return await asyncio.to_thread(search)

    async def remember(self, request: GenerateRequest, entity: str, table: pa.Table) -> str:
        """Store a successful learn_from_history request; the note saying so."""

        def add() -> str:
            store = self.store()
            if store is None:
                return f"learn_from_history: not remembered ({self._failed})"
            added = remember(store, request, entity, table)
            return (
                "learn_from_history: this request was remembered as a pattern"
                if added
                else "learn_from_history: this request's pattern was already stored"
            )

        return await asyncio.to_thread(add)

    def close(self) -> None:
        with self._lock:
            if self._store is not None:
                self._store.close()
                self._store = None
