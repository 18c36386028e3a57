"""DCSA Track & Trace 2.2 events: DCSA's own examples read into tracking events, malformed ones
refused with the field named (one bad event in a list sinking none of the others), the ingest
rules (versions, duplicates, retractions, arrival order), and the `Notification-Signature`."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from catalog.errors import InvalidInput
from catalog.tracking.dcsa import BODY, EventError, parse_event, parse_events
from catalog.tracking.errors import BadSignature, InvalidEvent, MissingSignature
from catalog.tracking.events import (
    EQUIPMENT_TYPES,
    SHIPMENT_TYPES,
    TRANSPORT_TYPES,
    Classifier,
    DocumentKind,
    DocumentReference,
    EventKind,
    TrackingEvent,
)
from catalog.tracking.signatures import notification_signature, verify_notification_signature
from catalog.tracking.timeline import apply_events, timeline

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "dcsa"
DCSA_EVENTS = json.loads((FIXTURES / "tnt_220_events.json").read_text(encoding="utf-8"))


def dcsa_event(kind: str) -> dict[str, Any]:
    """The first of DCSA's example events of `eventType` `kind`, a copy to change."""
    found = next(event for event in DCSA_EVENTS if event["eventType"] == kind)
    return json.loads(json.dumps(found))


def equipment(**changes: Any) -> dict[str, Any]:
    """A small 2.2 equipment event (a container loaded at Lomé), with `changes` applied."""
    event: dict[str, Any] = {
        "eventID": "e-1", "eventType": "EQUIPMENT", "eventClassifierCode": "ACT",
        "eventDateTime": "2026-12-01T10:00:00+01:00",
        "eventCreatedDateTime": "2026-12-01T09:30:00Z",
        "equipmentEventTypeCode": "LOAD", "equipmentReference": "CSQU3054383",
        "emptyIndicatorCode": "LADEN",
        "transportCall": {"transportCallID": "tc-1", "modeOfTransport": "VESSEL",
                          "UNLocationCode": "TGLFW"},
    }  # fmt: skip
    event.update(changes)
    return event


def refused(raw: object) -> InvalidEvent:
    with pytest.raises(InvalidEvent) as caught:
        parse_event(raw)
    return caught.value


# -- DCSA's examples --------------------------------------------------------------------------


def test_dcsa_example_response_is_read_whole() -> None:
    events, errors = parse_events(DCSA_EVENTS)
    assert errors == []
    assert [event.kind for event in events] == [
        EventKind.TRANSPORT, EventKind.SHIPMENT, EventKind.EQUIPMENT, EventKind.TRANSPORT,
        EventKind.SHIPMENT, EventKind.EQUIPMENT, EventKind.SHIPMENT,
    ]  # fmt: skip
    assert [event.event_id[-2:] for event in events] == ["e2", "e3", "e4", "e5", "e6", "e7", "e8"]


def test_an_equipment_event_gives_container_place_vessel_voyage_and_documents() -> None:
    event = parse_event(dcsa_event("EQUIPMENT"))
    assert (event.type_code, event.classifier) == ("LOAD", Classifier.ESTIMATED)
    assert event.container_number == "APZU4812090"
    assert (event.location_code, event.location_name) == ("FRPAR", "Eiffel Tower")
    assert (event.vessel_name, event.vessel_imo, event.voyage) == ("King of the Seas",
                                                                   "9321483", "2103S")  # fmt: skip
    assert event.bookings == ("ABC123123123",)
    assert event.bills_of_lading == ("reserved-HHL123",)
    assert event.retracted_event_id is None


def test_times_are_kept_in_utc() -> None:
    event = parse_event(dcsa_event("EQUIPMENT"))  # 2019-11-12T07:41:00+08:30
    assert event.event_time == datetime(2019, 11, 11, 23, 11, tzinfo=UTC)
    assert event.event_time.utcoffset() == timedelta(0)
    assert event.created_time == datetime(2021, 1, 9, 14, 12, 56, tzinfo=UTC)


def test_a_transport_event_takes_its_place_from_the_call_and_its_container_from_eq() -> None:
    event = parse_event(dcsa_event("TRANSPORT"))
    assert (event.kind, event.type_code) == (EventKind.TRANSPORT, "ARRI")
    assert event.location_code == "FRPAR"
    assert event.container_number == "APZU4812090"  # the one EQ entry of `references`
    assert event.event_time == datetime(2021, 1, 9, 13, 12, 56, tzinfo=UTC)


