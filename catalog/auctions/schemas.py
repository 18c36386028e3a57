"""What the auctions domain gives staff to read: an auction with its reserve and leader, its
accepted bids, a buyer's bidding standing. The CLI prints these and the staff API returns them
(webhook/staff/schemas.py names them for its OpenAPI schema without repeating a field)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from catalog.auctions.models import AuctionResult


class AuctionView(BaseModel):
    """An auction as staff see it (the reserve included); `status` is scheduled, live, ended
    (waiting to be closed), sold, on_approval, not_sold or cancelled."""

    model_config = ConfigDict(frozen=True)

    id: int
    vehicle_id: int
    vehicle_title: str
    dealer_id: int
    status: str
    result: AuctionResult
    starts_at: datetime
    ends_at: datetime = Field(description="As scheduled.")
    current_ends_at: datetime = Field(description="After soft-close extensions.")
    currency: str
    starting_bid_cents: int
    reserve_cents: int | None
    buy_now_cents: int | None
    soft_close_seconds: int
    current_price_cents: int | None
    leader_id: int | None
    bids_accepted: int
    minimum_next_bid_cents: int
    reserve_met: bool | None = Field(description="Null without a reserve.")
    buy_now_available: bool
    winner_id: int | None
    sold_price_cents: int | None
    payment_due_at: datetime | None
    approval_deadline_at: datetime | None
    counter_cents: int | None
    closed_at: datetime | None
    cancel_reason: str | None


class BidView(BaseModel):
    """An accepted bid: the bidder's maximum (staff only) and what it did to the price."""

    model_config = ConfigDict(frozen=True)

    id: int
    buyer_id: int
    kind: str
    amount_cents: int = Field(description="The bidder's maximum.")
    price_after_cents: int
    leader_after_id: int
    placed_at: datetime


class AuctionDetail(BaseModel):
    model_config = ConfigDict(frozen=True)

    auction: AuctionView
    bids: list[BidView]


class BidderView(BaseModel):
    """A buyer's bidding standing: deposit, limit and how much of it open auctions commit."""

    model_config = ConfigDict(frozen=True)

    buyer_id: int
    deposit_cents: int
    limit_set_cents: int | None = Field(description="Set outright by staff, else null.")
    limit_cents: int = Field(description="The limit in force.")
    committed_cents: int = Field(description="Maximums leading other open auctions.")
    available_cents: int
    terms_version: str | None
    terms_accepted_at: datetime | None
    updated_by: str | None
    updated_at: datetime | None
