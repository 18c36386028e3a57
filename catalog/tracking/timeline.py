"""The ingest rules: what a batch of carrier events does to what we already hold, as a pure
function of the history, and the timeline a buyer is shown.

Carriers resend, correct and retract events, and pushes arrive out of order. So:
- an event id names one event: a later version (a later `created_time`) replaces the earlier
  one; an older version arriving late is ignored; at an equal `created_time`, the one that
  arrived last wins;
- an exact duplicate (the same event again, as at-least-once delivery sends it) changes nothing;
- an event with `retracted_event_id` voids the event it names, even one that arrives after it;
  neither is on the timeline (the retraction is kept in the history, so it keeps voiding);
- the timeline is in `event_time` order (then `created_time`, then id), whatever the arrival
  order.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from catalog.tracking.events import TrackingEvent


@dataclass(frozen=True)
class Applied:
    """`history`: what to store, the latest version of each event id (retractions included),
    in timeline order. `changed`: the incoming events that were new or replaced a stored one
    (not duplicates, not stale versions), in arrival order."""

    history: tuple[TrackingEvent, ...]
    changed: tuple[TrackingEvent, ...]

    @property
    def timeline(self) -> list[TrackingEvent]:
        return timeline(self.history)


def apply_events(existing: Iterable[TrackingEvent], incoming: Iterable[TrackingEvent]) -> Applied:
    """The history after `incoming` arrives on top of the stored `existing` (see the rules)."""
    latest: dict[str, TrackingEvent] = {}
    for event in existing:
        _keep(latest, event)
    changed: dict[str, TrackingEvent] = {}
    for event in incoming:
        if _keep(latest, event):
            changed.pop(event.event_id, None)  # a newer version in the same batch: once, last
            changed[event.event_id] = event
    return Applied(tuple(sorted(latest.values(), key=_order)), tuple(changed.values()))


def timeline(history: Iterable[TrackingEvent]) -> list[TrackingEvent]:
    """The events a buyer is shown: the latest version of each, neither retracted nor a
    retraction, in event-time order."""
    latest = apply_events((), history).history
    voided = {event.retracted_event_id for event in latest if event.retracted_event_id}
    return [event for event in latest
            if event.retracted_event_id is None and event.event_id not in voided]  # fmt: skip


def _keep(latest: dict[str, TrackingEvent], event: TrackingEvent) -> bool:
    """Hold `event` if it is new or a newer version of its id; whether it was."""
    known = latest.get(event.event_id)
    if known is not None and (known == event or event.created_time < known.created_time):
        return False
    latest[event.event_id] = event
    return True


def _order(event: TrackingEvent) -> tuple[datetime, datetime, str]:
    return event.event_time, event.created_time, event.event_id
