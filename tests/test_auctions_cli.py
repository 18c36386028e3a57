"""`nzila auctions ...` from the command line, as staff run them, on a SQLite file: in-process
(CliRunner), and once as a real process. (`nzila scheduler` as a process: tests/notifications.)"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner, Result

from catalog.auctions import bidders
from catalog.auctions import service as auction_service
from catalog.auctions.models import Auction, AuctionResult
from catalog.config import get_catalog_settings
from catalog.database import make_engine, make_session_factory, transaction
from catalog.migrate import upgrade
from tests.factories import make_bidder, make_buyer, make_dealer, make_vehicle
from webhook.cli import app

Nzila = Callable[..., Result]


@pytest.fixture
def database(tmp_path: Path) -> Iterator[tuple[str, sessionmaker[Session]]]:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    engine = make_engine(url)
    upgrade(engine)
    yield url, make_session_factory(engine)
    engine.dispose()


@pytest.fixture
def sessions(database: tuple[str, sessionmaker[Session]]) -> sessionmaker[Session]:
    return database[1]


@pytest.fixture
def nzila(
    database: tuple[str, sessionmaker[Session]], monkeypatch: pytest.MonkeyPatch
) -> Iterator[Nzila]:
    """`nzila ...` run in this process against the test database (settings read afresh)."""
    monkeypatch.setenv("DATABASE_URL", database[0])
    monkeypatch.setenv("USER", "amina")
    get_catalog_settings.cache_clear()
    runner = CliRunner()
    yield lambda *args: runner.invoke(app, list(args), env={"COLUMNS": "200"})
    get_catalog_settings.cache_clear()


def nzila_process(url: str, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`nzila ...` as a real process, the way staff run it."""
    env = {**os.environ, "DATABASE_URL": url, "MEDIA_DIR": str(cwd / "media")}
    return subprocess.run(
        [sys.executable, "-m", "webhook.cli", *args],
        capture_output=True, text=True, env=env, cwd=cwd, check=False, timeout=120,
    )  # fmt: skip


def a_vehicle(sessions: sessionmaker[Session]) -> int:
    with transaction(sessions) as db_session:
        dealer = make_dealer(db_session)
        return make_vehicle(db_session, dealer, make="Toyota", model="RAV4", trim="XLE").id


def auction_row(sessions: sessionmaker[Session], auction_id: int) -> Auction:
    with sessions() as db_session:
        return auction_service.get(db_session=db_session, auction_id=auction_id)


def test_help_lists_the_auction_commands_and_the_scheduler() -> None:
    env = {"COLUMNS": "200", "NO_COLOR": "1"}
    top = CliRunner().invoke(app, ["--help"], env=env)
    assert "│ auctions " in top.output and "│ scheduler " in top.output
    auctions = CliRunner().invoke(app, ["auctions", "--help"], env=env)
    for command in ("create", "list", "show", "cancel", "deposit", "limit"):
        assert f"│ {command} " in auctions.output


def test_staff_schedule_list_show_and_cancel_an_auction(
    nzila: Nzila, database: tuple[str, sessionmaker[Session]], tmp_path: Path
) -> None:
    url, sessions = database
    vehicle_id = a_vehicle(sessions)

    created = nzila_process(url, tmp_path, "auctions", "create", "--vehicle-id", str(vehicle_id),
                            "--starting-bid", "5,200.50", "--reserve", "8000", "--buy-now",
                            "$9,500", "--duration", "2h", "--soft-close-seconds", "60")  # fmt: skip

    assert created.returncode == 0, created.stderr
    match = re.search(r"scheduled auction #(\d+)", created.stdout)
    assert match is not None
    auction_id = int(match[1])
    row = auction_row(sessions, auction_id)
    assert (row.starting_bid_cents, row.reserve_cents, row.buy_now_cents) == (
        5_200_50, 8_000_00, 9_500_00,
    )  # fmt: skip
    assert row.ends_at - row.starts_at == timedelta(hours=2) and row.soft_close_seconds == 60
    assert "2015 Toyota RAV4 XLE" in created.stdout and "$5,200.50" in created.stdout

    with transaction(sessions) as db_session:
        ama = make_bidder(db_session).id
        auction_service.place_bid(db_session=db_session, auction_id=auction_id, buyer_id=ama,
                                  amount_cents=6_000_00)  # fmt: skip
    listed = nzila("auctions", "list", "--open")
    assert listed.exit_code == 0, listed.stderr
    assert f"#{auction_id}" in listed.stdout and "live" in listed.stdout
    shown = nzila("auctions", "show", str(auction_id))
    assert shown.exit_code == 0, shown.stderr
    assert "reserve $8,000.00 (not met)" in shown.stdout
    assert f"$5,200.50, leader buyer #{ama}" in shown.stdout
    assert "bids (1):" in shown.stdout and "$6,000.00" in shown.stdout

    cancelled = nzila("auctions", "cancel", str(auction_id), "--reason", "title problem")
    assert cancelled.exit_code == 0, cancelled.stderr
    assert auction_row(sessions, auction_id).result is AuctionResult.CANCELLED
    again = nzila("auctions", "cancel", str(auction_id), "--reason", "twice")
    assert again.exit_code == 2 and "already cancelled" in again.stderr
    assert "no auction open" in nzila("auctions", "list", "--open").stdout


