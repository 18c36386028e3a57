"""Vehicle extras: photos in chat, a vehicle's history, the watchlist and saved searches.

Each action works on the vehicle in the `vehicle_id` slot (set by any payload carrying the
`vehicle_id` entity) and calls catalog services only. Photos go out as a bot message with
``custom={"gallery": [urls]}``, which each channel's renderer turns into what it can show
(Telegram media groups, WhatsApp images one by one, Twilio one media per message), followed by
the caption with the link to the web gallery and the buttons.
"""
# rasa_sdk ships no py.typed, so its names are untyped (Any) here.
# mypy: disable-error-code="import-untyped"

from __future__ import annotations

import re
from abc import ABCMeta, abstractmethod
from typing import Final

from pydantic import ValidationError
from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.orm import Session

from catalog.buyers.models import Buyer
from catalog.database import transaction
from catalog.errors import InvalidVin
from catalog.leads.scoring import LeadAction
from catalog.media import service as media_service
from catalog.media.schemas import media_url
from catalog.money import get_exchange_rates
from catalog.privacy import service as privacy_service
from catalog.vehicles import service as vehicle_service
from catalog.vehicles.models import ListingStatus, Vehicle
from catalog.vehicles.schemas import VehicleFilters
from catalog.vehicles.vin import (
    VinBadCharacters,
    VinCheckDigitError,
    VinForbiddenLetters,
    VinLengthError,
    decode_vin,
    normalise_vin,
)
from catalog.vehicles.vocabulary import vocabulary_cache
from catalog.watchlist import service as watchlist_service
from catalog.watchlist.schemas import SavedSearchIn
from chat.payloads import build_payload, is_payload
from dialogs.actions import leads
from dialogs.actions.choice import current_vehicle, listed
from dialogs.actions.extras_wording import (
    history_text,
    search_text,
    short_name,
    vehicle_line,
)
from dialogs.actions.history_provider import HistoryReport, HistoryUnavailable, fetch_history
from dialogs.actions.support import (
    VEHICLE_SLOT,
    OffLoopAction,
    buyer_id,
    catalog_sessions,
    language,
    public_url,
)
from dialogs.actions.vehicles import FILTERS_SLOT
from dialogs.config import get_dialog_settings
from dialogs.understanding import Understood, understand

PHOTOS_SLOT: Final = "photos_shown"
ALERT_OFFER_SLOT: Final = "alert_offer"
# The yes of an alerts offer (payloads only, never learnt from free text; a typed "yes" taps it).
SAVE_SEARCH_WITH_ALERTS: Final = "save_search_with_alerts"
WATCH_WITH_ALERTS: Final = "watch_with_alerts"
_NOT_NOW: Final = build_payload("acknowledge", answer="no")
PHOTOS_PER_PAGE: Final = 5
WATCHLIST_SHOWN: Final = 10
VIN_ENTITY: Final = "vin"
# A word a buyer typed as a VIN: letters and digits, both, about VIN-long (a bad one included).
_VIN_LIKE: Final = re.compile(r"\b(?=[A-Za-z0-9]*\d)(?=[A-Za-z0-9]*[A-Za-z])[A-Za-z0-9]{11,20}\b")


def payload(intent: str, vehicle_id: int) -> str:
    """A button payload naming the vehicle: /show_photos{"vehicle_id":"12"}."""
    return build_payload(intent, vehicle_id=vehicle_id)


def _vehicle_words(vehicle: Vehicle) -> dict[str, str]:
    """The fill-ins every vehicle response may use."""
    return {
        "vehicle": vehicle.title,
        "gallery_url": public_url(f"/vehicles/{vehicle.id}/gallery"),
        "more_payload": payload("more_photos", vehicle.id),
        "watch_payload": payload("watch_vehicle", vehicle.id),
        "history_payload": payload("vehicle_history", vehicle.id),
        "photos_payload": payload("show_photos", vehicle.id),
    }


# --- Photos -------------------------------------------------------------------------------------


