"""An auction's life in the database: created, bid on, closed, decided and cancelled, each change
under the auction's lock. Callers outside the package reach these through service.py.

The engine (engine.py) decides; this module applies its decisions one at a time per auction.
Every change starts by taking the auction's lock (`storage.locked`: the row's lock on
PostgreSQL, the database's single write lock on SQLite), so concurrent bids on one lot queue up,
each sees the state the previous one left, and the bid is stamped only then. A retried chat
message carries the same idempotency key and places nothing new. Bids on one lot from this
process's threads take turns first (turns.py), so most bids a race has beaten are refused before
the lock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    select,
    update,
)
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from catalog.auctions import bidders, events, storage
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
from catalog.auctions.events import Alert
from catalog.auctions.fees import AuctionSettings, business_days_after, get_auction_settings
from catalog.auctions.increments import DEFAULT_INCREMENTS, IncrementTable
from catalog.auctions.models import (
    Auction,
    AuctionBid,
    AuctionEventKind,
    AuctionResult,
    Bidder,
)
from catalog.auctions.turns import LotTurns
from catalog.database import utcnow
from catalog.errors import InvalidInput, NotFound
from catalog.vehicles.models import ListingStatus, Vehicle

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
        increments=None if increments == DEFAULT_INCREMENTS else storage.table_as_json(increments),
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
        increments=DEFAULT_INCREMENTS if table is None else storage.table_from_json(table),
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
    settings: AuctionSettings | None = None,
) -> BidResult:
    """Place a maximum bid (or buy now) in the caller's transaction, under the auction's lock.

    The bidder must have accepted the current terms, and the bid must fit their buying power
    (bidders.py). Alerts it causes (outbid, extended, won and lost after a buy-now) are
    recorded in the same transaction.

    Bids on one lot from this process's threads take their turns (turns.py) first.

    Raises:
        NotFound: no such auction.
    """
    with _TURNS.turn(auction_id):
        return _place(db_session, auction_id, buyer_id, amount_cents, kind=kind,
                      key=idempotency_key, settings=settings or get_auction_settings())  # fmt: skip


_TURNS = LotTurns()


def _place(
    db_session: Session, auction_id: int, buyer_id: int, amount_cents: int, *, kind: BidKind,
    key: str | None, settings: AuctionSettings,
) -> BidResult:  # fmt: skip
    # One unlocked read: the auction, and what the bidder checks need (their terms, limit and
    # commitments elsewhere), so that the lock is taken only by bids that can stand.
    found = db_session.execute(_BID_READ, {"auction_id": auction_id, "buyer_id": buyer_id}).first()
    if found is None:
        raise NotFound(f"no auction {auction_id}")
    unlocked, profile = found[0], tuple(found[1:])
    early = _repeated(db_session, unlocked, key) or _refused_before_locking(
        unlocked, buyer_id, amount_cents, kind
    )
    if early is not None:
        return early
    has_profile = profile[0] is not None or profile[2] is not None
    screened = bidders.screened(profile if has_profile else None, amount_cents, settings)
    # Passed: again, on what no other bid of this buyer can change meanwhile, with the lock.
    locked = screened or storage.locked_screened(db_session, auction_id, buyer_id, amount_cents,
                                          settings)  # fmt: skip
    if not isinstance(locked, Auction):  # about the bidder, not the lot
        (why, available), state = locked, state_of(unlocked, storage.stamp(unlocked))
        return BidResult(Refused(why, state, available_cents=available))
    auction = locked
    repeated = _repeated(db_session, auction, key)  # a twin that was in flight
    if repeated is not None:
        return repeated
    decision, bid = _decide(auction, buyer_id, amount_cents, kind)
    if isinstance(decision, Refused):
        return BidResult(decision)
    return BidResult(decision, _store(db_session, auction, bid, decision, key=key,
                                      settings=settings))  # fmt: skip


# The bid path's first read: the auction, and the bidder's profile columns (bidders.py). Built
# once; the auction and the buyer are bound when it runs.
_BID_READ = (
    select(Auction, *bidders.profile_columns())
    .outerjoin(Bidder, Bidder.buyer_id == bidders.BUYER_ID)
    .where(Auction.id == bidders.AUCTION_ID)
)


def _bid_alerts(
    db_session: Session, auction: Auction, bid: Bid, decision: Accepted, ends_before: datetime
) -> list[Alert]:
    """The alerts an accepted bid causes, keyed by its rank among the auction's accepted bids
    (known before the bid's row is written)."""
    state = decision.state
    alerts: list[Alert] = []
    rank = f"{auction.id}:{state.bids_accepted}"
    if decision.outbid_id is not None and state.status is not AuctionStatus.BOUGHT_NOW:
        payload = {"price_cents": state.current_price_cents,
                   "minimum_next_bid_cents": state.minimum_next_bid_cents,
                   "ends_at": state.ends_at.isoformat()}  # fmt: skip
        alerts.append(Alert(AuctionEventKind.OUTBID, f"outbid:{rank}",
                            buyer_id=decision.outbid_id, payload=payload))  # fmt: skip
    if state.status is AuctionStatus.BOUGHT_NOW:
        alerts += _sale_alerts(db_session, auction)
    elif state.ends_at > ends_before:
        payload = {"ends_at": state.ends_at.isoformat(), "price_cents": state.current_price_cents}
        alerts += [
            Alert(AuctionEventKind.EXTENDED, f"extended:{rank}:{buyer}", buyer_id=buyer,
                  payload=payload)
            for buyer in events.bidders_of(db_session, auction.id) if buyer != bid.bidder_id
        ]  # fmt: skip
    return alerts


def _sale_alerts(db_session: Session, auction: Auction) -> list[Alert]:
    """Won to the buyer (price, payment deadline), lost to every other bidder."""
    assert auction.winner_id is not None and auction.sold_price_cents is not None
    won = {"price_cents": auction.sold_price_cents, "bought_now": auction.bought_now,
           "payment_due_at": _iso(auction.payment_due_at)}  # fmt: skip
    alerts = [Alert(AuctionEventKind.WON, f"won:{auction.id}", buyer_id=auction.winner_id,
                    payload=won)]  # fmt: skip
    return alerts + _lost_alerts(db_session, auction, auction.winner_id, auction.sold_price_cents)


def _lost_alerts(
    db_session: Session, auction: Auction, high_bidder: int, price_cents: int | None
) -> list[Alert]:
    """Lost, to every bidder but the one who won (or awaits the dealer's decision)."""
    return [
        Alert(AuctionEventKind.LOST, f"lost:{auction.id}:{buyer}", buyer_id=buyer,
              payload={"price_cents": price_cents})
        for buyer in events.bidders_of(db_session, auction.id)
        if buyer != high_bidder
    ]  # fmt: skip


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _sell(auction: Auction, buyer_id: int, price_cents: int, now: datetime,
          settings: AuctionSettings) -> None:  # fmt: skip
    for name, value in _sale(auction, buyer_id, price_cents, now, settings).items():
        setattr(auction, name, value)
    _vehicle_sold(auction)


def _sale(auction: Auction, buyer_id: int, price_cents: int, now: datetime,
          settings: AuctionSettings) -> dict[str, Any]:  # fmt: skip
    """The auction's columns once sold."""
    return {"result": AuctionResult.SOLD, "closed_at": auction.closed_at or now,
            "winner_id": buyer_id, "sold_price_cents": price_cents,
            "payment_due_at": business_days_after(now, settings.payment_business_days)}  # fmt: skip


def _vehicle_sold(auction: Auction) -> None:
    """The vehicle leaves the stock buyers search (sold, not yet paid: staff may relist it)."""
    db_session = Session.object_session(auction)
    assert db_session is not None
    db_session.execute(update(Vehicle).where(Vehicle.id == auction.vehicle_id)
                       .values(status=ListingStatus.SOLD))  # fmt: skip


def preview_bid(
    *, db_session: Session, auction: Auction, buyer_id: int, amount_cents: int,
    kind: BidKind = BidKind.MAX_BID, settings: AuctionSettings | None = None,
) -> Refused | None:  # fmt: skip
    """The refusal this bid would get now, if any, without placing it or taking the lock: what
    a confirmation summary checks first. The auction's own refusals come first, then the
    bidder's (terms, limit). Placing it decides again, under the lock."""
    decision, _ = _decide(auction, buyer_id, amount_cents, kind)
    if isinstance(decision, Refused):
        return decision
    screened = bidders.screen(db_session=db_session, buyer_id=buyer_id, auction_id=auction.id,
                              amount_cents=amount_cents, settings=settings)  # fmt: skip
    if screened is None:
        return None
    why, available = screened
    return Refused(why, decision.state, available_cents=available)


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
    return BidResult(Accepted(state_of(auction, storage.stamp(auction))), bid_id, repeated=True)


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
    now = storage.stamp(auction)
    bid = Bid(bidder_id=buyer_id, amount_cents=amount_cents, placed_at=now, kind=kind)
    terms = terms_of(auction)
    state = state_of(auction, now, terms)
    if auction.result is not AuctionResult.OPEN:  # closed or cancelled: no more bids
        return Refused(Refusal.ENDED, state), bid
    return place(terms, state, bid), bid


def close(
    *, db_session: Session, auction_id: int, now: datetime | None = None,
    settings: AuctionSettings | None = None,
) -> Outcome | None:  # fmt: skip
    """Settle an auction whose end has passed, once: the outcome if this call closed it, else
    None (still running, already closed or cancelled). Records won / lost, or reserve not met
    and the dealer's approval request, with the sale or the approval deadline."""
    settings = settings or get_auction_settings()
    auction = storage.locked(db_session, auction_id)
    now = now or utcnow()
    if auction.result is not AuctionResult.OPEN:
        return None
    terms = terms_of(auction)
    state = state_of(auction, now, terms)
    result = outcome(terms, state, now)
    if result is None:
        return None
    auction.result, auction.closed_at = _CLOSED_AS[result], now
    alerts: list[Alert] = []
    if result is Outcome.SOLD:
        assert state.leader_id is not None and state.current_price_cents is not None
        _sell(auction, state.leader_id, state.current_price_cents, now, settings)
        alerts = _sale_alerts(db_session, auction)
    elif result is Outcome.ON_APPROVAL:
        auction.approval_deadline_at = now + timedelta(hours=settings.approval_hours)
        alerts = _approval_alerts(db_session, auction, state)
    events.record(db_session, auction.id, alerts)
    return result


def _approval_alerts(db_session: Session, auction: Auction, state: AuctionState) -> list[Alert]:
    assert state.leader_id is not None
    deadline = _iso(auction.approval_deadline_at)
    payload = {"price_cents": state.current_price_cents, "deadline_at": deadline}
    alerts = [
        Alert(AuctionEventKind.RESERVE_NOT_MET, f"reserve:{auction.id}",
              buyer_id=state.leader_id, payload=payload),
        Alert(AuctionEventKind.APPROVAL_REQUESTED, f"approval:{auction.id}",
              dealer_id=events.dealer_of(db_session, auction.vehicle_id),
              payload={**payload, "reserve_cents": auction.reserve_cents,
                       "bidder_id": state.leader_id}),
    ]  # fmt: skip
    return alerts + _lost_alerts(db_session, auction, state.leader_id, state.current_price_cents)


class DealerDecision(StrEnum):
    APPROVE = "approve"
    COUNTER = "counter"
    REJECT = "reject"


class NotYours(InvalidInput):
    """The auction is not this dealer's (or, for a counter-offer, this buyer's) to answer."""


class NotAwaiting(InvalidInput):
    """The auction is not waiting for this answer (already decided, expired or not on approval)."""


def decide(
    *, db_session: Session, auction_id: int, dealer_id: int, decision: DealerDecision,
    counter_cents: int | None = None, now: datetime | None = None,
    settings: AuctionSettings | None = None,
) -> Auction:  # fmt: skip
    """The dealer's answer to an auction on approval: approve (sold to the high bidder at the
    price), reject (not sold) or counter (the high bidder may take it at `counter_cents` until
    a new deadline).

    Raises:
        NotYours: the vehicle is another dealer's.
        NotAwaiting: not on approval, a counter already made, or past the deadline.
        InvalidInput: a counter-offer not above the high bid.
    """
    settings, now = settings or get_auction_settings(), now or utcnow()
    auction = storage.locked(db_session, auction_id)
    if events.dealer_of(db_session, auction.vehicle_id) != dealer_id:
        raise NotYours(f"auction {auction_id} is not this dealer's")
    if not _awaiting(auction, now) or auction.counter_cents is not None:
        raise NotAwaiting(f"auction {auction_id} is not waiting for the dealer's decision")
    leader, price = auction.leader_id, auction.current_price_cents
    assert leader is not None and price is not None  # on approval: there is a high bid
    payload: dict[str, Any] = {"decision": decision.value, "price_cents": price}
    if decision is DealerDecision.APPROVE:
        _sell(auction, leader, price, now, settings)
        alerts = _sale_alerts(db_session, auction)
        payload["payment_due_at"] = _iso(auction.payment_due_at)
    elif decision is DealerDecision.REJECT:
        auction.result = AuctionResult.NOT_SOLD
        alerts = []
    else:
        if counter_cents is None or counter_cents <= price:
            raise InvalidInput("a counter-offer must be above the high bid")
        auction.counter_cents = counter_cents
        auction.approval_deadline_at = now + timedelta(hours=settings.approval_hours)
        payload |= {
            "counter_cents": counter_cents,
            "deadline_at": _iso(auction.approval_deadline_at),
        }
        alerts = []
    alerts.append(Alert(AuctionEventKind.DEALER_DECISION, f"decision:{auction.id}:{decision.value}",
                        buyer_id=leader, payload=payload))  # fmt: skip
    events.record(db_session, auction.id, alerts)
    return auction


def answer_counter(
    *, db_session: Session, auction_id: int, buyer_id: int, accept: bool,
    now: datetime | None = None, settings: AuctionSettings | None = None,
) -> Auction:  # fmt: skip
    """The high bidder takes or declines the dealer's counter-offer.

    Raises:
        NotYours: the buyer is not the high bidder.
        NotAwaiting: no counter-offer waiting, or past its deadline.
    """
    settings, now = settings or get_auction_settings(), now or utcnow()
    auction = storage.locked(db_session, auction_id)
    if auction.leader_id != buyer_id:
        raise NotYours(f"auction {auction_id}'s counter-offer is not this buyer's")
    if not _awaiting(auction, now) or auction.counter_cents is None:
        raise NotAwaiting(f"auction {auction_id} has no counter-offer waiting")
    alerts: list[Alert] = []
    if accept:
        _sell(auction, buyer_id, auction.counter_cents, now, settings)
        alerts = _sale_alerts(db_session, auction)
    else:
        auction.result = AuctionResult.NOT_SOLD
    payload = {"accepted": accept, "counter_cents": auction.counter_cents}
    alerts.append(Alert(AuctionEventKind.COUNTER_ANSWERED, f"countered:{auction.id}",
                        dealer_id=events.dealer_of(db_session, auction.vehicle_id),
                        payload=payload))  # fmt: skip
    events.record(db_session, auction.id, alerts)
    return auction


def _awaiting(auction: Auction, now: datetime) -> bool:
    deadline = auction.approval_deadline_at
    return auction.result is AuctionResult.ON_APPROVAL and deadline is not None and now < deadline


APPROVAL_REMINDER_BEFORE = timedelta(hours=2)


def remind_approvals(
    *, db_session: Session, now: datetime, before: timedelta = APPROVAL_REMINDER_BEFORE,
    limit: int = 100,
) -> list[int]:  # fmt: skip
    """Remind the dealer of an approval still unanswered `before` its deadline (once per
    auction), with the same approve / counter / reject buttons. The auctions reminded."""
    due = db_session.scalars(
        select(Auction)
        .where(Auction.result == AuctionResult.ON_APPROVAL, Auction.counter_cents.is_(None),
               Auction.approval_deadline_at > now, Auction.approval_deadline_at <= now + before)
        .order_by(Auction.approval_deadline_at)
        .limit(limit)
    )  # fmt: skip
    reminded = []
    for auction in list(due):
        dealer = events.dealer_of(db_session, auction.vehicle_id)
        if dealer is None:
            continue
        payload = {"price_cents": auction.current_price_cents,
                   "reserve_cents": auction.reserve_cents,
                   "deadline_at": _iso(auction.approval_deadline_at)}  # fmt: skip
        events.record(db_session, auction.id, [
            Alert(AuctionEventKind.APPROVAL_REMINDER, f"approval_reminder:{auction.id}",
                  dealer_id=dealer, payload=payload)])  # fmt: skip
        reminded.append(auction.id)
    return reminded


def expire_approvals(*, db_session: Session, now: datetime, limit: int = 100) -> list[int]:
    """Auctions on approval whose deadline passed unanswered become not sold (told to both)."""
    due = db_session.scalars(
        select(Auction.id)
        .where(Auction.result == AuctionResult.ON_APPROVAL, Auction.approval_deadline_at <= now)
        .order_by(Auction.approval_deadline_at)
        .limit(limit)
    )
    expired = []
    for auction_id in list(due):
        auction = storage.locked(db_session, auction_id)
        if auction.result is not AuctionResult.ON_APPROVAL or _awaiting(auction, now):
            continue
        auction.result = AuctionResult.NOT_SOLD
        payload = {"decision": "expired", "counter_cents": auction.counter_cents}
        dealer = events.dealer_of(db_session, auction.vehicle_id)
        events.record(db_session, auction.id, [
            Alert(AuctionEventKind.DEALER_DECISION, f"decision:{auction.id}:expired",
                  buyer_id=auction.leader_id, payload=payload),
            Alert(AuctionEventKind.DEALER_DECISION, f"decision:{auction.id}:expired:dealer",
                  dealer_id=dealer, payload=payload),
        ])  # fmt: skip
        expired.append(auction_id)
    return expired


ENDING_SOON_WINDOWS = (timedelta(hours=1), timedelta(minutes=10))


def announce_ending_soon(*, db_session: Session, now: datetime, limit: int = 500) -> int:
    """Record "ending soon" for live auctions within 1 h or 10 min of their end, to bidders and
    watchers, once per window (a late-discovered auction gets only the nearest window's alert).
    Returns how many auctions were announced."""
    widest = max(ENDING_SOON_WINDOWS)
    due = db_session.scalars(
        select(Auction)
        .where(Auction.result == AuctionResult.OPEN, Auction.starts_at <= now,
               Auction.current_ends_at > now, Auction.current_ends_at <= now + widest)
        .order_by(Auction.current_ends_at)
        .limit(limit)
    )  # fmt: skip
    count = 0
    for auction in list(due):
        left = auction.current_ends_at - now
        window = min(w for w in ENDING_SOON_WINDOWS if left <= w)
        minutes = int(window.total_seconds() // 60)
        recipients = events.bidders_and_watchers(db_session, auction)
        payload = {"ends_at": auction.current_ends_at.isoformat(), "window_minutes": minutes,
                   "price_cents": auction.current_price_cents}  # fmt: skip
        events.record(db_session, auction.id, [
            Alert(AuctionEventKind.ENDING_SOON, f"ending:{auction.id}:{minutes}:{buyer}",
                  buyer_id=buyer, payload=payload)
            for buyer in recipients
        ])  # fmt: skip
        count += 1
    return count


def mark_cancelled(*, db_session: Session, auction_id: int, reason: str, now: datetime) -> bool:
    """Cancel an open auction under its lock, telling its bidders and watchers why; False when it
    was already settled. service.cancel checks the reason first."""
    auction = storage.locked(db_session, auction_id)
    if auction.result is not AuctionResult.OPEN:
        return False
    auction.result, auction.closed_at = AuctionResult.CANCELLED, now
    auction.cancel_reason = reason
    recipients = events.bidders_and_watchers(db_session, auction)
    events.record(db_session, auction.id, [
        Alert(AuctionEventKind.CANCELLED, f"cancelled:{auction.id}:{buyer}", buyer_id=buyer,
              payload={"reason": reason})
        for buyer in recipients
    ])  # fmt: skip
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


def _store(
    db_session: Session, auction: Auction, bid: Bid, decision: Accepted, *, key: str | None,
    settings: AuctionSettings,
) -> int:  # fmt: skip
    """Write an accepted bid under the lock: its row, the auction's new running totals and the
    alerts it causes; on PostgreSQL in one statement (one round trip while the lock is held).
    The auction object takes the written values as they are (nothing is left for a flush).
    Returns the bid's id."""
    after, ends_before = decision.state, auction.current_ends_at
    assert after.leader_id is not None and after.current_price_cents is not None  # accepted
    postgres = storage.is_postgres(db_session)
    moved: dict[str, Any] = {
        "current_price_cents": after.current_price_cents, "leader_id": after.leader_id,
        "leader_max_cents": after.leader_max_cents,
        "runner_up_max_cents": after.runner_up_max_cents, "current_ends_at": after.ends_at,
        "bids_accepted": after.bids_accepted, "last_bid_at": bid.placed_at,
        # SQLite's lock bumped the version already; PostgreSQL's counts accepted bids here
        "version": auction.version + (1 if postgres else 0),
    }  # fmt: skip
    for name, value in moved.items():
        set_committed_value(auction, name, value)
    if after.status is AuctionStatus.BOUGHT_NOW:  # buy-it-now ends the auction at once (a
        auction.bought_now = True  # rare second statement; the won and lost alerts need it)
        _sell(auction, bid.bidder_id, bid.amount_cents, bid.placed_at, settings)
    alerts = events.rows(_bid_alerts(db_session, auction, bid, decision, ends_before))
    params = {f"new_{name}": value for name, value in moved.items()} | {
        "bid_auction_id": auction.id, "bid_buyer_id": bid.bidder_id, "bid_kind": bid.kind.value,
        "bid_amount_cents": bid.amount_cents, "bid_placed_at": bid.placed_at,
        "bid_idempotency_key": key, "bid_price_after_cents": after.current_price_cents,
        "bid_leader_after_id": after.leader_id,
    }  # fmt: skip
    bid_id: int
    if postgres:
        bid_id = db_session.execute(storage.WRITE_BID_PG, params | {"alerts": alerts}).scalar_one()
    else:
        bid_id = db_session.execute(storage.INSERT_BID, params).scalar_one()
        db_session.execute(storage.MOVE, params)
        events.record_rows(db_session, auction.id, alerts)
    return bid_id
