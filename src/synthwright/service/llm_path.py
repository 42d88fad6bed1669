"""The service's LLM writer built on `synthwright.llm`: the CLI's model, its fallback.

The router's `LlmWriter` hook used to be the only way to get model-written
text; this module makes the configured model (`synthwright.llm.config`: the
same `SYNTHWRIGHT_LLM`, `--llm` and config file as the CLI, plus
`SYNTHWRIGHT_LLM_FALLBACK`) that writer. Why each piece:

- the official SDK clients are synchronous in `synthwright.llm` (retries,
  cache and usage live there), so calls run in a thread pool of their own
  (``max_concurrency`` threads, behind a semaphore): a burst of slow model
  calls waits there and never takes the default executor's threads, which
  the rule-based path generates and renders in;
- each provider's SDK timeout is capped by the service's per-request LLM
  timeout, and retries are few and short, so a dead primary leaves time for
  the fallback inside one request;
- the answer is structured JSON validated against the fields asked (count,
  names, non-empty strings within the column's length), with the validation
  errors sent back for repair (`complete_json`); a model that still fails
  raises, and `apply_llm` keeps the rule-based values with the reason;
- prompts are data (`prompts/prompts.yaml`), chosen by purpose.

Keys never appear in a reason: every failure text goes through `redact`.
"""

from __future__ import annotations

import asyncio
import json
import string
from concurrent.futures import ThreadPoolExecutor
from functools import cache, partial
from pathlib import Path
from typing import Any

import yaml

from ..llm import LLMClient, LLMConfig, LLMError, Usage, make_client
from ..llm.redact import redact
from ..llm.retry import RetryPolicy
from ..llm.structured import complete_json
from .router import LlmResult, LlmTask

__all__ = ["PURPOSES", "ModelWriter", "prompt_for"]

PROMPTS = Path(__file__).parent / "prompts" / "prompts.yaml"
PURPOSES = ("general", "coherent", "text_content", "edge_cases", "rag_grounded")
MAX_TEXT = 4000  # longest free-text value accepted from the model


@cache
def _templates() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(PROMPTS.read_text(encoding="utf-8"))
    return data


def prompt_for(task: LlmTask) -> list[dict[str, Any]]:
    """The chat messages for a task, from the template of its purpose."""
    data = _templates()
    purpose = task.purpose if task.purpose in data["purposes"] else "general"
    template = string.Template(data["purposes"][purpose]["user"])
    user = template.safe_substitute(
        entity=task.entity,
        context=task.context or "(none)",
        hints=", ".join(task.hints) or "(none)",
        fields=json.dumps(task.fields, ensure_ascii=False),
        records=json.dumps(task.records, ensure_ascii=False, default=str),
        count=len(task.records),
        examples=json.dumps(task.examples[:5], ensure_ascii=False, default=str),
    )
    return [{"role": "system", "content": data["system"]}, {"role": "user", "content": user}]


def _schema(fields: dict[str, str]) -> dict[str, Any]:
    item = {
        "type": "object",
        "properties": {name: {"type": "string"} for name in fields},
        "required": list(fields),
        "additionalProperties": False,
    }
    return {
        "type": "object",
        "properties": {"records": {"type": "array", "items": item}},
        "required": ["records"],
        "additionalProperties": False,
    }


def _validator(task: LlmTask) -> Any:
    n = len(task.records)

    def validate(value: Any) -> dict[str, list[str]]:
        records = value.get("records") if isinstance(value, dict) else value
        if not isinstance(records, list):
            raise ValueError('the answer must be {"records": [...]}')
        if len(records) != n:
            raise ValueError(f"expected {n} records, got {len(records)}")
        out: dict[str, list[str]] = {name: [] for name in task.fields}
        for i, record in enumerate(records):
            if not isinstance(record, dict):
                raise ValueError(f"records[{i}] must be an object")
            for name in task.fields:
                text = record.get(name)
                if not isinstance(text, str) or not text.strip():
                    raise ValueError(f"records[{i}].{name} must be a non-empty string")
                limit = task.max_lengths.get(name, MAX_TEXT)
                if len(text) > limit:
                    raise ValueError(f"records[{i}].{name} is longer than {limit} characters")
                out[name].append(text)
        return out

    return validate


class ModelWriter:
    """An `LlmWriter` over the configured model and its fallback (async, bounded)."""

    def __init__(
        self,
        config: LLMConfig,
        *,
        timeout_s: float,
        max_concurrency: int | None = None,
        cache_path: Path | None = None,
    ) -> None:
        configs = [config, *([config.fallback] if config.fallback else [])]
        per_call = max(0.5, min(config.timeout, timeout_s / len(configs)))
        self.clients: list[tuple[str, LLMClient]] = []
        for one in configs:
            capped = one.with_overrides(timeout=min(one.timeout, per_call))
            retry = RetryPolicy(max_tries=2, base_delay=0.1, max_delay=1.0)
            self.clients.append(
                (one.provider, make_client(capped, cache_path=cache_path, retry=retry))
            )
        size = max_concurrency or config.max_concurrency
        self._limit = asyncio.Semaphore(size)
        self._pool = ThreadPoolExecutor(max_workers=size, thread_name_prefix="synthwright-llm")
        self.describe = config.describe()

    @property
    def providers(self) -> list[str]:
        return [name for name, _ in self.clients]

    async def __call__(self, task: LlmTask) -> LlmResult:
        """Primary, then fallback; raises LLMError with every provider's reason when all fail."""
        failures: list[str] = []
        async with self._limit:
            for index, (name, client) in enumerate(self.clients):
                usage = Usage()
                try:
                    loop = asyncio.get_running_loop()
                    ask = partial(self._ask, client, task, usage)
                    values = await loop.run_in_executor(self._pool, ask)
                except Exception as exc:
                    role = "primary" if index == 0 else "fallback"
                    failures.append(redact(f"{role} {name} failed: {type(exc).__name__}: {exc}"))
                    continue
                notes = [f"fallback {name} used after: {'; '.join(failures)}"] if failures else []
                return LlmResult(
                    values,
                    tokens_used=usage.total_tokens,
                    cost_usd=usage.cost_usd,
                    provider=name,
                    notes=notes,
                )
        raise LLMError("; ".join(failures))

    @staticmethod
    def _ask(client: LLMClient, task: LlmTask, usage: Usage) -> dict[str, list[str]]:
        result: dict[str, list[str]] = complete_json(
            client,
            prompt_for(task),
            schema=_schema(task.fields),
            name="records",
            validate=_validator(task),
            max_repairs=1,
            temperature=0.7,
            usage=usage,
        )
        return result

    def close(self) -> None:
        """Stop the pool (calls in flight are not waited for) and close the caches."""
        self._pool.shutdown(wait=False, cancel_futures=True)
        for _, client in self.clients:
            client.close()
