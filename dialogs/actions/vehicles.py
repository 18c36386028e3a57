"""Finding vehicles in chat: a search in the buyer's own words, more results, follow-ups that keep
the search, a vehicle's details, and similar vehicles.

The message text is read by the reader of buyers' words (dialogs.understanding: makes and
models with typos and synonyms, years and ranges, prices in any currency, body, fuel, gearbox...)
rather than by Rasa's entities: it is deterministic and tested phrase by phrase. Entities Rasa did
not extract itself (those of a button's ``/intent{"make": "Toyota"}`` payload) are trusted hints.

The current search lives in slots: ``search_filters`` ({"filters", "query", "currency"}),
``search_cursor`` (where "more" starts) and ``search_cheapest`` (what "cheaper?" goes below).
"""
# rasa_sdk ships no py.typed, so its names are untyped (Any) here.
# mypy: disable-error-code="import-untyped"

from __future__ import annotations

from abc import ABCMeta, abstractmethod
from collections.abc import Mapping, Sequence
from typing import Any, Final

from pydantic import ValidationError
from rapidfuzz import fuzz, process
from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.orm import Session

from catalog.buyers import service as buyer_service
from catalog.errors import InvalidFilter, NotFound
from catalog.leads.scoring import LeadAction
from catalog.money import ExchangeRates, get_exchange_rates
from catalog.text import name_key, words
from catalog.vehicles.models import Vehicle
from catalog.vehicles.schemas import SearchPage, VehicleFilters, VehicleSummary
from catalog.vehicles.search import search_vehicles, similar_vehicles
from catalog.vehicles.vocabulary import Vocabulary, vocabulary_cache
from catalog.vehicles.world_names import usual_body_type
from chat.languages import Language
from chat.money import format_money as money
from chat.money import grouped
from chat.payloads import build_payload, is_payload
from chat.translations import attribute_word
from dialogs.actions import leads
from dialogs.actions.auctions import details_line as auction_line
from dialogs.actions.choice import current_vehicle, listed
from dialogs.actions.extras_wording import search_text
from dialogs.actions.knowledge import answer_question
from dialogs.actions.privacy import notice_first
from dialogs.actions.support import (
    VEHICLE_SLOT,
    OffLoopAction,
    buyer_id,
    catalog_sessions,
    language,
)
from dialogs.understanding import understand, understand_follow_up
from dialogs.understanding.understood import Understood, UnreadReason

PAGE_SIZE: Final = 5
FILTERS_SLOT: Final = "search_filters"
CURSOR_SLOT: Final = "search_cursor"
CHEAPEST_SLOT: Final = "search_cheapest"
QUERY_MAX: Final = 60
# Dropped one after another, until something matches, to show the nearest alternatives.
RELAXATIONS: Final = (
    ("price_min_cents", "price_max_cents"),
    ("year_min", "year_max"),
    ("mileage_max_km",),
    ("transmission", "fuel", "drive", "steering", "colour", "seats_min"),
    ("model", "body_types"),
    ("make",),
)

# The card's buttons: the label of each, and the intent it asks for.
_NEXT_STEPS: Final = (
    ("photos", "show_photos"), ("history", "vehicle_history"), ("watch", "watch_vehicle"),
    ("bid", "place_bid"), ("quote", "shipping_quote"), ("similar", "similar_vehicles"),
)  # fmt: skip
# The card's labels; the vehicle's attributes are worded by chat.translations.
LABELS: Final[Mapping[Language, Mapping[str, str]]] = {
    "en": {"price": "Price", "mileage": "Mileage", "yard": "Yard", "port": "export port",
           "condition": "Condition", "title": "Title", "vin": "VIN", "photos": "Photos",
           "history": "History", "watch": "Watch", "bid": "Bid", "quote": "Shipping quote",
           "similar": "Similar", "more": "More", "seats": "seats", "damage": "Damage"},
    "fr": {"price": "Prix", "mileage": "Kilométrage", "yard": "Parc", "port": "port d'export",
           "condition": "État", "title": "Titre", "vin": "VIN", "photos": "Photos",
           "history": "Historique", "watch": "Suivre", "bid": "Enchérir", "quote": "Devis fret",
           "similar": "Similaires", "more": "Plus", "seats": "places", "damage": "Dégâts"},
    "pt": {"price": "Preço", "mileage": "Quilometragem", "yard": "Pátio",
           "port": "porto de exportação", "condition": "Estado", "title": "Título",
           "vin": "VIN", "photos": "Fotos", "history": "Histórico", "watch": "Seguir",
           "bid": "Licitar", "quote": "Cotação frete", "similar": "Parecidos", "more": "Mais",
           "seats": "lugares", "damage": "Danos"},
}  # fmt: skip


