"""The outbox: what someone must be told, written in the same transaction as the change that
causes it, and delivered later by the notifications worker, each row at most once."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from catalog.database import Base, UTCDateTime, utcnow


class OutboxMessage(Base):
    """One alert to one recipient: a buyer or a dealer (exactly one).

    `kind` is the domain's name for it, prefixed by the domain ("auction.outbid"); `subject_type`
    and `subject_id` say what it is about (the auction 12), so a domain lists its own rows;
    `key` names what caused it, so a retried change records it once. Delivery fills
    `delivered_at`, or counts `attempts` and keeps the `last_error`, and gives up at `failed_at`.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        CheckConstraint("(buyer_id IS NULL) <> (dealer_id IS NULL)", name="one_recipient"),
        Index("ix_outbox_undelivered", "delivered_at", "failed_at", "id"),
        Index("ix_outbox_subject", "subject_type", "subject_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(60))
    subject_type: Mapped[str] = mapped_column(String(30))
    subject_id: Mapped[int] = mapped_column(Integer)
    buyer_id: Mapped[int | None] = mapped_column(
        ForeignKey("buyers.id", ondelete="CASCADE"), index=True
    )
    dealer_id: Mapped[int | None] = mapped_column(
        ForeignKey("dealers.id", ondelete="CASCADE"), index=True
    )
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
