"""Alerts on the vehicles a transaction added or changed: the saved searches each now matches,
and a price drop told to the vehicle's watchers; outbox entries in the caller's transaction.

A saved search alerts on a vehicle that arrives or changes after it was saved (a vehicle
re-priced into its price range is such a change), once per (search, vehicle) whatever happens
later: the pair is recorded in `saved_search_hits`, and only the pairs a change adds there are
told. A change's new pairs become one alert per saved search, listing its vehicles: an import of
25 Toyotas is one message to the buyer who saved "Toyota", not 25 (which WhatsApp would count
against the buyer's marketing limit, and the buyer against us). Only available vehicles, only
active searches, only buyers who may be alerted (consent given, alerts not stopped, data not
erased).

A match means exactly what the catalog search means for the same filters
(`catalog/vehicles/search.py`, `_conditions`), so a buyer told of a vehicle finds it by running
the saved search; `tests/catalog/test_matching.py` holds the search as the oracle.

- Make and model names are read as the search reads them: the name in stock they are, exactly or
  with a small typo, then compared by `name_key`. A saved search stores the filters the buyer's
  words were read into (names normalised already by dialogs/understanding), so this nearly always
  is plain key equality; reading them again costs one look-up per distinct name, and a stored
  "Toyta" finds what the search shows for it. The names are read from this session (the new
  vehicles included), where the search's cache may be a minute old.
- Free `text` is read into phrases as the search reads it: make, model and attribute words become
  the same key and equality checks, and the other phrases go to the database's own full-text
  index (the search's `full_text`), one query per distinct phrase over the candidate vehicles.
  FTS5 and tsvector tokenise differently; imitating them in Python is how the two would drift.
- Colour and location compare as each backend's lower() and LIKE do.

It is one pass, not one search per saved search: the candidate searches are read in one query,
each is put in a bucket by its most selective equality (make, else body type, else none) and
checks only the vehicles of its bucket within its price range (bisect on prices), the other
predicates in Python.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from functools import cache
from typing import Any, Final

from pydantic import ValidationError
from sqlalchemy import ColumnElement, bindparam, select, text
from sqlalchemy.orm import Session

from catalog.buyers.models import Buyer
from catalog.database import UTCDateTime, utcnow
from catalog.outbox import service as outbox
from catalog.text import fold, name_key
from catalog.vehicles.changes import PriceDrop, VehicleChanges
from catalog.vehicles.models import ListingStatus, Vehicle
from catalog.vehicles.schemas import VehicleFilters
from catalog.vehicles.search import ATTRIBUTE_WORDS, full_text
from catalog.vehicles.vocabulary import Vocabulary
from catalog.watchlist.models import SavedSearch, WatchlistEntry

logger = logging.getLogger(__name__)

SUBJECT: Final = "vehicle"
SEARCH_SUBJECT: Final = "saved_search"
SEARCH_MATCH: Final = "search.match"
PRICE_DROP: Final = "watch.price_drop"
_IDS_PER_QUERY: Final = 500  # ids in one IN list
_NO_PRICE: Final = (-1, 2**63)  # bounds of an open price range, for bisect

Check = Callable[["_Stock"], bool]
Bucket = tuple[str, str]  # ("make", "toyota"), ("body", "suv"), ("any", "")


@dataclass(frozen=True)
class Match:
    saved_search_id: int
    vehicle_id: int
    buyer_id: int
    label: str


def _entry(matches: Sequence[Match]) -> outbox.Entry:
    """One saved search's new vehicles, as one alert: its key names the search and the set."""
    first = matches[0]
    vehicles = sorted({match.vehicle_id for match in matches})
    digest = hashlib.sha1(",".join(map(str, vehicles)).encode(), usedforsecurity=False)
    return outbox.Entry(
        kind=SEARCH_MATCH, key=f"{SEARCH_MATCH}:{first.saved_search_id}:{digest.hexdigest()[:20]}",
        buyer_id=first.buyer_id,
        payload={"saved_search_id": first.saved_search_id, "label": first.label,
                 "vehicle_ids": vehicles},
    )  # fmt: skip


@dataclass(frozen=True)
class Alerted:
    """How many alerts a change offered the outbox (one recorded already is not written again)."""

    search_matches: int = 0
    price_drops: int = 0


