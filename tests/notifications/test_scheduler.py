"""The auction scheduler (SQLite and PostgreSQL): it closes what has ended with the right outcome
and alerts, once, however many schedulers run and however often they restart."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from catalog.auctions import events
from catalog.auctions import service as auction_service
from catalog.auctions.engine import Outcome
from catalog.auctions.fees import AuctionSettings
from catalog.auctions.models import Auction, AuctionEventKind, AuctionResult
from catalog.database import make_engine, make_session_factory, transaction, utcnow
from catalog.migrate import upgrade
from catalog.watchlist import service as watchlist_service
from notifications.scheduler import run_scheduler, tick
from tests.factories import make_bidder, make_buyer, make_dealer, make_vehicle

SETTINGS = AuctionSettings(approval_hours=48)


def new_auction(
    sessions: sessionmaker[Session], *, ends_in: timedelta = timedelta(hours=1), **terms: object
) -> tuple[int, int]:
    """A live auction with a $1,000 starting bid: its id and its vehicle's id."""
    with transaction(sessions) as db_session:
        vehicle = make_vehicle(db_session, make_dealer(db_session))
        auction = auction_service.create(
            db_session=db_session, vehicle_id=vehicle.id, starts_at=utcnow() - timedelta(hours=1),
            ends_at=utcnow() + ends_in, **{"starting_bid_cents": 1_000_00, **terms},
        )  # fmt: skip
        return auction.id, vehicle.id


def bidder(sessions: sessionmaker[Session]) -> int:
    with transaction(sessions) as db_session:
        return make_bidder(db_session).id


def bid(sessions: sessionmaker[Session], auction_id: int, buyer_id: int, cents: int) -> None:
    with transaction(sessions) as db_session:
        result = auction_service.place_bid(db_session=db_session, auction_id=auction_id,
                                           buyer_id=buyer_id, amount_cents=cents)  # fmt: skip
    assert result.bid_id is not None, result.decision


def alerts(sessions: sessionmaker[Session], auction_id: int) -> list[tuple[str, int | None]]:
    with sessions() as db_session:
        rows = events.of_auction(db_session=db_session, auction_id=auction_id)
        return [(row.kind.value, row.buyer_id or row.dealer_id) for row in rows]


def result_of(sessions: sessionmaker[Session], auction_id: int) -> AuctionResult:
    with sessions() as db_session:
        return auction_service.get(db_session=db_session, auction_id=auction_id).result


@pytest.mark.parametrize(
    ("reserve", "outcome", "told"),
    [(None, Outcome.SOLD, {"won", "lost"}),
     (5_000_00, Outcome.ON_APPROVAL, {"reserve_not_met", "approval_requested", "lost"})],
)  # fmt: skip
def test_an_auction_whose_end_passed_is_closed_with_its_outcome_and_alerts(
    sessions: sessionmaker[Session], reserve: int | None, outcome: Outcome, told: set[str]
) -> None:
    auction_id, _ = new_auction(sessions, reserve_cents=reserve)
    ama, kofi = bidder(sessions), bidder(sessions)
    bid(sessions, auction_id, ama, 2_000_00)
    bid(sessions, auction_id, kofi, 3_000_00)

    running = tick(sessions, utcnow(), settings=SETTINGS)
    assert running.closed == {} and result_of(sessions, auction_id) is AuctionResult.OPEN
    before = alerts(sessions, auction_id)  # outbid, ending soon

    later = utcnow() + timedelta(hours=2)
    report = tick(sessions, later, settings=SETTINGS)
    assert report.closed == {auction_id: outcome}
    assert not report.failed and not report.errors
    assert result_of(sessions, auction_id).value == outcome.value
    at_close = alerts(sessions, auction_id)[len(before) :]
    assert {kind for kind, _ in at_close} == told and len(at_close) == len(told)
    assert ("lost", ama) in at_close

    again = tick(sessions, later + timedelta(seconds=1), settings=SETTINGS)
    assert again.closed == {}
    assert len(alerts(sessions, auction_id)) == len(before) + len(told)


