"""Finding the auction a buyer means: a lot they name, the vehicle of a button or in view, or
the lot they were talking about (remembered in the `bid_lot` slot); and saying when there is
none."""
# rasa_sdk ships no py.typed, so its names are untyped (Any) here.
# mypy: disable-error-code="import-untyped"

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from catalog.auctions import service as auction_service
from catalog.auctions.models import Auction
from catalog.vehicles.models import Vehicle
from dialogs.actions.auctions.parsing import BidRequest
from dialogs.actions.auctions.wording import usd, words
from dialogs.actions.choice import current_vehicle

LOT_SLOT: Final = "bid_lot"


@dataclass(frozen=True)
class FoundLot:
    auction: Auction | None
    vehicle: Vehicle | None  # the vehicle asked about, with or without an auction
    lot_asked: int | None  # a lot number that matched nothing


def find_lot(tracker: Tracker, db_session: Session, request: BidRequest) -> FoundLot:
    """The auction the buyer means: a lot they name, else the vehicle of a button or the one
    they are looking at (the lot they were talking about, if it is that vehicle's, else the
    vehicle's current auction), else the lot they were talking about."""
    if request.lot is not None:
        auction = auction_service.find(db_session=db_session, auction_id=request.lot)
        if auction is None:
            return FoundLot(None, None, request.lot)
        return FoundLot(
            auction, auction_service.vehicle_of(db_session=db_session, auction=auction), None
        )
    vehicle = (db_session.get(Vehicle, request.vehicle_id) if request.vehicle_id is not None
               else current_vehicle(tracker, db_session))  # fmt: skip
    slot_lot = str(tracker.get_slot(LOT_SLOT) or "")
    talked_about = (auction_service.find(db_session=db_session, auction_id=int(slot_lot))
                    if slot_lot.isdigit() else None)  # fmt: skip
    if talked_about is not None and (vehicle is None or talked_about.vehicle_id == vehicle.id):
        return FoundLot(talked_about, auction_service.vehicle_of(db_session=db_session,
                                                         auction=talked_about), None)  # fmt: skip
    if vehicle is None:
        return FoundLot(None, None, None)
    auction = auction_service.latest_for_vehicle(db_session=db_session, vehicle_id=vehicle.id)
    return FoundLot(auction, vehicle, None)


def title_of(vehicle: Vehicle) -> str:
    return f"{vehicle.year} {vehicle.make} {vehicle.model}"


def say_no_auction(dispatcher: CollectingDispatcher, found: FoundLot, lang: str) -> None:
    """The lot asked for is unknown, the vehicle is at a fixed price, or no lot was named."""
    text = words(lang)
    if found.lot_asked is not None:
        dispatcher.utter_message(text=text["unknown_lot"].format(lot=found.lot_asked))
    elif found.vehicle is not None:
        price = usd(found.vehicle.price_cents, lang)
        dispatcher.utter_message(text=text["no_auction"].format(title=title_of(found.vehicle),
                                                                price=price))  # fmt: skip
    else:
        dispatcher.utter_message(text=text["which_lot"].format(example="5200"))
