"""A conversation worker with everything real behind it but the providers: the worker harness
shared by the worker and full-stack tests."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
import pytest
from sqlalchemy.orm import Session, sessionmaker

from bots.adapters import build_adapters
from bots.config import ChannelSettings
from bots.outbound.limits import RedisRateLimiter, channel_limits
from bots.queue import InboundQueue
from bots.worker import ConversationWorker
from chat.messages import Channel, InboundKind, InboundMessage, QueueItem
from dialogs.client import RasaClient
from infra.redis import RedisSettings, connect_async_redis, connect_redis
from tests.rasa_stack import RasaStack
from tests.servers import channel_settings

PUBLIC_URL = "http://127.0.0.1:8000"


@dataclass
class Harness:
    sessions: sessionmaker[Session]
    redis_settings: RedisSettings
    channels: ChannelSettings
    fakes_url: str
    rasa: RasaStack
    since: int

    def worker(
        self, queue: InboundQueue, redis: Any, http: httpx.AsyncClient, **options: Any
    ) -> ConversationWorker:
        return ConversationWorker(
            queue=queue,
            redis=redis,
            sessions=self.sessions,
            engine=RasaClient(
                http=http, base_url=self.rasa.base_url, auth_token=self.rasa.auth_token
            ),
            adapters=build_adapters(self.channels, http, PUBLIC_URL, redis, self.limiter(redis)),
            consumer=options.pop("consumer", "test-worker"),
            engine_memory=self.rasa.tracker_stores,
            **options,
        )

    def limiter(self, redis: Any) -> RedisRateLimiter:
        """The shared limiter, on keys of this test's own (its stream's name is unique)."""
        prefix = f"{self.channels.inbound_stream}:limits"
        return RedisRateLimiter(redis, channel_limits(self.channels), prefix=prefix)

    def sent(self, chat_id: str, *, delivered_only: bool = True) -> list[dict[str, Any]]:
        """Requests the fakes recorded for this chat since the test began, oldest first."""
        mine = [r for r in self.requests() if _chat_of(r) == chat_id and _is_reply(r)]
        return [r for r in mine if r["delivered"]] if delivered_only else mine

    def requests(self) -> list[dict[str, Any]]:
        """Every request the fakes recorded since the test began (replies, read receipts,
        typing, callback answers), oldest first."""
        records: list[dict[str, Any]] = httpx.get(
            f"{self.fakes_url}/_fake/requests", params={"since": self.since}
        ).json()
        return records

    def drained(self) -> bool:
        """The worker has handled (and acknowledged) everything queued on the test's stream."""
        client = connect_redis(self.redis_settings)
        try:
            stream = self.channels.inbound_stream
            last = client.xinfo_stream(stream)["last-generated-id"]
            groups = client.xinfo_groups(stream)
        finally:
            client.close()
        return bool(groups) and all(
            group["pending"] == 0 and group["last-delivered-id"] == last for group in groups
        )

    def fail_next(self, provider: str, status: int, count: int, **extra: Any) -> None:
        body = {"provider": provider, "status": status, "count": count, **extra}
        httpx.post(f"{self.fakes_url}/_fake/failures", json=body).raise_for_status()

    def run(self, messages: list[QueueItem], until: Callable[[], bool], **options: Any) -> None:
        """Queue `messages`, run a worker until `until()` holds (or 60 s), then stop it."""
        asyncio.run(self._run(messages, until, options))

    async def _run(
        self, messages: list[QueueItem], until: Callable[[], bool], options: dict[str, Any]
    ) -> None:
        redis = connect_async_redis(self.redis_settings)
        queue = InboundQueue(redis, stream=self.channels.inbound_stream)
        for message in messages:
            assert await queue.accept(message)
        stop = asyncio.Event()
        async with httpx.AsyncClient(timeout=15) as http:
            task = asyncio.create_task(self.worker(queue, redis, http, **options).run(stop))
            deadline = time.monotonic() + 60
            while not await asyncio.to_thread(until) and time.monotonic() < deadline:
                await asyncio.sleep(0.1)
            stop.set()
            await task
        await redis.aclose()

    def return_overdue_handoffs(self, *, now: datetime) -> int:
        """Run a worker's periodic check once, as if it were `now`; how many came back."""
        return asyncio.run(self._return_overdue_handoffs(now))

    async def _return_overdue_handoffs(self, now: datetime) -> int:
        redis = connect_async_redis(self.redis_settings)
        queue = InboundQueue(redis, stream=self.channels.inbound_stream)
        async with httpx.AsyncClient(timeout=15) as http:
            returned = await self.worker(queue, redis, http).return_overdue_handoffs(now=now)
        await redis.aclose()
        return returned


def _chat_of(record: dict[str, Any]) -> str:
    body = record.get("body") or {}
    chat = body.get("chat_id") or body.get("to") or body.get("recipient") or body.get("To")
    return str(chat or "")


def _is_reply(record: dict[str, Any]) -> bool:
    endpoint = record["endpoint"].lower()
    return endpoint in {"sendmessage", "sendphoto", "sendmediagroup", "messages"} and not (
        isinstance(record.get("body"), dict) and record["body"].get("status") == "read"
    )


def _text_of(record: dict[str, Any]) -> str:
    body = record["body"]
    if "Body" in body:
        return str(body["Body"])
    if "text" in body and isinstance(body["text"], str):
        return str(body["text"])
    if body.get("type") == "text":
        return str(body["text"]["body"])
    if body.get("type") == "interactive":
        return str(body["interactive"]["body"]["text"])
    return ""


@pytest.fixture
def harness(
    sessions: sessionmaker[Session],
    redis_settings: RedisSettings,
    fakes_url: str,
    rasa_stack: RasaStack,
) -> Harness:
    since = httpx.get(f"{fakes_url}/_fake/requests").json()
    channels = channel_settings(fakes_url, inbound_stream=f"nzila:test:{uuid.uuid4().hex[:10]}")
    return Harness(
        sessions,
        redis_settings,
        channels,
        fakes_url,
        rasa_stack,
        max([r["seq"] for r in since], default=0),
    )


def whatsapp(text: str, number: str, **extra: Any) -> InboundMessage:
    values: dict[str, Any] = {"kind": InboundKind.TEXT, **extra}
    return InboundMessage(channel=Channel.WHATSAPP, message_id=f"wamid.{uuid.uuid4().hex}",
                          user_id=f"+{number}", chat_id=number, text=text, **values)  # fmt: skip


def twilio(text: str, number: str, **extra: Any) -> InboundMessage:
    values: dict[str, Any] = {"kind": InboundKind.TEXT, **extra}
    return InboundMessage(channel=Channel.TWILIO, message_id=f"SM{uuid.uuid4().hex}",
                          user_id=f"+{number}", chat_id=f"whatsapp:+{number}", text=text,
                          **values)  # fmt: skip


def telegram(text: str, user: int, **extra: Any) -> InboundMessage:
    values: dict[str, Any] = {"kind": InboundKind.TEXT, **extra}
    return InboundMessage(channel=Channel.TELEGRAM, message_id=str(uuid.uuid4().int % 10**9),
                          user_id=str(user), chat_id=str(user), text=text, **values)  # fmt: skip


def new_number() -> str:
    return f"23480{uuid.uuid4().int % 10**8:08d}"
