"""One streaming writer per file format; each writes one table to one file.

A writer is created with the table's path and metadata, takes batches in
order (`write`) and finishes the file (`close`) or drops it (`discard`);
memory stays bounded by one batch. `FileSink` owns where the files live.

Instead of a path a writer also takes an open binary stream (a `Target`):
the cloud sink hands it an fsspec file that uploads as it fills, so no copy
of the data lands on local disk. A stream is the caller's: the writer
finishes the format in it and leaves closing (committing the upload) or
discarding it to the caller.
"""

from __future__ import annotations

import abc
import contextlib
import os
import re
from concurrent.futures import Future, ThreadPoolExecutor
from typing import BinaryIO, Protocol, TypeAlias

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from synthwright.errors import SinkError
from synthwright.sinks import _text
from synthwright.sinks._base import TableMeta

__all__ = ["CsvWriter", "JsonWriter", "ParquetWriter", "TableWriter", "Target", "XmlWriter"]

#: where a writer writes: a path (the writer's own file) or an open binary stream (the caller's)
Target: TypeAlias = "str | os.PathLike[str] | BinaryIO"


def _where(target: Target) -> str | BinaryIO:
    """What pyarrow's writers take: a path as ``str``, a stream as it is."""
    return str(target) if isinstance(target, (str, os.PathLike)) else target


class TableWriter(Protocol):
    """What FileSink needs of a per-table writer."""

    def write(self, batch: pa.RecordBatch) -> None: ...

    def close(self) -> None: ...

    def discard(self) -> None: ...


class ParquetWriter:
    """Parquet via `pyarrow.parquet.ParquetWriter` (snappy, the fast common default; a row group per batch).

    Encoding and compressing a batch is about as much work as generating it,
    and Arrow does it without the GIL, so each batch is written on a
    background thread while the caller makes the next one: the two overlap on
    two cores. At most one batch is in flight (`write` first waits for the
    previous one), so memory stays bounded by two batches and the file gets
    the same batches in the same order -- the same bytes -- as a plain loop.
    A failure of the thread surfaces at the next `write` or at `close`.
    """

    def __init__(self, path: Target, meta: TableMeta) -> None:
        self._writer = pq.ParquetWriter(_where(path), meta.schema, compression="snappy")
        self._thread: ThreadPoolExecutor | None = None
        self._pending: Future[None] | None = None

    def write(self, batch: pa.RecordBatch) -> None:
        self._wait()
        if self._thread is None:
            self._thread = ThreadPoolExecutor(1, thread_name_prefix="synthwright-parquet")
        self._pending = self._thread.submit(self._writer.write_batch, batch)

    def _wait(self) -> None:
        pending, self._pending = self._pending, None
        if pending is not None:
            pending.result()  # re-raises what the write raised

    def _stop(self) -> None:
        if self._thread is not None:
            self._thread.shutdown(wait=True)
            self._thread = None

    def close(self) -> None:
        try:
            self._wait()
        finally:
            self._stop()
        self._writer.close()

    def discard(self) -> None:
        try:
            with contextlib.suppress(Exception):
                self._wait()
        finally:
            self._stop()
            self._writer.close()


def _text_schema(schema: pa.Schema) -> pa.Schema:
    """The schema after `_text.plain` (what the CSV writer is actually given)."""
    fields = []
    for field in schema:
        probe = _text.plain(pa.array([], field.type))
        fields.append(pa.field(field.name, probe.type, field.nullable))
    return pa.schema(fields)


class CsvWriter:
    """CSV via `pyarrow.csv.CSVWriter`: header row, nulls empty, strings quoted when needed.

    An empty string is written ``""`` and a null as nothing, so the two stay apart.
    """

    def __init__(self, path: Target, meta: TableMeta) -> None:
        self._schema = _text_schema(meta.schema)
        self._writer = pacsv.CSVWriter(_where(path), self._schema)

    def write(self, batch: pa.RecordBatch) -> None:
        columns = [_text.plain(c) for c in batch.columns]
        self._writer.write_batch(pa.RecordBatch.from_arrays(columns, schema=self._schema))

    def close(self) -> None:
        self._writer.close()

    def discard(self) -> None:
        self._writer.close()


