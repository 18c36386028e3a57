"""Channel adapters: render bot replies for a channel, remember what its choices stand for,
send, and acknowledge what arrived (answer Telegram callbacks, show typing, mark WhatsApp
messages read). One per channel.

The base class is the shape of Rasa's ``OutputChannel``: a channel must say how to send text;
buttons, images and galleries fall back to text (numbered options, links) unless the channel
shows them itself, so a new channel overrides only what it can show.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod

import httpx
import redis.asyncio as aioredis

from bots.channels.choices import ChoiceMemory
from bots.config import ChannelSettings
from bots.outbound.limits import RateLimiter
from bots.outbound.parts import OutboundPart, Rendered, gallery_urls, numbered
from bots.outbound.providers import TelegramClient, TwilioClient, WhatsAppClient
from bots.outbound.sender import Sender
from bots.outbound.telegram import LONG_PAYLOAD_PREFIX, render_telegram
from bots.outbound.twilio import render_twilio, render_twilio_template
from bots.outbound.whatsapp import render_whatsapp, render_whatsapp_template
from chat.answers import ACKNOWLEDGE_INTENT, QUESTION_EXPIRED_INTENT, Answer, is_heart, read_answer
from chat.choosing import OUT_OF_RANGE_INTENT, choose
from chat.contacts import CALLBACK_INTENT, find_contact
from chat.deeplinks import payload_for_start, payload_in_text
from chat.messages import MEDIA_INTENT, Channel, InboundKind, InboundMessage, media_kind
from chat.payloads import build_payload
from chat.replies import Button, Reply

logger = logging.getLogger(__name__)


class ChannelAdapter(ABC):
    """One channel's output side. Subclasses set `channel`, give a `sender`, and implement
    `text_part`; every other method has a working default."""

    channel: Channel
    sender: Sender

    def __init__(self, choices: ChoiceMemory) -> None:
        self.choices = choices

    @abstractmethod
    def text_part(self, chat_id: str, text: str) -> OutboundPart:
        """The provider call that sends `text` to `chat_id` (the one thing a channel must do)."""

    def render(self, replies: list[Reply], chat_id: str) -> Rendered:
        """Provider calls for `replies` to `chat_id`, and the numbered options they show."""
        rendered = Rendered()
        for reply in replies:
            urls = gallery_urls(reply)
            if len(urls) > 1:
                rendered.parts += self.render_gallery(chat_id, urls)
            elif urls:
                rendered.parts += self.render_image(chat_id, urls[0])
            if reply.buttons:
                rendered.parts += self.render_buttons(chat_id, reply.text, reply.buttons, rendered)
            elif reply.text:
                rendered.parts.append(self.text_part(chat_id, reply.text))
        return rendered

    def render_buttons(
        self, chat_id: str, text: str, buttons: list[Button], rendered: Rendered
    ) -> list[OutboundPart]:
        """Fallback: the choices as numbered lines; a reply "2" picks the second."""
        rendered.numbered_options = [button.payload for button in buttons]
        part = self.text_part(chat_id, numbered(text, buttons))
        return [OutboundPart("numbered", part.text, part.endpoint, part.body)]

    def render_image(self, chat_id: str, url: str) -> list[OutboundPart]:
        """Fallback: the image's link."""
        return [self.text_part(chat_id, url)]

    def render_gallery(self, chat_id: str, urls: list[str]) -> list[OutboundPart]:
        """Fallback: the images' links, one a line, in one message."""
        return [self.text_part(chat_id, "\n".join(urls))]

    async def prepare(
        self, replies: list[Reply], *, conversation: str, chat_id: str
    ) -> list[OutboundPart]:
        """Render `replies` and remember what their choices stand for in `conversation`."""
        rendered = self.render(replies, chat_id)
        await self.choices.remember_turn(conversation, replies)
        return rendered.parts

    async def engine_text(self, message: InboundMessage) -> str:
        """What the dialog engine reads: the text, or the payload a button, a number or a link
        into the chat (chat.deeplinks) stands for."""
        if message.kind is InboundKind.BUTTON:
            return message.payload or message.text
        if message.kind is InboundKind.TEXT:
            return await self.typed(message.conversation_key, message.text)
        if message.kind is InboundKind.START:  # a t.me link's start parameter opens its vehicle
            return payload_for_start(message.payload) or "/greet"
        if message.kind is InboundKind.IMAGE and message.text.strip():
            return message.text  # a photo's caption is words the buyer typed
        # Voice notes, stickers, photos, locations...: the bot says what it got and can read.
        return build_payload(MEDIA_INTENT, media=media_kind(message.kind, message.provider_type))

    async def typed(self, conversation: str, text: str) -> str:
        """What typed words stand for, read the same on every channel: a link's message into the
        chat, a phone number or e-mail (an offer of a call-back, never a bid), an answer to the
        question just asked ("yes", "sim", 👍: its button's payload), a choice from the options
        just shown ("2", "the first one", "the Camry": the option's payload; past the end: how
        many there were), or an acknowledgement ("ok", "thx", a "yes" when nothing was asked);
        else the words for the NLU."""
        linked = payload_in_text(text)  # what a web page's "continue on WhatsApp" link typed
        if linked:
            return linked
        contact = find_contact(text)  # never a bid: an offer of a call-back
        if contact is not None:
            return build_payload(CALLBACK_INTENT, contact=contact.value,
                                 contact_kind=contact.kind)  # fmt: skip
        answer = read_answer(text) or (Answer.HEART if is_heart(text) else None)
        if answer is not None:
            return await self._answered(conversation, answer, text)
        chosen = choose(text, await self.choices.options(conversation))
        if chosen is None:
            return text
        if chosen.option is not None:
            return chosen.option.payload
        return build_payload(OUT_OF_RANGE_INTENT, number=str(chosen.number),
                             count=str(chosen.count))  # fmt: skip

    async def _answered(self, conversation: str, answer: Answer, text: str) -> str:
        question = await self.choices.question(conversation)
        payload = question.payload_for(answer) if question is not None else None
        if question is not None and payload is not None:
            return build_payload(QUESTION_EXPIRED_INTENT) if question.expired() else payload
        if answer is Answer.AGREE:
            return text  # "I agree" with no question pending: the NLU reads a consent
        return build_payload(ACKNOWLEDGE_INTENT, answer=answer.value)

    def template_part(
        self, chat_id: str, name: str, language: str, params: list[str], buttons: list[str]
    ) -> OutboundPart:
        """An approved template, for channels that allow only templates outside a window."""
        raise NotImplementedError(f"{self.channel.value} has no message templates")

    async def acknowledge(self, message: InboundMessage) -> None:  # noqa: B027 - optional
        """Best-effort signals that the message arrived (a Telegram button's spinner stopped,
        WhatsApp's blue ticks); failures are logged, never raised. Default: none."""

    async def show_typing(self, message: InboundMessage) -> None:  # noqa: B027 - optional
        """Best-effort "typing…", for a reply that is taking a while; never raises. Default:
        none."""


