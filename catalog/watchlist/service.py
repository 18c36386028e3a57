"""Watchlists and saved searches, and the alerts they get when vehicles arrive or change
(matching.py: saved searches matched, price drops told to watchers)."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from catalog.errors import NotFound
from catalog.vehicles.changes import VehicleChanges
from catalog.vehicles.models import Vehicle
from catalog.vehicles.schemas import VehicleFilters
from catalog.watchlist import matching
from catalog.watchlist.matching import Alerted, Match
from catalog.watchlist.models import SavedSearch, WatchlistEntry
from catalog.watchlist.schemas import SavedSearchIn

__all__ = [
    "Alerted", "Match", "alert_vehicle_changes", "cancel_saved_search", "find_matches",
    "get_saved_searches", "get_watched_vehicles", "save_search", "saved_filters", "unwatch",
    "watch",
]  # fmt: skip


def watch(*, db_session: Session, buyer_id: int, vehicle_id: int) -> WatchlistEntry:
    """Add the vehicle to the buyer's watchlist; watching twice keeps one entry."""
    if db_session.get(Vehicle, vehicle_id) is None:  # not vehicles.service: it calls us
        raise NotFound(f"no vehicle {vehicle_id}")
    entry = db_session.scalar(
        select(WatchlistEntry).where(
            WatchlistEntry.buyer_id == buyer_id, WatchlistEntry.vehicle_id == vehicle_id
        )
    )
    if entry is None:
        entry = WatchlistEntry(buyer_id=buyer_id, vehicle_id=vehicle_id)
        db_session.add(entry)
        db_session.flush()
    return entry


def unwatch(*, db_session: Session, buyer_id: int, vehicle_id: int) -> bool:
    """Remove the vehicle from the watchlist; False if it was not on it."""
    result = db_session.execute(
        delete(WatchlistEntry).where(
            WatchlistEntry.buyer_id == buyer_id, WatchlistEntry.vehicle_id == vehicle_id
        )
    )
    return bool(getattr(result, "rowcount", 0))


def get_watched_vehicles(*, db_session: Session, buyer_id: int) -> Sequence[Vehicle]:
    return db_session.scalars(
        select(Vehicle)
        .join(WatchlistEntry, WatchlistEntry.vehicle_id == Vehicle.id)
        .where(WatchlistEntry.buyer_id == buyer_id)
        .order_by(WatchlistEntry.created_at, WatchlistEntry.id)
    ).all()


def save_search(*, db_session: Session, buyer_id: int, search_in: SavedSearchIn) -> SavedSearch:
    saved = SavedSearch(
        buyer_id=buyer_id,
        label=search_in.label,
        filters=search_in.filters.model_dump(mode="json", exclude_defaults=True),
    )
    db_session.add(saved)
    db_session.flush()
    return saved


def get_saved_searches(*, db_session: Session, buyer_id: int) -> Sequence[SavedSearch]:
    return db_session.scalars(
        select(SavedSearch)
        .where(SavedSearch.buyer_id == buyer_id, SavedSearch.active.is_(True))
        .order_by(SavedSearch.id)
    ).all()


def saved_filters(saved: SavedSearch) -> VehicleFilters:
    """The stored filters, validated again (they are data, and data outlives code)."""
    return VehicleFilters.model_validate(saved.filters)


def cancel_saved_search(*, db_session: Session, buyer_id: int, saved_search_id: int) -> None:
    saved = db_session.get(SavedSearch, saved_search_id)
    if saved is None or saved.buyer_id != buyer_id:
        raise NotFound(f"no saved search {saved_search_id}")
    saved.active = False
    db_session.flush()


def alert_vehicle_changes(*, db_session: Session, changes: VehicleChanges) -> Alerted:
    """Write the alerts of vehicles added or changed in this transaction to the outbox: one per
    (saved search, vehicle) it now matches, one per watcher of a price drop; each written once
    however often the vehicle is written again. vehicles.service calls it on every write."""
    return matching.alert_changes(db_session=db_session, changes=changes)


def find_matches(*, db_session: Session, vehicle_ids: Collection[int]) -> list[Match]:
    """The (saved search, vehicle) pairs that would alert on these vehicles; writes nothing."""
    return matching.find_matches(db_session=db_session, vehicle_ids=vehicle_ids)
