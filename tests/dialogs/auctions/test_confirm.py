"""A Confirm tap waiting for its lot's lock (other bids on the lot go first) waits in a worker
thread: the action server's event loop goes on serving other buyers' conversations meanwhile,
and the bid is placed once the lock is free (SQLite and PostgreSQL)."""

# rasa_sdk ships no py.typed, so its names are untyped (Any) here.
# mypy: disable-error-code="import-untyped"

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session, sessionmaker

from catalog.auctions import service as auction_service
from catalog.database import transaction
from dialogs.actions import auctions as auction_actions
from dialogs.actions.auctions import confirm, status
from dialogs.actions.support import ACTION_THREADS
from tests.catalog.test_auction_service import buyers, live_auction, row

HOLD_SECONDS = 1.5  # how long the other bid's transaction keeps the lot's lock at most


def actions_use(sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch) -> None:
    """The Confirm and current-bid actions read and write the test's database."""
    for module in (confirm, status):
        monkeypatch.setattr(module, "catalog_sessions", lambda: sessions)


def confirm_tap(buyer: int, lot: int, cents: int) -> Tracker:
    """The tracker of a buyer who just tapped Confirm under a bid's summary."""
    message = {
        "text": f'/confirm_bid{{"lot": "{lot}", "cents": "{cents}", "key": "5ca1ab1e"}}',
        "intent": {"name": "confirm_bid", "confidence": 1.0},
        "entities": [{"entity": "lot", "value": str(lot)},
                     {"entity": "cents", "value": str(cents)},
                     {"entity": "key", "value": "5ca1ab1e"}],
        "metadata": {"buyer_id": buyer, "message_id": "wamid.tap"},
    }  # fmt: skip
    return Tracker(f"whatsapp:{buyer}", {"language": "en"}, message, [], False, None, {}, "")


@contextmanager
def bid_in_flight(
    sessions: sessionmaker[Session], lot: int, buyer: int, hold_seconds: float
) -> Iterator[threading.Event]:
    """Another buyer's bid on the lot, placed and its transaction not yet committed: the lot's
    lock is held until the yielded event is set (or `hold_seconds` pass)."""
    locked, release = threading.Event(), threading.Event()

    def hold() -> None:
        with transaction(sessions) as db_session:
            auction_service.place_bid(db_session=db_session, auction_id=lot, buyer_id=buyer,
                                      amount_cents=2_000_00)  # fmt: skip
            locked.set()
            release.wait(hold_seconds)

    holder = threading.Thread(target=hold)
    holder.start()
    assert locked.wait(10)
    try:
        yield release
    finally:
        release.set()
        holder.join(10)


def test_a_bid_waiting_for_its_lot_leaves_the_event_loop_free(
    sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    actions_use(sessions, monkeypatch)
    lot = live_auction(sessions)
    ama, kofi = buyers(sessions, 2)

    async def scenario(release: threading.Event) -> tuple[float, list[dict[str, object]]]:
        dispatcher = CollectingDispatcher()
        tap = auction_actions.ActionConfirmBid().run(dispatcher, confirm_tap(ama, lot, 3_000_00),
                                                     {})  # fmt: skip
        placing = asyncio.ensure_future(tap)
        worst_lag, beats = 0.0, 0
        while not placing.done() and beats < 20:  # the loop's heartbeat while ama's bid waits
            started = time.monotonic()
            await asyncio.sleep(0.02)
            worst_lag = max(worst_lag, time.monotonic() - started - 0.02)
            beats += 1
        release.set()  # kofi's transaction commits; ama's bid gets the lock
        await placing
        return worst_lag, dispatcher.messages

    with bid_in_flight(sessions, lot, kofi, HOLD_SECONDS) as release:
        worst_lag, messages = asyncio.run(scenario(release))

    assert worst_lag < 0.25, f"the event loop stalled {worst_lag:.2f} s behind the lot's lock"
    assert "you are the high bidder on lot" in str(messages[0]["text"]).lower()
    stored = row(sessions, lot)
    assert (stored.leader_id, stored.current_price_cents) == (ama, 2_050_00)  # kofi's $2,000 + $50
    with sessions() as db_session:
        bids = auction_service.accepted_bids(db_session=db_session, auction_id=lot)
    assert [bid.bidder_id for bid in bids] == [kofi, ama]


def test_reads_find_a_thread_while_more_bids_than_threads_wait_on_a_hot_lot(
    sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    """More Confirm taps than the action server has threads for bids wait on a held lot; a
    buyer asking for the current bid meanwhile is answered at once, and every tap is answered
    once the lot is free."""
    actions_use(sessions, monkeypatch)
    lot = live_auction(sessions)
    kofi, asker, *tappers = buyers(sessions, ACTION_THREADS + 4)

    async def scenario(release: threading.Event) -> tuple[bool, float, list[CollectingDispatcher]]:
        dispatchers = [CollectingDispatcher() for _ in tappers]
        confirm = auction_actions.ActionConfirmBid()
        taps = [asyncio.ensure_future(confirm.run(
                    dispatcher, confirm_tap(buyer, lot, 3_000_00 + n * 100_00), {}))
                for n, (buyer, dispatcher) in enumerate(zip(tappers, dispatchers,
                                                            strict=True))]  # fmt: skip
        await asyncio.sleep(0.2)  # every tap has started and waits on the lot
        asking, started = CollectingDispatcher(), time.monotonic()
        message = {"text": f"current bid on lot {lot}", "intent": {"name": "current_bid"},
                   "entities": [{"entity": "lot", "value": str(lot)}],
                   "metadata": {"buyer_id": asker}}  # fmt: skip
        await auction_actions.ActionCurrentBid().run(
            asking, Tracker(f"telegram:{asker}", {"language": "en"}, message, [], False, None, {},
                            ""), {})  # fmt: skip
        answered_in = time.monotonic() - started
        bids_still_waiting = not any(tap.done() for tap in taps)
        assert f"lot {lot}" in str(asking.messages[0]["text"]).lower()
        release.set()
        await asyncio.gather(*taps)
        return bids_still_waiting, answered_in, dispatchers

    with bid_in_flight(sessions, lot, kofi, HOLD_SECONDS * 2) as release:
        bids_still_waiting, answered_in, dispatchers = asyncio.run(scenario(release))

    assert bids_still_waiting
    assert answered_in < 1.0, f"the current bid took {answered_in:.2f} s behind the waiting bids"
    assert [len(dispatcher.messages) for dispatcher in dispatchers] == [1] * len(tappers)
    stored = row(sessions, lot)
    assert stored.leader_id == tappers[-1]  # the highest maximum leads