def test_a_shipment_event_about_a_booking_names_that_booking() -> None:
    booking_event = next(event for event in DCSA_EVENTS if event.get("documentTypeCode") == "BKG")
    event = parse_event(booking_event)
    assert (event.kind, event.type_code) == (EventKind.SHIPMENT, "DRFT")
    assert event.document_references == (DocumentReference(DocumentKind.BOOKING, "ABC123123123"),)


def test_a_shipment_event_about_shipping_instructions_names_no_booking_nor_bl() -> None:
    event = parse_event(dcsa_event("SHIPMENT"))  # documentTypeCode SHI
    assert event.document_references == ()


def test_one_event_alone_is_read_as_a_list_of_one() -> None:
    events, errors = parse_events(equipment())
    assert errors == []
    assert [event.event_id for event in events] == ["e-1"]


# -- every code --------------------------------------------------------------------------------


@pytest.mark.parametrize("code", sorted(EQUIPMENT_TYPES))
def test_every_equipment_event_type_is_read(code: str) -> None:
    assert parse_event(equipment(equipmentEventTypeCode=code)).type_code == code


@pytest.mark.parametrize("code", sorted(TRANSPORT_TYPES))
def test_every_transport_event_type_is_read(code: str) -> None:
    raw = dcsa_event("TRANSPORT") | {"transportEventTypeCode": code}
    assert parse_event(raw).type_code == code


@pytest.mark.parametrize("code", sorted(SHIPMENT_TYPES))
def test_every_shipment_event_type_is_read(code: str) -> None:
    raw = dcsa_event("SHIPMENT") | {"shipmentEventTypeCode": code}
    assert parse_event(raw).type_code == code


@pytest.mark.parametrize("classifier", list(Classifier))
def test_planned_estimated_and_actual_are_read(classifier: Classifier) -> None:
    assert parse_event(equipment(eventClassifierCode=classifier.value)).classifier is classifier


def test_the_deprecated_event_type_code_is_read_when_the_specialised_one_is_missing() -> None:
    raw = equipment(eventTypeCode="DISC")
    del raw["equipmentEventTypeCode"]
    assert parse_event(raw).type_code == "DISC"


def test_an_equipment_reference_is_upper_cased() -> None:
    assert parse_event(equipment(equipmentReference=" csqu3054383 ")).container_number == (
        "CSQU3054383"
    )


def test_retracted_event_id_is_read() -> None:
    assert parse_event(equipment(retractedEventID="e-0")).retracted_event_id == "e-0"


# -- malformed ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "field",
    ["eventID", "eventType", "eventClassifierCode", "eventDateTime", "eventCreatedDateTime",
     "equipmentEventTypeCode"],
)  # fmt: skip
def test_a_missing_required_field_is_named(field: str) -> None:
    raw = equipment()
    del raw[field]
    error = refused(raw)
    assert (error.field, error.reason) == (field, "is missing")


def test_a_blank_or_null_event_id_is_missing() -> None:
    assert refused(equipment(eventID="  ")).field == "eventID"
    assert refused(equipment(eventID=None)).field == "eventID"


@pytest.mark.parametrize("value", ["yesterday", "2026-13-01T10:00:00Z", "2026-12-01 10h00"])
def test_a_bad_date_time_is_refused(value: str) -> None:
    error = refused(equipment(eventDateTime=value))
    assert error.field == "eventDateTime"
    assert "ISO 8601" in error.reason


@pytest.mark.parametrize("value", ["2026-12-01T10:00:00", "2026-12-01"])
def test_a_date_time_without_utc_offset_is_refused(value: str) -> None:
    error = refused(equipment(eventCreatedDateTime=value))
    assert error.field == "eventCreatedDateTime"
    assert "no UTC offset" in error.reason


def test_an_unknown_type_code_is_refused_with_the_known_ones() -> None:
    error = refused(equipment(equipmentEventTypeCode="ARRI"))  # a transport code
    assert error.field == "equipmentEventTypeCode"
    assert "'ARRI' is not a DCSA equipment event type" in error.reason
    assert "LOAD" in error.reason


def test_an_unknown_event_type_is_refused() -> None:
    error = refused(equipment(eventType="OPERATIONS"))
    assert error.field == "eventType"
    assert "EQUIPMENT, SHIPMENT, TRANSPORT" in error.reason


def test_an_unknown_classifier_is_refused() -> None:
    assert refused(equipment(eventClassifierCode="REQ")).field == "eventClassifierCode"


def test_the_type_code_field_follows_the_event_type() -> None:
    error = refused(equipment(eventType="TRANSPORT"))  # with equipmentEventTypeCode only
    assert (error.field, error.reason) == ("transportEventTypeCode", "is missing")


