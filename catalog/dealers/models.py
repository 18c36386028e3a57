"""Dealers: the yards and sellers in North America whose vehicles the catalog lists, the one-time
links that tie a dealer to their Telegram account, and the vehicles a dealer muted."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from catalog.database import Base, UTCDateTime, utcnow


class Dealer(Base):
    __tablename__ = "dealers"
    # A unique index, not a constraint: SQLite adds it without rebuilding the table (which the
    # vehicles' foreign keys would refuse).
    __table_args__ = (Index("ix_dealers_telegram_user_id", "telegram_user_id", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    country: Mapped[str] = mapped_column(String(2))  # ISO 3166-1 alpha-2: US, CA
    region: Mapped[str] = mapped_column(String(80), default="")  # state or province
    city: Mapped[str] = mapped_column(String(120), default="")
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str | None] = mapped_column(String(20))  # E.164
    email: Mapped[str | None] = mapped_column(String(254))
    # Chat that receives lead alerts: a Telegram chat id, or a t.me invite link until joined.
    telegram_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    telegram_link: Mapped[str | None] = mapped_column(String(200))
    # The Telegram account linked by a one-time link (`link_tokens`): its messages are the
    # dealer's, never a buyer's. One account is one dealer's.
    telegram_user_id: Mapped[int | None] = mapped_column(BigInteger)
    language: Mapped[str] = mapped_column(String(2), default="en", server_default="en")
    alerts_paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # /pause, /resume
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class DealerLinkToken(Base):
    """A one-time link a dealer opens to tie their Telegram account to the dealer. Only the
    token's SHA-256 is kept: whoever reads the table cannot link themselves."""

    __tablename__ = "dealer_link_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    dealer_id: Mapped[int] = mapped_column(ForeignKey("dealers.id", ondelete="CASCADE"), index=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Who used it: the same account opening the link again is told it is linked, not refused.
    used_by_telegram_user_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class DealerMutedVehicle(Base):
    """A vehicle whose leads the dealer asked not to be alerted about (still listed in /leads)."""

    __tablename__ = "dealer_muted_vehicles"

    dealer_id: Mapped[int] = mapped_column(
        ForeignKey("dealers.id", ondelete="CASCADE"), primary_key=True
    )
    vehicle_id: Mapped[int] = mapped_column(
        ForeignKey("vehicles.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
