"""The steps of a buyer's turn, in the order the worker runs them (see `turn_steps`).

Each step is a small object in the style of python-telegram-bot's handlers: `check(turn)` says
whether it applies to this turn, `handle(turn)` does its part and says whether the turn goes
on. A turn that an agent should answer stops after the handoff check; a retried turn skips
straight to sending what the provider has not accepted yet.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any, Protocol

import redis.asyncio as aioredis
from sqlalchemy.orm import Session, sessionmaker

from bots import dealers, metrics, turns
from bots.adapters import ChannelAdapter
from bots.control import BACK_TO_BOT, ConversationControl, asks_for_the_bot
from bots.language import SWITCH_QUESTION
from bots.outbound.parts import OutboundPart
from bots.outbound.sender import PermanentSendError
from catalog.conversations.models import ConversationState, HandoffReturn
from chat.answers import Answer
from chat.messages import InboundKind, InboundMessage
from chat.payloads import build_payload
from chat.replies import Button, Reply

logger = logging.getLogger(__name__)

INBOX_STREAM = "nzila:inbox"  # messages for agents while a conversation is handed over
# The language the dialog engine was last told for a conversation; kept as long as a Rasa session.
_ENGINE_LANGUAGE = "nzila:engine-language:{conversation}"
ENGINE_LANGUAGE_TTL = 24 * 3600
# A buyer who wrote in another language was asked once whether to switch to it.
_LANGUAGE_ASKED = "nzila:language-asked:{conversation}:{language}"
LANGUAGE_ASKED_TTL = 90 * 24 * 3600
# "typing…" only for a reply that takes longer than this: a quicker one would replace it before
# the buyer sees it, and the call would spend the chat's rate limit for nothing.
TYPING_DELAY_SECONDS = 1.0


class DialogEngine(Protocol):
    async def send(
        self, *, conversation_id: str, text: str, metadata: dict[str, Any]
    ) -> list[Reply]:
        """The bot's replies to `text` in this conversation."""
        ...

    async def set_slot(self, conversation_id: str, name: str, value: Any) -> None:
        """Set a slot of the conversation outside a turn."""
        ...

    async def pause(self, conversation_id: str) -> None:
        """Stop answering the conversation (a person has it)."""
        ...

    async def resume(self, conversation_id: str) -> None:
        """Answer the conversation again."""
        ...


class EngineMemory(Protocol):
    def forget(self, conversation_id: str) -> int:
        """Delete everything the dialog engine recorded of the conversation (blocking I/O)."""
        ...


@dataclass
class Turn:
    """One buyer message on its way through the steps, and what each step found."""

    message: InboundMessage
    adapter: ChannelAdapter
    start: turns.TurnStart | None = None
    engine_text: str | None = None  # set by the handoff check when the buyer is back
    replies: list[Reply] = field(default_factory=list)
    parts: list[OutboundPart] = field(default_factory=list)
    pending: list[tuple[int, OutboundPart]] = field(default_factory=list)

    @property
    def started(self) -> turns.TurnStart:
        if self.start is None:  # pragma: no cover - RecordInbound runs first
            raise RuntimeError("the inbound message is not recorded yet")
        return self.start

    @property
    def needs_engine(self) -> bool:
        """The bot's replies to this message are not recorded yet."""
        return not self.started.answered


class Step(Protocol):
    def check(self, turn: Turn) -> bool:
        """Whether this step applies to the turn."""
        ...

    async def handle(self, turn: Turn) -> bool:
        """Do this step's part; False ends the turn here."""
        ...


class DealerTurn:
    """A dealer's message (a link's ``/start``, or from a linked Telegram account) is answered
    by the dealer commands (`bots/dealers.py`) and the turn ends: it never reaches the buyer
    flow, and is not recorded as a buyer's. A retried message runs its command again; every
    command is idempotent but the digest, which a retry shows empty."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def check(self, turn: Turn) -> bool:
        return dealers.may_be_a_dealers(turn.message)

    async def handle(self, turn: Turn) -> bool:
        message, adapter = turn.message, turn.adapter
        if not await asyncio.to_thread(dealers.recognise, self._sessions, message):
            return True
        await adapter.acknowledge(message)
        said = await adapter.engine_text(message) if message.kind is InboundKind.BUTTON else ""
        text = said or message.text
        replies = await asyncio.to_thread(dealers.answer, self._sessions, message, text)
        parts = await adapter.prepare(replies, conversation=message.conversation_key,
                                      chat_id=message.chat_id)  # fmt: skip
        for part in parts:
            try:
                await adapter.sender.send(part)
            except PermanentSendError as error:
                logger.warning("dealer reply failed", extra={"code": error.code})
        return False


class RecordInbound:
    """Find or create the buyer and the conversation, and record the message (once)."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def check(self, turn: Turn) -> bool:
        return True

    async def handle(self, turn: Turn) -> bool:
        turn.start = await asyncio.to_thread(turns.start_turn, self._sessions, turn.message)
        return True


