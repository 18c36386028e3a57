"""The durable inbound queue: a Redis stream read by a consumer group, with atomic dedupe and a
per-conversation sequence number so turns run strictly in order, even across workers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import redis.asyncio as aioredis

from bots.messages import InboundMessage

STREAM = "nzila:inbound"
GROUP = "bots"
SEEN_TTL_SECONDS = 8 * 24 * 3600  # providers retry for up to 7 days
_SEEN = "nzila:seen:{channel}:{message_id}"
_SEQUENCE = "nzila:seq:{conversation}"
_DONE = "nzila:done:{conversation}"

# SET NX (dedupe), INCR (order in the conversation) and XADD in one atomic step: a message is
# either new, numbered and queued, or recognised as a replay and dropped.
_ACCEPT = """
if not redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then return 0 end
local seq = redis.call('INCR', KEYS[2])
redis.call('XADD', KEYS[3], '*', 'm', ARGV[2], 'c', ARGV[3], 'seq', seq)
return seq
"""


@dataclass(frozen=True)
class QueuedMessage:
    """A message read from the stream: its stream entry id and its place in the conversation."""

    entry_id: str
    sequence: int
    message: InboundMessage


class InboundQueue:
    """Accept (webhooks) and consume (workers) inbound messages."""

    def __init__(self, client: aioredis.Redis, *, stream: str = STREAM, group: str = GROUP) -> None:
        self._redis = client
        self._stream = stream
        self._group = group
        self._accept = client.register_script(_ACCEPT)

    async def accept(self, message: InboundMessage) -> bool:
        """Queue `message` unless its provider id was seen before. True when queued."""
        keys = [
            _SEEN.format(channel=message.channel.value, message_id=message.message_id),
            _SEQUENCE.format(conversation=message.conversation_key),
            self._stream,
        ]
        args: list[str | int] = [
            SEEN_TTL_SECONDS,
            message.model_dump_json(),
            message.conversation_key,
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
            _decode(entry_id, fields) for _, entries in reply or [] for entry_id, fields in entries
        ]

    async def reclaim(self, consumer: str, *, idle_ms: int, count: int = 50) -> list[QueuedMessage]:
        """Messages another consumer took but did not acknowledge within `idle_ms` (it died)."""
        reply = await self._redis.xautoclaim(
            self._stream, self._group, consumer, min_idle_time=idle_ms, start_id="0-0", count=count
        )
        entries = reply[1] if reply else []
        return [_decode(entry_id, fields) for entry_id, fields in entries if fields]

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


def _decode(entry_id: Any, fields: dict[Any, Any]) -> QueuedMessage:
    values = {_text(key): _text(value) for key, value in fields.items()}
    return QueuedMessage(
        entry_id=_text(entry_id),
        sequence=int(values["seq"]),
        message=InboundMessage.model_validate_json(values["m"]),
    )


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
