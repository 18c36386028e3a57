"""Auctions in the database (SQLite and PostgreSQL): bids under the auction's lock, one bid per
chat message, buy-it-now, closing exactly once, and concurrent bidders who never break the rules."""

from __future__ import annotations

import random
import threading
from datetime import timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from catalog.auctions import service as auction_service
from catalog.auctions.engine import Accepted, BidKind, Outcome, Refusal, Refused, replay
from catalog.auctions.models import Auction, AuctionResult
from catalog.database import transaction, utcnow
from catalog.errors import NotFound
from tests.auction_reference import ReferenceAuction
from tests.factories import make_bidder, make_dealer, make_vehicle


def live_auction(sessions: sessionmaker[Session], **terms: int | None) -> int:
    """A live auction ending in an hour: starting bid $1,000 unless `terms` say otherwise."""
    with transaction(sessions) as db_session:
        vehicle = make_vehicle(db_session, make_dealer(db_session))
        values: dict[str, int | None] = {"starting_bid_cents": 1_000_00, **terms}
        auction = auction_service.create(
            db_session=db_session, vehicle_id=vehicle.id, starts_at=utcnow() - timedelta(hours=1),
            ends_at=utcnow() + timedelta(hours=1), **values,  # type: ignore[arg-type]
        )  # fmt: skip
        return auction.id


def buyers(sessions: sessionmaker[Session], count: int) -> list[int]:
    with transaction(sessions) as db_session:
        return [make_bidder(db_session).id for _ in range(count)]


def bid(
    sessions: sessionmaker[Session], auction_id: int, buyer_id: int, amount_cents: int, **more: str
) -> auction_service.BidResult:
    with transaction(sessions) as db_session:
        return auction_service.place_bid(db_session=db_session, auction_id=auction_id,
                                         buyer_id=buyer_id, amount_cents=amount_cents,
                                         **more)  # type: ignore[arg-type]  # fmt: skip


def row(sessions: sessionmaker[Session], auction_id: int) -> Auction:
    with sessions() as db_session:
        return auction_service.get(db_session=db_session, auction_id=auction_id)


def test_proxy_bids_are_stored_and_the_row_keeps_the_engines_price_and_leader(
    sessions: sessionmaker[Session],
) -> None:
    auction_id = live_auction(sessions)
    ama, kofi = buyers(sessions, 2)

    bid(sessions, auction_id, ama, 3_000_00)
    outbid = bid(sessions, auction_id, kofi, 2_000_00)

    assert isinstance(outbid.decision, Accepted)
    stored = row(sessions, auction_id)
    assert (stored.leader_id, stored.current_price_cents) == (ama, 2_050_00)  # $2,000 + $50
    with sessions() as db_session:
        history = auction_service.accepted_bids(db_session=db_session, auction_id=auction_id)
        replayed = replay(auction_service.terms_of(stored), history, now=utcnow())
    assert (replayed.leader_id, replayed.current_price_cents) == (ama, 2_050_00)


def test_a_bid_below_the_minimum_is_refused_with_the_minimum_named_and_not_stored(
    sessions: sessionmaker[Session],
) -> None:
    auction_id = live_auction(sessions)
    ama, kofi = buyers(sessions, 2)
    bid(sessions, auction_id, ama, 1_000_00)

    low = bid(sessions, auction_id, kofi, 1_020_00)

    assert isinstance(low.decision, Refused)
    assert (low.decision.reason, low.decision.minimum_cents) == (Refusal.BELOW_MINIMUM, 1_050_00)
    assert row(sessions, auction_id).bids_accepted == 1


def test_the_same_chat_message_twice_places_one_bid(sessions: sessionmaker[Session]) -> None:
    auction_id = live_auction(sessions)
    [ama] = buyers(sessions, 1)

    first = bid(sessions, auction_id, ama, 1_500_00, idempotency_key="whatsapp:wamid.1")
    again = bid(sessions, auction_id, ama, 1_500_00, idempotency_key="whatsapp:wamid.1")

    assert not first.repeated and again.repeated
    assert again.bid_id == first.bid_id
    assert row(sessions, auction_id).bids_accepted == 1


def test_a_retried_message_is_still_one_bid_after_the_buyer_was_outbid(
    sessions: sessionmaker[Session],
) -> None:
    auction_id = live_auction(sessions)
    ama, kofi = buyers(sessions, 2)
    first = bid(sessions, auction_id, ama, 1_500_00, idempotency_key="telegram:77")
    bid(sessions, auction_id, kofi, 3_000_00)

    again = bid(sessions, auction_id, ama, 1_500_00, idempotency_key="telegram:77")

    assert (again.repeated, again.bid_id) == (True, first.bid_id)
    assert row(sessions, auction_id).bids_accepted == 2


