"""Redis for the bots tests (`redis_settings`, in tests/conftest.py: the embedded server always,
and REDIS_URL's server when set)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator

import pytest
import redis.asyncio as aioredis

from infra.redis import RedisSettings, connect_async_redis


@pytest.fixture
def stream_name() -> str:
    """A stream of this test's own, so tests never see each other's messages on a shared server."""
    return f"nzila:test:{uuid.uuid4().hex[:12]}"


@pytest.fixture
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    loop = asyncio.new_event_loop()
    yield loop
    loop.close()


@pytest.fixture
def async_redis(
    redis_settings: RedisSettings, loop: asyncio.AbstractEventLoop
) -> Iterator[aioredis.Redis]:
    client = connect_async_redis(redis_settings)
    yield client
    loop.run_until_complete(client.aclose())
