"""Telegram rendering: inline keyboards, photos and media groups, text split at 4096."""

from __future__ import annotations

import hashlib
from typing import Any

from bots.outbound.parts import OutboundPart, Rendered, gallery_urls, split_text, truncate
from chat.replies import Button, Reply

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
CALLBACK_DATA_LIMIT = 64  # bytes
MEDIA_GROUP_MAX = 10
KEYBOARD_COLUMNS = 2
LONG_PAYLOAD_PREFIX = "p:"


def callback_key(payload: str) -> str:
    """A short stand-in for a payload too long for callback_data (the payload goes to Redis)."""
    return LONG_PAYLOAD_PREFIX + hashlib.sha256(payload.encode()).hexdigest()[:24]


def callback_data(payload: str, long_payloads: dict[str, str]) -> str:
    """The payload itself when it fits in 64 bytes, else a key remembered in `long_payloads`."""
    if len(payload.encode()) <= CALLBACK_DATA_LIMIT and not payload.startswith(LONG_PAYLOAD_PREFIX):
        return payload
    key = callback_key(payload)
    long_payloads[key] = payload
    return key


def render_telegram(replies: list[Reply], chat_id: str, long_payloads: dict[str, str]) -> Rendered:
    """Telegram API calls for `replies`; long button payloads are added to `long_payloads`."""
    rendered = Rendered()
    for reply in replies:
        rendered.parts.extend(_images(reply, chat_id))
        if reply.text or reply.buttons:
            rendered.parts.extend(_text(reply, chat_id, long_payloads))
    return rendered


def _images(reply: Reply, chat_id: str) -> list[OutboundPart]:
    urls = gallery_urls(reply)
    parts = []
    for start in range(0, len(urls), MEDIA_GROUP_MAX):
        chunk = urls[start : start + MEDIA_GROUP_MAX]
        body: dict[str, Any]
        if len(chunk) == 1:
            body = {"chat_id": chat_id, "photo": chunk[0]}
            parts.append(OutboundPart("image", chunk[0], "sendPhoto", body))
        else:
            media = [{"type": "photo", "media": url} for url in chunk]
            body = {"chat_id": chat_id, "media": media}
            parts.append(OutboundPart("media_group", " ".join(chunk), "sendMediaGroup", body))
    return parts


def _text(reply: Reply, chat_id: str, long_payloads: dict[str, str]) -> list[OutboundPart]:
    pieces = split_text(reply.text, TEXT_LIMIT) or ["…"]
    parts = []
    for number, piece in enumerate(pieces, start=1):
        body: dict[str, Any] = {"chat_id": chat_id, "text": piece}
        kind = "text"
        if number == len(pieces) and reply.buttons:  # the keyboard goes under the last piece
            body["reply_markup"] = {"inline_keyboard": _keyboard(reply.buttons, long_payloads)}
            kind = "buttons"
        parts.append(OutboundPart(kind, piece, "sendMessage", body))
    return parts


def _keyboard(buttons: list[Button], long_payloads: dict[str, str]) -> list[list[dict[str, str]]]:
    keys = [
        {
            "text": truncate(button.title, 64),
            "callback_data": callback_data(button.payload, long_payloads),
        }
        for button in buttons
    ]
    columns = 1 if any(len(button.title) > 18 for button in buttons) else KEYBOARD_COLUMNS
    return [keys[row : row + columns] for row in range(0, len(keys), columns)]
