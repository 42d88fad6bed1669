"""Partitioned output: ``DIR/T/part-00000.<ext>`` ..., written in parallel, committed at once.

The whole-directory promise of :class:`~synthwright.sinks.files.FileSink`
holds here too, by reusing it twice:

- :class:`PartitionedSink` is a FileSink whose per-table "file" is a folder:
  ``open`` makes the owned hidden temporary directory inside ``DIR``
  (``sinks._stale`` names and sweeps it) with one empty folder per table;
  the workers fill the folders; ``close`` renames each folder into place,
  setting aside what held the name before (a previous ``T/`` and a flat
  ``T.<ext>``, which readers would otherwise find first) and putting it back
  if a later move fails; ``abort`` removes the temporary directory.
- each part is written by a worker through a FileSink of its own on the
  table's folder, so a part appears under its name complete or not at all;
  what a worker killed mid-part leaves (an owned ``.synthwright-tmp-...``
  folder) is swept before the commit.

Part files hold whole engine blocks in block order, so reading the parts in
name order gives the rows in engine order: the same content as the
single-process ``T.<ext>``. The workers must see ``DIR`` (a local cluster
does; a remote one needs a shared file system).
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa

from ..errors import SinkError
from ..sinks import FileSink, TableMeta
from ..sinks._stale import TMP_PREFIX

__all__ = ["PARTITIONED_FORMATS", "Part", "PartitionedSink", "part_name", "write_part"]

#: formats a table can be written in parts of (row formats; one file per part)
PARTITIONED_FORMATS = ("parquet", "csv", "jsonl")


def part_name(index: int) -> str:
    """The file stem of part ``index`` (zero-padded so that name order is part order)."""
    return f"part-{index:05d}"


class _Folder:
    """The per-table "writer" of a PartitionedSink: a folder the workers fill."""

    def __init__(self, path: Path, meta: TableMeta) -> None:
        del meta
        self.path = path
        path.mkdir()

    def write(self, batch: pa.RecordBatch) -> None:
        raise SinkError("parts are written by the workers (write_part)", self.path.name)

    def close(self) -> None:
        for entry in list(self.path.iterdir()):  # what a killed worker left mid-part
            if entry.name.startswith(TMP_PREFIX):
                shutil.rmtree(entry, ignore_errors=True)

    def discard(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


class PartitionedSink(FileSink):
    """Tables as folders of parts in ``out_dir``; see the module docstring."""

    def __init__(self, out_dir: str | os.PathLike[str], format: str = "parquet") -> None:
        if format not in PARTITIONED_FORMATS:
            raise SinkError(
                f"--format {format} cannot be written in parts; with workers use "
                f"{', '.join(PARTITIONED_FORMATS)}",
                "--format",
            )
        super().__init__(out_dir, format)

    def _factory(self):  # type: ignore[no-untyped-def]
        return _Folder

    def _file_name(self, table: str) -> str:
        return table

    def folder(self, table: str) -> Path:
        """Where the workers write ``table``'s parts (inside the temporary directory)."""
        if self._tmp is None:
            raise SinkError("the sink is not open", table)
        return self._tmp / table

    def _commit(self) -> list[str]:
        assert self._tmp is not None
        for writer in self._writers.values():
            writer.close()
        self._writers = {}
        backup = self._tmp / ".previous"
        backup.mkdir()
        moved: list[tuple[Path, Path | None]] = []  # (target, where its old entry went)
        try:
            for table in self._tables:
                for old_name in (f"{table}.{self.format}", table):  # the flat file and a folder
                    target = self.out_dir / old_name
                    if target.exists() or target.is_symlink():
                        aside = backup / old_name
                        os.replace(target, aside)
                        moved.append((target, aside))
                target = self.out_dir / table
                moved.append((target, None))
                os.replace(self._tmp / table, target)
        except BaseException:
            for target, old in reversed(moved):
                try:
                    if old is not None:
                        os.replace(old, target)
                    elif target.is_dir():
                        shutil.rmtree(target)
                except OSError:
                    self._keep_tmp = True  # it still holds a user's file: never delete it
            raise
        shutil.rmtree(self._tmp, ignore_errors=True)
        self._tmp = None
        return [str(self.out_dir / table) for table in self._tables]


class Part:
    """One part file being written; ``write`` takes batches in order, ``rows`` counts them."""

    def __init__(self, sink: FileSink, name: str) -> None:
        self._sink = sink
        self._name = name
        self.rows = 0

    def write(self, batch: pa.RecordBatch) -> None:
        self._sink.write_batch(self._name, batch)
        self.rows += batch.num_rows


@contextlib.contextmanager
def write_part(folder: Path, index: int, meta: TableMeta, fmt: str) -> Iterator[Part]:
    """Part ``index`` of a table in ``folder``, all or nothing: committed when the block ends.

    Through a FileSink of its own (batch checks, the owned temporary folder,
    the atomic rename); keys are left out of the part's metadata, as a file
    format keeps none. An error inside the block removes the part.
    """
    part = TableMeta(name=part_name(index), schema=meta.schema)
    sink = FileSink(folder, fmt)
    with sink.session([part]) as s:
        yield Part(s, part.name)