def price_text(
    minor: int, currency: str, lang: Language, local: str | None, rates: ExchangeRates
) -> str:
    """The catalog price, and roughly the same in the buyer's currency when that is another."""
    shown = money(minor, currency, lang)
    if local and local != currency and local in rates.currencies:
        converted = rates.from_catalog(minor, local)
        shown += f" (≈ {money(converted.minor, local, lang)})"
    return shown


def _guessed_entities(tracker: Tracker) -> list[dict[str, Any]]:
    """The NLU model's entities (an extractor's): they fill only what the reader left empty."""
    entities = (tracker.latest_message or {}).get("entities") or []
    return [entity for entity in entities if isinstance(entity, dict) and entity.get("extractor")]


def _trusted_entities(tracker: Tracker) -> list[dict[str, Any]]:
    """Entities of a button's payload (no extractor): the CRF's guesses are left to the text."""
    entities = (tracker.latest_message or {}).get("entities") or []
    return [
        entity for entity in entities if isinstance(entity, dict) and not entity.get("extractor")
    ]


def _text(tracker: Tracker) -> str:
    text = str((tracker.latest_message or {}).get("text") or "")
    return "" if is_payload(text) else text  # a payload, not the buyer's words


def _saved(tracker: Tracker) -> tuple[VehicleFilters | None, str, str | None]:
    """The current search's filters, the words it was asked in, and the buyer's currency."""
    saved = tracker.get_slot(FILTERS_SLOT)
    if not isinstance(saved, dict):
        return None, "", None
    try:
        filters = VehicleFilters.model_validate(saved.get("filters") or {})
    except ValidationError:
        return None, "", None
    currency = saved.get("currency")
    return filters, str(saved.get("query") or ""), currency if isinstance(currency, str) else None


def _search_events(
    filters: VehicleFilters, query: str, currency: str | None, page: SearchPage
) -> list[EventType]:
    cheapest = min((item.price_cents for item in page.items), default=None)
    return [
        SlotSet(FILTERS_SLOT, {"filters": filters.model_dump(mode="json", exclude_defaults=True),
                               "query": query, "currency": currency}),
        SlotSet(CURSOR_SLOT, page.next_cursor),
        SlotSet(CHEAPEST_SLOT, float(cheapest) if cheapest is not None else None),
    ]  # fmt: skip


def _result_buttons(
    items: Sequence[VehicleSummary], lang: Language, currency: str | None, rates: ExchangeRates
) -> list[dict[str, str]]:
    return [
        {"title": short_title(item, lang),
         "payload": build_payload("vehicle_details", vehicle_id=item.id)}
        for item in items
    ]  # fmt: skip


def heading(filters: VehicleFilters, lang: Language) -> str:
    """A search as understood, for the line above its results: "Toyota Hilux · diesel · under
    $25,000" (not the buyer's sentence, nor its follow-ups strung together)."""
    return search_text(filters, lang, separator=" · ")


def short_title(item: VehicleSummary, lang: Language) -> str:
    """ "2016 Pilot $14,900": short enough for most buttons; a channel that must cut a longer one
    cuts it at a word and shows the whole elsewhere (a WhatsApp row's description)."""
    return f"{item.year} {item.model} {money(item.price_cents, item.currency, lang)}"


