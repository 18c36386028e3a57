"""POST /webhooks/telegram: Telegram's updates, checked against our secret token and queued."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from bots.channels.errors import ChannelError
from bots.channels.signatures import verify_telegram_secret
from bots.channels.telegram_inbound import parse_telegram_update
from chat.messages import Channel
from webhook.webhooks import ACK, channel_settings, enqueue, ignored, not_served, refusal
from webhook.webhooks.body import JSON_TYPE, BodyRefused, json_object, read_body

router = APIRouter(tags=["webhooks"])

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name


@router.post("/webhooks/telegram")
async def receive_update(request: Request) -> JSONResponse:
    """Queue the buyer's message, button tap, edit or reaction; other updates are acknowledged."""
    settings = channel_settings(request)
    if Channel.TELEGRAM.value not in settings.channels:
        return not_served(Channel.TELEGRAM)
    try:
        secret = settings.telegram_webhook_secret.get_secret_value()
        verify_telegram_secret(request.headers.get(SECRET_HEADER), secret)
        body = await read_body(request, settings, JSON_TYPE)
        messages = parse_telegram_update(json_object(body))
    except (ChannelError, BodyRefused) as error:
        return refusal(request, Channel.TELEGRAM, error)
    if not messages:
        ignored(Channel.TELEGRAM, "an update the bot does not act on")
    await enqueue(request, messages)
    return JSONResponse(ACK)