class _RowTextWriter(abc.ABC):
    """Base of the text formats that build one string per row in Arrow and append it."""

    header = b""
    footer = b""

    def __init__(self, path: Target, meta: TableMeta) -> None:
        self._meta = meta
        self._own = isinstance(path, (str, os.PathLike))  # a stream handed in is the caller's
        self._file: BinaryIO = (
            open(path, "wb") if isinstance(path, (str, os.PathLike)) else path  # noqa: SIM115
        )
        self._done = False
        self._file.write(self.header)

    @abc.abstractmethod
    def rows(self, batch: pa.RecordBatch) -> pa.Array:
        """One string per row of `batch` (the format's own encoding)."""

    def write(self, batch: pa.RecordBatch) -> None:
        self._file.write(_text.concat(self.rows(batch)))

    def close(self) -> None:
        if not self._done and not self._file.closed:
            self._done = True
            self._file.write(self.footer)
            if self._own:
                self._file.close()

    def discard(self) -> None:
        self._done = True
        if self._own:
            self._file.close()


def _json_objects(batch: pa.RecordBatch) -> pa.Array:
    """One compact JSON object per row, keys in column order."""
    import json

    parts: list[pa.Array | str] = []
    for i, (name, column) in enumerate(zip(batch.schema.names, batch.columns, strict=True)):
        parts += [("{" if i == 0 else ",") + json.dumps(name, ensure_ascii=False) + ":"]
        parts.append(_text.json_literals(column))
    parts.append("}")
    return _text.join_columns(parts if batch.num_columns else ["{}"], batch.num_rows)


class JsonLinesWriter(_RowTextWriter):
    """JSON Lines: one object per line (see `_text.json_literals` for values)."""

    def rows(self, batch: pa.RecordBatch) -> pa.Array:
        return _text.join_columns([_json_objects(batch), "\n"], batch.num_rows)


class JsonWriter(_RowTextWriter):
    """One JSON array per file, streamed: ``[`` then rows separated by ``,`` then ``]``."""

    header = b"["
    footer = b"\n]\n"

    def __init__(self, path: Target, meta: TableMeta) -> None:
        super().__init__(path, meta)
        self._first = True

    def rows(self, batch: pa.RecordBatch) -> pa.Array:
        return _text.join_columns([_json_objects(batch), ",\n"], batch.num_rows)

    def write(self, batch: pa.RecordBatch) -> None:
        data = _text.concat(self.rows(batch))[:-2]  # no separator after the last row
        self._file.write((b"\n" if self._first else b",\n") + data)
        self._first = False


_XML_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")


class XmlWriter(_RowTextWriter):
    """``<table name="t"><row><col>value</col>...</row></table>``, UTF-8.

    A column becomes an element of its own name (names must be XML names; ``xml``
    prefixes are allowed but unwise). Nulls are ``<col xsi:nil="true"/>``, so they
    differ from empty strings (``<col></col>``). Text is escaped; characters that
    XML 1.0 cannot carry at all (most control characters) raise SinkError.
    """

    def __init__(self, path: Target, meta: TableMeta) -> None:
        bad = [n for n in meta.schema.names if not _XML_NAME.match(n)]
        if bad:
            raise SinkError(f"column names {bad} are not XML element names", f"{meta.name}.xml")
        self.header = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<table xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" name="'
            + _attr(meta.name)
            + '">\n'
        ).encode()
        self.footer = b"</table>\n"
        super().__init__(path, meta)

    def rows(self, batch: pa.RecordBatch) -> pa.Array:
        import pyarrow.compute as pc

        parts: list[pa.Array | str] = ["<row>"]
        for name, column in zip(batch.schema.names, batch.columns, strict=True):
            values = _text.xml_escape(column)
            if _text.is_texty(column.type) and _text.has_xml_illegal(values):
                raise SinkError(
                    f"column {name!r} holds control characters XML 1.0 cannot represent",
                    f"{self._meta.name}.xml",
                )
            element = pc.binary_join_element_wise(f"<{name}>", values, f"</{name}>", "")
            parts.append(pc.fill_null(element, f'<{name} xsi:nil="true"/>'))
        parts.append("</row>\n")
        return _text.join_columns(parts, batch.num_rows)


def _attr(value: str) -> str:
    return (
        value.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;").replace(">", "&gt;")
    )
