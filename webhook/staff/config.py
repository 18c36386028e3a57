"""Settings of the staff API, read from the environment and an optional `.env`."""

from __future__ import annotations

from functools import lru_cache
from typing import Final

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from infra.settings import DEV_SECRET_PREFIX

MIN_TOKEN_LENGTH: Final = 32


class StaffApiSettings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    staff_api_token: SecretStr = Field(
        default=SecretStr(DEV_SECRET_PREFIX + "staff-api-token"),
        description="Bearer token of the staff API (/api/staff/...). At least 32 random "
        "characters in production.",
    )

    def production_problems(self) -> list[str]:
        """What production refuses: the development token, or one too short to guess."""
        token = self.staff_api_token.get_secret_value()
        if token.startswith(DEV_SECRET_PREFIX):
            return ["STAFF_API_TOKEN still has its development value"]
        if len(token) < MIN_TOKEN_LENGTH:
            return [f"STAFF_API_TOKEN must be at least {MIN_TOKEN_LENGTH} characters"]
        return []


@lru_cache
def get_staff_api_settings() -> StaffApiSettings:
    return StaffApiSettings()
