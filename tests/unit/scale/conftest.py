"""One local Dask cluster for the scale tests (processes, one thread each).

Dask is in the dev extra, so with ``CI=true`` a missing install fails the
suite instead of skipping it.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

if os.environ.get("CI", "").lower() == "true":
    import distributed  # noqa: F401  (dask is a dev dependency: CI must run these tests)
else:
    pytest.importorskip("distributed", reason="dask[distributed] is not installed")


@pytest.fixture(scope="package")
def cluster() -> Iterator[Any]:
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=3,
        threads_per_worker=1,
        processes=True,
        dashboard_address=":0",
        silence_logs=logging.ERROR,
    ) as local:
        yield local


@pytest.fixture(scope="package")
def client(cluster: Any) -> Iterator[Any]:
    from distributed import Client

    with Client(cluster) as c:
        yield c


def read_table(path: Path) -> pa.Table:
    """A table written as ``T.parquet`` or as ``T/part-*.parquet`` (parts in name order)."""
    if path.is_dir():
        parts = sorted(path.glob("part-*.parquet"))
        return pa.concat_tables([pq.read_table(p) for p in parts])
    return pq.read_table(path)


def content_hash(table: pa.Table) -> str:
    """Schema and rows in order, as bytes: equal hashes, equal content."""
    sink = pa.BufferOutputStream()
    table = table.replace_schema_metadata(None).combine_chunks()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return hashlib.sha256(sink.getvalue().to_pybytes()).hexdigest()


def hashes(out: Path, tables: list[str]) -> dict[str, str]:
    """Content hash per table of a written directory (flat files or parts)."""
    found = {}
    for name in tables:
        flat = out / f"{name}.parquet"
        found[name] = content_hash(read_table(flat if flat.exists() else out / name))
    return found
