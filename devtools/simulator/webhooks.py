"""Inbound webhook requests exactly as Telegram, Meta (WhatsApp Cloud API) and Twilio send them,
signed with this deployment's own secrets, so the real webhook routes accept them.

Every request carries a fresh provider message id (a Telegram update_id above any earlier one,
a wamid, a Twilio SM sid), so the webhook's dedupe never drops a simulated message.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from twilio.request_validator import RequestValidator  # type: ignore[import-untyped]

from bots.channels.signatures import meta_signature
from bots.config import ChannelSettings
from chat.messages import Channel
from devtools.simulator import NothingToSend, UnknownUser

WEBHOOK_PATHS = {
    Channel.TELEGRAM: "/webhooks/telegram",
    Channel.WHATSAPP: "/webhooks/whatsapp",
    Channel.TWILIO: "/webhooks/twilio",
}
TELEGRAM_SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name
META_SIGNATURE_HEADER = "X-Hub-Signature-256"
TWILIO_SIGNATURE_HEADER = "X-Twilio-Signature"
JSON_TYPE = "application/json"
FORM_TYPE = "application/x-www-form-urlencoded"
# What Meta shows as our business number and account; the simulator has no real ones.
WHATSAPP_DISPLAY_NUMBER = "15550001234"
WHATSAPP_BUSINESS_ACCOUNT_ID = "100000000000002"
TWILIO_API_VERSION = "2010-04-01"


@dataclass(frozen=True)
class Location:
    """A shared location pin, optionally named (a venue)."""

    latitude: float
    longitude: float
    name: str = ""
    address: str = ""


@dataclass(frozen=True)
class SignedRequest:
    """One webhook POST: the path on our app, its headers (signature included) and raw body."""

    channel: Channel
    path: str
    headers: dict[str, str]
    body: bytes
    message_id: str  # the provider's id of the simulated message (update_id, wamid, sid)
    form: dict[str, str] | None = None  # Twilio's fields, as signed


MEDIA_KINDS = ("voice", "sticker", "video", "document", "image")
# Per media kind: WhatsApp's message type and MIME type, Telegram's message field, Twilio's type.
_MEDIA = {
    "voice": ("audio", "audio/ogg; codecs=opus", "voice", "audio"),
    "sticker": ("sticker", "image/webp", "sticker", "sticker"),
    "video": ("video", "video/mp4", "video", "video"),
    "document": ("document", "application/pdf", "document", "document"),
    "image": ("image", "image/jpeg", "photo", "image"),
}


@dataclass(frozen=True)
class _Said:
    """What the simulated user did: exactly one of text, a button tap, a location or media."""

    text: str | None
    button_payload: str | None
    button_title: str
    location: Location | None
    from_list: bool
    in_reply_to: str | None
    media: str | None = None


@dataclass(frozen=True)
class _Sender:
    user_id: str
    user_name: str
    language_code: str = "en"


class _UpdateIds:
    """Telegram update ids: always increasing, and above those of an earlier run (time-based)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last = 0

    def next(self) -> int:
        # Milliseconds x 1000 plus noise: unique across processes, below 2**53 for JavaScript.
        candidate = time.time_ns() // 1_000_000 * 1000 + secrets.randbelow(1000)
        with self._lock:
            self._last = max(self._last + 1, candidate)
            return self._last


_update_ids = _UpdateIds()


