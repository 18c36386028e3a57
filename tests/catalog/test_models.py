from __future__ import annotations

from datetime import UTC

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from catalog.buyers import service as buyer_service
from catalog.buyers.models import Buyer
from catalog.errors import InvalidInput, NotFound
from catalog.vehicles import service as vehicle_service
from catalog.vehicles.models import Vehicle
from catalog.vehicles.schemas import VehicleFilters
from catalog.watchlist import service as watchlist_service
from catalog.watchlist.schemas import SavedSearchIn
from tests.factories import make_buyer, make_dealer, make_vehicle, vehicle_in


def test_a_vehicle_round_trips_with_aware_utc_times_and_both_mileage_units(
    db_session: Session,
) -> None:
    vehicle = make_vehicle(db_session, make_dealer(db_session), mileage_km=160_934)
    db_session.commit()
    db_session.expunge_all()
    stored = db_session.get(Vehicle, vehicle.id)
    assert stored is not None
    assert stored.created_at.tzinfo is UTC
    assert stored.mileage_mi == 100_000
    assert stored.title == "2015 Toyota Camry LE"


def test_mileage_given_in_miles_is_stored_in_km(db_session: Session) -> None:
    dealer = make_dealer(db_session)
    created = vehicle_service.create(
        db_session=db_session, vehicle_in=vehicle_in(dealer, mileage_km=None, mileage_mi=50_000)
    )
    assert created.mileage_km == 80_467


def test_two_vehicles_cannot_share_a_vin(db_session: Session) -> None:
    dealer = make_dealer(db_session)
    first = make_vehicle(db_session, dealer)
    db_session.commit()
    with pytest.raises(IntegrityError):
        make_vehicle(db_session, dealer, vin=first.vin)


def test_upsert_by_vin_updates_the_existing_vehicle(db_session: Session) -> None:
    dealer = make_dealer(db_session)
    first = make_vehicle(db_session, dealer, price_cents=10_000_00)
    again, outcome = vehicle_service.upsert_by_vin(
        db_session=db_session, vehicle_in=vehicle_in(dealer, vin=first.vin, price_cents=9_000_00)
    )
    assert outcome is vehicle_service.Upserted.UPDATED
    assert again.id == first.id
    assert again.price_cents == 9_000_00


def test_a_buyer_is_one_person_per_whatsapp_number(db_session: Session) -> None:
    first = buyer_service.get_or_create_by_whatsapp(db_session=db_session, number="2348012345678")
    again = buyer_service.get_or_create_by_whatsapp(
        db_session=db_session, number="+234 801 234 5678"
    )
    assert first.id == again.id
    assert first.whatsapp_number == "+2348012345678"
    assert db_session.scalars(select(Buyer)).all() == [first]


def test_a_buyer_found_by_telegram_keeps_language_and_consent(db_session: Session) -> None:
    buyer = buyer_service.get_or_create_by_telegram(db_session=db_session, user_id=987654321)
    assert buyer.language == "en"
    assert not buyer.has_consented
    buyer_service.record_consent(db_session=db_session, buyer=buyer, version="2026-11")
    buyer_service.opt_out(db_session=db_session, buyer=buyer)
    db_session.commit()
    assert buyer.has_consented and buyer.is_opted_out


def test_a_phone_number_that_is_not_e164_is_refused(db_session: Session) -> None:
    with pytest.raises(InvalidInput, match="international phone number"):
        buyer_service.get_or_create_by_whatsapp(db_session=db_session, number="0801 234 5678")


def test_an_unsupported_language_is_refused_by_the_database(db_session: Session) -> None:
    buyer = make_buyer(db_session)
    buyer.language = "de"
    with pytest.raises(IntegrityError):
        db_session.flush()


def test_watching_twice_keeps_one_entry_and_unwatch_removes_it(db_session: Session) -> None:
    buyer = make_buyer(db_session)
    vehicle = make_vehicle(db_session, make_dealer(db_session))
    watchlist_service.watch(db_session=db_session, buyer_id=buyer.id, vehicle_id=vehicle.id)
    watchlist_service.watch(db_session=db_session, buyer_id=buyer.id, vehicle_id=vehicle.id)
    watched = watchlist_service.get_watched_vehicles(db_session=db_session, buyer_id=buyer.id)
    assert [v.id for v in watched] == [vehicle.id]
    assert watchlist_service.unwatch(
        db_session=db_session, buyer_id=buyer.id, vehicle_id=vehicle.id
    )
    assert not watchlist_service.get_watched_vehicles(db_session=db_session, buyer_id=buyer.id)


def test_watching_an_unknown_vehicle_is_refused(db_session: Session) -> None:
    buyer = make_buyer(db_session)
    with pytest.raises(NotFound):
        watchlist_service.watch(db_session=db_session, buyer_id=buyer.id, vehicle_id=9999)


def test_a_saved_search_keeps_its_filters_as_structured_data(db_session: Session) -> None:
    buyer = make_buyer(db_session)
    filters = VehicleFilters(model="Hilux", price_max_cents=20_000_00, fuel="diesel")
    saved = watchlist_service.save_search(
        db_session=db_session, buyer_id=buyer.id, search_in=SavedSearchIn(filters=filters)
    )
    db_session.commit()
    db_session.expunge_all()
    [stored] = watchlist_service.get_saved_searches(db_session=db_session, buyer_id=buyer.id)
    assert stored.id == saved.id
    assert stored.filters == {"model": "Hilux", "price_max_cents": 2_000_000, "fuel": "diesel"}
    assert watchlist_service.saved_filters(stored) == filters


def test_deleting_a_buyer_removes_their_watchlist(db_session: Session) -> None:
    buyer = make_buyer(db_session)
    vehicle = make_vehicle(db_session, make_dealer(db_session))
    watchlist_service.watch(db_session=db_session, buyer_id=buyer.id, vehicle_id=vehicle.id)
    db_session.commit()
    db_session.delete(buyer)
    db_session.commit()
    assert not watchlist_service.get_watched_vehicles(db_session=db_session, buyer_id=buyer.id)
