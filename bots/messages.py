"""What arrives from a channel, normalised: one `InboundMessage` type for every provider."""

from __future__ import annotations

import enum
from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict, Field


class Channel(enum.StrEnum):
    TELEGRAM = "telegram"
    WHATSAPP = "whatsapp"  # Meta's WhatsApp Cloud API
    TWILIO = "twilio"  # WhatsApp through Twilio


class InboundKind(enum.StrEnum):
    TEXT = "text"
    BUTTON = "button"  # a tapped reply button, list row or inline keyboard key
    START = "start"  # Telegram /start, with an optional deep-link payload
    LOCATION = "location"
    CONTACT = "contact"
    IMAGE = "image"
    UNSUPPORTED = "unsupported"  # stickers, voice notes, ...: answered with what the bot can do


class InboundMessage(BaseModel):
    """One thing a buyer did, as the conversation worker sees it, whatever the channel."""

    model_config = ConfigDict(frozen=True)

    channel: Channel
    message_id: str = Field(min_length=1, max_length=128)  # wamid, Telegram update_id, SmsSid
    user_id: str = Field(min_length=1, max_length=64)  # Telegram user id, or E.164 number
    chat_id: str = Field(min_length=1, max_length=64)  # where replies go
    user_name: str = ""
    kind: InboundKind
    text: str = ""
    payload: str = ""  # button payload, callback data or /start parameter
    latitude: float | None = None
    longitude: float | None = None
    phone: str | None = None  # a shared contact's number
    media_id: str | None = None  # provider's id or URL of an image
    callback_query_id: str | None = None  # Telegram: must be answered
    provider_type: str = ""  # the provider's own type name, kept for unsupported kinds
    language_hint: str | None = None  # e.g. Telegram's language_code
    received_at: datetime = Field(default_factory=lambda: datetime.now(UTC))

    @property
    def conversation_key(self) -> str:
        """One conversation per person per channel: 'whatsapp:+2348012345678'."""
        return f"{self.channel.value}:{self.user_id}"


class DeliveryState(enum.StrEnum):
    SENT = "sent"
    DELIVERED = "delivered"
    READ = "read"
    FAILED = "failed"


class DeliveryStatus(BaseModel):
    """A provider's report on a message we sent."""

    model_config = ConfigDict(frozen=True)

    channel: Channel
    message_id: str  # the provider's id of our outbound message
    state: DeliveryState
    error_code: str | None = None
    error_detail: str | None = None
    occurred_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
