"""Vehicle rows: the only place that creates, changes or reads them outside of search.

Every write also writes the alerts it causes, in the same transaction (saved searches the
vehicle now matches, a price drop for its watchers: catalog/watchlist/matching.py). A batch
passes one `VehicleChanges` to each write and calls `alert` once at the end: matching 1,000
vehicles at once costs about what matching one does.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.errors import InvalidInput, NotFound
from catalog.text import name_key
from catalog.vehicles.changes import VehicleChanges
from catalog.vehicles.models import Vehicle
from catalog.vehicles.schemas import VehicleIn
from catalog.vehicles.vin import normalise_vin
from catalog.watchlist import service as watchlist_service
from catalog.watchlist.service import Alerted


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


def create(
    *, db_session: Session, vehicle_in: VehicleIn, changes: VehicleChanges | None = None
) -> Vehicle:
    """Add the vehicle; its alerts are written now, or recorded in `changes` for the caller."""
    vehicle = Vehicle()
    _apply(vehicle, vehicle_in)
    db_session.add(vehicle)
    db_session.flush()
    _changed(db_session, changes, vehicle, None)
    return vehicle


def update(
    *, db_session: Session, vehicle: Vehicle, vehicle_in: VehicleIn,
    changes: VehicleChanges | None = None,
) -> Vehicle:  # fmt: skip
    """Change the vehicle to `vehicle_in`; alerts as `create` (none when nothing changed)."""
    before = (vehicle.price_cents, vehicle.currency)
    _apply(vehicle, vehicle_in)
    modified = db_session.is_modified(vehicle)
    db_session.flush()
    if modified:
        _changed(db_session, changes, vehicle, before)
    return vehicle


def reprice(
    *, db_session: Session, vehicle_id: int, price_cents: int,
    changes: VehicleChanges | None = None,
) -> Vehicle:  # fmt: skip
    """Set the vehicle's price (in its currency); a lower one alerts its watchers, and saved
    searches whose price range it now falls in hear of it."""
    if price_cents < 0:
        raise InvalidInput(f"a price cannot be negative: {price_cents}")
    vehicle = get(db_session=db_session, vehicle_id=vehicle_id)
    before = (vehicle.price_cents, vehicle.currency)
    if price_cents != vehicle.price_cents:
        vehicle.price_cents = price_cents
        db_session.flush()
        _changed(db_session, changes, vehicle, before)
    return vehicle


def alert(*, db_session: Session, changes: VehicleChanges) -> Alerted:
    """Write the alerts of a batch of writes that recorded into `changes`."""
    return watchlist_service.alert_vehicle_changes(db_session=db_session, changes=changes)


def _changed(
    db_session: Session, changes: VehicleChanges | None, vehicle: Vehicle,
    before: tuple[int, str] | None,
) -> None:  # fmt: skip
    batch = changes if changes is not None else VehicleChanges()
    batch.record(vehicle.id, old_price_cents=before[0] if before else None,
                 old_currency=before[1] if before else vehicle.currency,
                 new_price_cents=vehicle.price_cents, currency=vehicle.currency)  # fmt: skip
    if changes is None:
        alert(db_session=db_session, changes=batch)


class Upserted(enum.StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


def upsert_by_vin(
    *, db_session: Session, vehicle_in: VehicleIn, changes: VehicleChanges | None = None
) -> tuple[Vehicle, Upserted]:
    """Create the vehicle, or update the one with the same VIN; says which happened. Alerts as
    `create`."""
    existing = get_by_vin(db_session=db_session, vin=vehicle_in.vin)
    if existing is None:
        vehicle = create(db_session=db_session, vehicle_in=vehicle_in, changes=changes)
        return vehicle, Upserted.CREATED
    before = (existing.price_cents, existing.currency)
    _apply(existing, vehicle_in)
    if not db_session.is_modified(existing):
        return existing, Upserted.UNCHANGED
    db_session.flush()
    _changed(db_session, changes, existing, before)
    return existing, Upserted.UPDATED


def delete(*, db_session: Session, vehicle_id: int) -> None:
    db_session.delete(get(db_session=db_session, vehicle_id=vehicle_id))
    db_session.flush()
