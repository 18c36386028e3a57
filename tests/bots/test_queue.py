from __future__ import annotations

import asyncio
import uuid

import redis.asyncio as aioredis

from bots.queue import InboundQueue
from chat.messages import Channel, InboundKind, InboundMessage


def message(user: str = "+2348012345678", text: str = "hello", **extra: object) -> InboundMessage:
    values: dict[str, object] = {
        "channel": Channel.WHATSAPP,
        "message_id": f"wamid.{uuid.uuid4().hex}",
        "user_id": user,
        "chat_id": user.lstrip("+"),
        "kind": InboundKind.TEXT,
        "text": text,
    }
    values.update(extra)
    return InboundMessage.model_validate(values)


def test_a_replayed_provider_id_is_queued_once(
    async_redis: aioredis.Redis, stream_name: str, loop: asyncio.AbstractEventLoop
) -> None:
    queue = InboundQueue(async_redis, stream=stream_name)
    first = message()

    async def scenario() -> list[bool]:
        return [await queue.accept(first), await queue.accept(first), await queue.accept(first)]

    assert loop.run_until_complete(scenario()) == [True, False, False]
    assert loop.run_until_complete(async_redis.xlen(stream_name)) == 1


def test_messages_of_a_conversation_are_numbered_in_arrival_order(
    async_redis: aioredis.Redis, stream_name: str, loop: asyncio.AbstractEventLoop
) -> None:
    queue = InboundQueue(async_redis, stream=stream_name)
    user = f"+23480{uuid.uuid4().int % 10**8:08d}"
    other = f"+25470{uuid.uuid4().int % 10**8:08d}"

    async def scenario() -> list[tuple[str, int, str]]:
        await queue.ensure_group()
        for text in ["one", "two"]:
            await queue.accept(message(user, text))
        await queue.accept(message(other, "elsewhere"))
        await queue.accept(message(user, "three"))
        read = await queue.read("worker-1", block_ms=100)
        return [(q.message.user_id, q.sequence, q.message.text) for q in read]

    assert loop.run_until_complete(scenario()) == [
        (user, 1, "one"),
        (user, 2, "two"),
        (other, 1, "elsewhere"),
        (user, 3, "three"),
    ]


def test_a_dead_consumers_messages_are_reclaimed_and_acked_ones_are_not(
    async_redis: aioredis.Redis, stream_name: str, loop: asyncio.AbstractEventLoop
) -> None:
    queue = InboundQueue(async_redis, stream=stream_name)

    async def scenario() -> tuple[list[str], list[str], int]:
        await queue.ensure_group()
        await queue.accept(message(text="kept"))
        await queue.accept(message(text="lost"))
        taken = await queue.read("dying-worker", block_ms=100)
        await queue.ack(taken[0].entry_id)  # the first turn finished, the second did not
        await asyncio.sleep(0.05)
        reclaimed = await queue.reclaim("healthy-worker", idle_ms=10)
        return (
            [q.message.text for q in taken],
            [q.message.text for q in reclaimed],
            (await queue.depth()),
        )

    taken, reclaimed, depth = loop.run_until_complete(scenario())
    assert taken == ["kept", "lost"]
    assert reclaimed == ["lost"]
    assert depth == 1


def test_the_done_mark_remembers_how_far_a_conversation_got(
    async_redis: aioredis.Redis, stream_name: str, loop: asyncio.AbstractEventLoop
) -> None:
    queue = InboundQueue(async_redis, stream=stream_name)
    key = f"whatsapp:+{uuid.uuid4().int % 10**12}"

    async def scenario() -> list[int]:
        before = await queue.done_sequence(key)
        await queue.mark_done(key, 3)
        return [before, await queue.done_sequence(key)]

    assert loop.run_until_complete(scenario()) == [0, 3]