def build_inbound(
    channel: Channel | str,
    *,
    user_id: str,
    user_name: str,
    text: str | None = None,
    button_payload: str | None = None,
    button_title: str | None = None,
    location: Location | None = None,
    from_list: bool = False,
    in_reply_to: str | None = None,
    media: str | None = None,
    language_code: str = "en",
    settings: ChannelSettings,
    public_base_url: str,
) -> SignedRequest:
    """The signed webhook request `channel` would send when the user types, taps or shares.

    Args:
        channel: telegram, whatsapp (Cloud API) or twilio.
        user_id: the user's phone number (+2348012345678) or, on Telegram, numeric user id; a
            phone number on Telegram is used as the id, digits only.
        user_name: the profile name the provider reports.
        text: a typed message (on Telegram, "/start ..." is a command).
        button_payload: a tapped button's payload: Telegram callback_data, WhatsApp reply or
            row id, Twilio ButtonPayload.
        button_title: the tapped button's label (WhatsApp and Twilio send it back).
        location: a shared location pin.
        from_list: on WhatsApp, the tap was on a list row (list_reply), not a reply button.
        in_reply_to: the provider's id of the bot message tapped (Telegram message_id,
            wamid, Twilio sid), sent as the providers do when known.
        media: something that is not text, one of MEDIA_KINDS (a voice note, a sticker...).
        language_code: the language of the user's Telegram app.
        settings: our channel secrets and numbers, to sign with.
        public_base_url: the URL the provider calls (Twilio signs it).

    Raises:
        NothingToSend: not exactly one of text, button_payload, location and media.
        UnknownUser: a user id without digits.
    """
    channel = Channel(channel)
    said = _Said(
        text=text,
        button_payload=button_payload,
        button_title=(button_title or button_payload or "").strip(),
        location=location,
        from_list=from_list,
        in_reply_to=in_reply_to or None,
        media=media,
    )
    given = [bool(text and text.strip()), bool(button_payload), location is not None, bool(media)]
    if sum(given) != 1:
        raise NothingToSend("send exactly one of: text, a button payload, a location, media")
    if media and media not in _MEDIA:
        raise NothingToSend(f"unknown media {media!r}: one of {', '.join(MEDIA_KINDS)}")
    sender = _Sender(user_id=user_id, user_name=user_name.strip() or "Buyer",
                     language_code=language_code)  # fmt: skip
    return _BUILDERS[channel](said, sender, settings, public_base_url)


def phone_digits(user_id: str) -> str:
    """The digits of a phone number or id: '+234 801-234 5678' -> '2348012345678'.

    Raises:
        UnknownUser: no digits at all.
    """
    digits = re.sub(r"\D", "", user_id)
    if not digits or len(digits) > 15:
        raise UnknownUser(f"not a phone number or numeric id: {user_id!r}")
    return digits


def reply_chat_id(channel: Channel | str, user_id: str) -> str:
    """Where the bot's replies to this user go, as the provider's API names the chat."""
    digits = phone_digits(user_id)
    if Channel(channel) is Channel.TWILIO:
        return f"whatsapp:+{digits}"
    return digits  # Telegram's chat id of a private chat is the user id; WhatsApp's wa_id


# --- Telegram ----------------------------------------------------------------------------------


def _telegram(
    said: _Said, sender: _Sender, settings: ChannelSettings, public_base_url: str
) -> SignedRequest:
    update_id = _update_ids.next()
    user = _telegram_user(sender)
    chat = {key: value for key, value in user.items() if key in {"id", "first_name", "last_name"}}
    chat["type"] = "private"
    update: dict[str, Any] = {"update_id": update_id}
    if said.button_payload:
        update["callback_query"] = _callback_query(said, user, chat, settings)
    else:
        message: dict[str, Any] = {"message_id": update_id % 2**31, "from": user, "chat": chat}
        message["date"] = int(time.time())
        update["message"] = message | _telegram_content(said)
    body = json.dumps(update, ensure_ascii=False).encode()
    secret = settings.telegram_webhook_secret.get_secret_value()
    headers = {"Content-Type": JSON_TYPE, TELEGRAM_SECRET_HEADER: secret}
    return SignedRequest(Channel.TELEGRAM, WEBHOOK_PATHS[Channel.TELEGRAM], headers, body,
                         str(update_id))  # fmt: skip


def _telegram_user(sender: _Sender) -> dict[str, Any]:
    first, _, last = sender.user_name.partition(" ")
    user: dict[str, Any] = {"id": int(phone_digits(sender.user_id)), "is_bot": False}
    user["first_name"] = first
    if last.strip():
        user["last_name"] = last.strip()
    user["language_code"] = sender.language_code
    return user


