"""A buyer's alert settings: read with their defaults, changed by the buyer in chat ("alert
settings") or by what WhatsApp reports (a marketing limit reached, marketing stopped)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy.orm import Session

from catalog.database import utcnow
from catalog.preferences.models import AlertPreferences


def get(*, db_session: Session, buyer_id: int) -> AlertPreferences | None:
    """The buyer's settings, or None: every default holds."""
    return db_session.get(AlertPreferences, buyer_id)


def ensure(*, db_session: Session, buyer_id: int) -> AlertPreferences:
    """The buyer's settings row, made with the defaults if they have none."""
    row = db_session.get(AlertPreferences, buyer_id, with_for_update=True)
    if row is None:
        row = AlertPreferences(buyer_id=buyer_id, muted_kinds=[])
        db_session.add(row)
        db_session.flush()
    return row


def mute(*, db_session: Session, buyer_id: int, kinds: Iterable[str]) -> AlertPreferences:
    """These kinds are no longer sent to the buyer."""
    row = ensure(db_session=db_session, buyer_id=buyer_id)
    row.muted_kinds = sorted(set(row.muted_kinds) | set(kinds))
    db_session.flush()
    return row


def unmute(*, db_session: Session, buyer_id: int, kinds: Iterable[str]) -> AlertPreferences:
    row = ensure(db_session=db_session, buyer_id=buyer_id)
    row.muted_kinds = sorted(set(row.muted_kinds) - set(kinds))
    db_session.flush()
    return row


def set_channel(*, db_session: Session, buyer_id: int, channel: str | None) -> AlertPreferences:
    row = ensure(db_session=db_session, buyer_id=buyer_id)
    row.channel = channel
    db_session.flush()
    return row


def set_quiet_hours(
    *, db_session: Session, buyer_id: int, start_hour: int | None, end_hour: int | None
) -> AlertPreferences:
    """Quiet hours from `start_hour` to `end_hour` local time (equal hours: none; None: the
    defaults)."""
    for hour in (start_hour, end_hour):
        if hour is not None and not 0 <= hour <= 23:
            raise ValueError(f"an hour is 0-23, not {hour}")
    row = ensure(db_session=db_session, buyer_id=buyer_id)
    row.quiet_start_hour, row.quiet_end_hour = start_hour, end_hour
    db_session.flush()
    return row


def hold_marketing(*, db_session: Session, buyer_id: int, until: datetime) -> None:
    """WhatsApp's per-user marketing limit (131049): no marketing alert before `until`."""
    row = ensure(db_session=db_session, buyer_id=buyer_id)
    if row.marketing_held_until is None or row.marketing_held_until < until:
        row.marketing_held_until = until
    db_session.flush()


def stop_marketing(*, db_session: Session, buyer_id: int, now: datetime | None = None) -> None:
    """The buyer stopped marketing messages in WhatsApp (131050): honoured as an opt-out of
    every marketing kind, until they turn them on again in chat."""
    row = ensure(db_session=db_session, buyer_id=buyer_id)
    row.marketing_stopped_at = row.marketing_stopped_at or now or utcnow()
    db_session.flush()


def allow_marketing(*, db_session: Session, buyer_id: int) -> None:
    row = ensure(db_session=db_session, buyer_id=buyer_id)
    row.marketing_stopped_at = None
    db_session.flush()
