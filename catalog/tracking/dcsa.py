"""Carriers' DCSA Track & Trace events read into `TrackingEvent`s, one parser per DCSA version.

A version is a `Dialect` in `DIALECTS`: how its body holds the events (2.2 pushes a JSON list of
events to our callback, and an event alone is accepted too) and how one event reads. DCSA 3.0
(the pushed ``POST /events``: ``{"events": [...]}`` with `eventClassification`,
`equipmentDetails`, `transportDetails`, `shipmentDetails`) is one more entry whose parser maps
its names onto the same `TrackingEvent`.

DCSA 2.2, as read here (field names from DCSA's OpenAPI, tnt/v2 and the Event domain 1.0.x):
- required: `eventID` (optional in DCSA's schema, but without it an event cannot be replaced
  nor retracted, so we refuse it), `eventCreatedDateTime`, `eventType` (EQUIPMENT, TRANSPORT,
  SHIPMENT), `eventClassifierCode` (PLN, EST, ACT), `eventDateTime`, and the kind's type code
  (`equipmentEventTypeCode`, `transportEventTypeCode`, `shipmentEventTypeCode`; the deprecated
  `eventTypeCode` when it is missing);
- date-times carry a UTC offset and are kept in UTC;
- the container: `equipmentReference`, else the one ``EQ`` entry of `references`;
- the place: `eventLocation`, else the `transportCall` (its `UNLocationCode`, its `location`);
  the vessel and voyage from the `transportCall` (`exportVoyageNumber`, else the deprecated
  `carrierVoyageNumber`, else `importVoyageNumber`);
- documents: `documentReferences` of type BKG (booking) and TRD (transport document), and a
  shipment event's own `documentID` when its `documentTypeCode` is one of those;
- `retractedEventID` is DCSA 3.0's; read when a 2.2 publisher sends it.

Any field we read and find of the wrong type or shape raises `InvalidEvent` naming it; fields
we do not use are not checked. In a list, one bad event does not sink the others
(`parse_events`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

from catalog.tracking.errors import InvalidEvent
from catalog.tracking.events import (
    TYPES,
    Classifier,
    DocumentKind,
    DocumentReference,
    EventKind,
    TrackingEvent,
)

DEFAULT_VERSION: Final = "2.2"
BODY: Final = "(body)"  # the field named when the whole body is wrong

_KINDS: Final = {"EQUIPMENT": EventKind.EQUIPMENT, "TRANSPORT": EventKind.TRANSPORT,
                 "SHIPMENT": EventKind.SHIPMENT}  # fmt: skip
_TYPE_FIELDS: Final = {
    EventKind.EQUIPMENT: "equipmentEventTypeCode",
    EventKind.TRANSPORT: "transportEventTypeCode",
    EventKind.SHIPMENT: "shipmentEventTypeCode",
}
_DOCUMENT_KINDS: Final = {"BKG": DocumentKind.BOOKING, "TRD": DocumentKind.TRANSPORT_DOCUMENT}
_UN_LOCODE = re.compile(r"[A-Z]{2}[A-Z2-9]{3}")
_IMO_NUMBER = re.compile(r"\d{7}")


@dataclass(frozen=True)
class EventError:
    """Why the event at `index` of a pushed list was refused (the others were read)."""

    index: int
    event_id: str | None
    field: str
    reason: str

    @property
    def message(self) -> str:
        return f"event {self.index}: {self.field}: {self.reason}"


@dataclass(frozen=True)
class Dialect:
    """One DCSA version: the raw events a body holds, and how one of them reads."""

    events: Callable[[object], Sequence[object]]
    parse: Callable[[Mapping[str, object]], TrackingEvent]


def parse_event(raw: object, version: str = DEFAULT_VERSION) -> TrackingEvent:
    """One event (a decoded JSON object) of DCSA `version`.

    Raises:
        InvalidEvent: not an object, or a field missing, of the wrong type or shape.
        ValueError: no parser for `version`.
    """
    dialect = _dialect(version)
    if not isinstance(raw, Mapping):
        raise InvalidEvent(BODY, f"an event is a JSON object, not {_json_type(raw)}")
    try:
        return dialect.parse(raw)
    except InvalidEvent as error:
        event_id = raw.get("eventID")
        raise InvalidEvent(error.field, error.reason,
                           event_id if isinstance(event_id, str) else None) from None  # fmt: skip


def parse_events(
    payload: object, version: str = DEFAULT_VERSION
) -> tuple[list[TrackingEvent], list[EventError]]:
    """The events of a pushed body (decoded JSON), and an error for each one refused.

    Raises:
        InvalidEvent: a body that holds no events at all (field `BODY`).
        ValueError: no parser for `version`.
    """
    dialect = _dialect(version)
    events: list[TrackingEvent] = []
    errors: list[EventError] = []
    for index, raw in enumerate(dialect.events(payload)):
        try:
            events.append(parse_event(raw, version))
        except InvalidEvent as error:
            errors.append(EventError(index, error.event_id, error.field, error.reason))
    return events, errors


def _dialect(version: str) -> Dialect:
    try:
        return DIALECTS[version]
    except KeyError:
        raise ValueError(f"no DCSA parser for version {version!r}") from None


# -- DCSA 2.2 ------------------------------------------------------------------------------


def v2_events(payload: object) -> Sequence[object]:
    """A 2.2 callback's body is a list of events; one event alone is read as a list of one."""
    if isinstance(payload, list):
        return payload
    if isinstance(payload, Mapping):
        return [payload]
    raise InvalidEvent(BODY, f"expected an event or a list of events, not {_json_type(payload)}")


