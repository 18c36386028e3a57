"""/webhooks/whatsapp: Meta's subscription check (GET) and its signed notifications (POST)."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from bots.channels.signatures import same_secret, verify_meta_signature
from bots.channels.whatsapp_inbound import parse_whatsapp_payload
from bots.config import ChannelSettings
from chat.messages import Channel, QueueItem
from webhook.webhooks import Accepted, acknowledge, channel_settings, client_ip, not_served
from webhook.webhooks.body import JSON_TYPE, json_object
from webhook.webhooks.receive import receive

router = APIRouter(tags=["webhooks"])
logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Hub-Signature-256"
SUBSCRIBE = "subscribe"
MODE, TOKEN, CHALLENGE = "hub.mode", "hub.verify_token", "hub.challenge"


@router.get("/webhooks/whatsapp")
async def verify_subscription(
    request: Request,
    mode: Annotated[str, Query(alias=MODE)] = "",
    token: Annotated[str, Query(alias=TOKEN)] = "",
    challenge: Annotated[str, Query(alias=CHALLENGE)] = "",
) -> Response:
    """Echo Meta's challenge when it presents our verify token.

    A request without all three parameters is a 400 before any token is compared (an empty
    challenge echoed would verify nothing); another token or mode is a 403.
    """
    settings = channel_settings(request)
    if Channel.WHATSAPP.value not in settings.channels:
        return not_served(Channel.WHATSAPP)
    given = {MODE: mode, TOKEN: token, CHALLENGE: challenge}
    if missing := [name for name, value in given.items() if not value]:
        return JSONResponse({"error": "missing " + ", ".join(missing)}, status_code=400)
    expected = settings.whatsapp_verify_token.get_secret_value()
    if mode == SUBSCRIBE and same_secret(token, expected):
        return PlainTextResponse(challenge)
    logger.warning(
        "webhook verification refused channel=whatsapp client=%s mode=%r",
        client_ip(request), mode,
        extra={"channel": Channel.WHATSAPP.value, "client_ip": client_ip(request)},
    )  # fmt: skip
    return JSONResponse({"error": "verification failed"}, status_code=403)


class WhatsAppParser:
    channel = Channel.WHATSAPP
    content_type = JSON_TYPE
    nothing_to_queue = "a notification without messages or statuses"

    def check_headers(self, request: Request, settings: ChannelSettings) -> None:
        return None  # Meta signs the body: checked once it is read

    def parse(self, request: Request, settings: ChannelSettings, body: bytes) -> list[QueueItem]:
        app_secret = settings.whatsapp_app_secret.get_secret_value()
        verify_meta_signature(request.headers.get(SIGNATURE_HEADER), body, app_secret)
        notification = parse_whatsapp_payload(json_object(body))
        return [*notification.messages, *notification.statuses, *notification.refusals]

    def answer(self, accepted: Accepted) -> Response:
        return acknowledge(Channel.WHATSAPP, accepted)


@router.post("/webhooks/whatsapp")
async def receive_notification(request: Request) -> Response:
    """Queue every message and delivery report of a (batched) notification; an unreadable one
    is refused alone."""
    return await receive(request, WhatsAppParser())