def _telegram_content(said: _Said) -> dict[str, Any]:
    if said.media:
        return _telegram_media(said.media)
    if said.location is not None:
        pin = {"latitude": said.location.latitude, "longitude": said.location.longitude}
        content: dict[str, Any] = {"location": pin}
        if said.location.name:
            content["venue"] = {"location": pin, "title": said.location.name,
                                "address": said.location.address}  # fmt: skip
        return content
    text = said.text or ""
    content = {"text": text}
    command = text.split(" ", 1)[0]
    if command.startswith("/") and len(command) > 1:  # Telegram marks commands as entities
        content["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
    return content


def _telegram_media(media: str) -> dict[str, Any]:
    field = _MEDIA[media][2]
    file = {"file_id": "BQACAgQAAx" + secrets.token_hex(12), "file_unique_id": secrets.token_hex(6),
            "file_size": 24_000}  # fmt: skip
    if field == "photo":
        return {"photo": [file | {"width": 1280, "height": 960}]}
    extras: dict[str, dict[str, Any]] = {
        "voice": {"duration": 4, "mime_type": "audio/ogg"},
        "sticker": {"width": 512, "height": 512, "is_animated": False, "is_video": False,
                    "type": "regular"},
        "video": {"width": 640, "height": 360, "duration": 6, "mime_type": "video/mp4"},
        "document": {"file_name": "invoice.pdf", "mime_type": "application/pdf"},
    }  # fmt: skip
    return {field: file | extras[field]}


def _callback_query(
    said: _Said, user: dict[str, Any], chat: dict[str, Any], settings: ChannelSettings
) -> dict[str, Any]:
    query: dict[str, Any] = {"id": str(secrets.randbelow(10**19)), "from": user}
    if said.in_reply_to and said.in_reply_to.isdigit():  # the message whose keyboard was tapped
        bot_id = settings.telegram_bot_token.get_secret_value().split(":", 1)[0]
        bot = {"id": int(bot_id) if bot_id.isdigit() else 1, "is_bot": True, "first_name": "Nzila",
               "username": settings.telegram_bot_username}  # fmt: skip
        query["message"] = {"message_id": int(said.in_reply_to), "from": bot, "chat": chat,
                            "date": int(time.time())}  # fmt: skip
    query["chat_instance"] = str(-(user["id"] * 7919 % 10**18))
    query["data"] = said.button_payload
    return query


# --- WhatsApp Cloud API ------------------------------------------------------------------------


def _whatsapp(
    said: _Said, sender: _Sender, settings: ChannelSettings, public_base_url: str
) -> SignedRequest:
    wa_id = phone_digits(sender.user_id)
    message_id = new_wamid()
    message: dict[str, Any] = {"from": wa_id, "id": message_id, "timestamp": str(int(time.time()))}
    if said.in_reply_to:
        message["context"] = {"from": WHATSAPP_DISPLAY_NUMBER, "id": said.in_reply_to}
    message |= _whatsapp_content(said)
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": WHATSAPP_DISPLAY_NUMBER,
                     "phone_number_id": settings.whatsapp_phone_number_id},
        "contacts": [{"profile": {"name": sender.user_name}, "wa_id": wa_id}],
        "messages": [message],
    }  # fmt: skip
    payload = {
        "object": "whatsapp_business_account",
        "entry": [{"id": WHATSAPP_BUSINESS_ACCOUNT_ID,
                   "changes": [{"value": value, "field": "messages"}]}],
    }  # fmt: skip
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    signature = meta_signature(body, settings.whatsapp_app_secret.get_secret_value())
    headers = {"Content-Type": JSON_TYPE, META_SIGNATURE_HEADER: signature}
    return SignedRequest(Channel.WHATSAPP, WEBHOOK_PATHS[Channel.WHATSAPP], headers, body,
                         message_id)  # fmt: skip


def new_wamid() -> str:
    """A fresh WhatsApp message id: 'wamid.' and base64 text, as Meta's look."""
    return "wamid." + base64.b64encode(b"\x18\x0d" + secrets.token_bytes(28)).decode()


