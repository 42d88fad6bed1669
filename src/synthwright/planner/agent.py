"""The LLM planner: a tool-calling loop from words to a valid spec.

The model gets four tools and a step budget (model turns):

* ``list_types`` -- the type catalogue (all types, or one type's parameters);
* ``propose_spec`` -- a whole spec; the engine validates it (pydantic shape,
  then the compiler: unknown columns, capacity, cycles ...) and every
  problem goes back to the model as ``location: message`` lines;
* ``preview`` -- a few generated rows of the last valid proposal, so the
  model can see what its spec makes (synthetic values only; see
  :mod:`synthwright.llm.privacy`);
* ``final`` -- accept the last valid proposal, with the assumptions made and
  any clarifying questions.

A model without tool support may answer with the spec as JSON text; it is
repaired, validated, and treated like ``propose_spec``. The returned spec is
always valid: when the budget runs out the last valid proposal is used, and
without one the offline planner's result (each said in ``assumptions``).

Choosing a planner (:func:`plan_auto`): a configured provider
(``--llm``/``SYNTHWRIGHT_LLM``/config file, see :mod:`synthwright.llm.config`)
means this agent; ``none`` (the default) means the offline planner.
"""

from __future__ import annotations

import json
from typing import Any

from .. import catalog
from ..engine.run import load_spec, run_spec, validate
from ..errors import SynthwrightError
from ..llm import LLMClient, LLMConfig, LLMError, Usage, make_client, repair_json, resolve_config
from ..llm.structured import tool_schema
from ..spec import Spec, json_schema
from .context import lexicon_context
from .offline import plan_offline
from .result import PlanResult, Question

__all__ = ["SYSTEM_PROMPT", "choose_planner", "plan_auto", "plan_with_agent", "tools"]

SYSTEM_PROMPT = """\
You are synthwright's planner. Turn the user's request into a dataset spec (version 1) \
for a synthetic data generator, using the tools.

The spec: {"version": 1, "name": ..., "tables": {TABLE: {"rows": N | "per_parent": \
{"table": PARENT, "dist": {"poisson": {"lam": 2}}, "min": 0, "max": 10}, "columns": \
{NAME: COLUMN}, "checks": [SQL boolean row rules]}}}. A COLUMN is exactly one of \
{"type": TYPE, ...constraints} (a catalogue type: call list_types), {"ref": "parent.id"} \
(a foreign key; a child table with per_parent must ref that parent) or {"expr": "SQL over \
this row and parent columns"}. Constraints: min, max, values (list or {value: weight}), \
unique, null_rate, pattern, scale, after/before (another column, e.g. \
"customers.signup_at") with within ("365d"), locale, dist ({"normal": {"mean": 40, \
"std": 10}}, lognormal, exponential, poisson, zipf, beta). Every table has an id \
column ({"type": "id"}). Free-text columns use {"type": "llm", "prompt": "... \
{{column}} ..."}.

Steps: call propose_spec with the whole spec; fix every problem it reports and \
propose again; optionally preview; then call final with the assumptions you made \
(counts, fields, ranges you chose) and questions for anything truly ambiguous. \
Keep to what the user asked; choose realistic defaults."""


def tools() -> list[dict[str, Any]]:
    """The agent's tools in the neutral format of :mod:`synthwright.llm.providers`."""
    return [
        {
            "name": "list_types",
            "description": "List the column types (or one type's parameters and example).",
            "parameters": {
                "type": "object",
                "properties": {"name": {"type": "string", "description": "One type to describe."}},
            },
        },
        {
            "name": "propose_spec",
            "description": "Validate a whole spec; returns 'valid' or every problem.",
            "parameters": tool_schema(json_schema(), wrap="spec"),
        },
        {
            "name": "preview",
            "description": "A few generated rows per table of the last valid proposal.",
            "parameters": {
                "type": "object",
                "properties": {"rows": {"type": "integer", "minimum": 1, "maximum": 5}},
            },
        },
        {
            "name": "final",
            "description": "Accept the last valid proposal; list assumptions and questions.",
            "parameters": {
                "type": "object",
                "properties": {
                    "assumptions": {"type": "array", "items": {"type": "string"}},
                    "questions": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "key": {"type": "string"},
                                "text": {"type": "string"},
                                "choices": {"type": "array", "items": {"type": "string"}},
                                "default": {"type": "string"},
                            },
                            "required": ["key", "text"],
                        },
                    },
                    "output_format": {"type": "string"},
                },
            },
        },
    ]


