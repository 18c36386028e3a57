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
    # Bumped by every accepted bid (on SQLite, by every locked change: that UPDATE is the lock).
    version: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The sale, once there is one: who bought, at what price (the price, the buy-now price or
    # an accepted counter-offer), and when payment is due.
    winner_id: Mapped[int | None] = mapped_column(ForeignKey("buyers.id", ondelete="RESTRICT"))
    sold_price_cents: Mapped[int | None] = mapped_column(BigInteger)
    payment_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # On approval: the dealer answers by this time (else not sold); a counter-offer waits for
    # the high bidder's answer until the same deadline.
    approval_deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    counter_cents: Mapped[int | None] = mapped_column(BigInteger)
    cancel_reason: Mapped[str | None] = mapped_column(String(500))


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


class Bidder(Base):
    """What a buyer needs to bid: the terms accepted (which version, when) and a bidding limit
    (a deposit recorded by staff times the multiplier, or a limit staff set outright)."""

    __tablename__ = "bidders"

    buyer_id: Mapped[int] = mapped_column(
        ForeignKey("buyers.id", ondelete="CASCADE"), primary_key=True
    )
    terms_version: Mapped[str | None] = mapped_column(String(20))
    terms_accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    deposit_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    limit_cents: Mapped[int | None] = mapped_column(BigInteger)  # overrides deposit x multiplier
    updated_by: Mapped[str] = mapped_column(String(200), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class AuctionEventKind(enum.StrEnum):
    """What an auction tells people: each kind is one alert (notifications send them)."""

    OUTBID = "outbid"  # to the bidder who lost the lead: the new minimum, a one-tap rebid
    EXTENDED = "extended"  # to every bidder: a late bid moved the end
    ENDING_SOON = "ending_soon"  # 1 h and 10 min before the end, to bidders and watchers
    WON = "won"  # to the buyer: price, fees, payment instructions and deadline
    LOST = "lost"  # to every other bidder when the auction is sold or closed
    RESERVE_NOT_MET = "reserve_not_met"  # to the high bidder: the dealer decides
    APPROVAL_REQUESTED = "approval_requested"  # to the dealer: approve, counter or reject
    APPROVAL_REMINDER = "approval_reminder"  # to the dealer, before the deadline, if unanswered
    DEALER_DECISION = "dealer_decision"  # to the high bidder (and the dealer's own record)
    COUNTER_ANSWERED = "counter_answered"  # to the dealer: the buyer took or declined a counter
    CANCELLED = "cancelled"  # to bidders and watchers, with the reason
