"""The bodies of the staff API: what staff send (`...In`) and what they get back (`...Out`).
Money is integer cents, times ISO-8601 with an offset."""

from __future__ import annotations

from typing import Annotated, Final

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StrictInt

from catalog.auctions import service as auction_service
from catalog.auctions.schemas import AuctionDetail, AuctionView, BidderView, BidView
from catalog.leads.schemas import LeadView

MAX_ID: Final = 2**31 - 1  # ids are 32-bit integers in the database

Cents = Annotated[StrictInt, Field(gt=0, le=auction_service.MAX_AMOUNT_CENTS)]
CentsOrZero = Annotated[StrictInt, Field(ge=0, le=auction_service.MAX_AMOUNT_CENTS)]
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
        auction_service.DEFAULT_SOFT_CLOSE_SECONDS
    )


class CancelIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=auction_service.MAX_REASON_LENGTH,
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


class AuctionOut(AuctionView):
    """An auction as staff see it (the reserve included); `status` is scheduled, live, ended
    (waiting to be closed), sold, on_approval, not_sold or cancelled."""

    @classmethod
    def of(cls, auction: AuctionView) -> AuctionOut:
        return cls(**auction.model_dump())


class BidOut(BidView):
    """An accepted bid: the bidder's maximum (staff only) and what it did to the price."""


class AuctionDetailOut(AuctionOut):
    bids: list[BidOut]

    @classmethod
    def of_detail(cls, detail: AuctionDetail) -> AuctionDetailOut:
        bids = [BidOut(**bid.model_dump()) for bid in detail.bids]
        return cls(**detail.auction.model_dump(), bids=bids)


class BidderOut(BidderView):
    """A buyer's bidding standing: deposit, limit and how much of it open auctions commit."""

    @classmethod
    def of(cls, bidder: BidderView) -> BidderOut:
        return cls(**bidder.model_dump())


class TelegramLinkOut(BaseModel):
    """A dealer's one-time Telegram link: give it to the dealer; it works once, until then."""

    url: str = Field(examples=["https://t.me/NzilaBot?start=dl_Q2hhbmdlIG1lIQ"])
    expires_at: AwareDatetime


class LeadOut(LeadView):
    """One of the dealer's leads: the vehicle, the buyer's country and language (never their
    name or number), what they did, the score now and why."""
