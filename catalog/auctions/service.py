"""Auctions in the database: schedule, bid, close and cancel, each under the auction's lock.

The engine (engine.py) decides; this module applies its decisions one at a time per auction.
Every change starts by bumping the auction row's `version`: that UPDATE takes the row's write
lock on PostgreSQL and the database's write lock on SQLite (its single writer), so concurrent
bids on one lot queue up, each sees the state the previous one left, and the bid is stamped
only then. A retried chat message carries the same idempotency key and places nothing new.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from catalog.auctions.engine import (
    Accepted,
    AuctionState,
    AuctionStatus,
    AuctionTerms,
    Bid,
    BidKind,
    Outcome,
    Refusal,
    Refused,
    outcome,
    place,
    resume,
)
from catalog.auctions.increments import DEFAULT_INCREMENTS, IncrementTable
from catalog.auctions.models import Auction, AuctionBid, AuctionResult
from catalog.database import utcnow
from catalog.errors import NotFound

_CLOSED_AS = {
    Outcome.SOLD: AuctionResult.SOLD,
    Outcome.ON_APPROVAL: AuctionResult.ON_APPROVAL,
    Outcome.NOT_SOLD: AuctionResult.NOT_SOLD,
}


@dataclass(frozen=True)
class BidResult:
    """What a bid did: the engine's decision, the stored bid, and whether it was a repeat."""

    decision: Accepted | Refused
    bid_id: int | None = None  # the stored bid (this one, or the first with the same key)
    repeated: bool = False  # the idempotency key was seen before: nothing new was placed


def create(
    *,
    db_session: Session,
    vehicle_id: int,
    starts_at: datetime,
    ends_at: datetime,
    starting_bid_cents: int,
    reserve_cents: int | None = None,
    buy_now_cents: int | None = None,
    soft_close: timedelta = timedelta(minutes=2),
    increments: IncrementTable = DEFAULT_INCREMENTS,
) -> Auction:
    """Schedule an auction for a vehicle.

    Raises:
        ValueError: terms the engine refuses (see AuctionTerms).
    """
    terms = AuctionTerms(starts_at=starts_at, ends_at=ends_at,
                         starting_bid_cents=starting_bid_cents, reserve_cents=reserve_cents,
                         buy_now_cents=buy_now_cents, soft_close=soft_close,
                         increments=increments)  # fmt: skip
    auction = Auction(
        vehicle_id=vehicle_id,
        starts_at=terms.starts_at,
        ends_at=terms.ends_at,
        current_ends_at=terms.ends_at,
        starting_bid_cents=starting_bid_cents,
        reserve_cents=reserve_cents,
        buy_now_cents=buy_now_cents,
        soft_close_seconds=int(soft_close.total_seconds()),
        increments=None if increments == DEFAULT_INCREMENTS else _table_as_json(increments),
    )
    db_session.add(auction)
    db_session.flush()
    return auction


def get(*, db_session: Session, auction_id: int) -> Auction:
    auction = db_session.get(Auction, auction_id)
    if auction is None:
        raise NotFound(f"no auction {auction_id}")
    return auction


def terms_of(auction: Auction) -> AuctionTerms:
    table = auction.increments
    return AuctionTerms(
        starts_at=auction.starts_at,
        ends_at=auction.ends_at,
        starting_bid_cents=auction.starting_bid_cents,
        reserve_cents=auction.reserve_cents,
        buy_now_cents=auction.buy_now_cents,
        soft_close=timedelta(seconds=auction.soft_close_seconds),
        increments=DEFAULT_INCREMENTS if table is None else _table_from_json(table),
    )


def state_of(auction: Auction, now: datetime, terms: AuctionTerms | None = None) -> AuctionState:
    """The auction as the engine sees it at `now`, from the running totals of its row (`terms`:
    the row's, when the caller has built them already)."""
    return resume(
        terms or terms_of(auction),
        as_of=now,
        leader_id=auction.leader_id,
        leader_max_cents=auction.leader_max_cents,
        runner_up_max_cents=auction.runner_up_max_cents,
        ends_at=auction.current_ends_at,
        bids_accepted=auction.bids_accepted,
        bought_now=auction.bought_now,
    )


def place_bid(
    *,
    db_session: Session,
    auction_id: int,
    buyer_id: int,
    amount_cents: int,
    kind: BidKind = BidKind.MAX_BID,
    idempotency_key: str | None = None,
) -> BidResult:
    """Place a maximum bid (or buy now) in the caller's transaction, under the auction's lock.

    Raises:
        NotFound: no such auction.
    """
    unlocked = get(db_session=db_session, auction_id=auction_id)
    early = _repeated(db_session, unlocked, idempotency_key) or _refused_before_locking(
        unlocked, buyer_id, amount_cents, kind
    )
    if early is not None:
        return early
    auction = _locked(db_session, auction_id)
    repeated = _repeated(db_session, auction, idempotency_key)  # a twin that was in flight
    if repeated is not None:
        return repeated
    decision, bid = _decide(auction, buyer_id, amount_cents, kind)
    if isinstance(decision, Refused):
        return BidResult(decision)
    stored = _store(db_session, auction, bid, decision.state, idempotency_key)
    return BidResult(decision, stored.id)


# Refusals that stay true once true: prices and minimums only rise, an ended auction stays
# ended, a buy-now offer once gone never comes back. Seen on an unlocked read, they need no lock.
_FINAL_REFUSALS = frozenset({Refusal.ENDED, Refusal.BELOW_MINIMUM, Refusal.BUY_NOW_UNAVAILABLE})


