"""Factories for database rows with sensible, valid defaults; override what the test is about."""

from __future__ import annotations

import itertools
from typing import Any

from sqlalchemy.orm import Session

from catalog.auctions import bidders
from catalog.auctions import service as auction_service
from catalog.buyers import service as buyer_service
from catalog.buyers.models import Buyer
from catalog.dealers import service as dealer_service
from catalog.dealers.models import Dealer
from catalog.dealers.schemas import DealerIn
from catalog.demo.inventory import year_code
from catalog.vehicles import service as vehicle_service
from catalog.vehicles.models import Vehicle
from catalog.vehicles.schemas import VehicleIn
from catalog.vehicles.vin import with_check_digit

_serials = itertools.count(1)


def valid_vin(year: int = 2015, wmi: str = "4T1") -> str:
    cycle = "F" if year >= 2010 else "3"  # position 7: a letter from model year 2010 on
    return with_check_digit(f"{wmi}BF1{cycle}K0{year_code(year)}U{next(_serials):06d}")


def make_dealer(db_session: Session, **overrides: Any) -> Dealer:
    values: dict[str, Any] = {
        "name": f"Test Motors {next(_serials)}",
        "country": "US",
        "region": "MD",
        "city": "Baltimore",
    }
    values.update(overrides)
    return dealer_service.create(db_session=db_session, dealer_in=DealerIn(**values))


def vehicle_in(dealer: Dealer, **overrides: Any) -> VehicleIn:
    year = overrides.get("year", 2015)
    values: dict[str, Any] = {
        "vin": valid_vin(year),
        "dealer_id": dealer.id,
        "make": "Toyota",
        "model": "Camry",
        "trim": "LE",
        "year": year,
        "body_type": "sedan",
        "fuel": "gasoline",
        "transmission": "automatic",
        "drive": "fwd",
        "engine": "2.5L I4",
        "seats": 5,
        "mileage_km": 120_000,
        "colour": "white",
        "price_cents": 9_500_00,
        "yard_city": "Baltimore",
        "yard_region": "MD",
        "yard_country": "US",
        "export_port": "Baltimore, MD",
    }
    values.update(overrides)
    return VehicleIn(**values)


def make_vehicle(db_session: Session, dealer: Dealer, **overrides: Any) -> Vehicle:
    return vehicle_service.create(db_session=db_session, vehicle_in=vehicle_in(dealer, **overrides))


def make_buyer(db_session: Session, number: str | None = None) -> Buyer:
    number = number or f"+23480{next(_serials):08d}"
    return buyer_service.get_or_create_by_whatsapp(db_session=db_session, number=number)


def make_bidder(db_session: Session, *, limit_cents: int = 10_000_000_00) -> Buyer:
    """A buyer who accepted the bidding terms, with a limit no test bid reaches unless set."""
    buyer = make_buyer(db_session)
    bidders.accept_terms(db_session=db_session, buyer_id=buyer.id)
    auction_service.set_limit(
        db_session=db_session, buyer_id=buyer.id, limit_cents=limit_cents, by="test"
    )
    return buyer
