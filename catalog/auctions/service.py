"""Auctions: the one public service. Staff schedule, list, show and cancel auctions and set what a
bidder may bid; buyers bid and read their bids; the closer and the scheduler close, expire and
announce. Callers outside catalog/auctions import this module (with schemas, models, engine and
fees); the role files behind it are lifecycle.py (changes under the auction's lock), storage.py
(the locks and statements), queries.py (reads), bidders.py (terms and buying power) and events.py
(the alerts each change writes to the outbox).

The staff HTTP API (webhook/staff/) and the `nzila auctions` commands both call these, so the rules
live once: one open auction per vehicle, terms the engine accepts, an end still to come, amounts
within bounds, times in UTC.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.auctions import bidders, lifecycle
from catalog.auctions.bidders import (
    BuyingPower,
    accept_terms,
    buying_power,
    has_accepted_terms,
    profile,
)
from catalog.auctions.events import AuctionAlert
from catalog.auctions.fees import AuctionSettings, get_auction_settings
from catalog.auctions.lifecycle import (
    BidResult,
    DealerDecision,
    NotAwaiting,
    NotYours,
    accepted_bids,
    announce_ending_soon,
    answer_counter,
    close,
    create,
    decide,
    due_for_closing,
    expire_approvals,
    get,
    place_bid,
    preview_bid,
    remind_approvals,
    state_of,
    terms_of,
)
from catalog.auctions.models import Auction, AuctionBid, AuctionResult
from catalog.auctions.queries import (
    MyBid,
    bids_of,
    count_ending_between,
    ending_between,
    find,
    latest_for_vehicle,
    own_maximum,
    vehicle_of,
)
from catalog.auctions.schemas import AuctionDetail, AuctionView, BidderView, BidView
from catalog.buyers import service as buyer_service
from catalog.database import utcnow
from catalog.errors import InvalidInput, NotFound
from catalog.vehicles.models import ListingStatus, Vehicle
from chat.money import format_money_exact

__all__ = [
    "AlreadySettled", "AuctionAlert", "AuctionConflict", "BidResult", "BuyingPower",
    "DealerDecision", "MyBid", "NotAwaiting", "NotYours", "VehicleHasOpenAuction",
    "accept_terms", "accepted_bids", "announce_ending_soon", "answer_counter", "auction_window",
    "auctionable", "bidder_view", "bids_of", "buying_power", "cancel", "close",
    "count_ending_between", "create", "decide", "due_for_closing", "ending_between",
    "expire_approvals", "find", "get",
    "has_accepted_terms", "latest_for_vehicle", "list_auctions", "open_auction_of",
    "own_maximum", "place_bid", "preview_bid", "profile", "record_deposit",
    "remind_approvals", "schedule",
    "set_limit", "show", "state_of", "terms_of", "vehicle_of", "view",
]  # fmt: skip

# Far above any vehicle, far below what a BIGINT column holds: a typo, not a price.
MAX_AMOUNT_CENTS: Final = 100_000_000_00
MAX_REASON_LENGTH: Final = 500  # auctions.cancel_reason
MAX_BY_LENGTH: Final = 200  # bidders.updated_by
DEFAULT_SOFT_CLOSE_SECONDS: Final = 120

_UNSCHEDULABLE = frozenset({ListingStatus.SOLD, ListingStatus.WITHDRAWN})


class AuctionConflict(InvalidInput):
    """The request is valid, but the auction or vehicle is in a state that refuses it."""


class VehicleHasOpenAuction(AuctionConflict):
    """The vehicle already has an auction that is scheduled, live or waiting to be closed."""


class AlreadySettled(AuctionConflict):
    """The auction was already sold, not sold, sent to approval or cancelled."""


def _dollars(cents: int) -> str:
    return format_money_exact(cents, "USD", "en", always_minor=True)


def within_bounds(cents: int) -> int:
    """The amount, or InvalidInput when it is more than any vehicle costs (a typo)."""
    if cents > MAX_AMOUNT_CENTS:
        raise InvalidInput(f"{_dollars(cents)} is more than {_dollars(MAX_AMOUNT_CENTS)}")
    return cents


def auction_window(
    *, now: datetime, starts_at: datetime | None = None, starts_in: timedelta | None = None,
    ends_at: datetime | None = None, duration: timedelta | None = None,
) -> tuple[datetime, datetime]:  # fmt: skip
    """When an auction runs: a start (a time, or a delay from `now`; `now` when neither) and an
    end (a time, or a duration from the start).

    Raises:
        InvalidInput: both or neither ways of giving the end, or both ways of giving the start.
    """
    if starts_at is not None and starts_in is not None:
        raise InvalidInput("give the start as a time or as a delay, not both")
    if (ends_at is None) == (duration is None):
        raise InvalidInput("give the end as a time or as a duration (exactly one)")
    start = starts_at if starts_at is not None else now + (starts_in or timedelta(0))
    end = ends_at if ends_at is not None else start + (duration or timedelta(0))
    return start, end


# --- Scheduling and reading auctions ------------------------------------------------------------


def schedule(
    *, db_session: Session, vehicle_id: int, starts_at: datetime, ends_at: datetime,
    starting_bid_cents: int, reserve_cents: int | None = None, buy_now_cents: int | None = None,
    soft_close_seconds: int = DEFAULT_SOFT_CLOSE_SECONDS, now: datetime | None = None,
) -> Auction:  # fmt: skip
    """Schedule an auction for a vehicle that is for sale and has no open auction.

    Raises:
        NotFound: no such vehicle.
        InvalidInput: terms the engine refuses (end before start, reserve above buy-now...),
            an end already past, amounts out of bounds, a sold or withdrawn vehicle.
        VehicleHasOpenAuction: the vehicle already has an open auction.
    """
    now = now or utcnow()
    vehicle = _vehicle_for_update(db_session, vehicle_id)
    if not auctionable(vehicle):
        raise InvalidInput(
            f"vehicle {vehicle_id} is {vehicle.status.value}: it cannot be auctioned"
        )
    for cents in (starting_bid_cents, reserve_cents, buy_now_cents):
        if cents is not None:
            within_bounds(cents)
    if soft_close_seconds < 0:
        raise InvalidInput("the soft close cannot be negative")
    if ends_at <= now:
        raise InvalidInput(f"the end {ends_at.isoformat()} is already past")
    try:
        auction = lifecycle.create(
            db_session=db_session, vehicle_id=vehicle_id, starts_at=starts_at, ends_at=ends_at,
            starting_bid_cents=starting_bid_cents, reserve_cents=reserve_cents,
            buy_now_cents=buy_now_cents, soft_close=timedelta(seconds=soft_close_seconds),
        )  # fmt: skip
    except ValueError as refused:
        raise InvalidInput(str(refused)) from refused
    # Checked after the insert: on SQLite the insert took the write lock, on PostgreSQL the
    # vehicle's row lock is held, so two staff scheduling the same car at once cannot both pass.
    other = open_auction_of(db_session=db_session, vehicle_id=vehicle_id, excluding=auction.id)
    if other is not None:
        raise VehicleHasOpenAuction(f"vehicle {vehicle_id} already has open auction {other}")
    return auction


def auctionable(vehicle: Vehicle) -> bool:
    """Whether the vehicle may be auctioned at all (not sold, not withdrawn)."""
    return vehicle.status not in _UNSCHEDULABLE


def _vehicle_for_update(db_session: Session, vehicle_id: int) -> Vehicle:
    vehicle = db_session.scalar(select(Vehicle).where(Vehicle.id == vehicle_id).with_for_update())
    if vehicle is None:
        raise NotFound(f"no vehicle {vehicle_id}")
    return vehicle


def open_auction_of(
    *, db_session: Session, vehicle_id: int, excluding: int | None = None
) -> int | None:
    """The vehicle's open auction (scheduled, live or not yet closed), if any."""
    query = select(Auction.id).where(
        Auction.vehicle_id == vehicle_id, Auction.result == AuctionResult.OPEN
    )
    if excluding is not None:
        query = query.where(Auction.id != excluding)
    return db_session.scalar(query.order_by(Auction.id).limit(1))


