"""What arrives from a channel, normalised: one `InboundMessage` type for every provider, the
providers' `DeliveryStatus` reports on what we sent, and the `Refusal` of an item that could not
be read. All three travel through the inbound queue."""

from __future__ import annotations

import enum
from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict, Field

# A WhatsApp business-scoped user id is a country code, an optional "ENT." and up to 128
# alphanumerics ("US.13491208655302741918"); room for the channel prefix of a conversation key.
USER_ID_MAX = 160


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
    # Not turns: recorded against the conversation, the dialog engine never sees them.
    REACTION = "reaction"  # an emoji on a message (text ""): the reaction was taken back
    EDIT = "edit"  # the buyer edited an earlier message (text: the new text)
    DELETED = "deleted"  # the buyer deleted an earlier message for everyone
    IDENTITY_CHANGED = "identity_changed"  # a new phone number or business-scoped user id


# The intent a message that is not words reaches the dialog engine as, with its kind:
# ``/media_received{"media":"voice"}``.
MEDIA_INTENT = "media_received"


class MediaKind(enum.StrEnum):
    """What a buyer sent that is not words, as the bot names it back to them."""

    VOICE = "voice"  # voice notes and audio files
    VIDEO = "video"
    STICKER = "sticker"  # stickers, GIFs, Telegram's dice
    DOCUMENT = "document"
    IMAGE = "image"
    LOCATION = "location"
    CONTACT = "contact"
    OTHER = "other"


_MEDIA_WORDS: tuple[tuple[tuple[str, ...], MediaKind], ...] = (
    (("voice", "audio", "ptt"), MediaKind.VOICE),
    (("sticker", "animation", "gif", "dice"), MediaKind.STICKER),
    (("video",), MediaKind.VIDEO),
    (("document", "application/", "text/", "pdf"), MediaKind.DOCUMENT),
    (("image", "photo"), MediaKind.IMAGE),
    (("location", "venue"), MediaKind.LOCATION),
    (("contact", "vcard"), MediaKind.CONTACT),
)


def media_kind(kind: InboundKind, provider_type: str = "") -> MediaKind:
    """The kind of a message that is not words, from our kind and the provider's own type name
    (WhatsApp "audio", Telegram "video_note", Twilio "audio/ogg"...)."""
    named = {InboundKind.IMAGE: MediaKind.IMAGE, InboundKind.LOCATION: MediaKind.LOCATION,
             InboundKind.CONTACT: MediaKind.CONTACT}.get(kind)  # fmt: skip
    if named is not None:
        return named
    provider = provider_type.lower()
    for words, media in _MEDIA_WORDS:
        if any(word in provider for word in words):
            return media
    return MediaKind.OTHER


NOT_TURNS = frozenset(
    {InboundKind.REACTION, InboundKind.EDIT, InboundKind.DELETED, InboundKind.IDENTITY_CHANGED}
)


class InboundMessage(BaseModel):
    """One thing a buyer did, as the conversation worker sees it, whatever the channel."""

    model_config = ConfigDict(frozen=True)

    channel: Channel
    message_id: str = Field(min_length=1, max_length=128)  # wamid, Telegram update_id, SmsSid
    # Telegram user id; E.164 number; or, for a WhatsApp user whose number Meta withholds,
    # their business-scoped user id (BSUID).
    user_id: str = Field(min_length=1, max_length=USER_ID_MAX)
    chat_id: str = Field(min_length=1, max_length=USER_ID_MAX)  # where replies go
    bsuid: str | None = Field(default=None, max_length=USER_ID_MAX)  # WhatsApp, when sent
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
    # REACTION / EDIT / DELETED: the provider's id of the message it is about (for Telegram,
    # "<chat id>:<message id>", as our sent messages are recorded).
    target_message_id: str | None = Field(default=None, max_length=128)
    # IDENTITY_CHANGED: the sender's new id (a phone number, or a BSUID); the rest stays.
    new_user_id: str | None = Field(default=None, max_length=USER_ID_MAX)
    received_at: datetime = Field(default_factory=lambda: datetime.now(UTC))

    @property
    def conversation_key(self) -> str:
        """One conversation per person per channel: 'whatsapp:+2348012345678'."""
        return f"{self.channel.value}:{self.user_id}"

    @property
    def in_order(self) -> bool:
        """A buyer's items run strictly in the order they were queued."""
        return True

    @property
    def is_turn(self) -> bool:
        """Something the buyer said or tapped, for the dialog engine to answer."""
        return self.kind not in NOT_TURNS


class DeliveryState(enum.StrEnum):
    SENT = "sent"
    DELIVERED = "delivered"
    READ = "read"
    FAILED = "failed"


class DeliveryStatus(BaseModel):
    """A provider's report on a message we sent."""

    model_config = ConfigDict(frozen=True)

    channel: Channel
    message_id: str = Field(min_length=1, max_length=128)  # the provider's id of our message
    state: DeliveryState
    # The buyer it was sent to, as `InboundMessage.user_id` names them: the report then waits
    # in the conversation's line behind the turn that sent the message.
    recipient: str | None = Field(default=None, max_length=USER_ID_MAX)
    error_code: str | None = None
    error_detail: str | None = None
    occurred_at: datetime = Field(default_factory=lambda: datetime.now(UTC))

    @property
    def conversation_key(self) -> str:
        if self.recipient:
            return f"{self.channel.value}:{self.recipient}"
        return f"{self.channel.value}:statuses"  # one shared line: rare, and cheap to apply

    @property
    def in_order(self) -> bool:
        """Whether it waits for the items before it in its line (the turn that sent its
        message); a report naming no buyer has no turn to wait for."""
        return bool(self.recipient)


REFUSED_ITEM_MAX = 4000


class Refusal(BaseModel):
    """An item of a provider's request that could not be read, kept so nothing is lost silently.

    A batch's other items are queued; staff can read what was refused and why.
    """

    model_config = ConfigDict(frozen=True)

    channel: Channel
    reason: str = Field(max_length=500)
    item: str = Field(max_length=REFUSED_ITEM_MAX)  # the item as JSON, cut to the limit
    message_id: str | None = Field(default=None, max_length=128)  # the provider's id, if read
    received_at: datetime = Field(default_factory=lambda: datetime.now(UTC))

    @property
    def conversation_key(self) -> str:
        return f"{self.channel.value}:refused"

    @property
    def in_order(self) -> bool:
        """Refusals share a line but wait for nothing in it: none depends on another."""
        return False


QueueItem = InboundMessage | DeliveryStatus | Refusal
