"""The HTTP API through a real uvicorn server and a real httpx client."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import httpx
import pytest

from .conftest import Live


def post(live: Live, body: dict[str, Any], path: str = "/v1/generate") -> httpx.Response:
    with httpx.Client(base_url=live.http, timeout=30) as client:
        return client.post(path, json=body)


def test_user_records_are_coherent_and_seeded_requests_repeat(live: Live) -> None:
    body = {"entity": "user", "domain": "ecommerce", "count": 25, "seed": 7}
    first = post(live, body)
    assert first.status_code == 200, first.text
    doc = first.json()
    assert doc["record_count"] == 25 and len(doc["data"]) == 25
    emails = [r["email"] for r in doc["data"]]
    assert len(set(emails)) == 25
    assert doc["metadata"]["generation_path"] == "rule_based"
    assert doc["metadata"]["seed"] == 7 and doc["metadata"]["cached"] is False
    again = post(live, {**body, "request_id": "another"}).json()
    assert again["data"] == doc["data"]
    assert again["metadata"]["cached"] is True
    fresh = post(live, {**body, "flags": {"use_cache": False}}).json()
    assert fresh["data"] == doc["data"] and fresh["metadata"]["cached"] is False


def test_cart_arithmetic_holds_and_is_scored(live: Live) -> None:
    doc = post(live, {"entity": "cart", "count": 40, "seed": 3}).json()
    for cart in doc["data"]:
        lines = sum(Decimal(str(i["line_total"])) for i in cart["items"])
        assert Decimal(str(cart["subtotal"])) == lines
        assert Decimal(str(cart["total"])) == Decimal(str(cart["subtotal"])) + Decimal(
            str(cart["tax"])
        )
        assert cart["created_at"] <= cart["updated_at"]
    meta = doc["metadata"]
    assert meta["coherence"]["arithmetic"] == 1.0 and meta["coherence"]["chronology"] == 1.0
    assert 0.0 <= meta["coherence"]["category_affinity"] <= 1.0
    assert 0.0 <= meta["coherence_score"] <= 1.0


def test_order_status_matches_timestamps(live: Live) -> None:
    doc = post(live, {"entity": "order", "count": 60, "seed": 5}).json()
    for o in doc["data"]:
        if o["status"] in ("pending", "cancelled"):
            assert o["paid_at"] is None and o["shipped_at"] is None
        if o["status"] == "delivered":
            assert o["placed_at"] <= o["paid_at"] <= o["shipped_at"] <= o["delivered_at"]
    assert doc["metadata"]["coherence"]["chronology"] == 1.0


def test_payment_and_review_shapes(live: Live) -> None:
    pay = post(live, {"entity": "payment", "count": 50, "seed": 1}).json()["data"]
    for p in pay:
        assert (p["card_last_four"] is not None) == (p["method"] == "card")
        if p["card_last_four"]:
            assert len(p["card_last_four"]) == 4 and p["card_last_four"].isdigit()
        assert "card_digits" not in p
    reviews = post(live, {"entity": "review", "count": 50, "seed": 1}).json()["data"]
    assert {r["rating"] for r in reviews} <= {1, 2, 3, 4, 5}
    assert all(
        isinstance(r["verified_purchase"], bool) and r["helpful_votes"] >= 0 for r in reviews
    )


def test_inline_fields_with_constraints_and_nesting(live: Live) -> None:
    body = {
        "entity": "device",
        "count": 30,
        "seed": 2,
        "fields": [
            {"name": "serial", "type": "string", "constraints": {"regex": "[A-Z]{2}-[0-9]{4}"}},
            {"name": "level", "type": "integer", "constraints": {"min": 3, "max": 7}},
            {"name": "kind", "type": "string", "constraints": {"enum": ["a", "b"]}},
            {
                "name": "note",
                "type": "string",
                "required": False,
                "constraints": {"min_length": 4, "max_length": 6},
            },
            {
                "name": "owner",
                "fields": [{"name": "email", "type": "email"}, {"name": "city", "type": "city"}],
            },
        ],
        "scenarios": [{"name": "maxed", "count": 5, "overrides": {"level": 7}}],
    }
    doc = post(live, body).json()
    assert doc["record_count"] == 35
    import re

    for r in doc["data"]:
        assert re.fullmatch(r"[A-Z]{2}-[0-9]{4}", r["serial"])
        assert 3 <= r["level"] <= 7 and r["kind"] in ("a", "b")
        assert r["note"] is None or 4 <= len(r["note"]) <= 6
        assert set(r["owner"]) == {"email", "city"}
    maxed = [r for r in doc["data"] if r["_scenario"] == "maxed"]
    assert len(maxed) == 5 and all(r["level"] == 7 for r in maxed)
    assert doc["metadata"]["scenario_counts"] == {"base": 30, "maxed": 5}


def test_full_spec_request(live: Live) -> None:
    spec = "tables:\n  t:\n    rows: 3\n    columns:\n      id: {type: id}\n      x: {type: int, min: 1, max: 2}\n"
    doc = post(live, {"spec": spec, "count": 12, "seed": 1}).json()
    assert [r["id"] for r in doc["data"]] == list(range(1, 13))


@pytest.mark.parametrize("fmt", ["csv", "sql"])
def test_csv_and_sql(live: Live, fmt: str) -> None:
    doc = post(live, {"entity": "cart", "count": 5, "seed": 1, "format": fmt}).json()
    text = doc["data"]
    assert isinstance(text, str)
    if fmt == "csv":
        import csv
        import io

        rows = list(csv.DictReader(io.StringIO(text)))
        assert len(rows) == 5 and json.loads(rows[0]["items"])[0]["sku"]
    else:
        import sqlite3

        lite = post(
            live,
            {"entity": "cart", "count": 5, "seed": 1, "format": "sql", "sql_dialect": "sqlite"},
        )
        con = sqlite3.connect(":memory:")
        con.executescript(lite.json()["data"])
        assert con.execute('SELECT count(*) FROM "carts"').fetchone() == (5,)
        assert text.startswith('CREATE TABLE "carts"')


@pytest.mark.parametrize(
    ("body", "status", "location"),
    [
        ({"entity": "user", "count": 1001}, 400, "count"),
        (
            {"entity": "user", "count": 10, "scenarios": [{"name": "x", "count": 991}]},
            400,
            "scenarios",
        ),
        ({"entity": "usr"}, 400, "entity"),
        ({"entity": "user", "count": -1}, 422, "count"),
        ({"entity": "user", "bogus": 1}, 422, "bogus"),
        (
            {"fields": [{"name": "a", "type": "int", "constraints": {"min": 9, "max": 1}}]},
            400,
            "fields[0].constraints.min",
        ),
        ({"fields": [{"name": "a", "type": "nope"}]}, 400, "fields[0].type"),
        (
            {"fields": [{"name": "a", "type": "int", "constraints": {"regex": "x"}}]},
            400,
            "fields[0].constraints.regex",
        ),
        (
            {"entity": "user", "scenarios": [{"name": "s", "count": 1, "overrides": {"nope": 1}}]},
            400,
            "scenarios[0].overrides.nope",
        ),
        (
            {"spec": {"tables": {"t": {"rows": 1, "columns": {"x": {"type": "intt"}}}}}},
            400,
            "spec.tables.t.columns.x.type",
        ),
        ({"spec": "a: [b"}, 400, "spec"),
    ],
)
def test_bad_requests_name_the_field(
    live: Live, body: dict[str, Any], status: int, location: str
) -> None:
    response = post(live, body)
    assert response.status_code == status, response.text
    problems = response.json()["error"]["problems"]
    assert any(p["location"].startswith(location) for p in problems), problems


def test_over_the_limit_is_refused_not_truncated(live: Live) -> None:
    response = post(live, {"entity": "user", "count": 5000})
    assert response.status_code == 400
    doc = response.json()
    assert doc["data"] is None and "stream" in doc["error"]["message"]


def test_body_size_limit(live: Live) -> None:
    big = {"entity": "user", "context": "x" * 2_000_000}
    response = post(live, big)
    assert response.status_code == 413
    assert response.json()["error"]["problems"][0]["location"] == "body"


def test_stream_ndjson_chunks(live: Live) -> None:
    body = {"entity": "user", "count": 950, "seed": 4}
    with (
        httpx.Client(base_url=live.http, timeout=60) as client,
        client.stream("POST", "/v1/generate/stream", json=body) as response,
    ):
        assert response.status_code == 200
        lines = [json.loads(line) for line in response.iter_lines() if line]
    assert [c["chunk_index"] for c in lines] == list(range(len(lines)))
    assert [c["is_final"] for c in lines] == [False] * (len(lines) - 1) + [True]
    assert all(c["record_count"] <= 100 for c in lines)
    records = [r for c in lines for r in c["data"]]
    assert len(records) == 950 and len({r["id"] for r in records}) == 950
    assert lines[-1]["metadata"]["scenario_counts"] == {"base": 950}
    unary = post(live, {"entity": "user", "count": 950, "seed": 4}).json()["data"]
    assert records == unary  # the stream is the same data, in chunks


def test_stream_refuses_before_sending(live: Live) -> None:
    response = post(live, {"entity": "user", "count": 2_000_000}, "/v1/generate/stream")
    assert response.status_code == 400
    assert response.json()["error"]["problems"][0]["location"] == "count"


def test_llm_path_with_injected_writer(live: Live) -> None:
    body = {"entity": "review", "count": 5, "seed": 9, "context": "noise-cancelling headphones"}
    doc = post(live, body).json()
    meta = doc["metadata"]
    assert meta["generation_path"] == "llm" and meta["llm_tokens_used"] == 35
    assert doc["data"][0]["body"].startswith("noise-cancelling headphones #0")
    plain = post(live, {"entity": "review", "count": 5, "seed": 9}).json()["metadata"]
    assert plain["generation_path"] == "rule_based" and "no context" in plain["route_reason"]


def test_flags_reported_honestly(live: Live) -> None:
    meta = post(live, {"entity": "user", "count": 2, "flags": {"learn_from_history": True}}).json()[
        "metadata"
    ]
    assert any("RAG skipped for pattern: the store has no pattern" in n for n in meta["notes"])
    assert any("remembered as a pattern" in n for n in meta["notes"])
    inline = {
        "fields": [{"name": "ok", "type": "bool"}],
        "count": 4,
        "flags": {"defect_triggering": True},
    }
    meta = post(live, inline).json()["metadata"]
    assert any("no column of this entity has an edge value" in n for n in meta["notes"])


def test_schemas_health_metrics_docs(live: Live) -> None:
    with httpx.Client(base_url=live.http, timeout=30) as client:
        schemas = client.get("/v1/schemas").json()
        assert set(schemas["domains"]["ecommerce"]) >= {
            "cart",
            "order",
            "payment",
            "user",
            "review",
        }
        cart = next(s for s in schemas["schemas"] if s["name"] == "cart")
        assert {f["name"] for f in cart["fields"]} >= {"id", "created_at"}
        assert client.get("/health").json()["status"] == "ok"
        assert client.get("/health/live").status_code == 200
        assert client.get("/health/ready").status_code == 200
        client.post("/v1/generate", json={"entity": "user", "count": 3})
        client.post("/v1/generate", json={"entity": "user", "count": 99999})
        metrics = client.get("/metrics").text
        assert (
            'synthwright_requests_total{entity="user",path="/v1/generate",status="200"}' in metrics
        )
        assert 'status="400"' in metrics
        assert "synthwright_request_seconds_bucket" in metrics
        assert 'synthwright_records_generated_total{entity="user"}' in metrics
        assert "synthwright_validation_errors_total" in metrics
        assert client.get("/openapi.json").json()["paths"]["/v1/generate"]["post"]
        assert client.get("/docs").status_code == 200


@pytest.mark.anyio
async def test_ready_is_503_until_started() -> None:
    from synthwright.service.core import DataService
    from synthwright.service.http_app import create_app

    from .conftest import small_settings

    service = DataService(small_settings())
    app = create_app(service, manage_lifecycle=False)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        assert (await client.get("/health/ready")).status_code == 503
        assert (await client.get("/health/live")).status_code == 200
        refused = await client.post("/v1/generate", json={"entity": "user"})
        assert refused.status_code == 503
        await service.start()
        assert (await client.get("/health/ready")).status_code == 200
        await service.close()


def test_defect_triggering_plants_legal_edge_values(live: Live) -> None:
    body = {"entity": "user", "count": 40, "seed": 11, "flags": {"defect_triggering": True}}
    doc = post(live, body).json()
    records = doc["data"]
    assert doc["record_count"] == 40 and len(records) == 40
    edges = [r for r in records if r["_scenario"]]
    assert 10 <= len(edges) <= 20  # up to half the records, the rest ordinary
    for r in edges:
        _, column, kind = r["_scenario"].split(":")
        if kind in ("min", "max"):
            bound = {"date_of_birth": ("1945-01-01", "2006-12-31")}.get(column)
            if bound:
                assert r[column] == bound[0 if kind == "min" else 1]
        if column == "last_name" and kind == "awkward_1":
            assert "'" in r[column]
    assert len({r["email"] for r in records}) == 40  # unique columns are left alone
    for r in records:  # every rule of the schema still holds
        assert "1945-01-01" <= r["date_of_birth"] <= "2006-12-31"
        assert "2021-01-01" <= r["created_at"] <= "2025-06-30T23:59:59.999999"
    counts = doc["metadata"]["scenario_counts"]
    assert sum(v for k, v in counts.items() if k.startswith("defect:")) == len(edges)
    assert any("defect_triggering" in n for n in doc["metadata"]["notes"])
    plain = post(live, {"entity": "user", "count": 40, "seed": 11}).json()
    assert all("_scenario" not in r for r in plain["data"])


def test_defect_triggering_keeps_cart_arithmetic(live: Live) -> None:
    body = {"entity": "cart", "count": 30, "seed": 2, "flags": {"defect_triggering": True}}
    doc = post(live, body).json()
    kinds = {r["_scenario"] for r in doc["data"] if r["_scenario"]}
    assert "defect:tax_rate:max" in kinds
    for cart in doc["data"]:
        total = Decimal(str(cart["subtotal"])) + Decimal(str(cart["tax"]))
        assert Decimal(str(cart["total"])) == total
