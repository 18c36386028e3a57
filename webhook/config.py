"""Settings of the web app, validated at start-up; production refuses development secrets."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bots.config import ChannelSettings
from catalog.config import CatalogSettings
from dialogs.config import DialogSettings
from infra.redis import RedisSettings
from infra.settings import DEV_SECRET_PREFIX
from webhook.staff.config import StaffApiSettings


class AppSettings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    environment: Literal["development", "test", "production"] = Field(
        default="development", alias="NZILA_ENV"
    )
    public_base_url: str = Field(
        default="http://127.0.0.1:8000",
        description="Public https URL of this app, used in links sent to buyers.",
    )
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)

    @model_validator(mode="after")
    def _production_is_configured(self) -> AppSettings:
        if self.environment != "production":
            return self
        problems = []
        if not self.public_base_url.startswith("https://"):
            problems.append("PUBLIC_BASE_URL must be an https URL")
        if problems:
            raise ValueError("refusing to start in production: " + "; ".join(problems))
        return self


def check_production_backends(
    catalog: CatalogSettings,
    redis: RedisSettings,
    channels: ChannelSettings | None = None,
    dialogs: DialogSettings | None = None,
    staff_api: StaffApiSettings | None = None,
) -> list[str]:
    """What a production deployment lacks: real backends and real channel and staff secrets."""
    problems = []
    if catalog.database_url.startswith("sqlite"):
        problems.append("DATABASE_URL must point at PostgreSQL in production")
    if not redis.redis_url:
        problems.append("REDIS_URL must be set in production (no embedded Redis)")
    if channels is not None:
        problems.extend(f"{name} still has its development value" for name in
                        channels.development_secrets())  # fmt: skip
    if dialogs is not None and DEV_SECRET_PREFIX in dialogs.rasa_auth_token.get_secret_value():
        problems.append("RASA_AUTH_TOKEN still has its development value")
    if staff_api is not None:
        problems.extend(staff_api.production_problems())
    return problems


@lru_cache
def get_app_settings() -> AppSettings:
    return AppSettings()
