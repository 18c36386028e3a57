"""What bidders and dealers live through (SQLite and PostgreSQL): terms before the first bid, the
bidding limit, the fees, the alerts each change records once, the dealer's approve / counter /
reject before a deadline, ending-soon reminders and cancellation."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from catalog.auctions import bidders, events
from catalog.auctions import service as auction_service
from catalog.auctions.engine import Accepted, BidKind, Outcome, Refusal, Refused
from catalog.auctions.fees import AuctionSettings, FeeTable, business_days_after
from catalog.auctions.models import AuctionEventKind, AuctionResult
from catalog.database import transaction, utcnow
from catalog.errors import InvalidInput
from catalog.vehicles.models import ListingStatus, Vehicle
from catalog.watchlist import service as watchlist_service
from tests.factories import make_bidder, make_buyer, make_dealer, make_vehicle

SETTINGS = AuctionSettings(default_limit_cents=3_000_00, deposit_multiplier=10, approval_hours=48)


def new_auction(
    sessions: sessionmaker[Session], *, ends_in: timedelta = timedelta(hours=3), **terms: int
) -> tuple[int, int, int]:
    """A live auction (starting bid $1,000 unless set): its id, vehicle id and dealer id."""
    with transaction(sessions) as db_session:
        dealer = make_dealer(db_session)
        vehicle = make_vehicle(db_session, dealer)
        auction = auction_service.create(
            db_session=db_session, vehicle_id=vehicle.id, starts_at=utcnow() - timedelta(hours=1),
            ends_at=utcnow() + ends_in, **{"starting_bid_cents": 1_000_00, **terms},
        )  # fmt: skip
        return auction.id, vehicle.id, dealer.id


def bidder(sessions: sessionmaker[Session], limit_cents: int = 100_000_00) -> int:
    with transaction(sessions) as db_session:
        return make_bidder(db_session, limit_cents=limit_cents).id


def bid(
    sessions: sessionmaker[Session], auction_id: int, buyer_id: int, amount_cents: int,
    kind: BidKind = BidKind.MAX_BID,
) -> Accepted | Refused:  # fmt: skip
    with transaction(sessions) as db_session:
        return auction_service.place_bid(
            db_session=db_session, auction_id=auction_id, buyer_id=buyer_id,
            amount_cents=amount_cents, kind=kind, settings=SETTINGS,
        ).decision  # fmt: skip


def close(sessions: sessionmaker[Session], auction_id: int, at: datetime) -> Outcome | None:
    with transaction(sessions) as db_session:
        return auction_service.close(db_session=db_session, auction_id=auction_id, now=at,
                                     settings=SETTINGS)  # fmt: skip


def alerts(
    sessions: sessionmaker[Session], auction_id: int
) -> list[tuple[str, int | None, int | None]]:
    with sessions() as db_session:
        rows = events.of_auction(db_session=db_session, auction_id=auction_id)
        return [(row.kind.value, row.buyer_id, row.dealer_id) for row in rows]


def payloads(
    sessions: sessionmaker[Session], auction_id: int, kind: AuctionEventKind
) -> list[dict]:  # type: ignore[type-arg]
    with sessions() as db_session:
        rows = events.of_auction(db_session=db_session, auction_id=auction_id)
        return [row.payload for row in rows if row.kind is kind]


def test_a_first_bid_waits_for_the_terms(sessions: sessionmaker[Session]) -> None:
    auction_id, _, _ = new_auction(sessions)
    with transaction(sessions) as db_session:
        newcomer = make_buyer(db_session).id

    refused = bid(sessions, auction_id, newcomer, 1_000_00)
    assert isinstance(refused, Refused) and refused.reason is Refusal.TERMS_NOT_ACCEPTED

    with transaction(sessions) as db_session:
        bidders.accept_terms(db_session=db_session, buyer_id=newcomer, settings=SETTINGS)
    assert isinstance(bid(sessions, auction_id, newcomer, 1_000_00), Accepted)

    # New terms: everyone accepts them again before bidding.
    newer = AuctionSettings(terms_version="2027-01")
    with sessions() as db_session:
        assert not bidders.has_accepted_terms(db_session=db_session, buyer_id=newcomer,
                                              settings=newer)  # fmt: skip


def test_the_bidding_limit_is_buying_power_across_open_auctions(
    sessions: sessionmaker[Session],
) -> None:
    first, _, _ = new_auction(sessions)
    second, _, _ = new_auction(sessions)
    with transaction(sessions) as db_session:
        buyer = make_buyer(db_session).id
        bidders.accept_terms(db_session=db_session, buyer_id=buyer, settings=SETTINGS)

    over = bid(sessions, first, buyer, 5_000_00)  # no deposit: the $3,000 default
    assert isinstance(over, Refused) and over.reason is Refusal.OVER_LIMIT
    assert over.available_cents == 3_000_00

    with transaction(sessions) as db_session:  # staff record a $600 deposit: $6,000
        auction_service.record_deposit(db_session=db_session, buyer_id=buyer, deposit_cents=600_00,
                               by="staff:amina")  # fmt: skip
    assert isinstance(bid(sessions, first, buyer, 4_000_00), Accepted)

    # Leading the first lot at $4,000 leaves $2,000 for the second...
    refused = bid(sessions, second, buyer, 2_500_00)
    assert isinstance(refused, Refused) and refused.available_cents == 2_000_00
    assert isinstance(bid(sessions, second, buyer, 1_500_00), Accepted)
    # ...and raising on the first lot counts only the new maximum, not both.
    refused = bid(sessions, first, buyer, 4_600_00)
    assert isinstance(refused, Refused) and refused.available_cents == 4_500_00
    assert isinstance(bid(sessions, first, buyer, 4_500_00), Accepted)

    # Outbid on the first lot: that commitment is released.
    rival = bidder(sessions)
    assert isinstance(bid(sessions, first, rival, 9_000_00), Accepted)
    assert isinstance(bid(sessions, second, buyer, 6_000_00), Accepted)


def test_two_bids_of_one_buyer_on_two_lots_at_once_cannot_both_use_the_same_buying_power(
    sessions: sessionmaker[Session],
) -> None:
    """$6,000 of buying power; $4,000 on one lot is placed and its transaction not yet
    committed when $4,000 on another lot arrives. The second waits for the first, then sees
    what it took: refused, with the $2,000 left named."""
    first, _, _ = new_auction(sessions)
    second, _, _ = new_auction(sessions)
    buyer = bidder(sessions, limit_cents=6_000_00)
    placed, results = threading.Event(), {}

    def second_lot() -> None:
        placed.wait(10)
        results["second"] = bid(sessions, second, buyer, 4_000_00)

    racing = threading.Thread(target=second_lot)
    racing.start()
    with transaction(sessions) as db_session:
        results["first"] = auction_service.place_bid(
            db_session=db_session, auction_id=first, buyer_id=buyer, amount_cents=4_000_00,
            settings=SETTINGS).decision  # fmt: skip
        placed.set()
        time.sleep(0.5)  # the second lot's bid is waiting now
    racing.join(20)

    assert isinstance(results["first"], Accepted)
    refused = results["second"]
    assert isinstance(refused, Refused) and refused.reason is Refusal.OVER_LIMIT
    assert refused.available_cents == 2_000_00


def test_fees_come_from_the_table_and_the_total_adds_them() -> None:
    table = FeeTable.from_json({"bands": [[99_999, 25_000], [499_999, 60_000]],
                                "above_percent": 5, "fixed": {"gate_fee": 7_900}})  # fmt: skip
    assert table.quote(999_99).fees_cents == 250_00 + 79_00
    assert table.quote(1_000_00).lines[0].cents == 600_00
    quote = table.quote(10_000_00)
    assert [(line.name, line.cents) for line in quote.lines] == [
        ("buyer_fee", 500_00),
        ("gate_fee", 79_00),
    ]
    assert quote.total_cents == 10_000_00 + 500_00 + 79_00
    with pytest.raises(ValueError, match="ascending"):
        FeeTable.from_json({"bands": [[500, 10], [100, 5]]})
    with pytest.raises(ValueError):
        AuctionSettings(buyer_fees={"bands": [[100, -5]]})


def test_payment_is_due_in_business_days() -> None:
    friday = datetime(2026, 12, 4, 15, 0, tzinfo=UTC)
    assert business_days_after(friday, 3) == datetime(2026, 12, 9, 15, 0, tzinfo=UTC)  # Wednesday


def test_an_outbid_bidder_is_told_the_new_minimum(sessions: sessionmaker[Session]) -> None:
    auction_id, _, _ = new_auction(sessions)
    ama, kofi = bidder(sessions), bidder(sessions)
    bid(sessions, auction_id, ama, 2_000_00)
    bid(sessions, auction_id, kofi, 1_500_00)  # kofi is outbid at once by ama's maximum: no alert
    bid(sessions, auction_id, kofi, 3_000_00)  # ama loses the lead

    assert alerts(sessions, auction_id) == [("outbid", ama, None)]
    (payload,) = payloads(sessions, auction_id, AuctionEventKind.OUTBID)
    assert payload["price_cents"] == 2_050_00
    assert payload["minimum_next_bid_cents"] == 2_100_00


def test_a_late_bid_extends_the_end_and_tells_the_other_bidders(
    sessions: sessionmaker[Session],
) -> None:
    auction_id, _, _ = new_auction(sessions, ends_in=timedelta(seconds=60))
    ama, kofi = bidder(sessions), bidder(sessions)
    bid(sessions, auction_id, ama, 2_000_00)
    bid(sessions, auction_id, kofi, 3_000_00)

    kinds = alerts(sessions, auction_id)
    assert ("extended", ama, None) in kinds
    assert ("extended", kofi, None) not in kinds  # the bidder who extended it knows


def test_buying_now_sells_at_once_and_tells_the_others(sessions: sessionmaker[Session]) -> None:
    auction_id, _, _ = new_auction(sessions, buy_now_cents=8_000_00, reserve_cents=5_000_00)
    ama, kofi = bidder(sessions), bidder(sessions)
    bid(sessions, auction_id, ama, 2_000_00)
    assert isinstance(bid(sessions, auction_id, kofi, 8_000_00, BidKind.BUY_NOW), Accepted)

    with sessions() as db_session:
        auction = auction_service.get(db_session=db_session, auction_id=auction_id)
        assert auction.result is AuctionResult.SOLD
        assert (auction.winner_id, auction.sold_price_cents) == (kofi, 8_000_00)
        assert auction.payment_due_at is not None and auction.payment_due_at > utcnow()
        vehicle = db_session.get(Vehicle, auction.vehicle_id)
        assert vehicle is not None and vehicle.status is ListingStatus.SOLD  # out of search
    assert sorted(alerts(sessions, auction_id)) == [("lost", ama, None), ("won", kofi, None)]


def test_closing_records_won_and_lost_once(sessions: sessionmaker[Session]) -> None:
    auction_id, _, _ = new_auction(sessions)
    ama, kofi = bidder(sessions), bidder(sessions)
    bid(sessions, auction_id, ama, 2_000_00)
    bid(sessions, auction_id, kofi, 3_000_00)
    later = utcnow() + timedelta(hours=4)

    assert close(sessions, auction_id, later) is Outcome.SOLD
    assert close(sessions, auction_id, later) is None
    kinds = alerts(sessions, auction_id)
    assert kinds.count(("won", kofi, None)) == 1 and kinds.count(("lost", ama, None)) == 1
    (won,) = payloads(sessions, auction_id, AuctionEventKind.WON)
    assert won["price_cents"] == 2_050_00 and won["payment_due_at"]


def on_approval(sessions: sessionmaker[Session]) -> tuple[int, int, int, datetime]:
    """An auction closed below its $5,000 reserve with a $2,050 high bid: id, leader, dealer."""
    auction_id, _, dealer_id = new_auction(sessions, reserve_cents=5_000_00)
    ama, kofi = bidder(sessions), bidder(sessions)
    bid(sessions, auction_id, ama, 2_000_00)
    bid(sessions, auction_id, kofi, 3_000_00)
    closed_at = utcnow() + timedelta(hours=4)
    assert close(sessions, auction_id, closed_at) is Outcome.ON_APPROVAL
    return auction_id, kofi, dealer_id, closed_at


def decide(sessions: sessionmaker[Session], auction_id: int, dealer_id: int,
           decision: auction_service.DealerDecision, at: datetime,
           counter_cents: int | None = None) -> None:  # fmt: skip
    with transaction(sessions) as db_session:
        auction_service.decide(db_session=db_session, auction_id=auction_id, dealer_id=dealer_id,
                               decision=decision, counter_cents=counter_cents, now=at,
                               settings=SETTINGS)  # fmt: skip


def test_below_the_reserve_the_dealer_is_asked_and_approves(
    sessions: sessionmaker[Session],
) -> None:
    auction_id, kofi, dealer_id, closed_at = on_approval(sessions)
    kinds = alerts(sessions, auction_id)
    assert ("reserve_not_met", kofi, None) in kinds
    assert ("approval_requested", None, dealer_id) in kinds
    (asked,) = payloads(sessions, auction_id, AuctionEventKind.APPROVAL_REQUESTED)
    assert (asked["reserve_cents"], asked["price_cents"]) == (5_000_00, 2_050_00)
    assert asked["bidder_id"] == kofi and asked["deadline_at"]

    with pytest.raises(auction_service.NotYours):  # another dealer's buttons
        decide(sessions, auction_id, dealer_id + 999, auction_service.DealerDecision.APPROVE,
               closed_at)  # fmt: skip
    decide(sessions, auction_id, dealer_id, auction_service.DealerDecision.APPROVE,
           closed_at + timedelta(hours=1))  # fmt: skip
    with sessions() as db_session:
        auction = auction_service.get(db_session=db_session, auction_id=auction_id)
        assert auction.result is AuctionResult.SOLD and auction.winner_id == kofi
    assert ("won", kofi, None) in alerts(sessions, auction_id)
    with pytest.raises(auction_service.NotAwaiting):  # a second tap changes nothing
        decide(sessions, auction_id, dealer_id, auction_service.DealerDecision.REJECT,
               closed_at + timedelta(hours=2))  # fmt: skip


def test_a_counter_offer_sells_at_the_counter_when_the_buyer_takes_it(
    sessions: sessionmaker[Session],
) -> None:
    auction_id, kofi, dealer_id, closed_at = on_approval(sessions)
    with pytest.raises(InvalidInput, match="above the high bid"):
        decide(sessions, auction_id, dealer_id, auction_service.DealerDecision.COUNTER, closed_at,
               counter_cents=1_000_00)  # fmt: skip
    decide(sessions, auction_id, dealer_id, auction_service.DealerDecision.COUNTER, closed_at,
           counter_cents=4_500_00)  # fmt: skip
    (told,) = payloads(sessions, auction_id, AuctionEventKind.DEALER_DECISION)
    assert told["decision"] == "counter" and told["counter_cents"] == 4_500_00

    with transaction(sessions) as db_session:
        auction_service.answer_counter(db_session=db_session, auction_id=auction_id,
                                       buyer_id=kofi, accept=True,
                                       now=closed_at + timedelta(hours=1),
                                       settings=SETTINGS)  # fmt: skip
    with sessions() as db_session:
        auction = auction_service.get(db_session=db_session, auction_id=auction_id)
        assert (auction.result, auction.sold_price_cents) == (AuctionResult.SOLD, 4_500_00)
    assert ("counter_answered", None, dealer_id) in alerts(sessions, auction_id)


def test_an_unanswered_approval_expires_as_not_sold(sessions: sessionmaker[Session]) -> None:
    auction_id, kofi, dealer_id, closed_at = on_approval(sessions)
    after_deadline = closed_at + timedelta(hours=49)
    with pytest.raises(auction_service.NotAwaiting):
        decide(sessions, auction_id, dealer_id, auction_service.DealerDecision.APPROVE,
               after_deadline)  # fmt: skip
    for _ in range(2):  # a second closer pass finds nothing left to expire
        with transaction(sessions) as db_session:
            auction_service.expire_approvals(db_session=db_session, now=after_deadline)
    with sessions() as db_session:
        auction = auction_service.get(db_session=db_session, auction_id=auction_id)
        assert auction.result is AuctionResult.NOT_SOLD
    kinds = alerts(sessions, auction_id)
    assert kinds.count(("dealer_decision", kofi, None)) == 1
    assert kinds.count(("dealer_decision", None, dealer_id)) == 1


def test_ending_soon_reaches_bidders_and_watchers_once_per_window(
    sessions: sessionmaker[Session],
) -> None:
    auction_id, vehicle_id, _ = new_auction(sessions, ends_in=timedelta(minutes=50))
    late_id, late_vehicle_id, _ = new_auction(sessions, ends_in=timedelta(minutes=5))
    ama = bidder(sessions)
    with transaction(sessions) as db_session:
        watcher = make_buyer(db_session).id
        watchlist_service.watch(db_session=db_session, buyer_id=watcher, vehicle_id=vehicle_id)
        watchlist_service.watch(db_session=db_session, buyer_id=watcher,
                                vehicle_id=late_vehicle_id)  # fmt: skip
    bid(sessions, auction_id, ama, 1_000_00)

    for minutes in (0, 1, 45):  # closer passes: now, a minute later, 5 minutes before the end
        with transaction(sessions) as db_session:
            auction_service.announce_ending_soon(
                db_session=db_session, now=utcnow() + timedelta(minutes=minutes)
            )
    windows = [
        p["window_minutes"] for p in payloads(sessions, auction_id, AuctionEventKind.ENDING_SOON)
    ]
    assert sorted(windows) == [10, 10, 60, 60]  # two recipients, two windows, three passes
    recipients = {buyer for kind, buyer, _ in alerts(sessions, auction_id) if kind == "ending_soon"}
    assert recipients == {ama, watcher}
    # Found with 5 minutes left: the 10-minute reminder only, no stale "1 hour left".
    late = payloads(sessions, late_id, AuctionEventKind.ENDING_SOON)
    assert [p["window_minutes"] for p in late] == [10]


def test_cancelling_tells_bidders_and_watchers_why(sessions: sessionmaker[Session]) -> None:
    auction_id, vehicle_id, _ = new_auction(sessions)
    ama = bidder(sessions)
    with transaction(sessions) as db_session:
        watcher = make_buyer(db_session).id
        watchlist_service.watch(db_session=db_session, buyer_id=watcher, vehicle_id=vehicle_id)
    bid(sessions, auction_id, ama, 1_500_00)
    with transaction(sessions) as db_session:
        cancelled = auction_service.cancel(db_session=db_session, auction_id=auction_id,
                                           reason="vehicle damaged in the yard")  # fmt: skip
        assert cancelled.status == "cancelled"
        assert cancelled.cancel_reason == "vehicle damaged in the yard"
        with pytest.raises(auction_service.AlreadySettled):
            auction_service.cancel(db_session=db_session, auction_id=auction_id, reason="again")
    assert sorted(alerts(sessions, auction_id)) == sorted(
        [("cancelled", ama, None), ("cancelled", watcher, None)]
    )
    refused = bid(sessions, auction_id, ama, 5_000_00)
    assert isinstance(refused, Refused) and refused.reason is Refusal.ENDED