def _more_button(lang: Language) -> dict[str, str]:
    return {"title": LABELS[lang]["more"], "payload": "/more_results"}


def _lines(
    items: Sequence[VehicleSummary], lang: Language, currency: str | None, rates: ExchangeRates
) -> str:
    """The results as text too, for channels that show buttons as short titles only; numbered
    as the buttons are, so "number 2" means the second (dialogs/actions/choice.py)."""
    return "\n".join(
        f"{number}. {item.title} — "
        f"{price_text(item.price_cents, item.currency, lang, currency, rates)}, "
        f"{grouped(item.mileage_km, lang)} km, {attribute_word(item.fuel.value, lang)}, "
        f"{attribute_word(item.transmission.value, lang)}"
        for number, item in enumerate(items, start=1)
    )


def _show_list(
    dispatcher: CollectingDispatcher,
    items: Sequence[VehicleSummary],
    lang: Language,
    currency: str | None,
    *,
    more: bool = False,
) -> EventType:
    """Show vehicles as numbered lines with a button each (and "More"); remember the list."""
    rates = get_exchange_rates()
    buttons = _result_buttons(items, lang, currency, rates)
    if more:
        buttons.append(_more_button(lang))
    dispatcher.utter_message(text=_lines(items, lang, currency, rates), buttons=buttons)
    return listed([item.id for item in items])


def _offer_saved_search(dispatcher: CollectingDispatcher, understood: str) -> None:
    """After a search that found nothing (in stock now): shall I tell you when one comes in?
    (Its yes saves the search shown, asking for alerts first if the buyer has not said yes.)"""
    dispatcher.utter_message(response="utter_offer_saved_search", query=understood,
                             yes_payload="/save_search",
                             no_payload=build_payload("acknowledge", answer="no"))  # fmt: skip


def _unknown_model(understood: Understood, text: str, vocabulary: Vocabulary) -> str | None:
    """The word after the make that names no model of it ("toyota zamboni": "zamboni")."""
    make = understood.filters.make
    if not make or understood.filters.model:
        return None
    folded = " ".join(words(text))
    make_words = " ".join(words(make))
    for unread in understood.not_understood:
        word = unread.text.strip()
        if (unread.reason is UnreadReason.UNKNOWN and word.isalpha() and len(word) >= 4
                and f"{make_words} {word.casefold()}" in folded):  # fmt: skip
            return word
    return None


def _say_unknown_model(
    dispatcher: CollectingDispatcher, make: str, word: str, vocabulary: Vocabulary
) -> None:
    """ "I don't know a Toyota Zamboni": the make's models that look most alike, as searches."""
    key = name_key(make)
    models = [name for model_key, name in vocabulary.models.items()
              if key in vocabulary.makes_of_model.get(model_key, frozenset())]  # fmt: skip
    alike = [name for name, _, _ in process.extract(word, models, scorer=fuzz.ratio, limit=3)]
    if not alike:  # a make known without its models: the results say enough
        return
    buttons = [{"title": f"{make} {name}"[:20],
                "payload": build_payload("search_vehicles", make=make, model=name)}
               for name in alike]  # fmt: skip
    dispatcher.utter_message(response="utter_unknown_model", make=make, word=word.title(),
                             alike=", ".join(alike), buttons=buttons)  # fmt: skip


