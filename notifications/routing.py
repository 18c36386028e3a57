"""Where an alert goes and what it may be: the recipient's channel and address, their
language, whether WhatsApp's 24-hour customer-service window is open, their quiet hours.

A buyer is reached on the channel they chose, else the one they last wrote on; a dealer on the
Telegram chat they linked; staff on the staff group. The window is open while the buyer's last
message on that conversation is less than 24 hours old (Telegram has none: always open).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from catalog.buyers.models import Buyer
from catalog.conversations.models import ChatMessage, Conversation, Direction
from catalog.dealers.models import Dealer
from catalog.outbox.models import OutboxMessage
from catalog.preferences import service as preferences
from catalog.preferences.models import AlertPreferences
from chat.languages import language_or_default
from chat.messages import Channel
from chat.timezones import zone_of
from notifications.config import AlertSettings
from notifications.notifier import Recipient

WINDOW = timedelta(hours=24)


@dataclass(frozen=True)
class Route:
    """One way to reach the recipient: where, and since when they last wrote there."""

    recipient: Recipient
    last_inbound_at: datetime | None

    def window_open(self, now: datetime) -> bool:
        if self.recipient.channel is Channel.TELEGRAM:
            return True
        return self.last_inbound_at is not None and now - self.last_inbound_at < WINDOW


@dataclass(frozen=True)
class Unreachable:
    """Why an alert cannot go to anyone: said once, recorded with the alert."""

    reason: str
    code: str


@dataclass(frozen=True)
class Audience:
    """Who the alert is for and every way to reach them, the preferred first."""

    routes: list[Route]
    buyer: Buyer | None = None
    preferences: AlertPreferences | None = None


def audience(
    db_session: Session, message: OutboxMessage, settings: AlertSettings
) -> Audience | Unreachable:
    if message.to_staff:
        chat = settings.alerts_staff_telegram_chat_id
        if chat is None:
            return Unreachable("no staff chat is configured (ALERTS_STAFF_TELEGRAM_CHAT_ID)",
                               "no_staff_chat")  # fmt: skip
        return Audience([Route(Recipient(Channel.TELEGRAM, str(chat), "en"), None)])
    if message.dealer_id is not None:
        return _dealer(db_session, message.dealer_id)
    assert message.buyer_id is not None
    return _buyer(db_session, message.buyer_id)


def _dealer(db_session: Session, dealer_id: int) -> Audience | Unreachable:
    dealer = db_session.get(Dealer, dealer_id)
    if dealer is None or dealer.telegram_chat_id is None:
        return Unreachable("the dealer has not linked a Telegram chat", "dealer_not_linked")
    language = language_or_default(getattr(dealer, "language", None) or "en")
    recipient = Recipient(Channel.TELEGRAM, str(dealer.telegram_chat_id), language)
    return Audience([Route(recipient, None)])


def _buyer(db_session: Session, buyer_id: int) -> Audience | Unreachable:
    buyer = db_session.get(Buyer, buyer_id)
    if buyer is None or buyer.erased_at is not None:
        return Unreachable("the buyer's data was erased", "erased")
    if buyer.opted_out_at is not None:
        return Unreachable("the buyer said STOP", "opted_out")
    # Per conversation of this buyer only (the index on conversation_id serves it): never a
    # scan of every message, which grows with the business.
    last_in = (
        select(func.max(ChatMessage.created_at))
        .where(ChatMessage.conversation_id == Conversation.id,
               ChatMessage.direction == Direction.INBOUND)
        .correlate(Conversation)
        .scalar_subquery()
        .label("at")
    )  # fmt: skip
    found = db_session.execute(
        select(Conversation, last_in).where(Conversation.buyer_id == buyer_id)
    ).all()
    latest = datetime.min.replace(tzinfo=UTC)
    rows = sorted(found, key=lambda row: (row[1] or latest, row[0].id), reverse=True)
    routes = [
        Route(Recipient(Channel(conversation.channel), conversation.chat_id,
                        language_or_default(buyer.language), buyer.id), at)
        for conversation, at in rows
        if not conversation.erased and conversation.channel in Channel._value2member_map_
    ]  # fmt: skip
    if not routes:
        return Unreachable("the buyer has no conversation to write to", "no_channel")
    prefs = preferences.get(db_session=db_session, buyer_id=buyer_id)
    if prefs is not None and prefs.channel:
        routes.sort(key=lambda route: route.recipient.channel.value != prefs.channel)
    return Audience(routes, buyer, prefs)


def quiet_until(audience: Audience, now: datetime, settings: AlertSettings) -> datetime | None:
    """When the buyer's quiet hours end, if they are in them now (else None). Their zone is
    their country's, else their number's; hours are theirs, else the defaults (21:00-07:00)."""
    buyer, prefs = audience.buyer, audience.preferences
    if buyer is None:
        return None
    start = settings.alerts_quiet_start_hour
    end = settings.alerts_quiet_end_hour
    if (
        prefs is not None
        and prefs.quiet_start_hour is not None
        and prefs.quiet_end_hour is not None
    ):
        start, end = prefs.quiet_start_hour, prefs.quiet_end_hour
    if start == end:
        return None
    zone = ZoneInfo((prefs.time_zone if prefs and prefs.time_zone else None)
                    or zone_of(buyer.country, buyer.whatsapp_number))  # fmt: skip
    local = now.astimezone(zone)
    hour = local.hour
    inside = start <= hour < end if start < end else (hour >= start or hour < end)
    if not inside:
        return None
    morning = datetime.combine(local.date(), time(end), tzinfo=zone)
    if morning <= local:
        morning += timedelta(days=1)
    return morning.astimezone(now.tzinfo)
