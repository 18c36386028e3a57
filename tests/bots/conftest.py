"""Redis for the bots tests: the embedded server always, and REDIS_URL's server when set."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis.asyncio as aioredis

from notifications.config import RedisSettings
from notifications.redis import connect_async_redis

REDIS_URL = os.environ.get("REDIS_URL")

REDIS_BACKENDS = [
    "embedded",
    pytest.param("server", marks=pytest.mark.skipif(not REDIS_URL, reason="REDIS_URL is not set")),
]


@pytest.fixture(params=REDIS_BACKENDS)
def redis_settings(request: pytest.FixtureRequest, tmp_path: Path) -> RedisSettings:
    if request.param == "server":
        return RedisSettings(redis_url=REDIS_URL)
    return RedisSettings(redis_url=None, redis_embedded_path=tmp_path / "redis" / "bots.rdb")


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