class TelegramAdapter(ChannelAdapter):
    """Inline keyboards, photos and albums; button payloads over Telegram's 64 bytes are sent
    as a key and remembered here."""

    channel = Channel.TELEGRAM

    def __init__(
        self,
        settings: ChannelSettings,
        http: httpx.AsyncClient,
        choices: ChoiceMemory,
        limiter: RateLimiter,
    ) -> None:
        super().__init__(choices)
        self._client = TelegramClient(settings)
        self._http = http
        self.sender = Sender(self._client, http, limiter)

    def text_part(self, chat_id: str, text: str) -> OutboundPart:
        return render_telegram([Reply(text=text)], chat_id, {}).parts[0]

    def render(self, replies: list[Reply], chat_id: str) -> Rendered:
        return render_telegram(replies, chat_id, {})

    async def prepare(
        self, replies: list[Reply], *, conversation: str, chat_id: str
    ) -> list[OutboundPart]:
        long_payloads: dict[str, str] = {}
        rendered = render_telegram(replies, chat_id, long_payloads)
        await self.choices.remember_payloads(long_payloads)
        await self.choices.remember_turn(conversation, replies)
        return rendered.parts

    async def engine_text(self, message: InboundMessage) -> str:
        if message.kind is InboundKind.BUTTON and message.payload.startswith(LONG_PAYLOAD_PREFIX):
            return await self.choices.payload(message.payload) or message.payload
        return await super().engine_text(message)

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


