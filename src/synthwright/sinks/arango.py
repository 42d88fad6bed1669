"""ArangoDB import files: document and edge collections as JSON Lines, all or nothing.

``--format arango`` writes what ``arangoimport --type jsonl`` reads:

- every table is a document collection ``<table>.jsonl`` whose documents
  carry ``_key`` (the table's primary key as text; the row number when it
  has none) beside their columns;
- a table with exactly two foreign keys to primary keys (a relationship or
  junction table) is an edge collection instead: ``_from`` and ``_to`` are
  ``<parent>/<key>`` of its first and second foreign key, in column order;
- every other foreign key to a primary key becomes an edge collection
  ``<table>__<column>.jsonl`` (``_from`` the row, ``_to`` its parent), so a
  graph traversal can follow it; a null link has no edge;
- ``arangoimport.sh`` lists the commands, documents before edges.

It is a :class:`FileSink` in everything but its files: the same hidden
temporary directory, the same moves into place at commit, the same sweep
of what a killed run left.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from synthwright.engine.plan import graph_links
from synthwright.errors import SinkError
from synthwright.sinks._base import ForeignKey, TableMeta
from synthwright.sinks._writers import JsonLinesWriter, TableWriter
from synthwright.sinks.files import FileSink

__all__ = ["ArangoSink"]

_SCRIPT = "arangoimport.sh"


class ArangoSink(FileSink):
    """Writes ``out_dir`` as ArangoDB document and edge collections (see the module docstring)."""

    def __init__(self, out_dir: str | Path, format: str = "arango", **options: Any) -> None:
        if options:
            raise SinkError(
                f"the arango format takes no options ({', '.join(options)})", "sinks.arango"
            )
        super().__init__(out_dir, "jsonl")
        self.format = "arango"
        self._metas: dict[str, TableMeta] = {}
        self._edges: dict[str, list[tuple[str, ForeignKey]]] = {}  # table -> (file, link)
        self._rows: dict[str, int] = {}
        self._edge_tables: set[str] = set()

    def _location(self, table: str | None) -> str:
        return f"{table}.jsonl" if table else "sinks.arango"

    def _file_name(self, table: str) -> str:
        return table if table == _SCRIPT else f"{table}.jsonl"

    def _links(self, meta: TableMeta) -> tuple[list[ForeignKey], bool]:
        """The foreign keys that are edges, and whether the table is an edge collection."""
        keys = {m.name: m.primary_key for m in self._metas.values()}
        fks = [(fk.column, fk.ref_table, fk.ref_column) for fk in meta.foreign_keys]
        links, is_edge = graph_links(fks, keys)
        edges = {column for column, _ in links}
        return [fk for fk in meta.foreign_keys if fk.column in edges], is_edge

    def _open(self, tables: list[TableMeta]) -> None:
        self._metas = {m.name: m for m in tables}
        super()._open(tables)
        assert self._tmp is not None
        names = set(self._metas)
        lines = ["#!/bin/sh", "# ArangoDB import: documents first, then edges.", "set -e"]
        edge_tables = []
        for meta in tables:
            links, is_edge = self._links(meta)
            if is_edge:
                edge_tables.append(meta.name)
                continue
            lines.append(_command(meta.name, edge=False))
            for fk in links:
                name = f"{meta.name}__{fk.column}"
                if name in names:
                    raise SinkError(
                        f"edge collection {name!r} would overwrite a table", "sinks.arango"
                    )
                names.add(name)
                self._edges.setdefault(meta.name, []).append((name, fk))
        edges = [name for files in self._edges.values() for name, _ in files]
        for name in edge_tables + edges:
            lines.append(_command(name, edge=True))
        # the edge files and the script are moved into place with the tables: the commit
        # moves one file per name in ``_tables``
        for files in self._edges.values():
            for name, fk in files:
                meta = self._metas[fk.ref_table]
                self._writers[name] = _Writer(self._tmp / self._file_name(name), meta)
                self._tables[name] = meta
        (self._tmp / _SCRIPT).write_text("\n".join(lines) + "\n", encoding="utf-8")
        if tables:
            self._tables[_SCRIPT] = tables[0]
        self._edge_tables = set(edge_tables)

    def _factory(self) -> Callable[[Path, TableMeta], TableWriter]:
        return _Writer

    def _write(self, meta: TableMeta, batch: pa.RecordBatch) -> None:
        start = self._rows.get(meta.name, 0)
        self._rows[meta.name] = start + batch.num_rows
        key = self._key(meta, batch, start)
        columns = {"_key": key}
        if meta.name in self._edge_tables:
            first, second = self._links(meta)[0]
            columns["_from"] = _handle(first.ref_table, batch.column(first.column))
            columns["_to"] = _handle(second.ref_table, batch.column(second.column))
        columns.update(zip(batch.schema.names, batch.columns, strict=True))
        self._writers[meta.name].write(pa.RecordBatch.from_pydict(columns))
        for name, fk in self._edges.get(meta.name, []):
            target = batch.column(fk.column)
            valid = pc.is_valid(target)
            edge = pa.RecordBatch.from_pydict(
                {"_from": _handle(meta.name, key), "_to": _handle(fk.ref_table, target)}
            ).filter(valid)
            if edge.num_rows:
                self._writers[name].write(edge)

    def _key(self, meta: TableMeta, batch: pa.RecordBatch, start: int) -> pa.Array:
        if meta.primary_key is not None:
            return pc.cast(batch.column(meta.primary_key), pa.string())
        return pc.cast(pa.array(range(start + 1, start + 1 + batch.num_rows)), pa.string())


class _Writer(JsonLinesWriter):
    """JSON Lines of the batches it is handed (their columns, not the table's schema)."""


def _handle(collection: str, keys: pa.Array) -> pa.Array:
    """``collection/key`` document handles."""
    return pc.binary_join_element_wise(collection, pc.cast(keys, pa.string()), "/")


def _command(name: str, *, edge: bool) -> str:
    kind = " --create-collection-type edge" if edge else ""
    return (
        f"arangoimport --file {shlex.quote(name + '.jsonl')} --type jsonl "
        f'--collection {shlex.quote(name)} --create-collection true{kind} "$@"'
    )
