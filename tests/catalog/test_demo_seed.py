from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from catalog.auctions.models import Auction, AuctionResult
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


def demo_auctions(sessions: sessionmaker[Session]) -> list[tuple[Auction, int]]:
    """Every auction with its vehicle's price, oldest first."""
    with sessions() as db_session:
        rows = db_session.execute(
            select(Auction, Vehicle.price_cents)
            .join(Vehicle, Vehicle.id == Auction.vehicle_id)
            .order_by(Auction.id)
        ).all()
        return [(auction, price) for auction, price in rows]


def test_seeding_auctions_a_quarter_of_the_vehicles_plus_two_starting_later(
    sessions: sessionmaker[Session], media_store: MediaStore
) -> None:
    now = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    report = seed_demo(sessions=sessions, store=media_store, vehicle_count=40, photos=False,
                       now=now)  # fmt: skip

    auctions = demo_auctions(sessions)
    live = [(a, price) for a, price in auctions if a.starts_at <= now]
    later = [a for a, _ in auctions if a.starts_at > now]
    assert report.auctions_created == len(auctions) == 12
    assert (len(live), len(later)) == (10, 2)
    assert len({a.vehicle_id for a, _ in auctions}) == 12
    for auction, price in live:
        assert auction.starts_at == now - timedelta(hours=1)
        assert now + timedelta(hours=2) <= auction.ends_at <= now + timedelta(hours=72)
        assert auction.starting_bid_cents % 50_00 == 0
        assert 0.4 * price - 25_00 <= auction.starting_bid_cents <= 0.6 * price + 25_00
        if auction.reserve_cents is not None:
            assert 0.8 * price - 25_00 <= auction.reserve_cents <= 0.9 * price + 25_00
        if auction.buy_now_cents is not None:
            assert abs(auction.buy_now_cents - 1.1 * price) <= 25_00
    for auction in later:
        assert now < auction.starts_at < auction.ends_at
    reserves = [a.reserve_cents is not None for a, _ in auctions]
    buy_nows = [a.buy_now_cents is not None for a, _ in auctions]
    assert any(reserves) and not all(reserves) and any(buy_nows) and not all(buy_nows)
    assert len({a.ends_at for a, _ in live}) == len(live)  # spread out, not all at once


def test_reseeding_keeps_running_auctions_and_renews_the_ended_ones(
    sessions: sessionmaker[Session], media_store: MediaStore
) -> None:
    now = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    seed_demo(sessions=sessions, store=media_store, vehicle_count=20, photos=False, now=now)
    first = [(a.id, a.vehicle_id, a.starting_bid_cents) for a, _ in demo_auctions(sessions)]

    again = seed_demo(sessions=sessions, store=media_store, vehicle_count=20, photos=False,
                      now=now + timedelta(minutes=30))  # fmt: skip
    assert again.auctions_created == 0
    assert [(a.id, a.vehicle_id, a.starting_bid_cents) for a, _ in demo_auctions(sessions)] == first

    days_later = now + timedelta(days=5)  # every demo auction has ended, none was closed yet
    renewed = seed_demo(sessions=sessions, store=media_store, vehicle_count=20, photos=False,
                        now=days_later)  # fmt: skip

    assert renewed.auctions_created == len(first)
    auctions = [a for a, _ in demo_auctions(sessions)]
    old, new = auctions[: len(first)], auctions[len(first) :]
    assert all(a.result is AuctionResult.NOT_SOLD for a in old)  # closed: nobody bid
    assert all(a.result is AuctionResult.OPEN and a.ends_at > days_later for a in new)
    # The same vehicles, on the same terms (seeded by VIN), only later.
    assert [(a.vehicle_id, a.starting_bid_cents) for a in new] == [(v, s) for _, v, s in first]
