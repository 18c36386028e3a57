"""Rasa's SQL tracker store seen from outside Rasa: where it is, and forgetting a conversation."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, Text, create_engine, insert

from dialogs.config import DialogSettings
from dialogs.tracker_store import TrackerStores, replica_tracker_db, tracker_store_url

# The columns of Rasa 3.6's SQLTrackerStore table that matter here.
_rasa_events = Table(
    "events",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255), nullable=False, index=True),
    Column("type_name", String(255), nullable=False),
    Column("data", Text),
)


@pytest.fixture
def store_file(tmp_path: Path) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    engine = create_engine(url)
    _rasa_events.create(engine)
    with engine.begin() as connection:
        connection.execute(
            insert(_rasa_events),
            [
                {"sender_id": "whatsapp:+2348011111111", "type_name": "user", "data": "{}"},
                {"sender_id": "whatsapp:+2348011111111", "type_name": "bot", "data": "{}"},
                {"sender_id": "telegram:42", "type_name": "user", "data": "{}"},
            ],
        )
    engine.dispose()
    yield url


def test_forget_deletes_only_that_conversations_events(store_file: str) -> None:
    stores = TrackerStores([store_file])
    try:
        assert stores.forget("whatsapp:+2348011111111") == 2
        assert stores.count_events("whatsapp:+2348011111111") == 0
        assert stores.count_events("telegram:42") == 1
        assert stores.forget("whatsapp:+2348011111111") == 0  # forgetting again is harmless
    finally:
        stores.dispose()


def test_a_store_rasa_never_opened_has_nothing_to_forget(tmp_path: Path) -> None:
    stores = TrackerStores([f"sqlite:///{tmp_path / 'never-started.db'}"])
    try:
        assert stores.forget("telegram:42") == 0
        assert stores.count_events("telegram:42") == 0
    finally:
        stores.dispose()


@pytest.mark.parametrize(
    ("env", "url"),
    [
        ({"RASA_TRACKER_DIALECT": "sqlite", "RASA_TRACKER_DB": "/srv/tracker.db"},
         "sqlite:////srv/tracker.db"),
        ({"RASA_TRACKER_URL": "postgresql://rasa:pw@db:5432/rasa"},
         "postgresql+psycopg://rasa:pw@db:5432/rasa"),
        ({"RASA_TRACKER_URL": "postgres://db/rasa"}, "postgresql+psycopg://db/rasa"),
        ({"RASA_TRACKER_DIALECT": "postgresql", "RASA_TRACKER_URL": "db:5432",
          "RASA_TRACKER_DB": "rasa"}, "postgresql+psycopg://db:5432/rasa"),
    ],
)  # fmt: skip
def test_the_store_url_is_the_one_rasa_reads_with_this_environments_driver(
    env: dict[str, str], url: str
) -> None:
    assert tracker_store_url(env) == url


def test_local_replicas_each_have_their_sqlite_file_and_a_server_is_shared() -> None:
    replicas = ["http://127.0.0.1:5006"]
    local = DialogSettings(_env_file=None, rasa_replica_urls=replicas, rasa_tracker_db="/v/t.db")  # type: ignore[call-arg]
    shared = DialogSettings(  # type: ignore[call-arg]
        _env_file=None, rasa_replica_urls=replicas, rasa_tracker_url="postgresql://db/rasa"
    )

    assert local.tracker_store_urls() == ["sqlite:////v/t.db", "sqlite:////v/t-1.db"]
    assert shared.tracker_store_urls() == ["postgresql+psycopg://db/rasa"]
    assert replica_tracker_db("/v/t.db", 0) == "/v/t.db"
