"""Vehicle rows: the only place that creates, changes or reads them outside of search."""

from __future__ import annotations

import enum
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.errors import NotFound
from catalog.text import name_key
from catalog.vehicles.models import Vehicle
from catalog.vehicles.schemas import VehicleIn
from catalog.vehicles.vin import normalise_vin


def get(*, db_session: Session, vehicle_id: int) -> Vehicle:
    vehicle = db_session.get(Vehicle, vehicle_id)
    if vehicle is None:
        raise NotFound(f"no vehicle {vehicle_id}")
    return vehicle


def get_by_vin(*, db_session: Session, vin: str) -> Vehicle | None:
    return db_session.scalar(select(Vehicle).where(Vehicle.vin == normalise_vin(vin)))


def get_all(*, db_session: Session, dealer_id: int | None = None) -> Sequence[Vehicle]:
    query = select(Vehicle).order_by(Vehicle.id)
    if dealer_id is not None:
        query = query.where(Vehicle.dealer_id == dealer_id)
    return db_session.scalars(query).all()


def _apply(vehicle: Vehicle, vehicle_in: VehicleIn) -> None:
    for field, value in vehicle_in.column_values().items():
        setattr(vehicle, field, value)
    vehicle.make_key = name_key(vehicle_in.make)
    vehicle.model_key = name_key(vehicle_in.model)


def create(*, db_session: Session, vehicle_in: VehicleIn) -> Vehicle:
    vehicle = Vehicle()
    _apply(vehicle, vehicle_in)
    db_session.add(vehicle)
    db_session.flush()
    return vehicle


def update(*, db_session: Session, vehicle: Vehicle, vehicle_in: VehicleIn) -> Vehicle:
    _apply(vehicle, vehicle_in)
    db_session.flush()
    return vehicle


class Upserted(enum.StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


def upsert_by_vin(*, db_session: Session, vehicle_in: VehicleIn) -> tuple[Vehicle, Upserted]:
    """Create the vehicle, or update the one with the same VIN; says which happened."""
    existing = get_by_vin(db_session=db_session, vin=vehicle_in.vin)
    if existing is None:
        return create(db_session=db_session, vehicle_in=vehicle_in), Upserted.CREATED
    _apply(existing, vehicle_in)
    if not db_session.is_modified(existing):
        return existing, Upserted.UNCHANGED
    db_session.flush()
    return existing, Upserted.UPDATED


def delete(*, db_session: Session, vehicle_id: int) -> None:
    db_session.delete(get(db_session=db_session, vehicle_id=vehicle_id))
    db_session.flush()
