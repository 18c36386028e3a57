"""Bids on one lot from one process's threads take turns (catalog/auctions/turns.py): one at a
time per lot, other lots unaffected, and never a wait longer than the patience, so a
transaction that bids twice on a lot cannot deadlock with a thread waiting its turn."""

from __future__ import annotations

import threading
import time

from sqlalchemy.orm import Session, sessionmaker

from catalog.auctions import service as auction_service
from catalog.auctions.engine import Accepted
from catalog.auctions.turns import LotTurns
from catalog.database import transaction
from tests.catalog.test_auction_service import buyers, live_auction, row


def test_threads_on_one_lot_take_turns_and_other_lots_do_not_wait() -> None:
    turns = LotTurns(patience=5.0)
    inside = threading.Event()
    leave = threading.Event()
    entered: list[str] = []

    def first() -> None:
        with turns.turn(7):
            inside.set()
            leave.wait(5)
            entered.append("first leaves")

    def second() -> None:
        with turns.turn(7) as had:
            entered.append(f"second enters, turn {had}")

    holder = threading.Thread(target=first)
    holder.start()
    inside.wait(5)
    waiter = threading.Thread(target=second)
    waiter.start()
    with turns.turn(8) as other_lot:  # a different lot goes straight in
        assert other_lot
    time.sleep(0.1)
    assert entered == []  # the second thread on lot 7 is still waiting
    leave.set()
    holder.join(5)
    waiter.join(5)

    assert entered == ["first leaves", "second enters, turn True"]
    assert turns.waiting() == 0  # idle lots are forgotten


def test_a_thread_that_waited_past_its_patience_goes_on_without_a_turn() -> None:
    turns = LotTurns(patience=0.2)
    release = threading.Event()
    holding = threading.Event()

    def hold() -> None:
        with turns.turn(3):
            holding.set()
            release.wait(5)

    holder = threading.Thread(target=hold)
    holder.start()
    holding.wait(5)
    started = time.monotonic()
    with turns.turn(3) as had:
        waited = time.monotonic() - started
    release.set()
    holder.join(5)

    assert had is False
    assert 0.15 < waited < 2
    assert turns.waiting() == 0


def test_a_transaction_bidding_twice_on_a_lot_while_another_thread_waits_does_not_deadlock(
    sessions: sessionmaker[Session],
) -> None:
    """The first transaction holds the lot's database lock after its first bid; a second thread
    takes the lot's turn and waits for that lock; the first transaction's second bid waits for
    the turn no longer than the patience, then goes on. Both bids stand, in that order."""
    auction_id = live_auction(sessions)
    ama, kofi = buyers(sessions, 2)
    results: dict[str, auction_service.BidResult] = {}

    def other_bidder() -> None:
        with transaction(sessions) as db_session:
            results["kofi"] = auction_service.place_bid(
                db_session=db_session, auction_id=auction_id, buyer_id=kofi,
                amount_cents=9_000_00)  # fmt: skip

    started = time.monotonic()
    with transaction(sessions) as db_session:
        auction_service.place_bid(db_session=db_session, auction_id=auction_id, buyer_id=ama,
                                  amount_cents=2_000_00)  # fmt: skip
        waiting = threading.Thread(target=other_bidder)
        waiting.start()
        time.sleep(0.3)  # kofi's bid has taken the lot's turn and waits for ama's transaction
        results["ama"] = auction_service.place_bid(
            db_session=db_session, auction_id=auction_id, buyer_id=ama, amount_cents=5_000_00
        )
    waiting.join(30)

    assert not waiting.is_alive()
    assert time.monotonic() - started < 10
    assert isinstance(results["ama"].decision, Accepted)  # ama raised her own maximum
    assert isinstance(results["kofi"].decision, Accepted)  # then kofi outbid it
    stored = row(sessions, auction_id)
    assert (stored.leader_id, stored.leader_max_cents) == (kofi, 9_000_00)
    assert stored.current_price_cents == 5_100_00  # ama's $5,000 + $100
