"""A buyer's alert settings: which kinds they hear about, on which channel, when they sleep, and
what the providers told us about their marketing messages."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from catalog.database import Base, UTCDateTime, utcnow


class AlertPreferences(Base):
    """One row per buyer who changed a setting or about whom a provider said something; a
    buyer without one has the defaults (every kind, the channel they last wrote on, quiet
    hours 21:00-07:00 in the time zone of their country or number)."""

    __tablename__ = "alert_preferences"

    buyer_id: Mapped[int] = mapped_column(
        ForeignKey("buyers.id", ondelete="CASCADE"), primary_key=True
    )
    muted_kinds: Mapped[list[str]] = mapped_column(JSON, default=list)  # "auction.outbid", ...
    channel: Mapped[str | None] = mapped_column(String(20))  # None: where they last wrote
    quiet_start_hour: Mapped[int | None] = mapped_column(Integer)  # None: the default; =end: off
    quiet_end_hour: Mapped[int | None] = mapped_column(Integer)
    time_zone: Mapped[str | None] = mapped_column(String(60))  # None: from country or number
    # WhatsApp said the buyer reached their marketing limit (131049): hold until then.
    marketing_held_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # WhatsApp said the buyer stopped marketing messages (131050): none are sent again.
    marketing_stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
