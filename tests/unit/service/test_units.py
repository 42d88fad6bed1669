"""Building specs, formats, coherence, cache keys, registry, tracing and logs."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from synthwright.service import _formats
from synthwright.service._errors import RequestError
from synthwright.service.build import build_spec
from synthwright.service.cache import MemoryCache, request_key
from synthwright.service.coherence import score
from synthwright.service.core import DataService
from synthwright.service.logging import bind_request, configure_logging
from synthwright.service.models import GenerateRequest
from synthwright.service.registry import Registry
from synthwright.service.settings import load_settings

from .conftest import small_settings


def test_every_bundled_schema_builds_and_lists() -> None:
    registry = Registry.load()
    assert registry.domains() == {"ecommerce": ["cart", "order", "payment", "review", "user"]}
    for name in registry.names():
        b = build_spec(
            GenerateRequest(schema_name=name, count=3, seed=1), registry, max_support_rows=10
        )
        assert b.spec.tables[b.table].rows == 3
    listing = registry.listing()
    cart = next(s for s in listing.schemas if s.name == "cart")
    assert cart.domain == "ecommerce" and cart.fields


def test_adding_a_schema_is_adding_a_file(tmp_path: Path) -> None:
    (tmp_path / "ticket.yaml").write_text(
        "name: ticket\ndomain: support\ntable: tickets\ntables:\n  tickets:\n    rows: 1\n"
        "    columns:\n      id: {type: id}\n      subject: {type: text, unit: words}\n"
    )
    registry = Registry.load(tmp_path)
    assert registry.domains()["support"] == ["ticket"]
    (tmp_path / "bad.yaml").write_text(
        "name: bad\ndomain: x\ntable: t\ntables:\n  t: {rows: 1, columns: {a: {type: nope}}}\n"
    )
    from synthwright.errors import SpecError

    with pytest.raises(SpecError, match=r"bad.yaml.tables.t.columns.a.type: unknown type"):
        Registry.load(tmp_path)


def test_spec_text_with_yaml_aliases_is_refused() -> None:
    text = "tables: &a\n  t: {rows: 1, columns: {x: {type: id}}}\nother: *a\n"
    with pytest.raises(RequestError, match="anchors"):
        build_spec(GenerateRequest(spec=text), Registry.load(), max_support_rows=10)


def test_one_source_only() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="give one of"):
        GenerateRequest(schema_name="user", spec={"tables": {}})


def test_formats_roundtrip() -> None:
    table = pa.table(
        {
            "id": [1, 2],
            "name": ['a "quoted"\nline', None],
            "price": pa.array([Decimal("1.50"), Decimal("20.00")], pa.decimal128(8, 2)),
            "tags": pa.array([["x"], []], pa.list_(pa.string())),
        }
    )
    records = json.loads(_formats.json_array(table))
    assert records[0] == {"id": 1, "name": 'a "quoted"\nline', "price": 1.5, "tags": ["x"]}
    assert _formats.json_array(table).count('"price":20.00') == 1  # exact digits
    csv = _formats.csv_text(table)
    assert csv.splitlines()[0] == '"id","name","price","tags"'
    assert "INSERT INTO" in _formats.sql_text(table, "t", "postgres")


def test_coherence_catches_broken_arithmetic_and_order() -> None:
    config = {
        "items": "items",
        "subtotal": "subtotal",
        "total": ["subtotal", "tax"],
        "chronology": ["a", "b"],
    }
    good = {
        "items": [
            {"line_total": Decimal("2.00"), "category": "x"},
            {"line_total": Decimal("3.00"), "category": "x"},
        ],
        "subtotal": Decimal("5.00"),
        "tax": Decimal("0.50"),
        "total": Decimal("5.50"),
        "a": 1,
        "b": 2,
    }
    bad = {
        **good,
        "total": Decimal("9.99"),
        "a": 3,
        "items": [{"line_total": Decimal("5.00"), "category": "y"}],
    }
    mixed = {
        **good,
        "items": [
            {"line_total": Decimal("2.00"), "category": "x"},
            {"line_total": Decimal("3.00"), "category": "y"},
        ],
    }
    result = score(pa.Table.from_pylist([good, bad, mixed]), config)
    assert result.parts["arithmetic"] == pytest.approx(2 / 3, abs=1e-3)
    assert result.parts["chronology"] == pytest.approx(2 / 3, abs=1e-3)
    assert result.parts["category_affinity"] == pytest.approx((1 + 1 + 0.5) / 3, abs=1e-3)
    assert 0 < (result.score or 0) < 1


@pytest.mark.anyio
async def test_cache_keys_and_lru() -> None:
    a = GenerateRequest(entity="user", seed=1, request_id="x")
    b = GenerateRequest(entity="user", seed=1, request_id="y")
    assert request_key(a) == request_key(b) is not None
    assert request_key(GenerateRequest(entity="user")) is None  # unseeded: never cached
    assert request_key(GenerateRequest(entity="user", seed=1, flags={"use_cache": False})) is None
    assert request_key(GenerateRequest(entity="user", seed=2)) != request_key(a)
    cache = MemoryCache(2)
    for key in ("k1", "k2", "k3"):
        await cache.set(key, key.encode())
    assert await cache.get("k1") is None and await cache.get("k3") == b"k3" and len(cache) == 2


def test_settings_flags_beat_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SYNTHWRIGHT_HTTP_PORT", "9999")
    monkeypatch.setenv("SYNTHWRIGHT_GRPC_PORT", "7777")
    settings = load_settings(http_port=1234, grpc_port=None)
    assert settings.http_port == 1234 and settings.grpc_port == 7777
    assert load_settings().max_records_unary == 1000


@pytest.mark.anyio
async def test_spans_and_json_logs() -> None:
    exporter = InMemorySpanExporter()
    stream = io.StringIO()
    configure_logging("info", stream)
    service = DataService(small_settings(pool_records=0), span_exporter=exporter)
    await service.generate(GenerateRequest(entity="user", count=4, seed=1, request_id="req-42"))
    spans = {s.name: s for s in exporter.get_finished_spans()}
    assert {"route", "generate", "validate", "respond", "synthwright.request"} <= set(spans)
    root = spans["synthwright.request"].attributes or {}
    assert root["request_id"] == "req-42" and root["entity"] == "user"
    assert root["path"] == "rule_based" and root["record_count"] == 4
    assert spans["route"].parent is not None
    import structlog

    with bind_request("req-43"):
        structlog.get_logger("t").info("inside")
    structlog.get_logger("t").info("outside")
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert any(line["event"] == "generated" and line["request_id"] == "req-42" for line in lines)
    assert lines[-2]["request_id"] == "req-43" and lines[-1]["request_id"] == "-"
    await service.close()
    structlog.reset_defaults()


@pytest.mark.anyio
async def test_pool_refill_shortens_gil_turns_only_while_it_runs() -> None:
    """A refill in a worker thread must not hold the event loop off for 5 ms turns."""
    import sys

    from synthwright.service.pools import LocalPool

    default = sys.getswitchinterval()
    seen: list[float] = []

    def make(seed: int) -> pa.Table:
        seen.append(sys.getswitchinterval())
        return pa.table({"id": list(range(8))})

    pool = LocalPool(make)
    table, rows, _, offset = await pool.take(3)
    await pool.settle()
    assert table.num_rows == 3 and offset == 0 and rows[0] == '{"id":0}'
    assert seen and all(s < default for s in seen)
    assert sys.getswitchinterval() == default


@pytest.mark.anyio
async def test_started_service_freezes_its_heap_and_close_unfreezes() -> None:
    import gc

    service = DataService(small_settings(pool_records=64))
    await service.start()
    try:
        assert gc.get_freeze_count() > 0
    finally:
        await service.close()
    assert gc.get_freeze_count() == 0


class _BrokenRedis:
    """A redis.asyncio stand-in whose every call fails, as a Redis that went away."""

    def __getattr__(self, name: str) -> Any:
        async def fail(*args: Any, **kwargs: Any) -> Any:
            raise ConnectionError("redis went away")

        return fail


@pytest.mark.anyio
async def test_shared_pool_falls_back_to_its_own_blocks_when_redis_fails() -> None:
    from synthwright.service.pools import SharedPool

    def make(seed: int) -> pa.Table:
        return pa.table({"id": list(range(seed % 7, seed % 7 + 16))})

    pool = SharedPool(make, _BrokenRedis(), "sw:pool:test:x", block_rows=16, ttl_s=60)
    table, rows, _, _ = await pool.take(4)
    assert table.num_rows == 4 and len(rows) == 4
    await pool.settle()


def test_pool_blocks_travel_through_arrow_ipc_unchanged() -> None:
    from synthwright.service.pools import _from_ipc, _to_ipc

    table = pa.table({"id": [1, 2], "name": ["a", "ü"]}).replace_schema_metadata({b"k": b"v"})
    rows = ['{"id":1,"name":"a"}', '{"id":2,"name":"ü"}']
    back, back_rows, seed = _from_ipc(_to_ipc((table, rows, 41)))
    assert back.equals(table) and back.schema.metadata == {b"k": b"v"}
    assert back_rows == rows and seed == 41
