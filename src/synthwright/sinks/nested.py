"""Nested records (``--nest PARENT.CHILD``): children embedded in their parent's record.

For json, jsonl and xml, ``--nest customers.orders.order_items`` writes
``customers.<ext>`` with an ``orders`` array inside every customer and an
``order_items`` array inside every order; the embedded tables get no file of
their own, tables outside the chains are written flat as usual.

Why it is built this way: the engine makes every parent before its
children, so a parent's record cannot be finished when it is generated. The
tables of a chain are spooled as Arrow IPC files in the sink's temporary
directory (memory-mapped when read back, so they live in the page cache and
not on the Python heap), each child table is ordered by its parent's
position once (one ``index_in`` and one stable argsort of int64 positions,
never Python dicts), and the root is then written in chunks of parents:
a chunk's children are one contiguous range of the sorted child table,
rendered to text by Arrow and grouped per parent with list offsets. Memory is
bounded by a chunk of parents and their descendants plus the position arrays.

A child row whose link is null or points at no parent row belongs to no
record and is left out (``per_parent`` tables have none).

The commit is :class:`FileSink`'s: files appear all at once or not at all.
:class:`Spools` is shared with the cloud sink, which renders the roots
straight into uploads.
"""

from __future__ import annotations

import contextlib
import itertools
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from synthwright.errors import SinkError
from synthwright.sinks import _text
from synthwright.sinks._base import TableMeta
from synthwright.sinks._writers import _XML_NAME, _attr
from synthwright.sinks.files import FileSink

__all__ = [
    "NEST_FORMATS",
    "NestedFileSink",
    "Nesting",
    "Spools",
    "check_format",
    "nested_records",
    "parse_nest",
]

NEST_FORMATS = ("json", "jsonl", "xml")
CHUNK = 8_192  # root records rendered at a time


def parse_nest(nest: str | list[str] | tuple[str, ...]) -> list[list[str]]:
    """``"a.b.c"`` (or several) as chains of table names; a chain names two tables or more."""
    items = [nest] if isinstance(nest, str) else list(nest)
    chains = []
    for item in items:
        parts = [p.strip() for p in str(item).split(".")]
        if len(parts) < 2 or not all(parts):
            raise SinkError(f"{item!r} is not PARENT.CHILD[.GRANDCHILD...]", "--nest")
        chains.append(parts)
    return chains


@dataclass
class _Link:
    """How a child table hangs under its parent: the link column and the parent key."""

    child: str
    parent: str
    column: str
    key: str


@dataclass
class Nesting:
    """The tree of embedded tables: children per parent, and the roots written as files."""

    links: dict[str, _Link] = field(default_factory=dict)  # child -> link to its parent
    children: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def build(cls, nest: str | list[str] | tuple[str, ...], metas: list[TableMeta]) -> Nesting:
        """Checks every pair against the tables' foreign keys (SinkError, located ``--nest``)."""
        by_name = {m.name: m for m in metas}
        tree = cls()
        for chain in parse_nest(nest):
            for parent, child in itertools.pairwise(chain):
                for name in (parent, child):
                    if name not in by_name:
                        raise SinkError(f"no table {name!r} to nest", "--nest")
                fk = next((f for f in by_name[child].foreign_keys if f.ref_table == parent), None)
                if fk is None:
                    raise SinkError(f"table {child!r} has no foreign key to {parent!r}", "--nest")
                known = tree.links.get(child)
                if known is not None and known.parent != parent:
                    raise SinkError(f"{child!r} is nested under {known.parent!r} already", "--nest")
                if known is None:
                    tree.links[child] = _Link(child, parent, fk.column, fk.ref_column)
                    tree.children.setdefault(parent, []).append(child)
        return tree

    @property
    def tables(self) -> set[str]:
        return set(self.links) | set(self.children)

    def links_to(self, parent: str) -> list[_Link]:
        """The links of ``parent``'s embedded children."""
        return [self.links[c] for c in self.children.get(parent, [])]

    @property
    def roots(self) -> list[str]:
        return [t for t in self.children if t not in self.links]


