"""Per request: rule_based, llm, rag or hybrid, with the reason and a confidence.

Rule-based is the default: it serves volume and simple schemas in
milliseconds. The LLM path is taken when the request asks for realism that
rules cannot give — context, "realistic"/"coherent" hints — *and* the records
have free-text fields (text/llm types, described strings) for an LLM to write,
*and* the volume is small enough. The RAG path is taken when the flags ask for
history (learn_from_history), defects (defect_triggering) or production-like
data *and* the store has such items for the entity (else it is skipped, with
the reason); hybrid when both apply (the retrieved patterns ground the LLM).

The LLM is a callable (`LlmWriter`): it gets the rule-based records and writes
the free-text fields. It is the configured model (`llm_path.ModelWriter`), or
user code named by ``--llm-writer module:callable`` (``SYNTHWRIGHT_LLM_WRITER``)
taking an `LlmTask` and returning an `LlmResult` (or an awaitable of one). When
it fails, times out or answers badly, the rule-based values stay and the
metadata says so.
"""

from __future__ import annotations

import asyncio
import importlib
import inspect
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import pyarrow as pa

from ..errors import SpecError
from ..llm.redact import redact
from ..spec import SCENARIO_COLUMN
from .build import Build
from .models import GenerateRequest

__all__ = [
    "REALISM_HINTS",
    "LlmOutcome",
    "LlmResult",
    "LlmTask",
    "LlmWriter",
    "Path",
    "Route",
    "apply_llm",
    "decide",
    "load_writer",
    "purpose_of",
    "rag_wanted",
]

Path = Literal["rule_based", "llm", "rag", "hybrid"]
REALISM_HINTS = ("realistic", "coherent", "natural", "believable", "human")


@dataclass(frozen=True)
class LlmTask:
    """What the LLM is asked: write `fields` (name -> description) for each record."""

    entity: str
    context: str | None
    hints: list[str]
    fields: dict[str, str]
    records: list[dict[str, Any]]
    seed: int
    purpose: str = "general"
    examples: list[dict[str, Any]] = field(default_factory=list)
    max_lengths: dict[str, int] = field(default_factory=dict)


@dataclass
class LlmResult:
    """One value per record for every field asked, and the tokens it cost."""

    values: dict[str, list[str]]
    tokens_used: int = 0
    cost_usd: float | None = None
    provider: str | None = None
    notes: list[str] = field(default_factory=list)


@dataclass
class LlmOutcome:
    """What `apply_llm` did: the records, what the model cost, and why it was not used."""

    table: pa.Table
    tokens: int = 0
    failure: str | None = None
    cost_usd: float | None = None
    provider: str | None = None
    notes: list[str] = field(default_factory=list)


LlmWriter = Callable[[LlmTask], "LlmResult | Awaitable[LlmResult]"]


@dataclass
class Route:
    """The path taken and why (both reported in the response metadata)."""

    path: Path
    reason: str
    wants_llm: bool = False
    notes: list[str] = field(default_factory=list)
    confidence: float = 0.9
    rag_kinds: list[str] = field(default_factory=list)

    @property
    def uses_llm(self) -> bool:
        return self.path in ("llm", "hybrid")

    @property
    def uses_rag(self) -> bool:
        return self.path in ("rag", "hybrid")


def _signals(request: GenerateRequest) -> list[str]:
    found = []
    if request.context:
        found.append("context given")
    hinted = [h for h in request.hints if any(w in h.lower() for w in REALISM_HINTS)]
    if hinted:
        found.append(f"hints {hinted}")
    return found


RAG_FLAGS = {
    "learn_from_history": "pattern",
    "defect_triggering": "defect",
    "production_like": "production",
}


def rag_wanted(request: GenerateRequest) -> list[str]:
    """The store kinds a request's flags ask for (none: retrieval is not consulted)."""
    return [kind for flag, kind in RAG_FLAGS.items() if getattr(request.flags, flag)]


def decide(
    request: GenerateRequest,
    build: Build,
    *,
    llm_configured: bool,
    llm_max_records: int,
    rag_counts: dict[str, int] | None = None,
) -> Route:
    """The path for a request, with the reason and a confidence.

    Traditional (rule-based) for volume and simple entities; RAG when the flags
    ask for history, defects or production-like data *and* the store has items
    of that kind for the entity; the LLM for context and realism hints on
    entities with free text; hybrid when both apply. `rag_counts` is the store's
    item count per wanted kind for the entity (None: no store, or a stream).
    `wants_llm` is True when the LLM would be used if it works.
    """
    signals = _signals(request)
    wanted = rag_wanted(request)
    notes: list[str] = []
    have: list[str] = []
    if wanted and rag_counts is None:
        notes.append(
            f"RAG skipped ({', '.join(wanted)}): retrieval is off or unavailable, or this is "
            "a stream (retrieval serves unary requests)"
        )
    for kind in wanted if rag_counts is not None else []:
        if (rag_counts or {}).get(kind, 0) > 0:
            have.append(kind)
        else:
            notes.append(
                f"RAG skipped for {kind}: the store has no {kind} items for this entity "
                "(run `synthwright rag seed`)"
            )
    llm_reason, llm_ok, wants = _llm_choice(
        signals, build, llm_configured=llm_configured, llm_max_records=llm_max_records
    )
    rag_reason = f"retrieval of {', '.join(have)} items" if have else ""
    if have and llm_ok:
        return Route("hybrid", f"hybrid: {rag_reason}; {llm_reason}", True, notes, 0.75, have)
    if have:
        extra = f"; {llm_reason}" if signals else ""
        return Route("rag", f"RAG path: {rag_reason}{extra}", wants, notes, 0.8, have)
    if llm_ok:
        return Route("llm", llm_reason, True, notes, 0.7)
    confidence = 0.95 if not signals and not wanted else 0.6
    return Route("rule_based", llm_reason, wants, notes, confidence)


