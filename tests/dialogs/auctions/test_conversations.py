"""Auctions through the whole bot (webhook, worker, real Rasa, action server, showroom catalog):
a bid is confirmed with its fees before it is placed, refusals say what would work, a retried
or repeated confirmation places one bid, buy-now sells at once, and the dealer decides from
Telegram buttons."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from catalog.auctions import bidders, events
from catalog.auctions import service as auction_service
from catalog.auctions.models import AuctionBid, AuctionEventKind, AuctionResult
from catalog.database import transaction, utcnow
from catalog.dealers.models import Dealer
from catalog.vehicles.models import ListingStatus, Vehicle
from chat.messages import Channel
from notifications.auction_alerts import render
from tests.conversations import Buyer, ChatFactory, Showroom
from tests.dialogs.chat_support import buyer_row
from tests.dialogs.test_extras import parse
from tests.dialogs.test_vehicles import agreed, choices, details_payload
from tests.factories import make_bidder
from tests.rasa_stack import RasaStack


@contextmanager
def relisted_after(showroom: Showroom, key: str) -> Iterator[None]:
    """A test that sells a showroom vehicle puts it back on sale after, for the other tests."""
    try:
        yield
    finally:
        with transaction(showroom.sessions) as db_session:
            vehicle = db_session.get(Vehicle, showroom.ids[key])
            assert vehicle is not None
            vehicle.status = ListingStatus.AVAILABLE


@contextmanager
def dealer_of(showroom: Showroom, key: str, person: Buyer) -> Iterator[None]:
    """This Telegram user is, for the test, the dealer selling the vehicle."""

    def link(chat_id: int | None) -> None:
        with transaction(showroom.sessions) as db_session:
            vehicle = db_session.get(Vehicle, showroom.ids[key])
            assert vehicle is not None
            dealer = db_session.get(Dealer, vehicle.dealer_id)
            assert dealer is not None
            dealer.telegram_chat_id = chat_id

    link(int(person.user))
    try:
        yield
    finally:
        link(None)


def new_lot(
    showroom: Showroom, key: str, *, starts_in: timedelta = -timedelta(hours=1),
    ends_in: timedelta = timedelta(hours=3), **terms: int,
) -> int:  # fmt: skip
    """An auction on a showroom vehicle (starting bid $1,000 unless set): its lot number."""
    now = utcnow()
    with transaction(showroom.sessions) as db_session:
        auction = auction_service.create(
            db_session=db_session, vehicle_id=showroom.ids[key], starts_at=now + starts_in,
            ends_at=now + ends_in, **{"starting_bid_cents": 1_000_00, **terms},  # type: ignore[arg-type]
        )  # fmt: skip
        return auction.id


def bids_on(showroom: Showroom, lot: int) -> list[tuple[int, int]]:
    with showroom.sessions() as db_session:
        rows = db_session.scalars(select(AuctionBid).where(AuctionBid.auction_id == lot))
        return [(row.buyer_id, row.amount_cents) for row in rows]


def rival(showroom: Showroom, lot: int, amount_cents: int) -> int:
    """Another bidder's maximum, placed before the chat buyer's."""
    with transaction(showroom.sessions) as db_session:
        other = make_bidder(db_session).id
        auction_service.place_bid(db_session=db_session, auction_id=lot, buyer_id=other,
                                  amount_cents=amount_cents)  # fmt: skip
        return other


def bidder(chat: ChatFactory, showroom: Showroom, channel: Channel = Channel.TELEGRAM) -> Buyer:
    """A chat buyer who agreed to the privacy notice and accepted the bidding terms."""
    buyer = agreed(chat(channel))
    with transaction(showroom.sessions) as db_session:
        bidders.accept_terms(db_session=db_session, buyer_id=buyer_row(showroom, buyer).id)
    return buyer


def button(record: dict[str, Any], starting: str) -> str:
    """The payload of the button whose title starts with `starting`."""
    found = [payload for title, payload in choices(record) if title.startswith(starting)]
    assert found, choices(record)
    return found[0]


def text_of(buyer: Buyer, record: dict[str, Any]) -> str:
    return buyer.texts([record])[0]


@pytest.mark.parametrize(
    ("text", "intent"),
    [("bid 1500 on lot 12", "place_bid"), ("my max is 7000", "place_bid"),
     ("what's the current bid?", "current_bid"), ("buy it now", "buy_now"),
     ("my bids", "my_bids"), ("auctions ending today", "auctions_ending"),
     ("mes enchères", "my_bids"), ("leilões que terminam hoje", "auctions_ending")],
)  # fmt: skip
def test_buyers_phrasing_reaches_the_auction_actions(
    rasa_stack: RasaStack, text: str, intent: str
) -> None:
    assert parse(rasa_stack, text)["intent"]["name"] == intent


def test_a_bid_from_the_vehicle_is_confirmed_with_fees_after_the_terms_then_placed_once(
    chat: ChatFactory, showroom: Showroom
) -> None:
    lot = new_lot(showroom, "camry_2015")
    buyer = agreed(chat(Channel.WHATSAPP))

    [details] = buyer.tap(details_payload(showroom, "camry_2015"), "2015 Camry")
    assert f"Lot {lot}" in text_of(buyer, details) and "Starting bid: $1,000" in text_of(
        buyer, details
    )
    [status] = buyer.tap(button(details, "Bid"), "Bid")
    assert "Minimum next bid: $1,000" in text_of(buyer, status)
    assert "Type your maximum" in text_of(buyer, status)

    # First bid: the terms come first, with the fees, and an "I accept" that carries the bid on.
    [terms] = buyer.say("my max is 1500")
    assert "Bids are binding" in text_of(buyer, terms) and "gate fee $79" in text_of(buyer, terms)
    accepted, summary = buyer.tap(button(terms, "I accept"), "I accept", replies=2)
    assert "Terms accepted" in text_of(buyer, accepted)
    lines = text_of(buyer, summary)
    for line in ("Your maximum bid: $1,500", "buyer fee: $350", "gate fee: $79",
                 "online bidding fee: $99", "Total to pay: $2,028", "Ends in 2 h"):  # fmt: skip
        assert line in lines, lines
    assert bids_on(showroom, lot) == []  # nothing is placed before the tap on Confirm

    confirm = button(summary, "Confirm $1,500")
    [placed] = buyer.tap(confirm, "Confirm $1,500")
    assert f"You are the high bidder on lot {lot} at $1,000" in text_of(buyer, placed)
    # A double tap on the same summary, or the worker running the tap again after a crash: the
    # button's key names the summary, so the bid is placed once. (A provider's retry of the same
    # message id is dropped before that, by the webhook's dedupe.)
    [again] = buyer.tap(confirm, "Confirm $1,500")
    assert "already placed" in text_of(buyer, again)
    assert bids_on(showroom, lot) == [(buyer_row(showroom, buyer).id, 1_500_00)]


def test_refusals_say_why_and_what_would_work(chat: ChatFactory, showroom: Showroom) -> None:
    lot = new_lot(showroom, "sienna_2011")
    rival(showroom, lot, 2_000_00)
    buyer = bidder(chat, showroom)

    [summary] = buyer.say(f"bid 1200 on lot {lot}")
    [outbid] = buyer.tap(button(summary, "Confirm $1,200"), "Confirm")
    assert "another bidder's maximum is higher: the price is now $1,250" in text_of(buyer, outbid)
    assert "Minimum next bid: $1,300" in text_of(buyer, outbid)
    assert json.loads(button(outbid, "Bid $1,300").removeprefix("/place_bid")) == {
        "lot": str(lot), "cents": "130000"}  # one tap to bid again  # fmt: skip

    [low] = buyer.say(f"bid 1000 on lot {lot}")
    assert f"$1,000 is below the minimum for lot {lot}. The minimum bid is $1,300" in text_of(
        buyer, low)  # fmt: skip
    [over] = buyer.say(f"my max is 5000 on lot {lot}")  # no deposit: the $3,000 default limit
    assert "over your bidding limit: you can commit $3,000 more" in text_of(buyer, over)
    assert len(bids_on(showroom, lot)) == 2


def test_a_new_buyer_over_the_limit_is_told_before_the_terms_and_offered_an_agent(
    chat: ChatFactory, showroom: Showroom
) -> None:
    lot = new_lot(showroom, "prado_2014", ends_in=timedelta(days=2))
    buyer = agreed(chat(Channel.WHATSAPP))  # never accepted the bidding terms

    [over] = buyer.say(f"bid 5000 on lot {lot}")

    assert "$5,000 is over your bidding limit: you can commit $3,000 more" in text_of(buyer, over)
    assert [title for title, _ in choices(over)] == ["Agent: deposit", "Auctions today"]
    assert button(over, "Agent: deposit") == "/human_handoff"
    assert bids_on(showroom, lot) == []

    [terms] = buyer.say(f"bid 1200 on lot {lot}")  # within the limit: the terms, which say it
    assert "Your bidding limit: $3,000 in maximums at once" in text_of(buyer, terms)


@pytest.mark.parametrize(
    ("says", "language", "expected"),
    [
        ("how much can I bid?", "en", "💳 Your bidding limit is $3,000"),
        ("wetin be my limit", "en", "💳 Your bidding limit is $3,000"),
        (
            "je peux enchérir jusqu'à combien ?",
            "fr",
            "💳 Votre limite d'enchères est de 3\u202f000 $",
        ),
        ("até quanto posso licitar?", "pt", "💳 O seu limite de lances é US$ 3\u202f000"),
    ],
)
def test_a_buyer_asking_their_limit_is_told_it_what_is_committed_and_how_to_raise_it(
    chat: ChatFactory, showroom: Showroom, says: str, language: str, expected: str
) -> None:
    lot = new_lot(showroom, "pilot_2016", ends_in=timedelta(days=2))
    buyer = bidder(chat, showroom)
    with transaction(showroom.sessions) as db_session:
        me = buyer_row(showroom, buyer).id
        auction_service.place_bid(db_session=db_session, auction_id=lot, buyer_id=me,
                                  amount_cents=1_000_00)  # fmt: skip

    reply, *_switch = buyer.say(says, language_hint=language)  # and, in fr/pt, "switch to it?"

    text = text_of(buyer, reply)
    assert text.startswith(expected), text
    assert len(choices(reply)) == 2 and button(reply, choices(reply)[0][0]) == "/human_handoff"
    if language == "en":
        [bids] = buyer.say("my bids")
        assert "Bidding limit $3,000 · $2,000 still available" in text_of(buyer, bids)


def test_ended_and_not_yet_open_lots_are_refused_with_the_time(
    chat: ChatFactory, showroom: Showroom
) -> None:
    ended = new_lot(showroom, "rav4_2013", starts_in=-timedelta(hours=3),
                    ends_in=-timedelta(minutes=1))  # fmt: skip
    later = new_lot(showroom, "rav4_2013", starts_in=timedelta(hours=2), ends_in=timedelta(days=1))
    buyer = bidder(chat, showroom)

    [gone] = buyer.say(f"bid 1500 on lot {ended}")
    assert f"Bidding on lot {ended} has ended" in text_of(buyer, gone)
    [soon] = buyer.say(f"bid 1500 on lot {later}")
    opens = re.search(rf"Lot {later} is not open for bids yet: bidding opens in (.+)\.",
                      text_of(buyer, soon))  # fmt: skip
    assert opens is not None and opens.group(1) in ("1 h 59 min", "2 h")


def test_buy_it_now_sells_at_once_in_french(chat: ChatFactory, showroom: Showroom) -> None:
    lot = new_lot(showroom, "c300_2014", buy_now_cents=2_500_00)
    buyer = bidder(chat, showroom, Channel.WHATSAPP)
    buyer.say("/lang fr")

    [summary] = buyer.say(f"achat immédiat du lot {lot}")
    text = text_of(buyer, summary)
    assert "Prix achat immédiat : 2\u202f500 $" in text and "Total à payer" in text
    with relisted_after(showroom, "c300_2014"):
        [sold] = buyer.tap(button(summary, "Acheter"), "Acheter")

    assert "Il est à vous" in text_of(buyer, sold)
    with showroom.sessions() as db_session:
        auction = auction_service.get(db_session=db_session, auction_id=lot)
        assert auction.result is AuctionResult.SOLD
        assert auction.winner_id == buyer_row(showroom, buyer).id
        kinds = [event.kind for event in events.of_auction(db_session=db_session, auction_id=lot)]
    assert kinds == [AuctionEventKind.WON]


def test_my_bids_and_the_auctions_ending_today(chat: ChatFactory, showroom: Showroom) -> None:
    mine = new_lot(showroom, "pilot_2016", ends_in=timedelta(hours=5))
    rival(showroom, mine, 1_100_00)
    buyer = bidder(chat, showroom)
    [summary] = buyer.say(f"bid 1500 on lot {mine}")
    buyer.tap(button(summary, "Confirm"), "Confirm")

    [listing] = buyer.say("my bids")
    assert f"1. Lot {mine} · 2016 Honda Pilot — $1,150, leading, 4 h" in text_of(buyer, listing)
    [ending] = buyer.say("auctions ending today")
    while not any(f'"lot":"{mine}"' in payload for _, payload in choices(ending)):  # paged
        [ending] = buyer.tap(button(ending, "More"), "More")
    assert f"Lot {mine} · 2016 Honda Pilot — $1,150" in text_of(buyer, ending)
    [mine_button] = [payload for _, payload in choices(ending) if f'"lot":"{mine}"' in payload]
    [current] = buyer.tap(mine_button, "Pilot")  # open the lot from the list
    assert "You are the high bidder" in text_of(buyer, current)


def test_auctions_ending_today_come_eight_at_a_time_with_more_until_the_last(
    chat: ChatFactory, showroom: Showroom
) -> None:
    for hours in range(1, 20):
        new_lot(showroom, "camry_2015", ends_in=timedelta(hours=hours, minutes=30))
    buyer = agreed(chat(Channel.WHATSAPP))

    [page] = buyer.say("auctions ending today")
    header = re.search(r"\((\d+)–(\d+) of (\d+)\)", text_of(buyer, page))
    assert header is not None and header.group(1, 2) == ("1", "8")
    total, seen = int(header.group(3)), []
    assert total >= 19
    while True:
        lots = [payload for _, payload in choices(page) if "current_bid" in payload]
        assert 1 <= len(lots) <= 8
        seen += lots
        if not any(title == "More" for title, _ in choices(page)):
            break
        [page] = buyer.tap(button(page, "More"), "More")
        assert f"of {total})" in text_of(buyer, page)
    assert len(seen) == total == len(set(seen))  # every lot once, none twice
    [typed] = buyer.say("1")  # the first lot of the last page, typed
    assert "Current bid" in text_of(buyer, typed) or "Starting bid" in text_of(buyer, typed)


def test_the_dealer_approves_a_lot_below_the_reserve_from_telegram(
    chat: ChatFactory, showroom: Showroom
) -> None:
    lot = new_lot(showroom, "hilux_2012", reserve_cents=9_000_00)
    high = rival(showroom, lot, 2_000_00)
    with transaction(showroom.sessions) as db_session:
        auction_service.close(db_session=db_session, auction_id=lot,
                              now=utcnow() + timedelta(hours=4))  # fmt: skip
    stranger = agreed(chat(Channel.TELEGRAM))
    [refused] = stranger.tap(f'/dealer_approve{{"lot":"{lot}"}}', "Approve")
    assert f"Lot {lot} is not one of your vehicles" in text_of(stranger, refused)

    dealer = agreed(chat(Channel.TELEGRAM))
    with dealer_of(showroom, "hilux_2012", dealer), relisted_after(showroom, "hilux_2012"):
        [approved] = dealer.tap(f'/dealer_approve{{"lot":"{lot}"}}', "Approve")
        assert f"Approved: lot {lot} is sold for $1,000" in text_of(dealer, approved)
        [twice] = dealer.tap(f'/dealer_reject{{"lot":"{lot}"}}', "Reject")
        assert "not waiting for your decision" in text_of(dealer, twice)
    with showroom.sessions() as db_session:
        auction = auction_service.get(db_session=db_session, auction_id=lot)
        assert (auction.result, auction.winner_id) == (AuctionResult.SOLD, high)


def test_the_terms_and_fees_can_be_read_before_bidding(chat: ChatFactory) -> None:
    buyer = agreed(chat(Channel.TELEGRAM))

    [terms] = buyer.say("what are the bidding terms and fees?")

    text = text_of(buyer, terms)
    assert "Bids are binding" in text and "Payment within 3 business days" in text
    assert [title for title, _ in choices(terms)] == ["I accept"]


def test_a_maximum_applies_to_the_vehicle_in_view(chat: ChatFactory, showroom: Showroom) -> None:
    earlier = new_lot(showroom, "rav4_2017")
    in_view = new_lot(showroom, "prado_2014")
    buyer = bidder(chat, showroom)
    [status] = buyer.tap(f'/current_bid{{"lot":"{earlier}"}}', "RAV4")
    assert f"Lot {earlier} · 2017 Toyota RAV4" in text_of(buyer, status)

    buyer.tap(details_payload(showroom, "prado_2014"), "2014 Prado")  # now looking at the Prado
    [summary] = buyer.say("my max is 1500")

    assert f"Please confirm your bid on lot {in_view} · 2014 Toyota Land Cruiser Prado" in text_of(
        buyer, summary)  # fmt: skip


def alert_buttons(showroom: Showroom, lot: int, kind: AuctionEventKind) -> dict[str, str]:
    """The buttons of the newest alert of this kind, as the alert worker would send them."""
    with showroom.sessions() as db_session:
        rows = [row for row in events.of_auction(db_session=db_session, auction_id=lot)
                if row.kind is kind]  # fmt: skip
        return {b.title: b.payload for b in render(db_session, rows[-1]).buttons}


def test_the_buttons_of_the_alerts_work_in_chat(chat: ChatFactory, showroom: Showroom) -> None:
    lot = new_lot(showroom, "camry_2015", reserve_cents=5_000_00)
    buyer = bidder(chat, showroom)
    me = buyer_row(showroom, buyer).id
    with transaction(showroom.sessions) as db_session:
        auction_service.place_bid(db_session=db_session, auction_id=lot, buyer_id=me,
                                  amount_cents=2_000_00)  # fmt: skip
    rival(showroom, lot, 3_000_00)

    # Outbid: the one-tap rebid opens the summary at the new minimum (it never bids by itself).
    [summary] = buyer.tap(alert_buttons(showroom, lot, AuctionEventKind.OUTBID)["Bid $2,100"])
    assert f"Please confirm your bid on lot {lot}" in text_of(buyer, summary)
    assert "Your maximum bid: $2,100" in text_of(buyer, summary)

    # Closed below the reserve: the dealer counters from the alert, the buyer takes it.
    with transaction(showroom.sessions) as db_session:
        auction_service.record_deposit(db_session=db_session, buyer_id=me, deposit_cents=500_00,
                               by="staff")  # $5,000 of buying power  # fmt: skip
        auction_service.place_bid(db_session=db_session, auction_id=lot, buyer_id=me,
                                  amount_cents=4_000_00)  # fmt: skip
        auction_service.close(db_session=db_session, auction_id=lot,
                              now=utcnow() + timedelta(hours=4))  # fmt: skip
    dealer = agreed(chat(Channel.TELEGRAM))
    with dealer_of(showroom, "camry_2015", dealer), relisted_after(showroom, "camry_2015"):
        asked = alert_buttons(showroom, lot, AuctionEventKind.APPROVAL_REQUESTED)
        assert list(asked) == ["Approve $3,050", "Counter $4,050", "Reject"]
        [countered] = dealer.tap(asked["Counter $4,050"], "Counter $4,050")
        assert f"Counter-offer of $4,050 sent for lot {lot}" in text_of(dealer, countered)
        offer = alert_buttons(showroom, lot, AuctionEventKind.DEALER_DECISION)
        [deal] = buyer.tap(offer["Accept $4,050"], "Accept $4,050")
        assert f"Deal! Lot {lot} is yours for $4,050" in text_of(buyer, deal)