class _SearchAction(OffLoopAction, metaclass=ABCMeta):
    """Shared by the actions that show a page of results (abstract: rasa_sdk skips it)."""

    @abstractmethod
    def name(self) -> str: ...

    def show_page(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        db_session: Session,
        *,
        filters: VehicleFilters,
        currency: str | None,
        query: str,
    ) -> list[EventType]:
        lang = language(tracker)
        page = search_vehicles(db_session=db_session, filters=filters, limit=PAGE_SIZE)
        understood = heading(filters, lang)  # what was understood, not the words said back
        if page.items:
            dispatcher.utter_message(response="utter_search_results", query=understood)
            shown = _show_list(dispatcher, page.items, lang, currency, more=bool(page.next_cursor))
            return [*_search_events(filters, query, currency, page), shown]
        nearest = self.nearest(db_session, filters)
        if not nearest:
            dispatcher.utter_message(response="utter_nothing_close", query=understood)
            _offer_saved_search(dispatcher, understood)
            return _search_events(filters, query, currency, page)
        dispatcher.utter_message(response="utter_no_results", query=understood)
        shown = _show_list(dispatcher, nearest, lang, currency)
        _offer_saved_search(dispatcher, understood)
        return [*_search_events(filters, query, currency, page), shown]

    @staticmethod
    def nearest(db_session: Session, filters: VehicleFilters) -> list[VehicleSummary]:
        """The first matches when the search's constraints are dropped one group at a time; for
        a model not in stock whose kind is known (a BMW X5: an SUV), first others of its kind."""
        relaxed = filters.model_dump()
        body = usual_body_type(filters.make, filters.model)
        if body is not None and not filters.body_types:
            alike = {**relaxed, "make": None, "model": None, "body_types": [body]}
            page = search_vehicles(db_session=db_session,
                                   filters=VehicleFilters.model_validate(alike),
                                   limit=3)  # fmt: skip
            if page.items:
                return page.items
        for names in RELAXATIONS:
            if not any(relaxed.get(name) for name in names):
                continue
            relaxed.update(dict.fromkeys(names))
            page = search_vehicles(db_session=db_session,
                                   filters=VehicleFilters.model_validate(relaxed),
                                   limit=3)  # fmt: skip
            if page.items:
                return page.items
        return []


class ActionSearchVehicles(_SearchAction):
    def name(self) -> str:
        return "action_search_vehicles"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        text = _text(tracker)
        notice_first(dispatcher, tracker)
        with catalog_sessions()() as db_session:
            understood = understand(text, vocabulary=vocabulary_cache.get(db_session, world=True),
                                    rates=get_exchange_rates(),
                                    entities=_trusted_entities(tracker),
                                    guesses=_guessed_entities(tracker))  # fmt: skip
            if not understood.mentioned:
                dispatcher.utter_message(response="utter_ask_search")
                return []
            vocabulary = vocabulary_cache.get(db_session, world=True)
            unknown = _unknown_model(understood, text, vocabulary)
            if unknown is not None and understood.filters.make:
                _say_unknown_model(dispatcher, understood.filters.make, unknown, vocabulary)
            try:
                return self.show_page(dispatcher, tracker, db_session,
                                      filters=understood.filters, currency=understood.currency,
                                      query=text.strip()[:QUERY_MAX])  # fmt: skip
            except InvalidFilter:
                dispatcher.utter_message(response="utter_ask_search")
                return []


class ActionUnclearMessage(_SearchAction):
    """What the classifier could not place: a question the knowledge base answers, a search if
    it names what the catalog knows (a make, a model, a body type, a budget...), else the
    fallback with buttons (utter_default)."""

    def name(self) -> str:
        return "action_unclear_message"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        text = _text(tracker)
        if text and answer_question(dispatcher, tracker):  # "can I pay in instalments?"
            return []
        with catalog_sessions()() as db_session:
            understood = understand(text, vocabulary=vocabulary_cache.get(db_session, world=True),
                                    rates=get_exchange_rates())  # fmt: skip
            if text and understood.mentioned:
                notice_first(dispatcher, tracker)
                vocabulary = vocabulary_cache.get(db_session, world=True)
                unknown = _unknown_model(understood, text, vocabulary)
                if unknown is not None and understood.filters.make:
                    _say_unknown_model(dispatcher, understood.filters.make, unknown, vocabulary)
                try:
                    return self.show_page(dispatcher, tracker, db_session,
                                          filters=understood.filters,
                                          currency=understood.currency,
                                          query=text.strip()[:QUERY_MAX])  # fmt: skip
                except InvalidFilter:
                    pass
        dispatcher.utter_message(response="utter_default")
        return []


