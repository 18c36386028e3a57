"""The staff API of the web inbox: schedule, list, show and cancel auctions; record a buyer's
deposit and bidding limit. Money is integer cents, times ISO-8601 with an offset.

Every route needs `Authorization: Bearer <STAFF_API_TOKEN>`. Statuses: 404 for an unknown id,
422 for invalid input, 409 when the auction or vehicle is in a state that refuses the change.
The rules themselves are in catalog/auctions/management.py, shared with `nzila auctions`.
"""

from __future__ import annotations

import hmac
from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Annotated, Final

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StrictInt
from sqlalchemy.orm import Session, sessionmaker

from catalog.auctions import management
from catalog.auctions.management import AuctionConflict, AuctionDetail, AuctionView, BidderView
from catalog.auctions.models import AuctionResult
from catalog.database import transaction, utcnow
from catalog.errors import InvalidInput, NotFound
from inbox.config import InboxSettings

MAX_ID: Final = 2**31 - 1  # ids are 32-bit integers in the database

_bearer = HTTPBearer(auto_error=False, description="STAFF_API_TOKEN")


def require_staff(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> None:
    """401 unless the request carries the staff token (compared in constant time)."""
    settings: InboxSettings = request.app.state.inbox_settings
    expected = settings.staff_api_token.get_secret_value().encode()
    given = credentials.credentials.encode() if credentials is not None else b""
    if not hmac.compare_digest(given, expected):
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail="a valid staff token is required",
            headers={"WWW-Authenticate": "Bearer"},
        )


def get_sessions(request: Request) -> sessionmaker[Session]:
    sessions: sessionmaker[Session] = request.app.state.sessions
    return sessions


SessionsDep = Annotated[sessionmaker[Session], Depends(get_sessions)]
AuctionId = Annotated[int, Path(description="The auction's id.")]
BuyerId = Annotated[int, Path(description="The buyer's id.")]
Cents = Annotated[StrictInt, Field(gt=0, le=management.MAX_AMOUNT_CENTS)]
CentsOrZero = Annotated[StrictInt, Field(ge=0, le=management.MAX_AMOUNT_CENTS)]
By = Annotated[str, Field(min_length=1, max_length=100, description="Who made the change.")]

router = APIRouter(prefix="/api/staff", tags=["staff"], dependencies=[Depends(require_staff)])


# --- Request and response bodies ----------------------------------------------------------------


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


# --- Routes -------------------------------------------------------------------------------------


@router.post("/auctions", status_code=status.HTTP_201_CREATED)
def create_auction(body: AuctionIn, sessions: SessionsDep) -> AuctionOut:
    """Schedule an auction for a vehicle that has no open one."""
    now = utcnow()
    duration = timedelta(seconds=body.duration_seconds) if body.duration_seconds else None
    try:
        starts_at, ends_at = management.auction_window(
            now=now, starts_at=body.starts_at, ends_at=body.ends_at, duration=duration
        )
        with transaction(sessions) as db_session:
            auction = management.schedule(
                db_session=db_session, vehicle_id=body.vehicle_id, starts_at=starts_at,
                ends_at=ends_at, starting_bid_cents=body.starting_bid_cents,
                reserve_cents=body.reserve_cents, buy_now_cents=body.buy_now_cents,
                soft_close_seconds=body.soft_close_seconds, now=now,
            )  # fmt: skip
            detail = management.show(db_session=db_session, auction_id=auction.id, now=now)
    except NotFound as missing:  # the vehicle named in the body: invalid input, not a bad URL
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(missing)) from missing
    except InvalidInput as error:
        raise _http_error(error) from error
    return AuctionOut.of(detail.auction)


@router.get("/auctions")
def list_auctions(
    sessions: SessionsDep,
    open_only: Annotated[bool, Query(alias="open", description="Only open ones.")] = False,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[AuctionOut]:
    """Open auctions ending soonest first, or every auction newest first."""
    with sessions() as db_session:
        views = management.list_auctions(db_session=db_session, open_only=open_only, limit=limit)
    return [AuctionOut.of(view) for view in views]


@router.get("/auctions/{auction_id}")
def show_auction(auction_id: AuctionId, sessions: SessionsDep) -> AuctionDetailOut:
    """The auction with its price, leader, reserve and every accepted bid."""
    _known(auction_id, "auction")
    try:
        with sessions() as db_session:
            detail = management.show(db_session=db_session, auction_id=auction_id)
    except (NotFound, InvalidInput) as error:
        raise _http_error(error) from error
    return AuctionDetailOut.of_detail(detail)


@router.post("/auctions/{auction_id}/cancel")
def cancel_auction(auction_id: AuctionId, body: CancelIn, sessions: SessionsDep) -> AuctionOut:
    """Cancel an open auction; bidders and watchers are told the reason. 409 once settled."""
    _known(auction_id, "auction")
    try:
        with transaction(sessions) as db_session:
            auction = management.cancel(
                db_session=db_session, auction_id=auction_id, reason=body.reason
            )
    except (NotFound, InvalidInput) as error:
        raise _http_error(error) from error
    return AuctionOut.of(auction)


@router.put("/bidders/{buyer_id}/deposit")
def record_deposit(buyer_id: BuyerId, body: DepositIn, sessions: SessionsDep) -> BidderOut:
    """Record the deposit a buyer paid (it replaces the previous amount)."""
    _known(buyer_id, "buyer")
    try:
        with transaction(sessions) as db_session:
            bidder = management.record_deposit(
                db_session=db_session, buyer_id=buyer_id, deposit_cents=body.deposit_cents,
                by=body.by,
            )  # fmt: skip
    except (NotFound, InvalidInput) as error:
        raise _http_error(error) from error
    return BidderOut.of(bidder)


@router.put("/bidders/{buyer_id}/limit")
def set_limit(buyer_id: BuyerId, body: LimitIn, sessions: SessionsDep) -> BidderOut:
    """Set a buyer's bidding limit outright, or null to go back to deposit x multiplier."""
    _known(buyer_id, "buyer")
    try:
        with transaction(sessions) as db_session:
            bidder = management.set_limit(db_session=db_session, buyer_id=buyer_id,
                                          limit_cents=body.limit_cents, by=body.by)  # fmt: skip
    except (NotFound, InvalidInput) as error:
        raise _http_error(error) from error
    return BidderOut.of(bidder)


def _known(row_id: int, what: str) -> None:
    """Ids the database cannot hold are unknown ones (not a database error)."""
    if not 0 < row_id <= MAX_ID:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no {what} {row_id}")


def _http_error(error: NotFound | InvalidInput) -> HTTPException:
    if isinstance(error, NotFound):
        return HTTPException(status.HTTP_404_NOT_FOUND, str(error))
    if isinstance(error, AuctionConflict):
        return HTTPException(status.HTTP_409_CONFLICT, str(error))
    return HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(error))
