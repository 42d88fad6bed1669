"""The demo script: the company's story, its data model as a Mermaid ER diagram, a walk-through.

Written for the sales engineer who runs the demo: who the company is (from
the research), what the warehouse holds (tables, keys, row counts, and the
facts planted for the story), then each golden question in the order of
the file with its SQL and the answer the warehouse gives, so the analytics
agent's answers can be checked live against it.
"""

from __future__ import annotations

import calendar
from typing import Any

__all__ = ["demo_script", "er_diagram"]

_MERMAID_TYPES = {
    "int8": "int", "int16": "int", "int32": "int", "int64": "bigint", "uint8": "int",
    "uint16": "int", "uint32": "bigint", "uint64": "bigint", "double": "float",
    "float": "float", "bool": "boolean", "string": "string", "large_string": "string",
    "date32[day]": "date",
}  # fmt: skip


def _type_name(arrow_type: Any) -> str:
    text = str(arrow_type)
    if text.startswith("decimal"):
        return "decimal"
    if text.startswith("timestamp"):
        return "timestamp"
    if text.startswith("dictionary"):
        return "string"
    if text.startswith("duration"):
        return "interval"
    return _MERMAID_TYPES.get(text, "string")


def _schemas(spec: dict[str, Any]) -> dict[str, dict[str, str]]:
    """Column -> type name per table, as the engine plans them."""
    from .. import api

    plan = api.generate(spec).plan
    return {
        tp.name: {field.name: _type_name(field.type) for field in tp.schema()} for tp in plan.tables
    }


def er_diagram(spec: dict[str, Any]) -> str:
    """A Mermaid ``erDiagram`` of the spec: tables, typed columns, PK/FK, cardinalities."""
    schemas = _schemas(spec)
    lines = ["erDiagram"]
    for name, table in spec["tables"].items():
        per_parent = table.get("per_parent") or {}
        for column, col in table["columns"].items():
            if "ref" not in col:
                continue
            parent = str(col["ref"]).split(".")[0]
            if per_parent.get("table") == parent:
                lo, hi = per_parent.get("min", 0), per_parent.get("max")
                child = ("|" if lo else "o") + ("|" if hi == 1 else "{")
            else:
                child = "o{"
            left = "|o" if col.get("null_rate") else "||"
            lines.append(f'    {parent} {left}--{child} {name} : "{column}"')
    for name, table in spec["tables"].items():
        lines.append(f"    {name} {{")
        for column, col in table["columns"].items():
            kind = schemas.get(name, {}).get(column, "string")
            key = " PK" if col.get("type") == "id" else " FK" if "ref" in col else ""
            lines.append(f"        {kind} {column}{key}")
        lines.append("    }")
    return "\n".join(lines) + "\n"


def _cell(value: Any, column: str) -> str:
    if column == "month" and isinstance(value, int) and 1 <= value <= 12:
        return calendar.month_name[value]
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return "" if value is None else str(value).replace("|", "\\|")


def _answer(query: dict[str, Any], limit: int = 12) -> list[str]:
    columns: list[str] = query["result"]["columns"]
    rows: list[list[Any]] = query["result"]["rows"]
    if len(rows) == 1 and len(columns) == 1:
        return [f"**Answer:** {_cell(rows[0][0], columns[0])}"]
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for row in rows[:limit]:
        lines.append(
            "| " + " | ".join(_cell(v, c) for v, c in zip(row, columns, strict=False)) + " |"
        )
    if len(rows) > limit:
        lines.append(f"| ... {len(rows) - limit} more rows | " + " |" * (len(columns) - 1))
    if len(rows) == 1:
        lines.insert(
            0,
            "**Answer:** "
            + ", ".join(f"{c} {_cell(v, c)}" for c, v in zip(columns, rows[0], strict=False)),
        )
        lines.insert(1, "")
    return lines


def demo_script(
    research: dict[str, Any],
    domain_label: str,
    story: str,
    spec: dict[str, Any],
    load: dict[str, Any],
    golden: list[dict[str, Any]],
) -> str:
    """The Markdown of ``demo_script.md``."""
    company = research["company_name"]
    out = [f"# Demo script: {company}", ""]
    out += ["## The company", "", story.format(company=company, where="").strip(), ""]
    if research.get("description"):
        out += [f"In its own words: *{research['description']}*", ""]
    out += [
        f"- Website: {research['url']} ({len(research.get('pages_read', []))} pages read)",
        f"- Business domain: {domain_label}",
        f"- Key entities: {', '.join(research.get('key_entities', []))}",
    ]
    items = research.get("products_or_services") or []
    if items:
        listed = ", ".join(
            f"{i['name']} ({i['price']:g} {i.get('currency') or ''}{'/' + i['per'] if i.get('per') else ''})".replace(
                " )", ")"
            )
            if i.get("price")
            else str(i["name"])
            for i in items
        )
        out.append(f"- Products and services on the site: {listed}")
    out += ["", "## The data model", ""]
    rows = load.get("rows", {})
    out += ["| table | rows | what it holds |", "|---|---|---|"]
    for name, table in spec["tables"].items():
        out.append(f"| {name} | {rows.get(name, '')} | {table.get('description', '')} |")
    out += [
        "",
        f"Warehouse: `{load.get('url', '')}` (comments on {load.get('comments', 'none')}).",
        "",
    ]
    out += ["```mermaid", er_diagram(spec).rstrip(), "```", ""]
    planted = [
        f"- **{s['name']}** on `{table}`: {s.get('description') or 'planted rows'} ({s.get('count', '')} rows)"
        for table, scenarios in (spec.get("scenarios") or {}).items()
        for s in scenarios
    ]
    if planted:
        out += ["Facts planted for the story (spec scenarios):", "", *planted, ""]
    out += ["## Walk-through", ""]
    out += [
        "Ask the analytics agent each question; its answer must match the one below "
        "(`golden_queries.json` holds the SQL, the result, its hash and how to compare).",
        "",
    ]
    for i, query in enumerate(golden, 1):
        out += [f"### {i}. {query['question']}", ""]
        out += [f"*{query['difficulty']}, compared {query['compare']}*", ""]
        out += ["```sql", query["sql"].strip(), "```", ""]
        out += [*_answer(query), ""]
    return "\n".join(out).rstrip() + "\n"