class _PhotosAction(OffLoopAction, metaclass=ABCMeta):
    """Sends photos of the current vehicle from `start(tracker, vehicle)` on, a page at a time
    (abstract: rasa_sdk skips it)."""

    @abstractmethod
    def name(self) -> str: ...

    @abstractmethod
    def start(self, tracker: Tracker, vehicle: Vehicle) -> int: ...

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        with catalog_sessions()() as db_session:
            vehicle = current_vehicle(tracker, db_session)
            if vehicle is None and _names_a_search(tracker, db_session):
                # pidgin "i wan see honda" reads like "show me (photos)": nothing is in view, so
                # the buyer is asking to see what we have of that make
                return [FollowupAction("action_search_vehicles")]
            if vehicle is None:
                dispatcher.utter_message(response="utter_pick_vehicle_first")
                return []
            media = media_service.get_all_for_vehicle(db_session=db_session, vehicle_id=vehicle.id)
            words = _vehicle_words(vehicle)
        start, total = self.start(tracker, vehicle), len(media)
        if total == 0:
            dispatcher.utter_message(response="utter_no_photos", **words)
            return []
        if start >= total:
            dispatcher.utter_message(response="utter_photos_all_shown", total=total, **words)
            return []
        page = media[start : start + PHOTOS_PER_PAGE]
        urls = [public_url(media_url(photo.content_hash, "web")) for photo in page]
        end = start + len(page)
        dispatcher.utter_message(json_message={"gallery": urls})
        leads.note_apart(buyer_id(tracker), vehicle.id, LeadAction.GALLERY)
        dispatcher.utter_message(response="utter_photos" if end < total else "utter_photos_last",
                                 first=start + 1, last=end, total=total, **words)  # fmt: skip
        return [SlotSet(PHOTOS_SLOT, {"vehicle_id": str(vehicle.id), "shown": end}),
                SlotSet(VEHICLE_SLOT, str(vehicle.id))]  # fmt: skip


def _typed_search(tracker: Tracker, db_session: Session) -> Understood | None:
    """The search in the buyer's own words, read with the world's makes and models; None for a
    tapped payload or no text."""
    text = str((tracker.latest_message or {}).get("text") or "")
    if not text or is_payload(text):
        return None
    return understand(text, vocabulary=vocabulary_cache.get(db_session, world=True),
                      rates=get_exchange_rates())  # fmt: skip


def _names_a_search(tracker: Tracker, db_session: Session) -> bool:
    """The buyer's own words name a make, a model or a body type."""
    understood = _typed_search(tracker, db_session)
    return understood is not None and bool(understood.mentioned & {"make", "model", "body_type"})


class ActionShowPhotos(_PhotosAction):
    """ "photos", "show me pictures": the first photos and the gallery link."""

    def name(self) -> str:
        return "action_show_photos"

    def start(self, tracker: Tracker, vehicle: Vehicle) -> int:
        return 0


class ActionMorePhotos(_PhotosAction):
    """ "more photos": the next ones of the same vehicle (the first ones for another vehicle)."""

    def name(self) -> str:
        return "action_more_photos"

    def start(self, tracker: Tracker, vehicle: Vehicle) -> int:
        shown = tracker.get_slot(PHOTOS_SLOT)
        if isinstance(shown, dict) and shown.get("vehicle_id") == str(vehicle.id):
            count = shown.get("shown")
            return count if isinstance(count, int) and count > 0 else 0
        return 0


# --- History ------------------------------------------------------------------------------------


def typed_vin(tracker: Tracker) -> str | None:
    """The VIN the buyer wrote in this message: a VIN-like word of the text, else of a `vin`
    entity (written with spaces or dashes, say); a tapped payload's `vin` entity as it is."""
    message = tracker.latest_message or {}
    entities = [str(entity.get("value") or "") for entity in message.get("entities") or []
                if entity.get("entity") == VIN_ENTITY]  # fmt: skip
    text = str(message.get("text") or "")
    if is_payload(text):
        return entities[0] if entities else None
    # The extractor can mistake a word for a VIN: only something shaped like one counts.
    for candidate in (text, *map(normalise_vin, entities)):
        match = _VIN_LIKE.search(candidate)
        if match:
            return match.group(0)
    return None


def explain_bad_vin(dispatcher: CollectingDispatcher, error: InvalidVin) -> None:
    """Tell the buyer what is wrong with the VIN they typed, in their language."""
    if isinstance(error, VinLengthError):
        dispatcher.utter_message(response="utter_vin_wrong_length", vin=error.vin,
                                 length=error.length)  # fmt: skip
    elif isinstance(error, VinForbiddenLetters):
        dispatcher.utter_message(response="utter_vin_forbidden_letters", vin=error.vin,
                                 letters=", ".join(error.letters))  # fmt: skip
    elif isinstance(error, VinCheckDigitError):
        dispatcher.utter_message(response="utter_vin_check_digit", vin=error.vin,
                                 found=error.found, expected=error.expected)  # fmt: skip
    else:
        vin = error.vin if isinstance(error, VinBadCharacters) else ""
        dispatcher.utter_message(response="utter_vin_bad_characters", vin=vin)


