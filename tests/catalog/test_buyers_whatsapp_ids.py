"""Buyers on WhatsApp by number, by business-scoped user id (BSUID), or both: one person, one
row, whichever ids Meta sends on a given day."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.auctions import service as auction_service
from catalog.buyers import service as buyer_service
from catalog.buyers.models import Buyer
from catalog.conversations import service as conversation_service
from catalog.database import utcnow
from catalog.watchlist.models import WatchlistEntry
from tests.factories import make_dealer, make_vehicle

BSUID = "NG.13491208655302741918"
NUMBER = "+2348012345678"


def test_a_buyer_known_only_by_bsuid_is_found_again_by_it(db_session: Session) -> None:
    first = buyer_service.get_or_create_by_whatsapp(db_session=db_session, number=None, bsuid=BSUID)
    again = buyer_service.get_or_create_by_whatsapp(db_session=db_session, number=None, bsuid=BSUID)
    assert first.id == again.id
    assert (first.whatsapp_number, first.whatsapp_bsuid) == (None, BSUID)


def test_the_bsuid_is_attached_to_the_buyer_of_the_number(db_session: Session) -> None:
    buyer = buyer_service.get_or_create_by_whatsapp(db_session=db_session, number=NUMBER)
    same = buyer_service.get_or_create_by_whatsapp(
        db_session=db_session, number=NUMBER, bsuid=BSUID
    )
    assert same.id == buyer.id and same.whatsapp_bsuid == BSUID
    # The number withheld the next day: still the same buyer.
    later = buyer_service.get_or_create_by_whatsapp(db_session=db_session, number=None, bsuid=BSUID)
    assert later.id == buyer.id


def test_a_bsuid_only_buyer_is_merged_into_the_buyer_of_the_number_when_it_appears(
    db_session: Session,
) -> None:
    by_number = buyer_service.get_or_create_by_whatsapp(db_session=db_session, number=NUMBER)
    by_bsuid = buyer_service.get_or_create_by_whatsapp(
        db_session=db_session, number=None, bsuid=BSUID, name="Ama"
    )
    by_bsuid.consent_given_at, by_bsuid.consent_version = utcnow(), "v1"
    vehicle = make_vehicle(db_session, make_dealer(db_session))
    db_session.add_all(
        [
            WatchlistEntry(buyer_id=by_number.id, vehicle_id=vehicle.id),
            WatchlistEntry(buyer_id=by_bsuid.id, vehicle_id=vehicle.id),  # the same car, twice
        ]
    )
    conversation = conversation_service.get_or_create(
        db_session=db_session,
        key=f"whatsapp:{BSUID}",
        channel="whatsapp",
        chat_id=BSUID,
        buyer_id=by_bsuid.id,
    )
    db_session.flush()
    dropped = by_bsuid.id

    merged = buyer_service.get_or_create_by_whatsapp(
        db_session=db_session, number=NUMBER, bsuid=BSUID
    )

    assert merged.id == by_number.id
    assert merged.whatsapp_bsuid == BSUID
    assert merged.has_consented and merged.name == "Ama"  # what they agreed to follows them
    assert db_session.get(Buyer, dropped) is None
    assert conversation.buyer_id == merged.id  # their history is theirs
    watched = db_session.scalars(
        select(WatchlistEntry).where(WatchlistEntry.vehicle_id == vehicle.id)
    ).all()
    assert [entry.buyer_id for entry in watched] == [merged.id]


def test_two_bidder_accounts_are_not_merged_silently_and_the_buyer_is_still_served(
    db_session: Session, caplog: pytest.LogCaptureFixture
) -> None:
    by_number = buyer_service.get_or_create_by_whatsapp(db_session=db_session, number=NUMBER)
    by_bsuid = buyer_service.get_or_create_by_whatsapp(
        db_session=db_session, number=None, bsuid=BSUID
    )
    for buyer in (by_number, by_bsuid):
        auction_service.record_deposit(
            db_session=db_session, buyer_id=buyer.id, deposit_cents=50_000, by="test"
        )
    db_session.flush()
    with pytest.raises(buyer_service.BuyersNotMerged):
        buyer_service.merge(db_session=db_session, keep=by_number, drop=by_bsuid)
    served = buyer_service.get_or_create_by_whatsapp(
        db_session=db_session, number=NUMBER, bsuid=BSUID
    )
    assert served.id == by_number.id
    assert db_session.get(Buyer, by_bsuid.id) is not None  # both kept, for staff to decide
    assert "left for staff to merge" in caplog.text


def test_a_new_number_moves_the_buyer_and_absorbs_whoever_wrote_from_it_first(
    db_session: Session,
) -> None:
    buyer = buyer_service.get_or_create_by_whatsapp(db_session=db_session, number=NUMBER)
    buyer_service.change_whatsapp_id(db_session=db_session, buyer=buyer, new_id="+2348020001111")
    assert buyer.whatsapp_number == "+2348020001111"
    # Their first message from the next number was handled before Meta's notice of it.
    early = buyer_service.get_or_create_by_whatsapp(db_session=db_session, number="+233201234567")
    early_id = early.id
    buyer_service.change_whatsapp_id(db_session=db_session, buyer=buyer, new_id="+233201234567")
    assert buyer.whatsapp_number == "+233201234567"
    assert db_session.get(Buyer, early_id) is None
