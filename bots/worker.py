"""The conversation worker: consumes the inbound stream and runs one turn per message.

Messages of one conversation are handled strictly in order, one at a time (a lane per
conversation, ordered by the sequence number the webhook gave them); different conversations run
concurrently. A message is acknowledged only after its replies are sent, so a worker killed
mid-turn loses nothing: another worker reclaims the message, finds the replies already recorded,
and sends only those the provider has not accepted.
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import UTC, datetime

import redis.asyncio as aioredis
from sqlalchemy.orm import Session, sessionmaker

from bots import metrics, steps, turns
from bots.adapters import ChannelAdapter
from bots.control import HANDOFF_EXPIRED, ConversationControl, ReturnedConversation
from bots.queue import InboundQueue, QueuedMessage
from bots.steps import INBOX_STREAM, TYPING_DELAY_SECONDS, DialogEngine, EngineMemory, Step, Turn
from chat.messages import Channel, DeliveryStatus, InboundMessage, Refusal

logger = logging.getLogger(__name__)

__all__ = ["INBOX_STREAM", "ConversationWorker", "turn_steps"]

_ATTEMPTS = "nzila:attempts:{entry}"
ATTEMPTS_TTL = 24 * 3600
MAX_TURN_ATTEMPTS = 5
LANE_IDLE_SECONDS = 30.0
LANE_POLL_SECONDS = 0.2
HANDOFF_CHECK_SECONDS = 30.0  # how often overdue handoffs are given back to the bot


def turn_steps(
    *,
    sessions: sessionmaker[Session],
    redis: aioredis.Redis,
    engine: DialogEngine,
    control: ConversationControl,
    engine_memory: EngineMemory | None = None,
    typing_delay_seconds: float = TYPING_DELAY_SECONDS,
) -> list[Step]:
    """A turn, step by step, in order: a dealer's message ends at the first step."""
    return [
        steps.DealerTurn(sessions),
        steps.RecordInbound(sessions),
        steps.OptOutKeyword(sessions),
        steps.HandoffCheck(redis, control),
        steps.EngineTurn(redis, engine, typing_delay_seconds),
        steps.Render(),
        steps.RecordReplies(sessions, redis, engine_memory),
        steps.Send(sessions),
    ]


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
        control: ConversationControl | None = None,
        max_concurrent_turns: int = 32,
        reclaim_idle_ms: int = 60_000,
        ordering_wait_seconds: float = 30.0,
        typing_delay_seconds: float = TYPING_DELAY_SECONDS,
    ) -> None:
        self._queue = queue
        self._redis = redis
        self._sessions = sessions
        self._engine = engine
        self._adapters = adapters
        self._consumer = consumer
        self.control = control or ConversationControl(sessions=sessions, engine=engine)
        self.steps = turn_steps(
            sessions=sessions,
            redis=redis,
            engine=engine,
            control=self.control,
            engine_memory=engine_memory,
            typing_delay_seconds=typing_delay_seconds,
        )
        self._turns = asyncio.Semaphore(max_concurrent_turns)
        self._reclaim_idle_ms = reclaim_idle_ms
        self._ordering_wait = ordering_wait_seconds
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
            await self._redis.expire(_ATTEMPTS.format(entry=queued.entry_id), ATTEMPTS_TTL)
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
        turn = Turn(message=message, adapter=self._adapters[message.channel])
        for step in self.steps:
            if step.check(turn) and not await step.handle(turn):
                return

    async def return_overdue_handoffs(self, *, now: datetime | None = None) -> int:
        """Give back to the bot the conversations no agent took in time; the bot says so in
        the buyer's language. How many came back."""
        returned = await self.control.return_overdue(now=now)
        for conversation in returned:
            await self._announce_return(conversation)
        return len(returned)

    async def return_overdue_handoffs_until(
        self, stop: asyncio.Event, every_seconds: float = HANDOFF_CHECK_SECONDS
    ) -> None:
        """`return_overdue_handoffs` every `every_seconds` until `stop` is set."""
        while not stop.is_set():
            try:
                await self.return_overdue_handoffs()
            except Exception:  # the database or Rasa is down: the next round tries again
                logger.exception("overdue handoffs not returned")
            try:
                await asyncio.wait_for(stop.wait(), timeout=every_seconds)
            except TimeoutError:
                continue

    async def _announce_return(self, conversation: ReturnedConversation) -> None:
        adapter = self._adapters.get(Channel(conversation.channel))
        if adapter is None:  # a channel this deployment no longer serves
            return
        replies = await self._engine.send(
            conversation_id=conversation.key,
            text=HANDOFF_EXPIRED,
            metadata={
                "channel": conversation.channel,
                "language": conversation.language,
                "buyer_id": conversation.buyer_id,
                "conversation_id": conversation.conversation_id,
            },
        )
        parts = await adapter.prepare(
            replies, conversation=conversation.key, chat_id=conversation.chat_id
        )
        pending = await asyncio.to_thread(
            turns.record_notice,
            self._sessions,
            conversation.conversation_id,
            f"handoff:{conversation.request_id}",
            parts,
        )
        await steps.send_parts(self._sessions, adapter, pending)
