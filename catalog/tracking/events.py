"""A carrier's tracking event as the catalog keeps it, whatever DCSA version it came in: what
happened (or is planned, or estimated) to a container, a vessel call or a shipment's documents,
when, where, on which vessel and voyage, and for which booking or bill of lading.

The type codes are DCSA Track & Trace 2.2's four-letter codes (LOAD, ARRI, ISSU, ...): a parser
for another version maps its own names to them, so the chat and the timeline know one list.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Final


class EventKind(enum.StrEnum):
    EQUIPMENT = "equipment"  # a container moved: gated in, loaded, discharged ...
    TRANSPORT = "transport"  # a vessel (or train, truck, barge) arrived or departed
    SHIPMENT = "shipment"  # a document changed: booking confirmed, bill of lading issued ...


class Classifier(enum.StrEnum):
    PLANNED = "PLN"
    ESTIMATED = "EST"
    ACTUAL = "ACT"


class DocumentKind(enum.StrEnum):
    BOOKING = "booking"
    TRANSPORT_DOCUMENT = "transport_document"  # the bill of lading (or sea waybill)


EQUIPMENT_TYPES: Final = frozenset({
    "LOAD", "DISC", "GTIN", "GTOT", "STUF", "STRP", "PICK", "DROP", "INSP", "RSEA", "RMVD",
})  # fmt: skip
TRANSPORT_TYPES: Final = frozenset({"ARRI", "DEPA"})
SHIPMENT_TYPES: Final = frozenset({
    "RECE", "DRFT", "PENA", "PENU", "REJE", "APPR", "ISSU", "SURR", "SUBM", "VOID", "CONF",
    "REQS", "CMPL", "HOLD", "RELS",
})  # fmt: skip
TYPES: Final[Mapping[EventKind, frozenset[str]]] = {
    EventKind.EQUIPMENT: EQUIPMENT_TYPES,
    EventKind.TRANSPORT: TRANSPORT_TYPES,
    EventKind.SHIPMENT: SHIPMENT_TYPES,
}


@dataclass(frozen=True)
class DocumentReference:
    kind: DocumentKind
    value: str


@dataclass(frozen=True)
class TrackingEvent:
    """One event. Times are timezone-aware UTC: `event_time` when it happened (or will),
    `created_time` when the carrier wrote this version of it (a later version replaces an
    earlier one). `retracted_event_id`: this event voids the event it names."""

    event_id: str
    kind: EventKind
    type_code: str
    classifier: Classifier
    event_time: datetime
    created_time: datetime
    container_number: str | None = None
    location_code: str | None = None  # UN/LOCODE, "NGLOS"
    location_name: str | None = None
    vessel_name: str | None = None
    vessel_imo: str | None = None
    voyage: str | None = None
    document_references: tuple[DocumentReference, ...] = ()
    retracted_event_id: str | None = None

    @property
    def bookings(self) -> tuple[str, ...]:
        return self._documents(DocumentKind.BOOKING)

    @property
    def bills_of_lading(self) -> tuple[str, ...]:
        return self._documents(DocumentKind.TRANSPORT_DOCUMENT)

    def _documents(self, kind: DocumentKind) -> tuple[str, ...]:
        return tuple(reference.value for reference in self.document_references
                     if reference.kind is kind)  # fmt: skip
