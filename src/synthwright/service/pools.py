"""Value pools: pre-generated records of one entity for unseeded requests.

An unseeded request only needs *some* valid records, so the service hands out
slices of blocks it generated ahead of time instead of generating per request.
Each block keeps its records' JSON text too, so a pooled JSON response is a
join of strings.

- `LocalPool`: blocks with random seeds in this process, double-buffered (the
  next block is made in a worker thread while the current one is served).
- `SharedPool` (with ``--redis-url``): the pool of the whole fleet of replicas.
  Redis holds a cursor over an endless sequence of blocks and the blocks
  themselves. A replica leases a quarter block of records at a time with one
  ``INCRBY`` (so no two requests anywhere get the same records, and Redis sees
  one round trip per few hundred requests), and takes a block from Redis when
  another replica made it already. Block ``i``'s seed derives from the pool's epoch and
  ``i``, so two replicas that race to make the same block make the same bytes.
  A Redis fault never fails a request: the replica serves from its own
  `LocalPool` and logs it.
- `EntityPools`: one pool per predefined entity (shared through Redis when the
  cache is Redis), and the rule for which requests a pool may serve.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import secrets
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Protocol

import pyarrow as pa
import structlog

from ..catalog import stable_hash
from . import _formats
from .build import Build, build_spec
from .cache import RedisCache, ResponseCache
from .generation import produce
from .models import GenerateRequest
from .registry import Registry
from .settings import ServiceSettings

__all__ = ["EntityPools", "LocalPool", "Pool", "SharedPool", "Taken"]

log = structlog.get_logger("synthwright.service.pools")

Block = tuple[pa.Table, list[str], int]  # records, their JSON texts, the block's seed
Taken = tuple[pa.Table, list[str], int, int]  # ... and the offset of the slice in the block
_JSON = "__json"  # the records' JSON texts travel as one more column of the IPC stream
_SEED = b"synthwright.pool_seed"
EPOCH_CHECK_S = 5.0
LEASES_PER_BLOCK = 4  # a replica claims a quarter block at a time (the most one request takes)

_REFILLS = 0
_SWITCH_INTERVAL_S = sys.getswitchinterval()
_REFILL_SWITCH_INTERVAL_S = 0.0005


@contextmanager
def _short_gil_turns() -> Iterator[None]:
    """Shorter GIL turns while a pool block is made in a worker thread.

    The event loop gives up the GIL at every poll and must then wait for the
    worker's turn to end (5 ms by default) before it can answer anything: the
    ~50 ms of a refill became ~60 ms more latency for every request in flight
    (the p99 of the service bench). With 0.5 ms turns the loop gets the GIL
    back almost at once; the default comes back when no refill runs.
    """
    global _REFILLS
    if _REFILLS == 0:
        sys.setswitchinterval(_REFILL_SWITCH_INTERVAL_S)
    _REFILLS += 1
    try:
        yield
    finally:
        _REFILLS -= 1
        if _REFILLS == 0:
            sys.setswitchinterval(_SWITCH_INTERVAL_S)


class Pool(Protocol):
    async def take(self, n: int) -> Taken:
        """`n` records: (table, their JSON texts, block seed, offset in the block)."""
        ...

    async def settle(self) -> None:
        """Wait for background work (so that start-up work is not left running)."""
        ...


def _make_block(make: Callable[[int], pa.Table], seed: int) -> Block:
    table = make(seed)
    return table, _formats.json_rows(table), seed


async def _made(make: Callable[[int], pa.Table], seed: int) -> Block:
    with _short_gil_turns():
        return await asyncio.to_thread(_make_block, make, seed)


class LocalPool:
    """Blocks with random seeds in this process, double-buffered."""

    def __init__(self, make: Callable[[int], pa.Table]) -> None:
        self._make = make
        self._current: Block | None = None
        self._offset = 0
        self._spare: asyncio.Future[Block] | None = None
        self._lock = asyncio.Lock()

    async def _fresh(self) -> Block:
        return await _made(self._make, secrets.randbits(31))

    async def take(self, n: int) -> Taken:
        async with self._lock:
            if self._current is None or self._offset + n > self._current[0].num_rows:
                self._current = await self._spare if self._spare else await self._fresh()
                self._offset = 0
                self._spare = asyncio.ensure_future(self._fresh())
            table, rows, seed = self._current
            offset = self._offset
            self._offset += n
            return table.slice(offset, n), rows[offset : offset + n], seed, offset

    async def settle(self) -> None:
        if self._spare is not None:
            with contextlib.suppress(Exception):  # a failed spare is simply not used
                await self._spare


class SharedPool:
    """The fleet's pool in Redis: a cursor over deterministic blocks, and the blocks.

    `block_rows` must be the size `make` gives. Keys live under `prefix` (which
    should name the service version and entity) and expire after `ttl_s`; a new
    epoch (new seeds, cursor at 0) starts when the old one has expired.
    """

    def __init__(
        self,
        make: Callable[[int], pa.Table],
        client: Any,
        prefix: str,
        block_rows: int,
        ttl_s: int,
    ) -> None:
        self._make = make
        self._client = client
        self._prefix = prefix
        self._rows = block_rows
        self._ttl_s = ttl_s
        self._local = LocalPool(make)
        self._blocks: dict[tuple[int, int], asyncio.Future[Block]] = {}
        self._epoch_cache: tuple[int, float] | None = None
        self._lease_rows = max(1, block_rows // LEASES_PER_BLOCK)
        self._lease: tuple[int, int, int] | None = None  # epoch, next record, end
        self._spare_lease: asyncio.Future[tuple[int, int, int]] | None = None
        self._lock = asyncio.Lock()
        self.made = 0  # blocks this replica generated (the rest came from Redis)

    async def take(self, n: int) -> Taken:
        try:
            return await self._take_shared(n)
        except Exception as exc:  # Redis down or slow: this replica's own pool serves
            log.warning("shared_pool_unavailable", error=str(exc), pool=self._prefix)
            return await self._local.take(n)

    async def settle(self) -> None:
        if self._spare_lease is not None:
            with contextlib.suppress(Exception):
                await self._spare_lease
        for future in list(self._blocks.values()):
            with contextlib.suppress(Exception):
                await future
        await self._local.settle()

    async def _take_shared(self, n: int) -> Taken:
        if n > self._lease_rows:
            raise ValueError(f"at most {self._lease_rows} records from a shared pool at once")
        async with self._lock:
            epoch = await self._epoch()
            lease = self._lease
            if lease is None or lease[0] != epoch or lease[1] + n > lease[2]:
                spare, self._spare_lease = self._spare_lease, None
                lease = await spare if spare is not None else None
                if lease is None or lease[0] != epoch:
                    lease = await self._claim(epoch)
            _, start, end = lease
            self._lease = (epoch, start + n, end)
            if self._spare_lease is None and end - start - n < self._lease_rows // 2:
                # the next lease is claimed while this one is still served: the
                # round trip (slow when the loop is busy) never holds requests up
                self._spare_lease = asyncio.ensure_future(self._claim(epoch))
        index, offset = divmod(start, self._rows)
        table, rows, seed = await self._block(epoch, index)
        self._block_soon(epoch, index + 1)  # a whole block of lead time, as LocalPool has
        return table.slice(offset, n), rows[offset : offset + n], seed, offset

    async def _claim(self, epoch: int) -> tuple[int, int, int]:
        """A lease of the next `_lease_rows` records of the fleet: (epoch, start, end).

        Leases are a fixed fraction of a block and the cursor only moves by
        whole leases, so a lease never straddles two blocks.
        """
        cursor = self._key(epoch, "cursor")
        end = int(await self._client.incrby(cursor, self._lease_rows))
        if end == self._lease_rows:  # this claim created the cursor
            await self._client.expire(cursor, self._ttl_s)
        return epoch, end - self._lease_rows, end

    async def _epoch(self) -> int:
        """The fleet's current epoch (looked up again every EPOCH_CHECK_S seconds)."""
        now = time.monotonic()
        if self._epoch_cache is not None and now - self._epoch_cache[1] < EPOCH_CHECK_S:
            return self._epoch_cache[0]
        key = f"{self._prefix}:epoch"
        mine = secrets.randbits(31)
        await self._client.set(key, mine, nx=True, ex=self._ttl_s)
        value = await self._client.get(key)
        epoch = mine if value is None else int(value)
        self._epoch_cache = (epoch, now)
        return epoch

    def _key(self, epoch: int, what: str) -> str:
        return f"{self._prefix}:{epoch}:{what}"

    def _block_soon(self, epoch: int, index: int) -> asyncio.Future[Block]:
        future = self._blocks.get((epoch, index))
        if future is None:
            future = self._blocks[(epoch, index)] = asyncio.ensure_future(self._load(epoch, index))
            for key in [k for k in self._blocks if k[0] != epoch or k[1] < index - 1]:
                del self._blocks[key]
        return future

    async def _block(self, epoch: int, index: int) -> Block:
        future = self._block_soon(epoch, index)
        try:
            return await asyncio.shield(future)
        except Exception:
            self._blocks.pop((epoch, index), None)  # the next request tries again
            raise

    def _make_stored(self, seed: int) -> tuple[Block, bytes]:
        """A block and its bytes for Redis, both made off the event loop."""
        block = _make_block(self._make, seed)
        return block, _to_ipc(block)

    async def _load(self, epoch: int, index: int) -> Block:
        key = self._key(epoch, f"block:{index}")
        stored = await self._client.get(key)
        if stored is not None:
            with _short_gil_turns():
                return await asyncio.to_thread(_from_ipc, bytes(stored))
        seed = stable_hash(f"{epoch}:{index}") & 0x7FFFFFFF
        with _short_gil_turns():
            block, payload = await asyncio.to_thread(self._make_stored, seed)
        self.made += 1
        await self._client.set(key, payload, ex=self._ttl_s)
        await self._client.expire(self._key(epoch, "cursor"), self._ttl_s)
        return block


