"""One small chat interface and its two adapters (OpenAI-compatible, Anthropic).

Messages use a neutral shape that both adapters translate::

    {"role": "system" | "user" | "assistant" | "tool",
     "content": "text",
     "tool_calls": [{"id": "...", "name": "...", "arguments": {...}}],   # assistant
     "tool_call_id": "..."}                                               # tool

Tools are ``{"name", "description", "parameters": <JSON Schema>}``. A
``json_schema`` (``{"name", "schema"}``) asks for structured output: OpenAI
gets ``response_format: json_schema``, Anthropic a forced tool call whose
input is the answer. The official SDKs are built with ``max_retries=0``:
retries are ours (:mod:`.retry`), so they are counted and honour
Retry-After. Every SDK error is translated here, once, into
:class:`LLMError` with the HTTP status, whether it is worth retrying and the
server's Retry-After, its message redacted.
"""

from __future__ import annotations

import email.utils
import json
import time
from dataclasses import dataclass, field
from typing import Any, Protocol

from ._errors import LLMConfigError, LLMError
from .config import LLMConfig
from .redact import redact, register_secret

__all__ = [
    "AnthropicProvider",
    "ChatResponse",
    "OpenAIProvider",
    "Provider",
    "ToolCall",
    "make_provider",
]

_RETRY_STATUSES = {408, 409, 425, 429, 500, 502, 503, 504, 529}


@dataclass
class ToolCall:
    """A tool the model asked to call, with parsed arguments (``{}`` if unparsable)."""

    id: str
    name: str
    arguments: dict[str, Any]
    raw_arguments: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "arguments": self.arguments}


@dataclass
class ChatResponse:
    """What came back: text, tool calls, tokens; ``cached`` when no request was made."""

    text: str = ""
    tool_calls: list[ToolCall] = field(default_factory=list)
    input_tokens: int = 0
    output_tokens: int = 0
    finish_reason: str = ""
    model: str = ""
    cached: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "tool_calls": [
                {**c.to_dict(), "raw_arguments": c.raw_arguments} for c in self.tool_calls
            ],
            "input_tokens": self.input_tokens,
            "output_tokens": self.output_tokens,
            "finish_reason": self.finish_reason,
            "model": self.model,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ChatResponse:
        calls = [
            ToolCall(c["id"], c["name"], c.get("arguments") or {}, c.get("raw_arguments", ""))
            for c in data.get("tool_calls", [])
        ]
        return cls(
            text=data.get("text", ""),
            tool_calls=calls,
            input_tokens=int(data.get("input_tokens", 0)),
            output_tokens=int(data.get("output_tokens", 0)),
            finish_reason=data.get("finish_reason", ""),
            model=data.get("model", ""),
        )

    def as_message(self) -> dict[str, Any]:
        """This answer as an assistant message for the next turn."""
        message: dict[str, Any] = {"role": "assistant", "content": self.text}
        if self.tool_calls:
            message["tool_calls"] = [c.to_dict() for c in self.tool_calls]
        return message


class Provider(Protocol):
    """A chat endpoint: one request, one response, no retries, no cache."""

    name: str
    model: str

    def chat(
        self,
        messages: list[dict[str, Any]],
        *,
        tools: list[dict[str, Any]] | None = None,
        json_schema: dict[str, Any] | None = None,
        max_tokens: int | None = None,
        temperature: float | None = None,
    ) -> ChatResponse: ...


def _retry_after(headers: Any) -> float | None:
    """Seconds from ``retry-after-ms`` / ``Retry-After`` (seconds or an HTTP date)."""
    if headers is None:
        return None
    value = headers.get("retry-after-ms")
    if value:
        try:
            return max(0.0, float(value) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value)
        if parsed is None:
            return None
        return max(0.0, parsed.timestamp() - time.time())


