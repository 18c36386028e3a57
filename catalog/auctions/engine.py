"""The auction engine: what a list of accepted bids means, as a pure function of that list.

No database, no clock of its own: the caller passes the terms, the accepted bids (or the state
they led to) and the time. The database layer locks the auction row, loads its accepted bids,
calls `place`, and stores the bid only when it is `Accepted`. The rules are in README.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Final

from catalog.auctions.increments import DEFAULT_INCREMENTS, IncrementTable
from catalog.errors import CatalogError

SOFT_CLOSE: Final = timedelta(minutes=2)


class InconsistentBids(CatalogError):
    """Stored bids that the engine would not have accepted under these terms."""


class AuctionStatus(StrEnum):
    SCHEDULED = "scheduled"
    LIVE = "live"
    ENDED = "ended"
    BOUGHT_NOW = "bought_now"


class BidKind(StrEnum):
    MAX_BID = "max_bid"
    BUY_NOW = "buy_now"


class Refusal(StrEnum):
    """Why a bid was refused; `Refused.minimum_cents` names the amount that would do."""

    NOT_STARTED = "not_started"
    ENDED = "ended"  # after the (extended) end, or after someone bought it now
    BELOW_MINIMUM = "below_minimum"
    LOWER_THAN_OWN_MAX = "lower_than_own_max"  # the leader's new maximum is at or below the old
    BUY_NOW_UNAVAILABLE = "buy_now_unavailable"
    NOT_THE_BUY_NOW_PRICE = "not_the_buy_now_price"
    # About the bidder, not the auction: checked by the service (bidders.py), never the engine.
    TERMS_NOT_ACCEPTED = "terms_not_accepted"
    OVER_LIMIT = "over_limit"  # `Refused.available_cents` is what the bidder may still bid


class Outcome(StrEnum):
    """How a closed auction ended; the buyer and price are the state's leader and price."""

    SOLD = "sold"
    ON_APPROVAL = "on_approval"  # the highest bid is below the reserve: the dealer decides
    NOT_SOLD = "not_sold"


