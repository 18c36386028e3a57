"""Auction alerts, written to the outbox (catalog/outbox) in the same transaction as the change
that causes them.

The notifications worker reads what is undelivered, sends it on the recipient's channel and marks
it delivered; until it runs, the alerts are recorded here and nothing is lost. Each alert has a
key naming what caused it (the bid, the close, the window before the end, the recipient), so
a retried close or two closers racing record it once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

from sqlalchemy import ColumnElement, select
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from catalog.auctions.models import Auction, AuctionBid, AuctionEventKind
from catalog.outbox import service as outbox
from catalog.outbox.models import OutboxMessage
from catalog.vehicles.models import Vehicle
from catalog.watchlist.models import WatchlistEntry

SUBJECT: Final = "auction"
KIND_PREFIX: Final = "auction."


@dataclass(frozen=True)
class Alert:
    kind: AuctionEventKind
    key: str
    buyer_id: int | None = None
    dealer_id: int | None = None
    payload: dict[str, Any] = field(default_factory=dict)

    def entry(self) -> outbox.Entry:
        return outbox.Entry(kind=KIND_PREFIX + self.kind.value, key=self.key,
                            buyer_id=self.buyer_id, dealer_id=self.dealer_id,
                            payload=self.payload)  # fmt: skip


@dataclass(frozen=True)
class AuctionAlert:
    """An auction's alert as the outbox holds it, its kind typed again."""

    id: int
    auction_id: int
    kind: AuctionEventKind
    buyer_id: int | None
    dealer_id: int | None
    payload: dict[str, Any]
    key: str
    created_at: datetime
    sent_at: datetime | None

    @classmethod
    def of(cls, message: OutboxMessage) -> AuctionAlert:
        return cls(id=message.id, auction_id=message.subject_id,
                   kind=AuctionEventKind(message.kind.removeprefix(KIND_PREFIX)),
                   buyer_id=message.buyer_id, dealer_id=message.dealer_id,
                   payload=message.payload, key=message.key, created_at=message.created_at,
                   sent_at=message.sent_at)  # fmt: skip


def record(db_session: Session, auction_id: int, alerts: Iterable[Alert]) -> None:
    """Add the alerts that are new (by key) to the outbox; recorded ones stay as they are."""
    record_rows(db_session, auction_id, rows(alerts))


def record_rows(db_session: Session, auction_id: int, new: list[dict[str, Any]]) -> None:
    """`record`, for alerts made into `rows` already."""
    outbox.add_rows(db_session, SUBJECT, auction_id, new)


def rows(alerts: Iterable[Alert]) -> list[dict[str, Any]]:
    """The alerts as outbox rows (but the auction and the time: the same for all), plain JSON."""
    return outbox.rows(alert.entry() for alert in alerts)


def insert_from_json(
    *, auction_id: ColumnElement[int], created_at: ColumnElement[datetime],
    alerts: ColumnElement[Any],
) -> postgresql.Insert:  # fmt: skip
    """PostgreSQL: the outbox INSERT of the new alerts of `alerts`, a JSON array of `rows`, as
    one statement of one shape (the bid path makes it part of the statement that writes the
    bid)."""
    return outbox.insert_from_json(subject_type=SUBJECT, subject_id=auction_id,
                                   created_at=created_at, entries=alerts)  # fmt: skip


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


def pending(*, db_session: Session, limit: int = 100) -> list[AuctionAlert]:
    """Undelivered auction alerts, oldest first."""
    found = outbox.pending(db_session=db_session, limit=limit, subject_type=SUBJECT)
    return [AuctionAlert.of(message) for message in found]


def mark_sent(*, db_session: Session, event_ids: list[int], now: datetime | None = None) -> None:
    outbox.mark_sent(db_session=db_session, message_ids=event_ids, now=now)


def of_auction(*, db_session: Session, auction_id: int) -> list[AuctionAlert]:
    found = outbox.of_subject(db_session=db_session, subject_type=SUBJECT, subject_id=auction_id)
    return [AuctionAlert.of(message) for message in found]