@pytest.mark.parametrize(
    ("changes", "field", "reason"),
    [({"eventID": 42}, "eventID", "must be a string, not a number"),
     ({"eventDateTime": True}, "eventDateTime", "must be a string, not a boolean"),
     ({"transportCall": ["TGLFW"]}, "transportCall", "must be an object, not a list"),
     ({"transportCall": {"vessel": {"vesselName": 7}}}, "transportCall.vessel.vesselName",
      "must be a string, not a number"),
     ({"documentReferences": {"BKG": "1"}}, "documentReferences", "must be a list, not an object"),
     ({"documentReferences": [{"documentReferenceType": "BKG"}, "TRD"]},
      "documentReferences[1]", "must be an object, not a string"),
     ({"eventLocation": {"UNLocationCode": "Lomé"}}, "eventLocation.UNLocationCode",
      "'Lomé' is not a UN/LOCODE (5 letters, like NGLOS)"),
     ({"transportCall": {"vessel": {"vesselIMONumber": "IMO93214"}}},
      "transportCall.vessel.vesselIMONumber", "'IMO93214' is not 7 digits")],
)  # fmt: skip
def test_a_field_of_the_wrong_type_or_shape_is_named(
    changes: dict[str, Any], field: str, reason: str
) -> None:
    error = refused(equipment(**changes))
    assert (error.field, error.reason) == (field, reason)
    assert str(error) == f"{field}: {reason}"


def test_an_invalid_event_names_its_event_id_and_is_invalid_input() -> None:
    error = refused(equipment(eventID="e-9", eventDateTime="soon"))
    assert error.event_id == "e-9"
    assert isinstance(error, InvalidInput)


@pytest.mark.parametrize("raw", [[equipment()], "LOAD", 3, None])
def test_an_event_that_is_not_an_object_is_refused(raw: object) -> None:
    assert refused(raw).field == BODY


def test_unknown_fields_are_ignored() -> None:
    assert parse_event(equipment(carrierSpecificData={"x": [1, 2]})).event_id == "e-1"


def test_an_unknown_version_has_no_parser() -> None:
    with pytest.raises(ValueError, match=r"no DCSA parser for version '9\.9'"):
        parse_events([], version="9.9")


# -- lists -------------------------------------------------------------------------------------


def test_one_bad_event_in_a_list_does_not_sink_the_others() -> None:
    payload = [equipment(eventID="e-1"), equipment(eventID="e-2", eventDateTime="later"),
               "not an event", equipment(eventID="e-4")]  # fmt: skip
    events, errors = parse_events(payload)
    assert [event.event_id for event in events] == ["e-1", "e-4"]
    assert errors == [
        EventError(1, "e-2", "eventDateTime", "'later' is not an ISO 8601 date-time"),
        EventError(2, None, BODY, "an event is a JSON object, not a string"),
    ]
    assert errors[0].message == "event 1: eventDateTime: 'later' is not an ISO 8601 date-time"


@pytest.mark.parametrize("payload", ["[]", 12, None])
def test_a_body_that_holds_no_events_is_refused(payload: object) -> None:
    with pytest.raises(InvalidEvent) as caught:
        parse_events(payload)
    assert caught.value.field == BODY


def test_an_empty_list_is_no_events_and_no_errors() -> None:
    assert parse_events([]) == ([], [])


# -- ingest rules ------------------------------------------------------------------------------

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def event(event_id: str, hours: int = 0, created: int = 0, **fields: Any) -> TrackingEvent:
    """An event `hours` after T0, created `created` minutes after it happened."""
    at = T0 + timedelta(hours=hours)
    values: dict[str, Any] = {"kind": EventKind.EQUIPMENT, "type_code": "LOAD",
                              "classifier": Classifier.ACTUAL} | fields  # fmt: skip
    return TrackingEvent(event_id=event_id, event_time=at,
                         created_time=at + timedelta(minutes=created), **values)  # fmt: skip


def ids(events: list[TrackingEvent] | tuple[TrackingEvent, ...]) -> list[str]:
    return [known.event_id for known in events]


def test_an_exact_duplicate_changes_nothing() -> None:
    loaded = event("a")
    applied = apply_events([loaded], [loaded, loaded])
    assert applied.history == (loaded,)
    assert applied.changed == ()


def test_a_later_version_replaces_the_earlier_one() -> None:
    estimated = event("a", classifier=Classifier.ESTIMATED)
    actual = event("a", created=30, classifier=Classifier.ACTUAL)
    applied = apply_events([estimated], [actual])
    assert applied.history == (actual,)
    assert applied.changed == (actual,)


