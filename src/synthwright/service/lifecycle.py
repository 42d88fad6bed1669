"""Start-up and shutdown of a service: warm everything once, report ready, let go.

Warm-up generates every predefined entity once (so the catalogue pools and
the compiled expressions exist before the first request), makes the first
block of every value pool, checks the cache, and finally moves the start-up
heap out of the garbage collector's sight. Readiness turns true only after
all of it, so a load balancer never sends a request to a cold replica.
"""

from __future__ import annotations

import asyncio
import gc

import structlog

from .build import build_spec
from .cache import ResponseCache
from .generation import produce
from .models import GenerateRequest
from .pools import EntityPools
from .registry import Registry
from .settings import ServiceSettings

__all__ = ["freeze_startup_heap", "start", "stop", "warm_schemas"]

log = structlog.get_logger("synthwright.service")


def warm_schemas(registry: Registry, settings: ServiceSettings) -> None:
    """Build and generate one record of every predefined entity (worker thread)."""
    for name in registry.names():
        build = build_spec(
            GenerateRequest(schema_name=name, count=1, seed=0),
            registry,
            max_support_rows=settings.max_support_rows,
        )
        produce(build, [])


async def start(
    registry: Registry, settings: ServiceSettings, pools: EntityPools, cache: ResponseCache
) -> None:
    """Warm up (schemas, value pools, cache check), then freeze the start-up heap."""
    await asyncio.to_thread(warm_schemas, registry, settings)
    await pools.warm()
    ping = getattr(cache, "ping", None)
    if ping is not None and not await ping():
        log.warning("cache_unreachable_at_start", cache=cache.name)
    freeze_startup_heap()


async def stop(pools: EntityPools, cache: ResponseCache) -> None:
    """Let background pool work finish, close the cache; what start froze is collectable."""
    gc.unfreeze()  # what start-up froze is collectable again (and is not reported leaked)
    await pools.settle()
    await cache.close()


def freeze_startup_heap() -> None:
    """Move what start-up built (catalogue pools, schemas, value pools) out of the GC's sight.

    Those objects live as long as the process; a full collection would walk all
    of them, a pause of tens of milliseconds that every in-flight request then
    waits through. `gc.freeze` is the standard remedy for long-lived servers.
    """
    gc.collect()
    gc.freeze()
