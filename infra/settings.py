"""What every process's settings share: the project's paths, the development-secret marker and
the base class that reads the environment and an optional `.env`."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = PROJECT_ROOT / "var"  # development data: SQLite file, media, embedded Redis, models
# Every development default secret starts with this; production refuses such values.
DEV_SECRET_PREFIX = "dev-only-"  # noqa: S105 - a marker, not a secret


class NzilaSettings(BaseSettings):
    """Settings read from the environment, then `.env`; unknown variables are ignored."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")