def test_times_are_iso_8601_utc_or_delays_from_now(
    nzila: Nzila, sessions: sessionmaker[Session]
) -> None:
    vehicle = str(a_vehicle(sessions))
    at = nzila("auctions", "create", "--vehicle-id", vehicle, "--starting-bid", "900",
               "--starts-at", "2031-06-01T08:00:00Z", "--ends-at", "2031-06-03T08:00")  # fmt: skip
    assert at.exit_code == 0, at.stderr
    before = datetime.now(UTC)
    later = nzila("auctions", "create", "--vehicle-id", str(a_vehicle(sessions)),
                  "--starting-bid", "900", "--starts-in", "1d", "--duration", "1h30m")  # fmt: skip
    assert later.exit_code == 0, later.stderr

    with sessions() as db_session:
        first, second = db_session.scalars(select(Auction).order_by(Auction.id)).all()
    assert first.starts_at == datetime(2031, 6, 1, 8, tzinfo=UTC)
    assert first.ends_at == datetime(2031, 6, 3, 8, tzinfo=UTC)  # no offset: UTC
    assert before + timedelta(days=1) <= second.starts_at <= before + timedelta(days=1, minutes=1)
    assert second.ends_at - second.starts_at == timedelta(hours=1, minutes=30)
    assert "scheduled" in nzila("auctions", "show", str(second.id)).stdout


def test_bad_input_is_refused_with_a_clear_message_and_exit_code_2(
    nzila: Nzila, sessions: sessionmaker[Session]
) -> None:
    vehicle = str(a_vehicle(sessions))
    assert nzila("auctions", "create", "--vehicle-id", vehicle, "--starting-bid", "100",
                 "--duration", "1h").exit_code == 0  # fmt: skip
    other = str(a_vehicle(sessions))
    cases = [
        (["--vehicle-id", "999999", "--duration", "1h"], "no vehicle 999999"),
        (["--vehicle-id", vehicle, "--duration", "1h"], "already has open auction"),
        (["--vehicle-id", other, "--starts-at", "2031-01-02T00:00Z", "--ends-at",
          "2031-01-01T00:00Z"], "must end after it starts"),
        (["--vehicle-id", other, "--duration", "1h", "--reserve", "9000", "--buy-now", "8000"],
         "cannot be below the reserve"),
        (["--vehicle-id", other, "--duration", "1h", "--reserve", "5.200,50"],
         "not an amount in dollars"),
        (["--vehicle-id", other, "--ends-at", "next tuesday"], "not an ISO-8601 time"),
        (["--vehicle-id", other, "--duration", "2 hours"], "not a duration"),
        (["--vehicle-id", other], "exactly one"),
        (["--vehicle-id", other, "--duration", "1h", "--ends-at", "2031-01-01T00:00Z"],
         "exactly one"),
    ]  # fmt: skip
    for args, says in cases:
        refused = nzila("auctions", "create", "--starting-bid", "5200", *args)
        assert refused.exit_code == 2, (args, refused.stdout, refused.stderr)
        assert says in refused.stderr, (args, refused.stderr)
    assert nzila("auctions", "show", "424242").exit_code == 2
    with sessions() as db_session:
        assert db_session.scalar(select(func.count()).select_from(Auction)) == 1


def test_staff_record_a_deposit_and_set_a_limit(
    nzila: Nzila, sessions: sessionmaker[Session]
) -> None:
    with transaction(sessions) as db_session:
        buyer = make_buyer(db_session).id

    deposit = nzila("auctions", "deposit", str(buyer), "1,000")
    assert deposit.exit_code == 0, deposit.stderr
    assert "deposit $1,000.00" in deposit.stdout
    limit = nzila("auctions", "limit", str(buyer), "2500.50", "--by", "kwame")
    assert limit.exit_code == 0, limit.stderr
    assert "limit $2,500.50 (set outright)" in limit.stdout
    with sessions() as db_session:
        profile = bidders.profile(db_session=db_session, buyer_id=buyer)
        assert profile is not None
        assert (profile.deposit_cents, profile.limit_cents) == (1_000_00, 2_500_50)
        assert profile.updated_by == "kwame"

    back = nzila("auctions", "limit", str(buyer), "none")
    assert back.exit_code == 0, back.stderr
    with sessions() as db_session:
        profile = bidders.profile(db_session=db_session, buyer_id=buyer)
        assert profile is not None and profile.limit_cents is None
        assert profile.updated_by == "cli:amina"
    assert nzila("auctions", "deposit", "999999", "100").exit_code == 2
    assert nzila("auctions", "limit", str(buyer), "-5").exit_code == 2