class WhatsAppAdapter(ChannelAdapter):
    """Reply buttons and lists, images one by one (the Cloud API)."""

    channel = Channel.WHATSAPP

    def __init__(
        self,
        settings: ChannelSettings,
        http: httpx.AsyncClient,
        choices: ChoiceMemory,
        limiter: RateLimiter,
    ) -> None:
        super().__init__(choices)
        self._client = WhatsAppClient(settings)
        self._http = http
        self.sender = Sender(self._client, http, limiter)

    def text_part(self, chat_id: str, text: str) -> OutboundPart:
        return render_whatsapp([Reply(text=text)], chat_id).parts[0]

    def render(self, replies: list[Reply], chat_id: str) -> Rendered:
        return render_whatsapp(replies, chat_id)

    def template_part(
        self, chat_id: str, name: str, language: str, params: list[str], buttons: list[str]
    ) -> OutboundPart:
        return render_whatsapp_template(chat_id, name, language, params, buttons)

    async def acknowledge(self, message: InboundMessage) -> None:
        # Blue ticks and "typing…" in one call (the typing indicator lasts up to 25 s).
        body = {
            "messaging_product": "whatsapp",
            "status": "read",
            "message_id": message.message_id,
            "typing_indicator": {"type": "text"},
        }
        await _best_effort(self._http, *self._client.call(body))


class TwilioAdapter(ChannelAdapter):
    """Numbered options and one media per message; no read receipts nor typing indicator."""

    channel = Channel.TWILIO

    def __init__(
        self,
        settings: ChannelSettings,
        http: httpx.AsyncClient,
        choices: ChoiceMemory,
        public_base_url: str,
        limiter: RateLimiter,
    ) -> None:
        super().__init__(choices)
        self.sender = Sender(TwilioClient(settings), http, limiter)
        self._from = settings.twilio_whatsapp_from
        self._status_callback = public_base_url.rstrip("/") + "/webhooks/twilio/status"

    def text_part(self, chat_id: str, text: str) -> OutboundPart:
        return self.render([Reply(text=text)], chat_id).parts[0]

    def render(self, replies: list[Reply], chat_id: str) -> Rendered:
        return render_twilio(replies, chat_id, self._from, self._status_callback)

    def template_part(
        self, chat_id: str, name: str, language: str, params: list[str], buttons: list[str]
    ) -> OutboundPart:
        # The content template (`name` is its SID) holds its language and its buttons.
        return render_twilio_template(chat_id, self._from, self._status_callback, name, params)


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
    redis: aioredis.Redis,
    limiter: RateLimiter,
) -> dict[Channel, ChannelAdapter]:
    """The served channels' adapters, remembering choices in `redis`; their senders share
    `limiter` with every process."""
    choices = ChoiceMemory(redis)
    adapters: dict[Channel, ChannelAdapter] = {
        Channel.TELEGRAM: TelegramAdapter(settings, http, choices, limiter),
        Channel.WHATSAPP: WhatsAppAdapter(settings, http, choices, limiter),
        Channel.TWILIO: TwilioAdapter(settings, http, choices, public_base_url, limiter),
    }
    return {
        channel: adapter
        for channel, adapter in adapters.items()
        if channel.value in settings.channels
    }