class ActionVehicleHistory(Action):  # type: ignore[misc]
    """ "history", "carfax", "check VIN ...": the VIN decoded, the catalog's record and the
    history service's report; a mistyped VIN gets the reason."""

    def name(self) -> str:
        return "action_vehicle_history"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        raw = typed_vin(tracker)
        with catalog_sessions()() as db_session:
            if raw is not None:
                try:
                    decoded = decode_vin(raw)
                except InvalidVin as error:
                    explain_bad_vin(dispatcher, error)
                    return []
                vehicle = vehicle_service.get_by_vin(db_session=db_session, vin=decoded.vin)
                if vehicle is not None and vehicle.status is ListingStatus.DRAFT:
                    vehicle = None
            else:
                vehicle = current_vehicle(tracker, db_session)
                if vehicle is None:
                    dispatcher.utter_message(response="utter_history_which")
                    return []
                decoded = decode_vin(vehicle.vin)
        report, failed, asked = await _report(decoded.vin)
        text = history_text(decoded, vehicle, report, language(tracker), provider_failed=failed,
                            provider_asked=asked)  # fmt: skip
        if vehicle is None:
            dispatcher.utter_message(text=text)
            return []
        dispatcher.utter_message(response="utter_vehicle_history", report=text,
                                 **_vehicle_words(vehicle))  # fmt: skip
        return [SlotSet(VEHICLE_SLOT, str(vehicle.id))]


async def _report(vin: str) -> tuple[HistoryReport | None, bool, bool]:
    """(report, the service failed, the service was asked): never raises."""
    settings = get_dialog_settings()
    if not settings.history_provider_url:
        return None, False, False
    try:
        return await fetch_history(vin, settings), False, True
    except HistoryUnavailable:
        return None, True, True


# --- Watchlist ----------------------------------------------------------------------------------


class _BuyersAction(OffLoopAction, metaclass=ABCMeta):
    """An action on the buyer's own watchlist or alerts: only our worker says who is talking
    (abstract: rasa_sdk skips it)."""

    @abstractmethod
    def name(self) -> str: ...

    @abstractmethod
    def for_buyer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, buyer: int
    ) -> list[EventType]:
        """Do it for `buyer`."""

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        buyer = buyer_id(tracker)
        if buyer is None:
            dispatcher.utter_message(response="utter_buyer_unknown")
            return []
        return self.for_buyer(dispatcher, tracker, buyer)


class ActionWatchVehicle(_BuyersAction):
    """ "watch this", "save this car": the current vehicle goes on the watchlist. Watching
    promises alerts, so a buyer who has not said yes to alerts is asked first, in the same step
    (the offer's yes, ``/watch_with_alerts``, switches them on and watches)."""

    def name(self) -> str:
        return "action_watch_vehicle"

    def for_buyer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, buyer: int
    ) -> list[EventType]:
        with transaction(catalog_sessions()) as db_session:
            vehicle = current_vehicle(tracker, db_session)
            if vehicle is None:
                dispatcher.utter_message(response="utter_pick_vehicle_first")
                return []
            said_yes = _intent(tracker) == WATCH_WITH_ALERTS
            if said_yes:
                privacy_service.switch_alerts_on(db_session=db_session, buyer_id=buyer)
            elif not _alerts_allowed(db_session, buyer):
                dispatcher.utter_message(
                    response="utter_offer_alerts_watch",
                    yes_payload=payload(WATCH_WITH_ALERTS, vehicle.id),
                    no_payload=_NOT_NOW,
                    **_vehicle_words(vehicle),
                )
                return [SlotSet(VEHICLE_SLOT, str(vehicle.id))]
            watchlist_service.watch(db_session=db_session, buyer_id=buyer, vehicle_id=vehicle.id)
            leads.note(db_session, buyer, vehicle.id, LeadAction.WATCH)
            response = "utter_watching_alerts_on" if said_yes else "utter_watching"
            dispatcher.utter_message(response=response, **_vehicle_words(vehicle))
            return [SlotSet(VEHICLE_SLOT, str(vehicle.id))]


class ActionShowWatchlist(_BuyersAction):
    """ "my watchlist": the watched vehicles, each with a button to open it."""

    def name(self) -> str:
        return "action_show_watchlist"

    def for_buyer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, buyer: int
    ) -> list[EventType]:
        with catalog_sessions()() as db_session:
            return _list_watched(dispatcher, tracker, db_session, buyer,
                                 response="utter_watchlist", intent="vehicle_details")  # fmt: skip


