"""What buyers ask about auctions: a lot, a vehicle's auction, their own bids, what ends soon.

Reads only; every change goes through service.py under the auction's lock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
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
    *, db_session: Session, start: datetime, end: datetime, limit: int = 10
) -> list[tuple[Auction, Vehicle]]:
    """Live auctions (started, open) whose end falls in [start, end), soonest first."""
    query = (
        select(Auction, Vehicle)
        .join(Vehicle, Vehicle.id == Auction.vehicle_id)
        .where(Auction.result == AuctionResult.OPEN, Auction.starts_at <= start,
               Auction.current_ends_at > start, Auction.current_ends_at < end)
        .order_by(Auction.current_ends_at, Auction.id)
        .limit(limit)
    )  # fmt: skip
    return [(auction, vehicle) for auction, vehicle in db_session.execute(query).all()]
