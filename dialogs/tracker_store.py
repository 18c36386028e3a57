"""Rasa's SQL tracker store, reached from outside Rasa to forget an erased buyer's conversation.

Rasa 3.6's HTTP API can append to a conversation or replace its events, but its SQL store only
ever inserts: nothing through Rasa deletes what a buyer said. Erasure therefore deletes the
conversation's rows from Rasa's ``events`` table (its schema: one row per event, keyed by
``sender_id``, our conversation key) with SQLAlchemy. Nothing here imports rasa.

Where the store is comes from the same ``RASA_TRACKER_*`` settings the Rasa server reads
(dialogs/endpoints.yml): a SQLite file by default, one per local replica; a server URL otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Final

from sqlalchemy import Column, Engine, MetaData, String, Table, create_engine, delete, func, select
from sqlalchemy import inspect as inspect_database

TRACKER_DB: Final = Path("var/rasa/tracker.db")  # the default store, under the project root
EVENTS_TABLE: Final = "events"
_SERVER_SCHEMES: Final = {"postgres": "postgresql+psycopg", "postgresql": "postgresql+psycopg"}

_events = Table(EVENTS_TABLE, MetaData(), Column("sender_id", String(255)))


def replica_tracker_db(db: str, number: int) -> str:
    """The SQLite tracker file of local Rasa replica `number` (replica 0 keeps `db` itself)."""
    return db if number == 0 else db.replace(".db", f"-{number}.db")


def tracker_store_url(tracker_env: Mapping[str, str]) -> str:
    """A SQLAlchemy URL (for this environment's drivers) from the ``RASA_TRACKER_*`` variables
    that dialogs.rasa_process.tracker_store_env fills in."""
    dialect = tracker_env.get("RASA_TRACKER_DIALECT") or "sqlite"
    db = tracker_env.get("RASA_TRACKER_DB", "")
    url = tracker_env.get("RASA_TRACKER_URL", "")
    if "://" in url:  # a whole URL, as Rasa takes it
        scheme, rest = url.split("://", 1)
        return f"{_SERVER_SCHEMES.get(scheme, scheme)}://{rest}"
    if url:  # a host, with the dialect and database named apart
        return f"{_SERVER_SCHEMES.get(dialect, dialect)}://{url}/{db}"
    return f"sqlite:///{db}"


class TrackerStores:
    """The SQL tracker stores of one deployment's Rasa servers (one, or a file per replica)."""

    def __init__(self, urls: Iterable[str]) -> None:
        self._engines: list[Engine] = [create_engine(url) for url in dict.fromkeys(urls)]

    def forget(self, conversation_id: str) -> int:
        """Delete every event Rasa recorded for the conversation; returns how many went."""
        deleted = 0
        for engine in self._created():
            with engine.begin() as connection:
                result = connection.execute(
                    delete(_events).where(_events.c.sender_id == conversation_id)
                )
                deleted += max(result.rowcount, 0)
        return deleted

    def count_events(self, conversation_id: str) -> int:
        """How many events the stores hold for the conversation."""
        total = 0
        for engine in self._created():
            with engine.connect() as connection:
                query = select(func.count()).where(_events.c.sender_id == conversation_id)
                total += connection.execute(query).scalar_one()
        return total

    def _created(self) -> Iterator[Engine]:
        """The stores whose ``events`` table Rasa has created (a store it never opened has none)."""
        for engine in self._engines:
            if inspect_database(engine).has_table(EVENTS_TABLE):
                yield engine

    def dispose(self) -> None:
        for engine in self._engines:
            engine.dispose()
