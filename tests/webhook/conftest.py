"""What the `nzila` command tests share: a fresh, migrated SQLite database that the commands
reach through DATABASE_URL, as staff would run them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from catalog.config import get_catalog_settings
from catalog.database import make_engine, make_session_factory
from catalog.migrate import upgrade


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[sessionmaker[Session]]:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    engine = make_engine(url)
    upgrade(engine)
    monkeypatch.setenv("DATABASE_URL", url)
    get_catalog_settings.cache_clear()
    yield make_session_factory(engine)
    get_catalog_settings.cache_clear()
    engine.dispose()