class ActionUnwatchVehicle(_BuyersAction):
    """ "remove": the current vehicle comes off the watchlist; otherwise, which one?"""

    def name(self) -> str:
        return "action_unwatch_vehicle"

    def for_buyer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, buyer: int
    ) -> list[EventType]:
        with transaction(catalog_sessions()) as db_session:
            vehicle = current_vehicle(tracker, db_session)
            if vehicle is not None and watchlist_service.unwatch(
                db_session=db_session, buyer_id=buyer, vehicle_id=vehicle.id
            ):
                dispatcher.utter_message(response="utter_unwatched", vehicle=vehicle.title)
                return [SlotSet(VEHICLE_SLOT, str(vehicle.id))]
            return _list_watched(dispatcher, tracker, db_session, buyer,
                                 response="utter_unwatch_which",
                                 intent="unwatch_vehicle")  # fmt: skip


def _list_watched(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    db_session: Session,
    buyer: int,
    *,
    response: str,
    intent: str,
) -> list[EventType]:
    """The first WATCHLIST_SHOWN watched vehicles as numbered lines, each with a button sending
    `intent` for it (remembered, so "number 2" means the second); or that the list is empty."""
    watched = watchlist_service.get_watched_vehicles(db_session=db_session, buyer_id=buyer)
    if not watched:
        dispatcher.utter_message(response="utter_watchlist_empty")
        return []
    lang, shown = language(tracker), watched[:WATCHLIST_SHOWN]
    lines = "\n".join(f"{number}. {vehicle_line(vehicle, lang)}"
                      for number, vehicle in enumerate(shown, start=1))  # fmt: skip
    buttons = [{"title": short_name(vehicle), "payload": payload(intent, vehicle.id)}
               for vehicle in shown]  # fmt: skip
    dispatcher.utter_message(response=response, count=len(watched), vehicles=lines,
                             buttons=buttons)  # fmt: skip
    return [listed([vehicle.id for vehicle in shown])]


# --- Saved searches -----------------------------------------------------------------------------


class ActionSaveSearch(_BuyersAction):
    """ "tell me when a Hilux under 20k comes in", or "save this search" after a search: the
    search (the words said, else the last search shown), stored as catalog filters for the
    alerts and said back in words. A buyer who has not said yes to alerts is asked first, in the
    same step, and nothing is stored until they do: the search waits in the `alert_offer` slot
    for the offer's yes (``/save_search_with_alerts``)."""

    def name(self) -> str:
        return "action_save_search"

    def for_buyer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, buyer: int
    ) -> list[EventType]:
        lang = language(tracker)
        said_yes = _intent(tracker) == SAVE_SEARCH_WITH_ALERTS
        with transaction(catalog_sessions()) as db_session:
            filters = _offered_search(tracker) if said_yes else _search_asked(tracker, db_session)
            if filters is None:
                dispatcher.utter_message(response="utter_ask_saved_search")
                return []
            described = search_text(filters, lang)
            if said_yes:
                privacy_service.switch_alerts_on(db_session=db_session, buyer_id=buyer)
            elif not _alerts_allowed(db_session, buyer):
                dispatcher.utter_message(response="utter_offer_alerts_search", search=described,
                                         yes_payload=build_payload(SAVE_SEARCH_WITH_ALERTS),
                                         no_payload=_NOT_NOW)  # fmt: skip
                offered = filters.model_dump(mode="json", exclude_defaults=True)
                return [SlotSet(ALERT_OFFER_SLOT, offered)]
            search_in = SavedSearchIn(label=described[:200], filters=filters)
            watchlist_service.save_search(db_session=db_session, buyer_id=buyer,
                                          search_in=search_in)  # fmt: skip
        response = "utter_search_saved_alerts_on" if said_yes else "utter_search_saved"
        dispatcher.utter_message(response=response, search=described)
        return [SlotSet(ALERT_OFFER_SLOT, None)]


def _intent(tracker: Tracker) -> str:
    return str(((tracker.latest_message or {}).get("intent") or {}).get("name") or "")


def _alerts_allowed(db_session: Session, buyer: int) -> bool:
    found = db_session.get(Buyer, buyer)
    return found is not None and privacy_service.alerts_allowed(found)


def _search_asked(tracker: Tracker, db_session: Session) -> VehicleFilters | None:
    """The search in the buyer's words ("tell me when a Hilux under 20k comes in"); for words
    that name none ("save this search"), the last search shown; None without either."""
    understood = _typed_search(tracker, db_session)
    if understood is not None and understood.mentioned:
        return understood.filters
    last = tracker.get_slot(FILTERS_SLOT)
    return _filters(last.get("filters") if isinstance(last, dict) else None)


def _offered_search(tracker: Tracker) -> VehicleFilters | None:
    """The search the last alerts offer was about."""
    return _filters(tracker.get_slot(ALERT_OFFER_SLOT))


def _filters(value: object) -> VehicleFilters | None:
    if not isinstance(value, dict) or not value:
        return None
    try:
        return VehicleFilters.model_validate(value)
    except ValidationError:
        return None
