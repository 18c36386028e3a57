"""The bodies of the staff API: what staff send (`...In`) and what they get back (`...Out`).
Money is integer cents, times ISO-8601 with an offset."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Annotated, Final

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StrictInt

from catalog.auctions import management
from catalog.auctions.management import AuctionDetail, AuctionView, BidderView
from catalog.auctions.models import AuctionResult

MAX_ID: Final = 2**31 - 1  # ids are 32-bit integers in the database

Cents = Annotated[StrictInt, Field(gt=0, le=management.MAX_AMOUNT_CENTS)]
CentsOrZero = Annotated[StrictInt, Field(ge=0, le=management.MAX_AMOUNT_CENTS)]
By = Annotated[str, Field(min_length=1, max_length=100, description="Who made the change.")]


class AuctionIn(BaseModel):
    """An auction to schedule: the end as a time or as a duration from the start."""

    model_config = ConfigDict(extra="forbid")

    vehicle_id: Annotated[StrictInt, Field(gt=0, le=MAX_ID)]
    starts_at: AwareDatetime | None = Field(default=None, description="Default: now.")
    ends_at: AwareDatetime | None = None
    duration_seconds: Annotated[StrictInt, Field(gt=0, le=366 * 86_400)] | None = None
    starting_bid_cents: Cents
    reserve_cents: Cents | None = None
    buy_now_cents: Cents | None = None
    soft_close_seconds: Annotated[StrictInt, Field(ge=0, le=86_400)] = (
        management.DEFAULT_SOFT_CLOSE_SECONDS
    )


class CancelIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=management.MAX_REASON_LENGTH,
                        description="Told to the auction's bidders and watchers.")  # fmt: skip


class DepositIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    deposit_cents: CentsOrZero
    by: By = "staff-api"


class LimitIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    limit_cents: CentsOrZero | None = Field(
        description="The limit outright; null: back to deposit x multiplier."
    )
    by: By = "staff-api"


class AuctionOut(BaseModel):
    """An auction as staff see it (the reserve included); `status` is scheduled, live, ended
    (waiting to be closed), sold, on_approval, not_sold or cancelled."""

    id: int
    vehicle_id: int
    vehicle_title: str
    dealer_id: int
    status: str
    result: AuctionResult
    starts_at: datetime
    ends_at: datetime
    current_ends_at: datetime
    currency: str
    starting_bid_cents: int
    reserve_cents: int | None
    buy_now_cents: int | None
    soft_close_seconds: int
    current_price_cents: int | None
    leader_id: int | None
    bids_accepted: int
    minimum_next_bid_cents: int
    reserve_met: bool | None
    buy_now_available: bool
    winner_id: int | None
    sold_price_cents: int | None
    payment_due_at: datetime | None
    approval_deadline_at: datetime | None
    counter_cents: int | None
    closed_at: datetime | None
    cancel_reason: str | None

    @classmethod
    def of(cls, auction: AuctionView) -> AuctionOut:
        return cls(**asdict(auction))


class BidOut(BaseModel):
    id: int
    buyer_id: int
    kind: str
    amount_cents: int = Field(description="The bidder's maximum.")
    price_after_cents: int
    leader_after_id: int
    placed_at: datetime


class AuctionDetailOut(AuctionOut):
    bids: list[BidOut]

    @classmethod
    def of_detail(cls, detail: AuctionDetail) -> AuctionDetailOut:
        bids = [BidOut(**asdict(bid)) for bid in detail.bids]
        return cls(**asdict(detail.auction), bids=bids)


class BidderOut(BaseModel):
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

    @classmethod
    def of(cls, bidder: BidderView) -> BidderOut:
        return cls(**asdict(bidder))
