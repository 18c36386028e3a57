"""The sender: which limiter buckets each provider's parts spend."""

from __future__ import annotations

import pytest

from bots.config import ChannelSettings
from bots.outbound.parts import OutboundPart
from bots.outbound.providers import TelegramClient, TwilioClient, WhatsAppClient


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