def alert_changes(*, db_session: Session, changes: VehicleChanges) -> Alerted:
    """Write the alerts of the vehicles in `changes`: saved-search matches and price drops."""
    if not changes:
        return Alerted()
    matches = alert_matches(db_session=db_session, vehicle_ids=changes.vehicle_ids)
    drops = alert_price_drops(db_session=db_session, drops=changes.price_drops)
    return Alerted(search_matches=matches, price_drops=drops)


def alert_matches(*, db_session: Session, vehicle_ids: Collection[int]) -> int:
    """Record the (saved search, vehicle) pairs that match and are new, and add one
    "search.match" entry per saved search listing its new vehicles (a re-import adds no pair,
    so writes nothing); returns how many pairs matched."""
    matches = find_matches(db_session=db_session, vehicle_ids=vehicle_ids)
    fresh = _new_hits(db_session, matches)
    by_search: dict[int, list[Match]] = defaultdict(list)
    for match in matches:
        if (match.saved_search_id, match.vehicle_id) in fresh:
            by_search[match.saved_search_id].append(match)
    entries = [(search, _entry(found)) for search, found in by_search.items()]
    outbox.add_about_many(db_session, SEARCH_SUBJECT, entries)
    return len(matches)


def _new_hits(db_session: Session, matches: Sequence[Match]) -> set[tuple[int, int]]:
    """Record the pairs in `saved_search_hits`; those that were not there before. One
    statement whatever the number of pairs (PostgreSQL: two arrays unnested; SQLite: a JSON
    array read by json_each): an import's 250,000 pairs in about a second."""
    if not matches:
        return set()
    pairs = sorted({(m.saved_search_id, m.vehicle_id) for m in matches})
    parameters: dict[str, Any]
    if db_session.get_bind().dialect.name == "postgresql":
        statement, parameters = (
            _HITS_POSTGRESQL,
            {
                "searches": [search for search, _ in pairs],
                "vehicles": [vehicle for _, vehicle in pairs],
            },
        )
    else:
        statement, parameters = _HITS_SQLITE, {"pairs": json.dumps(pairs)}
    inserted = db_session.execute(statement, {**parameters, "now": utcnow()})
    return {(int(search), int(vehicle)) for search, vehicle in inserted}


_HITS_POSTGRESQL: Final = text(
    "INSERT INTO saved_search_hits (saved_search_id, vehicle_id, created_at)"
    " SELECT s, v, :now FROM unnest(CAST(:searches AS integer[]), CAST(:vehicles AS integer[]))"
    " AS pairs(s, v)"
    " ON CONFLICT (saved_search_id, vehicle_id) DO NOTHING"
    " RETURNING saved_search_id, vehicle_id"
).bindparams(bindparam("now", type_=UTCDateTime()))
_HITS_SQLITE: Final = text(
    "INSERT INTO saved_search_hits (saved_search_id, vehicle_id, created_at)"
    " SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), :now"
    " FROM json_each(:pairs) WHERE true"  # WHERE: SQLite's parser needs it before ON CONFLICT
    " ON CONFLICT (saved_search_id, vehicle_id) DO NOTHING"
    " RETURNING saved_search_id, vehicle_id"
).bindparams(bindparam("now", type_=UTCDateTime()))


def alert_price_drops(*, db_session: Session, drops: Sequence[PriceDrop]) -> int:
    """Add a "watch.price_drop" entry per watcher of each available vehicle whose price went
    down, once per new price; returns how many."""
    if not drops:
        return 0
    by_vehicle = {drop.vehicle_id: drop for drop in drops}
    watchers: dict[int, list[int]] = defaultdict(list)
    for ids in _chunks(by_vehicle):
        statement = (
            select(WatchlistEntry.vehicle_id, WatchlistEntry.buyer_id)
            .join(Buyer, Buyer.id == WatchlistEntry.buyer_id)
            .join(Vehicle, Vehicle.id == WatchlistEntry.vehicle_id)
            .where(WatchlistEntry.vehicle_id.in_(ids), Vehicle.status == ListingStatus.AVAILABLE,
                   *_may_be_alerted())
            .order_by(WatchlistEntry.vehicle_id, WatchlistEntry.buyer_id)
        )  # fmt: skip
        for vehicle_id, buyer_id in db_session.execute(statement):
            watchers[vehicle_id].append(buyer_id)
    for vehicle_id, buyers in watchers.items():
        outbox.add(db_session, SUBJECT, vehicle_id, [_drop_entry(by_vehicle[vehicle_id], buyer)
                                                     for buyer in buyers])  # fmt: skip
    return sum(len(buyers) for buyers in watchers.values())


