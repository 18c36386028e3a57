"""Conversation control on a real catalog database, with Rasa's HTTP API answered by
httpx.MockTransport: the catalog decides who answers, and the engine is paused and resumed to
follow it."""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from bots.control import ConversationControl, ReturnedConversation, asks_for_the_bot
from bots.queue import InboundQueue
from bots.worker import ConversationWorker
from catalog.conversations import service as conversation_service
from catalog.conversations.models import (
    Conversation,
    ConversationState,
    HandoffRequest,
    HandoffReturn,
    HandoffStatus,
)
from catalog.database import transaction, utcnow
from dialogs.client import RasaClient, RasaUnavailable
from infra.redis import RedisSettings, connect_async_redis
from tests.factories import make_buyer

WAIT = 900.0


class RasaEvents:
    """What Rasa's tracker API was asked: (conversation, event) pairs, in order."""

    def __init__(self, failing: bool = False) -> None:
        self.posted: list[tuple[str, str]] = []
        self.failing = failing

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if self.failing:
            return httpx.Response(503)
        conversation = request.url.path.removeprefix("/conversations/").split("/tracker")[0]
        self.posted.append((conversation, json.loads(request.content)["event"]))
        return httpx.Response(200, json={})


def control_with(
    sessions: sessionmaker[Session], events: RasaEvents
) -> tuple[ConversationControl, httpx.AsyncClient]:
    http = httpx.AsyncClient(transport=httpx.MockTransport(events))
    engine = RasaClient(http=http, base_url="http://rasa.test", auth_token="t")
    return ConversationControl(sessions=sessions, engine=engine, handoff_wait_seconds=WAIT), http


def handed_over(sessions: sessionmaker[Session], number: str | None = None) -> Conversation:
    """A buyer's conversation whose buyer asked for a person."""
    with transaction(sessions) as db_session:
        buyer = make_buyer(db_session, number)
        conversation = conversation_service.get_or_create(
            db_session=db_session, key=f"whatsapp:{buyer.whatsapp_number}", channel="whatsapp",
            chat_id=str(buyer.whatsapp_number).removeprefix("+"), buyer_id=buyer.id,
        )  # fmt: skip
        conversation_service.request_handoff(db_session=db_session, conversation=conversation)
        db_session.expunge(conversation)
        return conversation


def state_of(sessions: sessionmaker[Session], conversation: Conversation) -> ConversationState:
    with sessions() as db_session:
        return conversation_service.get(
            db_session=db_session, conversation_id=conversation.id
        ).state


def requests(sessions: sessionmaker[Session]) -> list[HandoffRequest]:
    with sessions() as db_session:
        rows = list(conversation_service.get_all_handoffs(db_session=db_session))
        db_session.expunge_all()
        return rows


@pytest.mark.parametrize(
    "text",
    ["back to the bot", "Back to bot!", "BACK TO THE BOT.", "retour au robot", "Voltar ao robô",
     "voltar ao robo", "menu", "/start", "abeg back to bot"],
)  # fmt: skip
def test_saying_so_in_any_of_our_languages_asks_for_the_bot(text: str) -> None:
    assert asks_for_the_bot(text)


@pytest.mark.parametrize(
    "text", ["I want to go back to the bot after the agent answers", "robot", "hello", ""]
)
def test_a_sentence_that_only_mentions_the_bot_is_for_the_agent(text: str) -> None:
    assert not asks_for_the_bot(text)


def test_asking_twice_for_a_person_waits_once(sessions: sessionmaker[Session]) -> None:
    conversation = handed_over(sessions)
    with transaction(sessions) as db_session:
        row = conversation_service.get(db_session=db_session, conversation_id=conversation.id)
        conversation_service.request_handoff(db_session=db_session, conversation=row)

    [request] = requests(sessions)
    assert request.status is HandoffStatus.OPEN
    assert state_of(sessions, conversation) is ConversationState.WAITING_AGENT


def test_handing_back_resumes_the_engine_and_closes_the_request_kept_for_staff(
    sessions: sessionmaker[Session],
) -> None:
    conversation = handed_over(sessions)
    events = RasaEvents()
    control, http = control_with(sessions, events)

    asyncio.run(control.hand_back(conversation.id, returned_by=HandoffReturn.BUYER))
    asyncio.run(http.aclose())

    assert events.posted == [(conversation.key, "resume")]
    assert state_of(sessions, conversation) is ConversationState.BOT
    [request] = requests(sessions)
    assert (request.status, request.returned_by) == (HandoffStatus.RETURNED, HandoffReturn.BUYER)
    assert request.returned_at is not None