def test_a_bid_already_beaten_on_the_unlocked_row_is_refused_without_a_write(
    sessions: sessionmaker[Session],
) -> None:
    auction_id = live_auction(sessions)
    ama, kofi = buyers(sessions, 2)
    bid(sessions, auction_id, ama, 2_000_00)
    version = row(sessions, auction_id).version

    late = bid(sessions, auction_id, kofi, 1_000_00)

    assert isinstance(late.decision, Refused) and late.decision.minimum_cents == 1_050_00
    assert row(sessions, auction_id).version == version  # no lock was taken


def test_buy_now_sells_at_once_and_every_later_bid_is_refused(
    sessions: sessionmaker[Session],
) -> None:
    auction_id = live_auction(sessions, buy_now_cents=9_000_00)
    ama, kofi = buyers(sessions, 2)

    bought = bid(sessions, auction_id, ama, 9_000_00, kind=BidKind.BUY_NOW)  # type: ignore[arg-type]
    late = bid(sessions, auction_id, kofi, 20_000_00)

    assert isinstance(bought.decision, Accepted)
    stored = row(sessions, auction_id)
    assert (stored.result, stored.leader_id, stored.current_price_cents) == (
        AuctionResult.SOLD, ama, 9_000_00)  # fmt: skip
    assert isinstance(late.decision, Refused) and late.decision.reason is Refusal.ENDED


@pytest.mark.parametrize(
    ("reserve", "expected", "result"),
    [(None, Outcome.SOLD, AuctionResult.SOLD),
     (5_000_00, Outcome.ON_APPROVAL, AuctionResult.ON_APPROVAL)],
)  # fmt: skip
def test_an_ended_auction_is_closed_exactly_once(
    sessions: sessionmaker[Session], reserve: int | None, expected: Outcome, result: AuctionResult
) -> None:
    auction_id = live_auction(sessions, reserve_cents=reserve)
    [ama] = buyers(sessions, 1)
    bid(sessions, auction_id, ama, 2_000_00)
    later = utcnow() + timedelta(hours=2)

    with transaction(sessions) as db_session:
        running = auction_service.close(db_session=db_session, auction_id=auction_id)
        due = auction_service.due_for_closing(db_session=db_session, now=later)
        first = auction_service.close(db_session=db_session, auction_id=auction_id, now=later)
        second = auction_service.close(db_session=db_session, auction_id=auction_id, now=later)

    assert (running, first, second) == (None, expected, None)
    assert auction_id in due
    assert row(sessions, auction_id).result is result


def test_a_cancelled_auction_takes_no_bids_and_an_unknown_one_is_not_found(
    sessions: sessionmaker[Session],
) -> None:
    auction_id = live_auction(sessions)
    [ama] = buyers(sessions, 1)
    with transaction(sessions) as db_session:
        auction_service.cancel(db_session=db_session, auction_id=auction_id, reason="withdrawn")

    refused = bid(sessions, auction_id, ama, 5_000_00)

    assert isinstance(refused.decision, Refused) and refused.decision.reason is Refusal.ENDED
    with pytest.raises(NotFound):
        bid(sessions, 999_999, ama, 5_000_00)


def test_fifty_concurrent_bidders_on_one_lot_agree_with_the_reference_in_commit_order(
    sessions: sessionmaker[Session],
) -> None:
    auction_id = live_auction(sessions, reserve_cents=6_000_00)
    bidders = buyers(sessions, 50)
    errors: list[BaseException] = []

    def bidder(buyer_id: int, seed: int) -> None:
        chance = random.Random(seed)
        try:
            for _ in range(4):
                minimum = row(sessions, auction_id).current_price_cents or 1_000_00
                amount = minimum + chance.choice([0, 50_00, 100_00, 1_000_00, 2_500_00])
                bid(sessions, auction_id, buyer_id, amount)
        except BaseException as error:  # a thread cannot fail the test itself: report it
            errors.append(error)

    threads = [threading.Thread(target=bidder, args=(buyer_id, n))
               for n, buyer_id in enumerate(bidders)]  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    stored = row(sessions, auction_id)
    with sessions() as db_session:
        history = auction_service.accepted_bids(db_session=db_session, auction_id=auction_id)
    model = ReferenceAuction(auction_service.terms_of(stored))
    for accepted in history:  # in id order: the order the auction's lock let them in
        assert model.refusal(accepted) is None
        model.accept(accepted)
    assert len(history) == stored.bids_accepted > 10  # many race and lose: below the minimum
    assert (stored.leader_id, stored.current_price_cents) == (model.leader_id(), model.price())
    assert stored.leader_max_cents == model.leader_max()
