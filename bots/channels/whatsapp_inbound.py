"""WhatsApp Cloud API webhook payloads parsed into `InboundMessage`s and `DeliveryStatus`es.

One POST may batch several entries, each with several changes, each with several messages and
statuses: every one of them is read (heyoo's `preprocess` reads only the first).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bots.channels.errors import MalformedPayload
from bots.messages import Channel, DeliveryState, DeliveryStatus, InboundKind, InboundMessage

logger = logging.getLogger(__name__)

MESSAGES_FIELD = "messages"
BUTTON_REPLIES = ("button_reply", "list_reply")


class _Shape(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)


class _Text(_Shape):
    body: str


class _Reply(_Shape):
    id: str
    title: str = ""


class _Interactive(_Shape):
    type: str
    button_reply: _Reply | None = None
    list_reply: _Reply | None = None


class _TemplateButton(_Shape):
    payload: str = ""
    text: str = ""


class _Location(_Shape):
    latitude: float
    longitude: float


class _Media(_Shape):
    id: str
    caption: str = ""


class _Phone(_Shape):
    phone: str = ""


class _ContactName(_Shape):
    formatted_name: str = ""


class _SharedContact(_Shape):
    name: _ContactName | None = None
    phones: list[_Phone] = []


class _Message(_Shape):
    id: str
    sender: str = Field(alias="from")
    timestamp: datetime | None = None
    type: str
    text: _Text | None = None
    interactive: _Interactive | None = None
    button: _TemplateButton | None = None
    location: _Location | None = None
    image: _Media | None = None
    contacts: list[_SharedContact] = []


class _Error(_Shape):
    code: int | str
    title: str = ""
    message: str = ""


class _Status(_Shape):
    id: str
    status: str
    timestamp: datetime | None = None
    errors: list[_Error] = []


class _Profile(_Shape):
    name: str = ""


class _Contact(_Shape):
    wa_id: str
    profile: _Profile | None = None


class _Value(_Shape):
    contacts: list[_Contact] = []
    messages: list[_Message] = []
    statuses: list[_Status] = []


class _Change(_Shape):
    field: str
    value: dict[str, Any]


class _Entry(_Shape):
    changes: list[_Change]


class _Payload(_Shape):
    kind: Literal["whatsapp_business_account"] = Field(alias="object")
    entry: list[_Entry]


def parse_whatsapp_payload(
    body: dict[str, Any],
) -> tuple[list[InboundMessage], list[DeliveryStatus]]:
    """Every message and every delivery report in a (possibly batched) webhook payload.

    Changes of other fields (template status, account updates) are ignored.

    Raises:
        MalformedPayload: `body` is not a WhatsApp Business Account webhook payload.
    """
    try:
        values = [
            _Value.model_validate(change.value)
            for entry in _Payload.model_validate(body).entry
            for change in entry.changes
            if change.field == MESSAGES_FIELD
        ]
        messages = [_inbound(message, value) for value in values for message in value.messages]
    except ValidationError as error:
        raise MalformedPayload(
            f"not a WhatsApp webhook payload: {_first_problem(error)}"
        ) from error
    statuses = [_delivery(status) for value in values for status in value.statuses]
    return messages, [status for status in statuses if status is not None]


def _first_problem(error: ValidationError) -> str:
    # Locations and messages only: the input may hold what the buyer wrote.
    problem = error.errors(include_input=False, include_url=False)[0]
    location = ".".join(str(part) for part in problem["loc"]) or "body"
    return f"{location}: {problem['msg']}"


def _inbound(message: _Message, value: _Value) -> InboundMessage:
    wa_id = message.sender.lstrip("+")
    names = {contact.wa_id.lstrip("+"): contact.profile for contact in value.contacts}
    profile = names.get(wa_id)
    fields = _content(message)
    if message.timestamp:
        fields["received_at"] = message.timestamp
    return InboundMessage(
        channel=Channel.WHATSAPP,
        message_id=message.id,
        user_id="+" + wa_id,
        chat_id=wa_id,
        user_name=profile.name if profile else "",
        **fields,
    )


def _content(message: _Message) -> dict[str, Any]:
    """The fields that depend on the message type; UNSUPPORTED for types the bot cannot read."""
    reader = _READERS.get(message.type)
    content = reader(message) if reader else None
    return content or {"kind": InboundKind.UNSUPPORTED, "provider_type": message.type}


def _text(message: _Message) -> dict[str, Any] | None:
    text = message.text
    return {"kind": InboundKind.TEXT, "text": text.body} if text else None


def _interactive(message: _Message) -> dict[str, Any] | None:
    interactive = message.interactive
    if interactive is None:
        return None
    reply = interactive.button_reply or interactive.list_reply
    if interactive.type not in BUTTON_REPLIES or reply is None:
        # e.g. a WhatsApp Flow's nfm_reply: nothing the bot sends
        return {"kind": InboundKind.UNSUPPORTED, "provider_type": f"interactive.{interactive.type}"}
    return {"kind": InboundKind.BUTTON, "payload": reply.id, "text": reply.title}


def _template_button(message: _Message) -> dict[str, Any] | None:
    button = message.button
    if button is None:
        return None
    return {"kind": InboundKind.BUTTON, "payload": button.payload, "text": button.text}


def _location(message: _Message) -> dict[str, Any] | None:
    location = message.location
    if location is None:
        return None
    return {
        "kind": InboundKind.LOCATION,
        "latitude": location.latitude,
        "longitude": location.longitude,
    }


def _image(message: _Message) -> dict[str, Any] | None:
    image = message.image
    if image is None:
        return None
    return {"kind": InboundKind.IMAGE, "media_id": image.id, "text": image.caption}


def _shared_contact(message: _Message) -> dict[str, Any] | None:
    if not message.contacts:
        return None
    contact = message.contacts[0]
    phone = next((number.phone for number in contact.phones if number.phone), None)
    name = contact.name.formatted_name if contact.name else ""
    return {"kind": InboundKind.CONTACT, "phone": phone, "text": name}


_READERS: dict[str, Callable[[_Message], dict[str, Any] | None]] = {
    "text": _text,
    "interactive": _interactive,
    "button": _template_button,
    "location": _location,
    "image": _image,
    "contacts": _shared_contact,
}


def _delivery(status: _Status) -> DeliveryStatus | None:
    try:
        state = DeliveryState(status.status)
    except ValueError:
        logger.debug("whatsapp status %r of %s ignored", status.status, status.id)
        return None
    error = status.errors[0] if status.errors else None
    return DeliveryStatus(
        channel=Channel.WHATSAPP,
        message_id=status.id,
        state=state,
        error_code=str(error.code) if error else None,
        error_detail=(error.title or error.message) if error else None,
        occurred_at=status.timestamp or datetime.now(UTC),
    )
