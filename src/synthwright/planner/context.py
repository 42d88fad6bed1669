"""What the lexicon knows about a request, as text for the LLM agent's first message.

The agent plans with a model, but the words of a request mean the same to it
as to the offline planner: for each table the request names, the entity the
lexicon has for it (its usual columns and parents), and for each field it
lists, the lexicon's candidates with their catalogue type and typical range
("publication year" -> publication_year, int 1800..this year). The model is
free to differ; this only keeps it from guessing what the lexicon knows.
"""

from __future__ import annotations

from typing import Any

from .. import lexicon
from .parse import parse_request

__all__ = ["lexicon_context"]

_MAX_CHARS = 4000


def _describe(spec: dict[str, Any]) -> str:
    kind = str(spec.get("type") or ("ref " + str(spec["ref"]) if "ref" in spec else "expr"))
    if "min" in spec or "max" in spec:
        kind += f" {spec.get('min', '')}..{spec.get('max', '')}"
    values = spec.get("values")
    if values is not None:
        shown = list(values)[:6]
        kind += " [" + ", ".join(str(v) for v in shown) + (", ..." if len(values) > 6 else "") + "]"
    if "after" in spec:
        kind += f" after {spec['after']}" + (
            f" within {spec['within']}" if "within" in spec else ""
        )
    return kind


def _candidates(phrase: str, ent: lexicon.Entity | None) -> str:
    found = lexicon.candidates(phrase, limit=3)
    parts = []
    if ent is not None:
        key = phrase.replace(" ", "_")
        if key in ent.columns:
            parts.append(f"{key}: {_describe(ent.columns[key])} (the entity's own)")
    for f in found:
        spec = f.spec()
        if ent is not None and ent.name in f.within:
            spec.update(f.within[ent.name].get("params") or {})
        parts.append(f"{f.column}: {_describe(spec)}")
    return "; ".join(parts) if parts else "not in the lexicon"


def lexicon_context(prompt: str) -> str:
    """Lines the agent gets with the request: tables, their usual columns, field candidates."""
    req = parse_request(prompt)
    lines = [
        "What the lexicon knows about the words of this request (use it unless told otherwise):"
    ]
    for table in req.tables():
        ent = lexicon.entity(table)
        word = req.words.get(table, table)
        if ent is not None:
            cols = ", ".join(f"{n} ({_describe(c)})" for n, c in list(ent.columns.items())[:10])
            parents = ", ".join(p.table for p in ent.parents)
            lines.append(
                f"- {word!r}: entity {ent.name} (table {ent.table}); usual columns: {cols}"
                + (f"; parents: {parents}" if parents else "")
            )
        else:
            lines.append(f"- {word!r}: not a known entity; take its fields from the request")
        if table in req.junctions:
            lines.append(f"  links {' and '.join(req.junctions[table])}: a key to each")
        for phrase in req.fields.get(table, []):
            lines.append(f"  field {phrase!r}: {_candidates(phrase, ent)}")
    for rel in req.relations:
        count = ""
        if rel.count is not None:
            count = f" ({rel.count.lo}..{rel.count.hi}" + (
                f", about {rel.count.mean:g})" if rel.count.mean is not None else ")"
            )
        lines.append(
            f"- {rel.child} per {rel.parent}{count}"
            if rel.kind == "owns"
            else f"- {rel.child} has a key to {rel.parent}"
        )
    for rule in req.time_rules:
        anchor = rule.anchor or "the record's own time"
        lines.append(
            f"- {rule.field!r} is after {anchor}"
            + (f", within {rule.within}" if rule.within else "")
        )
    text = "\n".join(lines)
    return text if len(text) <= _MAX_CHARS else text[: _MAX_CHARS - 3] + "..."