def _llm_choice(
    signals: list[str], build: Build, *, llm_configured: bool, llm_max_records: int
) -> tuple[str, bool, bool]:
    """(reason, the LLM path is taken, the LLM path is wanted)."""
    if not signals:
        return "no context or realism hints: the fast rule-based path", False, False
    if not build.free_text:
        return (
            f"{', '.join(signals)}, but no free-text fields for an LLM to write: rule-based",
            False,
            False,
        )
    if build.record_count > llm_max_records:
        return (
            f"volume: {build.record_count} records > {llm_max_records} for the LLM path: "
            "rule-based",
            False,
            False,
        )
    wanted = f"{', '.join(signals)}; free-text fields {sorted(build.free_text)}"
    if not llm_configured:
        return (
            f"LLM path wanted ({wanted}) but no LLM is configured: fell back to rule-based",
            False,
            True,
        )
    return f"LLM path: {wanted}", True, True


def load_writer(target: str | None) -> LlmWriter | None:
    """The callable named ``module:attribute``; None for no LLM. SpecError when it cannot load."""
    if not target or target.lower() == "none":
        return None
    module_name, _, attr = target.partition(":")
    if not attr:
        raise SpecError("use module:callable", "llm")
    try:
        obj = getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError) as exc:
        raise SpecError(f"cannot load {target!r}: {exc}", "llm") from exc
    if not callable(obj):
        raise SpecError(f"{target!r} is not callable", "llm")
    writer: LlmWriter = obj
    return writer


async def _call(writer: LlmWriter, task: LlmTask, timeout_s: float) -> LlmResult:
    async def run() -> Any:
        if inspect.iscoroutinefunction(writer):
            return await writer(task)  # type: ignore[misc]
        result = await asyncio.to_thread(writer, task)
        return await result if inspect.isawaitable(result) else result

    return await asyncio.wait_for(run(), timeout_s)  # type: ignore[no-any-return]


async def apply_llm(
    writer: LlmWriter,
    table: pa.Table,
    build: Build,
    request: GenerateRequest,
    timeout_s: float,
    *,
    examples: list[dict[str, Any]] | None = None,
) -> LlmOutcome:
    """Records with the LLM's free-text values — or the table unchanged and the reason
    the LLM's answer could not be used. Only free-text columns are replaced: keys,
    constraints and arithmetic stay the engine's."""
    fields = {k: v for k, v in build.free_text.items() if k in table.column_names}
    structured = table.drop_columns(
        [c for c in table.column_names if c in fields or c == SCENARIO_COLUMN]
    )
    task = LlmTask(
        entity=request.entity or build.table,
        context=request.context,
        hints=list(request.hints),
        fields=fields,
        records=[_jsonable(r) for r in structured.to_pylist()],
        seed=build.seed,
        purpose=purpose_of(request, build, bool(examples)),
        examples=list(examples or []),
        max_lengths=_max_lengths(build, fields),
    )
    try:
        result = await _call(writer, task, timeout_s)
    except TimeoutError:
        return LlmOutcome(table, failure=f"the LLM timed out after {timeout_s:g} s")
    except Exception as exc:
        return LlmOutcome(table, failure=redact(f"the LLM failed: {type(exc).__name__}: {exc}"))
    if not isinstance(result, LlmResult):
        return LlmOutcome(
            table, failure=f"the LLM writer returned {type(result).__name__}, not LlmResult"
        )
    n = table.num_rows
    spent = LlmOutcome(table, result.tokens_used, None, result.cost_usd, result.provider)
    spent.notes = list(result.notes)
    for name in fields:
        values = result.values.get(name)
        if values is None or len(values) != n or not all(isinstance(v, str) for v in values):
            got = "nothing" if values is None else f"{len(values)} values"
            spent.failure = f"the LLM answered {got} for {name!r}, need {n} strings"
            return spent
        limit = task.max_lengths.get(name)
        if limit is not None and any(len(v) > limit for v in values):
            spent.failure = f"the LLM wrote {name!r} longer than its {limit} characters"
            return spent
    for name in fields:
        index = table.column_names.index(name)
        table = table.set_column(index, name, pa.array(result.values[name], pa.string()))
    spent.table = table
    return spent


_COHERENT = ("cart", "order", "basket", "invoice", "checkout")
_TEXTUAL = ("review", "comment", "body", "text", "message", "feedback", "note")


def purpose_of(request: GenerateRequest, build: Build, grounded: bool) -> str:
    """Which prompt template fits: RAG-grounded, edge cases, coherent carts, text, general."""
    name = (request.entity or build.table).lower()
    if grounded:
        return "rag_grounded"
    if request.flags.defect_triggering:
        return "edge_cases"
    if any(w in name for w in _COHERENT):
        return "coherent"
    if any(w in name or any(w in f.lower() for f in build.free_text) for w in _TEXTUAL):
        return "text_content"
    return "general"


def _max_lengths(build: Build, fields: dict[str, str]) -> dict[str, int]:
    """Column length limits the model's text must keep (the engine's constraint)."""
    out: dict[str, int] = {}
    columns = build.spec.tables[build.table].columns
    for name in fields:
        limit = getattr(columns.get(name), "max_length", None)
        if isinstance(limit, int) and limit > 0:
            out[name] = limit
    return out


def _jsonable(row: dict[str, Any]) -> dict[str, Any]:
    return {
        k: v if isinstance(v, str | int | float | bool | type(None)) else str(v)
        for k, v in row.items()
    }