def _utc(moment: datetime, name: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware UTC datetime, not naive {moment}")
    return moment.astimezone(UTC)


@dataclass(frozen=True, kw_only=True)
class AuctionTerms:
    """What the dealer set: the times, the prices and the increments.

    Raises:
        ValueError: naive times, an end not after the start, a non-positive starting bid or
            reserve, or a buy-now price not above the starting bid or below the reserve.
    """

    starts_at: datetime
    ends_at: datetime
    starting_bid_cents: int
    reserve_cents: int | None = field(default=None, repr=False)  # never shown to buyers
    buy_now_cents: int | None = None
    increments: IncrementTable = DEFAULT_INCREMENTS
    soft_close: timedelta = SOFT_CLOSE

    def __post_init__(self) -> None:
        object.__setattr__(self, "starts_at", _utc(self.starts_at, "starts_at"))
        object.__setattr__(self, "ends_at", _utc(self.ends_at, "ends_at"))
        if self.ends_at <= self.starts_at:
            raise ValueError("an auction must end after it starts")
        if self.starting_bid_cents <= 0:
            raise ValueError("the starting bid must be positive")
        if self.reserve_cents is not None and self.reserve_cents <= 0:
            raise ValueError("a reserve must be positive")
        if self.soft_close < timedelta(0):
            raise ValueError("the soft close cannot be negative")
        self._check_buy_now()

    def _check_buy_now(self) -> None:
        if self.buy_now_cents is None:
            return
        if self.buy_now_cents <= self.starting_bid_cents:
            raise ValueError("the buy-now price must be above the starting bid")
        # Buying now below the reserve would sell under the dealer's floor.
        if self.reserve_cents is not None and self.buy_now_cents < self.reserve_cents:
            raise ValueError("the buy-now price cannot be below the reserve")


@dataclass(frozen=True, kw_only=True)
class Bid:
    """A buyer's maximum (MAX_BID), or an offer at the buy-now price (BUY_NOW)."""

    bidder_id: int
    amount_cents: int
    placed_at: datetime
    kind: BidKind = BidKind.MAX_BID

    def __post_init__(self) -> None:
        object.__setattr__(self, "placed_at", _utc(self.placed_at, "placed_at"))


@dataclass(frozen=True, kw_only=True)
class AuctionState:
    """The auction as of `as_of`, after its accepted bids.

    `leader_max_cents` and `runner_up_max_cents` are private to the engine and staff: buyers see
    the price, never a maximum. After a buy-now the leader is the buyer and the price and
    maximum are the buy-now price. `minimum_next_bid_cents` is what a new bidder must offer.
    """

    status: AuctionStatus
    as_of: datetime
    current_price_cents: int | None
    leader_id: int | None
    leader_max_cents: int | None = field(repr=False)
    runner_up_max_cents: int | None = field(repr=False)
    ends_at: datetime
    bids_accepted: int
    buy_now_available: bool
    minimum_next_bid_cents: int


@dataclass(frozen=True)
class Accepted:
    """The bid stands: store it. `outbid_id` is the leader it displaced, to be told."""

    state: AuctionState
    outbid_id: int | None = None


@dataclass(frozen=True)
class Refused:
    """The bid does not stand; `state` is the auction as the bidder found it.

    `minimum_cents` is the lowest maximum that bidder could place instead: the minimum next bid
    for BELOW_MINIMUM, one cent above their own maximum for LOWER_THAN_OWN_MAX, else None.
    `available_cents` is the bidder's remaining buying power, for OVER_LIMIT.
    """

    reason: Refusal
    state: AuctionState
    minimum_cents: int | None = None
    available_cents: int | None = None


def replay(terms: AuctionTerms, bids: Iterable[Bid], *, now: datetime) -> AuctionState:
    """The state after applying the accepted `bids` in order, as seen at `now`.

    Raises:
        InconsistentBids: when a stored bid would be refused under these terms.
        ValueError: naive `now`, bids out of time order, or `now` before the last bid.
    """
    history = list(bids)
    state = _opening(terms, history[0].placed_at if history else _utc(now, "now"))
    for bid in history:
        decision = place(terms, state, bid)
        if isinstance(decision, Refused):
            raise InconsistentBids(f"stored bid {bid} would be refused: {decision.reason}")
        state = decision.state
    return state_at(terms, state, now)


def place(
    terms: AuctionTerms, history: AuctionState | Iterable[Bid], bid: Bid
) -> Accepted | Refused:
    """Whether `bid` is accepted after `history` (a state, or the accepted bids), and the result.

    Raises:
        ValueError: when the bid is placed before the state's moment or the last accepted bid
            (stamp `placed_at` after locking the auction).
    """
    if isinstance(history, AuctionState):
        state = state_at(terms, history, bid.placed_at)
    else:
        state = replay(terms, history, now=bid.placed_at)
    refused = _refusal(terms, state, bid)
    if refused is not None:
        return refused
    after = (
        _bought_now(terms, state, bid)
        if bid.kind is BidKind.BUY_NOW
        else _raised(terms, state, bid)
    )
    displaced = state.leader_id is not None and state.leader_id != after.leader_id
    return Accepted(after, outbid_id=state.leader_id if displaced else None)


def state_at(terms: AuctionTerms, state: AuctionState, now: datetime) -> AuctionState:
    """The same auction seen at a later `now`: its status and buy-now offer may have changed.

    Raises:
        ValueError: naive `now`, or `now` before `state.as_of`.
    """
    now = _utc(now, "now")
    if now < state.as_of:
        raise ValueError(f"{now} is before the state's moment {state.as_of}")
    return resume(
        terms,
        as_of=now,
        leader_id=state.leader_id,
        leader_max_cents=state.leader_max_cents,
        runner_up_max_cents=state.runner_up_max_cents,
        ends_at=state.ends_at,
        bids_accepted=state.bids_accepted,
        bought_now=state.status is AuctionStatus.BOUGHT_NOW,
    )


def resume(
    terms: AuctionTerms,
    *,
    as_of: datetime,
    leader_id: int | None,
    leader_max_cents: int | None,
    runner_up_max_cents: int | None,
    ends_at: datetime,
    bids_accepted: int,
    bought_now: bool,
) -> AuctionState:
    """The state rebuilt from the running totals an auction row keeps, seen at `as_of`.

    The price, minimum next bid, status and buy-now offer are derived from the maxima, so they
    cannot disagree with them. `ends_at` is the end after extensions (the buy-now's moment after
    a buy-now, whose maximum is the buy-now price).

    Raises:
        ValueError: naive times, or a leader without a maximum (or the other way round).
    """
    if (leader_id is None) != (leader_max_cents is None):
        raise ValueError("a leader and their maximum go together")
    as_of, ends_at = _utc(as_of, "as_of"), _utc(ends_at, "ends_at")
    price = None
    if leader_max_cents is not None:
        price = (
            leader_max_cents if bought_now else _price(terms, leader_max_cents, runner_up_max_cents)
        )
    status = _status(terms, ends_at, as_of, bought=bought_now)
    return AuctionState(
        status=status,
        as_of=as_of,
        current_price_cents=price,
        leader_id=leader_id,
        leader_max_cents=leader_max_cents,
        runner_up_max_cents=runner_up_max_cents,
        ends_at=ends_at,
        bids_accepted=bids_accepted,
        buy_now_available=_buy_now_open(terms, status, price, bids_accepted),
        minimum_next_bid_cents=_minimum_next_bid(terms, price),
    )


def outcome(terms: AuctionTerms, state: AuctionState, now: datetime) -> Outcome | None:
    """How the auction ended (the buyer is the leader, at the current price); None while open."""
    closed = state_at(terms, state, now)
    if closed.status is AuctionStatus.BOUGHT_NOW:
        return Outcome.SOLD
    if closed.status is not AuctionStatus.ENDED:
        return None
    if closed.current_price_cents is None:
        return Outcome.NOT_SOLD
    if terms.reserve_cents is None or closed.current_price_cents >= terms.reserve_cents:
        return Outcome.SOLD
    return Outcome.ON_APPROVAL


def _opening(terms: AuctionTerms, as_of: datetime) -> AuctionState:
    return resume(
        terms,
        as_of=as_of,
        leader_id=None,
        leader_max_cents=None,
        runner_up_max_cents=None,
        ends_at=terms.ends_at,
        bids_accepted=0,
        bought_now=False,
    )


def _status(
    terms: AuctionTerms, ends_at: datetime, now: datetime, *, bought: bool
) -> AuctionStatus:
    if bought:
        return AuctionStatus.BOUGHT_NOW
    if now < terms.starts_at:
        return AuctionStatus.SCHEDULED
    return AuctionStatus.ENDED if now >= ends_at else AuctionStatus.LIVE


def _buy_now_open(
    terms: AuctionTerms, status: AuctionStatus, price: int | None, bids_accepted: int
) -> bool:
    if terms.buy_now_cents is None or status is not AuctionStatus.LIVE:
        return False
    if terms.reserve_cents is None:
        return bids_accepted == 0
    return price is None or price < terms.reserve_cents


def _refusal(terms: AuctionTerms, state: AuctionState, bid: Bid) -> Refused | None:
    if state.status is AuctionStatus.SCHEDULED:
        return Refused(Refusal.NOT_STARTED, state)
    if state.status is not AuctionStatus.LIVE:
        return Refused(Refusal.ENDED, state)
    if bid.kind is BidKind.BUY_NOW:
        return _buy_now_refusal(terms, state, bid)
    return _max_bid_refusal(state, bid)


def _max_bid_refusal(state: AuctionState, bid: Bid) -> Refused | None:
    own_max = state.leader_max_cents if bid.bidder_id == state.leader_id else None
    if own_max is not None:
        # The leader may only raise: a lowered maximum could undo bids already outbid by it.
        if bid.amount_cents <= own_max:
            return Refused(Refusal.LOWER_THAN_OWN_MAX, state, minimum_cents=own_max + 1)
        return None
    if bid.amount_cents < state.minimum_next_bid_cents:
        return Refused(Refusal.BELOW_MINIMUM, state, minimum_cents=state.minimum_next_bid_cents)
    return None


def _buy_now_refusal(terms: AuctionTerms, state: AuctionState, bid: Bid) -> Refused | None:
    if not state.buy_now_available:
        return Refused(Refusal.BUY_NOW_UNAVAILABLE, state)
    if bid.amount_cents != terms.buy_now_cents:
        return Refused(Refusal.NOT_THE_BUY_NOW_PRICE, state)
    return None


def _bought_now(terms: AuctionTerms, state: AuctionState, bid: Bid) -> AuctionState:
    return resume(
        terms,
        as_of=bid.placed_at,
        leader_id=bid.bidder_id,
        leader_max_cents=bid.amount_cents,
        runner_up_max_cents=None,
        ends_at=bid.placed_at,  # a buy-now ends the auction at once
        bids_accepted=state.bids_accepted + 1,
        bought_now=True,
    )


def _raised(terms: AuctionTerms, state: AuctionState, bid: Bid) -> AuctionState:
    """The state after an accepted maximum: new standings, price and (soft-close) end."""
    leader_id, leader_max, runner_up = _standings(state, bid)
    return resume(
        terms,
        as_of=bid.placed_at,
        leader_id=leader_id,
        leader_max_cents=leader_max,
        runner_up_max_cents=runner_up,
        ends_at=max(state.ends_at, bid.placed_at + terms.soft_close),
        bids_accepted=state.bids_accepted + 1,
        bought_now=False,
    )


def _standings(state: AuctionState, bid: Bid) -> tuple[int, int, int | None]:
    """(leader, leader's maximum, second-highest maximum) once `bid` is counted."""
    amount = bid.amount_cents
    if state.leader_id is None or state.leader_max_cents is None:
        return bid.bidder_id, amount, None
    if bid.bidder_id == state.leader_id:
        return bid.bidder_id, amount, state.runner_up_max_cents
    if amount > state.leader_max_cents:
        return bid.bidder_id, amount, state.leader_max_cents
    # An equal maximum loses to the earlier one. Every other maximum is at or below the price,
    # and this one met the minimum above it, so it is the new second-highest.
    return state.leader_id, state.leader_max_cents, amount


def _price(terms: AuctionTerms, leader_max: int, runner_up: int | None) -> int:
    """The second-highest maximum plus its increment, capped at the highest; lifted to the
    reserve once the highest maximum reaches it (otherwise a willing buyer could miss it)."""
    if runner_up is None:
        price = terms.starting_bid_cents
    else:
        price = min(runner_up + terms.increments.increment_at(runner_up), leader_max)
    if terms.reserve_cents is not None and leader_max >= terms.reserve_cents:
        return max(price, terms.reserve_cents)
    return price


def _minimum_next_bid(terms: AuctionTerms, price: int | None) -> int:
    if price is None:
        return terms.starting_bid_cents
    return price + terms.increments.increment_at(price)
