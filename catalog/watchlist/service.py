"""Watchlists and saved searches."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from catalog.errors import NotFound
from catalog.vehicles import service as vehicle_service
from catalog.vehicles.models import Vehicle
from catalog.vehicles.schemas import VehicleFilters
from catalog.watchlist.models import SavedSearch, WatchlistEntry
from catalog.watchlist.schemas import SavedSearchIn


def watch(*, db_session: Session, buyer_id: int, vehicle_id: int) -> WatchlistEntry:
    """Add the vehicle to the buyer's watchlist; watching twice keeps one entry."""
    vehicle_service.get(db_session=db_session, vehicle_id=vehicle_id)
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
