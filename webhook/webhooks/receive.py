"""The one receive path every provider webhook takes: served? cheap header checks, read the
body with limits, verify and parse (the channel's `Parser`), refuse, enqueue, answer."""

from __future__ import annotations

from typing import Protocol

from fastapi import Request
from fastapi.responses import Response

from bots.channels.errors import ChannelError
from bots.config import ChannelSettings
from chat.messages import Channel, QueueItem
from webhook.webhooks import Accepted, channel_settings, enqueue, ignored, not_served, refusal
from webhook.webhooks.body import BodyRefused, read_body


class Parser(Protocol):
    """One channel's part of receiving: its checks, its payload, its answer."""

    channel: Channel
    content_type: str
    nothing_to_queue: str  # what a request with no items was, for the log

    def check_headers(self, request: Request, settings: ChannelSettings) -> None:
        """Refuse (ChannelError) what the headers alone condemn, before the body is read."""
        ...

    def parse(self, request: Request, settings: ChannelSettings, body: bytes) -> list[QueueItem]:
        """Verify the signature and read the items; raises ChannelError."""
        ...

    def answer(self, accepted: Accepted) -> Response:
        """The provider's acknowledgement of what was queued."""
        ...


async def receive(request: Request, parser: Parser) -> Response:
    """Queue what a provider's request carries, or refuse it with the right status."""
    settings = channel_settings(request)
    if parser.channel.value not in settings.channels:
        return not_served(parser.channel)
    try:
        parser.check_headers(request, settings)
        body = await read_body(request, settings, parser.content_type)
        items = parser.parse(request, settings, body)
    except (ChannelError, BodyRefused) as error:
        return refusal(request, parser.channel, error)
    if not items:
        ignored(parser.channel, parser.nothing_to_queue)
    return parser.answer(await enqueue(request, items))
