"""The gRPC service through a real grpc.aio server and a real grpc.aio client."""

from __future__ import annotations

import json
from typing import Any

import grpc
import pytest
from google.protobuf import struct_pb2
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from synthwright.service import _proto
from synthwright.service.grpc_server import SERVICE_NAME

from .conftest import Live

pb2, pb2_grpc = _proto.load()
pytestmark = pytest.mark.anyio


async def test_generate_data_unary(live: Live) -> None:
    async with grpc.aio.insecure_channel(live.grpc) as channel:
        stub = pb2_grpc.TestDataServiceStub(channel)
        reply = await stub.GenerateData(
            pb2.GenerateRequest(entity="cart", count=12, seed=3, request_id="r1")
        )
    assert reply.request_id == "r1" and reply.record_count == 12
    carts = json.loads(reply.data)
    assert len(carts) == 12 and all(c["items"] for c in carts)
    assert reply.metadata.generation_path == "rule_based"
    assert reply.metadata.coherence["arithmetic"] == 1.0
    assert reply.metadata.scenario_counts["base"] == 12


async def test_inline_fields_scenarios_and_csv(live: Live) -> None:
    overrides = struct_pb2.Struct()
    overrides.update({"n": {"min": 90}})
    request = pb2.GenerateRequest(
        count=20,
        seed=1,
        format=pb2.CSV,
        fields=[
            pb2.FieldDefinition(
                name="n", type="int", constraints=pb2.FieldConstraints(min="1", max="100")
            ),
            pb2.FieldDefinition(
                name="tag", constraints=pb2.FieldConstraints(enum_values=["x", "y"])
            ),
        ],
        scenarios=[pb2.Scenario(name="high", count=4, overrides=overrides)],
    )
    async with grpc.aio.insecure_channel(live.grpc) as channel:
        reply = await pb2_grpc.TestDataServiceStub(channel).GenerateData(request)
    lines = reply.data.strip().splitlines()
    assert lines[0] == '"n","tag","_scenario"' and len(lines) == 25
    assert dict(reply.metadata.scenario_counts) == {"base": 20, "high": 4}


async def test_stream_chunks(live: Live) -> None:
    async with grpc.aio.insecure_channel(live.grpc) as channel:
        stub = pb2_grpc.TestDataServiceStub(channel)
        chunks = [
            c
            async for c in stub.GenerateDataStream(
                pb2.GenerateRequest(entity="user", count=1234, seed=2)
            )
        ]
    assert [c.chunk_index for c in chunks] == list(range(len(chunks)))
    assert [c.is_final for c in chunks] == [False] * (len(chunks) - 1) + [True]
    assert sum(c.record_count for c in chunks) == 1234
    assert sum(len(json.loads(c.data)) for c in chunks) == 1234
    assert chunks[-1].metadata.scenario_counts["base"] == 1234


async def test_invalid_argument_names_the_field(live: Live) -> None:
    async with grpc.aio.insecure_channel(live.grpc) as channel:
        stub = pb2_grpc.TestDataServiceStub(channel)
        cases: list[tuple[Any, str]] = [
            (pb2.GenerateRequest(entity="user", count=1001), "count"),
            (pb2.GenerateRequest(entity="user", count=-3), "count"),
            (pb2.GenerateRequest(entity="nobody"), "entity"),
            (
                pb2.GenerateRequest(
                    fields=[
                        pb2.FieldDefinition(
                            name="a", type="int", constraints=pb2.FieldConstraints(min="9", max="1")
                        )
                    ]
                ),
                "fields[0].constraints.min",
            ),
        ]
        for request, location in cases:
            with pytest.raises(grpc.aio.AioRpcError) as err:
                await stub.GenerateData(request)
            assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
            assert location in (err.value.details() or ""), err.value.details()
        with pytest.raises(grpc.aio.AioRpcError) as err:
            async for _ in stub.GenerateDataStream(pb2.GenerateRequest(entity="user", count=10**7)):
                pass
        assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT and "count" in (
            err.value.details() or ""
        )


async def test_schemas_health_and_reflection(live: Live) -> None:
    async with grpc.aio.insecure_channel(live.grpc) as channel:
        stub = pb2_grpc.TestDataServiceStub(channel)
        schemas = await stub.GetSchemas(pb2.GetSchemasRequest(domain="ecommerce"))
        assert {s.name for s in schemas.schemas} >= {"cart", "order", "payment", "user", "review"}
        review = next(s for s in schemas.schemas if s.name == "review")
        assert "rating" in [f.name for f in review.fields]
        health = await stub.HealthCheck(pb2.HealthCheckRequest())
        assert health.ready and health.status == "ok"
        standard = health_pb2_grpc.HealthStub(channel)
        check = await standard.Check(health_pb2.HealthCheckRequest(service=SERVICE_NAME))
        assert check.status == health_pb2.HealthCheckResponse.SERVING
        refl = reflection_pb2_grpc.ServerReflectionStub(channel)
        answers = refl.ServerReflectionInfo(
            iter([reflection_pb2.ServerReflectionRequest(list_services="")])
        )
        names = [s.name async for a in answers for s in a.list_services_response.service]
        assert SERVICE_NAME in names and "grpc.health.v1.Health" in names


async def test_llm_fallback_is_reported_over_grpc(live: Live) -> None:
    async with grpc.aio.insecure_channel(live.grpc) as channel:
        stub = pb2_grpc.TestDataServiceStub(channel)
        reply = await stub.GenerateData(
            pb2.GenerateRequest(
                entity="review", count=3, context="garden hoses", hints=["realistic"]
            )
        )
    assert reply.metadata.generation_path == "llm" and reply.metadata.llm_tokens_used == 21
    assert reply.metadata.HasField("route_confidence") and reply.metadata.llm_provider == "writer"
    assert reply.metadata.rag_examples_used == 0


async def test_defect_triggering_over_grpc(live: Live) -> None:
    request = pb2.GenerateRequest(
        entity="payment", count=20, seed=5, flags=pb2.Flags(defect_triggering=True)
    )
    async with grpc.aio.insecure_channel(live.grpc) as channel:
        reply = await pb2_grpc.TestDataServiceStub(channel).GenerateData(request)
    records = json.loads(reply.data)
    edges = {r["_scenario"] for r in records if r["_scenario"]}
    assert "defect:amount:min" in edges and "defect:amount:max" in edges
    for r in records:
        if r["_scenario"] == "defect:amount:min":
            assert float(r["amount"]) == 1.0
    counts = dict(reply.metadata.scenario_counts)
    assert sum(v for k, v in counts.items() if k.startswith("defect:")) == len(
        [r for r in records if r["_scenario"]]
    )