def test_an_approval_nobody_answers_expires_on_a_later_pass(
    sessions: sessionmaker[Session],
) -> None:
    auction_id, _ = new_auction(sessions, reserve_cents=5_000_00)
    bid(sessions, auction_id, bidder(sessions), 2_000_00)
    closed_at = utcnow() + timedelta(hours=2)
    assert tick(sessions, closed_at, settings=SETTINGS).closed == {auction_id: Outcome.ON_APPROVAL}

    assert tick(sessions, closed_at + timedelta(hours=47), settings=SETTINGS).expired == []
    report = tick(sessions, closed_at + timedelta(hours=49), settings=SETTINGS)

    assert report.expired == [auction_id]
    assert result_of(sessions, auction_id) is AuctionResult.NOT_SOLD


def test_ending_soon_alerts_reach_bidders_and_watchers_once_per_window(
    sessions: sessionmaker[Session],
) -> None:
    auction_id, vehicle_id = new_auction(sessions, ends_in=timedelta(minutes=30))
    far_id, _ = new_auction(sessions, ends_in=timedelta(hours=5))
    ama = bidder(sessions)
    with transaction(sessions) as db_session:
        watcher = make_buyer(db_session).id
        watchlist_service.watch(db_session=db_session, buyer_id=watcher, vehicle_id=vehicle_id)
    bid(sessions, auction_id, ama, 1_000_00)

    now = utcnow()
    first = tick(sessions, now, settings=SETTINGS)
    tick(sessions, now + timedelta(seconds=1), settings=SETTINGS)  # the next pass: no repeats
    tick(sessions, now + timedelta(minutes=25), settings=SETTINGS)  # 5 minutes left

    assert first.announced == 1 and first.closed == {}
    with sessions() as db_session:
        rows = events.of_auction(db_session=db_session, auction_id=auction_id)
        reminders = sorted(
            (row.buyer_id, row.payload["window_minutes"])
            for row in rows
            if row.kind is AuctionEventKind.ENDING_SOON
        )
    assert reminders == sorted([(ama, 60), (watcher, 60), (ama, 10), (watcher, 10)])
    assert alerts(sessions, far_id) == []


def test_an_auction_that_fails_to_close_does_not_keep_the_others_open(
    sessions: sessionmaker[Session], caplog: pytest.LogCaptureFixture
) -> None:
    broken_id, _ = new_auction(sessions, ends_in=timedelta(minutes=1))
    good_id, _ = new_auction(sessions, ends_in=timedelta(minutes=2))
    bid(sessions, good_id, bidder(sessions), 1_500_00)
    with transaction(sessions) as db_session:  # a row the engine cannot read
        db_session.execute(
            update(Auction).where(Auction.id == broken_id).values(increments={"steps": "?"})
        )

    with caplog.at_level(logging.ERROR, logger="notifications.scheduler"):
        report = tick(sessions, utcnow() + timedelta(hours=1), settings=SETTINGS)

    assert report.failed == [broken_id]
    assert report.closed == {good_id: Outcome.SOLD}
    assert result_of(sessions, broken_id) is AuctionResult.OPEN  # tried again next pass
    assert any(getattr(r, "auction_id", None) == broken_id for r in caplog.records)


