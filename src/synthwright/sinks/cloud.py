"""Output to object storage: ``--out s3://bucket/prefix/`` (and gs://, az://, any fsspec URL).

Object stores have no atomic rename of a directory, so "all or nothing" is
built the way it can be: the files are made by the usual sink for the
format (``FileSink``, the nested or document sinks) in a local staging
directory, uploaded under a hidden temporary prefix next to the target
(``prefix/.synthwright-tmp-<owner>-<random>/``), and only then copied to
their final keys. A key that already held an object is backed up under the
temporary prefix first and put back should a later copy fail; a failure at
any point (generation, a refused batch, an upload, a copy) removes the
temporary prefix and every final key this run wrote, so the prefix holds
what it held before. Staging locally keeps every format's writer unchanged
(xlsx and the documents need a seekable file); the cost is local disk for
one copy of the output.

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
from pathlib import Path
from typing import Any

import pyarrow as pa

from synthwright import db
from synthwright.errors import SinkError
from synthwright.sinks._base import Sink, TableMeta
from synthwright.sinks._server import SinkInputError
from synthwright.sinks._stale import owned_prefix

__all__ = ["CLOUD_SCHEMES", "CloudSink", "is_cloud_url"]

CLOUD_SCHEMES = ("s3", "s3a", "gs", "gcs", "az", "abfs", "abfss", "adl", "memory")


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


class CloudSink(Sink):
    """Any file format, written to an fsspec URL all-or-nothing (see the module docstring)."""

    def __init__(self, url: str, format: str | None = None, **options: Any) -> None:
        super().__init__()
        self.url = url.rstrip("/")
        self.shown = db.redact_url(self.url)
        self.format = format or "parquet"
        self._options = options
        self._stage = Path(tempfile.mkdtemp(prefix="synthwright-stage-"))
        from synthwright.sinks import open_sink  # the local sink of the format

        self._inner: Sink = open_sink(str(self._stage), format=self.format, **options)
        self._fs: Any = None
        self._root = ""
        self._tmp: str | None = None
        self._final: list[str] = []

    def _location(self, table: str | None) -> str:
        return f"{table}.{self.format}" if table else "--out"

    def _open(self, tables: list[TableMeta]) -> None:
        self._fs, self._root = _filesystem(self.url)
        self._inner.open(tables)

    def _write(self, meta: TableMeta, batch: pa.RecordBatch) -> None:
        self._inner.write_batch(meta.name, batch)

    def _commit(self) -> list[str]:
        local = [Path(p) for p in self._inner.close()]
        fs = self._fs
        self._tmp = f"{self._root}/{owned_prefix()}{secrets.token_hex(4)}"
        try:
            for file in local:
                fs.put_file(str(file), f"{self._tmp}/{file.name}")
            for file in local:
                target = f"{self._root}/{file.name}"
                backup = f"{self._tmp}/.previous/{file.name}"
                if fs.exists(target):
                    fs.copy(target, backup)
                self._final.append(file.name)
                fs.copy(f"{self._tmp}/{file.name}", target)
        except BaseException:
            self._undo_final()
            raise
        self._remove_tmp()
        shutil.rmtree(self._stage, ignore_errors=True)
        scheme = self.url.split("://", 1)[0]
        shown_root = (
            self.shown.split("://", 1)[1].rstrip("/") if "://" in self.shown else self._root
        )
        return [f"{scheme}://{shown_root}/{file.name}" for file in local]

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
                if self._fs.exists(self._tmp):
                    self._fs.rm(self._tmp, recursive=True)
            self._tmp = None

    def _rollback(self) -> None:
        with contextlib.suppress(Exception):
            self._inner.abort()
        if self._fs is not None:
            self._undo_final()
            self._remove_tmp()
        shutil.rmtree(self._stage, ignore_errors=True)


def refuse_options(target: str, options: dict[str, Any]) -> None:
    """Database options make no sense for object storage."""
    if "if_exists" in options:
        raise SinkError(f"--if-exists applies to databases, not {db.redact_url(target)}", "--out")
