"""A lead as its dealer sees it: the vehicle, the buyer's country and language, what they did,
the score and why. Never the buyer's name, number or id: dealers answer through the platform.
The chat commands, the CLI and the staff API all show this."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict


class LeadView(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    dealer_id: int
    vehicle_id: int
    vehicle_title: str
    buyer_country: str | None
    buyer_language: str
    counts: dict[str, int]
    score: int
    reasons: list[str]
    hot: bool
    first_seen_at: datetime
    last_activity_at: datetime
    hot_alerted_at: datetime | None
    claimed_at: datetime | None
