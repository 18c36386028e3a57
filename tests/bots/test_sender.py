"""Per-chat pacing: a reply's burst goes out at once, a chat flooded with replies is paced to what
the provider allows, and other chats are not held up."""

from __future__ import annotations

import asyncio
import time

import pytest

from bots.config import ChannelSettings
from bots.outbound.parts import OutboundPart
from bots.outbound.providers import TelegramClient, TwilioClient, WhatsAppClient
from bots.outbound.sender import ChatPacer


async def _timed_waits(pacer: ChatPacer, chats: list[str]) -> list[float]:
    started = time.monotonic()
    ends = []
    for chat in chats:
        await pacer.wait(chat)
        ends.append(time.monotonic() - started)
    return ends


def test_a_burst_goes_out_at_once_then_the_chat_is_paced() -> None:
    pacer = ChatPacer(rate=10.0, burst=3)

    ends = asyncio.run(_timed_waits(pacer, ["42"] * 5))

    assert ends[2] < 0.05  # the burst
    assert ends[3] >= 0.09  # then one every 0.1 s
    assert ends[4] >= 0.19


def test_another_chat_is_not_held_up_by_a_busy_one() -> None:
    pacer = ChatPacer(rate=2.0, burst=1)

    ends = asyncio.run(_timed_waits(pacer, ["busy", "other", "third"]))

    assert ends[-1] < 0.05


def test_a_chat_that_rested_gets_its_burst_back() -> None:
    async def scenario() -> list[float]:
        pacer = ChatPacer(rate=20.0, burst=2)
        await _timed_waits(pacer, ["42", "42"])
        await asyncio.sleep(0.1)  # two tokens back
        return await _timed_waits(pacer, ["42", "42"])

    assert asyncio.run(scenario())[-1] < 0.04


def test_forgetting_idle_chats_keeps_busy_ones_paced() -> None:
    pacer = ChatPacer(rate=10.0, burst=1, max_chats=3)

    ends = asyncio.run(_timed_waits(pacer, ["a", "b", "c", "d", "a"]))

    assert ends[3] < 0.05  # new chats never wait for their first message
    assert ends[4] >= 0.05  # "a" was still spending its token: not forgotten


@pytest.mark.parametrize(
    ("client", "body", "chat", "rate", "burst"),
    [
        (TelegramClient, {"chat_id": 7005, "text": "hi"}, "7005", 1.0, 4),
        (WhatsAppClient, {"to": "2348012345678", "type": "text"}, "2348012345678", 1 / 6, 40),
        (TwilioClient, {"To": "whatsapp:+233201234567"}, "whatsapp:+233201234567", 1 / 6, 40),
    ],
)
def test_each_provider_paces_by_its_recipient_within_its_published_limits(
    client: type[TelegramClient | WhatsAppClient | TwilioClient],
    body: dict[str, object],
    chat: str,
    rate: float,
    burst: int,
) -> None:
    provider = client(ChannelSettings(_env_file=None))  # type: ignore[call-arg]

    assert provider.chat_of(OutboundPart("text", "hi", "sendMessage", body)) == chat
    assert (provider.chat_rate_per_second, provider.chat_burst) == (rate, burst)