class _Grouped:
    """The tables of one tree ordered parent by parent, to take ranges of children from."""

    def __init__(self, tree: Nesting, tables: dict[str, pa.Table], root: str) -> None:
        self.tree = tree
        self.tables = tables
        self.order: dict[str, np.ndarray | None] = {root: None}  # None: the table's own order
        self.offsets: dict[str, np.ndarray] = {}  # child -> per parent rank, start of its rows
        self._arrange(root, np.arange(tables[root].num_rows, dtype=np.int64))

    def _arrange(self, parent: str, rank: np.ndarray) -> None:
        """Order each child of ``parent`` by its parent's rank (``rank[row]``: -1 none)."""
        for child in self.tree.children.get(parent, []):
            link = self.tree.links[child]
            keys = self.tables[parent].column(link.key)
            values = self.tables[child].column(link.column)
            if not values.type.equals(keys.type):
                values = values.cast(keys.type)
            pos = pc.index_in(values, value_set=keys).to_numpy(zero_copy_only=False)
            pos = (
                np.where(np.isnan(pos), -1, pos).astype(np.int64) if pos.dtype.kind == "f" else pos
            )
            parent_rank = np.where(pos >= 0, rank[np.maximum(pos, 0)], -1)
            placed = np.flatnonzero(parent_rank >= 0)
            order = placed[np.argsort(parent_rank[placed], kind="stable")]
            self.order[child] = order
            self.offsets[child] = np.searchsorted(
                parent_rank[order], np.arange(int(rank.max(initial=-1)) + 2), side="left"
            )
            child_rank = np.full(self.tables[child].num_rows, -1, dtype=np.int64)
            child_rank[order] = np.arange(len(order), dtype=np.int64)
            self._arrange(child, child_rank)

    def count(self, table: str) -> int:
        return int(self.tables[table].num_rows)

    def rows(self, table: str, lo: int, hi: int) -> pa.Table:
        """Rows ranked ``lo`` to ``hi`` (a contiguous range of the ordered table)."""
        order = self.order[table]
        data = self.tables[table]
        if order is None:
            return data.slice(lo, hi - lo)
        return data.take(pa.array(order[lo:hi]))

    def child_range(self, child: str, lo: int, hi: int) -> np.ndarray:
        """Offsets (len ``hi - lo + 1``) of ``child``'s rows under parents ranked lo..hi."""
        offsets: np.ndarray = self.offsets[child][lo : hi + 1]
        return offsets


class _SpoolReader:
    """Rows of a spooled table by position, read from the file a batch at a time.

    Read, not memory-mapped: a mapped spool's pages count in the process's
    resident memory once touched, so a 10M-row child table would look (and,
    under pressure, be) resident as a whole. Reading keeps the batches in
    use and no more: access is sequential, so the last batches read are kept.
    """

    def __init__(self, path: str, sizes: list[int]) -> None:
        self._source = pa.OSFile(path)
        self._reader = pa.ipc.open_file(self._source)
        self.starts = np.concatenate([[0], np.cumsum(sizes, dtype=np.int64)])
        self._cache: dict[int, pa.RecordBatch] = {}

    def _batch(self, i: int) -> pa.RecordBatch:
        if i not in self._cache:
            for old in [k for k in self._cache if k < i - 1]:
                del self._cache[old]
            self._cache[i] = self._reader.get_batch(i)
        return self._cache[i]

    def close(self) -> None:
        self._cache = {}
        self._source.close()

    def rows(self, lo: int, hi: int) -> pa.Table:
        first = int(np.searchsorted(self.starts, lo, side="right")) - 1
        last = int(np.searchsorted(self.starts, max(hi, lo + 1), side="left"))
        batches = [self._batch(i) for i in range(max(first, 0), min(last, len(self.starts) - 1))]
        if not batches:
            return self._reader.schema.empty_table()
        base = int(self.starts[max(first, 0)])
        return pa.Table.from_batches(batches).slice(lo - base, hi - lo)


