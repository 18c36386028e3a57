"""`nzila seed`: write the demo dealers, vehicles and their photo galleries, idempotently.

Photos are drawn per (body type, colour) group in worker processes, so a first run takes a
minute or two on two cores; a second run finds everything in place and returns at once.
"""

from __future__ import annotations

import hashlib
import os
import random
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from catalog.auctions import service as auction_service
from catalog.auctions.models import Auction, AuctionResult
from catalog.database import refresh_statistics, transaction, utcnow
from catalog.dealers import service as dealer_service
from catalog.demo.inventory import DEMO_DEALERS, demo_vehicles
from catalog.media import service as media_service
from catalog.media.images import ProcessedImage, process_image
from catalog.media.models import VehicleMedia
from catalog.media.storage import MediaStore
from catalog.vehicles import service as vehicle_service
from catalog.vehicles.changes import VehicleChanges
from catalog.vehicles.models import BodyType, Vehicle
from catalog.vehicles.service import Upserted

DEMO_VEHICLE_COUNT = 320
MIN_PHOTOS, MAX_PHOTOS = 20, 50
LIVE_AUCTION_SHARE = 0.25  # of demo vehicles with a live auction
SCHEDULED_AUCTIONS = 2  # starting later, for a feel of what is coming
AUCTION_SEED = 2026

Progress = Callable[[str], None]


@dataclass
class SeedReport:
    dealers: int = 0
    vehicles_created: int = 0
    vehicles_updated: int = 0
    photos_added: int = 0
    auctions_created: int = 0


def seed_demo(
    *,
    sessions: sessionmaker[Session],
    store: MediaStore,
    vehicle_count: int = DEMO_VEHICLE_COUNT,
    photos: bool = True,
    auctions: bool = True,
    workers: int | None = None,
    progress: Progress = lambda message: None,
    now: datetime | None = None,
) -> SeedReport:
    """Write the demo inventory and its auctions. Safe to run again: rows are upserted,
    galleries completed, and only demo vehicles without an open auction get a new one."""
    report = SeedReport()
    with transaction(sessions) as db_session:
        dealer_ids = [
            dealer_service.upsert_by_name(db_session=db_session, dealer_in=demo.dealer).id
            for demo in DEMO_DEALERS
        ]
        report.dealers = len(dealer_ids)
        vehicle_ids = []
        changes = VehicleChanges()  # their alerts: none on a first seed, nobody saved a search
        for vehicle_in in demo_vehicles(dealer_ids, vehicle_count):
            vehicle, outcome = vehicle_service.upsert_by_vin(
                db_session=db_session, vehicle_in=vehicle_in, changes=changes
            )
            vehicle_ids.append(vehicle.id)
            report.vehicles_created += outcome is Upserted.CREATED
            report.vehicles_updated += outcome is Upserted.UPDATED
        vehicle_service.alert(db_session=db_session, changes=changes)
    refresh_statistics(sessions)
    progress(f"{report.dealers} dealers, {vehicle_count} vehicles in the catalog")
    if auctions:
        report.auctions_created = _seed_auctions(sessions, vehicle_ids, now or utcnow())
        progress(f"{report.auctions_created} demo auctions scheduled")
    if photos:
        report.photos_added = _seed_photos(sessions, store, workers, progress)
    return report


def _seed_auctions(sessions: sessionmaker[Session], vehicle_ids: list[int], now: datetime) -> int:
    """A live auction on about a quarter of the demo vehicles and a few starting later, the same
    vehicles every run; a vehicle whose demo auction has ended (closed here if the scheduler has
    not yet) gets a fresh one, and one with an open auction is left alone."""
    chosen = list(vehicle_ids)  # in the demo inventory's order: the same picks on any database
    random.Random(AUCTION_SEED).shuffle(chosen)
    live = max(1, round(len(chosen) * LIVE_AUCTION_SHARE)) if chosen else 0
    plans = [(vehicle_id, index >= live) for index, vehicle_id in
             enumerate(chosen[: live + SCHEDULED_AUCTIONS])]  # fmt: skip
    created = 0
    for vehicle_id, later in plans:
        with transaction(sessions) as db_session:
            created += _demo_auction(db_session, vehicle_id, now, later=later)
    return created


