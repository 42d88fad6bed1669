"""Structured output: a JSON answer that validates, or a clear error.

Provider-native where available (OpenAI ``response_format: json_schema``,
Anthropic forced tool use, both in :mod:`.providers`); otherwise, or when a
server refuses the native form (HTTP 400, common on small local servers), the
schema goes into the prompt. Either way the text is parsed with
:func:`repair_json` (code fences, prose around the value, comments, trailing
commas, single quotes, Python literals, a truncated tail) and checked by the
caller's validator; validation errors go back to the model for a bounded
number of repair rounds.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from ._errors import LLMError

if TYPE_CHECKING:
    from .client import LLMClient
    from .usage import Usage

__all__ = ["complete_json", "format_validation_error", "repair_json", "tool_schema"]

T = TypeVar("T")
_LITERALS = {"True": "true", "False": "false", "None": "null"}
_CLOSE = {"{": "}", "[": "]"}


def _strip_fences(text: str) -> str:
    if "```" not in text:
        return text
    start = text.index("```")
    body = text[start + 3 :]
    newline = body.find("\n")
    if newline != -1 and (body[:newline].strip().isalnum() or not body[:newline].strip()):
        body = body[newline + 1 :]
    end = body.find("```")
    return body if end == -1 else body[:end]


def _normalise(text: str, start: int) -> str:
    """One pass from the first bracket: fix what models commonly get wrong."""
    out: list[str] = []
    stack: list[str] = []
    i, n = start, len(text)
    quote = ""
    while i < n:
        ch = text[i]
        if quote:
            if ch == "\\" and i + 1 < n:
                nxt = text[i + 1]
                out.append("'" if nxt == "'" else ch + nxt)  # \' is not a JSON escape
                i += 2
                continue
            if ch == quote:
                out.append('"')
                quote = ""
            elif ch == '"':  # a double quote inside a single-quoted string
                out.append('\\"')
            elif ch == "\n":
                out.append("\\n")
            else:
                out.append(ch)
            i += 1
            continue
        if ch in "\"'":
            quote = ch
            out.append('"')
        elif ch == "/" and text.startswith("//", i):
            end = text.find("\n", i)
            i = n if end == -1 else end
            continue
        elif ch == "/" and text.startswith("/*", i):
            end = text.find("*/", i + 2)
            i = n if end == -1 else end + 2
            continue
        elif ch in "{[":
            stack.append(ch)
            out.append(ch)
        elif ch in "}]":
            while out and out[-1] in " \t\r\n":
                out.pop()
            if out and out[-1] == ",":
                out.pop()
            if stack:
                stack.pop()
            out.append(ch)
            if not stack:
                break
        elif ch.isalpha():
            j = i
            while j < n and (text[j].isalnum() or text[j] == "_"):
                j += 1
            word = text[i:j]
            rest = text[j:].lstrip()
            if word not in _LITERALS and rest.startswith(":"):
                out.append(f'"{word}"')  # an unquoted key
            else:
                out.append(_LITERALS.get(word, word))
            i = j
            continue
        else:
            out.append(ch)
        i += 1
    if quote:
        out.append('"')
    while out and out[-1] in " \t\r\n,:":
        out.pop()
    out.extend(_CLOSE[b] for b in reversed(stack))
    return "".join(out)


def repair_json(text: str) -> Any:
    """Parse JSON from a model's answer, repairing the usual damage.

    >>> repair_json('Sure! ```json\\n{"a": [1, 2,],}\\n``` Hope that helps')
    {'a': [1, 2]}

    Raises:
        ValueError: no JSON value could be recovered.
    """
    body = _strip_fences(text).strip()
    try:
        return json.loads(body)
    except json.JSONDecodeError:
        pass
    starts = [p for p in (body.find("{"), body.find("[")) if p != -1]
    if not starts:
        raise ValueError("the answer contains no JSON object or array")
    fixed = _normalise(body, min(starts))
    try:
        return json.loads(fixed)
    except json.JSONDecodeError as exc:
        raise ValueError(f"the answer is not valid JSON even after repair: {exc}") from exc


def format_validation_error(exc: Exception) -> list[str]:
    """Pydantic (or other) validation errors as ``location: message`` lines."""
    errors = getattr(exc, "errors", None)
    if callable(errors):
        try:
            items = errors()
        except Exception:
            items = None
        if items:
            lines = []
            for item in items:
                loc = ".".join(str(p) for p in item.get("loc", ()))
                lines.append(f"{loc}: {item.get('msg', '')}" if loc else str(item.get("msg")))
            return lines
    problems = getattr(exc, "problems", None)
    if problems:
        return [str(p) for p in problems]
    return [str(exc)]


def tool_schema(schema: dict[str, Any], wrap: str | None = None) -> dict[str, Any]:
    """A schema usable as tool parameters: an object at the root, ``$defs`` hoisted.

    With ``wrap`` the schema becomes the property ``wrap`` of an object (the
    spec's ``$defs`` move to the root so their ``#/$defs/..`` references hold).
    """
    schema = copy.deepcopy(schema)
    defs = schema.pop("$defs", None)
    if wrap:
        schema = {"type": "object", "properties": {wrap: schema}, "required": [wrap]}
    if defs:
        schema["$defs"] = defs
    return schema


def _schema_instructions(schema: dict[str, Any]) -> str:
    return (
        "Answer with one JSON value only (no prose, no code fences) that validates "
        "against this JSON Schema:\n" + json.dumps(schema, separators=(",", ":"))
    )


def complete_json(
    client: LLMClient,
    messages: list[dict[str, Any]],
    *,
    schema: dict[str, Any],
    name: str,
    validate: Callable[[Any], T],
    max_repairs: int = 2,
    max_tokens: int | None = None,
    temperature: float | None = None,
    usage: Usage | None = None,
    transcript: list[dict[str, Any]] | None = None,
) -> T:
    """Ask for JSON matching ``schema`` and return ``validate(value)``.

    ``validate`` raises (ValueError, pydantic.ValidationError, SynthwrightError)
    on a bad value; its messages are sent back for up to ``max_repairs``
    rounds. Raises :class:`LLMError` when no valid answer comes.
    """
    convo = list(messages)
    native = client.structured == "native"
    if not native:
        convo = _with_instructions(convo, schema)
    problems: list[str] = []
    for _round in range(max_repairs + 1):
        try:
            response = client.chat(
                convo,
                json_schema={"name": name, "schema": schema} if native else None,
                max_tokens=max_tokens,
                temperature=temperature,
                usage=usage,
            )
        except LLMError as exc:
            if native and exc.status == 400:
                native = False  # the server does not do json_schema: fall back to the prompt
                client.structured = "prompt"
                convo = _with_instructions(convo, schema)
                response = client.chat(
                    convo, max_tokens=max_tokens, temperature=temperature, usage=usage
                )
            else:
                raise
        if transcript is not None:
            transcript.append(response.as_message())
        try:
            return validate(repair_json(response.text))
        except Exception as exc:
            if isinstance(exc, LLMError):
                raise
            problems = format_validation_error(exc)
        convo = [
            *convo,
            {"role": "assistant", "content": response.text},
            {
                "role": "user",
                "content": "That answer is not valid:\n"
                + "\n".join(f"- {p}" for p in problems[:20])
                + "\nReply with the corrected JSON only.",
            },
        ]
        if transcript is not None:
            transcript.append(convo[-1])
    raise LLMError(
        f"no valid structured answer after {max_repairs} repair rounds: " + "; ".join(problems[:5])
    )


def _with_instructions(
    messages: list[dict[str, Any]], schema: dict[str, Any]
) -> list[dict[str, Any]]:
    note = {"role": "system", "content": _schema_instructions(schema)}
    if messages and messages[0]["role"] == "system":
        first = dict(messages[0])
        first["content"] = f"{first.get('content') or ''}\n\n{note['content']}"
        return [first, *messages[1:]]
    return [note, *messages]
