"""The schema registry: predefined entities, listed by domain.

The bundled entities are the lexicon's (``lexicon/data/entities/*.yaml``):
an entity with a ``record`` is one the service hands out, so the service and
the planner read the same files. A record names the entity, its domain and a
spec fragment (``tables``) over the entity's table (the one whose rows are
the records) and its children; optionally ``drop`` (helper columns removed
from the records), ``assemble`` (DuckDB SQL over the generated tables, for
records that nest child rows, e.g. a cart's items) and ``coherence`` (what
the coherence scorer checks). Extra entities are YAML files in the directory
named by ``SYNTHWRIGHT_SCHEMA_DIR``, one each, in the same form plus ``table``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .. import api, lexicon
from ..errors import Problem, SpecError
from ..spec import ExprColumn, RefColumn, TypeColumn
from .models import SchemaField, SchemaInfo, SchemasResponse

__all__ = ["Registry", "SchemaEntry"]

_KEYS = {"name", "domain", "description", "table", "tables", "drop", "assemble", "coherence"}


@dataclass(frozen=True)
class SchemaEntry:
    """One predefined entity: a spec fragment and how to turn its tables into records."""

    name: str
    domain: str
    description: str
    table: str
    tables: dict[str, Any]
    drop: tuple[str, ...] = ()
    assemble: str | None = None
    coherence: dict[str, Any] = field(default_factory=dict)
    source: str = ""

    def info(self) -> SchemaInfo:
        """Fields of the record table as the catalogue names them (assembled ones by name)."""
        spec = api.load_spec({"tables": self.tables})
        columns = spec.tables[self.table].columns
        fields = []
        for name, column in columns.items():
            if name in self.drop:
                continue
            if isinstance(column, TypeColumn):
                kind = column.type
            elif isinstance(column, RefColumn):
                kind = f"ref {column.ref}"
            else:
                kind = "derived" if isinstance(column, ExprColumn) else "?"
            description = getattr(column, "description", None)
            fields.append(SchemaField(name=name, type=kind, description=description))
        return SchemaInfo(
            name=self.name, domain=self.domain, description=self.description, fields=fields
        )


def _entry(data: Any, source: str) -> SchemaEntry:
    """A checked entry from one file's data; SpecError (located in the file) when it is wrong."""
    if not isinstance(data, dict):
        raise SpecError("a schema file is a mapping", source)
    problems = [Problem(f"{source}.{k}", "unknown key") for k in data if k not in _KEYS]
    for key in ("name", "domain", "table", "tables"):
        if key not in data:
            problems.append(Problem(f"{source}.{key}", "required"))
    if problems:
        raise SpecError(problems)
    tables = data["tables"]
    if not isinstance(tables, dict) or data["table"] not in tables:
        raise SpecError(f"table {data['table']!r} is not in tables", f"{source}.table")
    try:
        api.load_spec({"tables": tables})
    except SpecError as exc:
        raise SpecError(
            [Problem(f"{source}.{p.location}", p.message) for p in exc.problems]
        ) from exc
    return SchemaEntry(
        name=str(data["name"]),
        domain=str(data["domain"]),
        description=str(data.get("description", "")),
        table=str(data["table"]),
        tables=tables,
        drop=tuple(data.get("drop") or ()),
        assemble=data.get("assemble"),
        coherence=dict(data.get("coherence") or {}),
        source=source,
    )


class Registry:
    """Predefined entities by name (names are unique across domains)."""

    def __init__(self, entries: list[SchemaEntry]) -> None:
        self._entries: dict[str, SchemaEntry] = {}
        for entry in entries:
            if entry.name in self._entries:
                raise SpecError(f"schema {entry.name!r} is defined twice", entry.source)
            self._entries[entry.name] = entry

    @classmethod
    def load(cls, extra_dir: str | Path | None = None) -> Registry:
        """The lexicon's records plus the YAML files of `extra_dir` (which add, not replace)."""
        entries = []
        for ent in lexicon.entities():
            if ent.record is not None:
                data = {k: v for k, v in ent.record.items() if k != "source"}
                entries.append(_entry(data, str(ent.record["source"])))
        texts: list[tuple[str, str]] = []
        if extra_dir is not None:
            for path in sorted(Path(extra_dir).glob("*.y*ml")):
                texts.append((str(path), path.read_text("utf-8")))
        for source, text in texts:
            try:
                data = yaml.safe_load(text)
            except yaml.YAMLError as exc:
                raise SpecError(f"malformed YAML: {exc}", source) from exc
            entries.append(_entry(data, source))
        return cls(entries)

    def names(self) -> list[str]:
        return sorted(self._entries)

    def get(self, name: str) -> SchemaEntry | None:
        return self._entries.get(name)

    def find(self, entity: str, domain: str | None = None) -> SchemaEntry | None:
        """The entry called `entity` (in `domain`, when given)."""
        entry = self._entries.get(entity)
        if entry is None or (domain and entry.domain != domain):
            return None
        return entry

    def domains(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for entry in self._entries.values():
            out.setdefault(entry.domain, []).append(entry.name)
        return {d: sorted(names) for d, names in sorted(out.items())}

    def listing(self, domain: str | None = None) -> SchemasResponse:
        entries = [e for e in self._entries.values() if not domain or e.domain == domain]
        return SchemasResponse(
            schemas=[e.info() for e in sorted(entries, key=lambda e: (e.domain, e.name))],
            domains=self.domains(),
        )
