"""Auction alerts as their recipients read them (SQLite and PostgreSQL): the words in the
buyer's language, the figures that matter, and the one-tap buttons the chat understands."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session, sessionmaker

from catalog.auctions import events
from catalog.auctions import service as auction_service
from catalog.auctions.engine import BidKind
from catalog.auctions.models import AuctionEventKind
from catalog.buyers.models import Buyer
from catalog.database import transaction, utcnow
from chat.payloads import build_payload as button_payload
from notifications.auction_alerts import render
from notifications.notifier import AlertMessage
from tests.factories import make_bidder, make_dealer, make_vehicle


def pairs(message: AlertMessage) -> list[tuple[str, str]]:
    """The alert's buttons as (title, payload)."""
    return [(button.title, button.payload) for button in message.buttons]


def lot(sessions: sessionmaker[Session], **terms: int) -> tuple[int, int]:
    """A live 2016 Toyota Hilux auction (starting bid $1,000): its id and the dealer's."""
    with transaction(sessions) as db_session:
        dealer = make_dealer(db_session)
        vehicle = make_vehicle(db_session, dealer, make="Toyota", model="Hilux", year=2016)
        auction = auction_service.create(
            db_session=db_session, vehicle_id=vehicle.id, starts_at=utcnow() - timedelta(hours=1),
            ends_at=utcnow() + timedelta(hours=2), **{"starting_bid_cents": 1_000_00, **terms},
        )  # fmt: skip
        return auction.id, dealer.id


def bidder(sessions: sessionmaker[Session], language: str = "en") -> int:
    with transaction(sessions) as db_session:
        buyer = make_bidder(db_session)
        db_session.get(Buyer, buyer.id).language = language  # type: ignore[union-attr]
        return buyer.id


def bid(sessions: sessionmaker[Session], auction_id: int, buyer_id: int, cents: int) -> None:
    with transaction(sessions) as db_session:
        auction_service.place_bid(db_session=db_session, auction_id=auction_id,
                                  buyer_id=buyer_id, amount_cents=cents)  # fmt: skip


def alert(sessions: sessionmaker[Session], auction_id: int, kind: AuctionEventKind,
          *, dealer: bool = False) -> AlertMessage:  # fmt: skip
    with sessions() as db_session:
        [event] = [row for row in events.of_auction(db_session=db_session, auction_id=auction_id)
                   if row.kind is kind and (row.dealer_id is not None) == dealer]  # fmt: skip
        return render(db_session, event)


def test_outbid_names_the_new_minimum_with_a_one_tap_rebid_in_the_buyers_language(
    sessions: sessionmaker[Session],
) -> None:
    auction_id, _ = lot(sessions)
    amara, kofi = bidder(sessions, "fr"), bidder(sessions)
    bid(sessions, auction_id, amara, 2_000_00)
    bid(sessions, auction_id, kofi, 3_000_00)

    message = alert(sessions, auction_id, AuctionEventKind.OUTBID)

    assert message.text == (
        f"⚠️ Vous avez été dépassé sur le lot {auction_id} · 2016 Toyota Hilux. Le prix est "
        "maintenant 2\u202f050 $ ; il faut 2\u202f100 $ pour repasser en tête.")  # fmt: skip
    assert pairs(message) == [
        ("Enchérir 2\u202f100 $", f'/place_bid{{"lot":"{auction_id}","cents":"210000"}}'),
    ]


def test_the_dealer_gets_approve_counter_and_reject_and_the_buyer_the_counter(
    sessions: sessionmaker[Session],
) -> None:
    auction_id, dealer_id = lot(sessions, reserve_cents=5_000_00)
    kofi = bidder(sessions, "pt")
    bid(sessions, auction_id, kofi, 3_000_00)
    with transaction(sessions) as db_session:
        auction_service.close(db_session=db_session, auction_id=auction_id,
                              now=utcnow() + timedelta(hours=3))  # fmt: skip

    asked = alert(sessions, auction_id, AuctionEventKind.APPROVAL_REQUESTED, dealer=True)
    assert asked.text.startswith(f"🔨 Lot {auction_id} · 2016 Toyota Hilux ended at $1,000, "
                                 "below your reserve of $5,000.")  # fmt: skip
    assert pairs(asked) == [
        ("Approve $1,000", f'/dealer_approve{{"lot":"{auction_id}"}}'),
        ("Counter $3,000", f'/dealer_counter{{"lot":"{auction_id}","cents":"300000"}}'),
        ("Reject", f'/dealer_reject{{"lot":"{auction_id}"}}'),
    ]  # the counter suggested: halfway to the reserve, in whole $50
    told = alert(sessions, auction_id, AuctionEventKind.RESERVE_NOT_MET)
    assert told.text.startswith(f"O lote {auction_id} · 2016 Toyota Hilux terminou a "
                                "US$ 1\u202f000, abaixo da reserva do vendedor.")  # fmt: skip

    with transaction(sessions) as db_session:
        auction_service.decide(db_session=db_session, auction_id=auction_id, dealer_id=dealer_id,
                               decision=auction_service.DealerDecision.COUNTER,
                               counter_cents=3_000_00)  # fmt: skip
    offer = alert(sessions, auction_id, AuctionEventKind.DEALER_DECISION)
    assert "por US$ 3\u202f000 (o seu lance: US$ 1\u202f000)" in offer.text
    assert [payload for _, payload in pairs(offer)] == [
        button_payload("accept_counter", lot=auction_id),
        button_payload("decline_counter", lot=auction_id)]  # fmt: skip


def test_won_and_cancelled_say_what_happens_next(sessions: sessionmaker[Session]) -> None:
    sold_id, _ = lot(sessions, buy_now_cents=4_000_00)
    kofi = bidder(sessions)
    with transaction(sessions) as db_session:
        auction_service.place_bid(db_session=db_session, auction_id=sold_id, buyer_id=kofi,
                                  amount_cents=4_000_00, kind=BidKind.BUY_NOW)  # fmt: skip
    won = alert(sessions, sold_id, AuctionEventKind.WON)
    assert f"You won lot {sold_id} · 2016 Toyota Hilux for $4,000. Pay by 20" in won.text

    cancelled_id, _ = lot(sessions)
    bid(sessions, cancelled_id, kofi, 1_500_00)
    with transaction(sessions) as db_session:
        auction_service.cancel(db_session=db_session, auction_id=cancelled_id,
                               reason="the title is missing")  # fmt: skip
    notice = alert(sessions, cancelled_id, AuctionEventKind.CANCELLED)
    assert notice.text == (f"Lot {cancelled_id} · 2016 Toyota Hilux was cancelled: the title is "
                           "missing. Nothing is owed.")  # fmt: skip
