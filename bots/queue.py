"""The durable inbound queue: a Redis stream read by a consumer group, with atomic dedupe and a
per-conversation sequence number so turns run strictly in order, even across workers.

Three kinds of item travel on it: the buyers' messages, the providers' delivery reports (in the
conversation's line, so a report waits for the turn that sent its message) and the refusals of
items that could not be read (recorded by the worker, so the webhook writes no database row).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import redis.asyncio as aioredis

from chat.messages import DeliveryStatus, InboundMessage, QueueItem, Refusal

STREAM = "nzila:inbound"
GROUP = "bots"
SEEN_TTL_SECONDS = 8 * 24 * 3600  # providers retry for up to 7 days
_SEEN = "nzila:seen:{channel}:{message_id}"
_SEEN_STATUS = "nzila:seen:{channel}:status:{message_id}:{state}"
_SEEN_REFUSAL = "nzila:seen:{channel}:refused:{digest}"
_SEQUENCE = "nzila:seq:{conversation}"
_DONE = "nzila:done:{conversation}"

# SET NX (dedupe), INCR (order in the conversation) and XADD in one atomic step: a message is
# either new, numbered and queued, or recognised as a replay and dropped.
_ACCEPT = """
if not redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then return 0 end
local seq = redis.call('INCR', KEYS[2])
redis.call('XADD', KEYS[3], '*', 'm', ARGV[2], 'c', ARGV[3], 'seq', seq, 't', ARGV[4])
return seq
"""


# The stream's name for each kind of item; an entry without one is a message (older entries).
_KINDS: dict[str, type[InboundMessage] | type[DeliveryStatus] | type[Refusal]] = {
    "message": InboundMessage,
    "status": DeliveryStatus,
    "refusal": Refusal,
}


@dataclass(frozen=True)
class QueuedMessage:
    """An item read from the stream: its stream entry id and its place in the conversation."""

    entry_id: str
    sequence: int
    message: QueueItem


class InboundQueue:
    """Accept (webhooks) and consume (workers) inbound messages."""

    def __init__(self, client: aioredis.Redis, *, stream: str = STREAM, group: str = GROUP) -> None:
        self._redis = client
        self._stream = stream
        self._group = group
        self._accept = client.register_script(_ACCEPT)

    async def accept(self, item: QueueItem) -> bool:
        """Queue `item` unless it was seen before (the same provider message id, the same report
        on the same message, the same refused item). True when queued."""
        keys = [
            seen_key(item),
            _SEQUENCE.format(conversation=item.conversation_key),
            self._stream,
        ]
        args: list[str | int] = [
            SEEN_TTL_SECONDS,
            item.model_dump_json(),
            item.conversation_key,
            _kind_of(item),
        ]
        return bool(await self._accept(keys=keys, args=args))

    async def ensure_group(self) -> None:
        try:
            await self._redis.xgroup_create(self._stream, self._group, id="0", mkstream=True)
        except aioredis.ResponseError as error:
            if "BUSYGROUP" not in str(error):
                raise

    async def read(
        self, consumer: str, *, count: int = 50, block_ms: int = 1000
    ) -> list[QueuedMessage]:
        """New messages for this consumer (they stay pending until acknowledged)."""
        reply = await self._redis.xreadgroup(
            self._group, consumer, {self._stream: ">"}, count=count, block=block_ms
        )
        return [
            decode(entry_id, fields) for _, entries in reply or [] for entry_id, fields in entries
        ]

    async def reclaim(self, consumer: str, *, idle_ms: int, count: int = 50) -> list[QueuedMessage]:
        """Messages another consumer took but did not acknowledge within `idle_ms` (it died)."""
        reply = await self._redis.xautoclaim(
            self._stream, self._group, consumer, min_idle_time=idle_ms, start_id="0-0", count=count
        )
        entries = reply[1] if reply else []
        return [decode(entry_id, fields) for entry_id, fields in entries if fields]

    async def ack(self, entry_id: str) -> None:
        await self._redis.xack(self._stream, self._group, entry_id)

    async def done_sequence(self, conversation: str) -> int:
        """The last sequence number of this conversation whose turn is finished."""
        value = await self._redis.get(_DONE.format(conversation=conversation))
        return int(value or 0)

    async def mark_done(self, conversation: str, sequence: int) -> None:
        await self._redis.set(_DONE.format(conversation=conversation), sequence)

    async def depth(self) -> int:
        """Messages waiting or in flight: the stream's entries not yet acknowledged."""
        try:
            groups = await self._redis.xinfo_groups(self._stream)
        except aioredis.ResponseError:
            return 0
        for group in groups:
            if _text(group["name"]) == self._group:
                pending = int(group.get("pending", 0))
                lag = group.get("lag")
                return pending + (int(lag) if lag is not None else 0)
        return int(await self._redis.xlen(self._stream))


def seen_key(item: QueueItem) -> str:
    """The dedupe key of `item`: what makes a replay of it recognisable for 8 days."""
    channel = item.channel.value
    if isinstance(item, InboundMessage):
        return _SEEN.format(channel=channel, message_id=item.message_id)
    if isinstance(item, DeliveryStatus):
        return _SEEN_STATUS.format(
            channel=channel, message_id=item.message_id, state=item.state.value
        )
    digest = hashlib.sha256(f"{item.reason}\n{item.item}".encode()).hexdigest()[:32]
    return _SEEN_REFUSAL.format(channel=channel, digest=digest)


def _kind_of(item: QueueItem) -> str:
    return next(name for name, kind in _KINDS.items() if isinstance(item, kind))


def decode(entry_id: Any, fields: dict[Any, Any]) -> QueuedMessage:
    """A stream entry as the worker reads it."""
    values = {_text(key): _text(value) for key, value in fields.items()}
    kind = _KINDS[values.get("t", "message")]
    return QueuedMessage(
        entry_id=_text(entry_id),
        sequence=int(values["seq"]),
        message=kind.model_validate_json(values["m"]),
    )


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