class _Session:
    """The state the tools act on: the last valid spec and whether we are done."""

    def __init__(self, preview_rows: int) -> None:
        self.spec: Spec | None = None
        self.problems: list[str] = []
        self.final: dict[str, Any] | None = None
        self.preview_rows = preview_rows

    def handle(self, name: str, args: dict[str, Any]) -> str:
        handler = {
            "list_types": self._list_types,
            "propose_spec": self._propose,
            "preview": self._preview,
            "final": self._final,
        }.get(name)
        if handler is None:
            return f"error: unknown tool {name!r}; use list_types, propose_spec, preview, final"
        return handler(args)

    def _list_types(self, args: dict[str, Any]) -> str:
        name = args.get("name")
        if name:
            gen = catalog.get(str(name))
            if gen is None:
                return f"error: unknown type {name!r}; call list_types without a name"
            example = {"type": gen.name, **gen.example}
            return (
                f"{gen.name} ({gen.category}): {gen.summary}\nparameters: "
                f"{', '.join(gen.params) or '-'}\nexample: {json.dumps(example)}"
            )
        lines = []
        for type_name in catalog.names():
            gen = catalog.get(type_name)
            if gen is not None:
                lines.append(f"{gen.name}: {gen.summary.split('. ')[0]}")
        return "\n".join(lines)

    def _propose(self, args: dict[str, Any]) -> str:
        data = args.get("spec", args if "tables" in args else None)
        if not isinstance(data, dict):
            return "error: pass the whole spec as the 'spec' argument (an object with 'tables')"
        problems = validate(data)
        if problems:
            self.problems = problems
            return "invalid; fix every problem and propose again:\n" + "\n".join(problems[:30])
        self.spec = load_spec(data)
        self.problems = []
        sizes = ", ".join(
            f"{n} ({t.rows} rows)"
            if t.rows is not None
            else f"{n} (per {t.per_parent.table if t.per_parent else '?'})"
            for n, t in self.spec.tables.items()
        )
        return f"valid: {sizes}. Call preview to see rows, or final."

    def _preview(self, args: dict[str, Any]) -> str:
        if self.spec is None:
            return "error: no valid spec yet; call propose_spec first"
        rows = max(1, min(int(args.get("rows") or self.preview_rows), 5))
        # the engine itself, not the facade: a planner sits below synthwright.api
        try:
            tables = run_spec(self.spec, rows=rows, seed=self.spec.seed or 0).materialize()
        except SynthwrightError as exc:
            return "error: generation failed:\n" + "\n".join(str(p) for p in exc.problems)
        shown = {name: t.slice(0, rows).to_pylist() for name, t in tables.items()}
        return json.dumps(shown, default=str)[:6000]

    def _final(self, args: dict[str, Any]) -> str:
        if self.spec is None:
            return "error: no valid spec yet; call propose_spec first, then final"
        self.final = args
        return "accepted"


def _user_message(prompt: str, answers: dict[str, str] | None) -> str:
    text = f"Request: {prompt}\n\n{lexicon_context(prompt)}"
    if answers:
        text += "\nAnswers to earlier questions:\n" + "\n".join(
            f"- {k}: {v}" for k, v in answers.items()
        )
    return text


def _questions(raw: Any) -> list[Question]:
    out: list[Question] = []
    for item in raw if isinstance(raw, list) else []:
        if isinstance(item, dict) and item.get("key") and item.get("text"):
            out.append(
                Question(
                    key=str(item["key"]),
                    text=str(item["text"]),
                    choices=[str(c) for c in item.get("choices") or []],
                    default=None if item.get("default") is None else str(item["default"]),
                )
            )
    return out


