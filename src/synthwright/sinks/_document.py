"""What the document formats (pdf, docx) share: the facts of a dataset, gathered streaming.

A document is a report for a person, not a data file: title, a data
dictionary (columns, types, constraints, keys), row counts, a summary per
column and the first ``doc_rows`` rows of every table. Everything it needs
is gathered batch by batch (counts, nulls, min/max/mean, the first rows),
so writing one costs memory for ``doc_rows`` rows per table, whatever the
size of the data. The renderers (``pdf.py``, ``docx.py``) only lay it out.

The file (``<spec name>.pdf``) is written into an owned temporary directory
inside the output directory and moved into place at ``close`` -- all or
nothing, like every other format (see ``files.py``).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from abc import abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from synthwright.errors import SinkError
from synthwright.sinks._base import Sink, TableMeta
from synthwright.sinks._stale import owned_prefix, sweep

__all__ = ["ColumnFacts", "DocumentSink", "TableFacts", "cell"]

CELL_CHARS = 40  # a value longer than this is cut in a document cell


def cell(value: object) -> str:
    """A value as a short text for a document cell."""
    if value is None:
        return ""
    text = (
        value.isoformat(sep=" ")
        if hasattr(value, "isoformat") and not isinstance(value, str)
        else str(value)
    )  # type: ignore[call-arg]
    text = text.replace("\n", " ")
    return text if len(text) <= CELL_CHARS else text[: CELL_CHARS - 1] + "…"


@dataclass
class ColumnFacts:
    """Streaming summary of one column."""

    name: str
    type: str
    nullable: bool
    key: str = ""
    constraints: str = ""
    count: int = 0
    nulls: int = 0
    low: Any = None
    high: Any = None
    total: float = 0.0
    numeric: bool = False

    def add(self, values: pa.Array) -> None:
        self.count += len(values)
        self.nulls += values.null_count
        t = values.type
        if pa.types.is_dictionary(t):
            values = values.dictionary_decode()
            t = values.type
        orderable = not (pa.types.is_nested(t) or pa.types.is_binary(t) or pa.types.is_boolean(t))
        if orderable and len(values) > values.null_count:
            mm = pc.min_max(values).as_py()
            lo, hi = mm["min"], mm["max"]
            self.low = lo if self.low is None else min(self.low, lo)
            self.high = hi if self.high is None else max(self.high, hi)
        if pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_decimal(t):
            self.numeric = True
            total = pc.sum(values.cast(pa.float64())).as_py()
            self.total += float(total or 0.0)
        elif pa.types.is_boolean(t) and len(values) > values.null_count:
            self.numeric = True
            self.total += float(pc.sum(values.cast(pa.int64())).as_py() or 0)

    @property
    def mean(self) -> str:
        present = self.count - self.nulls
        if not self.numeric or not present:
            return ""
        return f"{self.total / present:.4g}"

    def summary_row(self) -> list[str]:
        return [
            self.name,
            str(self.count - self.nulls),
            str(self.nulls),
            cell(self.low),
            cell(self.high),
            self.mean,
        ]


@dataclass
class TableFacts:
    """One table's dictionary, counts, column summaries and first rows."""

    name: str
    columns: list[ColumnFacts]
    links: list[str]
    rows: int = 0
    head: list[pa.RecordBatch] = field(default_factory=list)
    head_rows: int = 0

    def dictionary_rows(self) -> list[list[str]]:
        return [
            [c.name, c.type, c.key, "yes" if c.nullable else "no", c.constraints]
            for c in self.columns
        ]

    def first_rows(self) -> list[list[str]]:
        if not self.head:
            return []
        data = pa.Table.from_batches(self.head).to_pylist()
        return [[cell(row[c.name]) for c in self.columns] for row in data]


def _constraints(spec: Any, table: str, column: str) -> str:
    """The column's rules as written in the spec, compactly (``min=18, max=90``)."""
    if spec is None or table not in spec.tables:
        return ""
    col = spec.tables[table].columns.get(column)
    if col is None:
        return ""
    data = col.model_dump(exclude_defaults=True, exclude_none=True, by_alias=True)
    data.pop("type", None)
    data.pop("description", None)
    parts = []
    for key, value in data.items():
        shown = value
        if isinstance(value, dict) and key == "dist":
            shown = ",".join(str(k) for k in value) if value else ""
        parts.append(f"{key}={shown}")
    text = ", ".join(parts)
    return text if len(text) <= 120 else text[:119] + "…"