class EntityPools:
    """The value pools of a service: one per predefined entity, made on first use.

    A pool serves unseeded requests for a predefined entity without fields,
    a spec, scenarios or defects, of at most a quarter block of records (the
    unary record cap is checked before, on every path).
    """

    def __init__(
        self, settings: ServiceSettings, registry: Registry, cache: ResponseCache, salt: str
    ) -> None:
        self.settings = settings
        self.registry = registry
        self.cache = cache
        self.salt = salt
        self._pools: dict[str, Pool] = {}
        self._templates: dict[str, Build] = {}

    @property
    def enabled(self) -> bool:
        return self.settings.pool_records > 0

    def get(self, name: str) -> Pool:
        """The pool of entity `name` (made now if it is the first use)."""
        pool = self._pools.get(name)
        if pool is None:
            size = self.settings.pool_records

            def make(seed: int) -> pa.Table:
                request = GenerateRequest(schema_name=name, count=size, seed=seed)
                build = build_spec(
                    request, self.registry, max_support_rows=self.settings.max_support_rows
                )
                return produce(build, []).table

            if isinstance(self.cache, RedisCache):
                entry = self.registry.get(name)
                what = json.dumps(entry.tables if entry else {}, sort_keys=True, default=str)
                digest = hashlib.sha256(f"{self.salt}\n{size}\n{what}".encode()).hexdigest()
                prefix = f"sw:pool:{digest[:16]}:{name}"
                ttl = self.settings.cache_ttl_s
                pool = SharedPool(make, self.cache.client, prefix, size, ttl)
            else:
                pool = LocalPool(make)
            self._pools[name] = pool
        return pool

    async def warm(self) -> None:
        """Make every entity's first block (start-up), and wait for the spares too."""
        if not self.enabled:
            return
        for name in self.registry.names():
            pool = self.get(name)
            await pool.take(0)
            await pool.settle()

    async def settle(self) -> None:
        for pool in self._pools.values():
            await pool.settle()

    def _eligible(self, request: GenerateRequest) -> bool:
        return (
            self.enabled
            and request.seed is None
            and request.fields is None
            and request.spec is None
            and not request.scenarios
            and not request.flags.defect_triggering
            and 0 < request.count <= self.settings.pool_records // LEASES_PER_BLOCK
        )

    def build_for(self, request: GenerateRequest) -> Build | None:
        """For a request a pool can serve, a Build made without compiling anything."""
        if not self._eligible(request):
            return None
        entry = self.registry.find(request.schema_name or request.entity or "", request.domain)
        if entry is None:
            return None
        template = self._templates.get(entry.name)
        if template is None:
            template = build_spec(
                GenerateRequest(schema_name=entry.name, count=1, seed=0),
                self.registry,
                max_support_rows=self.settings.max_support_rows,
            )
            template.dataset = None
            self._templates[entry.name] = template
        return Build(
            spec=template.spec,
            table=template.table,
            seed=0,
            entry=entry,
            free_text=template.free_text,
            record_count=request.count,
        )

    def serves(self, request: GenerateRequest, build: Build) -> bool:
        """Whether the pool of `build`'s entity serves `request` (rather than a fresh run)."""
        return (
            self.enabled
            and not build.seeded
            and build.entry is not None
            and request.fields is None
            and request.spec is None
            and not request.scenarios
            and request.count <= self.settings.pool_records // LEASES_PER_BLOCK
        )


def _to_ipc(block: Block) -> bytes:
    table, rows, seed = block
    table = table.append_column(_JSON, pa.array(rows, pa.string()))
    table = table.replace_schema_metadata({**(table.schema.metadata or {}), _SEED: b"%d" % seed})
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return bytes(sink.getvalue().to_pybytes())


def _from_ipc(data: bytes) -> Block:
    table = pa.ipc.open_stream(data).read_all()
    metadata = dict(table.schema.metadata or {})
    seed = int(metadata.pop(_SEED, b"0"))
    rows = table.column(_JSON).to_pylist()
    table = table.drop_columns([_JSON]).replace_schema_metadata(metadata or None)
    return table, rows, seed
