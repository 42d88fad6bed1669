"""Free text for ``type: llm`` columns, written by the configured LLM.

The engine first fills every ``llm`` column with offline template text; this
module replaces it:

1. each row's prompt is the column's Jinja ``prompt`` rendered (sandboxed)
   over the row (``{{status}}``) and its parents through foreign keys
   (``{{customers.country}}``); distinct value combinations are rendered
   once;
2. identical prompts are deduplicated: a prompt shared by *k* rows asks for
   ``min(k, max_variants)`` different texts, given to its rows in turn;
3. items are packed ``batch_size`` to a call that asks for a JSON array of
   exactly that many strings (structured output, repaired and validated),
   and calls run concurrently (``client.max_concurrency``) through the
   client's cache, so a repeated run costs 0 tokens;
4. ``max_tokens_total`` is a budget of billed tokens: a call whose estimate
   would exceed it is not sent, nor is any later one; its rows keep the
   offline text and the report says so (``reasons: {"token budget": n}``).

Rows whose prompt would carry user-provided sample values keep their offline
text unless the :class:`DataPolicy` allows it (see :mod:`.privacy`).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from ..errors import SpecError
from ._errors import LLMError
from .concurrency import bounded_map
from .privacy import DataPolicy
from .structured import complete_json
from .usage import Usage

if TYPE_CHECKING:
    from ..spec import Spec, TableSpec
    from .client import LLMClient

__all__ = ["ColumnReport", "fill_llm_columns"]

_DEFAULT_ITEM_TOKENS = 60
_ATTR = re.compile(r"\b([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_]*)")
_SYSTEM = (
    "You write short, realistic texts for rows of a synthetic dataset. You get numbered "
    'items, each an instruction. Answer with a JSON object {{"texts": [...]}} holding '
    "exactly {n} strings, the i-th answering item i. Items with the same instruction must "
    "get clearly different texts. Each text at most about {tokens} tokens, plain text, "
    "no numbering, no quotes around it."
)


@dataclass
class ColumnReport:
    """What happened to one ``llm`` column: rows written by the LLM, rows left offline."""

    rows: int = 0
    llm_rows: int = 0
    offline_rows: int = 0
    distinct_prompts: int = 0
    calls: int = 0
    reasons: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "llm_rows": self.llm_rows,
            "offline_rows": self.offline_rows,
            "distinct_prompts": self.distinct_prompts,
            "calls": self.calls,
            "reasons": dict(self.reasons),
        }


class _Budget:
    """Billed tokens spent plus reserved by calls in flight, against a total."""

    def __init__(self, total: int | None) -> None:
        self.total = total
        self.spent = 0
        self.reserved = 0
        self.exhausted = False
        self._lock = threading.Lock()

    def reserve(self, estimate: int) -> bool:
        with self._lock:
            if self.total is None:
                return True
            if self.exhausted or self.spent + self.reserved + estimate > self.total:
                self.exhausted = True
                return False
            self.reserved += estimate
            return True

    def settle(self, estimate: int, actual: int) -> None:
        with self._lock:
            if self.total is not None:
                self.reserved -= estimate
            self.spent += actual


def _environment() -> Any:
    from jinja2.sandbox import SandboxedEnvironment

    return SandboxedEnvironment(autoescape=False, keep_trailing_newline=False)


def _parent_links(table: TableSpec, tables: dict[str, pa.Table]) -> dict[str, tuple[str, str]]:
    """Parent table name -> (this table's fk column, the parent's key column)."""
    from ..spec import RefColumn

    links: dict[str, tuple[str, str]] = {}
    for name, col in table.columns.items():
        if isinstance(col, RefColumn):
            parent, key = col.ref.split(".", 1)
            if parent in tables:
                links.setdefault(parent, (name, key))
    return links


def _row_contexts(
    prompt: str,
    table_name: str,
    table: pa.Table,
    spec_table: TableSpec,
    tables: dict[str, pa.Table],
    policy: DataPolicy,
    location: str,
) -> tuple[list[str], list[list[Any]], str | None]:
    """Names the prompt reads, their per-row values, and a refusal reason if any."""
    from jinja2 import meta
    from jinja2.exceptions import TemplateSyntaxError

    try:
        names = sorted(meta.find_undeclared_variables(_environment().parse(prompt)))
    except TemplateSyntaxError as exc:
        raise SpecError(f"bad Jinja template: {exc.message}", location) from exc
    links = _parent_links(spec_table, tables)
    attrs: dict[str, set[str]] = {}
    for head, attr in _ATTR.findall(prompt):
        attrs.setdefault(head, set()).add(attr)
    keys: list[str] = []
    columns: list[list[Any]] = []
    for name in names:
        if name in table.column_names:
            if not policy.may_send(table_name, name):
                return [], [], "privacy"
            keys.append(name)
            columns.append(table.column(name).to_pylist())
        elif name in links:
            fk, key = links[name]
            parent = tables[name]
            wanted = sorted(a for a in attrs.get(name, set()) if a in parent.column_names)
            for attr in wanted:
                if not policy.may_send(name, attr):
                    return [], [], "privacy"
            index = {k: i for i, k in enumerate(parent.column(key).to_pylist())}
            parent_cols = {a: parent.column(a).to_pylist() for a in wanted}
            rows: list[Any] = []
            for fk_value in table.column(fk).to_pylist():
                i = index.get(fk_value)
                rows.append(None if i is None else tuple((a, parent_cols[a][i]) for a in wanted))
            keys.append(name)
            columns.append(rows)
        else:
            raise SpecError(f"the prompt refers to unknown name {name!r}", location)
    return keys, columns, None


def _render_prompts(prompt: str, keys: list[str], columns: list[list[Any]], n: int) -> list[str]:
    """The rendered prompt per row; each distinct value combination rendered once."""
    template = _environment().from_string(prompt)
    rendered: dict[tuple[Any, ...], str] = {}
    out: list[str] = []
    for r in range(n):
        combo = tuple(_hashable(col[r]) for col in columns)
        text = rendered.get(combo)
        if text is None:
            context = {}
            for key, value in zip(keys, combo, strict=True):
                context[key] = dict(value) if isinstance(value, tuple) else value
            text = " ".join(template.render(context).split())
            rendered[combo] = text
        out.append(text)
    return out


def _hashable(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_hashable(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _hashable(v)) for k, v in value.items()))
    return value


def _texts_schema(n: int) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            "texts": {
                "type": "array",
                "items": {"type": "string"},
                "minItems": n,
                "maxItems": n,
            }
        },
        "required": ["texts"],
        "additionalProperties": False,
    }


def _validator(n: int) -> Any:
    def validate(value: Any) -> list[str]:
        if isinstance(value, dict):
            value = value.get("texts")
        if not isinstance(value, list):
            raise ValueError('expected {"texts": [...]} with a list of strings')
        if len(value) != n:
            raise ValueError(f"texts: expected exactly {n} strings, got {len(value)}")
        bad = [i for i, v in enumerate(value) if not isinstance(v, str)]
        if bad:
            raise ValueError(f"texts[{bad[0]}]: expected a string")
        return [" ".join(v.split()) for v in value]

    return validate


def fill_llm_columns(
    tables: dict[str, pa.Table],
    spec: Spec,
    client: LLMClient,
    *,
    max_tokens_total: int | None = None,
    policy: DataPolicy | None = None,
    batch_size: int = 20,
    max_variants: int = 20,
    temperature: float = 0.7,
) -> tuple[dict[str, pa.Table], dict[str, Any]]:
    """Replace the offline text of every ``type: llm`` column with LLM text.

    Returns the new tables (others untouched) and a report:
    ``{"usage": {...tokens, cost...}, "columns": {"orders.note": {...}},
    "budget_exhausted": bool}``. Rows not written by the LLM keep the offline
    text and are counted in ``offline_rows`` with their reason.

    Raises:
        SpecError: a prompt that is not valid Jinja or names an unknown column.
    """
    from ..spec import TypeColumn

    policy = policy or DataPolicy(allow_data_to_llm=client.allow_data_to_llm)
    budget = _Budget(max_tokens_total)
    usage = Usage()
    reports: dict[str, ColumnReport] = {}
    out = dict(tables)
    for table_name, table in tables.items():
        spec_table = spec.tables.get(table_name)
        if spec_table is None:
            continue
        for col_name, col in spec_table.columns.items():
            if not (isinstance(col, TypeColumn) and col.type == "llm" and col.prompt):
                continue
            if col_name not in table.column_names:
                continue
            location = f"tables.{table_name}.columns.{col_name}.prompt"
            report = ColumnReport(rows=table.num_rows)
            reports[f"{table_name}.{col_name}"] = report
            current = out[table_name]
            new_values = _fill_column(
                current, table_name, spec_table, col_name, col, out, client, policy,
                budget, usage, report, location, batch_size, max_variants, temperature,
            )  # fmt: skip
            if new_values is not None:
                index = current.column_names.index(col_name)
                out[table_name] = current.set_column(
                    index, current.schema.field(index), pa.array(new_values, pa.string())
                )
    return out, {
        "usage": usage.to_dict(),
        "columns": {k: r.to_dict() for k, r in reports.items()},
        "budget_exhausted": budget.exhausted,
    }


def _fill_column(
    table: pa.Table,
    table_name: str,
    spec_table: TableSpec,
    col_name: str,
    col: Any,
    tables: dict[str, pa.Table],
    client: LLMClient,
    policy: DataPolicy,
    budget: _Budget,
    usage: Usage,
    report: ColumnReport,
    location: str,
    batch_size: int,
    max_variants: int,
    temperature: float,
) -> list[Any] | None:
    offline = table.column(col_name).to_pylist()
    live = [r for r, v in enumerate(offline) if v is not None]
    keys, columns, refusal = _row_contexts(
        col.prompt, table_name, table, spec_table, tables, policy, location
    )
    if refusal:
        report.offline_rows = len(live)
        report.reasons[refusal] = len(live)
        return None
    prompts = _render_prompts(col.prompt, keys, columns, table.num_rows)
    groups: dict[str, list[int]] = {}
    for r in live:
        groups.setdefault(prompts[r], []).append(r)
    report.distinct_prompts = len(groups)
    items: list[tuple[str, int]] = []
    variants: dict[str, int] = {}
    for prompt, rows in groups.items():
        variants[prompt] = min(len(rows), max_variants)
        items += [(prompt, v) for v in range(variants[prompt])]
    per_item = col.max_tokens or _DEFAULT_ITEM_TOKENS
    batches = [items[i : i + batch_size] for i in range(0, len(items), batch_size)]

    def run(batch: list[tuple[str, int]]) -> tuple[list[str] | None, str | None]:
        n = len(batch)
        messages = [
            {"role": "system", "content": _SYSTEM.format(n=n, tokens=per_item)},
            {
                "role": "user",
                "content": "\n".join(f"{i + 1}. {p}" for i, (p, _v) in enumerate(batch)),
            },
        ]
        max_tokens = n * per_item * 2 + 64
        schema = _texts_schema(n)
        native = client.structured == "native"
        free = client.is_cached(
            messages,
            json_schema={"name": "texts", "schema": schema} if native else None,
            max_tokens=max_tokens,
            temperature=temperature,
        )
        estimate = 0 if free else sum(len(m["content"]) for m in messages) // 4 + max_tokens
        if not free and not budget.reserve(estimate):
            return None, "token budget"
        call_usage = Usage()
        try:
            texts = complete_json(
                client,
                messages,
                schema=schema,
                name="texts",
                validate=_validator(n),
                max_tokens=max_tokens,
                temperature=temperature,
                usage=call_usage,
            )
        except LLMError:
            return None, "llm error"
        finally:
            budget.settle(estimate if not free else 0, call_usage.total_tokens)
            usage.merge(call_usage)
        return texts, None

    results = bounded_map(run, batches, client.max_concurrency)
    written: dict[tuple[str, int], str] = {}
    for batch, (texts, _reason) in zip(batches, results, strict=True):
        report.calls += 1 if texts is not None else 0
        if texts is None:
            continue
        for item, text in zip(batch, texts, strict=True):
            written[item] = text
    limit = col.max_length or (col.max_tokens * 4 if col.max_tokens else None)
    values = list(offline)
    reason_of: dict[tuple[str, int], str] = {
        item: reason or "llm error"
        for batch, (t, reason) in zip(batches, results, strict=True) if t is None
        for item in batch
    }  # fmt: skip
    for prompt, rows in groups.items():
        for j, r in enumerate(rows):
            item = (prompt, j % variants[prompt])
            chosen = written.get(item)
            if chosen is None:
                why = reason_of.get(item) or "llm error"
                report.reasons[why] = report.reasons.get(why, 0) + 1
                report.offline_rows += 1
                continue
            values[r] = chosen[:limit].rstrip() if limit else chosen
            report.llm_rows += 1
    return values