class OptOutKeyword:
    """An opt-out keyword while a person has the conversation: the paused bot cannot hear it, so
    alerts are turned off here (the message still reaches the agent)."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def check(self, turn: Turn) -> bool:
        start = turn.started
        return (
            start.state is not ConversationState.BOT
            and start.recorded
            and turns.is_opt_out_keyword(turn.message.text)
        )

    async def handle(self, turn: Turn) -> bool:
        await asyncio.to_thread(turns.stop_alerts, self._sessions, turn.started.buyer_id)
        return True


class HandoffCheck:
    """A conversation a person should answer: the message goes to the agents' inbox, unless the
    buyer asks for the bot back (then the bot answers it)."""

    def __init__(self, redis: aioredis.Redis, control: ConversationControl) -> None:
        self._redis = redis
        self._control = control

    def check(self, turn: Turn) -> bool:
        return turn.started.state is not ConversationState.BOT

    async def handle(self, turn: Turn) -> bool:
        start = turn.started
        if await self._asks_for_the_bot(turn):
            await self._control.hand_back(start.conversation_id, returned_by=HandoffReturn.BUYER)
            turn.engine_text = BACK_TO_BOT
            return True
        await self._redis.xadd(
            INBOX_STREAM, {"conversation_id": start.conversation_id, "message_id": start.inbound_id}
        )
        return False

    async def _asks_for_the_bot(self, turn: Turn) -> bool:
        message = turn.message
        if message.kind is InboundKind.START:
            return True
        if message.kind not in (InboundKind.TEXT, InboundKind.BUTTON):
            return False
        chosen = await turn.adapter.engine_text(message)
        return chosen == BACK_TO_BOT or asks_for_the_bot(message.text)


class EngineTurn:
    """Ask the dialog engine for its replies, in the buyer's language, showing that the message
    arrived (and "typing…" if the answer takes a while)."""

    def __init__(
        self,
        redis: aioredis.Redis,
        engine: DialogEngine,
        typing_delay_seconds: float = TYPING_DELAY_SECONDS,
    ) -> None:
        self._redis = redis
        self._engine = engine
        self._typing_delay = typing_delay_seconds

    def check(self, turn: Turn) -> bool:
        return turn.needs_engine

    async def handle(self, turn: Turn) -> bool:
        message, adapter, start = turn.message, turn.adapter, turn.started
        await adapter.acknowledge(message)
        typing = asyncio.create_task(self._typing_later(adapter, message))
        try:
            await self._tell_language(message.conversation_key, start.language)
            turn.replies = await self._engine.send(
                conversation_id=message.conversation_key,
                text=turn.engine_text or await adapter.engine_text(message),
                metadata=metadata(message, start),
            )
        finally:
            typing.cancel()
        if start.other_language:
            turn.replies = await self._ask_to_switch(message.conversation_key, start,
                                                     turn.replies)  # fmt: skip
        return True

    async def _ask_to_switch(
        self, conversation: str, start: turns.TurnStart, replies: list[Reply]
    ) -> list[Reply]:
        """A message written in another language than the buyer's was answered in it; once per
        conversation and language, ask whether to keep to it. Not when the turn asks a question
        of its own (a typed "yes" must keep answering that one)."""
        if not replies or any(button.answers for reply in replies for button in reply.buttons):
            return replies
        key = _LANGUAGE_ASKED.format(conversation=conversation, language=start.language)
        if not await self._redis.set(key, 1, nx=True, ex=LANGUAGE_ASKED_TTL):
            return replies
        words = SWITCH_QUESTION[start.language]
        switch = build_payload("choose_language", language=start.language)
        keep = build_payload("acknowledge", answer=Answer.NO.value)
        return [*replies, Reply(text=words["ask"], buttons=[
            Button(title=words["yes"], payload=switch, answers=Answer.YES),
            Button(title=words["no"], payload=keep, answers=Answer.NO),
        ])]  # fmt: skip

    async def _typing_later(self, adapter: ChannelAdapter, message: InboundMessage) -> None:
        await asyncio.sleep(self._typing_delay)
        await adapter.show_typing(message)

    async def _tell_language(self, conversation: str, language: str) -> None:
        """Make sure the dialog engine answers in the buyer's language.

        Rasa takes the language from the metadata when a session starts; a change in between
        (chosen in chat, set by an agent) or a conversation this worker has not told within a
        session's lifetime gets a slot event. Most turns cost one Redis GET here.
        """
        key = _ENGINE_LANGUAGE.format(conversation=conversation)
        told = await self._redis.get(key)
        if (told.decode() if isinstance(told, bytes) else told) == language:
            return
        await self._engine.set_slot(conversation, "language", language)
        await self._redis.set(key, language, ex=ENGINE_LANGUAGE_TTL)


class Render:
    """Shape the replies for the channel; the adapter remembers what their choices stand for."""

    def check(self, turn: Turn) -> bool:
        return turn.needs_engine

    async def handle(self, turn: Turn) -> bool:
        turn.parts = await turn.adapter.prepare(
            turn.replies, conversation=turn.message.conversation_key, chat_id=turn.message.chat_id
        )
        return True


class RecordReplies:
    """Record the replies before they are sent (a retried turn finds them and sends only what
    the provider has not accepted); after an erasure, the engine forgets the conversation."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        redis: aioredis.Redis,
        engine_memory: EngineMemory | None,
    ) -> None:
        self._sessions = sessions
        self._redis = redis
        self._engine_memory = engine_memory

    def check(self, turn: Turn) -> bool:
        return True

    async def handle(self, turn: Turn) -> bool:
        inbound_id = turn.started.inbound_id
        if turn.needs_engine:
            recorded = await asyncio.to_thread(
                turns.record_parts, self._sessions, inbound_id, turn.parts
            )
        else:  # a retried turn: send what the provider has not accepted yet
            recorded = await asyncio.to_thread(turns.pending_parts, self._sessions, inbound_id)
        turn.pending = recorded.pending
        if recorded.conversation_erased:
            await self._forget(turn.message.conversation_key)
        return True

    async def _forget(self, conversation: str) -> None:
        """After an erasure, what the dialog engine recorded of the conversation goes (Rasa has
        saved the turn by now, so none of it comes back), and the language it was told."""
        events = 0
        if self._engine_memory is not None:
            events = await asyncio.to_thread(self._engine_memory.forget, conversation)
        await self._redis.delete(_ENGINE_LANGUAGE.format(conversation=conversation))
        logger.info("erased conversation forgotten", extra={"engine_events": events})