class _Streamed(_Grouped):
    """The tables of a tree already in parent order (``Spools`` checked): read, never sorted.

    A ``per_parent`` table is generated parent by parent, so each parent's
    children are one run of rows, in the parents' order; the offsets come from
    the counts per parent taken while spooling. Memory is a chunk of rows per
    table and the offset arrays (one int64 per parent row).
    """

    def __init__(
        self, tree: Nesting, readers: dict[str, _SpoolReader], counts: dict[str, np.ndarray]
    ) -> None:
        self.tree = tree
        self.readers = readers
        self.offsets = {
            child: np.concatenate([[0], np.cumsum(c, dtype=np.int64)])
            for child, c in counts.items()
        }

    def count(self, table: str) -> int:
        return int(self.readers[table].starts[-1])

    def rows(self, table: str, lo: int, hi: int) -> pa.Table:
        return self.readers[table].rows(lo, hi)


class _Order:
    """While spooling: whether each child's rows come in their parents' order, and the counts.

    Parent keys must be integers in increasing order (``id`` columns are), so a
    child's parent position is a binary search; a child row before its
    predecessor's parent, without a parent, or a parent batch after its
    children began, turns the check off (the render then sorts, as before).
    """

    def __init__(self, tree: Nesting) -> None:
        self.tree = tree
        self.ok = True
        self._keys: dict[str, list[np.ndarray]] = {t: [] for t in tree.children}
        self._joined: dict[str, np.ndarray] = {}
        self.counts: dict[str, np.ndarray] = {}
        self._last: dict[str, int] = {}

    def see(self, table: str, batch: pa.RecordBatch) -> None:
        if not self.ok:
            return
        if table in self._keys:
            self._parent_keys(table, batch)
        link = self.tree.links.get(table)
        if link is not None and self.ok:
            self._child(link, batch)

    def _parent_keys(self, table: str, batch: pa.RecordBatch) -> None:
        column = batch.column(self.tree.links_to(table)[0].key)
        if table in self._joined or column.null_count or not pa.types.is_integer(column.type):
            self.ok = False  # keys after the children began, or not integer keys
            return
        keys = column.to_numpy()
        seen = self._keys[table]
        if (len(keys) and np.any(np.diff(keys) <= 0)) or (
            seen and len(keys) and keys[0] <= seen[-1][-1]
        ):
            self.ok = False
            return
        seen.append(keys)

    def _child(self, link: _Link, batch: pa.RecordBatch) -> None:
        if link.parent not in self._joined:
            self._joined[link.parent] = (
                np.concatenate(self._keys[link.parent]) if self._keys[link.parent] else np.array([])
            )
            self._keys[link.parent] = []
        keys = self._joined[link.parent]
        if link.child not in self.counts:
            self.counts[link.child] = np.zeros(len(keys), dtype=np.int64)
        column = batch.column(link.column)
        if column.null_count or not pa.types.is_integer(column.type) or not len(keys):
            self.ok = False
            return
        values = column.to_numpy()
        pos = np.searchsorted(keys, values)
        inside = pos < len(keys)
        if not inside.all() or not (keys[pos] == values).all():
            self.ok = False  # a row without a parent: the sorting path leaves it out
            return
        last = self._last.get(link.child, 0)
        if (len(pos) and pos[0] < last) or np.any(np.diff(pos) < 0):
            self.ok = False
            return
        if len(pos):
            self._last[link.child] = int(pos[-1])
            runs = np.bincount(pos - pos[0])  # the batch's parents are a range from pos[0]
            self.counts[link.child][int(pos[0]) : int(pos[0]) + len(runs)] += runs