def view(auction: Auction, vehicle: Vehicle, now: datetime) -> AuctionView:
    state = lifecycle.state_of(auction, now)
    open_ = auction.result is AuctionResult.OPEN
    status = state.status.value if open_ else auction.result.value
    reserve, price = auction.reserve_cents, auction.current_price_cents
    return AuctionView(
        id=auction.id, vehicle_id=vehicle.id, vehicle_title=vehicle.title,
        dealer_id=vehicle.dealer_id, status=status, result=auction.result,
        starts_at=auction.starts_at, ends_at=auction.ends_at,
        current_ends_at=auction.current_ends_at, currency=auction.currency,
        starting_bid_cents=auction.starting_bid_cents, reserve_cents=reserve,
        buy_now_cents=auction.buy_now_cents, soft_close_seconds=auction.soft_close_seconds,
        current_price_cents=price, leader_id=auction.leader_id,
        bids_accepted=auction.bids_accepted,
        minimum_next_bid_cents=state.minimum_next_bid_cents,
        reserve_met=None if reserve is None else price is not None and price >= reserve,
        buy_now_available=open_ and state.buy_now_available, winner_id=auction.winner_id,
        sold_price_cents=auction.sold_price_cents, payment_due_at=auction.payment_due_at,
        approval_deadline_at=auction.approval_deadline_at, counter_cents=auction.counter_cents,
        closed_at=auction.closed_at, cancel_reason=auction.cancel_reason,
    )  # fmt: skip


def list_auctions(
    *, db_session: Session, open_only: bool = False, now: datetime | None = None,
    limit: int = 200,
) -> list[AuctionView]:  # fmt: skip
    """Open auctions ending soonest first, or (`open_only` False) every auction, newest first."""
    now = now or utcnow()
    query = select(Auction, Vehicle).join(Vehicle, Vehicle.id == Auction.vehicle_id)
    if open_only:
        query = query.where(Auction.result == AuctionResult.OPEN)
        query = query.order_by(Auction.current_ends_at, Auction.id)
    else:
        query = query.order_by(Auction.id.desc())
    rows = db_session.execute(query.limit(limit)).all()
    return [view(auction, vehicle, now) for auction, vehicle in rows]


