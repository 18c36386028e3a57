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
from typing import Any, cast

from sqlalchemy import JSON, ColumnElement, Integer, String, Table, column, func, select, update
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
    record_rows(db_session, auction_id, rows(alerts))


def record_rows(db_session: Session, auction_id: int, new: list[dict[str, Any]]) -> None:
    """`record`, for alerts made into `rows` already."""
    if new:  # one statement per dialect, compiled once: this runs under the auction's lock
        more = {"auction_id": auction_id, "created_at": utcnow()}
        db_session.execute(_INSERT_NEW[db_session.get_bind().dialect.name],
                           [row | more for row in new])  # fmt: skip


def rows(alerts: Iterable[Alert]) -> list[dict[str, Any]]:
    """The alerts as rows of `auction_events` (but the auction and the time: the same for all),
    plain enough for JSON."""
    return [
        {"kind": alert.kind.value, "buyer_id": alert.buyer_id, "dealer_id": alert.dealer_id,
         "payload": alert.payload, "key": alert.key}
        for alert in alerts
    ]  # fmt: skip


def insert_from_json(
    *, auction_id: ColumnElement[int], created_at: ColumnElement[datetime],
    alerts: ColumnElement[Any],
) -> postgresql.Insert:  # fmt: skip
    """PostgreSQL: INSERT INTO auction_events the new alerts of `alerts`, a JSON array of
    `rows` (as many as it holds, in a statement of one shape; the bid path makes it part of the
    statement that writes the bid)."""
    recordset = (
        func.json_to_recordset(alerts)
        .table_valued(column("kind", String), column("buyer_id", Integer),
                      column("dealer_id", Integer), column("payload", JSON),
                      column("key", String))
        .render_derived(with_types=True)
    )  # fmt: skip
    names = ("auction_id", "kind", "buyer_id", "dealer_id", "payload", "key", "created_at")
    new = recordset.c
    rows_of = select(auction_id, new.kind, new.buyer_id, new.dealer_id, new.payload, new.key,
                     created_at)  # fmt: skip
    statement = postgresql.insert(cast(Table, AuctionEvent.__table__)).from_select(names, rows_of)
    return statement.on_conflict_do_nothing(index_elements=["key"])


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
