"""Twilio WhatsApp webhook forms parsed: an inbound message, or a status callback."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from bots.channels.errors import MalformedPayload
from chat.messages import Channel, DeliveryState, DeliveryStatus, InboundKind, InboundMessage

logger = logging.getLogger(__name__)

WHATSAPP_PREFIX = "whatsapp:"
INBOUND_STATUSES = frozenset({"received", "receiving"})
# Twilio's statuses that say something final or new about our message; queued, accepted,
# sending and scheduled do not.
DELIVERY_STATES = {
    "sent": DeliveryState.SENT,
    "delivered": DeliveryState.DELIVERED,
    "read": DeliveryState.READ,
    "failed": DeliveryState.FAILED,
    "undelivered": DeliveryState.FAILED,
    "canceled": DeliveryState.FAILED,
}


def parse_twilio_form(form: Mapping[str, str]) -> InboundMessage | DeliveryStatus | None:
    """The buyer's message, or the delivery report, that a Twilio webhook form carries.

    Returns None for a status callback that reports nothing new (queued, accepted, sending).

    Raises:
        MalformedPayload: the form lacks MessageSid or From, or has an unreadable field.
    """
    message_id = form.get("MessageSid") or form.get("SmsSid")
    if not message_id:
        raise MalformedPayload("not a Twilio webhook: no MessageSid")
    status = form.get("MessageStatus") or form.get("SmsStatus") or ""
    try:
        if status and status.lower() not in INBOUND_STATUSES:
            return _delivery(message_id, status.lower(), form)
        return _inbound(message_id, form)
    except ValidationError as error:
        problem = error.errors(include_input=False, include_url=False)[0]
        field = ".".join(str(part) for part in problem["loc"])
        raise MalformedPayload(f"not a Twilio webhook: {field}: {problem['msg']}") from error


def _inbound(message_id: str, form: Mapping[str, str]) -> InboundMessage:
    sender = form.get("From", "").strip()
    if not sender:
        raise MalformedPayload("not a Twilio inbound message: no From")
    return InboundMessage(
        channel=Channel.TWILIO,
        message_id=message_id,
        user_id=sender.removeprefix(WHATSAPP_PREFIX),
        chat_id=sender,
        user_name=form.get("ProfileName", ""),
        **_content(form),
    )


def _content(form: Mapping[str, str]) -> dict[str, Any]:
    """The fields that depend on what the buyer sent."""
    body = form.get("Body", "")
    if form.get("ButtonPayload"):
        return {"kind": InboundKind.BUTTON, "payload": form["ButtonPayload"], "text": body}
    if form.get("Latitude") and form.get("Longitude"):
        return {
            "kind": InboundKind.LOCATION,
            "latitude": _coordinate(form["Latitude"]),
            "longitude": _coordinate(form["Longitude"]),
        }
    if _media_count(form) > 0:
        content_type = form.get("MediaContentType0", "")
        if content_type.startswith("image/"):
            return {"kind": InboundKind.IMAGE, "media_id": form.get("MediaUrl0"), "text": body}
        return {"kind": InboundKind.UNSUPPORTED, "provider_type": content_type, "text": body}
    if body:
        return {"kind": InboundKind.TEXT, "text": body}
    return {"kind": InboundKind.UNSUPPORTED, "provider_type": form.get("MessageType", "unknown")}


def _coordinate(value: str) -> float:
    try:
        return float(value)
    except ValueError as error:
        raise MalformedPayload(f"not a Twilio location: coordinate {value!r}") from error


def _media_count(form: Mapping[str, str]) -> int:
    value = form.get("NumMedia", "0") or "0"
    if not value.isdigit():
        raise MalformedPayload(f"not a Twilio inbound message: NumMedia {value!r}")
    return int(value)


def _delivery(message_id: str, status: str, form: Mapping[str, str]) -> DeliveryStatus | None:
    state = DELIVERY_STATES.get(status)
    if state is None:
        logger.debug("twilio status %r of %s ignored", status, message_id)
        return None
    error_code = form.get("ErrorCode") or None
    recipient = form.get("To", "").strip().removeprefix(WHATSAPP_PREFIX)
    return DeliveryStatus(
        channel=Channel.TWILIO,
        message_id=message_id,
        state=state,
        recipient=recipient or None,  # the buyer, as their messages name them
        error_code=error_code,
        error_detail=form.get("ErrorMessage")
        or (status if state is DeliveryState.FAILED else None),
    )