def test_two_schedulers_racing_close_each_auction_once(sessions: sessionmaker[Session]) -> None:
    auction_ids = [new_auction(sessions, ends_in=timedelta(minutes=1))[0] for _ in range(6)]
    ama, kofi = bidder(sessions), bidder(sessions)
    for auction_id in auction_ids:
        bid(sessions, auction_id, ama, 1_000_00)
        bid(sessions, auction_id, kofi, 1_200_00)
    later = utcnow() + timedelta(hours=1)
    start = threading.Barrier(2)
    reports = []

    def scheduler() -> None:
        start.wait()
        reports.append(tick(sessions, later, settings=SETTINGS))

    threads = [threading.Thread(target=scheduler) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert len(reports) == 2 and not any(report.failed for report in reports)
    closed = [auction_id for report in reports for auction_id in report.closed]
    assert sorted(closed) == sorted(auction_ids)  # each closed by exactly one of them
    for auction_id in auction_ids:
        assert result_of(sessions, auction_id) is AuctionResult.SOLD
        told = [alert for alert in alerts(sessions, auction_id) if alert[0] in {"won", "lost"}]
        assert sorted(told) == [("lost", ama), ("won", kofi)]


def test_the_loop_runs_passes_until_it_is_stopped(sessions: sessionmaker[Session]) -> None:
    auction_id, _ = new_auction(sessions, ends_in=timedelta(seconds=1), soft_close=timedelta(0))
    bid(sessions, auction_id, bidder(sessions), 1_000_00)
    stop = threading.Event()
    loop = threading.Thread(
        target=run_scheduler, args=(sessions,),
        kwargs={"interval_seconds": 0.05, "stop_event": stop, "settings": SETTINGS},
    )  # fmt: skip
    loop.start()
    try:
        wait_until(lambda: result_of(sessions, auction_id) is AuctionResult.SOLD, seconds=30)
    finally:
        stop.set()
        loop.join(timeout=30)
    assert not loop.is_alive()


def wait_until(condition: Callable[[], bool], *, seconds: float, every: float = 0.05) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(every)


# --- `nzila scheduler` as a real process ---------------------------------------------------------


def start_scheduler(url: str, log: Path, cwd: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DATABASE_URL": url, "NZILA_ENV": "development"}
    with log.open("ab") as output:
        return subprocess.Popen(
            [sys.executable, "-m", "webhook.cli", "scheduler", "--interval", "0.1"],
            stdout=output, stderr=output, env=env, cwd=cwd,
        )  # fmt: skip


@pytest.mark.slow
def test_a_scheduler_killed_before_the_end_closes_the_auction_once_when_restarted(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'scheduler.sqlite3'}"
    engine = make_engine(url)
    upgrade(engine)
    try:
        killed_then_restarted(make_session_factory(engine), url, tmp_path)
    finally:
        engine.dispose()


def killed_then_restarted(sessions: sessionmaker[Session], url: str, tmp_path: Path) -> None:
    ama, kofi = bidder(sessions), bidder(sessions)
    first_log, second_log = tmp_path / "first.log", tmp_path / "second.log"

    first = start_scheduler(url, first_log, tmp_path)
    try:
        wait_until(lambda: b"scheduler started" in first_log.read_bytes(), seconds=60)
        auction_id, _ = new_auction(sessions, ends_in=timedelta(seconds=6),
                                    soft_close=timedelta(0))  # fmt: skip
        bid(sessions, auction_id, ama, 1_000_00)
        bid(sessions, auction_id, kofi, 1_500_00)
        # The running scheduler sees the auction: its 10-minute reminders are recorded.
        wait_until(lambda: ("ending_soon", kofi) in alerts(sessions, auction_id), seconds=5)
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
    assert result_of(sessions, auction_id) is AuctionResult.OPEN
    with sessions() as db_session:
        ends_at = auction_service.get(db_session=db_session, auction_id=auction_id).ends_at
    time.sleep(max((ends_at - utcnow()).total_seconds(), 0) + 0.2)  # it ends while none runs
    assert result_of(sessions, auction_id) is AuctionResult.OPEN

    second = start_scheduler(url, second_log, tmp_path)
    try:
        wait_until(lambda: result_of(sessions, auction_id) is not AuctionResult.OPEN, seconds=60)
    finally:
        second.send_signal(signal.SIGTERM)  # graceful: the current pass ends, then it exits
        assert second.wait(timeout=30) == 0

    assert result_of(sessions, auction_id) is AuctionResult.SOLD
    kinds = [kind for kind, _ in alerts(sessions, auction_id)]
    assert kinds.count("won") == 1 and kinds.count("lost") == 1
    assert kinds.count("ending_soon") == 2  # one per bidder, recorded by the first scheduler
    log = second_log.read_text()
    assert '"msg": "auction closed"' in log and f'"auction_id": {auction_id}' in log
    assert '"msg": "scheduler stopped"' in log