class ActionRefineSearch(_SearchAction):
    """ "cheaper ones?", "what about 2018?", "only automatic": the last search, changed."""

    def name(self) -> str:
        return "action_refine_search"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        text = _text(tracker)
        previous, query, currency = _saved(tracker)
        with catalog_sessions()() as db_session:
            vocabulary, rates = vocabulary_cache.get(db_session, world=True), get_exchange_rates()
            if previous is None:  # no search yet: read it as a new one
                understood = understand(text, vocabulary=vocabulary, rates=rates,
                                        entities=_trusted_entities(tracker),
                                        guesses=_guessed_entities(tracker))  # fmt: skip
                query = text.strip()[:QUERY_MAX]
            else:
                cheapest = tracker.get_slot(CHEAPEST_SLOT)
                understood = understand_follow_up(
                    previous, text, vocabulary=vocabulary, rates=rates,
                    entities=_trusted_entities(tracker),
                    cheapest_shown_cents=int(cheapest) if cheapest else None,
                )  # fmt: skip
                query = f"{query}, {text.strip()}"[-QUERY_MAX:]
            if not understood.mentioned and not understood.wants_cheaper:
                dispatcher.utter_message(response="utter_ask_search")
                return []
            if understood.wants_cheaper and previous is not None:
                page = search_vehicles(db_session=db_session, filters=understood.filters,
                                       limit=1)  # fmt: skip
                if not page.items:  # results come cheapest first: the buyer saw the cheapest
                    dispatcher.utter_message(
                        response="utter_nothing_cheaper", query=heading(previous, language(tracker))
                    )
                    return []
            try:
                return self.show_page(dispatcher, tracker, db_session,
                                      filters=understood.filters,
                                      currency=understood.currency or currency,
                                      query=query)  # fmt: skip
            except InvalidFilter:
                dispatcher.utter_message(response="utter_ask_search")
                return []


class ActionMoreResults(OffLoopAction):
    def name(self) -> str:
        return "action_more_results"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        filters, _, currency = _saved(tracker)
        cursor = tracker.get_slot(CURSOR_SLOT)
        if filters is None or not cursor:
            dispatcher.utter_message(response="utter_no_more_results" if filters else
                                     "utter_ask_search")  # fmt: skip
            return []
        with catalog_sessions()() as db_session:
            try:
                page = search_vehicles(db_session=db_session, filters=filters,
                                       limit=PAGE_SIZE, cursor=str(cursor))  # fmt: skip
            except InvalidFilter:
                dispatcher.utter_message(response="utter_no_more_results")
                return [SlotSet(CURSOR_SLOT, None)]
        if not page.items:
            dispatcher.utter_message(response="utter_no_more_results")
            return [SlotSet(CURSOR_SLOT, None)]
        dispatcher.utter_message(
            response="utter_more_results", query=heading(filters, language(tracker))
        )
        shown = _show_list(dispatcher, page.items, language(tracker), currency,
                           more=bool(page.next_cursor))  # fmt: skip
        return [SlotSet(CURSOR_SLOT, page.next_cursor), shown]


def _local_currency(tracker: Tracker, db_session: Session) -> str | None:
    """The currency to show prices in too: the one of the buyer's search, else their profile's."""
    _, _, currency = _saved(tracker)
    if currency:
        return currency
    buyer = buyer_id(tracker)
    if buyer is None:
        return None
    try:
        return buyer_service.get(db_session=db_session, buyer_id=buyer).currency
    except NotFound:
        return None


