"""Output to object storage: ``--out s3://bucket/prefix/`` (and gs://, az://, any fsspec URL).

Object stores have no atomic rename of a directory, so "all or nothing" is
built the way it can be:

1. **Streamed under a temporary prefix.** Each table's file is opened as an
   fsspec file under a hidden prefix next to the target
   (``prefix/.synthwright-tmp-<owner>-<random>/``) and the format's usual
   writer writes into it as batches arrive; the file system uploads it a
   block (`BLOCK` bytes, a multipart upload part on S3) at a time, so memory
   holds about a block per open table and no copy of the data lands on
   local disk. Until `close`, a file is an unfinished multipart upload:
   nothing is visible, not even under the temporary prefix.
2. **Committed by copying.** `close` finishes every upload, then copies each
   file to its final key. A key that already held an object is backed up
   under the temporary prefix first and put back should a later copy fail.
3. **Removed on failure.** A failure at any point (generation, a refused
   batch, an upload, a copy) aborts the unfinished uploads, removes the
   temporary prefix and every final key this run wrote, so the prefix holds
   what it held before.

A process killed outright (SIGKILL) cannot clean up: what it leaves is
unfinished uploads (invisible; an S3 lifecycle rule
``AbortIncompleteMultipartUpload`` reclaims them too) or, if it died while
copying, a temporary prefix. The next sink opened on the same prefix sweeps
both, by the owner token in the name (`synthwright.sinks._stale`): a dead
process of this machine at once, anyone else's after `STALE_AFTER` seconds
without a change; a prefix still holding a user's previous objects
(``.previous``) is left for a person.

Streamed formats: parquet, csv, jsonl, json, xml, sql, and ``--nest`` for
json/jsonl/xml (whose embedded tables are spooled as Arrow IPC in a local
temporary directory first, as for a directory: a parent's record cannot be
finished before its children are made). xlsx and the documents (pdf, docx)
are built by their sinks in a local staging directory and uploaded at the
end: their writers need a seekable file, and their size is bounded (a
worksheet holds at most 1,048,576 rows, a document ``--doc-rows`` per table).

Credentials come from the standard chains of each file system (for S3:
environment, shared config and credentials files, instance roles), and
``AWS_ENDPOINT_URL`` (or ``AWS_ENDPOINT_URL_S3``) points S3 at another
server, e.g. MinIO or moto. Nothing here prints or stores a credential: URLs
in messages go through :func:`synthwright.db.redact_url`.

fsspec and the protocol's package (``s3fs``, ``gcsfs``, ``adlfs``: the
``cloud`` extra) are imported when such a sink is opened.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

import pyarrow as pa

from synthwright import db
from synthwright.errors import SinkError
from synthwright.sinks import _stale, sql
from synthwright.sinks._base import Sink, TableMeta, check_key_targets
from synthwright.sinks._server import SinkInputError
from synthwright.sinks._stale import STALE_AFTER, TMP_PREFIX, owned_prefix
from synthwright.sinks._writers import (
    CsvWriter,
    JsonLinesWriter,
    JsonWriter,
    ParquetWriter,
    TableWriter,
    XmlWriter,
)

__all__ = ["BLOCK", "CLOUD_SCHEMES", "STREAMED", "CloudSink", "is_cloud_url", "sweep_prefix"]

CLOUD_SCHEMES = ("s3", "s3a", "gs", "gcs", "az", "abfs", "abfss", "adl", "memory")
#: formats whose writers stream into the upload (the others are staged locally)
STREAMED = ("parquet", "csv", "jsonl", "json", "xml", "sql")
#: bytes buffered per open file before a part is uploaded (S3's smallest part is 5 MiB)
BLOCK = 8 * 2**20

_MAKERS: dict[str, Callable[[BinaryIO, TableMeta], TableWriter]] = {
    "parquet": ParquetWriter,
    "csv": CsvWriter,
    "jsonl": JsonLinesWriter,
    "json": JsonWriter,
    "xml": XmlWriter,
}


def is_cloud_url(target: str) -> bool:
    """Whether ``target`` names object storage (a known scheme, or one fsspec knows)."""
    if "://" not in target:
        return False
    scheme = target.split("://", 1)[0].lower()
    if scheme in CLOUD_SCHEMES:
        return True
    if db.base_scheme(target) in db.SCHEMES or scheme in ("http", "https", "file"):
        return False
    try:
        import fsspec
    except ImportError:
        return False
    return scheme in fsspec.available_protocols()


def _filesystem(url: str) -> tuple[Any, str]:
    """The fsspec file system for ``url`` and the path inside it (no trailing slash)."""
    try:
        import fsspec
    except ImportError as exc:
        raise SinkInputError(
            "cloud output needs the 'cloud' extra: pip install 'synthwright[cloud]'", "--out"
        ) from exc
    scheme = url.split("://", 1)[0].lower()
    options: dict[str, Any] = {}
    if scheme in ("s3", "s3a"):
        endpoint = os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL")
        if endpoint:
            options["client_kwargs"] = {"endpoint_url": endpoint}
    try:
        fs, path = fsspec.core.url_to_fs(url, **options)
    except ImportError as exc:
        raise SinkInputError(
            f"no file system for {scheme}:// ({exc}); pip install 'synthwright[cloud]'", "--out"
        ) from exc
    return fs, str(path).rstrip("/")


def _drop(file: Any) -> None:
    """Throw away an unfinished upload (S3: abort the multipart upload); never raises."""
    with contextlib.suppress(Exception):
        file.discard()
    try:
        file.closed = True  # an fsspec file: closing would commit what was buffered
    except Exception:  # a plain stream: close it, the prefix is removed anyway
        with contextlib.suppress(Exception):
            file.close()


def _owner_gone(name: str) -> bool | None:
    """Whether the process named in a temporary prefix is gone (None: cannot tell)."""
    token = _stale._token(name)
    if token is None or token[0] != _stale._host():
        return None
    _, pid, started = token
    if pid == os.getpid() and started == _stale._STARTED:
        return False  # this process's own, in use
    if not _stale._alive(pid):
        return True
    began = _stale._process_started(pid)
    return None if began is None else began > started + _stale._SLACK


def _stamp(value: Any) -> float:
    """A listing's modification time as Unix seconds (0: unknown, i.e. old)."""
    if isinstance(value, datetime):
        return value.timestamp()
    if isinstance(value, (int, float)):
        return float(value)
    return 0.0