def _type_name(spec: Any, table: str, column: str, arrow: pa.DataType) -> str:
    col = (
        spec.tables[table].columns.get(column)
        if spec is not None and table in spec.tables
        else None
    )
    kind = getattr(col, "type", None) or ("ref" if getattr(col, "ref", None) else None)
    kind = kind or ("expr" if getattr(col, "expr", None) else None)
    return f"{kind} ({arrow})" if kind else str(arrow)


class DocumentSink(Sink):
    """Gathers :class:`TableFacts` from the batches; a subclass renders the file."""

    extension = ""

    def __init__(
        self,
        out_dir: str | os.PathLike[str],
        format: str | None = None,
        *,
        doc_rows: int = 50,
        spec: Any = None,
        title: str | None = None,
        **_options: Any,
    ) -> None:
        super().__init__()
        if doc_rows < 0:
            raise SinkError(f"must be at least 0, got {doc_rows}", "--doc-rows")
        self.out_dir = Path(out_dir)
        self.doc_rows = doc_rows
        self.spec = spec
        name = title or (getattr(spec, "name", None) or "dataset")
        self.title = str(name)
        self.file_name = (
            re.sub(r"[^A-Za-z0-9_.-]+", "_", self.title) or "dataset"
        ) + self.extension
        self.facts: dict[str, TableFacts] = {}
        self._tmp: Path | None = None
        self._created: list[Path] = []

    def _location(self, table: str | None) -> str:
        return f"{table}{self.extension}" if table else f"sinks{self.extension}"

    def _open(self, tables: list[TableMeta]) -> None:
        for meta in tables:
            keys: dict[str, str] = {}
            if meta.primary_key:
                keys[meta.primary_key] = "PK"
            for fk in meta.foreign_keys:
                keys[fk.column] = f"FK → {fk.ref_table}.{fk.ref_column}"
            for group in meta.unique:
                for c in group:
                    keys.setdefault(
                        c, "unique" if len(group) == 1 else "unique (" + ", ".join(group) + ")"
                    )
            columns = [
                ColumnFacts(
                    f.name,
                    _type_name(self.spec, meta.name, f.name, f.type),
                    f.nullable,
                    keys.get(f.name, ""),
                    _constraints(self.spec, meta.name, f.name),
                )
                for f in meta.schema
            ]
            links = [
                f"{meta.name}.{fk.column} → {fk.ref_table}.{fk.ref_column}"
                for fk in meta.foreign_keys
            ]
            self.facts[meta.name] = TableFacts(meta.name, columns, links)
        self._created = [p for p in (self.out_dir, *self.out_dir.parents) if not p.exists()]
        self.out_dir.mkdir(parents=True, exist_ok=True)
        sweep(self.out_dir)
        self._tmp = Path(tempfile.mkdtemp(prefix=owned_prefix(), dir=self.out_dir))

    def _write(self, meta: TableMeta, batch: pa.RecordBatch) -> None:
        facts = self.facts[meta.name]
        facts.rows += batch.num_rows
        for column, values in zip(facts.columns, batch.columns, strict=True):
            column.add(values)
        room = self.doc_rows - facts.head_rows
        if room > 0:
            part = batch.slice(0, room)
            facts.head.append(part)
            facts.head_rows += part.num_rows

    def _commit(self) -> list[str]:
        assert self._tmp is not None
        draft = self._tmp / self.file_name
        self.render(draft, list(self.facts.values()))
        target = self.out_dir / self.file_name
        os.replace(draft, target)
        shutil.rmtree(self._tmp, ignore_errors=True)
        self._tmp = None
        return [str(target)]

    def _rollback(self) -> None:
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None
        for path in self._created:
            with contextlib.suppress(OSError):
                path.rmdir()
        self._created = []

    @abstractmethod
    def render(self, path: Path, tables: list[TableFacts]) -> None:
        """Write the document of ``tables`` to ``path``."""