def details_text(
    vehicle: Vehicle, lang: Language, currency: str | None, rates: ExchangeRates
) -> str:
    labels = LABELS[lang]
    title = " ".join(str(part) for part in (vehicle.year, vehicle.make, vehicle.model,
                                            vehicle.trim) if part)  # fmt: skip
    fuel = attribute_word(vehicle.fuel.value, lang)
    # "2.5L Hybrid" or a "Camry Hybrid" says the fuel already: once is enough.
    named = f"{title} {vehicle.engine or ''}".casefold()
    specs = [f"{grouped(vehicle.mileage_km, lang)} km", vehicle.engine,
             "" if fuel.casefold() in named else fuel,
             attribute_word(vehicle.transmission.value, lang),
             vehicle.drive.value.upper(), attribute_word(vehicle.steering.value, lang),
             f"{vehicle.seats} {labels['seats']}" if vehicle.seats else ""]  # fmt: skip
    specs = [spec for spec in specs if spec]
    lines = [
        title,
        f"{labels['price']}: "
        f"{price_text(vehicle.price_cents, vehicle.currency, lang, currency, rates)}",
        f"{labels['mileage']}: " + " · ".join(specs),
        f"{labels['condition']}: {attribute_word(vehicle.condition.value, lang)} · "
        f"{labels['title']}: {attribute_word(vehicle.title_status.value, lang)}",
    ]
    if vehicle.damage_notes:
        lines.append(f"{labels['damage']}: {vehicle.damage_notes}")
    lines += [
        f"{labels['yard']}: {vehicle.yard_city}, {vehicle.yard_region}, {vehicle.yard_country}"
        f" → {labels['port']} {vehicle.export_port}",
        f"{labels['vin']}: {vehicle.vin}",
    ]
    return "\n".join(lines)


def details_buttons(vehicle_id: int, lang: Language) -> list[dict[str, str]]:
    labels = LABELS[lang]
    return [
        {"title": labels[label], "payload": build_payload(intent, vehicle_id=vehicle_id)}
        for label, intent in _NEXT_STEPS
    ]


class ActionVehicleDetails(OffLoopAction):
    def name(self) -> str:
        return "action_vehicle_details"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        lang = language(tracker)
        notice_first(dispatcher, tracker)  # a link from a web page can be a first contact
        with catalog_sessions()() as db_session:
            vehicle = current_vehicle(tracker, db_session)
            if vehicle is None:
                dispatcher.utter_message(response="utter_no_vehicle")
                return []
            currency = _local_currency(tracker, db_session)
            text = details_text(vehicle, lang, currency, get_exchange_rates())
            auction = auction_line(db_session, vehicle, buyer_id(tracker), lang)
            if auction is not None:
                text += "\n🔨 " + auction
            dispatcher.utter_message(text=text, buttons=details_buttons(vehicle.id, lang))
            shown = vehicle.id
        leads.note_apart(buyer_id(tracker), shown, LeadAction.DETAILS)
        return [SlotSet(VEHICLE_SLOT, str(shown))]


class ActionSimilarVehicles(OffLoopAction):
    def name(self) -> str:
        return "action_similar_vehicles"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        _, _, currency = _saved(tracker)
        with catalog_sessions()() as db_session:
            vehicle = current_vehicle(tracker, db_session)
            if vehicle is None:
                dispatcher.utter_message(response="utter_no_vehicle")
                return []
            title = f"{vehicle.year} {vehicle.make} {vehicle.model}"
            similar = similar_vehicles(db_session=db_session, vehicle=vehicle)
        chosen = SlotSet(VEHICLE_SLOT, str(vehicle.id))
        if not similar:
            dispatcher.utter_message(response="utter_no_similar", title=title)
            return [chosen]
        dispatcher.utter_message(response="utter_similar_vehicles", title=title)
        return [chosen, _show_list(dispatcher, similar, language(tracker), currency)]


__all__ = [
    "ActionMoreResults",
    "ActionRefineSearch",
    "ActionSearchVehicles",
    "ActionSimilarVehicles",
    "ActionUnclearMessage",
    "ActionVehicleDetails",
    "details_text",
]
