"""The sender: which limiter buckets each provider's parts spend, retries of transient failures
(5xx, network) up to a limit, and a provider's "slow down" heard by every chat of that number."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from bots.config import ChannelSettings
from bots.outbound import sender as sender_module
from bots.outbound.limits import ChannelLimits, Rate, RedisRateLimiter
from bots.outbound.parts import OutboundPart
from bots.outbound.providers import TelegramClient, TwilioClient, WhatsAppClient
from bots.outbound.sender import PermanentSendError, Sender
from infra.redis import RedisSettings, connect_async_redis


@pytest.mark.parametrize(
    ("client", "body", "sender", "chat", "group"),
    [
        (TelegramClient, {"chat_id": 7005, "text": "hi"}, "123456", "7005", False),
        (TelegramClient, {"chat_id": -100200, "text": "hi"}, "123456", "-100200", True),
        (WhatsAppClient, {"to": "2348012345678"}, "100000000000001", "2348012345678", False),
        (WhatsAppClient, {"recipient": "US.13491208655302741918"}, "100000000000001",
         "US.13491208655302741918", False),
        (TwilioClient, {"To": "whatsapp:+233201234567"}, "whatsapp:+14155238886",
         "whatsapp:+233201234567", False),
    ],
)  # fmt: skip
def test_each_provider_spends_the_buckets_of_its_sending_number_and_recipient(
    client: type[TelegramClient | WhatsAppClient | TwilioClient],
    body: dict[str, object],
    sender: str,
    chat: str,
    group: bool,
) -> None:
    provider = client(ChannelSettings(_env_file=None))  # type: ignore[call-arg]

    assert provider.chat_of(OutboundPart("text", "hi", "sendMessage", body)) == chat
    assert provider.sender_id == sender  # never the bot token's secret part
    assert provider.is_group(chat) is group


# --- retries and the shared slow-down, with httpx.MockTransport -----------------------------

SETTINGS = ChannelSettings(_env_file=None)  # type: ignore[call-arg]
TEXT = OutboundPart("text", "hi", "messages", {"to": "2348012345678", "type": "text"})
SENT = httpx.Response(200, json={"messages": [{"id": "wamid.sent"}]})


@pytest.fixture(autouse=True)
def quick_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sender_module, "BASE_DELAY", 0.01)


def _deliver(
    redis: RedisSettings,
    handler: Callable[[httpx.Request], Awaitable[httpx.Response]],
    scenario: Callable[[Sender], Awaitable[Any]],
    *,
    max_attempts: int = 5,
) -> Any:
    async def main() -> Any:
        connection = connect_async_redis(redis)
        limits = {"whatsapp": ChannelLimits(sender=Rate(1000.0, 100), chat=Rate(1000.0, 100))}
        limiter = RedisRateLimiter(connection, limits, prefix=f"nzila:test:{uuid.uuid4().hex[:12]}")
        try:
            async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as http:
                client = WhatsAppClient(SETTINGS)
                return await scenario(Sender(client, http, limiter, max_attempts=max_attempts))
        finally:
            await connection.aclose()

    return asyncio.run(main())


def _answers(
    *responses: httpx.Response | Exception,
) -> tuple[list[httpx.Request], Callable[[httpx.Request], Awaitable[httpx.Response]]]:
    """A provider answering `responses` in turn (an exception: the network failed)."""
    requests: list[httpx.Request] = []
    queue = list(responses)

    async def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        answer = queue.pop(0) if queue else SENT
        if isinstance(answer, Exception):
            raise answer
        return answer

    return requests, handler


def test_a_5xx_and_a_network_failure_are_retried_until_the_part_is_sent(
    redis_settings: RedisSettings,
) -> None:
    requests, handler = _answers(httpx.Response(503), httpx.ConnectError("refused"), SENT)

    message_id = _deliver(redis_settings, handler, lambda sender: sender.send(TEXT))

    assert message_id == "wamid.sent"
    assert len(requests) == 3


def test_a_failure_still_transient_at_the_last_attempt_becomes_permanent(
    redis_settings: RedisSettings,
) -> None:
    requests, handler = _answers(*[httpx.Response(500)] * 3)

    with pytest.raises(PermanentSendError) as raised:
        _deliver(redis_settings, handler, lambda sender: sender.send(TEXT), max_attempts=3)

    assert raised.value.code == "500"
    assert len(requests) == 3


def test_a_429s_retry_after_holds_the_senders_other_chats_too(
    redis_settings: RedisSettings,
) -> None:
    refused = asyncio.Event()
    other = OutboundPart("text", "hi", "messages", {"to": "2348099999999", "type": "text"})

    async def handler(request: httpx.Request) -> httpx.Response:
        if b"2348012345678" in request.content and not refused.is_set():
            refused.set()
            return httpx.Response(429, headers={"Retry-After": "0.6"})
        return SENT

    async def scenario(sender: Sender) -> float:
        first = asyncio.create_task(sender.send(TEXT))
        await refused.wait()
        await asyncio.sleep(0.05)  # the refused send has told the limiter
        started = time.monotonic()
        await sender.send(other)
        waited = time.monotonic() - started
        await first
        return waited

    assert _deliver(redis_settings, handler, scenario) >= 0.45


def test_without_a_429_another_chat_goes_at_once(redis_settings: RedisSettings) -> None:
    _, handler = _answers()

    async def scenario(sender: Sender) -> float:
        await sender.send(TEXT)
        started = time.monotonic()
        await sender.send(OutboundPart("text", "hi", "messages", {"to": "2348099999999"}))
        return time.monotonic() - started

    assert _deliver(redis_settings, handler, scenario) < 0.3
