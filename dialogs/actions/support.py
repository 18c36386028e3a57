"""What every feature's actions share: the catalog database, who is talking, in which language.

Actions call catalog services (never SQL) in sessions from `catalog_sessions()`, in a worker
thread (`OffLoopAction`); the bots worker puts the buyer's id, channel and conversation id in
every message's metadata.
"""
# rasa_sdk ships no py.typed, so its names are untyped (Any) here.
# mypy: disable-error-code="import-untyped"

from __future__ import annotations

import asyncio
import contextvars
import functools
from abc import ABCMeta, abstractmethod
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from typing import Any, ClassVar, Final

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.orm import Session, sessionmaker

from catalog.config import get_catalog_settings
from catalog.database import make_engine, make_session_factory
from chat.languages import Language, language_or_default
from dialogs.actions.language import LANGUAGE_SLOT
from dialogs.config import get_dialog_settings

VEHICLE_SLOT: Final = "vehicle_id"


@lru_cache
def catalog_sessions() -> sessionmaker[Session]:
    """Sessions on the catalog database named by DATABASE_URL (one engine per process)."""
    return make_session_factory(make_engine(get_catalog_settings().database_url))


def metadata(tracker: Tracker) -> dict[str, Any]:
    value = (tracker.latest_message or {}).get("metadata")
    return value if isinstance(value, dict) else {}


def buyer_id(tracker: Tracker) -> int | None:
    """The buyer the worker says is talking; None when Rasa is used without our worker."""
    value = metadata(tracker).get("buyer_id")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def conversation_id(tracker: Tracker) -> int | None:
    value = metadata(tracker).get("conversation_id")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def channel(tracker: Tracker) -> str:
    return str(metadata(tracker).get("channel", ""))


def language(tracker: Tracker) -> Language:
    """The conversation's language (its slot), English when it names none we speak."""
    return language_or_default(tracker.get_slot(LANGUAGE_SLOT))


def public_url(path: str) -> str:
    """An absolute link to one of our web pages (a vehicle's gallery, say)."""
    return get_dialog_settings().public_base_url.rstrip("/") + "/" + path.lstrip("/")


class OffLoopAction(Action, metaclass=ABCMeta):  # type: ignore[misc]
    """An action whose work is blocking I/O (the catalog database): `act` runs in a worker
    thread, so that the action server's event loop goes on serving other conversations
    meanwhile (abstract: rasa_sdk skips it). Every action that reads or writes the catalog is
    one, but the vehicle history's (which awaits an HTTP call between short reads); the few
    that only compute (the session's start, cancelling a summary) stay on the loop.

    Actions that may wait for a lot's lock while other bids on it go first (`waits_for_lots`)
    have their own threads: however many bids wait on a hot lot, searches, details and the
    other reads still find a free thread."""

    waits_for_lots: ClassVar[bool] = False

    @abstractmethod
    def name(self) -> str: ...

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        pool = _LOT_THREADS if self.waits_for_lots else _READ_THREADS
        work = functools.partial(contextvars.copy_context().run, self.act, dispatcher, tracker,
                                 domain)  # fmt: skip
        events: list[EventType] = await asyncio.get_running_loop().run_in_executor(pool, work)
        return events

    @abstractmethod
    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]: ...


# Threads for the actions (each holds at most one database connection at a time: together
# fewer than the catalog engine's pool of 10 + 10).
ACTION_THREADS: Final = 8
_READ_THREADS = ThreadPoolExecutor(ACTION_THREADS, thread_name_prefix="action")
_LOT_THREADS = ThreadPoolExecutor(ACTION_THREADS, thread_name_prefix="lot-action")
