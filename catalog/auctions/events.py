"""Auction alerts, written in the same transaction as the change that causes them (an outbox).

The notifications worker reads what is undelivered, sends it on the recipient's channel and marks
it delivered; until it runs, the alerts are recorded here and nothing is lost. Each alert has a
key naming what caused it (the bid, the close, the window before the end, the recipient), so
a retried close or two closers racing record it once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from catalog.auctions.models import Auction, AuctionBid, AuctionEvent, AuctionEventKind
from catalog.database import utcnow
from catalog.vehicles.models import Vehicle
from catalog.watchlist.models import WatchlistEntry


@dataclass(frozen=True)
class Alert:
    kind: AuctionEventKind
    key: str
    buyer_id: int | None = None
    dealer_id: int | None = None
    payload: dict[str, Any] = field(default_factory=dict)


def record(db_session: Session, auction_id: int, alerts: Iterable[Alert]) -> None:
    """Insert the alerts that are new (by key); ones already recorded are left as they are."""
    rows = [
        {"auction_id": auction_id, "kind": alert.kind, "buyer_id": alert.buyer_id,
         "dealer_id": alert.dealer_id, "payload": alert.payload, "key": alert.key,
         "created_at": utcnow()}
        for alert in alerts
    ]  # fmt: skip
    if rows:  # one statement per dialect, compiled once: this runs under the auction's lock
        db_session.execute(_INSERT_NEW[db_session.get_bind().dialect.name], rows)


_INSERT_NEW = {
    "postgresql": postgresql.insert(AuctionEvent).on_conflict_do_nothing(index_elements=["key"]),
    "sqlite": sqlite.insert(AuctionEvent).on_conflict_do_nothing(index_elements=["key"]),
}


def bidders_of(db_session: Session, auction_id: int) -> list[int]:
    """Every buyer with an accepted bid on the auction, in the order they first bid."""
    rows = db_session.execute(
        select(AuctionBid.buyer_id, AuctionBid.id)
        .where(AuctionBid.auction_id == auction_id)
        .order_by(AuctionBid.id)
    )
    return list(dict.fromkeys(buyer_id for buyer_id, _ in rows))


def watchers_of(db_session: Session, vehicle_id: int) -> list[int]:
    rows = db_session.scalars(
        select(WatchlistEntry.buyer_id)
        .where(WatchlistEntry.vehicle_id == vehicle_id)
        .order_by(WatchlistEntry.id)
    )
    return list(rows)


def bidders_and_watchers(db_session: Session, auction: Auction) -> list[int]:
    """The auction's bidders, then the vehicle's watchers who did not bid: each buyer once."""
    everyone = bidders_of(db_session, auction.id) + watchers_of(db_session, auction.vehicle_id)
    return list(dict.fromkeys(everyone))


def dealer_of(db_session: Session, vehicle_id: int) -> int | None:
    return db_session.scalar(select(Vehicle.dealer_id).where(Vehicle.id == vehicle_id))


def pending(*, db_session: Session, limit: int = 100) -> list[AuctionEvent]:
    """Undelivered alerts, oldest first: the notifications worker's queue."""
    query = (
        select(AuctionEvent)
        .where(AuctionEvent.delivered_at.is_(None))
        .order_by(AuctionEvent.id)
        .limit(limit)
    )
    return list(db_session.scalars(query))


def mark_delivered(
    *, db_session: Session, event_ids: list[int], now: datetime | None = None
) -> None:
    db_session.execute(
        update(AuctionEvent)
        .where(AuctionEvent.id.in_(event_ids), AuctionEvent.delivered_at.is_(None))
        .values(delivered_at=now or utcnow())
    )


def of_auction(*, db_session: Session, auction_id: int) -> list[AuctionEvent]:
    query = select(AuctionEvent).where(AuctionEvent.auction_id == auction_id)
    return list(db_session.scalars(query.order_by(AuctionEvent.id)))