def sweep_prefix(fs: Any, root: str, *, stale_after: float = STALE_AFTER) -> list[str]:
    """Remove what killed runs left under ``root``; return the prefixes kept for a person.

    Temporary prefixes (``.synthwright-tmp-...``) and unfinished multipart
    uploads under them go when their owner is gone (or, unverifiable, after
    `stale_after` seconds without a change). Never raises.
    """
    kept: list[str] = []
    now = time.time()
    with contextlib.suppress(Exception):
        fs.invalidate_cache(root)
    try:
        entries = [str(e).rstrip("/") for e in fs.ls(root, detail=False)]
    except Exception:  # no prefix yet, or no right to list: nothing to sweep
        entries = []
    for entry in entries:
        name = entry.rsplit("/", 1)[-1]
        if not name.startswith(TMP_PREFIX):
            continue
        with contextlib.suppress(Exception):
            gone = _owner_gone(name)
            if gone is None:
                found = fs.find(entry, detail=True)
                newest = max(
                    (_stamp(i.get("LastModified", i.get("mtime"))) for i in found.values()),
                    default=0.0,
                )
                gone = now - newest > stale_after
            if not gone:
                continue
            if fs.exists(f"{entry}/.previous") and fs.find(f"{entry}/.previous"):
                kept.append(entry)
                continue
            fs.rm(entry, recursive=True)
    uploads = getattr(fs, "list_multipart_uploads", None)
    if uploads is not None and "/" in root:
        bucket, key = root.split("/", 1)
        with contextlib.suppress(Exception):
            for up in uploads(bucket):
                rest = str(up.get("Key", ""))[len(key) + 1 :]
                if not str(up.get("Key", "")).startswith(f"{key}/{TMP_PREFIX}"):
                    continue
                gone = _owner_gone(rest.split("/", 1)[0])
                if gone is None:
                    gone = now - _stamp(up.get("Initiated")) > stale_after
                if gone:
                    with contextlib.suppress(Exception):
                        fs.abort_mpu(bucket, up["Key"], up["UploadId"])
    return kept


