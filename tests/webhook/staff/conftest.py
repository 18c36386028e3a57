"""The staff API's client: the real app, with the staff token."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import Engine

from catalog.config import CatalogSettings
from infra.redis import RedisSettings
from tests.webhook.staff.support import TOKEN
from webhook.app import create_app
from webhook.config import AppSettings
from webhook.staff.config import StaffApiSettings


@pytest.fixture
def staff(database_url: str, tmp_path: Path) -> Iterator[TestClient]:
    """The real app, authenticated as staff. Not started (no lifespan): the staff API needs the
    database only, so no Redis server is spawned."""
    app = create_app(
        AppSettings(_env_file=None),  # type: ignore[call-arg]
        CatalogSettings(database_url=database_url, media_dir=tmp_path / "media"),
        RedisSettings(redis_url=None, redis_embedded_path=tmp_path / "redis" / "unused.rdb"),
        staff_api_settings=StaffApiSettings(_env_file=None, staff_api_token=SecretStr(TOKEN)),  # type: ignore[call-arg]
    )
    client = TestClient(app, headers={"Authorization": f"Bearer {TOKEN}"})
    yield client
    client.close()
    engine: Engine = app.state.sessions.kw["bind"]
    engine.dispose()
