"""The scheduler: closes auctions whose end has passed, expires unanswered approvals, records
ending-soon reminders, once a second; and once a day (from DIGEST_HOUR_UTC) records each
dealer's digest of the leads that did not become hot.

Every fact it needs is in the database, so a restarted scheduler carries on where the last one
stopped, and several may run at once: closing takes the auction's lock and happens once, and
each alert has a unique key. Each auction is closed in its own short transaction, so one that
fails (logged) neither holds locks for long nor keeps the others open.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from catalog.auctions import service as auction_service
from catalog.auctions.engine import Outcome
from catalog.auctions.fees import AuctionSettings, get_auction_settings
from catalog.database import transaction, utcnow
from catalog.leads import service as lead_service

logger = logging.getLogger(__name__)

DIGEST_HOUR_UTC = 13  # 8:00 in New York, 5:00 in Los Angeles: the dealers' morning


@dataclass
class TickReport:
    """What one pass did: auctions this pass closed (another scheduler's are not counted),
    approvals expired, auctions given ending-soon reminders, and what failed."""

    closed: dict[int, Outcome] = field(default_factory=dict)
    expired: list[int] = field(default_factory=list)
    announced: int = 0
    digests: int = 0  # dealers' daily lead digests recorded
    reminded: list[int] = field(default_factory=list)  # approvals the dealer was reminded of
    failed: list[int] = field(default_factory=list)  # auctions whose close raised
    errors: list[str] = field(default_factory=list)  # the steps that raised


def tick(
    sessions: sessionmaker[Session], now: datetime | None = None, *,
    settings: AuctionSettings | None = None,
) -> TickReport:  # fmt: skip
    """One pass: close what is due, expire approvals past their deadline, announce endings."""
    now, settings = now or utcnow(), settings or get_auction_settings()
    report = TickReport()
    due: list[int] = []
    with _step("find auctions due", report), sessions() as db_session:
        due = auction_service.due_for_closing(db_session=db_session, now=now)
    for auction_id in due:
        _close(sessions, auction_id, now, settings, report)
    with _step("expire approvals", report):
        with transaction(sessions) as db_session:
            expired = auction_service.expire_approvals(db_session=db_session, now=now)
        report.expired = expired
        for auction_id in expired:
            logger.info("approval expired", extra={"auction_id": auction_id})
    with _step("remind approvals", report), transaction(sessions) as db_session:
        report.reminded = auction_service.remind_approvals(db_session=db_session, now=now)
    with _step("announce ending soon", report):
        with transaction(sessions) as db_session:
            announced = auction_service.announce_ending_soon(db_session=db_session, now=now)
        report.announced = announced
    if now.hour >= DIGEST_HOUR_UTC:  # keyed per dealer and day: recorded once a day
        with _step("record lead digests", report), transaction(sessions) as db_session:
            report.digests = lead_service.record_digests(db_session, now=now)
    return report


def _close(
    sessions: sessionmaker[Session], auction_id: int, now: datetime, settings: AuctionSettings,
    report: TickReport,
) -> None:  # fmt: skip
    try:
        with transaction(sessions) as db_session:
            outcome = auction_service.close(db_session=db_session, auction_id=auction_id,
                                            now=now, settings=settings)  # fmt: skip
    # Any failure (a lost connection, a row the engine refuses) is this auction's alone: the
    # others still close, and the next pass tries this one again.
    except Exception:
        logger.exception("closing an auction failed", extra={"auction_id": auction_id})
        report.failed.append(auction_id)
        return
    if outcome is not None:  # None: another scheduler closed it first
        report.closed[auction_id] = outcome
        logger.info("auction closed", extra={"auction_id": auction_id, "outcome": outcome.value})


@contextmanager
def _step(name: str, report: TickReport) -> Iterator[None]:
    """One step of a pass: a failure is logged and recorded, and the pass goes on."""
    try:
        yield
    except Exception:  # the next pass tries again; the other steps still run
        logger.exception("scheduler step failed", extra={"step": name})
        report.errors.append(name)


def run_scheduler(
    sessions: sessionmaker[Session], *, interval_seconds: float = 1.0,
    stop_event: threading.Event, settings: AuctionSettings | None = None,
) -> None:  # fmt: skip
    """Run a pass every `interval_seconds` until `stop_event` is set (the current pass ends
    first)."""
    logger.info("scheduler started", extra={"interval_seconds": interval_seconds})
    while not stop_event.is_set():
        report = tick(sessions, settings=settings)
        if report.failed or report.errors:
            logger.warning("scheduler pass had failures",
                           extra={"failed": report.failed, "errors": report.errors})  # fmt: skip
        stop_event.wait(interval_seconds)
    logger.info("scheduler stopped")
