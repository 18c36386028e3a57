"""Saved-search matching benchmark: 10,000 saved searches, an import of 1,000 vehicles.

    .venv/bin/python -m devtools.bench.saved_search_bench          # SQLite, and PostgreSQL
    .venv/bin/python -m devtools.bench.saved_search_bench --database-url sqlite:///var/x.sqlite3

Each run starts from an empty database: a catalog of `--stock` vehicles (the bulk generator),
`--searches` saved searches of consenting buyers, varied as buyers' are (mostly a make and model
with a price or year limit, some a make or a body type and a price, a few free text, a few
broad), then `--vehicles` new vehicles written in one transaction as an import writes them.
Timed: matching alone (`find_matches`), then the alerts written (matching again, plus the outbox
rows), then the same alerts again (a re-import: nothing new), and one re-price of a watched
vehicle. The target: matching and writing the import's alerts in under 10 s. Results are
appended to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, func, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from catalog.buyers.models import Buyer
from catalog.database import make_engine, make_session_factory, refresh_statistics, transaction
from catalog.dealers.models import Dealer
from catalog.demo.bulk import generate_bulk
from catalog.demo.inventory import demo_vehicles
from catalog.demo.models_table import MODELS
from catalog.migrate import upgrade
from catalog.outbox.models import OutboxMessage
from catalog.vehicles import service as vehicle_service
from catalog.vehicles.changes import VehicleChanges
from catalog.vehicles.models import BodyType, Fuel, Transmission
from catalog.vehicles.schemas import VehicleFilters
from catalog.watchlist import service as watchlist_service
from catalog.watchlist.models import SavedSearch

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "bench" / "RESULTS.md"
DEFAULT_URLS = [
    f"sqlite:///{ROOT / 'var' / 'bench-saved-search.sqlite3'}",
    "postgresql+psycopg://postgres@127.0.0.1:5432/nzila_bench_saved_search",
]
TARGET_SECONDS = 10.0
IMPORT_SEED, IMPORT_FIRST_SERIAL = 7_777, 900_000  # VINs of their own
TEXTS = ["hilux diesel", "land cruiser", "leather seats", "4x4 pickup", "clean title",
         "toyota hybrid", "sunroof", "lexus rx", "corola", "manual diesel"]  # fmt: skip
BODIES = [BodyType.SUV, BodyType.SEDAN, BodyType.PICKUP, BodyType.HATCHBACK, BodyType.MINIVAN]


def saved_filters(rng: random.Random) -> VehicleFilters:
    """What one buyer saved: mostly a make and model with a limit, then makes, bodies, text."""
    spec = rng.choices(MODELS, weights=[spec.weight for spec in MODELS])[0]
    # budgets where the stock is (its median price is about $6,500)
    price = rng.choice([2_000, 3_000, 4_000, 5_000, 6_000, 8_000, 10_000, 12_000, 15_000]) * 100
    kind = rng.random()
    values: dict[str, Any]
    if kind < 0.55:  # "a Corolla under 8k", "a RAV4 from 2015"
        values = {"make": spec.make, "model": spec.model}
        values |= rng.choice([{"price_max_cents": price}, {"year_min": rng.randint(2010, 2020)},
                              {"price_max_cents": price, "year_min": rng.randint(2008, 2018)},
                              {}])  # fmt: skip
        if rng.random() < 0.15:
            values["fuel"] = rng.choice([Fuel.DIESEL, Fuel.GASOLINE, Fuel.HYBRID])
    elif kind < 0.70:  # "any Toyota under 10k", "a Honda SUV"
        values = {"make": spec.make, "price_max_cents": price}
        if rng.random() < 0.4:
            values["body_types"] = [spec.body]
        if rng.random() < 0.2:
            values["transmission"] = rng.choice([Transmission.MANUAL, Transmission.AUTOMATIC])
    elif kind < 0.85:  # "an SUV between 4k and 8k", "a diesel pickup from 2015"
        values = {"body_types": rng.sample(BODIES, rng.choice([1, 1, 2])),
                  "price_min_cents": price // 2, "price_max_cents": price}  # fmt: skip
        if rng.random() < 0.5:
            values["year_min"] = rng.randint(2012, 2020)
        if rng.random() < 0.3:
            values["fuel"] = Fuel.DIESEL
        if rng.random() < 0.2:
            values["mileage_max_km"] = rng.choice([80_000, 120_000, 150_000])
    elif kind < 0.96:  # free text
        values = {"text": rng.choice(TEXTS)}
        if rng.random() < 0.5:
            values["price_max_cents"] = price
    else:  # broad: "anything under 3k", "diesel in Canada", "white cars in Houston"
        values = rng.choice([{"price_max_cents": 3_000_00},
                             {"fuel": Fuel.DIESEL, "yard_country": "CA"},
                             {"colour": "white", "location": "houston"},
                             {"seats_min": 7, "year_min": 2018}])  # fmt: skip
    return VehicleFilters(**values)


def fresh_database(url: str) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = Path(parsed.database or "")
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()


def save_searches(db_session: Session, count: int, rng: random.Random) -> None:
    """`count` saved searches of consenting buyers (three each on average), saved yesterday."""
    yesterday = datetime.now(UTC) - timedelta(days=1)
    buyers = [{"whatsapp_number": f"+2348{index:09d}", "language": "en", "currency": "USD",
               "consent_given_at": yesterday, "consent_version": "2026-11",
               "created_at": yesterday, "last_seen_at": yesterday}
              for index in range(max(1, count // 3))]  # fmt: skip
    db_session.execute(insert(Buyer), buyers)
    buyer_ids = list(db_session.scalars(select(Buyer.id)))
    searches = [{"buyer_id": rng.choice(buyer_ids), "label": "saved", "active": True,
                 "filters": saved_filters(rng).model_dump(mode="json", exclude_defaults=True),
                 "created_at": yesterday}
                for _ in range(count)]  # fmt: skip
    db_session.execute(insert(SavedSearch), searches)


def timed(work: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


def outbox_count(db_session: Session, kind: str) -> int:
    query = select(func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == kind)
    return db_session.scalar(query) or 0


def run(url: str, stock: int, searches: int, vehicles: int) -> str:
    backend = make_url(url).get_backend_name()
    fresh_database(url)
    engine = make_engine(url)
    upgrade(engine)
    sessions = make_session_factory(engine)
    print(f"[{backend}] {stock} vehicles in stock, {searches} saved searches ...")
    generate_bulk(sessions=sessions, count=stock)
    with transaction(sessions) as db_session:
        save_searches(db_session, searches, random.Random(2026))
    refresh_statistics(sessions)
    with sessions() as db_session:  # the demo dealers, which the bulk generator wrote
        dealer_ids = list(db_session.scalars(select(Dealer.id).order_by(Dealer.id)))
    print(f"[{backend}] importing {vehicles} vehicles ...")
    with transaction(sessions) as db_session:
        changes = VehicleChanges()
        wanted = list(demo_vehicles(dealer_ids, vehicles, seed=IMPORT_SEED,
                                    first_serial=IMPORT_FIRST_SERIAL))  # fmt: skip
        write_s, _ = timed(lambda: [
            vehicle_service.create(db_session=db_session, vehicle_in=v, changes=changes)
            for v in wanted
        ])  # fmt: skip
        ids = changes.vehicle_ids
        match_s, matches = timed(lambda: watchlist_service.find_matches(
            db_session=db_session, vehicle_ids=ids))  # fmt: skip
        alert_s, alerted = timed(lambda: vehicle_service.alert(db_session=db_session,
                                                               changes=changes))  # fmt: skip
        written = outbox_count(db_session, "search.match")
        again_s, _ = timed(lambda: vehicle_service.alert(db_session=db_session, changes=changes))
        again_written = outbox_count(db_session, "search.match") - written
    with transaction(sessions) as db_session:  # a staff re-price of one watched vehicle
        vehicle_id = ids[0]
        for buyer_id in list(db_session.scalars(select(Buyer.id).limit(20))):
            watchlist_service.watch(db_session=db_session, buyer_id=buyer_id,
                                    vehicle_id=vehicle_id)  # fmt: skip
    with transaction(sessions) as db_session:
        vehicle = vehicle_service.get(db_session=db_session, vehicle_id=vehicle_id)
        price = vehicle.price_cents // 2
        reprice_s, _ = timed(lambda: vehicle_service.reprice(
            db_session=db_session, vehicle_id=vehicle_id, price_cents=price))  # fmt: skip
        drops = outbox_count(db_session, "watch.price_drop")
    engine.dispose()
    searched = len({match.saved_search_id for match in matches})
    verdict = (f"matching {'meets' if match_s < TARGET_SECONDS else 'MISSES'} the "
               f"{TARGET_SECONDS:.0f} s target; matching and writing "
               f"{'meets' if alert_s < TARGET_SECONDS else 'MISSES'} it")  # fmt: skip
    return "\n".join([
        f"**{backend}**, {stock:,} vehicles in stock, {searches:,} saved searches, an import of "
        f"{vehicles:,}: matching {match_s:.2f} s ({len(matches):,} matches, for {searched:,} "
        f"searches); matching and writing the alerts {alert_s:.2f} s ({written:,} outbox rows) "
        f"— {verdict}",
        "",
        "| step | seconds | what |",
        "|---|---|---|",
        f"| write the {vehicles:,} vehicles | {write_s:.2f} | `vehicle_service.create` each, "
        f"one transaction |",
        f"| matching only | {match_s:.2f} | `find_matches`: {len(matches):,} (search, vehicle) "
        f"pairs |",
        f"| matching + outbox | {alert_s:.2f} | `vehicle_service.alert`: "
        f"{alerted.search_matches:,} offered, {written:,} rows written |",
        f"| the same alerts again (a re-import) | {again_s:.2f} | {again_written} rows written |",
        f"| re-price one vehicle (20 watchers) | {reprice_s:.3f} | its matching and {drops} "
        f"price-drop rows |",
    ])  # fmt: skip


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown CPU"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", action="append",
                        help="a database to run on, emptied first (default: SQLite and "
                             "PostgreSQL's nzila_bench_saved_search)")  # fmt: skip
    parser.add_argument("--stock", type=int, default=20_000)
    parser.add_argument("--searches", type=int, default=10_000)
    parser.add_argument("--vehicles", type=int, default=1_000)
    parser.add_argument("--no-write", action="store_true", help="print, do not touch RESULTS.md")
    args = parser.parse_args()
    sections = []
    for url in args.database_url or DEFAULT_URLS:
        try:
            sections.append(run(url, args.stock, args.searches, args.vehicles))
        except OperationalError as error:
            sections.append(f"**{make_url(url).get_backend_name()}**: not run ({error.orig})")
        print(sections[-1], "\n")
    if args.no_write:
        return
    urls = "".join(f" --database-url {url}" for url in args.database_url or [])
    header = (
        f"\n## Saved-search matching — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC\n\n"
        f"Machine: {platform.node()}, {cpu_model()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}.\n"
        f"Command: `.venv/bin/python -m devtools.bench.saved_search_bench --stock {args.stock} "
        f"--searches {args.searches} --vehicles {args.vehicles}{urls}`\n\n"
    )
    with RESULTS.open("a", encoding="utf-8") as results:
        results.write(header + "\n\n".join(sections) + "\n")


if __name__ == "__main__":
    main()