def _render(g: _Grouped, table: str, lo: int, hi: int, fmt: str) -> pa.Array:
    """Text of rows lo..hi of ``table``, children embedded (one string per row)."""
    data = g.rows(table, lo, hi).combine_chunks()
    n = data.num_rows
    embedded: list[tuple[str, pa.Array]] = []
    for child in g.tree.children.get(table, []):
        offs = g.child_range(child, lo, hi)
        inner = _render(g, child, int(offs[0]), int(offs[-1]), fmt)
        lists = pa.ListArray.from_arrays(pa.array(offs - offs[0], pa.int32()), inner)
        embedded.append((child, pc.binary_join(lists, "," if fmt != "xml" else "")))
    parts: list[pa.Array | str] = []
    if fmt == "xml":
        parts.append("<row>")
        for name in data.column_names:
            column = data.column(name).combine_chunks()
            values = _text.xml_escape(column)
            if _text.is_texty(column.type) and _text.has_xml_illegal(values):
                raise SinkError(
                    f"column {name!r} holds control characters XML 1.0 cannot represent",
                    f"{table}.xml",
                )
            element = pc.binary_join_element_wise(f"<{name}>", values, f"</{name}>", "")
            parts.append(pc.fill_null(element, f'<{name} xsi:nil="true"/>'))
        for child, joined in embedded:
            parts += [f"<{child}>", joined, f"</{child}>"]
        parts.append("</row>")
    else:
        import json

        for i, name in enumerate(data.column_names):
            parts.append(("{" if i == 0 else ",") + json.dumps(name, ensure_ascii=False) + ":")
            parts.append(_text.json_literals(data.column(name).combine_chunks()))
        for child, joined in embedded:
            parts += ["," + json.dumps(child, ensure_ascii=False) + ":[", joined, "]"]
        parts.append("}")
    return _text.join_columns(parts, n)


def write_nested(out: BinaryIO, g: _Grouped, root: str, fmt: str) -> None:
    """The root's file into ``out``, chunk by chunk of root rows (see the module docstring)."""
    total = g.count(root)
    if fmt == "xml":
        out.write(
            (
                '<?xml version="1.0" encoding="UTF-8"?>\n'
                '<table xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" name="'
                + _attr(root)
                + '">\n'
            ).encode()
        )
    elif fmt == "json":
        out.write(b"[")
    for start in range(0, total, CHUNK):
        rows = _render(g, root, start, min(start + CHUNK, total), fmt)
        if fmt == "json":
            sep = b"\n" if start == 0 else b",\n"
            out.write(sep + _text.concat(_text.join_columns([rows, ",\n"], len(rows)))[:-2])
        else:
            out.write(_text.concat(_text.join_columns([rows, "\n"], len(rows))))
    out.write(b"</table>\n" if fmt == "xml" else b"\n]\n" if fmt == "json" else b"")


class Spools:
    """The nested tables of a write, spooled as Arrow IPC files in a local directory.

    Both the directory sink and the cloud sink use it: batches of embedded
    tables go to `write`; `render` then writes each root's records into the
    stream ``open_out(root)`` gives (a local file, or an upload).
    """

    def __init__(self, tree: Nesting, folder: Path, metas: list[TableMeta], fmt: str) -> None:
        self.tree, self.folder, self.fmt = tree, folder, fmt
        nested = tree.tables
        if fmt == "xml":
            for meta in metas:
                bad = [n for n in meta.schema.names if not _XML_NAME.match(n)]
                if meta.name in nested and bad:
                    raise SinkError(f"column names {bad} are not XML element names", meta.name)
        self._writers: dict[str, pa.ipc.RecordBatchFileWriter] = {
            m.name: pa.ipc.new_file(self._path(m.name), m.schema) for m in metas if m.name in nested
        }
        self._sizes: dict[str, list[int]] = {name: [] for name in self._writers}
        self._order = _Order(tree)
        # one link per parent table: the parent's key is the same column for all its children
        if any(len({lk.key for lk in tree.links_to(p)}) > 1 for p in tree.children):
            self._order.ok = False

    def _path(self, table: str) -> str:
        return str(self.folder / f".spool-{table}.arrow")

    def takes(self, table: str) -> bool:
        """Whether ``table`` is embedded in another one's records (spooled, no file of its own)."""
        return table in self._writers

    def write(self, table: str, batch: pa.RecordBatch) -> None:
        self._writers[table].write_batch(batch)
        self._sizes[table].append(batch.num_rows)
        self._order.see(table, batch)

    @property
    def streamed(self) -> bool:
        """Whether every embedded table came in its parents' order (render reads, never sorts)."""
        return self._order.ok

    def render(
        self, open_out: Callable[[str], contextlib.AbstractContextManager[BinaryIO]]
    ) -> None:
        """Write every root's records (children embedded) into ``open_out(root)``."""
        for spool in self._writers.values():
            spool.close()
        self._writers = {}
        if self.streamed:
            readers = {n: _SpoolReader(self._path(n), self._sizes[n]) for n in self.tree.tables}
            counts = {
                c: self._order.counts[c]
                if c in self._order.counts
                else np.zeros(readers[lk.parent].starts[-1], np.int64)  # no rows at all
                for c, lk in self.tree.links.items()
            }
            try:
                for root in self.tree.roots:
                    with open_out(root) as out:
                        write_nested(out, _Streamed(self.tree, readers, counts), root, self.fmt)
            finally:
                for reader in readers.values():
                    reader.close()
            return
        tables = {
            name: pa.ipc.open_file(pa.memory_map(self._path(name))).read_all()
            for name in self.tree.tables
        }
        for root in self.tree.roots:
            with open_out(root) as out:
                write_nested(out, _Grouped(self.tree, tables, root), root, self.fmt)

    def discard(self) -> None:
        for spool in self._writers.values():
            with contextlib.suppress(Exception):  # best effort: the directory goes anyway
                spool.close()
        self._writers = {}


