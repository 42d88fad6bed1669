"""The shared retrieval backend on a real PostgreSQL (full-text search, ts_rank).

Skipped with a reason when PostgreSQL is not on 127.0.0.1:5432; a failure
under CI=true (see `_services.require`).
"""

from __future__ import annotations

import json

import pytest

from synthwright.service.core import DataService
from synthwright.service.models import GenerateRequest
from synthwright.service.rag import PostgresStore, open_store, seed
from synthwright.service.rag.store import Item
from synthwright.service.settings import ServiceSettings

from ._databases import pg_db, pg_url

__all__ = ["pg_db", "pg_url"]

ENTITIES = ["cart", "order", "payment", "review", "user"]


def test_seed_is_idempotent_and_ranked(pg_url: str) -> None:
    store = open_store(pg_url)
    assert isinstance(store, PostgresStore)
    first = seed(store, ENTITIES)
    assert first["pattern"] == 100 and first["defect"] >= 50 and first["production"] >= 5
    assert seed(store, ENTITIES) == {k: 0 for k in first}
    best = store.search("pattern", "review", "noise cancelling headphones", k=3)
    assert "headphones" in best[0].text.lower() and best[0].score > 0
    assert store.search("defect", "order", "sql injection")[0].payload["name"] == (
        "sql_injection_text"
    )
    assert store.count("pattern", "user") == 20
    store.close()


def test_replicas_share_history(pg_url: str) -> None:
    """Two stores (two replicas) on one database: what one remembers, the other finds."""
    one, two = PostgresStore(pg_url), PostgresStore(pg_url)
    assert one.add([Item("pattern", "user", "gold tier shoppers", {"records": [{"a": 1}]})]) == 1
    found = two.search("pattern", "user", "gold shoppers")
    assert found and found[0].payload == {"records": [{"a": 1}]}
    one.close()
    two.close()


@pytest.mark.anyio
async def test_service_uses_the_postgres_store(pg_url: str) -> None:
    settings = ServiceSettings(http_port=0, grpc_port=0, pool_records=0, rag_url=pg_url)
    service = DataService(settings)
    store = service.rag.store()
    assert store is not None
    seed(store, service.registry.names())
    result = await service.generate(
        GenerateRequest.model_validate(
            {"entity": "payment", "count": 8, "seed": 1, "flags": {"defect_triggering": True}}
        )
    )
    await service.close()
    meta = result.metadata
    assert meta.generation_path == "rag" and meta.rag_examples_used >= 3
    assert len(json.loads(result.data)) == 8


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
