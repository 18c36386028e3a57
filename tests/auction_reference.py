"""A reference model of the auction rules (catalog/auctions/README.md), written apart from the
engine and as plainly as possible: every bidder's maximum kept with its order, the leader and
price recomputed from scratch by sorting. The engine's state machine test and the database's
concurrency test both check the engine against it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from catalog.auctions.engine import (
    AuctionStatus,
    AuctionTerms,
    Bid,
    BidKind,
    Outcome,
    Refusal,
)

# Copart US again, written out in dollars: (the price is under this, the increment is this).
REFERENCE_BANDS = [(5, 1), (40, 5), (100, 10), (1_000, 25), (5_000, 50), (25_000, 100),
                   (50_000, 250), (100_000, 500)]  # fmt: skip


def reference_increment(price_cents: int) -> int:
    for under_dollars, step_dollars in REFERENCE_BANDS:
        if price_cents < under_dollars * 100:
            return step_dollars * 100
    return 1_000 * 100


@dataclass(frozen=True)
class Maximum:
    bidder_id: int
    amount_cents: int
    order: int  # the how-many-th accepted bid set it: smaller is earlier


class ReferenceAuction:
    """Every bidder's latest maximum and when it was set; everything else recomputed by sorting."""

    def __init__(self, terms: AuctionTerms) -> None:
        self.terms = terms
        self.maxima: dict[int, Maximum] = {}
        self.accepted = 0
        self.ends_at = terms.ends_at
        self.buyer_id: int | None = None

    def ranking(self) -> list[Maximum]:
        return sorted(self.maxima.values(), key=lambda m: (-m.amount_cents, m.order))

    def top(self) -> int | None:
        ranking = self.ranking()
        return ranking[0].amount_cents if ranking else None

    def leader_id(self) -> int | None:
        if self.buyer_id is not None:
            return self.buyer_id
        ranking = self.ranking()
        return ranking[0].bidder_id if ranking else None

    def runner_up_max(self) -> int | None:
        ranking = self.ranking()
        return ranking[1].amount_cents if self.buyer_id is None and len(ranking) > 1 else None

    def leader_max(self) -> int | None:
        return self.terms.buy_now_cents if self.buyer_id is not None else self.top()

    def price(self) -> int | None:
        ranking, reserve = self.ranking(), self.terms.reserve_cents
        if self.buyer_id is not None:
            return self.terms.buy_now_cents
        if not ranking:
            return None
        top = ranking[0].amount_cents
        price = self.terms.starting_bid_cents
        if len(ranking) > 1:
            second = ranking[1].amount_cents
            price = min(second + reference_increment(second), top)
        return max(price, reserve) if reserve is not None and top >= reserve else price

    def minimum(self) -> int:
        price = self.price()
        return (
            self.terms.starting_bid_cents if price is None else price + reference_increment(price)
        )

    def status(self, now: datetime) -> AuctionStatus:
        if self.buyer_id is not None:
            return AuctionStatus.BOUGHT_NOW
        if now < self.terms.starts_at:
            return AuctionStatus.SCHEDULED
        return AuctionStatus.LIVE if now < self.ends_at else AuctionStatus.ENDED

    def buy_now_available(self, now: datetime) -> bool:
        if self.terms.buy_now_cents is None or self.status(now) is not AuctionStatus.LIVE:
            return False
        top, reserve = self.top(), self.terms.reserve_cents
        if reserve is None:
            return self.accepted == 0
        return top is None or top < reserve

    def outcome(self, now: datetime) -> Outcome | None:
        top, reserve = self.top(), self.terms.reserve_cents
        if self.buyer_id is not None:
            return Outcome.SOLD
        if self.status(now) is not AuctionStatus.ENDED:
            return None
        if top is None:
            return Outcome.NOT_SOLD
        return Outcome.SOLD if reserve is None or top >= reserve else Outcome.ON_APPROVAL

    def refusal(self, bid: Bid) -> tuple[Refusal, int | None] | None:
        status, own = self.status(bid.placed_at), self.maxima.get(bid.bidder_id)
        if status is AuctionStatus.SCHEDULED:
            return Refusal.NOT_STARTED, None
        if status is not AuctionStatus.LIVE:
            return Refusal.ENDED, None
        if bid.kind is BidKind.BUY_NOW:
            if not self.buy_now_available(bid.placed_at):
                return Refusal.BUY_NOW_UNAVAILABLE, None
            return None if bid.amount_cents == self.terms.buy_now_cents else (
                Refusal.NOT_THE_BUY_NOW_PRICE, None
            )  # fmt: skip
        if self.leader_id() == bid.bidder_id and own is not None:
            ok = bid.amount_cents > own.amount_cents
            return None if ok else (Refusal.LOWER_THAN_OWN_MAX, own.amount_cents + 1)
        ok = bid.amount_cents >= self.minimum()
        return None if ok else (Refusal.BELOW_MINIMUM, self.minimum())

    def accept(self, bid: Bid) -> None:
        if bid.kind is BidKind.BUY_NOW:
            self.buyer_id, self.ends_at = bid.bidder_id, bid.placed_at
        else:
            self.maxima[bid.bidder_id] = Maximum(bid.bidder_id, bid.amount_cents, self.accepted)
            if self.ends_at - bid.placed_at < self.terms.soft_close:
                self.ends_at = bid.placed_at + self.terms.soft_close
        self.accepted += 1


# Starting bids just under band edges, so prices cross from one increment to the next.
