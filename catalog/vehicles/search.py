"""Catalog search: structured filters, full-text with typo-tolerant names, sorting, cursor pages."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, literal_column, or_, select, text, tuple_
from sqlalchemy.orm import InstrumentedAttribute, Session

from catalog.errors import InvalidFilter
from catalog.media.models import VehicleMedia
from catalog.search_index import FTS_TABLE, TSVECTOR_COLUMN
from catalog.text import fold, name_key, words
from catalog.vehicles.models import (
    BodyType,
    Drive,
    Fuel,
    ListingStatus,
    Steering,
    Transmission,
    Vehicle,
)
from catalog.vehicles.schemas import SearchPage, VehicleFilters, VehicleSort, VehicleSummary
from catalog.vehicles.vocabulary import Vocabulary, vocabulary_cache

MAX_PAGE_SIZE = 50

# Words of free text that name a structured attribute: filtered exactly, not by full text.
ATTRIBUTE_WORDS: dict[str, tuple[InstrumentedAttribute[Any], Any]] = {
    **{fuel.value: (Vehicle.fuel, fuel) for fuel in Fuel},
    "petrol": (Vehicle.fuel, Fuel.GASOLINE),
    **{gearbox.value: (Vehicle.transmission, gearbox) for gearbox in Transmission},
    **{body.value: (Vehicle.body_type, body) for body in BodyType},
    "awd": (Vehicle.drive, Drive.AWD),
    "4wd": (Vehicle.drive, Drive.FOUR_WD),
    "4x4": (Vehicle.drive, Drive.FOUR_WD),
    "lhd": (Vehicle.steering, Steering.LHD),
    "rhd": (Vehicle.steering, Steering.RHD),
}

_SORT_COLUMNS: dict[VehicleSort, tuple[InstrumentedAttribute[Any], bool]] = {
    VehicleSort.PRICE_ASC: (Vehicle.price_cents, True),
    VehicleSort.PRICE_DESC: (Vehicle.price_cents, False),
    VehicleSort.YEAR_DESC: (Vehicle.year, False),
    VehicleSort.YEAR_ASC: (Vehicle.year, True),
    VehicleSort.MILEAGE_ASC: (Vehicle.mileage_km, True),
    VehicleSort.NEWEST: (Vehicle.created_at, False),
}

_SUMMARY_KEYS = list(VehicleSummary.model_fields)
# The first photo comes with each row (a unique (vehicle_id, position) index serves it).
_THUMBNAIL = (
    select(VehicleMedia.content_hash)
    .where(VehicleMedia.vehicle_id == Vehicle.id, VehicleMedia.position == 0)
    .scalar_subquery()
    .label("thumbnail_hash")
)
_SUMMARY_COLUMNS = [
    *(getattr(Vehicle, name) for name in _SUMMARY_KEYS if name != "thumbnail_hash"),
    _THUMBNAIL,
]


@dataclass(frozen=True)
class _Cursor:
    sort: VehicleSort
    value: Any
    last_id: int
    filters_digest: str


def search_vehicles(
    *,
    db_session: Session,
    filters: VehicleFilters,
    sort: VehicleSort = VehicleSort.PRICE_ASC,
    limit: int = 10,
    cursor: str | None = None,
) -> SearchPage:
    """One page of vehicles matching `filters`, in `sort` order.

    `cursor` is the `next_cursor` of the previous page; pages stay stable while rows are added
    elsewhere in the order. Raises `InvalidFilter` for a bad page size or a foreign cursor.
    """
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise InvalidFilter(f"page size must be between 1 and {MAX_PAGE_SIZE}, not {limit}")
    vocabulary = vocabulary_cache.get(db_session)
    conditions, corrections = _conditions(db_session, filters, vocabulary)
    digest = _filters_digest(filters, sort)
    column, ascending = _SORT_COLUMNS[sort]
    extra = [] if column.key in VehicleSummary.model_fields else [column]
    query = select(*_SUMMARY_COLUMNS, *extra).where(*conditions)
    if cursor is not None:
        position = _decode_cursor(cursor, sort, digest)
        after = tuple_(column, Vehicle.id)
        bound = tuple_(position.value, position.last_id)
        query = query.where(after > bound if ascending else after < bound)
    order = (column.asc(), Vehicle.id.asc()) if ascending else (column.desc(), Vehicle.id.desc())
    # Plain rows, not ORM entities: Core execution skips the ORM's per-statement work.
    statement = query.order_by(*order).limit(limit + 1)
    rows = db_session.connection().execute(statement).mappings().all()
    items = [
        VehicleSummary.model_validate({key: row[key] for key in _SUMMARY_KEYS})
        for row in rows[:limit]
    ]
    next_cursor = None
    if len(rows) > limit:
        last = rows[limit - 1]
        next_cursor = _encode_cursor(_Cursor(sort, last[column.key], last["id"], digest))
    return SearchPage(items=items, next_cursor=next_cursor, corrections=corrections)


def _conditions(
    db_session: Session, filters: VehicleFilters, vocabulary: Vocabulary
) -> tuple[list[ColumnElement[bool]], dict[str, str]]:
    corrections: dict[str, str] = {}
    conditions: list[ColumnElement[bool]] = [Vehicle.status == filters.status]
    if filters.make:
        make = vocabulary.closest(filters.make, vocabulary.makes) or filters.make
        _note_correction(corrections, filters.make, make)
        conditions.append(Vehicle.make_key == name_key(make))
    if filters.model:
        model = vocabulary.closest(filters.model, vocabulary.models) or filters.model
        _note_correction(corrections, filters.model, model)
        conditions.append(Vehicle.model_key == name_key(model))
        if not filters.make and name_key(model) in vocabulary.makes_of_model:
            makes = vocabulary.makes_of_model[name_key(model)]
            conditions.append(Vehicle.make_key.in_(sorted(makes)))
    conditions.extend(_range_conditions(filters))
    conditions.extend(_equality_conditions(filters))
    if filters.location:
        pattern = f"%{fold(filters.location)}%"
        conditions.append(
            or_(
                func.lower(Vehicle.yard_city).like(pattern),
                func.lower(Vehicle.yard_region).like(pattern),
                func.lower(Vehicle.export_port).like(pattern),
            )
        )
    if filters.text:
        phrases, typed = vocabulary.read_phrases(filters.text)
        corrections.update(typed)
        conditions.extend(_text_conditions(db_session, phrases, vocabulary))
    return conditions, corrections


def _text_conditions(
    db_session: Session, phrases: list[str], vocabulary: Vocabulary
) -> list[ColumnElement[bool]]:
    """Whole make and model names become indexed key filters; other words go to full text."""
    makes = {name_key(p) for p in phrases if name_key(p) in vocabulary.makes}
    models = {name_key(p) for p in phrases if name_key(p) in vocabulary.models} - makes
    attributes = {name_key(p): ATTRIBUTE_WORDS[name_key(p)] for p in phrases
                  if name_key(p) in ATTRIBUTE_WORDS}  # fmt: skip
    rest = [p for p in phrases if name_key(p) not in makes | models | attributes.keys()]
    if models and not makes:  # the model names its make: lets the make/model index serve
        makes = set().union(*(vocabulary.makes_of_model.get(m, frozenset()) for m in models))
    conditions: list[ColumnElement[bool]] = []
    if makes:
        conditions.append(Vehicle.make_key.in_(sorted(makes)))
    if models:
        conditions.append(Vehicle.model_key.in_(sorted(models)))
    for column, value in attributes.values():
        conditions.append(column == value)
    if rest:
        conditions.append(full_text(db_session, rest))
    return conditions


def _note_correction(corrections: dict[str, str], typed: str, known: str) -> None:
    if name_key(typed) != name_key(known):
        corrections[typed] = known


def _range_conditions(filters: VehicleFilters) -> list[ColumnElement[bool]]:
    bounds: list[tuple[InstrumentedAttribute[int], int | None, int | None]] = [
        (Vehicle.year, filters.year_min, filters.year_max),
        (Vehicle.price_cents, filters.price_min_cents, filters.price_max_cents),
        (Vehicle.mileage_km, None, filters.mileage_max_km),
    ]
    conditions: list[ColumnElement[bool]] = []
    for column, low, high in bounds:
        if low is not None:
            conditions.append(column >= low)
        if high is not None:
            conditions.append(column <= high)
    if filters.seats_min is not None:
        conditions.append(Vehicle.seats >= filters.seats_min)
    return conditions


def _equality_conditions(filters: VehicleFilters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.body_types:
        conditions.append(Vehicle.body_type.in_(filters.body_types))
    for column, value in (
        (Vehicle.fuel, filters.fuel),
        (Vehicle.transmission, filters.transmission),
        (Vehicle.drive, filters.drive),
        (Vehicle.steering, filters.steering),
        (Vehicle.yard_country, filters.yard_country),
        (Vehicle.dealer_id, filters.dealer_id),
    ):
        if value is not None:
            conditions.append(column == value)
    if filters.colour:
        conditions.append(func.lower(Vehicle.colour) == fold(filters.colour))
    return conditions


def full_text(db_session: Session, phrases: list[str]) -> ColumnElement[bool]:
    """Every phrase must appear; the last word of each may be a prefix ('coro' finds Corolla).
    Saved-search matching asks it one phrase at a time (catalog/watchlist/matching.py)."""
    tokenised = [words(phrase) for phrase in phrases]
    tokenised = [tokens for tokens in tokenised if tokens]
    if db_session.get_bind().dialect.name == "sqlite":
        match = " AND ".join('"' + " ".join(tokens) + '"*' for tokens in tokenised)
        matching_ids = text(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :match")
        return Vehicle.id.in_(matching_ids.bindparams(match=match))
    query = " & ".join("(" + " <-> ".join(tokens) + ":*)" for tokens in tokenised)
    vector: ColumnElement[Any] = literal_column(f"vehicles.{TSVECTOR_COLUMN}")
    return and_(vector.op("@@")(func.to_tsquery("simple", query)))


def _filters_digest(filters: VehicleFilters, sort: VehicleSort) -> str:
    canonical = json.dumps([filters.model_dump(mode="json"), sort.value], sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()[:12]


def _encode_cursor(cursor: _Cursor) -> str:
    value = cursor.value.isoformat() if isinstance(cursor.value, datetime) else cursor.value
    payload = json.dumps([cursor.sort.value, value, cursor.last_id, cursor.filters_digest])
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def _decode_cursor(raw: str, sort: VehicleSort, digest: str) -> _Cursor:
    try:
        padded = raw + "=" * (-len(raw) % 4)
        sort_name, value, last_id, filters_digest = json.loads(base64.urlsafe_b64decode(padded))
        cursor = _Cursor(VehicleSort(sort_name), value, int(last_id), str(filters_digest))
    except (ValueError, TypeError, binascii.Error) as error:
        raise InvalidFilter("this page link is damaged: start the search again") from error
    if cursor.sort != sort or cursor.filters_digest != digest:
        raise InvalidFilter("this page link belongs to another search: start the search again")
    if sort is VehicleSort.NEWEST:
        return _Cursor(sort, datetime.fromisoformat(cursor.value), cursor.last_id, digest)
    if not isinstance(cursor.value, int):
        raise InvalidFilter("this page link is damaged: start the search again")
    return cursor


SIMILAR_PRICE_SPREAD = 0.35  # a similar vehicle costs at most 35% more or less
SIMILAR_YEAR_SPREAD = 3


def similar_vehicles(
    *, db_session: Session, vehicle: Vehicle, limit: int = 5
) -> list[VehicleSummary]:
    """Available vehicles like `vehicle`: the same body type, within 35% of its price and three
    model years; the same model first, then the same make, then the closest price."""
    low = int(vehicle.price_cents * (1 - SIMILAR_PRICE_SPREAD))
    high = int(vehicle.price_cents * (1 + SIMILAR_PRICE_SPREAD))
    kinship = case(
        (and_(Vehicle.make_key == vehicle.make_key, Vehicle.model_key == vehicle.model_key), 0),
        (Vehicle.make_key == vehicle.make_key, 1),
        else_=2,
    )
    statement = (
        select(*_SUMMARY_COLUMNS)
        .where(
            Vehicle.id != vehicle.id,
            Vehicle.status == ListingStatus.AVAILABLE,
            Vehicle.body_type == vehicle.body_type,
            Vehicle.price_cents.between(low, high),
            Vehicle.year.between(
                vehicle.year - SIMILAR_YEAR_SPREAD, vehicle.year + SIMILAR_YEAR_SPREAD
            ),
        )
        .order_by(kinship, func.abs(Vehicle.price_cents - vehicle.price_cents), Vehicle.id)
        .limit(limit)
    )
    rows = db_session.connection().execute(statement).mappings().all()
    return [VehicleSummary.model_validate({key: row[key] for key in _SUMMARY_KEYS}) for row in rows]
