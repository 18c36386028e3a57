"""Every kind of alert the service sends: its category (which decides how it may reach a
WhatsApp user outside the 24-hour window), whether it is urgent (first when the messaging tier
is nearly spent, and sent in quiet hours when it cannot wait), and how its words are written.

Adding a kind is one entry here (with its texts, in its own module) and one emitter: the code
that writes its outbox rows where the change happens. Nothing else changes.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from sqlalchemy.orm import Session

from catalog.auctions.models import Auction, AuctionResult
from catalog.auctions.service import AuctionAlert
from catalog.outbox.models import OutboxMessage
from notifications import auction_alerts, catalog_alerts, staff_alerts
from notifications.notifier import AlertMessage


class Category(enum.StrEnum):
    """Meta's template categories, and ours for what never needs a template."""

    UTILITY = "utility"  # about a transaction the buyer started: outbid, won, payment due
    MARKETING = "marketing"  # an offer: a saved-search match, a price drop
    SERVICE = "service"  # to dealers and staff on Telegram: no window, no template


Renderer = Callable[[Session, OutboxMessage, str], AlertMessage]
Wakes = Callable[[Session, OutboxMessage, datetime], bool]


@dataclass(frozen=True)
class Kind:
    name: str
    category: Category
    render: Renderer
    urgent: bool = False
    wakes: Wakes | None = None  # sent in the recipient's quiet hours when this says so
    stale: Wakes | None = None  # no longer worth sending (the lot it is about has ended)


def _auction(db_session: Session, message: OutboxMessage, _language: str) -> AlertMessage:
    return auction_alerts.render(db_session, AuctionAlert.of(message))


def _ends_within_the_hour(db_session: Session, message: OutboxMessage, now: datetime) -> bool:
    """Outbid and ending soon wake a sleeping buyer only when the lot ends within the hour:
    by morning it would be too late."""
    auction = db_session.get(Auction, message.subject_id)
    return auction is not None and auction.current_ends_at - now <= timedelta(hours=1)


def _lot_over(db_session: Session, message: OutboxMessage, now: datetime) -> bool:
    """An outbid, an extension or an ending-soon about a lot that has ended since it was written
    (the alert waited for quiet hours, the tier, a retry): its rebid button would only fail."""
    auction = db_session.get(Auction, message.subject_id)
    return auction is None or auction.result is not AuctionResult.OPEN or (
        auction.current_ends_at <= now)  # fmt: skip


def _auction_kinds() -> list[Kind]:
    utility, service = Category.UTILITY, Category.SERVICE

    def live(name: str) -> Kind:  # about a lot still running: urgent, and stale once it ends
        return Kind(name, utility, _auction, urgent=True, wakes=_ends_within_the_hour,
                    stale=_lot_over)  # fmt: skip

    return [
        live("auction.outbid"),
        live("auction.ending_soon"),
        live("auction.extended"),
        Kind("auction.won", utility, _auction, urgent=True),
        Kind("auction.lost", utility, _auction),
        Kind("auction.reserve_not_met", utility, _auction),
        Kind("auction.dealer_decision", utility, _auction, urgent=True),
        Kind("auction.cancelled", utility, _auction),
        Kind("auction.approval_requested", service, _auction, urgent=True),
        Kind("auction.approval_reminder", service, _auction, urgent=True),
        Kind("auction.counter_answered", service, _auction, urgent=True),
    ]


KINDS: Final[dict[str, Kind]] = {
    kind.name: kind
    for kind in [
        *_auction_kinds(),
        Kind("search.match", Category.MARKETING, catalog_alerts.search_match),
        Kind("watch.price_drop", Category.MARKETING, catalog_alerts.price_drop),
        Kind("handoff.requested", Category.SERVICE, staff_alerts.handoff_requested, urgent=True),
        Kind("alerts.template_problem", Category.SERVICE, staff_alerts.template_problem),
        Kind("lead.hot", Category.SERVICE, staff_alerts.hot_lead, urgent=True),
        Kind("lead.digest", Category.SERVICE, staff_alerts.lead_digest),
    ]
}


def kind_of(name: str) -> Kind | None:
    return KINDS.get(name)


URGENT_KINDS: Final = tuple(name for name, kind in KINDS.items() if kind.urgent)