class Send:
    """Send the recorded replies in order; a permanent refusal is recorded and not retried."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def check(self, turn: Turn) -> bool:
        return bool(turn.pending)

    async def handle(self, turn: Turn) -> bool:
        await send_parts(self._sessions, turn.adapter, turn.pending)
        return True


async def send_parts(
    sessions: sessionmaker[Session],
    adapter: ChannelAdapter,
    pending: list[tuple[int, OutboundPart]],
) -> None:
    """Send recorded parts in order, marking each sent (or failed for good)."""
    for row_id, part in pending:
        try:
            provider_id = await adapter.sender.send(part)
        except PermanentSendError as error:
            metrics.SENDS.labels(adapter.channel.value, "failed").inc()
            logger.warning(
                "send failed", extra={"code": error.code, "channel": adapter.channel.value}
            )
            await asyncio.to_thread(turns.mark_failed, sessions, row_id, error.code, error.detail)
            continue
        metrics.SENDS.labels(adapter.channel.value, "sent").inc()
        await asyncio.to_thread(turns.mark_sent, sessions, row_id, provider_id)


def metadata(message: InboundMessage, start: turns.TurnStart) -> dict[str, Any]:
    """What custom actions learn of the turn besides the text."""
    fields: dict[str, Any] = {
        "channel": message.channel.value,
        "language": start.language,
        "buyer_id": start.buyer_id,
        "conversation_id": start.conversation_id,
        "kind": message.kind.value,
        # The provider's id of this message: what makes a bid from it idempotent.
        "message_id": f"{message.channel.value}:{message.message_id}",
    }
    if message.kind is InboundKind.START and message.payload:
        fields["start_payload"] = message.payload
    if message.kind is InboundKind.LOCATION:
        fields["location"] = {"latitude": message.latitude, "longitude": message.longitude}
    if message.kind is InboundKind.UNSUPPORTED:
        fields["unsupported"] = message.provider_type
    return fields
