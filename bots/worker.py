"""The conversation worker: consumes the inbound stream and runs one turn per message.

Messages of one conversation are handled strictly in order, one at a time (a lane per
conversation, ordered by the sequence number the webhook gave them); different conversations run
concurrently. A message is acknowledged only after its replies are sent, so a worker killed
mid-turn loses nothing: another worker reclaims the message, finds the replies already recorded,
and sends only those the provider has not accepted.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from datetime import UTC, datetime
from typing import Any, Protocol

import redis.asyncio as aioredis
from sqlalchemy.orm import Session, sessionmaker

from bots import metrics, turns
from bots.adapters import ChannelAdapter
from bots.outbound.parts import OutboundPart, chosen_number
from bots.outbound.sender import PermanentSendError
from bots.outbound.telegram import LONG_PAYLOAD_PREFIX
from bots.queue import InboundQueue, QueuedMessage
from catalog.conversations.models import ConversationState
from chat.messages import Channel, DeliveryStatus, InboundKind, InboundMessage, Refusal
from chat.replies import Reply

logger = logging.getLogger(__name__)

INBOX_STREAM = "nzila:inbox"  # messages for agents while a conversation is handed over
_OPTIONS = "nzila:options:{conversation}"
_LONG_PAYLOAD = "nzila:cb:{key}"
_ATTEMPTS = "nzila:attempts:{entry}"
# The language the dialog engine was last told for a conversation; kept as long as a Rasa session.
_ENGINE_LANGUAGE = "nzila:engine-language:{conversation}"
ENGINE_LANGUAGE_TTL = 24 * 3600
MAX_TURN_ATTEMPTS = 5
OPTIONS_TTL = 24 * 3600
LONG_PAYLOAD_TTL = 30 * 24 * 3600
LANE_IDLE_SECONDS = 30.0
LANE_POLL_SECONDS = 0.2
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


class EngineMemory(Protocol):
    def forget(self, conversation_id: str) -> int:
        """Delete everything the dialog engine recorded of the conversation (blocking I/O)."""
        ...


class ConversationWorker:
    def __init__(
        self,
        *,
        queue: InboundQueue,
        redis: aioredis.Redis,
        sessions: sessionmaker[Session],
        engine: DialogEngine,
        adapters: dict[Channel, ChannelAdapter],
        consumer: str,
        engine_memory: EngineMemory | None = None,
        max_concurrent_turns: int = 32,
        reclaim_idle_ms: int = 60_000,
        ordering_wait_seconds: float = 30.0,
        typing_delay_seconds: float = TYPING_DELAY_SECONDS,
    ) -> None:
        self._queue = queue
        self._redis = redis
        self._sessions = sessions
        self._engine = engine
        self._engine_memory = engine_memory
        self._adapters = adapters
        self._consumer = consumer
        self._turns = asyncio.Semaphore(max_concurrent_turns)
        self._reclaim_idle_ms = reclaim_idle_ms
        self._ordering_wait = ordering_wait_seconds
        self._typing_delay = typing_delay_seconds
        self._lanes: dict[str, asyncio.PriorityQueue[tuple[int, str, QueuedMessage]]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._stopping = False

    async def run(self, stop: asyncio.Event) -> None:
        """Consume until `stop` is set, then finish the turns in progress."""
        await self._queue.ensure_group()
        next_reclaim = 0.0
        while not stop.is_set():
            batch: list[QueuedMessage] = []
            if time.monotonic() >= next_reclaim:
                batch += await self._queue.reclaim(self._consumer, idle_ms=self._reclaim_idle_ms)
                next_reclaim = time.monotonic() + self._reclaim_idle_ms / 2000
            batch += await self._queue.read(self._consumer, block_ms=200)
            for queued in batch:
                self._dispatch(queued)
        self._stopping = True  # lanes finish what they hold, then end
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    def _dispatch(self, queued: QueuedMessage) -> None:
        key = queued.message.conversation_key
        lane = self._lanes.get(key)
        if lane is None:
            lane = self._lanes[key] = asyncio.PriorityQueue()
            task = asyncio.create_task(self._drain(key, lane))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        lane.put_nowait((queued.sequence, queued.entry_id, queued))

    async def _drain(
        self, key: str, lane: asyncio.PriorityQueue[tuple[int, str, QueuedMessage]]
    ) -> None:
        idle_since = time.monotonic()
        while True:
            try:
                _, _, queued = await asyncio.wait_for(lane.get(), timeout=LANE_POLL_SECONDS)
            except TimeoutError:
                idle = time.monotonic() - idle_since > LANE_IDLE_SECONDS
                if lane.empty() and (idle or self._stopping):
                    del self._lanes[key]
                    return
                continue
            async with self._turns:
                await self.handle(queued)
            idle_since = time.monotonic()

    async def handle(self, queued: QueuedMessage) -> None:
        """Handle one queued item in its conversation's order: a buyer's turn; a reaction,
        edit or new number recorded without the dialog engine; a delivery report applied (after
        the turn that sent its message); a refused item kept."""
        key = queued.message.conversation_key
        in_order = queued.message.in_order
        if in_order and not await self._wait_for_turn(key, queued.sequence):
            return
        started = time.monotonic()
        item = queued.message
        channel = item.channel.value
        try:
            if isinstance(item, DeliveryStatus):
                await asyncio.to_thread(turns.apply_delivery, self._sessions, item)
            elif isinstance(item, Refusal):
                await asyncio.to_thread(turns.record_refusal, self._sessions, item)
            elif not item.is_turn:
                await asyncio.to_thread(turns.record_event, self._sessions, item)
            else:
                lag = (datetime.now(UTC) - item.received_at).total_seconds()
                metrics.QUEUE_LAG_SECONDS.labels(channel).observe(max(lag, 0.0))
                await self._turn(item)
                metrics.TURN_SECONDS.labels(channel).observe(time.monotonic() - started)
        except Exception:
            # Trouble with Rasa or the database: leave the message pending so it is reclaimed
            # and retried (the conversation waits rather than skipping it), up to a limit.
            attempts = await self._redis.incr(_ATTEMPTS.format(entry=queued.entry_id))
            await self._redis.expire(_ATTEMPTS.format(entry=queued.entry_id), OPTIONS_TTL)
            logger.exception("turn failed", extra={"conversation": key, "attempt": attempts})
            if attempts < MAX_TURN_ATTEMPTS:
                return
            logger.error("giving up on a message", extra={"conversation": key})
        if in_order:
            await self._queue.mark_done(key, queued.sequence)
        await self._queue.ack(queued.entry_id)

    async def _wait_for_turn(self, key: str, sequence: int) -> bool:
        deadline = time.monotonic() + self._ordering_wait
        while True:
            done = await self._queue.done_sequence(key)
            if sequence <= done:  # handled before (a redelivery after a crash)
                return False
            if sequence == done + 1:
                return True
            if time.monotonic() > deadline:
                logger.warning("earlier message still pending", extra={"conversation": key})
                return False
            await asyncio.sleep(0.05)

    async def _turn(self, message: InboundMessage) -> None:
        adapter = self._adapters[message.channel]
        start = await asyncio.to_thread(turns.start_turn, self._sessions, message)
        if start.state is not ConversationState.BOT:
            await self._redis.xadd(
                INBOX_STREAM,
                {"conversation_id": start.conversation_id, "message_id": start.inbound_id},
            )
            return
        if not start.answered:
            await adapter.acknowledge(message)
            typing = asyncio.create_task(self._typing_later(adapter, message))
            try:
                await self._tell_language(message.conversation_key, start.language)
                replies = await self._engine.send(
                    conversation_id=message.conversation_key,
                    text=await self._engine_text(message),
                    metadata=_metadata(message, start),
                )
            finally:
                typing.cancel()
            long_payloads: dict[str, str] = {}
            rendered = adapter.render(replies, message, long_payloads)
            await self._remember(message.conversation_key, rendered.numbered_options, long_payloads)
            recorded = await asyncio.to_thread(
                turns.record_parts, self._sessions, start.inbound_id, rendered.parts
            )
        else:  # a retried turn: send what the provider has not accepted yet
            recorded = await asyncio.to_thread(
                turns.pending_parts, self._sessions, start.inbound_id
            )
        if recorded.conversation_erased:
            await self._forget(message.conversation_key)
        await self._send(adapter, recorded.pending)

    async def _forget(self, conversation: str) -> None:
        """After an erasure, what the dialog engine recorded of the conversation goes (Rasa has
        saved the turn by now, so none of it comes back), and the language it was told."""
        events = 0
        if self._engine_memory is not None:
            events = await asyncio.to_thread(self._engine_memory.forget, conversation)
        await self._redis.delete(_ENGINE_LANGUAGE.format(conversation=conversation))
        logger.info("erased conversation forgotten", extra={"engine_events": events})

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

    async def _send(self, adapter: ChannelAdapter, pending: list[tuple[int, OutboundPart]]) -> None:
        for row_id, part in pending:
            try:
                provider_id = await adapter.sender.send(part)
            except PermanentSendError as error:
                metrics.SENDS.labels(adapter.channel.value, "failed").inc()
                logger.warning(
                    "send failed", extra={"code": error.code, "channel": adapter.channel.value}
                )
                await asyncio.to_thread(
                    turns.mark_failed, self._sessions, row_id, error.code, error.detail
                )
                continue
            metrics.SENDS.labels(adapter.channel.value, "sent").inc()
            await asyncio.to_thread(turns.mark_sent, self._sessions, row_id, provider_id)

    async def _engine_text(self, message: InboundMessage) -> str:
        """What the dialog engine reads: the text, or the payload a button or number stands for."""
        if message.kind is InboundKind.BUTTON:
            return await self._resolve_payload(message.payload) or message.text
        if message.kind is InboundKind.TEXT:
            number = chosen_number(message.text)
            if number is not None:
                options = await self._redis.get(
                    _OPTIONS.format(conversation=message.conversation_key)
                )
                choices = json.loads(options) if options else []
                if 1 <= number <= len(choices):
                    return str(choices[number - 1])
            return message.text
        if message.kind is InboundKind.START:
            return "/greet"
        return "/help"  # locations, contacts, photos, stickers...: say what the bot can do

    async def _resolve_payload(self, payload: str) -> str:
        if payload.startswith(LONG_PAYLOAD_PREFIX):
            stored = await self._redis.get(_LONG_PAYLOAD.format(key=payload))
            if stored is not None:
                return stored.decode() if isinstance(stored, bytes) else str(stored)
        return payload

    async def _remember(
        self, conversation: str, options: list[str], long_payloads: dict[str, str]
    ) -> None:
        options_key = _OPTIONS.format(conversation=conversation)
        if options:
            await self._redis.set(options_key, json.dumps(options), ex=OPTIONS_TTL)
        for key, payload in long_payloads.items():
            await self._redis.set(_LONG_PAYLOAD.format(key=key), payload, ex=LONG_PAYLOAD_TTL)


def _metadata(message: InboundMessage, start: turns.TurnStart) -> dict[str, Any]:
    metadata: dict[str, Any] = {
        "channel": message.channel.value,
        "language": start.language,
        "buyer_id": start.buyer_id,
        "conversation_id": start.conversation_id,
        "kind": message.kind.value,
        # The provider's id of this message: what makes a bid from it idempotent.
        "message_id": f"{message.channel.value}:{message.message_id}",
    }
    if message.kind is InboundKind.START and message.payload:
        metadata["start_payload"] = message.payload
    if message.kind is InboundKind.LOCATION:
        metadata["location"] = {"latitude": message.latitude, "longitude": message.longitude}
    if message.kind is InboundKind.UNSUPPORTED:
        metadata["unsupported"] = message.provider_type
    return metadata
