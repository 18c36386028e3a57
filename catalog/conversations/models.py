"""Conversations and every message in them, inbound and outbound, with delivery state."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from catalog.database import Base, UTCDateTime, string_enum, utcnow


class ConversationState(enum.StrEnum):
    BOT = "bot"  # the bot answers
    WAITING_AGENT = "waiting_agent"  # the buyer asked for a person; the bot is paused
    AGENT = "agent"  # an agent has taken it over from the inbox


class HandoffStatus(enum.StrEnum):
    OPEN = "open"  # waiting for an agent
    TAKEN = "taken"  # an agent has the conversation
    RETURNED = "returned"  # the conversation is back with the bot


class HandoffReturn(enum.StrEnum):
    """Who gave the conversation back to the bot."""

    BUYER = "buyer"  # said so, or tapped the handoff's button
    TIMEOUT = "timeout"  # no agent took it within the wait
    AGENT = "agent"  # the agent handed it back


class Direction(enum.StrEnum):
    INBOUND = "in"
    OUTBOUND = "out"


class MessageStatus(enum.StrEnum):
    RECEIVED = "received"  # inbound, recorded
    ANSWERED = "answered"  # inbound, the bot's replies are recorded
    FOR_AGENT = "for_agent"  # inbound, published for the inbox instead of the bot
    PENDING = "pending"  # outbound, not yet accepted by the provider
    SENT = "sent"
    DELIVERED = "delivered"
    READ = "read"
    FAILED = "failed"


ERASED_KEY_PREFIX = "erased:"  # an erased buyer's conversation: "erased:<id>", naming nobody


class Conversation(Base):
    __tablename__ = "conversations"

    id: Mapped[int] = mapped_column(primary_key=True)
    # "whatsapp:+2348012345678", "whatsapp:US.13491208655302741918" (a business-scoped user id)
    key: Mapped[str] = mapped_column(String(180), unique=True)
    channel: Mapped[str] = mapped_column(String(20))
    chat_id: Mapped[str] = mapped_column(String(160))
    buyer_id: Mapped[int | None] = mapped_column(
        ForeignKey("buyers.id", ondelete="SET NULL"), index=True
    )
    state: Mapped[ConversationState] = mapped_column(
        string_enum(ConversationState, "conversation_state"), default=ConversationState.BOT
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_message_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    @property
    def erased(self) -> bool:
        """Its buyer's data was erased: the key and chat id no longer name them."""
        return self.key.startswith(ERASED_KEY_PREFIX)


class ChatMessage(Base):
    """One message. Inbound ids are unique per channel: the last line of defence against replays."""

    __tablename__ = "chat_messages"
    __table_args__ = (
        UniqueConstraint("channel", "provider_message_id"),
        UniqueConstraint("idempotency_key"),
        Index("ix_chat_messages_conversation", "conversation_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(20))
    direction: Mapped[Direction] = mapped_column(string_enum(Direction, "direction"))
    provider_message_id: Mapped[str | None] = mapped_column(String(128))
    # Outbound only: "<inbound message id>:<reply number>", so a retried turn sends nothing twice.
    idempotency_key: Mapped[str | None] = mapped_column(String(200))
    reply_to_id: Mapped[int | None] = mapped_column(
        ForeignKey("chat_messages.id", ondelete="SET NULL")
    )
    # Outbound only: the alert this message delivers (its status callbacks move the alert's).
    outbox_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text, default="")
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[MessageStatus] = mapped_column(string_enum(MessageStatus, "message_status"))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error_code: Mapped[str | None] = mapped_column(String(40))
    error_detail: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class InboundRefusal(Base):
    """An item of a provider's request that could not be read: kept for staff, with why.

    The other items of its request were queued; the provider got 200 unless nothing was readable.
    """

    __tablename__ = "inbound_refusals"

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(String(500))
    item: Mapped[str] = mapped_column(Text)  # the item as the provider sent it (cut at 4,000)
    provider_message_id: Mapped[str | None] = mapped_column(String(128))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class HandoffRequest(Base):
    """A buyer's request for a person: kept after the bot is back, so staff see who waited."""

    __tablename__ = "handoff_requests"
    __table_args__ = (Index("ix_handoff_requests_status", "status", "requested_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[HandoffStatus] = mapped_column(
        string_enum(HandoffStatus, "handoff_status"), default=HandoffStatus.OPEN
    )
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    taken_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    returned_by: Mapped[HandoffReturn | None] = mapped_column(
        string_enum(HandoffReturn, "handoff_return")
    )
    # A call-back: the phone number (digits, "+" if given) or e-mail the buyer typed and agreed
    # we may keep for it. Personal data: blanked on erasure.
    contact: Mapped[str | None] = mapped_column(String(254))
    conversation: Mapped[Conversation] = relationship()