def test_an_older_version_arriving_late_is_ignored() -> None:
    newer = event("a", created=30, location_code="TGLFW")
    older = event("a", created=5, location_code="NGLOS")
    applied = apply_events([newer], [older])
    assert applied.history == (newer,)
    assert applied.changed == ()


def test_two_versions_in_one_batch_count_once_as_the_last() -> None:
    first, second = event("a", created=1), event("a", created=2)
    applied = apply_events([], [event("b", 1), first, second])
    assert applied.changed == (event("b", 1), second)
    assert applied.history == (second, event("b", 1))


def test_a_retraction_voids_the_event_it_names() -> None:
    wrong = event("a", 1)
    retraction = event("r", 2, retracted_event_id="a")
    applied = apply_events([wrong, event("b", 3)], [retraction])
    assert ids(applied.timeline) == ["b"]
    assert retraction in applied.history  # kept, so it keeps voiding
    assert applied.changed == (retraction,)


def test_a_retraction_arriving_before_its_event_still_voids_it() -> None:
    first = apply_events([], [event("r", 2, retracted_event_id="a")])
    later = apply_events(first.history, [event("a", 1), event("b", 3)])
    assert ids(later.timeline) == ["b"]


def test_out_of_order_arrivals_are_shown_in_event_time_order() -> None:
    gated_in, loaded, discharged = event("g", 0), event("l", 5), event("d", 240)
    applied = apply_events([discharged], [gated_in, loaded])
    assert ids(applied.timeline) == ["g", "l", "d"]
    assert ids(applied.history) == ["g", "l", "d"]
    assert ids(applied.changed) == ["g", "l"]


def test_the_timeline_of_a_raw_history_keeps_the_latest_versions() -> None:
    history = [event("a", 2, created=1), event("b", 1), event("a", 2, created=9, voyage="2103S")]
    shown = timeline(history)
    assert ids(shown) == ["b", "a"]
    assert shown[1].voyage == "2103S"


def test_dcsa_events_go_through_the_ingest_rules() -> None:
    events, _ = parse_events(DCSA_EVENTS)
    applied = apply_events(events[:3], events)  # the same pushed twice, half and whole
    assert ids(applied.changed) == ids(events[3:])
    assert len(applied.timeline) == len(events)


# -- Notification-Signature --------------------------------------------------------------------

SECRET = b"12345678901234567890123456789012"
BODY_BYTES = json.dumps(DCSA_EVENTS, indent=2).encode()


def test_the_signature_is_sha256_hmac_of_the_raw_body_in_hex() -> None:
    header = notification_signature(BODY_BYTES, SECRET)
    assert header.startswith("sha256=")
    assert len(header) == len("sha256=") + 64
    verify_notification_signature(header, BODY_BYTES, SECRET)


def test_a_signature_with_spaces_and_upper_case_hex_is_accepted() -> None:
    header = notification_signature(BODY_BYTES, SECRET)
    verify_notification_signature(f"  sha256={header[7:].upper()} ", BODY_BYTES, SECRET)


@pytest.mark.parametrize(
    "tamper",
    [lambda body: body + b"\n", lambda body: body.replace(b"LOAD", b"DISC"),
     lambda body: json.dumps(json.loads(body)).encode()],  # the same JSON, re-serialised
)  # fmt: skip
def test_a_tampered_body_is_refused(tamper: Callable[[bytes], bytes]) -> None:
    header = notification_signature(BODY_BYTES, SECRET)
    with pytest.raises(BadSignature, match="does not match"):
        verify_notification_signature(header, tamper(BODY_BYTES), SECRET)


def test_a_signature_made_with_another_secret_is_refused() -> None:
    header = notification_signature(BODY_BYTES, b"another secret")
    with pytest.raises(BadSignature, match="does not match"):
        verify_notification_signature(header, BODY_BYTES, SECRET)


@pytest.mark.parametrize("header", [None, "", "   "])
def test_a_missing_signature_is_refused(header: str | None) -> None:
    with pytest.raises(MissingSignature, match="Notification-Signature"):
        verify_notification_signature(header, BODY_BYTES, SECRET)


@pytest.mark.parametrize(
    ("header", "reason"),
    [("sha1=" + "0" * 40, "not of type sha256"), ("sha256=xyz", "64 hex digits"),
     ("sha256=", "64 hex digits"), ("0" * 64, "not of type sha256")],
)  # fmt: skip
def test_a_malformed_signature_is_refused(header: str, reason: str) -> None:
    with pytest.raises(BadSignature, match=reason):
        verify_notification_signature(header, BODY_BYTES, SECRET)