def parse_v2_event(raw: Mapping[str, object]) -> TrackingEvent:
    """One DCSA 2.2 event (see the module's rules). Raises InvalidEvent."""
    event = _Fields(raw)
    kind = _kind(event)
    place, call = event.child("eventLocation"), event.child("transportCall")
    call_place, vessel = call.child("location"), call.child("vessel")
    return TrackingEvent(
        event_id=event.required("eventID"),
        kind=kind,
        type_code=_type_code(event, kind),
        classifier=_classifier(event),
        event_time=event.time("eventDateTime"),
        created_time=event.time("eventCreatedDateTime"),
        container_number=_container(event),
        location_code=_first(_locode(place), _locode(call), _locode(call_place)),
        location_name=_first(place.text("locationName"), call_place.text("locationName")),
        vessel_name=vessel.text("vesselName"),
        vessel_imo=vessel.matching("vesselIMONumber", _IMO_NUMBER, "7 digits"),
        voyage=_first(call.text("exportVoyageNumber"), call.text("carrierVoyageNumber"),
                      call.text("importVoyageNumber")),
        document_references=_documents(event, kind),
        retracted_event_id=event.text("retractedEventID"),
    )  # fmt: skip


def _kind(event: _Fields) -> EventKind:
    name = event.required("eventType")
    if name not in _KINDS:
        raise InvalidEvent("eventType", f"{name!r} is not one of {', '.join(sorted(_KINDS))}")
    return _KINDS[name]


def _type_code(event: _Fields, kind: EventKind) -> str:
    field = _TYPE_FIELDS[kind]
    if event.text(field) is None and event.text("eventTypeCode") is not None:
        field = "eventTypeCode"  # deprecated in 2.x, still sent by some
    code = event.required(field)
    if code not in TYPES[kind]:
        known = ", ".join(sorted(TYPES[kind]))
        raise InvalidEvent(field, f"{code!r} is not a DCSA {kind.value} event type ({known})")
    return code


def _classifier(event: _Fields) -> Classifier:
    code = event.required("eventClassifierCode")
    try:
        return Classifier(code)
    except ValueError:
        raise InvalidEvent("eventClassifierCode", f"{code!r} is not PLN, EST or ACT") from None


