"""What the privacy service hands back: a summary to show the buyer, and erasure records."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict


class DataSummary(BaseModel):
    """Everything we hold about one buyer, for the "my data" chat command.

    Identifiers are never shown in full: the WhatsApp number keeps only its last 3 digits
    ('+**********678') and the Telegram id is only said to be there or not.
    """

    model_config = ConfigDict(frozen=True)

    buyer_id: int
    whatsapp_number: str | None  # masked
    has_telegram: bool
    name: str
    language: str
    currency: str
    country: str | None
    consent_given_at: datetime | None
    consent_version: str | None
    opted_out_at: datetime | None
    erased_at: datetime | None
    alerts_allowed: bool  # the current notice accepted, alerts not stopped, data not erased
    conversations: int
    messages_from_buyer: int  # inbound
    messages_to_buyer: int  # outbound
    watchlist_entries: int
    saved_searches: int  # every one we hold, cancelled ones included
    first_contact_at: datetime
    last_contact_at: datetime


class ErasureRequest(BaseModel):
    """A buyer's confirmed request to have their personal data erased."""

    model_config = ConfigDict(frozen=True)

    buyer_id: int
    requested_at: datetime


class ErasureReceipt(BaseModel):
    """What an erasure did. `first_erasure` is False when the buyer had been erased before."""

    model_config = ConfigDict(frozen=True)

    buyer_id: int
    erased_at: datetime
    first_erasure: bool
    messages_blanked: int
    conversations_anonymised: int
    watchlist_entries_deleted: int
    saved_searches_deleted: int