def _demo_auction(db_session: Session, vehicle_id: int, now: datetime, *, later: bool) -> bool:
    """Schedule the vehicle's demo auction unless it has one still to run; True if scheduled."""
    for auction_id in db_session.scalars(
        select(Auction.id).where(Auction.vehicle_id == vehicle_id,
                                 Auction.result == AuctionResult.OPEN)
    ).all():  # fmt: skip
        auction_service.close(db_session=db_session, auction_id=auction_id, now=now)
    if auction_service.open_auction_of(db_session=db_session, vehicle_id=vehicle_id):
        return False  # still scheduled or running
    vehicle = vehicle_service.get(db_session=db_session, vehicle_id=vehicle_id)
    if not auction_service.auctionable(vehicle):
        return False
    rng = random.Random(f"{AUCTION_SEED}:{vehicle.vin}")  # the same terms every run
    price = vehicle.price_cents
    starts_at = now + timedelta(hours=rng.randint(2, 12)) if later else now - timedelta(hours=1)
    ends_at = (starts_at if later else now) + timedelta(minutes=rng.randint(2 * 60, 72 * 60))
    reserve = _round_to_50_dollars(price * rng.uniform(0.8, 0.9)) if rng.random() < 0.5 else None
    buy_now = _round_to_50_dollars(price * 1.1) if rng.random() < 0.4 else None
    auction_service.schedule(
        db_session=db_session, vehicle_id=vehicle_id, starts_at=starts_at, ends_at=ends_at,
        starting_bid_cents=_round_to_50_dollars(price * rng.uniform(0.4, 0.6)),
        reserve_cents=reserve, buy_now_cents=buy_now, now=now,
    )  # fmt: skip
    return True


def _round_to_50_dollars(cents: float) -> int:
    return max(1, round(cents / 50_00)) * 50_00


def photo_count(vin: str) -> int:
    """How many photos the demo gallery of this vehicle has: 20-50, fixed per VIN."""
    digest = hashlib.sha256(vin.encode()).digest()
    return MIN_PHOTOS + digest[0] % (MAX_PHOTOS - MIN_PHOTOS + 1)


def _seed_photos(
    sessions: sessionmaker[Session], store: MediaStore, workers: int | None, progress: Progress
) -> int:
    groups = _vehicles_missing_photos(sessions)
    if not groups:
        return 0
    jobs = [(body, colour, max(photo_count(vin) for _, vin in group))
            for (body, colour), group in groups.items()]  # fmt: skip
    added = 0
    workers = workers or min(os.cpu_count() or 1, 4)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for done, ((body, colour, _), pictures) in enumerate(
            zip(jobs, pool.map(_draw_group, jobs), strict=True), start=1
        ):
            added += _attach(sessions, store, groups[(body, colour)], pictures)
            progress(f"photos: {done}/{len(jobs)} groups ({body}, {colour}), {added} added")
    return added


def _vehicles_missing_photos(
    sessions: sessionmaker[Session],
) -> dict[tuple[BodyType, str], list[tuple[int, str]]]:
    with sessions() as db_session:
        photographed = select(VehicleMedia.vehicle_id).group_by(VehicleMedia.vehicle_id)
        photographed = photographed.having(func.count() > 0)
        rows = db_session.execute(
            select(Vehicle.id, Vehicle.vin, Vehicle.body_type, Vehicle.colour)
            .where(Vehicle.id.not_in(photographed))
            .order_by(Vehicle.id)
        ).all()
    groups: dict[tuple[BodyType, str], list[tuple[int, str]]] = defaultdict(list)
    for vehicle_id, vin, body, colour in rows:
        groups[(body, colour)].append((vehicle_id, vin))
    return groups


def _draw_group(job: tuple[BodyType, str, int]) -> list[tuple[str, ProcessedImage]]:
    from catalog.demo.pictures import angles_for, draw_vehicle_picture

    body, colour, count = job
    caption = f"{colour} {body.value}"
    return [
        (angle, process_image(draw_vehicle_picture(
            body_type=body, colour=colour, angle=angle, caption=caption)))
        for angle in angles_for(count)
    ]  # fmt: skip


def _attach(
    sessions: sessionmaker[Session],
    store: MediaStore,
    vehicles: list[tuple[int, str]],
    pictures: list[tuple[str, ProcessedImage]],
) -> int:
    added = 0
    with transaction(sessions) as db_session:
        for vehicle_id, vin in vehicles:
            added += len(
                media_service.add_processed_photos(
                    db_session=db_session,
                    store=store,
                    vehicle_id=vehicle_id,
                    photos=pictures[: photo_count(vin)],
                )
            )
    return added
