"""Auctions and their bids (rules: catalog/auctions/README.md; the engine decides, these store).

The auction row holds the engine's running state (price, leader, both top maximums, the end
after extensions) so that a bid costs one locked row and one insert, not a replay of every bid;
the bids table is the history the state must always equal when replayed (checked by tests).
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from catalog.database import Base, UTCDateTime, string_enum, utcnow


class AuctionResult(enum.StrEnum):
    """Where an auction stands for the books: open until the closer (or a buy-now) settles it."""

    OPEN = "open"  # scheduled, live, or ended and not yet closed: the engine says which
    SOLD = "sold"
    ON_APPROVAL = "on_approval"  # ended below the reserve: the dealer decides
    NOT_SOLD = "not_sold"
    CANCELLED = "cancelled"


class Auction(Base):
    __tablename__ = "auctions"
    __table_args__ = (
        CheckConstraint("starting_bid_cents > 0", name="starting_bid_positive"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        Index("ix_auctions_result_ends", "result", "current_ends_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    vehicle_id: Mapped[int] = mapped_column(
        ForeignKey("vehicles.id", ondelete="RESTRICT"), index=True
    )
    result: Mapped[AuctionResult] = mapped_column(
        string_enum(AuctionResult, "auction_result"), default=AuctionResult.OPEN
    )
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())  # as scheduled
    current_ends_at: Mapped[datetime] = mapped_column(UTCDateTime())  # after soft-close extensions
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    starting_bid_cents: Mapped[int] = mapped_column(BigInteger)
    reserve_cents: Mapped[int | None] = mapped_column(BigInteger)  # never shown to buyers
    buy_now_cents: Mapped[int | None] = mapped_column(BigInteger)
    soft_close_seconds: Mapped[int] = mapped_column(Integer, default=120)
    # {"steps": [[upper bound, increment], ...], "top": increment} in cents; None: the default
    # (Copart US) table.
    increments: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # The engine's running state.
    current_price_cents: Mapped[int | None] = mapped_column(BigInteger)
    leader_id: Mapped[int | None] = mapped_column(ForeignKey("buyers.id", ondelete="RESTRICT"))
    leader_max_cents: Mapped[int | None] = mapped_column(BigInteger)
    runner_up_max_cents: Mapped[int | None] = mapped_column(BigInteger)
    bids_accepted: Mapped[int] = mapped_column(Integer, default=0)
    bought_now: Mapped[bool] = mapped_column(Boolean, default=False)
    # Bids are stamped after the lock, never before this (clocks of several workers may differ).
    last_bid_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Bumped by every bid: taking the row's write lock first serialises bids on one auction.
    version: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class AuctionBid(Base):
    """One accepted bid: a buyer's maximum, or a buy-now. Refused bids are not stored here."""

    __tablename__ = "auction_bids"
    __table_args__ = (
        # A chat message retried by its provider carries the same key: one bid, never two.
        UniqueConstraint("idempotency_key"),
        Index("ix_auction_bids_auction", "auction_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    auction_id: Mapped[int] = mapped_column(ForeignKey("auctions.id", ondelete="CASCADE"))
    buyer_id: Mapped[int] = mapped_column(ForeignKey("buyers.id", ondelete="RESTRICT"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # the engine's BidKind
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    placed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    idempotency_key: Mapped[str | None] = mapped_column(String(200))
    # What the bid did, for the buyer's history and the alerts: the price after it, and who led.
    price_after_cents: Mapped[int] = mapped_column(BigInteger)
    leader_after_id: Mapped[int] = mapped_column(Integer)
