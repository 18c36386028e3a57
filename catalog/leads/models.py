"""Leads: one row per buyer and vehicle, for the vehicle's dealer, merged as the buyer engages
again (details, gallery, watch, a saved search that matches it, quote, bid, asking for a person).

A lead holds no personal data of the buyer: dealers learn the buyer's country and language and
what they did, and answer through the platform.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from catalog.database import Base, UTCDateTime, utcnow


class Lead(Base):
    """`counts` is how many times each action happened ({"details": 2, "bid": 1}); `active_days`
    the distinct UTC days the buyer engaged (ISO dates, the latest few); `score` and `reasons`
    as of the last activity. `hot_alerted_at`: the one hot alert was recorded in the outbox;
    `digested_at`: the lead was last in the dealer's digest."""

    __tablename__ = "leads"
    __table_args__ = (
        UniqueConstraint("buyer_id", "vehicle_id"),
        Index("ix_leads_dealer_activity", "dealer_id", "last_activity_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dealer_id: Mapped[int] = mapped_column(ForeignKey("dealers.id", ondelete="CASCADE"))
    buyer_id: Mapped[int] = mapped_column(ForeignKey("buyers.id", ondelete="CASCADE"), index=True)
    vehicle_id: Mapped[int] = mapped_column(
        ForeignKey("vehicles.id", ondelete="CASCADE"), index=True
    )
    score: Mapped[int] = mapped_column(Integer, default=0)
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    active_days: Mapped[list[str]] = mapped_column(JSON, default=list)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_activity_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    hot_alerted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    digested_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
