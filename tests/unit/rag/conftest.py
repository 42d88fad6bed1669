"""The service runs on asyncio (uvicorn, grpc.aio): so do these tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