class CloudSink(Sink):
    """Any file format, written to an fsspec URL all-or-nothing (see the module docstring)."""

    def __init__(
        self,
        url: str,
        format: str | None = None,
        *,
        nest: str | list[str] | tuple[str, ...] | None = None,
        dialect: str = "postgres",
        **options: Any,
    ) -> None:
        super().__init__()
        self.url = url.rstrip("/")
        self.shown = db.redact_url(self.url)
        self.format = format or "parquet"
        self.dialect = dialect
        self.nest = nest or None
        self.streamed = self.format in STREAMED
        if self.nest is not None:
            from synthwright.sinks.nested import check_format

            check_format(self.format)
        if self.format == "sql":
            sql.quote_ident("", dialect)  # refuses an unknown dialect now, not at open
        self._options = options
        self._inner: Sink | None = None  # the local sink of a staged format (xlsx, documents)
        self._stage: Path | None = None
        if not self.streamed:
            from synthwright.sinks import open_sink

            self._stage = Path(tempfile.mkdtemp(prefix="synthwright-stage-"))
            self._inner = open_sink(str(self._stage), format=self.format, **options)
        elif options:
            raise SinkError(
                f"options {sorted(options)} do not apply to --format {self.format}", "sinks"
            )
        self._fs: Any = None
        self._root = ""
        self._tmp: str | None = None
        self._final: list[str] = []
        self._files: dict[str, Any] = {}  # table -> open upload
        self._writers: dict[str, TableWriter] = {}
        self._spools: Any = None  # nested.Spools of the embedded tables
        self._spool_dir: Path | None = None

    def _location(self, table: str | None) -> str:
        return f"{table}.{self.format}" if table else "--out"

    def _open(self, tables: list[TableMeta]) -> None:
        self._fs, self._root = _filesystem(self.url)
        sweep_prefix(self._fs, self._root)
        self._tmp = f"{self._root}/{owned_prefix()}{secrets.token_hex(4)}"
        if self._inner is not None:
            self._inner.open(tables)
            return
        if self.format == "sql":
            check_key_targets(tables)
        for meta in tables:
            name = meta.name
            if not name or name in (".", "..") or "/" in name or "\\" in name or "\0" in name:
                raise SinkError(
                    f"table name {name!r} cannot be a file name", f"sinks.{self.format}"
                )
        flat = tables
        if self.nest is not None:
            from synthwright.sinks.nested import Nesting, Spools

            tree = Nesting.build(self.nest, tables)
            self._spool_dir = Path(tempfile.mkdtemp(prefix="synthwright-spool-"))
            self._spools = Spools(tree, self._spool_dir, tables, self.format)
            flat = [m for m in tables if m.name not in tree.tables]
        for meta in flat:
            self._writers[meta.name] = self._writer(meta)

    def _writer(self, meta: TableMeta) -> TableWriter:
        file = self._upload(meta.name)
        self._files[meta.name] = file
        if self.format == "sql":
            return sql.SqlScriptWriter(file, meta, self.dialect)
        return _MAKERS[self.format](file, meta)

    def _upload(self, table: str) -> Any:
        """An fsspec file under the temporary prefix, uploaded a block at a time."""
        return self._fs.open(f"{self._tmp}/{table}.{self.format}", "wb", block_size=BLOCK)

    @contextlib.contextmanager
    def _rendered(self, table: str) -> Iterator[BinaryIO]:
        """A nested root's upload: finished when the block ends, dropped if it raises."""
        file = self._upload(table)
        try:
            yield file
        except BaseException:
            _drop(file)
            raise
        file.close()

    def _write(self, meta: TableMeta, batch: pa.RecordBatch) -> None:
        if self._inner is not None:
            self._inner.write_batch(meta.name, batch)
        elif self._spools is not None and self._spools.takes(meta.name):
            self._spools.write(meta.name, batch)
        else:
            self._writers[meta.name].write(batch)

    def _finish_uploads(self) -> list[str]:
        """Finish every file under the temporary prefix; return their names."""
        if self._inner is not None:
            local = [Path(p) for p in self._inner.close()]
            for file in local:
                self._fs.put_file(str(file), f"{self._tmp}/{file.name}")
            return [file.name for file in local]
        names = []
        for table, writer in list(self._writers.items()):
            writer.close()
            del self._writers[table]
            self._files.pop(table).close()  # completes the multipart upload
            names.append(f"{table}.{self.format}")
        if self._spools is not None:
            spools, self._spools = self._spools, None
            spools.render(self._rendered)
            names += [f"{root}.{self.format}" for root in spools.tree.roots]
        return names

    def _commit(self) -> list[str]:
        names = self._finish_uploads()
        self._remove_local()
        fs = self._fs
        try:
            for name in names:
                target = f"{self._root}/{name}"
                if fs.exists(target):
                    fs.copy(target, f"{self._tmp}/.previous/{name}")
                self._final.append(name)
                fs.copy(f"{self._tmp}/{name}", target)
        except BaseException:
            self._undo_final()
            raise
        self._remove_tmp()
        scheme = self.url.split("://", 1)[0]
        shown_root = (
            self.shown.split("://", 1)[1].rstrip("/") if "://" in self.shown else self._root
        )
        return [f"{scheme}://{shown_root}/{name}" for name in names]

    def _undo_final(self) -> None:
        """Put back what the copies replaced; remove what they added (best effort)."""
        fs = self._fs
        for name in reversed(self._final):
            target = f"{self._root}/{name}"
            backup = f"{self._tmp}/.previous/{name}"
            with contextlib.suppress(Exception):
                if fs.exists(backup):
                    fs.copy(backup, target)
                else:
                    fs.rm(target)
        self._final = []

    def _remove_tmp(self) -> None:
        if self._tmp is not None:
            with contextlib.suppress(Exception):
                self._fs.invalidate_cache(self._tmp)
                if self._fs.exists(self._tmp):
                    self._fs.rm(self._tmp, recursive=True)
            self._tmp = None

    def _remove_local(self) -> None:
        for folder in (self._stage, self._spool_dir):
            if folder is not None:
                shutil.rmtree(folder, ignore_errors=True)
        self._stage = self._spool_dir = None

    def _rollback(self) -> None:
        if self._inner is not None:
            with contextlib.suppress(Exception):
                self._inner.abort()
        for writer in self._writers.values():
            with contextlib.suppress(Exception):
                writer.discard()
        self._writers = {}
        for file in self._files.values():
            _drop(file)
        self._files = {}
        if self._spools is not None:
            self._spools.discard()
            self._spools = None
        if self._fs is not None:
            self._undo_final()
            self._remove_tmp()
        self._remove_local()


def refuse_options(target: str, options: dict[str, Any]) -> None:
    """Database options make no sense for object storage."""
    if "if_exists" in options:
        raise SinkError(f"--if-exists applies to databases, not {db.redact_url(target)}", "--out")