def _translate(exc: Exception, provider: str, sdk: Any) -> LLMError:
    """An SDK exception as an LLMError (status, retryable, Retry-After; redacted)."""
    if isinstance(exc, sdk.APITimeoutError):
        return LLMError(f"{provider}: request timed out", retryable=True)
    if isinstance(exc, sdk.APIConnectionError):
        return LLMError(f"{provider}: cannot connect ({redact(str(exc))})", retryable=True)
    if isinstance(exc, sdk.APIStatusError):
        status = exc.status_code
        retry_after = _retry_after(exc.response.headers)
        body = exc.body if exc.body is not None else exc.message
        detail = redact(json.dumps(body)[:500] if not isinstance(body, str) else body[:500])
        return LLMError(
            f"{provider}: HTTP {status}: {detail}",
            status=status,
            retryable=status in _RETRY_STATUSES or status >= 500,
            retry_after=retry_after,
        )
    return LLMError(f"{provider}: {redact(str(exc))}")


def _parse_arguments(raw: str) -> dict[str, Any]:
    from .structured import repair_json

    try:
        value = repair_json(raw)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


# --- OpenAI-compatible ----------------------------------------------------------

_NEW_TOKEN_PARAM = ("o1", "o3", "o4", "gpt-5")


class OpenAIProvider:
    """OpenAI chat completions (also vLLM, Ollama, llama.cpp, Together ...)."""

    name = "openai"

    def __init__(self, config: LLMConfig) -> None:
        import openai

        self._sdk = openai
        self.model = config.model or "gpt-4o-mini"
        self._client = openai.OpenAI(
            api_key=config.api_key or "not-needed",
            base_url=config.base_url,
            max_retries=0,
            timeout=config.timeout,
        )

    @staticmethod
    def _messages(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for m in messages:
            if m["role"] == "assistant" and m.get("tool_calls"):
                out.append(
                    {
                        "role": "assistant",
                        "content": m.get("content") or None,
                        "tool_calls": [
                            {
                                "id": c["id"],
                                "type": "function",
                                "function": {
                                    "name": c["name"],
                                    "arguments": json.dumps(c["arguments"]),
                                },
                            }
                            for c in m["tool_calls"]
                        ],
                    }
                )
            elif m["role"] == "tool":
                out.append(
                    {"role": "tool", "tool_call_id": m["tool_call_id"], "content": m["content"]}
                )
            else:
                out.append({"role": m["role"], "content": m.get("content") or ""})
        return out

    def chat(
        self,
        messages: list[dict[str, Any]],
        *,
        tools: list[dict[str, Any]] | None = None,
        json_schema: dict[str, Any] | None = None,
        max_tokens: int | None = None,
        temperature: float | None = None,
    ) -> ChatResponse:
        kwargs: dict[str, Any] = {"model": self.model, "messages": self._messages(messages)}
        if tools:
            kwargs["tools"] = [
                {
                    "type": "function",
                    "function": {
                        "name": t["name"],
                        "description": t.get("description", ""),
                        "parameters": t["parameters"],
                    },
                }
                for t in tools
            ]
        if json_schema:
            kwargs["response_format"] = {
                "type": "json_schema",
                "json_schema": {
                    "name": json_schema["name"],
                    "schema": json_schema["schema"],
                    "strict": False,
                },
            }
        if max_tokens:
            new = self.model.startswith(_NEW_TOKEN_PARAM)
            kwargs["max_completion_tokens" if new else "max_tokens"] = max_tokens
        if temperature is not None:
            kwargs["temperature"] = temperature
        try:
            completion = self._client.chat.completions.create(**kwargs)
        except self._sdk.OpenAIError as exc:
            raise _translate(exc, self.name, self._sdk) from None
        if not completion.choices:
            raise LLMError(f"{self.name}: the response has no choices")
        choice = completion.choices[0]
        message = choice.message
        calls = [
            ToolCall(
                id=c.id,
                name=c.function.name,
                arguments=_parse_arguments(c.function.arguments or ""),
                raw_arguments=c.function.arguments or "",
            )
            for c in (message.tool_calls or [])
            if getattr(c, "function", None) is not None
        ]
        usage = completion.usage
        return ChatResponse(
            text=message.content or "",
            tool_calls=calls,
            input_tokens=usage.prompt_tokens if usage else 0,
            output_tokens=usage.completion_tokens if usage else 0,
            finish_reason=choice.finish_reason or "",
            model=completion.model or self.model,
        )


# --- Anthropic ----------------------------------------------------------------------


class AnthropicProvider:
    """Anthropic messages API; structured output through a forced tool call."""

    name = "anthropic"
    default_max_tokens = 4096

    def __init__(self, config: LLMConfig) -> None:
        import anthropic

        self._sdk = anthropic
        self.model = config.model or "claude-haiku-4-5"
        self._client = anthropic.Anthropic(
            api_key=config.api_key,
            base_url=config.base_url,
            max_retries=0,
            timeout=config.timeout,
        )
        import inspect

        # Recent SDKs dropped ``temperature`` (newer models fix it); send it only where accepted.
        params = inspect.signature(self._client.messages.create).parameters
        self._takes_temperature = "temperature" in params

    @staticmethod
    def _messages(messages: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
        system: list[str] = []
        out: list[dict[str, Any]] = []
        for m in messages:
            role = m["role"]
            if role == "system":
                system.append(m.get("content") or "")
                continue
            if role == "tool":
                block = {
                    "type": "tool_result",
                    "tool_use_id": m["tool_call_id"],
                    "content": m.get("content") or "",
                }
                if out and out[-1]["role"] == "user" and isinstance(out[-1]["content"], list):
                    out[-1]["content"].append(block)
                else:
                    out.append({"role": "user", "content": [block]})
                continue
            if role == "assistant" and m.get("tool_calls"):
                blocks: list[dict[str, Any]] = []
                if m.get("content"):
                    blocks.append({"type": "text", "text": m["content"]})
                blocks += [
                    {"type": "tool_use", "id": c["id"], "name": c["name"], "input": c["arguments"]}
                    for c in m["tool_calls"]
                ]
                out.append({"role": "assistant", "content": blocks})
                continue
            out.append({"role": role, "content": m.get("content") or ""})
        return "\n\n".join(system), out

    def chat(
        self,
        messages: list[dict[str, Any]],
        *,
        tools: list[dict[str, Any]] | None = None,
        json_schema: dict[str, Any] | None = None,
        max_tokens: int | None = None,
        temperature: float | None = None,
    ) -> ChatResponse:
        system, converted = self._messages(messages)
        kwargs: dict[str, Any] = {
            "model": self.model,
            "messages": converted,
            "max_tokens": max_tokens or self.default_max_tokens,
        }
        if system:
            kwargs["system"] = system
        sdk_tools = [
            {
                "name": t["name"],
                "description": t.get("description", ""),
                "input_schema": t["parameters"],
            }
            for t in tools or []
        ]
        if json_schema:
            schema = json_schema["schema"]
            if schema.get("type") != "object":
                raise LLMConfigError("structured output needs an object schema", "json_schema")
            sdk_tools.append(
                {
                    "name": json_schema["name"],
                    "description": "Return the answer as this tool's input.",
                    "input_schema": schema,
                }
            )
            kwargs["tool_choice"] = {"type": "tool", "name": json_schema["name"]}
        if sdk_tools:
            kwargs["tools"] = sdk_tools
        if temperature is not None and self._takes_temperature:
            kwargs["temperature"] = temperature
        try:
            message = self._client.messages.create(**kwargs)
        except self._sdk.AnthropicError as exc:
            raise _translate(exc, self.name, self._sdk) from None
        texts: list[str] = []
        calls: list[ToolCall] = []
        for block in message.content:
            if block.type == "text":
                texts.append(block.text)
            elif block.type == "tool_use":
                args = block.input if isinstance(block.input, dict) else {}
                if json_schema and block.name == json_schema["name"]:
                    texts.append(json.dumps(args))
                else:
                    calls.append(ToolCall(block.id, block.name, args, json.dumps(args)))
        return ChatResponse(
            text="".join(texts),
            tool_calls=calls,
            input_tokens=message.usage.input_tokens,
            output_tokens=message.usage.output_tokens,
            finish_reason=message.stop_reason or "",
            model=message.model or self.model,
        )


def make_provider(config: LLMConfig) -> Provider:
    """The adapter for a configured provider (raises for ``none``)."""
    register_secret(config.api_key)
    if config.provider == "openai":
        return OpenAIProvider(config)
    if config.provider == "anthropic":
        return AnthropicProvider(config)
    raise LLMConfigError("no LLM is configured (set SYNTHWRIGHT_LLM or pass --llm)", "llm")
