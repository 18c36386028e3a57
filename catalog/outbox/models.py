"""The outbox: what someone must be told, written in the same transaction as the change that
causes it, and delivered later by the notifications worker, each row at most once."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from catalog.database import Base, UTCDateTime, string_enum, utcnow


class AlertStatus(enum.StrEnum):
    """Where an alert is in its life. `pending` waits for its `next_attempt_at` (a retry, quiet
    hours, the messaging tier, a held marketing alert); `sent` the provider accepted it, then
    its status callbacks move it to `delivered`, `read` or `failed`; `dead` the worker gave up
    (the last error is kept: `nzila alerts dead-letter`); `skipped` it must not be sent (the
    recipient opted out, turned the kind off, or cannot be reached), with the reason."""

    PENDING = "pending"
    SENT = "sent"
    DELIVERED = "delivered"
    READ = "read"
    FAILED = "failed"
    DEAD = "dead"
    SKIPPED = "skipped"


class OutboxMessage(Base):
    """One alert to one recipient: a buyer, a dealer or staff (exactly one).

    `kind` is the domain's name for it, prefixed by the domain ("auction.outbid"); `subject_type`
    and `subject_id` say what it is about (the auction 12), so a domain lists its own rows;
    `key` names what caused it, so a retried change records it once, and is the dedupe key of
    its delivery. The alert worker claims a row for a while (`claimed_by`, `claimed_until`),
    sends it, and records `sent_at` (the provider accepted it) or counts `attempts` with the
    `last_error` and its provider `error_code`, and tries again at `next_attempt_at`; it gives
    up at `failed_at` (status `dead`). The provider's callbacks fill `delivered_at`, `read_at`.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        CheckConstraint(
            "(CASE WHEN buyer_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN dealer_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN to_staff THEN 1 ELSE 0 END) = 1",
            name="one_recipient",
        ),
        Index("ix_outbox_due", "status", "next_attempt_at", "id"),
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
    to_staff: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    status: Mapped[AlertStatus] = mapped_column(
        string_enum(AlertStatus, "alert_status"),
        default=AlertStatus.PENDING,
        server_default=AlertStatus.PENDING.value,
    )
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    claimed_by: Mapped[str | None] = mapped_column(String(80))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    channel: Mapped[str | None] = mapped_column(String(20))  # where it went (or was to go)
    template: Mapped[str | None] = mapped_column(String(120))  # the template it went as
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error_code: Mapped[str | None] = mapped_column(String(40))
    last_error: Mapped[str | None] = mapped_column(Text)
