"""Telegram updates (Bot API webhook JSON) parsed into `InboundMessage`s.

An update is read by small strict pydantic shapes of the fields the bot uses, and only those:
python-telegram-bot's `Update.de_json` is not used. de_json builds every object of the Bot API
that an update carries (replies within replies, pinned messages, entities, ...), so a junk value
in a field the bot never reads could still break it, and it fails with whatever a constructor
raises (AttributeError, RecursionError, OverflowError, ...). The shapes refuse exactly what the
bot cannot read, with the field's location, and never look at the rest.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from telegram.constants import MessageAttachmentType

from bots.channels.errors import MalformedPayload, StaleMessage
from bots.queue import SEEN_TTL_SECONDS
from chat.messages import Channel, InboundKind, InboundMessage

logger = logging.getLogger(__name__)

START_COMMAND = "/start"
# Telegram documents its ids as fitting in 52 bits ("a signed 64-bit integer or double-precision
# float type are safe for storing this identifier"); anything longer is not from Telegram.
ID_LIMIT = 2**52
FIRST_DATE = int(datetime(2013, 1, 1, tzinfo=UTC).timestamp())  # before Telegram's bots
LAST_DATE = int(datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC).timestamp())  # datetime's last
# Content the bot does not read, named as python-telegram-bot names it ("sticker", "voice", ...);
# text, locations, contacts and photos are read before these are looked for.
ATTACHMENTS = tuple(kind.value for kind in MessageAttachmentType)
# Reactions that are not an emoji, as the text of a REACTION (Telegram draws a paid one a star).
REACTION_STAND_INS = {"custom_emoji": "[custom emoji]", "paid": "\N{WHITE MEDIUM STAR}"}


def _utf8(text: str) -> str:
    """Refuse a lone surrogate ("\\ud800" is valid JSON): it could not be queued as UTF-8."""
    try:
        text.encode()
    except UnicodeEncodeError:
        raise ValueError("not valid Unicode (a lone surrogate)") from None
    return text


TelegramId = Annotated[int, Field(gt=-ID_LIMIT, lt=ID_LIMIT)]
Count = Annotated[int, Field(ge=0, lt=ID_LIMIT)]
UnixDate = Annotated[int, Field(ge=FIRST_DATE, le=LAST_DATE)]
Text = Annotated[str, AfterValidator(_utf8)]


class _Shape(BaseModel):
    """Strict where read (no "12" for 12, no true for 1, no 12 for "12"); the rest ignored."""

    model_config = ConfigDict(extra="ignore", frozen=True, strict=True, populate_by_name=True)


class _User(_Shape):
    id: TelegramId
    is_bot: bool = False  # sent since Bot API 3.1 (2017); Telegram's own examples lack it
    first_name: Text
    last_name: Text | None = None
    language_code: Text | None = None

    @property
    def full_name(self) -> str:
        return " ".join(filter(None, [self.first_name, self.last_name]))


class _Chat(_Shape):
    id: TelegramId


class _Location(_Shape):
    latitude: float = Field(ge=-90, le=90, allow_inf_nan=False)
    longitude: float = Field(ge=-180, le=180, allow_inf_nan=False)


class _Contact(_Shape):
    phone_number: Text
    first_name: Text
    last_name: Text | None = None


class _PhotoSize(_Shape):
    file_id: Text
    width: Count
    height: Count
    file_size: Count | None = None


class _Replied(_Shape):
    """A message replied to: not read, but a reply within it is refused.

    Telegram sends one level ("will not contain further reply_to_message fields"); a chain of
    them is a body built to exhaust the stack of whatever walks it.
    """

    reply_to_message: None = None

    @field_validator("reply_to_message", mode="before")
    @classmethod
    def _one_level(cls, value: Any) -> None:
        if value is not None:
            raise ValueError("a reply within a reply: Telegram sends one level")


class _Message(_Shape):
    message_id: TelegramId
    date: UnixDate
    edit_date: UnixDate | None = None  # an edited message's
    chat: _Chat
    sender: _User | None = Field(default=None, alias="from")  # none in channels
    text: Text | None = None
    caption: Text | None = None
    location: _Location | None = None  # venues carry a location too
    contact: _Contact | None = None
    photo: list[_PhotoSize] | None = None
    reply_to_message: _Replied | None = None
    attachment: str = ""  # the first of ATTACHMENTS the message carries: noted, not read

    @model_validator(mode="before")
    @classmethod
    def _note_attachment(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        found = next((name for name in ATTACHMENTS if data.get(name)), "")
        return {**data, "attachment": found}


class _TappedMessage(_Shape):
    """The message whose button was tapped: its chat only (its date may be 0: inaccessible)."""

    chat: _Chat
    reply_to_message: _Replied | None = None


class _CallbackQuery(_Shape):
    id: Text
    sender: _User = Field(alias="from")
    message: _TappedMessage | None = None  # none for a button of an inline-mode message
    data: Text | None = None  # none for a game button


class _Reaction(_Shape):
    """A ReactionType: an emoji, a custom emoji, a paid star, or a type Telegram adds later."""

    type: Text
    emoji: Text | None = None
    custom_emoji_id: Text | None = None


class _ReactionChange(_Shape):
    """MessageReactionUpdated: a user's reactions to one message, before and after."""

    chat: _Chat
    message_id: TelegramId
    user: _User | None = None  # none when anonymous: `actor_chat` reacted
    date: UnixDate
    old_reaction: list[_Reaction]
    new_reaction: list[_Reaction]


