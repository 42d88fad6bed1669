"""Retrieval: the embedded store (SQLite FTS5, BM25), the bundled seed, and the four paths."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from synthwright.service.core import DataService
from synthwright.service.models import GenerateRequest
from synthwright.service.rag import SQLiteStore, bundled_items, seed
from synthwright.service.rag.store import Item
from tests.unit.service.conftest import fake_llm, small_settings

ENTITIES = ["cart", "order", "payment", "review", "user"]
DEFECTS = {
    "timezone_midnight",
    "unicode_name",
    "max_length_string",
    "zero_amount",
    "negative_quantity",
    "sql_injection_text",
    "missing_required",
    "invalid_enum",
    "decimal_precision",
    "far_future_date",
}


def test_bundled_examples_cover_every_entity_and_the_defects() -> None:
    items = bundled_items(ENTITIES)
    for entity in ENTITIES:
        assert sum(i.kind == "pattern" and i.entity == entity for i in items) >= 20
    names = {i.payload["name"] for i in items if i.kind == "defect"}
    assert names >= DEFECTS and len(names) >= 10


def test_seed_is_idempotent_and_bm25_ranks(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "rag.sqlite")
    first = seed(store, ENTITIES)
    assert first["pattern"] == 100 and first["defect"] >= 50
    assert seed(store, ENTITIES) == {k: 0 for k in first}
    total = store.count()
    store.close()
    again = SQLiteStore(tmp_path / "rag.sqlite")
    assert again.count() == total
    best = again.search("pattern", "review", "headphones noise cancelling", k=3)
    assert "headphones" in best[0].text.lower() and best[0].score > 0
    assert (
        again.search("defect", "user", "sql injection")[0].payload["name"] == "sql_injection_text"
    )
    assert again.search("pattern", "nobody", "x") == []
    again.close()


def test_search_without_a_matching_term_returns_newest() -> None:
    store = SQLiteStore()
    store.add([Item("pattern", "user", f"text {i}", {"records": [{"i": i}]}) for i in range(3)])
    assert [i.payload["records"][0]["i"] for i in store.search("pattern", "user", "", 2)] == [2, 1]


async def _service(seeded: bool, **settings: object) -> DataService:
    service = DataService(small_settings(pool_records=0, **settings), llm=settings.pop("llm", None))  # type: ignore[arg-type]
    if seeded:
        store = service.rag.store()
        assert store is not None
        seed(store, service.registry.names())
    return service


async def _run(service: DataService, **body: object) -> tuple[object, list[dict]]:
    result = await service.generate(GenerateRequest.model_validate(body))
    return result.metadata, json.loads(result.data)


@pytest.mark.anyio
async def test_rag_skipped_with_the_reason_when_the_store_is_empty() -> None:
    service = await _service(False)
    meta, _ = await _run(service, entity="user", count=4, seed=1, flags={"defect_triggering": True})
    await service.close()
    assert meta.generation_path == "rule_based"  # type: ignore[attr-defined]
    assert any("RAG skipped for defect" in n for n in meta.notes)  # type: ignore[attr-defined]
    assert meta.rag_examples_used == 0  # type: ignore[attr-defined]


@pytest.mark.anyio
async def test_defect_triggering_plants_defect_patterns() -> None:
    service = await _service(True)
    meta, rows = await _run(
        service, entity="payment", count=10, seed=3, flags={"defect_triggering": True}
    )
    await service.close()
    assert meta.generation_path == "rag" and meta.rag_examples_used >= 3  # type: ignore[attr-defined]
    planted = [n for n in meta.notes if n.startswith("defect pattern")]  # type: ignore[attr-defined]
    assert any("zero_amount" in n for n in planted) and any("invalid_enum" in n for n in planted)
    assert any(r["amount"] in (0, "0", "0.00", 0.0) for r in rows)
    assert 0.0 < meta.route_confidence <= 1.0  # type: ignore[attr-defined]


@pytest.mark.anyio
async def test_production_like_draws_on_production_samples() -> None:
    service = await _service(True)
    meta, rows = await _run(
        service, entity="order", count=50, seed=5, flags={"production_like": True}
    )
    await service.close()
    assert meta.generation_path == "rag"  # type: ignore[attr-defined]
    assert any("production_like: status" in n for n in meta.notes)  # type: ignore[attr-defined]
    assert {r["status"] for r in rows} <= {"pending", "paid", "shipped", "delivered", "cancelled"}


@pytest.mark.anyio
async def test_learn_from_history_stores_then_uses() -> None:
    service = await _service(False)
    body = {"entity": "review", "count": 3, "seed": 8, "flags": {"learn_from_history": True}}
    meta, _ = await _run(service, **body)
    assert meta.generation_path == "rule_based"  # type: ignore[attr-defined]
    assert any("remembered as a pattern" in n for n in meta.notes)  # type: ignore[attr-defined]
    meta, _ = await _run(service, **{**body, "seed": 9})
    await service.close()
    assert meta.generation_path == "rag" and meta.rag_examples_used == 1  # type: ignore[attr-defined]


@pytest.mark.anyio
async def test_hybrid_grounds_the_llm_with_history() -> None:
    seen: list[object] = []

    def writer(task: object) -> object:
        seen.append(task)
        return fake_llm(task)  # type: ignore[arg-type]

    service = await _service(True, llm=writer)
    meta, rows = await _run(
        service,
        entity="review",
        count=3,
        seed=2,
        context="headphones",
        flags={"learn_from_history": True},
    )
    await service.close()
    assert meta.generation_path == "hybrid", meta.route_reason  # type: ignore[attr-defined]
    assert meta.rag_examples_used >= 1  # type: ignore[attr-defined]
    task = seen[0]
    assert task.purpose == "rag_grounded" and task.examples  # type: ignore[attr-defined]
    assert rows[0]["body"].startswith("headphones #0")


@pytest.mark.anyio
async def test_volume_stays_rule_based() -> None:
    service = await _service(True)
    meta, _ = await _run(service, entity="user", count=500, seed=1)
    await service.close()
    assert meta.generation_path == "rule_based" and meta.route_confidence == 0.95  # type: ignore[attr-defined]


@pytest.mark.anyio
async def test_hybrid_with_a_failing_llm_keeps_the_retrieval() -> None:
    def broken(task: object) -> object:
        raise RuntimeError("model down")

    service = await _service(True, llm=broken)
    meta, _ = await _run(
        service,
        entity="review",
        count=3,
        seed=2,
        context="kettles",
        flags={"learn_from_history": True},
    )
    await service.close()
    assert meta.generation_path == "rag"  # type: ignore[attr-defined]
    assert meta.route_reason.endswith("fell back to rag")  # type: ignore[attr-defined]
    assert meta.rag_examples_used >= 1  # type: ignore[attr-defined]
