"""The service's response cache against the machine's Redis (127.0.0.1:6379).

Skipped with a reason when Redis is unreachable; a failure when CI=true.
"""

from __future__ import annotations

import asyncio
import json
import uuid

import pytest

from synthwright.service.cache import RedisCache, request_key
from synthwright.service.core import DataService
from synthwright.service.models import GenerateRequest
from synthwright.service.pools import SharedPool
from synthwright.service.settings import ServiceSettings

from ._services import require

pytestmark = pytest.mark.integration


def test_seeded_requests_are_served_from_redis() -> None:
    host, port = require("redis")
    url = f"redis://{host}:{port}/15"
    # a unique seed per run keeps earlier runs' entries out of the way
    seed = uuid.uuid4().int % 2**31

    async def run() -> None:
        settings = ServiceSettings(redis_url=url, pool_records=0, cache_ttl_s=60)
        first_service = DataService(settings)
        assert isinstance(first_service.cache, RedisCache) and await first_service.cache.ping()
        request = GenerateRequest(entity="order", count=7, seed=seed)
        first = await first_service.generate(request)
        assert first.metadata.cached is False
        await first_service.close()
        # a second instance (another replica) shares the entry through Redis
        second_service = DataService(settings)
        second = await second_service.generate(request.model_copy(update={"request_id": "other"}))
        assert second.metadata.cached is True and second.data == first.data
        assert second.request_id == "other"
        key = request_key(request, salt=second_service._salt)
        assert key is not None
        import redis.asyncio as aioredis

        client = aioredis.from_url(url)
        assert 0 < await client.ttl(key) <= 60
        await client.delete(key)
        await client.aclose()
        third = await second_service.generate(request)
        assert third.metadata.cached is False
        await second_service.close()

    asyncio.run(run())


def test_unreachable_redis_is_a_miss_not_a_failure() -> None:
    # needs no Redis: nothing listens on port 1
    async def run() -> None:
        settings = ServiceSettings(redis_url="redis://127.0.0.1:1/0", pool_records=0)
        service = DataService(settings)
        result = await service.generate(GenerateRequest(entity="user", count=3, seed=1))
        assert result.record_count == 3 and result.metadata.cached is False
        await service.close()

    asyncio.run(run())


def test_replicas_share_one_value_pool_through_redis() -> None:
    """Two replicas: blocks made once, records claimed once across the fleet."""
    host, port = require("redis")
    url = f"redis://{host}:{port}/15"

    async def run() -> None:
        import redis.asyncio as aioredis

        client = aioredis.from_url(url)
        async for key in client.scan_iter("sw:pool:*"):
            await client.delete(key)
        await client.aclose()
        settings = ServiceSettings(redis_url=url, pool_records=64, cache_ttl_s=60)
        a, b = DataService(settings), DataService(settings)
        await a.start()
        await b.start()
        try:
            pool_a, pool_b = a._pools["user"], b._pools["user"]
            assert isinstance(pool_a, SharedPool) and isinstance(pool_b, SharedPool)
            # a made blocks 0 and 1 (the next one is made ahead); b took both from Redis
            assert pool_a.made == 2 and pool_b.made == 0
            ids: list[str] = []
            seeds: set[int] = set()
            for i in range(12):
                service = a if i % 2 == 0 else b
                result = await service.generate(GenerateRequest(entity="user", count=10))
                assert result.metadata.pooled and result.record_count == 10
                seeds.add(result.metadata.seed or 0)
                ids += [r["id"] for r in json.loads(result.data)]
            assert len(ids) == len(set(ids)) == 120  # no record handed out twice
            assert len(seeds) >= 2  # the claims walked over several blocks
        finally:
            await a.close()
            await b.close()

    asyncio.run(run())