class _Update(_Shape):
    update_id: TelegramId
    message: _Message | None = None
    edited_message: _Message | None = None
    callback_query: _CallbackQuery | None = None
    message_reaction: _ReactionChange | None = None


def parse_telegram_update(
    body: dict[str, Any], *, now: datetime | None = None
) -> list[InboundMessage]:
    """The buyer's action in one update, or nothing for updates the bot does not act on.

    Messages and button taps are turns; edits and reactions are read too, as kinds that are
    not turns, to be recorded against the conversation. Channel posts, service messages
    (members joining, pins), live locations moving, anonymous reactions and other update kinds
    are ignored: an empty list, logged at debug. `now` is the time it arrives (the clock's,
    unless a test says otherwise).

    Raises:
        StaleMessage: the message is older than the dedupe window: the queue might take a replay
            of it for a new message.
        MalformedPayload: `body` is not a Telegram update, or a field the bot reads is not as
            Telegram sends it (the message names the field, never its value).
    """
    update = _decode(body)
    _refuse_stale(update, now or datetime.now(UTC))
    message = _read(update)
    if message is None:
        logger.debug("telegram update %s ignored: %s", update.update_id, _update_kind(body))
        return []
    return [message]


def _decode(body: dict[str, Any]) -> _Update:
    update_id = body.get("update_id") if isinstance(body, dict) else None
    if not isinstance(update_id, int) or isinstance(update_id, bool):
        raise MalformedPayload("not a Telegram update: no integer update_id")
    try:
        return _Update.model_validate(body)
    except ValidationError as error:
        raise MalformedPayload(f"not a valid Telegram update: {_problem(error)}") from None


def _problem(error: ValidationError) -> str:
    """The first problem, by location and kind: never the value, which may be what was said."""
    first = error.errors(include_url=False, include_input=False, include_context=False)[0]
    where = ".".join(str(part) for part in first["loc"]) or "update"
    what = "Input should be an object" if first["type"] == "model_type" else first["msg"]
    others = error.error_count() - 1
    return f"{where}: {what}" + (f" (and {others} more)" if others else "")


def _refuse_stale(update: _Update, now: datetime) -> None:
    """Refuse a message, edit or reaction older than the queue remembers ids, by its own date.

    A button tap is never refused: the date its message carries is when the bot sent the
    keyboard, which may be long ago.
    """
    dated = _dated(update)
    if dated is None:
        return
    field, date = dated
    if now.timestamp() - date > SEEN_TTL_SECONDS:
        days = SEEN_TTL_SECONDS // 86400
        raise StaleMessage(
            f"not a fresh Telegram update: {field} is older than the dedupe window"
            f" ({days} days): a replay"
        )


def _dated(update: _Update) -> tuple[str, int] | None:
    """When the user did what the update reports, and the field that says so.

    An edit is dated by its edit_date: the message itself may be older than the window.
    """
    if update.message is not None:
        return "message.date", update.message.date
    if update.edited_message is not None:
        edited = update.edited_message
        if edited.edit_date is not None:
            return "edited_message.edit_date", edited.edit_date
        return "edited_message.date", edited.date
    if update.message_reaction is not None:
        return "message_reaction.date", update.message_reaction.date
    return None


def _read(update: _Update) -> InboundMessage | None:
    if update.callback_query is not None:
        return _button(update.update_id, update.callback_query)
    if update.message is not None:
        return _message(update.update_id, update.message)
    if update.edited_message is not None:
        return _edit(update.update_id, update.edited_message)
    if update.message_reaction is not None:
        return _reaction(update.update_id, update.message_reaction)
    return None


def _update_kind(body: dict[str, Any]) -> str:
    return next((key for key in body if key != "update_id"), "empty")


def _message(update_id: int, message: _Message) -> InboundMessage | None:
    sender = _person(message.sender)
    if sender is None:
        return None
    content = _content(message)
    if content is None:
        return None
    return InboundMessage(
        channel=Channel.TELEGRAM,
        message_id=str(update_id),
        chat_id=str(message.chat.id),
        received_at=datetime.fromtimestamp(message.date, UTC),
        **_sender(sender),
        **content,
    )