def test_when_rasa_cannot_resume_the_catalog_still_says_waiting(
    sessions: sessionmaker[Session],
) -> None:
    conversation = handed_over(sessions)
    control, http = control_with(sessions, RasaEvents(failing=True))

    with pytest.raises(RasaUnavailable):
        asyncio.run(control.hand_back(conversation.id))
    asyncio.run(http.aclose())

    assert state_of(sessions, conversation) is ConversationState.WAITING_AGENT
    assert requests(sessions)[0].status is HandoffStatus.OPEN


def test_taking_over_marks_the_request_taken_and_pauses_the_engine(
    sessions: sessionmaker[Session],
) -> None:
    conversation = handed_over(sessions)
    events = RasaEvents()
    control, http = control_with(sessions, events)

    asyncio.run(control.take_over(conversation.id))
    asyncio.run(http.aclose())

    assert events.posted[-1] == (conversation.key, "pause")
    assert state_of(sessions, conversation) is ConversationState.AGENT
    [request] = requests(sessions)
    assert request.status is HandoffStatus.TAKEN and request.taken_at is not None


def test_only_requests_that_waited_past_the_wait_come_back_and_each_only_once(
    sessions: sessionmaker[Session],
) -> None:
    old = handed_over(sessions)
    taken = handed_over(sessions)
    events = RasaEvents()
    control, http = control_with(sessions, events)
    asyncio.run(control.take_over(taken.id))
    later = utcnow() + timedelta(seconds=WAIT + 1)

    too_soon = asyncio.run(control.return_overdue(now=utcnow() + timedelta(seconds=WAIT - 60)))
    returned = asyncio.run(control.return_overdue(now=later))
    again = asyncio.run(control.return_overdue(now=later))
    asyncio.run(http.aclose())

    assert too_soon == [] and again == []
    assert [(r.conversation_id, r.key, r.language) for r in returned] == [(old.id, old.key, "en")]
    assert state_of(sessions, old) is ConversationState.BOT
    assert state_of(sessions, taken) is ConversationState.AGENT  # an agent has it: no timeout
    assert (old.key, "resume") in events.posted
    by_conversation = {row.conversation_id: row for row in requests(sessions)}
    assert by_conversation[old.id].returned_by is HandoffReturn.TIMEOUT
    assert by_conversation[taken.id].status is HandoffStatus.TAKEN


class FlakyControl(ConversationControl):
    """Control whose first check fails as if the database were down; it counts its rounds and
    stops the worker after `rounds` of them."""

    def __init__(self, *, stop: asyncio.Event, rounds: int, **options: Any) -> None:
        super().__init__(**options)
        self.calls = 0
        self._stop, self._rounds = stop, rounds

    async def return_overdue(self, *, now: datetime | None = None) -> list[ReturnedConversation]:
        self.calls += 1
        if self.calls >= self._rounds:
            self._stop.set()
        if self.calls == 1:
            raise OperationalError("SELECT 1", {}, Exception("the database is down"))
        return await super().return_overdue(now=now)


def test_the_workers_periodic_check_survives_a_failed_round_and_stops_when_asked(
    sessions: sessionmaker[Session],
    redis_settings: RedisSettings,
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def run() -> int:
        stop = asyncio.Event()
        redis = connect_async_redis(redis_settings)
        http = httpx.AsyncClient(transport=httpx.MockTransport(RasaEvents()))
        engine = RasaClient(http=http, base_url="http://rasa.test", auth_token="t")
        control = FlakyControl(stop=stop, rounds=3, sessions=sessions, engine=engine)
        worker = ConversationWorker(
            queue=InboundQueue(redis, stream=f"test-{uuid.uuid4().hex}"),
            redis=redis,
            sessions=sessions,
            engine=engine,
            adapters={},
            consumer="test",
            control=control,
        )
        await asyncio.wait_for(worker.return_overdue_handoffs_until(stop, every_seconds=0.01), 10)
        await http.aclose()
        await redis.aclose()
        return control.calls

    with caplog.at_level(logging.ERROR, logger="bots.worker"):
        calls = asyncio.run(run())

    assert calls == 3  # the failed first round did not end the loop; the stop did
    assert "overdue handoffs not returned" in caplog.text
