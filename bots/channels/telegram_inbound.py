"""Telegram updates (Bot API webhook JSON) parsed into `InboundMessage`s."""

from __future__ import annotations

import logging
from typing import Any

from telegram import CallbackQuery, Message, PhotoSize, Update, User
from telegram.helpers import effective_message_type

from bots.channels.errors import MalformedPayload
from bots.messages import Channel, InboundKind, InboundMessage

logger = logging.getLogger(__name__)

START_COMMAND = "/start"


def parse_telegram_update(body: dict[str, Any]) -> list[InboundMessage]:
    """The buyer's action in one update, or nothing for updates the bot does not act on.

    Edited messages, channel posts, service messages (members joining, pins) and other update
    kinds are ignored: an empty list, logged at debug.

    Raises:
        MalformedPayload: `body` is not a Telegram update.
    """
    update = _decode(body)
    if update.callback_query is not None:
        message = _button(update.update_id, update.callback_query)
    elif update.message is not None:
        message = _message(update.update_id, update.message)
    else:
        message = None
    if message is None:
        logger.debug("telegram update %s ignored: %s", update.update_id, _update_kind(body))
        return []
    return [message]


def _decode(body: dict[str, Any]) -> Update:
    update_id = body.get("update_id") if isinstance(body, dict) else None
    if not isinstance(update_id, int) or isinstance(update_id, bool):
        raise MalformedPayload("not a Telegram update: no integer update_id")
    try:
        return Update.de_json(body)
    except KeyError as error:
        raise MalformedPayload(f"not a valid Telegram update: no {error}") from error
    except (TypeError, ValueError, AttributeError) as error:
        # The type only: the exception's text may quote what the buyer wrote.
        problem = type(error).__name__
        raise MalformedPayload(f"not a valid Telegram update: {problem}") from error


def _update_kind(body: dict[str, Any]) -> str:
    return next((key for key in body if key != "update_id"), "empty")


def _message(update_id: int, message: Message) -> InboundMessage | None:
    sender = message.from_user
    if sender is None or sender.is_bot:
        return None
    content = _content(message)
    if content is None:
        return None
    return InboundMessage(
        channel=Channel.TELEGRAM,
        message_id=str(update_id),
        chat_id=str(message.chat.id),
        received_at=message.date,
        **_sender(sender),
        **content,
    )


def _content(message: Message) -> dict[str, Any] | None:
    """The fields that depend on what was sent; None for service messages."""
    if message.text is not None:
        return _text(message.text)
    if message.location is not None:  # venues carry a location too
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
        largest = max(
            message.photo, key=lambda size: (size.width * size.height, size.file_size or 0)
        )
        return {
            "kind": InboundKind.IMAGE,
            "media_id": largest.file_id,
            "text": message.caption or "",
        }
    if message.effective_attachment is not None:
        return {
            "kind": InboundKind.UNSUPPORTED,
            "provider_type": effective_message_type(message) or "",
            "text": message.caption or "",
        }
    return None


def _pixels(size: PhotoSize) -> int:
    return size.width * size.height


def _text(text: str) -> dict[str, Any]:
    command, _, argument = text.strip().partition(" ")
    # In groups the command may be addressed: "/start@NzilaBot v_123".
    if command.split("@", 1)[0] == START_COMMAND:
        return {"kind": InboundKind.START, "payload": argument.strip(), "text": text}
    return {"kind": InboundKind.TEXT, "text": text}


def _button(update_id: int, query: CallbackQuery) -> InboundMessage | None:
    if query.data is None:  # a game button: nothing the bot offers
        return None
    # An inline-mode message has no chat; the private chat with a user has the user's id.
    chat_id = query.message.chat.id if query.message is not None else query.from_user.id
    return InboundMessage(
        channel=Channel.TELEGRAM,
        message_id=str(update_id),
        chat_id=str(chat_id),
        kind=InboundKind.BUTTON,
        payload=query.data,
        callback_query_id=query.id,
        **_sender(query.from_user),
    )


def _sender(user: User) -> dict[str, Any]:
    return {
        "user_id": str(user.id),
        "user_name": user.full_name,
        "language_hint": user.language_code,
    }
