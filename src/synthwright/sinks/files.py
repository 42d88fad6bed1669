"""Files in a directory, one per table (``<table>.<ext>``), written all-or-nothing.

Every file is first written into a hidden temporary directory inside the
output directory (``.synthwright-tmp-<owner>-<random>``, so the final moves stay on
one file system and are atomic renames). Only `close` moves them into place
with ``os.replace``; a file that already has the name is set aside first and
put back should a later move fail. A failure or `abort` therefore leaves the
output directory exactly as it was -- including a directory that did not
exist before, which is removed again. A run killed outright (SIGKILL) cannot
clean up: the next sink opened on the directory sweeps what it left, by the
owner token in the name and by age (`synthwright.sinks._stale`).

Formats (see the writer modules for value details): ``parquet`` (zstd),
``csv``, ``jsonl``, ``json`` (one array per table), ``xlsx`` (one workbook
per table), ``xml`` and ``sql`` (a script per table for `dialect`).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pyarrow as pa

from synthwright.errors import SinkError
from synthwright.sinks import sql
from synthwright.sinks._base import Sink, TableMeta, check_key_targets
from synthwright.sinks._stale import TMP_PREFIX as TMP_PREFIX  # the tests' name for it
from synthwright.sinks._stale import owned_prefix, sweep
from synthwright.sinks._writers import (
    CsvWriter,
    JsonLinesWriter,
    JsonWriter,
    ParquetWriter,
    TableWriter,
    XmlWriter,
)

__all__ = ["FORMATS", "FileSink"]

FORMATS = ("parquet", "csv", "jsonl", "json", "xlsx", "xml", "sql")


class _XlsxWriter:
    """The xlsx writer, with xlsxwriter's own exceptions raised as ValueError.

    The sink translates a ValueError like any foreign error (``could not write:
    ...``, same message); naming ``XlsxWriterException`` in ``foreign_errors``
    instead would import xlsxwriter (an optional extra, tens of milliseconds)
    in every process that writes any file.
    """

    def __init__(self, path: Path, meta: TableMeta) -> None:
        from xlsxwriter.exceptions import XlsxWriterException

        from synthwright.sinks._xlsx import XlsxWriter

        self._foreign = XlsxWriterException
        with self._translated():
            self._writer = XlsxWriter(path, meta)

    @contextlib.contextmanager
    def _translated(self) -> Iterator[None]:
        try:
            yield
        except self._foreign as exc:
            raise ValueError(str(exc)) from exc

    def write(self, batch: pa.RecordBatch) -> None:
        with self._translated():
            self._writer.write(batch)

    def close(self) -> None:
        with self._translated():
            self._writer.close()

    def discard(self) -> None:
        with self._translated():
            self._writer.discard()


class FileSink(Sink):
    """Writes each table to ``out_dir/<table>.<format>``; see the module docstring.

    Usage: ``with FileSink("out", "csv").session(tables) as s: s.write_batch(name, batch)``.
    """

    def __init__(
        self, out_dir: str | os.PathLike[str], format: str = "parquet", *, dialect: str = "postgres"
    ) -> None:
        super().__init__()
        if format not in FORMATS:
            raise SinkError(
                f"unknown format {format!r}; choose one of {', '.join(FORMATS)}", "sinks"
            )
        if format == "sql":
            sql.quote_ident("", dialect)  # refuses an unknown dialect now, not at open
        self.out_dir = Path(out_dir)
        self.format = format
        self.dialect = dialect
        self._tmp: Path | None = None
        self._created: list[Path] = []
        self._keep_tmp = False
        self._writers: dict[str, TableWriter] = {}

    def _location(self, table: str | None) -> str:
        return f"{table}.{self.format}" if table else f"sinks.{self.format}"

    def _factory(self) -> Callable[[Path, TableMeta], TableWriter]:
        if self.format == "sql":
            return lambda path, meta: sql.SqlScriptWriter(path, meta, self.dialect)
        makers: dict[str, Callable[[Path, TableMeta], TableWriter]] = {
            "parquet": ParquetWriter,
            "csv": CsvWriter,
            "jsonl": JsonLinesWriter,
            "json": JsonWriter,
            "xml": XmlWriter,
            "xlsx": _XlsxWriter,
        }
        return makers[self.format]

    def _open(self, tables: list[TableMeta]) -> None:
        if self.format == "sql":
            check_key_targets(tables)
        for meta in tables:
            name = meta.name
            if not name or name in (".", "..") or "/" in name or os.sep in name or "\0" in name:
                raise SinkError(
                    f"table name {name!r} cannot be a file name", f"sinks.{self.format}"
                )
        missing = [p for p in (self.out_dir, *self.out_dir.parents) if not p.exists()]
        self._created = missing  # deepest first: the order to remove them in
        self.out_dir.mkdir(parents=True, exist_ok=True)
        sweep(self.out_dir)  # what a killed run left (see sinks._stale)
        self._tmp = Path(tempfile.mkdtemp(prefix=owned_prefix(), dir=self.out_dir))
        make = self._factory()
        for meta in tables:
            self._writers[meta.name] = make(self._tmp / self._file_name(meta.name), meta)

    def _file_name(self, table: str) -> str:
        return f"{table}.{self.format}"

    def _write(self, meta: TableMeta, batch: pa.RecordBatch) -> None:
        self._writers[meta.name].write(batch)

    def _commit(self) -> list[str]:
        assert self._tmp is not None
        for writer in self._writers.values():
            writer.close()
        self._writers = {}
        names = [self._file_name(t) for t in self._tables]
        backup = self._tmp / ".previous"
        backup.mkdir()
        moved: list[tuple[Path, Path | None]] = []
        try:
            for name in names:
                target, old = self.out_dir / name, None
                if target.exists() or target.is_symlink():
                    old = backup / name
                    os.replace(target, old)
                moved.append((target, old))
                os.replace(self._tmp / name, target)
        except BaseException:
            for target, old in reversed(moved):
                try:
                    if old is not None:
                        os.replace(old, target)
                    else:
                        target.unlink(missing_ok=True)
                except OSError:
                    self._keep_tmp = True  # it still holds a user's file: never delete it
            raise
        shutil.rmtree(self._tmp, ignore_errors=True)
        self._tmp = None
        return [str(self.out_dir / name) for name in names]

    def _rollback(self) -> None:
        for writer in self._writers.values():
            with contextlib.suppress(Exception):
                writer.discard()
        self._writers = {}
        if self._tmp is not None and not self._keep_tmp:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None
        for path in [] if self._keep_tmp else self._created:
            with contextlib.suppress(OSError):
                path.rmdir()
        self._created = []
