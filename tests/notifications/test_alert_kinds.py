"""Every alert kind from the state change that causes it to the fake provider's request: a bid,
the scheduler closing an auction, a dealer's decision, a buyer's answer, a cancellation, an
import matching a saved search, a price drop, a request for a person, a hot lead, a digest;
on Telegram, WhatsApp Cloud and Twilio. Nothing here writes an outbox row by hand."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from catalog.auctions import service as auction_service
from catalog.auctions.models import Auction
from catalog.conversations import service as conversation_service
from catalog.database import transaction, utcnow
from catalog.dealers.models import Dealer
from catalog.leads import service as lead_service
from catalog.outbox.models import AlertStatus, OutboxMessage
from catalog.vehicles import service as vehicle_service
from catalog.vehicles.changes import VehicleChanges
from catalog.vehicles.schemas import VehicleFilters
from catalog.watchlist import service as watchlist_service
from catalog.watchlist.schemas import SavedSearchIn
from chat.dates import format_moment
from chat.messages import Channel
from infra.redis import RedisSettings
from notifications import scheduler
from tests.factories import make_dealer, valid_vin, vehicle_in
from tests.notifications.world import Person, World


@pytest.fixture
def world(sessions: sessionmaker[Session], redis_settings: RedisSettings, fakes_url: str) -> World:
    return World(sessions, redis_settings, fakes_url)


def text_of(record: dict[str, object]) -> str:
    body = record["body"]
    assert isinstance(body, dict)
    if isinstance(body.get("text"), dict):
        return str(body["text"]["body"])
    if "text" in body:
        return str(body["text"])
    if "Body" in body:
        return str(body["Body"])
    interactive = body.get("interactive") or {}
    return str((interactive.get("body") or {}).get("text") or body.get(body.get("type", ""), ""))


def test_a_higher_bid_outbids_the_leader_on_telegram(world: World) -> None:
    first, second = world.bidder(Channel.TELEGRAM), world.bidder(Channel.WHATSAPP)
    lot = world.lot()
    world.bid(first, lot, 2_000_00)
    world.bid(second, lot, 3_000_00)

    world.drain()

    [alert] = world.received(first.address)
    assert "outbid" in text_of(alert) and f"lot {lot}" in text_of(alert)
    assert world.received(second.address) == []  # the leader hears nothing


def test_the_end_of_an_auction_tells_the_winner_and_the_others_on_each_channel(
    world: World,
) -> None:
    winner, other = world.bidder(Channel.TWILIO), world.bidder(Channel.TELEGRAM)
    lot = world.lot(ends_in=timedelta(minutes=30))
    world.bid(other, lot, 2_000_00)
    world.bid(winner, lot, 3_000_00)
    world.drain()  # the outbid

    scheduler.tick(world.sessions, utcnow() + timedelta(minutes=31))
    world.drain()

    [won] = world.received(winner.address)
    assert "You won" in text_of(won)
    *_, lost = world.received(other.address)
    assert "sold to another bidder" in text_of(lost)


def watch_lot(world: World, person: Person, lot: int) -> None:
    """`person` watches the vehicle sold in `lot`."""
    with transaction(world.sessions) as db_session:
        vehicle = auction_service.get(db_session=db_session, auction_id=lot).vehicle_id
        watchlist_service.watch(db_session=db_session, buyer_id=person.buyer_id,
                                vehicle_id=vehicle)  # fmt: skip


def test_ending_soon_reaches_bidders_and_watchers_an_hour_before(world: World) -> None:
    bidder, watcher = world.bidder(Channel.WHATSAPP), world.buyer(Channel.TELEGRAM)
    lot = world.lot(ends_in=timedelta(minutes=55))
    world.bid(bidder, lot, 2_000_00)
    watch_lot(world, watcher, lot)

    scheduler.tick(world.sessions)
    world.drain()

    for person in (bidder, watcher):
        [alert] = world.received(person.address)
        assert "ends in 60 min" in text_of(alert)


@pytest.mark.parametrize(("language", "said"), [
    ("en", "No bids yet: it opens at $1,000"),
    ("fr", "Pas encore d'enchère : elle s'ouvre à 1 000 $"),
    ("pt", "Ainda sem lances: abre em US$ 1 000"),
])  # fmt: skip
def test_a_watcher_hears_a_lot_with_no_bids_is_ending_soon_and_its_opening_price(
    world: World, language: str, said: str
) -> None:
    # Found by the alert benchmark: a lot nobody had bid on had no price, and its reminder to
    # the watchers raised instead of going.
    watcher = world.buyer(Channel.TELEGRAM, language=language)
    lot = world.lot(ends_in=timedelta(minutes=50))
    watch_lot(world, watcher, lot)

    scheduler.tick(world.sessions)
    world.drain()

    [alert] = world.received(watcher.address)
    assert said in text_of(alert).replace("\u202f", " ").replace("\xa0", " ")


def test_an_ending_soon_sent_after_a_late_bid_extended_the_lot_gives_the_new_end(
    world: World,
) -> None:
    bidder, rival = world.bidder(Channel.TELEGRAM), world.bidder(Channel.TELEGRAM)
    lot = world.lot(ends_in=timedelta(minutes=9))
    world.bid(bidder, lot, 2_000_00)
    scheduler.tick(world.sessions)  # the 10-minute reminder is written...
    with transaction(world.sessions) as db_session:  # ...and the lot extended before it goes
        auction = db_session.get(Auction, lot)
        assert auction is not None
        auction.current_ends_at += timedelta(minutes=4)
        new_end = format_moment(auction.current_ends_at)
    world.bid(rival, lot, 2_100_00)

    world.drain()

    reminders = [text_of(r) for r in world.received(bidder.address) if "ends in" in text_of(r)]
    assert reminders and all(new_end in text for text in reminders), reminders


@dataclass
class BelowReserve:
    lot: int
    dealer: int
    dealer_chat: str
    bidder: Person


def ended_below_reserve(
    world: World, channel: Channel = Channel.TELEGRAM, dealer_language: str = "en"
) -> BelowReserve:
    """A lot with a $9,000 reserve, a $2,000 bid, and the scheduler past its end: the dealer is
    asked to approve, counter or reject."""
    dealer, dealer_chat = world.dealer(language=dealer_language)
    bidder = world.bidder(channel)
    lot = world.lot(ends_in=timedelta(minutes=30), dealer=dealer, reserve_cents=9_000_00)
    world.bid(bidder, lot, 2_000_00)
    scheduler.tick(world.sessions, utcnow() + timedelta(minutes=31))
    return BelowReserve(lot, dealer, dealer_chat, bidder)


def test_below_the_reserve_the_dealer_is_asked_on_telegram_and_the_bidder_told(
    world: World,
) -> None:
    ended = ended_below_reserve(world, Channel.WHATSAPP)

    world.drain()

    [request] = world.received(ended.dealer_chat)
    assert "below your reserve" in request["body"]["text"]
    buttons = [b["text"] for row in request["body"]["reply_markup"]["inline_keyboard"] for b in row]
    assert [title.split()[0] for title in buttons] == ["Approve", "Counter", "Reject"]
    [told] = world.received(ended.bidder.address)
    assert "below the seller's reserve" in text_of(told)


def test_a_quebec_dealer_who_reads_french_is_asked_in_french(world: World) -> None:
    ended = ended_below_reserve(world, dealer_language="fr")

    world.drain()

    [request] = world.received(ended.dealer_chat)
    assert "sous votre prix de réserve de 9\u202f000 $" in request["body"]["text"]
    buttons = [b["text"] for row in request["body"]["reply_markup"]["inline_keyboard"] for b in row]
    assert [title.split()[0] for title in buttons] == ["Accepter", "Proposer", "Refuser"]


def test_a_dealer_counter_reaches_the_bidder_and_their_answer_the_dealer(world: World) -> None:
    ended = ended_below_reserve(world)
    lot, bidder, dealer_chat = ended.lot, ended.bidder, ended.dealer_chat
    with transaction(world.sessions) as db_session:
        auction_service.decide(db_session=db_session, auction_id=lot, dealer_id=ended.dealer,
                               decision=auction_service.DealerDecision.COUNTER,
                               counter_cents=5_000_00)  # fmt: skip
    world.drain()
    *_, counter = world.received(bidder.address)
    assert "offers lot" in text_of(counter) and "$5,000" in text_of(counter)

    with transaction(world.sessions) as db_session:
        auction_service.answer_counter(db_session=db_session, auction_id=lot,
                                       buyer_id=bidder.buyer_id, accept=True)  # fmt: skip
    world.drain()

    *_, answered = world.received(dealer_chat)
    assert "accepted your counter-offer" in answered["body"]["text"]


def test_an_unanswered_approval_is_reminded_before_its_deadline(world: World) -> None:
    ended = ended_below_reserve(world)
    with world.sessions() as db_session:
        deadline = auction_service.get(db_session=db_session,
                                       auction_id=ended.lot).approval_deadline_at  # fmt: skip
    assert deadline is not None

    scheduler.tick(world.sessions, deadline - timedelta(hours=1))
    scheduler.tick(world.sessions, deadline - timedelta(minutes=30))  # once only
    world.drain()

    request, reminder = world.received(ended.dealer_chat)
    assert request["body"]["text"].startswith("🔨 Lot")
    assert reminder["body"]["text"].startswith("⏰ Reminder: lot")


def test_a_cancelled_auction_tells_its_bidders_why(world: World) -> None:
    bidder = world.bidder(Channel.WHATSAPP, language="pt")
    lot = world.lot()
    world.bid(bidder, lot, 2_000_00)
    with transaction(world.sessions) as db_session:
        auction_service.cancel(db_session=db_session, auction_id=lot, reason="vehicle damaged")

    world.drain()

    [alert] = world.received(bidder.address)
    assert "cancelado" in text_of(alert) and "vehicle damaged" in text_of(alert)


def test_an_import_matching_a_saved_search_tells_its_buyer_once_in_one_message(
    world: World,
) -> None:
    buyer = world.buyer(Channel.TWILIO)
    with transaction(world.sessions) as db_session:
        toyota = SavedSearchIn(label="Toyota", filters=VehicleFilters(make="Toyota"))
        watchlist_service.save_search(db_session=db_session, buyer_id=buyer.buyer_id,
                                      search_in=toyota)  # fmt: skip
    with transaction(world.sessions) as db_session:  # an import: its vehicles, then their alerts
        dealer, changes = make_dealer(db_session), VehicleChanges()
        for vin_year in (2014, 2016):
            vehicle_service.create(db_session=db_session, changes=changes, vehicle_in=vehicle_in(
                dealer, year=vin_year, vin=valid_vin(vin_year)))  # fmt: skip
        vehicle_service.alert(db_session=db_session, changes=changes)

    world.drain()

    [alert] = world.received(buyer.address)
    assert "2 new for your search" in text_of(alert)
    assert "1. " in text_of(alert)  # Twilio: the vehicles as numbered options


def test_a_price_drop_on_a_watched_vehicle_reaches_the_watcher(world: World) -> None:
    buyer = world.buyer(Channel.WHATSAPP, language="fr")
    vehicle = world.vehicle()
    with transaction(world.sessions) as db_session:
        watchlist_service.watch(db_session=db_session, buyer_id=buyer.buyer_id, vehicle_id=vehicle)
        old = vehicle_service.get(db_session=db_session, vehicle_id=vehicle).price_cents
    with transaction(world.sessions) as db_session:
        vehicle_service.reprice(db_session=db_session, vehicle_id=vehicle, price_cents=old - 500_00)

    world.drain()

    [alert] = world.received(buyer.address)
    assert "Baisse de prix" in text_of(alert)


def test_a_request_for_a_person_reaches_the_staff_group(world: World) -> None:
    staff = -100_000_000_000 - uuid.uuid4().int % 10**9  # a Telegram supergroup's id
    world.settings = world.settings.model_copy(update={"alerts_staff_telegram_chat_id": staff})
    buyer = world.buyer(Channel.WHATSAPP)
    with transaction(world.sessions) as db_session:
        conversation = conversation_service.get_by_key(db_session=db_session,
                                                       key=f"whatsapp:{buyer.address}")  # fmt: skip
        assert conversation is not None
        conversation_service.request_handoff(db_session=db_session, conversation=conversation)
        conversation_service.request_handoff(db_session=db_session, conversation=conversation)

    world.drain()

    [alert] = world.received(str(staff))
    assert "asked for a person" in alert["body"]["text"] and "whatsapp" in alert["body"]["text"]


def test_a_hot_lead_reaches_its_dealer_without_the_buyers_name_or_number(world: World) -> None:
    dealer, dealer_chat = world.dealer()
    buyer = world.buyer(Channel.WHATSAPP, country="NG")
    with transaction(world.sessions) as db_session:
        vehicle = vehicle_service.create(
            db_session=db_session, vehicle_in=vehicle_in(make_dealer_of(db_session, dealer))
        )
        for action in ("details", "gallery", "watch", "bid"):
            lead_service.record_engagement(db_session, buyer.buyer_id, vehicle.id, action)

    world.drain()

    [alert] = world.received(dealer_chat)
    assert "Hot lead" in alert["body"]["text"] and "NG" in alert["body"]["text"]
    assert buyer.address not in str(alert["body"])
    buttons = [b["text"] for row in alert["body"]["reply_markup"]["inline_keyboard"] for b in row]
    assert buttons == ["Claim", "Open in inbox", "Mute this vehicle"]


def make_dealer_of(db_session: Session, dealer_id: int) -> Dealer:
    dealer = db_session.get(Dealer, dealer_id)
    assert dealer is not None
    return dealer


def test_the_daily_digest_reaches_the_dealer(world: World) -> None:
    dealer, dealer_chat = world.dealer()
    buyer = world.buyer(Channel.TELEGRAM, country="GH")
    with transaction(world.sessions) as db_session:
        vehicle = vehicle_service.create(
            db_session=db_session, vehicle_in=vehicle_in(make_dealer_of(db_session, dealer))
        )
        lead_service.record_engagement(db_session, buyer.buyer_id, vehicle.id, "details")
    noon = utcnow().replace(hour=scheduler.DIGEST_HOUR_UTC, minute=30)

    scheduler.tick(world.sessions, noon)
    world.drain()

    [digest] = world.received(dealer_chat)
    assert digest["body"]["text"].startswith("📋 Your lead digest: 1 lead")
    with world.sessions() as db_session:
        statuses = {row.kind: row.status for row in lead_rows(db_session)}
    assert statuses == {"lead.digest": AlertStatus.SENT}


def lead_rows(db_session: Session) -> list[OutboxMessage]:
    query = select(OutboxMessage).where(OutboxMessage.dealer_id.is_not(None))
    return list(db_session.scalars(query))
