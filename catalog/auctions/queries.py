"""What buyers ask about auctions: a lot, a vehicle's auction, their own bids, what ends soon.

Reads only; every change goes through service.py under the auction's lock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from catalog.auctions.models import Auction, AuctionBid, AuctionResult
from catalog.vehicles.models import Vehicle


def find(*, db_session: Session, auction_id: int) -> Auction | None:
    return db_session.get(Auction, auction_id)


def latest_for_vehicle(*, db_session: Session, vehicle_id: int) -> Auction | None:
    """The vehicle's open auction, else its most recent one (None: never auctioned)."""
    query = (
        select(Auction)
        .where(Auction.vehicle_id == vehicle_id)
        .order_by((Auction.result == AuctionResult.OPEN).desc(), Auction.id.desc())
        .limit(1)
    )
    return db_session.scalars(query).first()


def vehicle_of(*, db_session: Session, auction: Auction) -> Vehicle:
    vehicle = db_session.get(Vehicle, auction.vehicle_id)
    assert vehicle is not None  # auctions.vehicle_id is a RESTRICT foreign key
    return vehicle


def own_maximum(*, db_session: Session, auction_id: int, buyer_id: int) -> int | None:
    """The highest maximum this buyer placed on the auction (theirs to see, nobody else's)."""
    query = select(func.max(AuctionBid.amount_cents)).where(
        AuctionBid.auction_id == auction_id, AuctionBid.buyer_id == buyer_id
    )
    return db_session.scalar(query)


@dataclass(frozen=True)
class MyBid:
    auction: Auction
    vehicle: Vehicle
    my_max_cents: int


def bids_of(*, db_session: Session, buyer_id: int, limit: int = 10) -> list[MyBid]:
    """The auctions the buyer bid on, open ones first (soonest end first), then the latest."""
    mine = (
        select(AuctionBid.auction_id, func.max(AuctionBid.amount_cents).label("my_max"))
        .where(AuctionBid.buyer_id == buyer_id)
        .group_by(AuctionBid.auction_id)
        .subquery()
    )
    query = (
        select(Auction, Vehicle, mine.c.my_max)
        .join(mine, mine.c.auction_id == Auction.id)
        .join(Vehicle, Vehicle.id == Auction.vehicle_id)
        .order_by((Auction.result == AuctionResult.OPEN).desc(), Auction.id.desc())
        .limit(limit)
    )
    bids = [MyBid(auction, vehicle, int(my_max))
            for auction, vehicle, my_max in db_session.execute(query).all()]  # fmt: skip
    live = sorted((bid for bid in bids if bid.auction.result is AuctionResult.OPEN),
                  key=lambda bid: bid.auction.current_ends_at)  # fmt: skip
    return live + [bid for bid in bids if bid.auction.result is not AuctionResult.OPEN]


def ending_between(
    *, db_session: Session, start: datetime, end: datetime, limit: int = 10,
    after_lot: int | None = None,
) -> list[tuple[Auction, Vehicle]]:  # fmt: skip
    """Live auctions (started, open) whose end falls in [start, end), soonest first; with
    `after_lot`, those after that lot in this order (the next page: a lot ending in the
    meantime shifts nothing)."""
    query = (
        select(Auction, Vehicle)
        .join(Vehicle, Vehicle.id == Auction.vehicle_id)
        .where(*_ending_between(db_session, start, end, after_lot))
        .order_by(Auction.current_ends_at, Auction.id)
        .limit(limit)
    )
    return [(auction, vehicle) for auction, vehicle in db_session.execute(query).all()]


def count_ending_between(
    *, db_session: Session, start: datetime, end: datetime, after_lot: int | None = None
) -> int:
    """How many live auctions end in [start, end) (after `after_lot`, in `ending_between`'s
    order)."""
    query = (
        select(func.count())
        .select_from(Auction)
        .where(*_ending_between(db_session, start, end, after_lot))
    )
    return int(db_session.scalar(query) or 0)


def _ending_between(
    db_session: Session, start: datetime, end: datetime, after_lot: int | None
) -> list[ColumnElement[bool]]:
    where = [Auction.result == AuctionResult.OPEN, Auction.starts_at <= start,
             Auction.current_ends_at > start, Auction.current_ends_at < end]  # fmt: skip
    last = db_session.get(Auction, after_lot) if after_lot is not None else None
    if last is not None:
        where.append(
            (Auction.current_ends_at > last.current_ends_at)
            | ((Auction.current_ends_at == last.current_ends_at) & (Auction.id > last.id))
        )
    return where
