"""Settings of the catalog database, read from the environment and an optional `.env`."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field

from infra.settings import VAR_DIR, NzilaSettings


class CatalogSettings(NzilaSettings):
    """Where the catalog lives: the database and the media files."""

    database_url: str = Field(
        default=f"sqlite:///{VAR_DIR / 'nzila.sqlite3'}",
        description="SQLAlchemy URL; SQLite file under var/ unless set (postgresql+psycopg://...).",
    )
    media_dir: Path = Field(
        default=VAR_DIR / "media",
        description="Folder holding vehicle photo renditions, addressed by content hash.",
    )
    database_echo: bool = False


@lru_cache
def get_catalog_settings() -> CatalogSettings:
    return CatalogSettings()