def show(*, db_session: Session, auction_id: int, now: datetime | None = None) -> AuctionDetail:
    """The auction with every accepted bid, oldest first.

    Raises:
        NotFound: no such auction.
    """
    auction = lifecycle.get(db_session=db_session, auction_id=auction_id)
    vehicle = db_session.get_one(Vehicle, auction.vehicle_id)
    rows = db_session.scalars(
        select(AuctionBid).where(AuctionBid.auction_id == auction_id).order_by(AuctionBid.id)
    )
    bids = [BidView(id=row.id, buyer_id=row.buyer_id, kind=row.kind,
                    amount_cents=row.amount_cents, price_after_cents=row.price_after_cents,
                    leader_after_id=row.leader_after_id, placed_at=row.placed_at)
            for row in rows]  # fmt: skip
    return AuctionDetail(auction=view(auction, vehicle, now or utcnow()), bids=bids)


def cancel(
    *, db_session: Session, auction_id: int, reason: str, now: datetime | None = None
) -> AuctionView:
    """Cancel an open auction; its bidders and watchers are told the reason.

    Raises:
        NotFound: no such auction.
        InvalidInput: no reason, or one too long.
        AlreadySettled: sold, not sold, on approval or already cancelled.
    """
    reason = reason.strip()
    if not reason:
        raise InvalidInput("say why the auction is cancelled: bidders and watchers are told")
    if len(reason) > MAX_REASON_LENGTH:
        raise InvalidInput(f"the reason is longer than {MAX_REASON_LENGTH} characters")
    now = now or utcnow()
    if not lifecycle.mark_cancelled(db_session=db_session, auction_id=auction_id,
                                    reason=reason, now=now):  # fmt: skip
        result = lifecycle.get(db_session=db_session, auction_id=auction_id).result
        raise AlreadySettled(f"auction {auction_id} is already {result.value}")
    return show(db_session=db_session, auction_id=auction_id, now=now).auction


# --- What a bidder may bid ----------------------------------------------------------------------


def bidder_view(
    *, db_session: Session, buyer_id: int, settings: AuctionSettings | None = None
) -> BidderView:
    """Raises NotFound for an unknown buyer."""
    settings = settings or get_auction_settings()
    buyer_service.get(db_session=db_session, buyer_id=buyer_id)
    profile = bidders.profile(db_session=db_session, buyer_id=buyer_id)
    power = bidders.buying_power(db_session=db_session, buyer_id=buyer_id, settings=settings)
    return BidderView(
        buyer_id=buyer_id,
        deposit_cents=profile.deposit_cents if profile else 0,
        limit_set_cents=profile.limit_cents if profile else None,
        limit_cents=power.limit_cents,
        committed_cents=power.committed_cents,
        available_cents=power.available_cents,
        terms_version=profile.terms_version if profile else None,
        terms_accepted_at=profile.terms_accepted_at if profile else None,
        updated_by=profile.updated_by if profile else None,
        updated_at=profile.updated_at if profile else None,
    )


def record_deposit(
    *, db_session: Session, buyer_id: int, deposit_cents: int, by: str,
    settings: AuctionSettings | None = None,
) -> BidderView:  # fmt: skip
    """Record the deposit a buyer paid (replacing the previous amount); `by` is who recorded it.

    Raises:
        NotFound: no such buyer.
        InvalidInput: a negative or absurd amount, or nobody named in `by`.
    """
    buyer_service.get(db_session=db_session, buyer_id=buyer_id)
    deposit_cents = within_bounds(deposit_cents)
    try:
        bidders.store_deposit(
            db_session=db_session, buyer_id=buyer_id, deposit_cents=deposit_cents, by=_who(by)
        )
    except ValueError as refused:
        raise InvalidInput(str(refused)) from refused
    return bidder_view(db_session=db_session, buyer_id=buyer_id, settings=settings)


def set_limit(
    *, db_session: Session, buyer_id: int, limit_cents: int | None, by: str,
    settings: AuctionSettings | None = None,
) -> BidderView:  # fmt: skip
    """Set a buyer's bidding limit outright (None: back to deposit x multiplier).

    Raises:
        NotFound: no such buyer.
        InvalidInput: a negative or absurd amount, or nobody named in `by`.
    """
    buyer_service.get(db_session=db_session, buyer_id=buyer_id)
    if limit_cents is not None:
        within_bounds(limit_cents)
    try:
        bidders.store_limit(db_session=db_session, buyer_id=buyer_id, limit_cents=limit_cents,
                          by=_who(by))  # fmt: skip
    except ValueError as refused:
        raise InvalidInput(str(refused)) from refused
    return bidder_view(db_session=db_session, buyer_id=buyer_id, settings=settings)


def _who(by: str) -> str:
    by = by.strip()
    if not by or len(by) > MAX_BY_LENGTH:
        raise InvalidInput(f"say who made the change (1 to {MAX_BY_LENGTH} characters)")
    return by
