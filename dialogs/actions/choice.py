"""Which vehicle the buyer means: one named by its place in the last list the bot showed
("details of number 2", "photos de la deuxième", "segue o primeiro"), else the one they are
looking at (the `vehicle_id` slot, set by any button naming a vehicle).

Every list of vehicles the bot shows (a page of results, the nearest ones, similar vehicles, the
watchlist) is numbered in the order of its buttons and remembered in the `listed_vehicles` slot,
so a number in the buyer's words means what they see, on every channel.
"""

# mypy: disable-error-code="import-untyped"
from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from sqlalchemy.orm import Session

from catalog.errors import NotFound
from catalog.vehicles import service as vehicle_service
from catalog.vehicles.models import ListingStatus, Vehicle
from chat.choosing import LAST, position_in
from chat.payloads import is_payload
from dialogs.actions.support import VEHICLE_SLOT

LISTED_SLOT: Final = "listed_vehicles"


def listed(vehicle_ids: Sequence[int]) -> SlotSet:
    """Remember a list just shown, in the order of its buttons."""
    return SlotSet(LISTED_SLOT, [str(vehicle_id) for vehicle_id in vehicle_ids])


def chosen_vehicle_id(tracker: Tracker) -> str | None:
    """The id of the vehicle the latest message means: its place in the last list (None past
    the list's end), else the `vehicle_id` slot. A tapped payload names its vehicle, so it is
    taken as it is."""
    text = str((tracker.latest_message or {}).get("text") or "")
    shown: Any = tracker.get_slot(LISTED_SLOT)
    position = None if is_payload(text) else position_in(text)
    if position is not None and isinstance(shown, list) and shown:
        if position == LAST:
            return str(shown[-1])
        return str(shown[position - 1]) if position <= len(shown) else None
    value = tracker.get_slot(VEHICLE_SLOT)
    return None if value is None else str(value)


def current_vehicle(tracker: Tracker, db_session: Session) -> Vehicle | None:
    """The listed vehicle the buyer means, if any (drafts are not public)."""
    try:
        vehicle = vehicle_service.get(
            db_session=db_session, vehicle_id=int(chosen_vehicle_id(tracker) or "")
        )
    except (ValueError, NotFound):
        return None
    return None if vehicle.status is ListingStatus.DRAFT else vehicle
