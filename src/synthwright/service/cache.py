"""Response cache for identical seeded requests: Redis when configured, else an in-process LRU.

Only seeded requests are cached: with a seed the response is fully determined
by the request, so a cached copy is the same bytes a fresh run would give.
The key is a hash of the canonical request (without request_id and the
use_cache flag) plus the service version and the registry's schema names, so
a new release never serves stale entries. A cache fault (Redis down) never
fails a request: it is a miss, logged.
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from typing import Any, Protocol

import structlog

from .models import GenerateRequest, Metadata

__all__ = [
    "MemoryCache",
    "RedisCache",
    "ResponseCache",
    "decode_response",
    "encode_response",
    "open_cache",
    "request_key",
]

log = structlog.get_logger("synthwright.service.cache")


def request_key(request: GenerateRequest, *, salt: str = "") -> str | None:
    """The cache key of a request; None when it must not be cached (no seed, or use_cache off)."""
    if request.seed is None or not request.flags.use_cache:
        return None
    data = request.model_dump(mode="json", exclude={"request_id"})
    data["flags"].pop("use_cache", None)
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sw:resp:" + hashlib.sha256(f"{salt}\n{text}".encode()).hexdigest()


def encode_response(data: str, record_count: int, metadata: Metadata) -> bytes:
    """A response as the bytes the cache keeps."""
    payload = {
        "data": data,
        "record_count": record_count,
        "metadata": metadata.model_dump(mode="json"),
    }
    return json.dumps(payload).encode()


def decode_response(hit: bytes) -> tuple[str, int, Metadata]:
    """The cached response: rendered data, record count and metadata (marked cached)."""
    payload = json.loads(hit)
    metadata = Metadata.model_validate(payload["metadata"])
    metadata.cached = True
    return payload["data"], payload["record_count"], metadata


class ResponseCache(Protocol):
    """Bytes by key; implementations must never raise on get/set."""

    name: str

    async def get(self, key: str) -> bytes | None: ...

    async def set(self, key: str, value: bytes) -> None: ...

    async def close(self) -> None: ...


class MemoryCache:
    """A bounded LRU in this process (entries; 0 disables it)."""

    name = "memory"

    def __init__(self, max_entries: int = 256) -> None:
        self.max_entries = max_entries
        self._data: OrderedDict[str, bytes] = OrderedDict()

    async def get(self, key: str) -> bytes | None:
        value = self._data.get(key)
        if value is not None:
            self._data.move_to_end(key)
        return value

    async def set(self, key: str, value: bytes) -> None:
        if self.max_entries <= 0:
            return
        self._data[key] = value
        self._data.move_to_end(key)
        while len(self._data) > self.max_entries:
            self._data.popitem(last=False)

    async def close(self) -> None:
        self._data.clear()

    def __len__(self) -> int:
        return len(self._data)


class RedisCache:
    """Redis (redis.asyncio) with a TTL per entry; shared by every replica of the service."""

    name = "redis"

    def __init__(self, url: str, ttl_s: int = 3600) -> None:
        import redis.asyncio as aioredis

        self.url = url
        self.ttl_s = ttl_s
        self._client: Any = aioredis.from_url(url, socket_timeout=1.0, socket_connect_timeout=1.0)

    @property
    def client(self) -> Any:
        """The redis.asyncio client (the shared value pools use it too)."""
        return self._client

    async def ping(self) -> bool:
        try:
            return bool(await self._client.ping())
        except Exception as exc:
            log.warning("redis_unreachable", error=str(exc))
            return False

    async def get(self, key: str) -> bytes | None:
        try:
            value = await self._client.get(key)
        except Exception as exc:
            log.warning("cache_get_failed", error=str(exc))
            return None
        return bytes(value) if value is not None else None

    async def set(self, key: str, value: bytes) -> None:
        try:
            await self._client.set(key, value, ex=self.ttl_s)
        except Exception as exc:
            log.warning("cache_set_failed", error=str(exc))

    async def close(self) -> None:
        try:
            await self._client.aclose()
        except Exception as exc:
            log.warning("cache_close_failed", error=str(exc))


def open_cache(redis_url: str | None, *, max_entries: int, ttl_s: int) -> ResponseCache:
    """Redis when a URL is given, else the in-process LRU."""
    if redis_url:
        return RedisCache(redis_url, ttl_s)
    return MemoryCache(max_entries)