def _chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), _IDS_PER_QUERY):
        yield ordered[start : start + _IDS_PER_QUERY]


def _drop_entry(drop: PriceDrop, buyer_id: int) -> outbox.Entry:
    return outbox.Entry(
        kind=PRICE_DROP, key=f"{PRICE_DROP}:{drop.vehicle_id}:{buyer_id}:{drop.new_price_cents}",
        buyer_id=buyer_id,
        payload={"vehicle_id": drop.vehicle_id, "old_price_cents": drop.old_price_cents,
                 "new_price_cents": drop.new_price_cents, "currency": drop.currency},
    )  # fmt: skip


def _may_be_alerted() -> list[ColumnElement[bool]]:
    return [Buyer.consent_given_at.is_not(None), Buyer.opted_out_at.is_(None),
            Buyer.erased_at.is_(None)]  # fmt: skip


# --- Matching -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Stock:
    """The columns of a vehicle the filters read."""

    id: int
    make_key: str
    model_key: str
    year: int
    price_cents: int
    mileage_km: int
    seats: int | None
    body_type: str
    fuel: str
    transmission: str
    drive: str
    steering: str
    yard_country: str
    dealer_id: int
    colour: str
    yard_city: str
    yard_region: str
    export_port: str
    updated_at: datetime


_STOCK_COLUMNS = [getattr(Vehicle, name) for name in _Stock.__dataclass_fields__]


@dataclass(frozen=True, slots=True)
class _Search:
    id: int
    buyer_id: int
    label: str
    created_at: datetime
    buckets: tuple[Bucket, ...] = ()
    price_low: int = _NO_PRICE[0]
    price_high: int = _NO_PRICE[1]
    checks: tuple[Check, ...] = ()
    phrases: tuple[str, ...] = ()  # each must be found by the full-text index

    def accepts(self, vehicle: _Stock) -> bool:
        return self.created_at <= vehicle.updated_at and all(
            check(vehicle) for check in self.checks
        )


def find_matches(*, db_session: Session, vehicle_ids: Collection[int]) -> list[Match]:
    """Every (active saved search of a buyer who may be alerted, available vehicle among
    `vehicle_ids`) that the search matches, the search saved before the vehicle last changed;
    in vehicle, then search order. Writes nothing."""
    stock = _stock(db_session, vehicle_ids)
    if not stock:
        return []
    reader = _Reader(db_session)
    searches = _searches(db_session, reader, latest=max(v.updated_at for v in stock))
    pairs = list(_candidate_pairs(searches, stock))
    texts = [(search, vehicle) for search, vehicle in pairs if search.phrases]
    found = _found_by_full_text(db_session, {phrase for search, _ in texts
                                             for phrase in search.phrases},
                                {vehicle.id for _, vehicle in texts})  # fmt: skip
    matches = [
        Match(search.id, vehicle.id, search.buyer_id, search.label)
        for search, vehicle in pairs
        if all(vehicle.id in found[phrase] for phrase in search.phrases)
    ]
    return sorted(matches, key=lambda match: (match.vehicle_id, match.saved_search_id))


def _stock(db_session: Session, vehicle_ids: Collection[int]) -> list[_Stock]:
    stock: list[_Stock] = []
    for ids in _chunks(vehicle_ids):
        statement = select(*_STOCK_COLUMNS).where(
            Vehicle.id.in_(ids), Vehicle.status == ListingStatus.AVAILABLE
        )
        stock += [_Stock(**row) for row in db_session.execute(statement).mappings()]
    return stock


def _searches(db_session: Session, reader: _Reader, *, latest: datetime) -> list[_Search]:
    statement = (
        select(SavedSearch.id, SavedSearch.buyer_id, SavedSearch.label, SavedSearch.filters,
               SavedSearch.created_at)
        .join(Buyer, Buyer.id == SavedSearch.buyer_id)
        .where(SavedSearch.active.is_(True), SavedSearch.created_at <= latest, *_may_be_alerted())
        .order_by(SavedSearch.id)
    )  # fmt: skip
    searches = []
    for saved_id, buyer_id, label, raw, created_at in db_session.execute(statement):
        try:
            filters = VehicleFilters.model_validate(raw)
        except ValidationError as error:  # data outlives code: one bad row stops no import
            reason = error.errors()[0]["msg"]
            logger.warning("saved search %s holds filters no longer valid: %s", saved_id, reason,
                           extra={"saved_search_id": saved_id})  # fmt: skip
            continue
        compiled = _compile(_Search(saved_id, buyer_id, label, created_at), filters, reader)
        if compiled is not None:
            searches.append(compiled)
    return searches


