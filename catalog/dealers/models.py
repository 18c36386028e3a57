"""Dealers: the yards and sellers in North America whose vehicles the catalog lists."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from catalog.database import Base, UTCDateTime, utcnow


class Dealer(Base):
    __tablename__ = "dealers"

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
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
