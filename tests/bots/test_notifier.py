"""Alerts sent through the real channel adapters to the local fake providers: the words and
buttons arrive on the recipient's channel, and a refusal is reported as "not sent"."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
import pytest

from bots.adapters import build_adapters
from bots.notifier import ChannelNotifier
from bots.outbound.limits import RedisRateLimiter, channel_limits
from chat.messages import Channel
from chat.replies import Button
from infra.redis import RedisSettings, connect_async_redis
from notifications.notifier import AlertMessage, NotSent, Recipient
from tests.servers import channel_settings

OUTBID = AlertMessage(
    "You were outbid on the 2015 Toyota RAV4.", [Button(title="Bid again", payload="/bid")]
)


def notify(
    fakes_url: str, redis: RedisSettings, recipient: Recipient, channels: list[str] | None = None
) -> list[str]:
    settings = channel_settings(fakes_url, **({"channels": channels} if channels else {}))

    async def main() -> list[str]:
        connection = connect_async_redis(redis)
        prefix = f"nzila:test:{uuid.uuid4().hex[:12]}"
        limiter = RedisRateLimiter(connection, channel_limits(settings), prefix=prefix)
        try:
            async with httpx.AsyncClient(timeout=10) as http:
                adapters = build_adapters(
                    settings, http, "http://127.0.0.1:8000", connection, limiter
                )
                return await ChannelNotifier(adapters).notify(recipient, OUTBID)
        finally:
            await connection.aclose()

    return asyncio.run(main())


def received(fakes_url: str, chat: str) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = httpx.get(f"{fakes_url}/_fake/requests").json()
    return [r for r in records if chat in str(r.get("body"))]


def test_an_alert_reaches_a_telegram_chat_with_its_button(
    fakes_url: str, redis_settings: RedisSettings
) -> None:
    chat = str(uuid.uuid4().int % 10**9)

    ids = notify(fakes_url, redis_settings, Recipient(Channel.TELEGRAM, chat, "en"))

    [record] = received(fakes_url, chat)
    assert record["body"]["text"] == OUTBID.text
    keyboard = record["body"]["reply_markup"]["inline_keyboard"]
    assert keyboard == [[{"text": "Bid again", "callback_data": "/bid"}]]
    assert len(ids) == 1 and ids[0].startswith(f"{chat}:")


def test_an_alert_reaches_a_whatsapp_number_as_a_reply_button(
    fakes_url: str, redis_settings: RedisSettings
) -> None:
    number = f"23480{uuid.uuid4().int % 10**8:08d}"

    ids = notify(fakes_url, redis_settings, Recipient(Channel.WHATSAPP, number, "fr"))

    [record] = received(fakes_url, number)
    assert record["body"]["interactive"]["body"]["text"] == OUTBID.text
    assert len(ids) == 1


def test_a_provider_refusal_is_not_sent_and_not_retryable(
    fakes_url: str, redis_settings: RedisSettings
) -> None:
    failure = {"provider": "whatsapp", "status": 400, "count": 1, "code": 131026}
    httpx.post(f"{fakes_url}/_fake/failures", json=failure).raise_for_status()

    with pytest.raises(NotSent) as raised:
        notify(fakes_url, redis_settings, Recipient(Channel.WHATSAPP, "2348000000001", "en"))

    assert raised.value.retryable is False
    assert "131026" in raised.value.reason


def test_a_channel_not_served_is_not_sent(fakes_url: str, redis_settings: RedisSettings) -> None:
    with pytest.raises(NotSent) as raised:
        notify(fakes_url, redis_settings, Recipient(Channel.TWILIO, "whatsapp:+1555", "en"),
               channels=["telegram"])  # fmt: skip

    assert raised.value.retryable is False
