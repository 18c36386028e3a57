from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from catalog.demo.inventory import DEMO_DEALERS, demo_vehicles
from catalog.demo.seed import photo_count, seed_demo
from catalog.media.models import VehicleMedia
from catalog.media.storage import MediaStore
from catalog.vehicles.models import Vehicle
from catalog.vehicles.vin import decode_vin


def test_the_demo_inventory_is_deterministic_and_decodable() -> None:
    first = list(demo_vehicles([1, 2, 3, 4, 5, 6], 320))
    again = list(demo_vehicles([1, 2, 3, 4, 5, 6], 320))
    assert first == again
    assert len({v.vin for v in first}) == 320
    for vehicle in first:
        decoded = decode_vin(vehicle.vin)
        assert vehicle.year in decoded.model_years
        assert decoded.manufacturer is not None


def test_the_demo_inventory_looks_like_what_african_buyers_import() -> None:
    vehicles = list(demo_vehicles([1, 2, 3, 4, 5, 6], 320))
    models = {(v.make, v.model) for v in vehicles}
    for wanted in [("Toyota", "Corolla"), ("Toyota", "Camry"), ("Toyota", "RAV4"),
                   ("Toyota", "Hilux"), ("Toyota", "Land Cruiser"), ("Toyota", "Highlander"),
                   ("Honda", "Accord"), ("Honda", "CR-V"), ("Lexus", "RX 350")]:  # fmt: skip
        assert wanted in models
    assert {v.yard_country for v in vehicles} == {"US", "CA"}
    assert any(v.steering == "rhd" for v in vehicles)
    for vehicle in vehicles:
        age = 2026 - vehicle.year
        assert 1_500_00 <= vehicle.price_cents <= 100_000_00
        assert vehicle.mileage_km is not None
        assert vehicle.mileage_km <= 40_000 * max(age, 1)


def test_seeding_writes_galleries_of_20_to_50_photos_and_is_idempotent(
    sessions: sessionmaker[Session], media_store: MediaStore
) -> None:
    report = seed_demo(sessions=sessions, store=media_store, vehicle_count=4, workers=1)
    assert report.dealers == len(DEMO_DEALERS)
    assert report.vehicles_created == 4
    with sessions() as db_session:
        vehicles = db_session.scalars(select(Vehicle)).all()
        for vehicle in vehicles:
            labels = db_session.scalars(
                select(VehicleMedia.label)
                .where(VehicleMedia.vehicle_id == vehicle.id)
                .order_by(VehicleMedia.position)
            ).all()
            assert 20 <= len(labels) == photo_count(vehicle.vin) <= 50
            assert labels[0] == "front"
            assert len(set(labels)) == len(labels)
        a_photo = db_session.scalars(select(VehicleMedia)).first()
        assert a_photo is not None
        for rendition in ("original", "web", "thumb"):
            assert media_store.exists(a_photo.content_hash, rendition)
    assert report.photos_added == sum(photo_count(v.vin) for v in vehicles)

    again = seed_demo(sessions=sessions, store=media_store, vehicle_count=4, workers=1)
    assert (again.vehicles_created, again.vehicles_updated, again.photos_added) == (0, 0, 0)
    with sessions() as db_session:
        assert db_session.scalar(select(func.count()).select_from(Vehicle)) == 4