def _container(event: _Fields) -> str | None:
    reference = event.text("equipmentReference")
    if reference is not None:
        return reference.upper()
    equipment = [item.text("referenceValue") for item in event.items("references")
                 if item.text("referenceType") == "EQ"]  # fmt: skip
    return equipment[0].upper() if len(equipment) == 1 and equipment[0] else None


def _locode(place: _Fields) -> str | None:
    return place.matching("UNLocationCode", _UN_LOCODE, "a UN/LOCODE (5 letters, like NGLOS)")


def _documents(event: _Fields, kind: EventKind) -> tuple[DocumentReference, ...]:
    found: list[DocumentReference] = []
    if kind is EventKind.SHIPMENT:
        found += _document(event.text("documentTypeCode"), event.text("documentID"))
    for item in event.items("documentReferences"):
        found += _document(item.text("documentReferenceType"),
                           item.text("documentReferenceValue"))  # fmt: skip
    return tuple(dict.fromkeys(found))


def _document(code: str | None, value: str | None) -> list[DocumentReference]:
    kind = _DOCUMENT_KINDS.get(code or "")
    return [DocumentReference(kind, value)] if kind is not None and value else []


def _first(*values: str | None) -> str | None:
    return next((value for value in values if value is not None), None)


DIALECTS: Final[Mapping[str, Dialect]] = {"2.2": Dialect(v2_events, parse_v2_event)}


# -- reading JSON fields, naming the one refused --------------------------------------------


@dataclass(frozen=True)
class _Fields:
    """An event's JSON object (or one nested in it, at `path`), read field by field."""

    raw: Mapping[str, object]
    path: str = ""

    def name(self, key: str) -> str:
        return f"{self.path}{key}"

    def text(self, key: str) -> str | None:
        """A string field, stripped; None when missing, null or blank."""
        value = self.raw.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            raise InvalidEvent(self.name(key), f"must be a string, not {_json_type(value)}")
        return value.strip() or None

    def required(self, key: str) -> str:
        value = self.text(key)
        if value is None:
            raise InvalidEvent(self.name(key), "is missing")
        return value

    def matching(self, key: str, pattern: re.Pattern[str], shape: str) -> str | None:
        value = self.text(key)
        if value is not None and not pattern.fullmatch(value):
            raise InvalidEvent(self.name(key), f"{value!r} is not {shape}")
        return value

    def time(self, key: str) -> datetime:
        """A required date-time with a UTC offset, in UTC."""
        value = self.required(key)
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            raise InvalidEvent(self.name(key), f"{value!r} is not an ISO 8601 date-time") from None
        if parsed.utcoffset() is None:
            raise InvalidEvent(self.name(key), f"{value!r} has no UTC offset")
        return parsed.astimezone(UTC)

    def child(self, key: str) -> _Fields:
        """A nested object; an empty one when missing or null."""
        value = self.raw.get(key)
        if value is None:
            return _Fields({}, f"{self.name(key)}.")
        if not isinstance(value, Mapping):
            raise InvalidEvent(self.name(key), f"must be an object, not {_json_type(value)}")
        return _Fields(value, f"{self.name(key)}.")

    def items(self, key: str) -> list[_Fields]:
        """A list of objects; empty when missing or null."""
        value = self.raw.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise InvalidEvent(self.name(key), f"must be a list, not {_json_type(value)}")
        items: list[_Fields] = []
        for index, item in enumerate(value):
            if not isinstance(item, Mapping):
                raise InvalidEvent(f"{self.name(key)}[{index}]",
                                   f"must be an object, not {_json_type(item)}")  # fmt: skip
            items.append(_Fields(item, f"{self.name(key)}[{index}]."))
        return items


def _json_type(value: object) -> str:
    """The JSON name of a decoded value's type, for error messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "a list" if isinstance(value, list) else "an object"