def _whatsapp_content(said: _Said) -> dict[str, Any]:
    if said.media:
        kind, mime_type = _MEDIA[said.media][:2]
        content: dict[str, Any] = {"mime_type": mime_type, "sha256": secrets.token_hex(32),
                                   "id": str(10**15 + secrets.randbelow(10**15))}  # fmt: skip
        extras: dict[str, dict[str, Any]] = {"voice": {"voice": True},
                                             "sticker": {"animated": False},
                                             "document": {"filename": "invoice.pdf"}}  # fmt: skip
        content |= extras.get(said.media, {})
        return {"type": kind, kind: content}
    if said.location is not None:
        pin: dict[str, Any] = {"latitude": said.location.latitude,
                               "longitude": said.location.longitude}  # fmt: skip
        if said.location.name:
            pin |= {"name": said.location.name, "address": said.location.address}
        return {"type": "location", "location": pin}
    if said.button_payload:
        kind = "list_reply" if said.from_list else "button_reply"
        reply = {"id": said.button_payload, "title": said.button_title}
        return {"type": "interactive", "interactive": {"type": kind, kind: reply}}
    return {"type": "text", "text": {"body": said.text or ""}}


# --- Twilio (WhatsApp) -------------------------------------------------------------------------


def _twilio(
    said: _Said, sender: _Sender, settings: ChannelSettings, public_base_url: str
) -> SignedRequest:
    digits = phone_digits(sender.user_id)
    sid = "SM" + secrets.token_hex(16)
    form = {
        "SmsMessageSid": sid, "NumMedia": "0", "ProfileName": sender.user_name,
        "MessageType": "text", "SmsSid": sid, "WaId": digits, "SmsStatus": "received",
        "Body": said.text or "", "To": settings.twilio_whatsapp_from, "NumSegments": "1",
        "ReferralNumMedia": "0", "MessageSid": sid, "AccountSid": settings.twilio_account_sid,
        "From": f"whatsapp:+{digits}", "ApiVersion": TWILIO_API_VERSION,
    }  # fmt: skip
    form |= _twilio_content(said, settings)
    path = WEBHOOK_PATHS[Channel.TWILIO]
    url = public_base_url.rstrip("/") + path
    validator = RequestValidator(settings.twilio_auth_token.get_secret_value())
    headers = {
        "Content-Type": FORM_TYPE,
        TWILIO_SIGNATURE_HEADER: str(validator.compute_signature(url, form)),
        "User-Agent": "TwilioProxy/1.1",
    }
    return SignedRequest(Channel.TWILIO, path, headers, urlencode(form).encode(), sid, form)


def _twilio_content(said: _Said, settings: ChannelSettings) -> dict[str, str]:
    if said.media:
        _, mime_type, _, kind = _MEDIA[said.media]
        url = (f"https://api.twilio.com/2010-04-01/Accounts/{settings.twilio_account_sid}/"
               f"Messages/MM{secrets.token_hex(16)}/Media/ME{secrets.token_hex(16)}")  # fmt: skip
        return {"MessageType": kind, "Body": "", "NumMedia": "1",
                "MediaContentType0": mime_type.split(";")[0], "MediaUrl0": url}  # fmt: skip
    if said.location is not None:
        fields = {"MessageType": "location", "Body": "",
                  "Latitude": repr(said.location.latitude),
                  "Longitude": repr(said.location.longitude)}  # fmt: skip
        if said.location.name:
            fields |= {"Label": said.location.name, "Address": said.location.address}
        return fields
    if said.button_payload:
        title = said.button_title
        fields = {"MessageType": "button", "Body": title, "ButtonText": title,
                  "ButtonPayload": said.button_payload}  # fmt: skip
        if said.in_reply_to:
            fields |= {"OriginalRepliedMessageSid": said.in_reply_to,
                       "OriginalRepliedMessageSender": settings.twilio_whatsapp_from}  # fmt: skip
        return fields
    return {}


_Builder = Callable[[_Said, _Sender, ChannelSettings, str], SignedRequest]
_BUILDERS: dict[Channel, _Builder] = {
    Channel.TELEGRAM: _telegram,
    Channel.WHATSAPP: _whatsapp,
    Channel.TWILIO: _twilio,
}