def _content(message: _Message) -> dict[str, Any] | None:
    """The fields that depend on what was sent; None for service messages."""
    if message.text is not None:
        return _text(message.text)
    if message.location is not None:
        location = message.location
        return {
            "kind": InboundKind.LOCATION,
            "latitude": location.latitude,
            "longitude": location.longitude,
        }
    if message.contact is not None:
        contact = message.contact
        name = " ".join(filter(None, [contact.first_name, contact.last_name]))
        return {"kind": InboundKind.CONTACT, "phone": contact.phone_number, "text": name}
    if message.photo:
        largest = max(message.photo, key=lambda size: (_pixels(size), size.file_size or 0))
        return {
            "kind": InboundKind.IMAGE,
            "media_id": largest.file_id,
            "text": message.caption or "",
        }
    if message.attachment:
        return {
            "kind": InboundKind.UNSUPPORTED,
            "provider_type": message.attachment,
            "text": message.caption or "",
        }
    return None


def _person(user: _User | None) -> _User | None:
    """The user, unless there is none (a channel, an anonymous admin) or it is a bot."""
    return None if user is None or user.is_bot else user


def _edit(update_id: int, edited: _Message) -> InboundMessage | None:
    """The buyer reworded a message (or its caption): the new text, against that message.

    Telegram also reports a live location moving as an edit: that is not a rewording.
    """
    sender = _person(edited.sender)
    if sender is None or edited.location is not None:
        return None
    text = edited.text if edited.text is not None else edited.caption
    return InboundMessage(
        channel=Channel.TELEGRAM,
        message_id=str(update_id),
        chat_id=str(edited.chat.id),
        kind=InboundKind.EDIT,
        text=text or "",  # a caption taken away
        target_message_id=_message_name(edited.chat.id, edited.message_id),
        received_at=datetime.fromtimestamp(edited.edit_date or edited.date, UTC),
        **_sender(sender),
    )


def _reaction(update_id: int, change: _ReactionChange) -> InboundMessage | None:
    user = _person(change.user)
    if user is None:
        return None
    return InboundMessage(
        channel=Channel.TELEGRAM,
        message_id=str(update_id),
        chat_id=str(change.chat.id),
        kind=InboundKind.REACTION,
        text=_reaction_text(change),
        target_message_id=_message_name(change.chat.id, change.message_id),
        received_at=datetime.fromtimestamp(change.date, UTC),
        **_sender(user),
    )


def _reaction_text(change: _ReactionChange) -> str:
    """The reaction just set, as text: "" when the user took every reaction back.

    A user may keep several reactions: the first emoji among those added, or else among those
    kept (when one of several was taken back). A custom emoji or a paid star has no emoji of
    its own: a readable stand-in, never "" (which says "taken back").
    """
    added = [kind for kind in change.new_reaction if kind not in change.old_reaction]
    candidates = added or change.new_reaction
    if not candidates:
        return ""
    emoji = next((kind.emoji for kind in candidates if kind.type == "emoji" and kind.emoji), None)
    return emoji or REACTION_STAND_INS.get(candidates[0].type, "[reaction]")


def _message_name(chat_id: int, message_id: int) -> str:
    """A Telegram message as our sent and received messages name it: "<chat id>:<message id>".

    Message ids are only unique within their chat.
    """
    return f"{chat_id}:{message_id}"


def _pixels(size: _PhotoSize) -> int:
    return size.width * size.height


def _text(text: str) -> dict[str, Any]:
    command, _, argument = text.strip().partition(" ")
    # In groups the command may be addressed: "/start@NzilaBot v_123".
    if command.split("@", 1)[0] == START_COMMAND:
        return {"kind": InboundKind.START, "payload": argument.strip(), "text": text}
    return {"kind": InboundKind.TEXT, "text": text}


def _button(update_id: int, query: _CallbackQuery) -> InboundMessage | None:
    if query.data is None:  # a game button: nothing the bot offers
        return None
    # An inline-mode message has no chat; the private chat with a user has the user's id.
    chat_id = query.message.chat.id if query.message is not None else query.sender.id
    return InboundMessage(
        channel=Channel.TELEGRAM,
        message_id=str(update_id),
        chat_id=str(chat_id),
        kind=InboundKind.BUTTON,
        payload=query.data,
        callback_query_id=query.id,
        **_sender(query.sender),
    )


def _sender(user: _User) -> dict[str, Any]:
    return {
        "user_id": str(user.id),
        "user_name": user.full_name,
        "language_hint": user.language_code,
    }
