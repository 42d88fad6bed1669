"""``type: llm`` columns filled through the LLM: per-row prompts, batches, cache, budget."""

from __future__ import annotations

import json
from typing import Any

import synthwright as sw
from synthwright.llm import DataPolicy, fill_llm_columns

from ._fake_server import FakeLLMServer, openai_response
from .conftest import MakeClient

SPEC = {
    "seed": 5,
    "tables": {
        "customers": {
            "rows": 12,
            "columns": {
                "id": {"type": "id"},
                "country": {"type": "category", "values": ["DE", "FR"]},
            },
        },
        "orders": {
            "per_parent": {"table": "customers", "min": 1, "max": 3},
            "columns": {
                "id": {"type": "id"},
                "customer_id": {"ref": "customers.id"},
                "status": {"type": "category", "values": ["pending", "shipped"]},
                "note": {
                    "type": "llm",
                    "prompt": "Courier note for a {{status}} order to {{customers.country}}",
                    "max_tokens": 20,
                },
            },
        },
    },
}


def echo_texts(path: str, body: dict[str, Any]) -> dict[str, Any]:
    """Answer every item with a text that quotes it, so rows can be traced to prompts."""
    items = body["messages"][-1]["content"].splitlines()
    texts = [f"text for <{line.split('. ', 1)[1]}> #{i}" for i, line in enumerate(items)]
    return openai_response(json.dumps({"texts": texts}), prompt_tokens=100, completion_tokens=50)


def generated() -> tuple[Any, dict]:
    spec = sw.load_spec(SPEC)
    return spec, sw.generate(spec).materialize()


def test_rows_get_text_for_their_own_values(server: FakeLLMServer, make: MakeClient) -> None:
    server.responder = echo_texts
    spec, tables = generated()
    client = make("openai", max_concurrency=3)
    out, report = fill_llm_columns(tables, spec, client, batch_size=3, max_variants=2)
    orders = out["orders"]
    countries = dict(
        zip(
            tables["customers"].column("id").to_pylist(),
            tables["customers"].column("country").to_pylist(),
            strict=True,
        )
    )
    for row in orders.to_pylist():
        expected = f"Courier note for a {row['status']} order to {countries[row['customer_id']]}"
        assert row["note"].startswith(f"text for <{expected}>")
    col = report["columns"]["orders.note"]
    assert col["llm_rows"] == orders.num_rows and col["offline_rows"] == 0
    assert col["distinct_prompts"] <= 4  # 2 statuses x 2 countries, deduplicated
    # 2 variants per distinct prompt, 3 items per call.
    assert len(server.requests) == col["calls"] == -(-col["distinct_prompts"] * 2 // 3)
    assert report["usage"]["total_tokens"] == 150 * col["calls"]
    assert out["customers"] is tables["customers"]  # other tables untouched
    assert orders.schema == tables["orders"].schema

    sent = len(server.requests)
    again, warm = fill_llm_columns(tables, spec, make("openai"), batch_size=3, max_variants=2)
    assert warm["usage"]["total_tokens"] == 0 and len(server.requests) == sent
    assert again["orders"].column("note") == orders.column("note")


def test_token_budget_stops_cleanly(server: FakeLLMServer, make: MakeClient) -> None:
    server.responder = echo_texts
    data = json.loads(json.dumps(SPEC))
    data["tables"]["orders"]["columns"]["note"]["prompt"] = "Note for order {{id}} ({{status}})"
    spec = sw.load_spec(data)
    tables = sw.generate(spec).materialize()
    offline = tables["orders"].column("note").to_pylist()
    out, report = fill_llm_columns(
        tables, spec, make("openai", max_concurrency=1), batch_size=4, max_tokens_total=800
    )
    col = report["columns"]["orders.note"]
    assert report["budget_exhausted"]
    assert col["llm_rows"] > 0 and col["offline_rows"] > 0
    assert col["reasons"] == {"token budget": col["offline_rows"]}
    assert report["usage"]["total_tokens"] <= 800
    notes = out["orders"].column("note").to_pylist()
    kept = [n for n, o in zip(notes, offline, strict=True) if n == o]
    assert len(kept) == col["offline_rows"]  # flagged rows keep the offline template text
    assert sum(n.startswith("text for <Note for order") for n in notes) == col["llm_rows"]


def test_user_data_needs_permission(server: FakeLLMServer, make: MakeClient) -> None:
    server.responder = echo_texts
    spec, tables = generated()
    policy = DataPolicy(user_data=frozenset({"orders.status"}))
    out, report = fill_llm_columns(tables, spec, make("openai"), policy=policy)
    assert server.requests == []
    assert report["columns"]["orders.note"]["reasons"] == {"privacy": tables["orders"].num_rows}
    assert out["orders"].column("note") == tables["orders"].column("note")
    allowed = DataPolicy(allow_data_to_llm=True, user_data=frozenset({"orders.status"}))
    _out, report = fill_llm_columns(tables, spec, make("openai"), policy=allowed)
    assert server.requests and report["columns"]["orders.note"]["offline_rows"] == 0


def test_bad_prompt_is_located(make: MakeClient) -> None:
    import pytest

    data = json.loads(json.dumps(SPEC))
    data["tables"]["orders"]["columns"]["note"]["prompt"] = "Note {{status"
    spec = sw.Spec.model_validate(data)
    tables = {"orders": sw.generate(SPEC).materialize()["orders"]}
    with pytest.raises(sw.SpecError) as info:
        fill_llm_columns(tables, spec, make("openai"))
    assert info.value.problems[0].location == "tables.orders.columns.note.prompt"