def _candidate_pairs(searches: Iterable[_Search], stock: list[_Stock]) -> Iterator[
    tuple[_Search, _Stock]
]:  # fmt: skip
    """The pairs passing every check but full text: each search against its buckets' vehicles
    within its price range."""
    groups: dict[Bucket, list[_Stock]] = defaultdict(list)
    for vehicle in sorted(stock, key=lambda vehicle: (vehicle.price_cents, vehicle.id)):
        groups["make", vehicle.make_key].append(vehicle)
        groups["body", str(vehicle.body_type)].append(vehicle)
        groups["any", ""].append(vehicle)
    prices = {
        bucket: [vehicle.price_cents for vehicle in group] for bucket, group in groups.items()
    }
    for search in searches:
        for bucket in search.buckets:
            group = groups.get(bucket)
            if group is None:
                continue
            low = bisect_left(prices[bucket], search.price_low)
            high = bisect_right(prices[bucket], search.price_high)
            for vehicle in group[low:high]:
                if search.accepts(vehicle):
                    yield search, vehicle


def _found_by_full_text(
    db_session: Session, phrases: set[str], vehicle_ids: set[int]
) -> dict[str, set[int]]:
    """For each phrase, which of the vehicles the full-text index finds it in."""
    found: dict[str, set[int]] = {}
    for phrase in sorted(phrases):
        condition = full_text(db_session, [phrase])
        found[phrase] = set()
        for ids in _chunks(vehicle_ids):
            statement = select(Vehicle.id).where(Vehicle.id.in_(ids), condition)
            found[phrase].update(db_session.scalars(statement))
    return found


# --- Filters into checks, as catalog/vehicles/search.py reads them -------------------------------


class _Reader:
    """The names in stock and the backend's text rules, with what was read once remembered:
    10,000 saved searches name a few hundred makes, models and phrases."""

    def __init__(self, db_session: Session) -> None:
        pairs = db_session.execute(select(Vehicle.make, Vehicle.model).distinct()).all()
        self.vocabulary = Vocabulary.from_names([(make, model) for make, model in pairs])
        self.dialect = db_session.get_bind().dialect.name
        self.lower: Callable[[str], str] = _ascii_lower if self.dialect == "sqlite" else str.lower
        self.make_key = cache(self._make_key)
        self.model_key = cache(self._model_key)
        self.phrases = cache(self._phrases)
        self.like = cache(self._like)

    def _make_key(self, make: str) -> str:
        return name_key(self.vocabulary.closest(make, self.vocabulary.makes) or make)

    def _model_key(self, model: str) -> str:
        return name_key(self.vocabulary.closest(model, self.vocabulary.models) or model)

    def _phrases(self, text: str) -> tuple[str, ...]:
        return tuple(self.vocabulary.read_phrases(text)[0])

    def _like(self, pattern: str) -> re.Pattern[str]:
        """SQL LIKE as the backend reads it: % any run, _ any one character; SQLite ignores the
        case of ASCII letters and has no escape, PostgreSQL keeps case and escapes with \\."""
        parts, i = [], 0
        while i < len(pattern):
            char = pattern[i]
            if char == "\\" and self.dialect == "postgresql" and i + 1 < len(pattern):
                parts.append(re.escape(pattern[i + 1]))
                i += 2
                continue
            parts.append(".*" if char == "%" else "." if char == "_" else re.escape(char))
            i += 1
        flags = re.DOTALL | (re.IGNORECASE | re.ASCII if self.dialect == "sqlite" else 0)
        return re.compile("".join(parts), flags)


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _ascii_lower(text: str) -> str:
    """SQLite's lower(): ASCII letters only."""
    return text.translate(_ASCII_LOWER)


