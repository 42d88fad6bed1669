"""Routing decisions and the LLM path's fallbacks (unconfigured, failing, slow, bad answers)."""

from __future__ import annotations

import asyncio

import pytest

from synthwright.service.core import DataService
from synthwright.service.models import GenerateRequest
from synthwright.service.router import LlmResult, LlmTask, load_writer

from .conftest import fake_llm, small_settings

pytestmark = pytest.mark.anyio


async def _generate(llm: object, **body: object) -> dict:
    service = DataService(small_settings(pool_records=0, llm_timeout_s=0.2), llm=llm)  # type: ignore[arg-type]
    result = await service.generate(GenerateRequest.model_validate(body))
    await service.close()
    return {"meta": result.metadata, "data": result.data}


REVIEW = {"entity": "review", "count": 4, "seed": 1, "context": "kettles"}


async def test_rule_based_without_signals() -> None:
    out = await _generate(fake_llm, entity="review", count=4, seed=1)
    assert out["meta"].generation_path == "rule_based"
    assert "no context" in out["meta"].route_reason


async def test_llm_path_taken_when_configured() -> None:
    out = await _generate(fake_llm, **REVIEW)
    assert out["meta"].generation_path == "llm" and out["meta"].llm_tokens_used == 28
    assert '"body":"kettles #0 (body)"' in out["data"]


async def test_async_writer_works() -> None:
    async def writer(task: LlmTask) -> LlmResult:
        return fake_llm(task)

    out = await _generate(writer, **REVIEW)
    assert out["meta"].generation_path == "llm"


async def test_unconfigured_falls_back() -> None:
    out = await _generate(None, **REVIEW)
    assert out["meta"].generation_path == "rule_based"
    assert "no LLM is configured" in out["meta"].route_reason


async def test_failing_llm_falls_back() -> None:
    def broken(task: LlmTask) -> LlmResult:
        raise ConnectionError("provider down")

    out = await _generate(broken, **REVIEW)
    assert out["meta"].generation_path == "rule_based"
    assert "the LLM failed: ConnectionError: provider down" in out["meta"].route_reason


async def test_slow_llm_times_out_and_falls_back() -> None:
    async def slow(task: LlmTask) -> LlmResult:
        await asyncio.sleep(5)
        return fake_llm(task)

    out = await _generate(slow, **REVIEW)
    assert out["meta"].generation_path == "rule_based"
    assert "timed out after 0.2 s" in out["meta"].route_reason


async def test_bad_answer_falls_back() -> None:
    def short(task: LlmTask) -> LlmResult:
        return LlmResult({f: ["only one"] for f in task.fields}, tokens_used=3)

    out = await _generate(short, **REVIEW)
    assert out["meta"].generation_path == "rule_based"
    assert "1 values" in out["meta"].route_reason


async def test_volume_and_no_free_text_stay_rule_based() -> None:
    big = await _generate(fake_llm, **{**REVIEW, "count": 500})
    assert "volume" in big["meta"].route_reason and big["meta"].generation_path == "rule_based"
    user = await _generate(fake_llm, entity="user", count=3, context="shoppers", seed=1)
    assert "no free-text fields" in user["meta"].route_reason


def test_load_writer() -> None:
    assert load_writer(None) is None and load_writer("none") is None
    writer = load_writer("tests.unit.service.conftest:fake_llm")
    assert writer is fake_llm
    from synthwright.errors import SpecError

    with pytest.raises(SpecError, match="llm"):
        load_writer("no.such.module:thing")
