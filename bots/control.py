"""Conversation control: who answers a conversation, the bot or a person.

The catalog's conversation state is the authority; the dialog engine is paused and resumed to
follow it. A buyer who asked for a person gets the bot back by saying so (or with the handoff's
button), and after a wait with no agent the bot comes back by itself; the request stays listed
for staff either way (`nzila handoffs list`).
"""

from __future__ import annotations

import asyncio
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Final, Protocol

from sqlalchemy.orm import Session, sessionmaker

from catalog.buyers.models import Buyer
from catalog.conversations import service as conversation_service
from catalog.conversations.models import HandoffReturn
from catalog.database import transaction

DEFAULT_HANDOFF_WAIT_SECONDS: Final = 900.0
# What the dialog engine is told: the buyer is back; no agent came in time.
BACK_TO_BOT: Final = "/back_to_bot"
HANDOFF_EXPIRED: Final = "/handoff_expired"
# Whole messages that give the conversation back to the bot, compared without accents, case or
# punctuation: en, pidgin, fr, pt, and the words that start a chat anywhere.
RETURN_PHRASES: Final = frozenset(
    {
        "back to bot",
        "back to the bot",
        "go back to the bot",
        "back to the robot",
        "return to the bot",
        "bot",
        "the bot",
        "menu",
        "main menu",
        "start",
        "abeg back to bot",
        "carry me back to the bot",
        "retour au robot",
        "retour au bot",
        "revenir au robot",
        "retour",
        "voltar ao robo",
        "voltar ao bot",
        "voltar para o robo",
        "voltar para o bot",
        "voltar",
        "robo",
    }
)


def asks_for_the_bot(text: str) -> bool:
    """The whole message asks for the bot back ("back to the bot", "Retour au robot !",
    "voltar ao robô", "menu", "/start")."""
    plain = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(char for char in plain if not unicodedata.combining(char))
    return " ".join(re.sub(r"[^\w\s]", " ", plain).split()) in RETURN_PHRASES


class EngineSwitch(Protocol):
    async def pause(self, conversation_id: str) -> None:
        """Stop the dialog engine answering the conversation."""
        ...

    async def resume(self, conversation_id: str) -> None:
        """Let the dialog engine answer the conversation again."""
        ...


@dataclass(frozen=True)
class ReturnedConversation:
    """A conversation given back to the bot because no agent took its request in time."""

    request_id: int
    conversation_id: int
    key: str
    channel: str
    chat_id: str
    buyer_id: int | None
    language: str


class ConversationControl:
    """Take over, hand back and resume the engine, the database first as the authority.

    Args:
        sessions: the catalog's session factory.
        engine: the dialog engine, paused and resumed to follow the catalog.
        handoff_wait_seconds: how long a request waits for an agent before the bot comes back.
    """

    def __init__(
        self,
        *,
        sessions: sessionmaker[Session],
        engine: EngineSwitch,
        handoff_wait_seconds: float = DEFAULT_HANDOFF_WAIT_SECONDS,
    ) -> None:
        self._sessions = sessions
        self._engine = engine
        self.handoff_wait = timedelta(seconds=handoff_wait_seconds)

    async def take_over(self, conversation_id: int) -> None:
        """An agent answers the conversation from now on; the bot stays quiet."""
        key = await asyncio.to_thread(self._take_over, conversation_id)
        await self._engine.pause(key)

    async def hand_back(
        self, conversation_id: int, *, returned_by: HandoffReturn = HandoffReturn.AGENT
    ) -> None:
        """The bot answers the conversation again; its request stays listed, closed.

        The engine is resumed before the catalog is changed: should the change fail, the
        catalog still says "waiting" and a retry resumes (harmlessly) again.
        """
        key = await asyncio.to_thread(self._key, conversation_id)
        await self._engine.resume(key)
        await asyncio.to_thread(self._hand_back, conversation_id, returned_by)

    async def return_overdue(self, *, now: datetime | None = None) -> list[ReturnedConversation]:
        """Give back to the bot every conversation whose request waited longer than the wait
        with no agent; the conversations returned (each by one worker only)."""
        cutoff = (now or datetime.now(UTC)) - self.handoff_wait
        overdue = await asyncio.to_thread(self._overdue, cutoff)
        returned = []
        for request_id, key in overdue:
            await self._engine.resume(key)
            conversation = await asyncio.to_thread(self._expire, request_id)
            if conversation is not None:
                returned.append(conversation)
        return returned

    def _key(self, conversation_id: int) -> str:
        with self._sessions() as db_session:
            return conversation_service.get(
                db_session=db_session, conversation_id=conversation_id
            ).key

    def _take_over(self, conversation_id: int) -> str:
        with transaction(self._sessions) as db_session:
            conversation = conversation_service.get(
                db_session=db_session, conversation_id=conversation_id
            )
            conversation_service.take_over(db_session=db_session, conversation=conversation)
            return conversation.key

    def _hand_back(self, conversation_id: int, returned_by: HandoffReturn) -> None:
        with transaction(self._sessions) as db_session:
            conversation = conversation_service.get(
                db_session=db_session, conversation_id=conversation_id
            )
            conversation_service.hand_back(
                db_session=db_session, conversation=conversation, returned_by=returned_by
            )

    def _overdue(self, cutoff: datetime) -> list[tuple[int, str]]:
        with self._sessions() as db_session:
            return [
                (request.id, request.conversation.key)
                for request in conversation_service.overdue_handoffs(
                    db_session=db_session, requested_before=cutoff
                )
            ]

    def _expire(self, request_id: int) -> ReturnedConversation | None:
        with transaction(self._sessions) as db_session:
            conversation = conversation_service.expire_handoff(
                db_session=db_session, request_id=request_id
            )
            if conversation is None:
                return None
            buyer = conversation.buyer_id and db_session.get(Buyer, conversation.buyer_id)
            return ReturnedConversation(
                request_id=request_id,
                conversation_id=conversation.id,
                key=conversation.key,
                channel=conversation.channel,
                chat_id=conversation.chat_id,
                buyer_id=conversation.buyer_id,
                language=buyer.language if buyer else "en",
            )