def _compile(saved: _Search, filters: VehicleFilters, reader: _Reader) -> _Search | None:
    """`saved` with its filters as checks on one vehicle; None for a search that matches no
    available vehicle."""
    if filters.status is not ListingStatus.AVAILABLE:
        return None
    vocabulary = reader.vocabulary
    checks: list[Check] = []
    makes: frozenset[str] | None = None  # the vehicle's make key must be one of them
    if filters.make:
        makes = frozenset({reader.make_key(filters.make)})
    if filters.model:
        model = reader.model_key(filters.model)
        checks.append(lambda vehicle: vehicle.model_key == model)
        if not filters.make and model in vocabulary.makes_of_model:
            makes = vocabulary.makes_of_model[model]
    checks += _range_checks(filters)
    checks += _equality_checks(filters, reader)
    phrases: tuple[str, ...] = ()
    if filters.text:
        text_makes, text_checks, phrases = _text(reader.phrases(filters.text), vocabulary)
        checks += text_checks
        if text_makes:
            makes = text_makes if makes is None else makes & text_makes
    if makes is not None:
        buckets = tuple(("make", make) for make in sorted(makes))
        if filters.body_types:
            bodies = frozenset(filters.body_types)
            checks.append(lambda vehicle: vehicle.body_type in bodies)
    elif filters.body_types:
        buckets = tuple(("body", str(body)) for body in sorted(set(filters.body_types)))
    else:
        buckets = (("any", ""),)
    if not buckets:
        return None
    low = _NO_PRICE[0] if filters.price_min_cents is None else filters.price_min_cents
    high = _NO_PRICE[1] if filters.price_max_cents is None else filters.price_max_cents
    return replace(saved, buckets=buckets, price_low=low, price_high=high, checks=tuple(checks),
                   phrases=phrases)  # fmt: skip


def _range_checks(filters: VehicleFilters) -> list[Check]:
    """Year, mileage and seats (price is the bisect on each bucket)."""
    checks: list[Check] = []
    year_min, year_max, mileage_max = filters.year_min, filters.year_max, filters.mileage_max_km
    seats_min = filters.seats_min
    if year_min is not None:
        checks.append(lambda vehicle: vehicle.year >= year_min)
    if year_max is not None:
        checks.append(lambda vehicle: vehicle.year <= year_max)
    if mileage_max is not None:
        checks.append(lambda vehicle: vehicle.mileage_km <= mileage_max)
    if seats_min is not None:  # SQL: NULL seats are not >= anything
        checks.append(lambda vehicle: vehicle.seats is not None and vehicle.seats >= seats_min)
    return checks


def _equality_checks(filters: VehicleFilters, reader: _Reader) -> list[Check]:
    checks: list[Check] = []
    for column, value in (
        ("fuel", filters.fuel), ("transmission", filters.transmission), ("drive", filters.drive),
        ("steering", filters.steering), ("yard_country", filters.yard_country),
        ("dealer_id", filters.dealer_id),
    ):  # fmt: skip
        if value is not None:
            checks.append(_equals(column, value))
    lower = reader.lower
    if filters.colour:
        colour = fold(filters.colour)
        checks.append(lambda vehicle: lower(vehicle.colour) == colour)
    if filters.location:
        like = reader.like(f"%{fold(filters.location)}%")
        checks.append(lambda vehicle: any(
            like.fullmatch(lower(place))
            for place in (vehicle.yard_city, vehicle.yard_region, vehicle.export_port)
        ))  # fmt: skip
    return checks


def _equals(column: str, value: Any) -> Check:
    return lambda vehicle: bool(getattr(vehicle, column) == value)


def _text(
    phrases: tuple[str, ...], vocabulary: Vocabulary
) -> tuple[frozenset[str] | None, list[Check], tuple[str, ...]]:
    """The search's `_text_conditions`: whole make and model names become key checks (the makes
    returned, for the buckets), attribute words equality checks; the rest, full-text phrases."""
    keys = [name_key(phrase) for phrase in phrases]
    makes = {key for key in keys if key in vocabulary.makes}
    models = {key for key in keys if key in vocabulary.models} - makes
    attributes = {key: ATTRIBUTE_WORDS[key] for key in keys if key in ATTRIBUTE_WORDS}
    rest = tuple(phrase for phrase, key in zip(phrases, keys, strict=True)
                 if key not in makes | models | attributes.keys())  # fmt: skip
    if models and not makes:  # the model names its make
        makes = set().union(*(vocabulary.makes_of_model.get(m, frozenset()) for m in models))
    checks: list[Check] = []
    if models:
        model_keys = frozenset(models)
        checks.append(lambda vehicle: vehicle.model_key in model_keys)
    checks += [_equals(column.key, value) for column, value in attributes.values()]
    return (frozenset(makes) if makes else None), checks, rest
