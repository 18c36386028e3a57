"""WhatsApp Cloud API webhook payloads parsed into `InboundMessage`s and `DeliveryStatus`es.

One POST may batch several entries, each with several changes, each with several messages and
statuses: every one of them is read (heyoo's `preprocess` reads only the first), and each on its
own, so one that cannot be read is refused without losing the others (Meta retries the whole
POST on an error: a 400 for one bad message would lose the batch on every retry).

A user who adopted a WhatsApp username may come without a phone number: then only their
business-scoped user id (BSUID, "US.13491208655302741918") names them, in `from_user_id` and
`contacts[].user_id`; statuses name them in `recipient_user_id`.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bots.channels.errors import MalformedPayload
from bots.queue import SEEN_TTL_SECONDS
from chat.messages import (
    REFUSED_ITEM_MAX,
    USER_ID_MAX,
    Channel,
    DeliveryState,
    DeliveryStatus,
    InboundKind,
    InboundMessage,
    Refusal,
)

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


class _Reaction(_Shape):
    message_id: str = Field(min_length=1, max_length=128)
    emoji: str = ""  # absent when the buyer takes the reaction back


class _Edit(_Shape):
    original_message_id: str = Field(min_length=1, max_length=128)
    message: dict[str, Any] = {}  # the new message: its text, or an image and its caption


class _Revoke(_Shape):
    original_message_id: str = Field(min_length=1, max_length=128)


class _System(_Shape):
    type: str = ""  # user_changed_number, user_changed_user_id, ...
    body: str = ""
    wa_id: str | None = None  # the new number
    new_wa_id: str | None = None  # the same, in older payloads
    user_id: str | None = None  # the new business-scoped user id


class _Message(_Shape):
    id: str = Field(min_length=1, max_length=128)
    # Withheld for a user who adopted a username: then only their business-scoped user id.
    sender: str | None = Field(default=None, alias="from", max_length=USER_ID_MAX)
    sender_user_id: str | None = Field(default=None, alias="from_user_id", max_length=USER_ID_MAX)
    timestamp: datetime | None = None
    type: str
    text: _Text | None = None
    interactive: _Interactive | None = None
    button: _TemplateButton | None = None
    location: _Location | None = None
    image: _Media | None = None
    contacts: list[_SharedContact] = []
    reaction: _Reaction | None = None
    edit: _Edit | None = None
    revoke: _Revoke | None = None
    system: _System | None = None


class _Error(_Shape):
    code: int | str
    title: str = ""
    message: str = ""


class _Status(_Shape):
    id: str = Field(min_length=1, max_length=128)
    status: str
    timestamp: datetime | None = None
    recipient_id: str | None = Field(default=None, max_length=USER_ID_MAX)
    recipient_user_id: str | None = Field(default=None, max_length=USER_ID_MAX)
    errors: list[_Error] = []


class _Profile(_Shape):
    name: str = ""
    username: str = ""


class _Contact(_Shape):
    wa_id: str | None = None
    user_id: str | None = None  # the business-scoped user id
    profile: _Profile | None = None


class _Value(_Shape):
    # Items are read one by one (see `_read_items`): one unreadable item refuses only itself.
    contacts: list[Any] = []
    messages: list[Any] = []
    statuses: list[Any] = []


class _Change(_Shape):
    field: str
    value: dict[str, Any]


class _Entry(_Shape):
    changes: list[_Change]


class _Payload(_Shape):
    kind: Literal["whatsapp_business_account"] = Field(alias="object")
    entry: list[_Entry]


@dataclass(frozen=True)
class Notification:
    """What one webhook POST brought: the buyers' messages, the reports on ours, and the items
    that could not be read (each refused alone, its neighbours kept)."""

    messages: list[InboundMessage] = field(default_factory=list)
    statuses: list[DeliveryStatus] = field(default_factory=list)
    refusals: list[Refusal] = field(default_factory=list)


def parse_whatsapp_payload(body: dict[str, Any], *, now: datetime | None = None) -> Notification:
    """Every message and every delivery report in a (possibly batched) webhook payload.

    Changes of other fields (template status, account updates) are ignored. A message or report
    that cannot be read, or that is older than the dedupe window (a replay the queue could no
    longer recognise), is refused on its own: the rest of the batch is kept.

    Raises:
        MalformedPayload: `body` is not a WhatsApp Business Account webhook payload at all.
    """
    try:
        values = [
            _Value.model_validate(change.value)
            for entry in _Payload.model_validate(body).entry
            for change in entry.changes
            if change.field == MESSAGES_FIELD
        ]
    except ValidationError as error:
        raise MalformedPayload(
            f"not a WhatsApp webhook payload: {_first_problem(error)}"
        ) from error
    oldest = (now or datetime.now(UTC)) - timedelta(seconds=SEEN_TTL_SECONDS)
    notification = Notification()
    for number, value in enumerate(values):
        _read_value(value, f"change {number}", oldest, notification)
    return notification


def _read_value(value: _Value, where: str, oldest: datetime, into: Notification) -> None:
    contacts = [contact for raw in value.contacts if (contact := _valid(_Contact, raw)) is not None]
    for index, raw in enumerate(value.messages):
        item = f"{where} message {index}"
        try:
            message = _Message.model_validate(raw)
            if message.timestamp and message.timestamp < oldest:
                into.refusals.append(_refused(raw, f"{item}: {STALE}", message.id))
                continue
            into.messages.append(_inbound(message, contacts))
        except (ValidationError, ValueError) as error:
            into.refusals.append(_refused(raw, f"{item}: {_problem(error)}", _id_of(raw)))
    for index, raw in enumerate(value.statuses):
        item = f"{where} status {index}"
        try:
            status = _Status.model_validate(raw)
            if status.timestamp and status.timestamp < oldest:
                into.refusals.append(_refused(raw, f"{item}: {STALE}", status.id))
                continue
            delivery = _delivery(status)
        except (ValidationError, ValueError) as error:
            into.refusals.append(_refused(raw, f"{item}: {_problem(error)}", _id_of(raw)))
            continue
        if delivery is not None:
            into.statuses.append(delivery)


STALE = "older than the dedupe window (8 days): a replay, refused"


def _valid(shape: type[_Contact], raw: Any) -> _Contact | None:
    try:
        return shape.model_validate(raw)
    except ValidationError:
        return None  # a contact only names the sender: without it, the message still stands


def _refused(raw: Any, reason: str, message_id: str | None) -> Refusal:
    text = json.dumps(raw, ensure_ascii=False, default=str)
    return Refusal(
        channel=Channel.WHATSAPP,
        reason=reason[:500],
        item=text[:REFUSED_ITEM_MAX],
        message_id=message_id,
    )


def _id_of(raw: Any) -> str | None:
    value = raw.get("id") if isinstance(raw, dict) else None
    return value if isinstance(value, str) and 0 < len(value) <= 128 else None


def _problem(error: ValidationError | ValueError) -> str:
    if isinstance(error, ValidationError):
        return _first_problem(error)
    return str(error)


def _first_problem(error: ValidationError) -> str:
    # Locations and messages only: the input may hold what the buyer wrote.
    problem = error.errors(include_input=False, include_url=False)[0]
    location = ".".join(str(part) for part in problem["loc"]) or "body"
    message = _OBJECT_EXPECTED if problem["type"] in _NOT_AN_OBJECT else problem["msg"]
    return f"{location}: {message}"


_NOT_AN_OBJECT = ("model_type", "dict_type", "model_attributes_type")
_OBJECT_EXPECTED = "Input should be an object"  # not pydantic's words, which name our classes


def _inbound(message: _Message, contacts: list[_Contact]) -> InboundMessage:
    """The message as the worker reads it, its sender named by number when Meta sends one, by
    business-scoped user id (BSUID) when it does not."""
    contact = _contact_of(message, contacts)
    phone = _digits(message.sender or (contact.wa_id if contact else None))
    bsuid = message.sender_user_id or (contact.user_id if contact else None)
    if not phone and not bsuid:
        raise ValueError("from: the sender has neither a number nor a user id")
    profile = contact.profile if contact else None
    fields = _content(message)
    if message.timestamp:
        fields["received_at"] = message.timestamp
    return InboundMessage(
        channel=Channel.WHATSAPP,
        message_id=message.id,
        user_id="+" + phone if phone else str(bsuid),
        chat_id=phone or str(bsuid),
        bsuid=bsuid,
        user_name=(profile.name or profile.username) if profile else "",
        **fields,
    )


def _contact_of(message: _Message, contacts: list[_Contact]) -> _Contact | None:
    """The sender's entry in `contacts`: matched by number or user id, never by position
    (except a lone contact for a message that names no one)."""
    phone = _digits(message.sender)
    for contact in contacts:
        if phone and _digits(contact.wa_id) == phone:
            return contact
        if message.sender_user_id and contact.user_id == message.sender_user_id:
            return contact
    if not phone and not message.sender_user_id and len(contacts) == 1:
        return contacts[0]
    return None


def _digits(number: str | None) -> str:
    return number.strip().lstrip("+") if number else ""


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


def _reaction(message: _Message) -> dict[str, Any] | None:
    reaction = message.reaction
    if reaction is None:
        return None
    return {
        "kind": InboundKind.REACTION,
        "text": reaction.emoji,
        "target_message_id": reaction.message_id,
    }


def _edit(message: _Message) -> dict[str, Any] | None:
    edit = message.edit
    if edit is None:
        return None
    text = _new_text(edit.message)
    return {
        "kind": InboundKind.EDIT,
        "text": text,
        "target_message_id": edit.original_message_id,
    }


def _new_text(message: dict[str, Any]) -> str:
    """The text of an edited message: its body, or the new caption of its picture."""
    for part in message.values():
        if isinstance(part, dict):
            text = part.get("body", part.get("caption"))
            if isinstance(text, str):
                return text
    return ""


def _revoke(message: _Message) -> dict[str, Any] | None:
    revoke = message.revoke
    if revoke is None:
        return None
    return {"kind": InboundKind.DELETED, "target_message_id": revoke.original_message_id}


def _system(message: _Message) -> dict[str, Any] | None:
    system = message.system
    if system is None:
        return None
    new_number = _digits(system.wa_id or system.new_wa_id)
    new_id = "+" + new_number if new_number else system.user_id
    if not new_id:
        return {"kind": InboundKind.UNSUPPORTED, "provider_type": f"system.{system.type}"}
    return {"kind": InboundKind.IDENTITY_CHANGED, "new_user_id": new_id, "text": system.body}


_READERS: dict[str, Callable[[_Message], dict[str, Any] | None]] = {
    "reaction": _reaction,
    "edit": _edit,
    "revoke": _revoke,
    "system": _system,
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
    phone = _digits(status.recipient_id)
    return DeliveryStatus(
        channel=Channel.WHATSAPP,
        message_id=status.id,
        state=state,
        recipient="+" + phone if phone else status.recipient_user_id,
        error_code=str(error.code) if error else None,
        error_detail=(error.title or error.message) if error else None,
        occurred_at=status.timestamp or datetime.now(UTC),
    )
