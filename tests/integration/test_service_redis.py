"""The service's response cache against the machine's Redis (127.0.0.1:6379).

Skipped with a reason when Redis is unreachable; a failure when CI=true.
"""

from __future__ import annotations

import asyncio
import uuid

import pytest

from synthwright.service.cache import RedisCache, request_key
from synthwright.service.core import DataService
from synthwright.service.models import GenerateRequest
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
