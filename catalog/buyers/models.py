"""Buyers: one person across channels, with language, currency, consent and opt-out."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from catalog.database import Base, UTCDateTime, utcnow
from chat.languages import LANGUAGES


class Buyer(Base):
    __tablename__ = "buyers"
    __table_args__ = (
        CheckConstraint(
            f"language IN ({', '.join(repr(code) for code in LANGUAGES)})",
            name="language_supported",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    whatsapp_number: Mapped[str | None] = mapped_column(String(16), unique=True)  # E.164
    # WhatsApp's business-scoped user id ("US.13491208655302741918"): the one id of a user who
    # adopted a username and whose number Meta withholds; a new one comes with a new number.
    whatsapp_bsuid: Mapped[str | None] = mapped_column(String(160), unique=True)
    telegram_user_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    country: Mapped[str | None] = mapped_column(String(2))
    language: Mapped[str] = mapped_column(String(2), default="en")
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    consent_given_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    consent_version: Mapped[str | None] = mapped_column(String(20))
    opted_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Set when the buyer's personal data was erased; the row stays for keys and statistics.
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    @property
    def has_consented(self) -> bool:
        return self.consent_given_at is not None

    @property
    def is_opted_out(self) -> bool:
        return self.opted_out_at is not None
