"""Tracking's errors: one root under the catalog's, small subclasses that carry their data. The
web edge chooses the status (400 for an invalid event, 401 for a missing or bad signature)."""

from __future__ import annotations

from catalog.errors import CatalogError, InvalidInput


class TrackingError(CatalogError):
    """Root of every error tracking raises on purpose."""


class InvalidEvent(TrackingError, InvalidInput):
    """A carrier event we cannot read: `field` names where (a dotted path inside the event, such
    as ``transportCall.vessel.vesselName``) and `reason` says what is wrong with it."""

    def __init__(self, field: str, reason: str, event_id: str | None = None) -> None:
        self.field, self.reason, self.event_id = field, reason, event_id
        super().__init__(f"{field}: {reason}")


class MissingSignature(TrackingError):
    """A pushed notification without its signature header."""


class BadSignature(TrackingError):
    """A signature header that is malformed, of an unsupported type, or not the body's."""