def nested_records(
    tables: dict[str, pa.Table], metas: list[TableMeta], nest: str | list[str]
) -> Iterator[dict[str, Any]]:
    """The root's records as dicts, children embedded, a chunk of roots at a time."""
    tree = Nesting.build(nest, metas)
    for root in tree.roots:
        g = _Grouped(tree, tables, root)
        total = tables[root].num_rows
        for start in range(0, total, CHUNK):
            yield from _records(g, root, start, min(start + CHUNK, total))


def _records(g: _Grouped, table: str, lo: int, hi: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = g.rows(table, lo, hi).to_pylist()
    for child in g.tree.children.get(table, []):
        offs = g.child_range(child, lo, hi)
        inner = _records(g, child, int(offs[0]), int(offs[-1]))
        base = int(offs[0])
        for i, row in enumerate(rows):
            row[child] = inner[int(offs[i]) - base : int(offs[i + 1]) - base]
    return rows


class NestedFileSink(FileSink):
    """A FileSink whose nested tables are spooled, then written inside their roots."""

    def __init__(
        self,
        out_dir: str | os.PathLike[str],
        format: str = "json",
        *,
        nest: str | list[str] | tuple[str, ...],
        dialect: str = "postgres",
    ) -> None:
        check_format(format)
        super().__init__(out_dir, format, dialect=dialect)
        self.nest = nest
        self._tree = Nesting()
        self._spools: Spools | None = None

    def _open(self, tables: list[TableMeta]) -> None:
        self._tree = Nesting.build(self.nest, tables)
        nested = self._tree.tables
        super()._open([m for m in tables if m.name not in nested])
        assert self._tmp is not None
        self._spools = Spools(self._tree, self._tmp, tables, self.format)

    def _write(self, meta: TableMeta, batch: pa.RecordBatch) -> None:
        if self._spools is not None and self._spools.takes(meta.name):
            self._spools.write(meta.name, batch)
        else:
            super()._write(meta, batch)

    def _commit(self) -> list[str]:
        assert self._tmp is not None and self._spools is not None
        folder = self._tmp
        self._spools.render(lambda root: open(folder / self._file_name(root), "wb"))  # noqa: SIM115
        self._spools = None
        embedded = set(self._tree.links)
        self._tables = {n: m for n, m in self._tables.items() if n not in embedded}
        return super()._commit()

    def _rollback(self) -> None:
        if self._spools is not None:
            self._spools.discard()
            self._spools = None
        super()._rollback()


def check_format(format: str) -> None:
    """Refuse a format nesting cannot write (located ``--nest``)."""
    if format not in NEST_FORMATS:
        raise SinkError(f"--nest works with {', '.join(NEST_FORMATS)}, not {format!r}", "--nest")
