"""/webhooks/twilio and /webhooks/twilio/status: Twilio's signed WhatsApp forms.

Both accept an inbound message or a status callback, whichever Twilio sends there, and answer
with empty TwiML so that Twilio itself replies nothing.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import ImmutableMultiDict

from bots.channels.errors import MalformedPayload, MissingSignature
from bots.channels.signatures import verify_twilio_signature
from bots.channels.twilio_inbound import parse_twilio_form
from bots.config import ChannelSettings
from chat.messages import Channel, QueueItem
from webhook.webhooks import Accepted
from webhook.webhooks.body import FORM_TYPE
from webhook.webhooks.receive import receive

router = APIRouter(tags=["webhooks"])

SIGNATURE_HEADER = "X-Twilio-Signature"
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>'


@router.post("/webhooks/twilio")
async def receive_message(request: Request) -> Response:
    """Queue the buyer's message (or record a status callback sent here)."""
    return await receive(request, TwilioParser())


@router.post("/webhooks/twilio/status")
async def receive_status(request: Request) -> Response:
    """Record a delivery report on a message we sent."""
    return await receive(request, TwilioParser())


class TwilioParser:
    channel = Channel.TWILIO
    content_type = FORM_TYPE
    nothing_to_queue = "a status that says nothing new"

    def check_headers(self, request: Request, settings: ChannelSettings) -> None:
        if not request.headers.get(SIGNATURE_HEADER):
            raise MissingSignature("no X-Twilio-Signature header")

    def parse(self, request: Request, settings: ChannelSettings, body: bytes) -> list[QueueItem]:
        form = _form(body)
        token = settings.twilio_auth_token.get_secret_value()
        signature = request.headers.get(SIGNATURE_HEADER, "")
        verify_twilio_signature(signature, public_url(request), form, token)
        parsed = parse_twilio_form(form)
        return [] if parsed is None else [parsed]

    def answer(self, accepted: Accepted) -> Response:
        return Response(EMPTY_TWIML, media_type="text/xml")


def public_url(request: Request) -> str:
    """The URL Twilio signed: our public base URL (we may sit behind a proxy) + path + query."""
    base = request.app.state.settings.public_base_url.rstrip("/")
    query = request.url.query
    return f"{base}{request.url.path}" + (f"?{query}" if query else "")


def _form(body: bytes) -> ImmutableMultiDict[str, str]:
    """The fields of a form body (its Content-Type was checked as it was read)."""
    try:
        return ImmutableMultiDict(parse_qsl(body.decode(), keep_blank_values=True))
    except (UnicodeDecodeError, ValueError) as error:
        raise MalformedPayload("body is not a readable form") from error
