"""Who may bid, and how much: the terms accepted and the bidding limit.

A buyer's first bid waits until they accept the current terms (fees, payment within the
configured business days, bids are binding). Their limit is what staff set outright, or the
recorded deposit times the multiplier, or the default for buyers with no deposit. The limit is
buying power across auctions: the maximums with which the buyer leads other open auctions count
against it, so a buyer cannot commit more than their deposit covers by bidding on many lots.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, Select, bindparam, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import BindParameter

from catalog.auctions.engine import Refusal
from catalog.auctions.fees import AuctionSettings, get_auction_settings
from catalog.auctions.models import Auction, AuctionResult, Bidder
from catalog.database import utcnow


@dataclass(frozen=True)
class BuyingPower:
    limit_cents: int
    committed_cents: int  # maximums leading other open auctions

    @property
    def available_cents(self) -> int:
        return max(self.limit_cents - self.committed_cents, 0)


def profile(*, db_session: Session, buyer_id: int) -> Bidder | None:
    return db_session.get(Bidder, buyer_id)


def _profile_for_update(db_session: Session, buyer_id: int, by: str) -> Bidder:
    bidder = db_session.get(Bidder, buyer_id)
    if bidder is None:
        bidder = Bidder(buyer_id=buyer_id, deposit_cents=0)
        db_session.add(bidder)
    bidder.updated_by, bidder.updated_at = by, utcnow()
    return bidder


def has_accepted_terms(
    *, db_session: Session, buyer_id: int, settings: AuctionSettings | None = None
) -> bool:
    version = (settings or get_auction_settings()).terms_version
    bidder = db_session.get(Bidder, buyer_id)
    return bidder is not None and bidder.terms_version == version


def accept_terms(
    *, db_session: Session, buyer_id: int, now: datetime | None = None,
    settings: AuctionSettings | None = None,
) -> Bidder:  # fmt: skip
    """Record that the buyer accepted the current terms (again, if the version changed)."""
    bidder = _profile_for_update(db_session, buyer_id, by="buyer")
    bidder.terms_version = (settings or get_auction_settings()).terms_version
    bidder.terms_accepted_at = now or utcnow()
    db_session.flush()
    return bidder


def store_deposit(*, db_session: Session, buyer_id: int, deposit_cents: int, by: str) -> Bidder:
    """Store the deposit a buyer paid (replacing the previous amount); service.record_deposit
    checks the buyer and the amount first."""
    if deposit_cents < 0:
        raise ValueError("a deposit cannot be negative")
    bidder = _profile_for_update(db_session, buyer_id, by)
    bidder.deposit_cents = deposit_cents
    db_session.flush()
    return bidder


def store_limit(*, db_session: Session, buyer_id: int, limit_cents: int | None, by: str) -> Bidder:
    """Store a limit set outright (None: back to deposit x multiplier); service.set_limit checks
    the buyer and the amount first."""
    if limit_cents is not None and limit_cents < 0:
        raise ValueError("a limit cannot be negative")
    bidder = _profile_for_update(db_session, buyer_id, by)
    bidder.limit_cents = limit_cents
    db_session.flush()
    return bidder


def limit_of(bidder: Bidder | None, settings: AuctionSettings | None = None) -> int:
    settings = settings or get_auction_settings()
    if bidder is None:
        return _limit(None, 0, settings)
    return _limit(bidder.limit_cents, bidder.deposit_cents, settings)


def _limit(limit_cents: int | None, deposit_cents: int, settings: AuctionSettings) -> int:
    """A limit staff set outright, else the deposit's multiple, never below the default."""
    if limit_cents is not None:
        return limit_cents
    return max(settings.default_limit_cents, deposit_cents * settings.deposit_multiplier)


def buying_power(
    *, db_session: Session, buyer_id: int, excluding_auction_id: int | None = None,
    settings: AuctionSettings | None = None,
) -> BuyingPower:  # fmt: skip
    """The buyer's limit and what their leading maximums on other open auctions commit of it."""
    committed = int(db_session.scalar(_committed(buyer_id, excluding_auction_id)) or 0)
    return BuyingPower(limit_of(db_session.get(Bidder, buyer_id), settings), committed)


def screen(
    *, db_session: Session, buyer_id: int, auction_id: int, amount_cents: int,
    settings: AuctionSettings | None = None, lock: bool = False,
) -> tuple[Refusal, int] | None:  # fmt: skip
    """Whether this buyer may bid `amount_cents` on the auction, as far as the bidder goes: None,
    (TERMS_NOT_ACCEPTED, 0), or (OVER_LIMIT, what they can still commit). One round trip: it is
    about the buyer's profile and their other auctions, not this auction's bids.

    `lock`: first lock the bidder's row until the transaction ends (PostgreSQL), so that two
    bids of one buyer on two lots are screened one after the other, the second seeing what the
    first committed. The bid path takes it before the auction's lock, always in that order.
    (The screening is a second statement: under READ COMMITTED a statement that waited for a
    lock still reads the rest, the buyer's other auctions, as they were when it began.)
    """
    params = {"buyer_id": buyer_id, "auction_id": auction_id}
    if lock:
        db_session.execute(_LOCK, params)
    row = db_session.execute(_SCREEN, params).first()
    return screened(tuple(row) if row is not None else None, amount_cents, settings)


# The bidder and the auction of a screening, bound when it runs: the statements below are built
# once, not once per bid.
BUYER_ID: BindParameter[int] = bindparam("buyer_id", type_=Integer)
AUCTION_ID: BindParameter[int] = bindparam("auction_id", type_=Integer)


def profile_columns() -> tuple[Any, ...]:
    """What `screened` needs about the bidder (`BUYER_ID`) bidding on `AUCTION_ID`, as columns
    of a query on `bidders` (the bid path adds them to its read of the auction: one round trip
    for both)."""
    # Over every auction, even inside a query on `auctions` (never correlated to its row).
    committed = _committed(BUYER_ID, AUCTION_ID).correlate(None).scalar_subquery()
    return (Bidder.terms_version, Bidder.limit_cents, Bidder.deposit_cents, committed)


def _committed(
    buyer_id: int | BindParameter[int], excluding_auction_id: int | BindParameter[int] | None
) -> Select[int | None]:
    """The sum of the maximums with which the buyer leads open auctions (but this one)."""
    query = select(func.coalesce(func.sum(Auction.leader_max_cents), 0)).where(
        Auction.leader_id == buyer_id, Auction.result == AuctionResult.OPEN
    )
    if excluding_auction_id is not None:
        query = query.where(Auction.id != excluding_auction_id)
    return query


def screened(
    profile: tuple[Any, ...] | None, amount_cents: int, settings: AuctionSettings | None = None
) -> tuple[Refusal, int] | None:
    """`screen`'s answer from the `profile_columns` values (None: no bidder profile yet)."""
    settings = settings or get_auction_settings()
    if profile is None or profile[0] != settings.terms_version:
        return (Refusal.TERMS_NOT_ACCEPTED, 0)
    _, limit_cents, deposit_cents, committed_cents = profile
    limit = _limit(limit_cents, deposit_cents or 0, settings)
    available = max(limit - int(committed_cents or 0), 0)
    return (Refusal.OVER_LIMIT, available) if amount_cents > available else None


_SCREEN = select(*profile_columns()).where(Bidder.buyer_id == BUYER_ID)
_LOCK = select(Bidder.buyer_id).where(Bidder.buyer_id == BUYER_ID).with_for_update()