def plan_with_agent(
    prompt: str,
    client: LLMClient,
    *,
    answers: dict[str, str] | None = None,
    max_steps: int = 8,
    preview_rows: int = 3,
) -> PlanResult:
    """Plan a spec with the LLM through tools; the result's spec is always valid.

    Raises:
        LLMError: the provider failed (after retries), or neither the model nor
            the offline planner produced a valid spec.
    """
    session = _Session(preview_rows)
    usage = Usage()
    messages: list[dict[str, Any]] = [
        {"role": "system", "content": SYSTEM_PROMPT},
        {"role": "user", "content": _user_message(prompt, answers)},
    ]
    available = tools()
    steps = 0
    while steps < max_steps and session.final is None:
        steps += 1
        response = client.chat(
            messages, tools=available, max_tokens=4096, temperature=0.0, usage=usage
        )
        messages.append(response.as_message())
        if response.tool_calls:
            for call in response.tool_calls:
                result = session.handle(call.name, call.arguments)
                messages.append({"role": "tool", "tool_call_id": call.id, "content": result})
            continue
        messages.append({"role": "user", "content": _answer_in_text(session, response.text)})
    assumptions: list[str] = []
    questions: list[Question] = []
    output_format: str | None = None
    if session.final is not None:
        assumptions = [str(a) for a in session.final.get("assumptions") or []]
        questions = _questions(session.final.get("questions"))
        fmt = session.final.get("output_format")
        output_format = str(fmt) if fmt else None
    elif session.spec is not None:
        assumptions = [f"the model used its {max_steps} steps; kept its last valid spec"]
    if session.spec is None:
        return _offline_fallback(prompt, answers, messages, usage, max_steps, session.problems)
    return PlanResult(
        spec=session.spec,
        assumptions=assumptions,
        questions=questions,
        source="llm",
        transcript=messages,
        usage={**usage.to_dict(), "steps": steps},
        output_format=output_format,
    )


def _answer_in_text(session: _Session, text: str) -> str:
    """A turn without tool calls: take a JSON spec from the text if there is one."""
    try:
        data = repair_json(text)
    except ValueError:
        data = None
    candidate = data.get("spec", data) if isinstance(data, dict) else None
    if isinstance(candidate, dict) and isinstance(candidate.get("tables"), dict):
        result = session.handle("propose_spec", {"spec": candidate})
        if result.startswith("valid"):
            session.final = {"assumptions": []}
            return "accepted"
        return result
    return "Use the tools: propose_spec with the whole spec, then final."


def _offline_fallback(
    prompt: str,
    answers: dict[str, str] | None,
    messages: list[dict[str, Any]],
    usage: Usage,
    max_steps: int,
    problems: list[str],
) -> PlanResult:
    try:
        result = plan_offline(prompt, answers=answers)
    except SynthwrightError as exc:
        detail = "; ".join(problems[:5]) or "no spec was proposed"
        raise LLMError(
            f"no valid spec within {max_steps} steps ({detail}), and the offline planner "
            f"failed too: {exc}",
            "plan",
        ) from exc
    result.assumptions.insert(
        0, f"the LLM gave no valid spec within {max_steps} steps; used the offline planner"
    )
    result.transcript = messages
    result.usage = {**usage.to_dict(), "steps": max_steps}
    return result


def choose_planner(config: LLMConfig) -> str:
    """``"agent"`` when a provider is configured, else ``"offline"``."""
    return "agent" if config.enabled else "offline"


def plan_auto(
    prompt: str,
    *,
    answers: dict[str, str] | None = None,
    config: LLMConfig | None = None,
    client: LLMClient | None = None,
    max_steps: int = 8,
) -> PlanResult:
    """Plan with the agent when an LLM is configured, else offline.

    ``config`` defaults to :func:`resolve_config` (flags > env > file > none).
    """
    if client is None:
        config = config or resolve_config()
        if choose_planner(config) == "offline":
            return plan_offline(prompt, answers=answers)
        client = make_client(config)
    return plan_with_agent(prompt, client, answers=answers, max_steps=max_steps)
