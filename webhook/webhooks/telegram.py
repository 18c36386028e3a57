"""POST /webhooks/telegram: Telegram's updates, checked against our secret token and queued."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from bots.channels.signatures import verify_telegram_secret
from bots.channels.telegram_inbound import parse_telegram_update
from bots.config import ChannelSettings
from chat.messages import Channel, QueueItem
from webhook.webhooks import ACK, Accepted
from webhook.webhooks.body import JSON_TYPE, json_object
from webhook.webhooks.receive import receive

router = APIRouter(tags=["webhooks"])

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name


class TelegramParser:
    channel = Channel.TELEGRAM
    content_type = JSON_TYPE
    nothing_to_queue = "an update the bot does not act on"

    def check_headers(self, request: Request, settings: ChannelSettings) -> None:
        secret = settings.telegram_webhook_secret.get_secret_value()
        verify_telegram_secret(request.headers.get(SECRET_HEADER), secret)

    def parse(self, request: Request, settings: ChannelSettings, body: bytes) -> list[QueueItem]:
        return list(parse_telegram_update(json_object(body)))

    def answer(self, accepted: Accepted) -> Response:
        return JSONResponse(ACK)


@router.post("/webhooks/telegram")
async def receive_update(request: Request) -> Response:
    """Queue the buyer's message, button tap, edit or reaction; other updates are acknowledged."""
    return await receive(request, TelegramParser())
