"""The planner agent: a tool loop that converges on a valid spec through a real SDK."""

from __future__ import annotations

import copy

import pytest

import synthwright as sw
from synthwright.llm import LLMConfig, LLMError
from synthwright.planner.agent import choose_planner, plan_with_agent

from ._fake_server import FakeLLMServer, anthropic_response, openai_response
from .conftest import MakeClient

VALID = {
    "version": 1,
    "name": "shop",
    "seed": 3,
    "tables": {
        "customers": {
            "rows": 50,
            "columns": {
                "id": {"type": "id"},
                "email": {"type": "email", "unique": True},
                "country": {"type": "country_code", "values": ["DE", "FR"]},
            },
        },
        "orders": {
            "per_parent": {"table": "customers", "min": 0, "max": 4},
            "columns": {
                "id": {"type": "id"},
                "customer_id": {"ref": "customers.id"},
                "subtotal": {"type": "decimal", "min": 5, "max": 500, "scale": 2},
                "total": {"expr": "round(subtotal * 1.19, 2)"},
            },
        },
    },
}
INVALID = copy.deepcopy(VALID)
INVALID["tables"]["orders"]["columns"]["total"] = {"expr": "round(subtotl * 1.19, 2)"}


def turn(provider: str, calls: list[tuple[str, dict]]) -> dict:
    make = openai_response if provider == "openai" else anthropic_response
    return make(
        None,
        calls,
        **(
            {"prompt_tokens": 300, "completion_tokens": 50}
            if provider == "openai"
            else {"input_tokens": 300, "output_tokens": 50}
        ),
    )  # type: ignore[arg-type]


def script_converging(server: FakeLLMServer, provider: str) -> None:
    server.add(
        turn(provider, [("list_types", {})]),
        turn(provider, [("propose_spec", {"spec": INVALID})]),
        turn(provider, [("propose_spec", {"spec": VALID})]),
        turn(provider, [("preview", {"rows": 2})]),
        turn(
            provider,
            [
                (
                    "final",
                    {
                        "assumptions": ["50 customers", "orders have 0-4 per customer"],
                        "questions": [
                            {"key": "currency", "text": "Which currency?", "default": "EUR"}
                        ],
                        "output_format": "csv",
                    },
                )
            ],
        ),
    )


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_agent_converges_after_an_invalid_spec(
    provider: str, server: FakeLLMServer, make: MakeClient
) -> None:
    script_converging(server, provider)
    result = plan_with_agent("an online shop: customers and their orders", make(provider))
    assert result.source == "llm"
    assert sw.validate(result.spec) == []
    assert set(result.spec.tables) == {"customers", "orders"}
    assert result.assumptions == ["50 customers", "orders have 0-4 per customer"]
    assert [q.key for q in result.questions] == ["currency"] and result.output_format == "csv"
    # The compile error went back to the model, located and with a did-you-mean.
    third_request = server.requests[2]["body"]["messages"]
    fed_back = str(third_request[-1])
    assert "tables.orders.columns.total.expr: unknown column 'subtotl'" in fed_back
    # The preview showed generated rows; the types listing reached the model.
    tool_results = [m for m in result.transcript if m["role"] == "tool"]
    assert "email" in tool_results[0]["content"]
    assert "customers" in tool_results[3]["content"] and '"total"' in tool_results[3]["content"]
    assert result.usage["steps"] == 5
    assert result.usage["input_tokens"] == 5 * 300 and result.usage["output_tokens"] == 5 * 50


def test_repeated_plan_with_warm_cache_costs_zero_tokens(
    server: FakeLLMServer, make: MakeClient
) -> None:
    script_converging(server, "openai")
    first = plan_with_agent("an online shop", make("openai"))
    assert first.usage["total_tokens"] == 1750 and len(server.requests) == 5
    second = plan_with_agent("an online shop", make("openai"))  # a new client, same cache file
    print(
        f"\ncold plan: {first.usage['total_tokens']} tokens; warm: {second.usage['total_tokens']}"
    )
    assert second.usage["total_tokens"] == 0 and second.usage["cached_calls"] == 5
    assert second.usage["cost_usd"] == 0.0
    assert len(server.requests) == 5  # nothing was sent the second time
    assert second.spec == first.spec


def test_spec_as_text_without_tools_is_repaired_and_accepted(
    server: FakeLLMServer, make: MakeClient
) -> None:
    import json

    text = "Here is the spec:\n```json\n" + json.dumps(VALID)[:-1] + ",}\n```"
    server.add(openai_response(text))
    result = plan_with_agent("shop", make("openai"))
    assert result.source == "llm" and sw.validate(result.spec) == []
    assert len(server.requests) == 1


def test_budget_spent_keeps_the_last_valid_proposal(
    server: FakeLLMServer, make: MakeClient
) -> None:
    server.add(
        openai_response(None, [("propose_spec", {"spec": VALID})]),
        openai_response(None, [("preview", {})]),
    )
    result = plan_with_agent("shop", make("openai"), max_steps=2)
    assert sw.validate(result.spec) == [] and result.source == "llm"
    assert "last valid spec" in result.assumptions[0]


def test_no_valid_spec_falls_back_to_the_offline_planner(
    server: FakeLLMServer, make: MakeClient
) -> None:
    server.add(*[openai_response(None, [("propose_spec", {"spec": INVALID})])] * 2)
    from synthwright.planner.offline import plan_offline

    try:
        plan_offline("customers and their orders")
    except NotImplementedError:
        with pytest.raises(LLMError, match="no valid spec within 2 steps"):
            plan_with_agent("customers and their orders", make("openai"), max_steps=2)
        return
    result = plan_with_agent("customers and their orders", make("openai"), max_steps=2)
    assert result.source == "offline" and sw.validate(result.spec) == []
    assert "used the offline planner" in result.assumptions[0]


def test_planner_choice() -> None:
    assert choose_planner(LLMConfig()) == "offline"
    assert choose_planner(LLMConfig(provider="openai", model="m", api_key="k")) == "agent"
