"""Many vehicles fast, for benchmarks: the demo generator's rows, inserted in large batches."""

from __future__ import annotations

from collections.abc import Callable
from itertools import islice

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session, sessionmaker

from catalog.database import refresh_statistics, transaction, utcnow
from catalog.dealers import service as dealer_service
from catalog.demo.inventory import DEMO_DEALERS, demo_vehicles
from catalog.text import name_key
from catalog.vehicles.models import Vehicle

BATCH = 5_000
BULK_SEED = 100_000  # a different seed from the demo: different VINs
BULK_FIRST_SERIAL = 500_000


def generate_bulk(
    *,
    sessions: sessionmaker[Session],
    count: int,
    progress: Callable[[str], None] = lambda message: None,
) -> int:
    """Ensure the catalog holds at least `count` bulk vehicles; returns how many were added."""
    with transaction(sessions) as db_session:
        dealer_ids = [
            dealer_service.upsert_by_name(db_session=db_session, dealer_in=demo.dealer).id
            for demo in DEMO_DEALERS
        ]
        existing = db_session.scalar(
            select(func.count()).select_from(Vehicle).where(Vehicle.stock_number.like("B%"))
        )
    missing = count - (existing or 0)
    if missing <= 0:
        return 0
    rows = demo_vehicles(dealer_ids, count, seed=BULK_SEED, first_serial=BULK_FIRST_SERIAL)
    rows = islice(rows, existing, None)
    added = 0
    while batch := list(islice(rows, BATCH)):
        now = utcnow()
        values = [
            {**v.column_values(), "stock_number": "B" + (v.stock_number or "")[1:],
             "make_key": name_key(v.make), "model_key": name_key(v.model),
             "created_at": now, "updated_at": now}
            for v in batch
        ]  # fmt: skip
        with transaction(sessions) as db_session:
            db_session.execute(insert(Vehicle), values)
        added += len(values)
        progress(f"{(existing or 0) + added}/{count} bulk vehicles")
    refresh_statistics(sessions)
    return added
