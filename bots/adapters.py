"""Channel adapters: render bot replies for a channel, send them, and acknowledge what arrived
(answer Telegram callbacks, show typing, mark WhatsApp messages read). One per channel."""

from __future__ import annotations

import logging
from typing import Protocol

import httpx

from bots.config import ChannelSettings
from bots.outbound.limits import RateLimiter
from bots.outbound.parts import Rendered
from bots.outbound.providers import TelegramClient, TwilioClient, WhatsAppClient
from bots.outbound.sender import Sender
from bots.outbound.telegram import render_telegram
from bots.outbound.twilio import render_twilio
from bots.outbound.whatsapp import render_whatsapp
from chat.messages import Channel, InboundMessage
from chat.replies import Reply

logger = logging.getLogger(__name__)


class ChannelAdapter(Protocol):
    channel: Channel
    sender: Sender

    def render(
        self, replies: list[Reply], message: InboundMessage, long_payloads: dict[str, str]
    ) -> Rendered:
        """Provider calls for `replies` to the sender of `message`."""
        ...

    async def acknowledge(self, message: InboundMessage) -> None:
        """Best-effort signals that the message arrived (a Telegram button's spinner stopped,
        WhatsApp's blue ticks); failures are logged, never raised."""
        ...

    async def show_typing(self, message: InboundMessage) -> None:
        """Best-effort "typing…", for a reply that is taking a while; never raises."""
        ...


class TelegramAdapter:
    channel = Channel.TELEGRAM

    def __init__(
        self, settings: ChannelSettings, http: httpx.AsyncClient, limiter: RateLimiter
    ) -> None:
        self._client = TelegramClient(settings)
        self._http = http
        self.sender = Sender(self._client, http, limiter)

    def render(
        self, replies: list[Reply], message: InboundMessage, long_payloads: dict[str, str]
    ) -> Rendered:
        return render_telegram(replies, message.chat_id, long_payloads)

    async def acknowledge(self, message: InboundMessage) -> None:
        if message.callback_query_id:  # Telegram shows a spinner until the callback is answered
            await _best_effort(
                self._http,
                *self._client.call(
                    "answerCallbackQuery", {"callback_query_id": message.callback_query_id}
                ),
            )

    async def show_typing(self, message: InboundMessage) -> None:
        await _best_effort(
            self._http,
            *self._client.call("sendChatAction", {"chat_id": message.chat_id, "action": "typing"}),
        )


class WhatsAppAdapter:
    channel = Channel.WHATSAPP

    def __init__(
        self, settings: ChannelSettings, http: httpx.AsyncClient, limiter: RateLimiter
    ) -> None:
        self._client = WhatsAppClient(settings)
        self._http = http
        self.sender = Sender(self._client, http, limiter)

    def render(
        self, replies: list[Reply], message: InboundMessage, long_payloads: dict[str, str]
    ) -> Rendered:
        return render_whatsapp(replies, message.chat_id)

    async def acknowledge(self, message: InboundMessage) -> None:
        # Blue ticks and "typing…" in one call (the typing indicator lasts up to 25 s).
        body = {
            "messaging_product": "whatsapp",
            "status": "read",
            "message_id": message.message_id,
            "typing_indicator": {"type": "text"},
        }
        await _best_effort(self._http, *self._client.call(body))

    async def show_typing(self, message: InboundMessage) -> None:
        return None  # already shown with the read receipt


class TwilioAdapter:
    channel = Channel.TWILIO

    def __init__(
        self,
        settings: ChannelSettings,
        http: httpx.AsyncClient,
        public_base_url: str,
        limiter: RateLimiter,
    ) -> None:
        self.sender = Sender(TwilioClient(settings), http, limiter)
        self._from = settings.twilio_whatsapp_from
        self._status_callback = public_base_url.rstrip("/") + "/webhooks/twilio/status"

    def render(
        self, replies: list[Reply], message: InboundMessage, long_payloads: dict[str, str]
    ) -> Rendered:
        return render_twilio(replies, message.chat_id, self._from, self._status_callback)

    async def acknowledge(self, message: InboundMessage) -> None:
        return None  # Twilio's WhatsApp API has no read receipts to send

    async def show_typing(self, message: InboundMessage) -> None:
        return None  # nor a typing indicator


async def _best_effort(http: httpx.AsyncClient, url: str, kwargs: dict[str, object]) -> None:
    try:
        response = await http.post(url, **kwargs)  # type: ignore[arg-type]
    except httpx.HTTPError as error:
        logger.info("acknowledgement not sent: %r", error)
        return
    if not response.is_success:
        logger.info("acknowledgement refused: %s", response.status_code)


def build_adapters(
    settings: ChannelSettings,
    http: httpx.AsyncClient,
    public_base_url: str,
    limiter: RateLimiter,
) -> dict[Channel, ChannelAdapter]:
    """The served channels' adapters; their senders share `limiter` with every process."""
    adapters: dict[Channel, ChannelAdapter] = {
        Channel.TELEGRAM: TelegramAdapter(settings, http, limiter),
        Channel.WHATSAPP: WhatsAppAdapter(settings, http, limiter),
        Channel.TWILIO: TwilioAdapter(settings, http, public_base_url, limiter),
    }
    return {
        channel: adapter
        for channel, adapter in adapters.items()
        if channel.value in settings.channels
    }
