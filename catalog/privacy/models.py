"""The privacy audit: what was done with a buyer's personal data, and when.

Entries are kept for good, erasure included (they are the proof that a request was honoured),
so they never hold personal data themselves: a buyer id, an action, a time and a short detail.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from catalog.database import Base, UTCDateTime, string_enum, utcnow


class PrivacyAction(enum.StrEnum):
    CONSENT = "consent"  # accepted a version of the privacy notice
    OPT_OUT = "opt_out"  # asked for no more alerts
    OPT_IN = "opt_in"  # asked for alerts again
    DATA_SUMMARY = "data_summary"  # was shown what we hold about them
    ERASURE_REQUESTED = "erasure_requested"  # confirmed that they want their data erased
    ERASED = "erased"  # their personal data was erased


class PrivacyAuditEntry(Base):
    __tablename__ = "privacy_audit"
    __table_args__ = (Index("ix_privacy_audit_buyer", "buyer_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # RESTRICT: a buyer row is blanked on erasure, never deleted, so its audit trail stays whole.
    buyer_id: Mapped[int] = mapped_column(ForeignKey("buyers.id", ondelete="RESTRICT"))
    action: Mapped[PrivacyAction] = mapped_column(string_enum(PrivacyAction, "privacy_action"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    detail: Mapped[str] = mapped_column(String(200), default="")