def _repeated(db_session: Session, auction: Auction, key: str | None) -> BidResult | None:
    """The bid already placed with this idempotency key (a provider's retry), if any."""
    if key is None:
        return None
    earlier = db_session.scalars(select(AuctionBid.id).where(AuctionBid.idempotency_key == key))
    bid_id = earlier.first()
    if bid_id is None:
        return None
    return BidResult(Accepted(state_of(auction, _stamp(auction))), bid_id, repeated=True)


def _refused_before_locking(
    auction: Auction, buyer_id: int, amount_cents: int, kind: BidKind
) -> BidResult | None:
    """A refusal the unlocked row already proves (most bids lost in a race): no lock, no write.
    A bid from the leader is always decided under the lock (they may have been outbid since)."""
    if auction.leader_id == buyer_id:
        return None
    decision, _ = _decide(auction, buyer_id, amount_cents, kind)
    if isinstance(decision, Refused) and decision.reason in _FINAL_REFUSALS:
        return BidResult(decision)
    return None


def _decide(
    auction: Auction, buyer_id: int, amount_cents: int, kind: BidKind
) -> tuple[Accepted | Refused, Bid]:
    now = _stamp(auction)
    bid = Bid(bidder_id=buyer_id, amount_cents=amount_cents, placed_at=now, kind=kind)
    terms = terms_of(auction)
    state = state_of(auction, now, terms)
    if auction.result is not AuctionResult.OPEN:  # closed or cancelled: no more bids
        return Refused(Refusal.ENDED, state), bid
    return place(terms, state, bid), bid


def close(*, db_session: Session, auction_id: int, now: datetime | None = None) -> Outcome | None:
    """Settle an auction whose end has passed, once: the outcome if this call closed it, else
    None (still running, already closed or cancelled)."""
    auction = _locked(db_session, auction_id)
    now = now or utcnow()
    if auction.result is not AuctionResult.OPEN:
        return None
    terms = terms_of(auction)
    result = outcome(terms, state_of(auction, now, terms), now)
    if result is None:
        return None
    auction.result, auction.closed_at = _CLOSED_AS[result], now
    return result


def cancel(*, db_session: Session, auction_id: int, now: datetime | None = None) -> bool:
    """Cancel an open auction (staff or dealer); False when it was already settled."""
    auction = _locked(db_session, auction_id)
    if auction.result is not AuctionResult.OPEN:
        return False
    auction.result, auction.closed_at = AuctionResult.CANCELLED, now or utcnow()
    return True


def due_for_closing(*, db_session: Session, now: datetime, limit: int = 100) -> list[int]:
    """Open auctions whose (extended) end has passed, soonest first: the closer's work."""
    query = (
        select(Auction.id)
        .where(Auction.result == AuctionResult.OPEN, Auction.current_ends_at <= now)
        .order_by(Auction.current_ends_at)
        .limit(limit)
    )
    return list(db_session.scalars(query))


def accepted_bids(*, db_session: Session, auction_id: int) -> list[Bid]:
    """The auction's accepted bids in the order they were placed (the engine can replay them)."""
    rows = db_session.scalars(
        select(AuctionBid).where(AuctionBid.auction_id == auction_id).order_by(AuctionBid.id)
    )
    return [Bid(bidder_id=row.buyer_id, amount_cents=row.amount_cents, placed_at=row.placed_at,
                kind=BidKind(row.kind)) for row in rows]  # fmt: skip


def _locked(db_session: Session, auction_id: int) -> Auction:
    """The auction, with its write lock held until the caller's transaction ends."""
    bump = (
        update(Auction)
        .where(Auction.id == auction_id)
        .values(version=Auction.version + 1)
        .returning(Auction)  # one round trip takes the lock and reads the row
        .execution_options(populate_existing=True)
    )
    auction = db_session.scalars(bump).one_or_none()
    if auction is None:
        raise NotFound(f"no auction {auction_id}")
    return auction


def _stamp(auction: Auction) -> datetime:
    """Now, never before the last accepted bid: bids keep the order the lock gave them."""
    now = utcnow()
    return max(now, auction.last_bid_at) if auction.last_bid_at else now


def _store(
    db_session: Session, auction: Auction, bid: Bid, after: AuctionState, key: str | None
) -> AuctionBid:
    assert after.leader_id is not None and after.current_price_cents is not None  # accepted
    row = AuctionBid(auction_id=auction.id, buyer_id=bid.bidder_id, kind=bid.kind.value,
                     amount_cents=bid.amount_cents, placed_at=bid.placed_at,
                     idempotency_key=key, price_after_cents=after.current_price_cents,
                     leader_after_id=after.leader_id)  # fmt: skip
    db_session.add(row)
    auction.current_price_cents = after.current_price_cents
    auction.leader_id, auction.leader_max_cents = after.leader_id, after.leader_max_cents
    auction.runner_up_max_cents = after.runner_up_max_cents
    auction.current_ends_at, auction.bids_accepted = after.ends_at, after.bids_accepted
    auction.last_bid_at = bid.placed_at
    if after.status is AuctionStatus.BOUGHT_NOW:  # buy-it-now ends the auction at once
        auction.bought_now = True
        auction.result, auction.closed_at = AuctionResult.SOLD, bid.placed_at
    db_session.flush()
    return row


def _table_as_json(table: IncrementTable) -> dict[str, Any]:
    return {"steps": [list(step) for step in table.steps], "top": table.top_increment_cents}


def _table_from_json(data: dict[str, Any]) -> IncrementTable:
    steps = tuple((int(bound), int(increment)) for bound, increment in data["steps"])
    return IncrementTable(steps=steps, top_increment_cents=int(data["top"]))
