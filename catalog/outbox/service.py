"""The outbox's operations: any domain adds its alerts in its own transaction; the notifications
worker takes what is pending, oldest first, and marks each delivered or failed.

Adding is idempotent by `key`: a row whose key is recorded already is left as it is (no error),
so a retried close, or two closers racing, record an alert once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Final, cast

from sqlalchemy import (
    JSON,
    ColumnElement,
    Integer,
    String,
    Table,
    case,
    column,
    false,
    func,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from catalog.database import utcnow
from catalog.outbox.models import AlertStatus, OutboxMessage

ERROR_MAX: Final = 2000


@dataclass(frozen=True)
class Entry:
    """An alert to add: its kind ("auction.outbid"), its key, exactly one recipient (a buyer, a
    dealer, or staff), and what the message needs to be written (plain JSON)."""

    kind: str
    key: str
    buyer_id: int | None = None
    dealer_id: int | None = None
    payload: dict[str, Any] = field(default_factory=dict)
    to_staff: bool = False

    def __post_init__(self) -> None:
        if (self.buyer_id is not None) + (self.dealer_id is not None) + self.to_staff != 1:
            raise ValueError(
                f"{self.key}: an alert goes to a buyer, a dealer or staff, exactly one"
            )


def rows(entries: Iterable[Entry]) -> list[dict[str, Any]]:
    """Entries as outbox rows but for their subject and time (the same for all of one change),
    plain enough for JSON."""
    return [
        {"kind": entry.kind, "buyer_id": entry.buyer_id, "dealer_id": entry.dealer_id,
         "to_staff": entry.to_staff, "payload": entry.payload, "key": entry.key}
        for entry in entries
    ]  # fmt: skip


def add(db_session: Session, subject_type: str, subject_id: int, entries: Iterable[Entry]) -> None:
    """Add the entries whose keys are new, about the subject, in the caller's transaction."""
    add_rows(db_session, subject_type, subject_id, rows(entries))


def add_about_many(
    db_session: Session, subject_type: str, entries: Iterable[tuple[int, Entry]]
) -> None:
    """`add` for entries about many subjects of one type ((subject_id, entry) pairs), as one
    statement of many rows: an import's 100,000 saved-search matches in seconds. A Core insert,
    not the ORM's bulk path, which costs more than the database for so many rows."""
    created_at = utcnow()
    new = [{"kind": entry.kind, "buyer_id": entry.buyer_id, "dealer_id": entry.dealer_id,
            "payload": entry.payload, "key": entry.key, "subject_type": subject_type,
            "subject_id": subject_id, "created_at": created_at}
           for subject_id, entry in entries]  # fmt: skip
    if new:
        statement = _INSERT_NEW[db_session.get_bind().dialect.name]
        db_session.connection().execute(statement, new)


def add_rows(
    db_session: Session, subject_type: str, subject_id: int, new: list[dict[str, Any]]
) -> None:
    """`add`, for entries made into `rows` already."""
    if new:  # one statement per dialect, compiled once: auctions call this under a lot's lock
        more = {"subject_type": subject_type, "subject_id": subject_id, "created_at": utcnow()}
        db_session.execute(_INSERT_NEW[db_session.get_bind().dialect.name],
                           [row | more for row in new])  # fmt: skip


def insert_from_json(
    *, subject_type: str, subject_id: ColumnElement[int], created_at: ColumnElement[datetime],
    entries: ColumnElement[Any],
) -> postgresql.Insert:  # fmt: skip
    """PostgreSQL: INSERT the new rows of `entries`, a JSON array of `rows`, as one statement of
    one shape however many it holds (the bid path makes it part of the statement that writes
    the bid, so a bid and its alerts are one round trip)."""
    recordset = (
        func.json_to_recordset(entries)
        .table_valued(column("kind", String), column("buyer_id", Integer),
                      column("dealer_id", Integer), column("payload", JSON),
                      column("key", String))
        .render_derived(with_types=True)
    )  # fmt: skip
    names = ("kind", "subject_type", "subject_id", "buyer_id", "dealer_id", "payload", "key",
             "created_at", "attempts", "to_staff", "status")  # fmt: skip
    new = recordset.c
    rows_of = select(new.kind, literal(subject_type, String), subject_id, new.buyer_id,
                     new.dealer_id, new.payload, new.key, created_at,
                     literal(0, Integer), false(),
                     literal(AlertStatus.PENDING.value, String))  # fmt: skip
    statement = postgresql.insert(cast(Table, OutboxMessage.__table__)).from_select(names, rows_of)
    return statement.on_conflict_do_nothing(index_elements=["key"])


_INSERT_NEW = {
    "postgresql": postgresql.insert(OutboxMessage)
    .values(attempts=0)
    .on_conflict_do_nothing(index_elements=["key"]),
    "sqlite": sqlite.insert(OutboxMessage)
    .values(attempts=0)
    .on_conflict_do_nothing(index_elements=["key"]),
}


def pending(
    *, db_session: Session, limit: int = 100, subject_type: str | None = None
) -> list[OutboxMessage]:
    """What is still to send (at its time or later), oldest first (of one domain, if named)."""
    query = select(OutboxMessage).where(OutboxMessage.status == AlertStatus.PENDING)
    if subject_type is not None:
        query = query.where(OutboxMessage.subject_type == subject_type)
    return list(db_session.scalars(query.order_by(OutboxMessage.id).limit(limit)))


def claim(
    *, db_session: Session, worker: str, limit: int, lease: timedelta, now: datetime | None = None,
    first_kinds: Sequence[str] = (),
) -> list[OutboxMessage]:  # fmt: skip
    """Take up to `limit` alerts that are due and nobody holds, for `lease`: until then no other
    worker takes them. Kinds in `first_kinds` (the urgent ones) come first, then oldest first.

    On PostgreSQL the rows are locked with SKIP LOCKED, so workers claiming at once take
    different rows without waiting; on SQLite the database has one writer at a time, and the
    claim is one UPDATE that checks the row is still free. The caller commits the claim before
    sending anything.
    """
    now = now or utcnow()
    due = _due(now)
    candidates = select(OutboxMessage.id).where(*due)
    if first_kinds:
        candidates = candidates.order_by(
            case((OutboxMessage.kind.in_(first_kinds), 0), else_=1), OutboxMessage.id
        )
    else:
        candidates = candidates.order_by(OutboxMessage.id)
    candidates = candidates.limit(limit)
    if db_session.get_bind().dialect.name == "postgresql":
        candidates = candidates.with_for_update(skip_locked=True)
    ids = list(db_session.scalars(candidates))
    if not ids:
        return []
    db_session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids), *due)
        .values(claimed_by=worker, claimed_until=now + lease)
        .execution_options(synchronize_session=False)
    )
    claimed = select(OutboxMessage).where(
        OutboxMessage.id.in_(ids), OutboxMessage.claimed_by == worker,
        OutboxMessage.claimed_until == now + lease,
    )  # fmt: skip
    return sorted(db_session.scalars(claimed), key=lambda row: ids.index(row.id))


def extend_claims(
    *, db_session: Session, worker: str, message_ids: Sequence[int], until: datetime,
    now: datetime | None = None,
) -> int:  # fmt: skip
    """The worker still holds these alerts (they wait for a busy channel): their lease runs on
    to `until`. Only claims it still holds are extended, not one that ran out and may have
    been taken over; how many."""
    now = now or utcnow()
    extended = 0
    for start in range(0, len(message_ids), 500):
        result = db_session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(message_ids[start : start + 500]),
                   OutboxMessage.claimed_by == worker,
                   OutboxMessage.status == AlertStatus.PENDING,
                   OutboxMessage.claimed_until >= now)
            .values(claimed_until=until)
            .execution_options(synchronize_session=False)
        )  # fmt: skip
        extended += result.rowcount  # type: ignore[attr-defined]
    return extended


def _due(now: datetime) -> list[ColumnElement[bool]]:
    return [
        OutboxMessage.status == AlertStatus.PENDING,
        or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now),
        or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
    ]


def next_due_at(*, db_session: Session) -> datetime | None:
    """When the next pending alert falls due (None: nothing is pending)."""
    return db_session.scalar(
        select(
            func.min(func.coalesce(OutboxMessage.next_attempt_at, OutboxMessage.created_at))
        ).where(OutboxMessage.status == AlertStatus.PENDING)
    )


def mark_sent(
    *, db_session: Session, message_ids: list[int], now: datetime | None = None,
    channel: str | None = None, template: str | None = None,
) -> None:  # fmt: skip
    """The provider accepted them: they leave `pending`. A row sent already keeps its time."""
    values: dict[str, Any] = {"status": AlertStatus.SENT, "sent_at": now or utcnow(),
                              "claimed_until": None}  # fmt: skip
    if channel is not None:
        values |= {"channel": channel, "template": template}
    db_session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(message_ids), OutboxMessage.sent_at.is_(None))
        .values(values)
        .execution_options(synchronize_session=False)
    )


def mark_failed(
    *, db_session: Session, message_id: int, error: str, give_up: bool = False,
    now: datetime | None = None, retry_at: datetime | None = None, code: str | None = None,
) -> None:  # fmt: skip
    """A delivery attempt failed: count it, keep the error (and the provider's code), try again
    at `retry_at`; `give_up` takes the row out of `pending` for good: it is dead-lettered, listed
    with its error for staff, until it is replayed."""
    values: dict[str, Any] = {
        "attempts": OutboxMessage.attempts + 1,
        "last_error": error[:ERROR_MAX],
        "next_attempt_at": retry_at,
        "claimed_until": None,
    }
    if code is not None:
        values["error_code"] = code[:40]
    if give_up:
        values |= {"failed_at": now or utcnow(), "status": AlertStatus.DEAD}
    db_session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.sent_at.is_(None))
        .values(values)
        .execution_options(synchronize_session=False)
    )


def hold(
    *, db_session: Session, message_id: int, until: datetime, reason: str,
    code: str | None = None,
) -> None:  # fmt: skip
    """Not now, and not a failure (quiet hours, the messaging tier, a marketing limit): the
    alert waits until `until`, with the reason kept; its attempts are not counted."""
    values: dict[str, Any] = {"next_attempt_at": until, "claimed_until": None,
                              "last_error": reason[:ERROR_MAX]}  # fmt: skip
    if code is not None:
        values["error_code"] = code[:40]
    db_session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == AlertStatus.PENDING)
        .values(values)
        .execution_options(synchronize_session=False)
    )


def skip(
    *, db_session: Session, message_id: int, reason: str, code: str | None = None,
    now: datetime | None = None,
) -> None:  # fmt: skip
    """This alert must not be sent (the recipient opted out, turned the kind off, or has no
    channel): it leaves `pending` with the reason."""
    db_session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == AlertStatus.PENDING)
        .values(status=AlertStatus.SKIPPED, last_error=reason[:ERROR_MAX], claimed_until=None,
                failed_at=now or utcnow(), error_code=code[:40] if code else None)
        .execution_options(synchronize_session=False)
    )  # fmt: skip


def reopen(message: OutboxMessage) -> None:
    """Pending again, to be decided anew and free for the next pass to claim: what a provider
    said of an earlier send (sent, delivered, read) no longer counts."""
    message.status = AlertStatus.PENDING
    message.sent_at = message.delivered_at = message.read_at = None
    message.next_attempt_at = message.claimed_until = None


def bury(message: OutboxMessage, *, error: str, code: str, now: datetime) -> None:
    """Dead-lettered with its last error, whether or not a provider had accepted it first
    (`mark_failed(give_up=True)` is for an alert never sent)."""
    message.status, message.failed_at = AlertStatus.DEAD, now
    message.error_code, message.last_error = code[:40], error[:ERROR_MAX]
    message.claimed_until = None


def retry_as(
    *, db_session: Session, message_id: int, reason: str, code: str | None,
    template: str | None = None, channel: str | None = None,
) -> bool:  # fmt: skip
    """An alert the provider accepted and then reported failed (the 24-hour window closed, the
    number is unreachable) goes back to `pending`, to be sent once more another way: as its
    template, or on the buyer's other channel. False if it was retried that way already."""
    message = db_session.get(OutboxMessage, message_id, with_for_update=True)
    if message is None:
        return False
    tried = list(message.payload.get("_routes_tried", []))
    route = f"{channel or message.channel}:{'template' if template else 'free'}"
    if route in tried:
        return False
    message.payload = {**message.payload, "_routes_tried": [*tried, route],
                       "_route": {"channel": channel, "template": bool(template)}}  # fmt: skip
    reopen(message)
    message.last_error, message.error_code = reason[:ERROR_MAX], (code or "")[:40] or None
    db_session.flush()
    return True


_PROGRESS: Final = {AlertStatus.SENT: 0, AlertStatus.DELIVERED: 1, AlertStatus.READ: 2}


def apply_status(
    *, db_session: Session, message_id: int, status: AlertStatus, now: datetime | None = None,
    code: str | None = None, error: str | None = None,
) -> None:  # fmt: skip
    """A provider's status callback on a sent alert: delivered and read move it forward (a late
    "delivered" never undoes "read"); failed is recorded with the provider's code."""
    message = db_session.get(OutboxMessage, message_id)
    if message is None or message.status not in (*_PROGRESS, AlertStatus.FAILED):
        return
    now = now or utcnow()
    if status is AlertStatus.FAILED:
        message.status, message.failed_at = AlertStatus.FAILED, now
        message.error_code, message.last_error = (
            (code or "")[:40] or None,
            (error or "")[:ERROR_MAX],
        )
    elif status in _PROGRESS and _PROGRESS[status] > _PROGRESS.get(message.status, 99):
        message.status = status
    if status is AlertStatus.DELIVERED or status is AlertStatus.READ:
        message.delivered_at = message.delivered_at or now
    if status is AlertStatus.READ:
        message.read_at = message.read_at or now
    db_session.flush()


def dead_letters(*, db_session: Session, limit: int = 100) -> list[OutboxMessage]:
    """Alerts given up on, newest first, with their last error."""
    query = select(OutboxMessage).where(OutboxMessage.status == AlertStatus.DEAD)
    return list(db_session.scalars(query.order_by(OutboxMessage.id.desc()).limit(limit)))


REROUTE_KEYS: Final = ("_route", "_routes_tried", "_unreachable_channels", "_unusable_templates")


def replay(*, db_session: Session, message_ids: Sequence[int] | None = None) -> int:
    """Dead-lettered alerts (these, or all) go back to `pending` with fresh attempts, every
    way of sending them open again; how many. Each replay is a new round (`_replays`): what an
    earlier round sent stays recorded, and this one sends afresh."""
    query = select(OutboxMessage).where(OutboxMessage.status == AlertStatus.DEAD)
    if message_ids is not None:
        query = query.where(OutboxMessage.id.in_(message_ids))
    rows = list(db_session.scalars(query.with_for_update()))
    for row in rows:
        payload = {k: v for k, v in row.payload.items() if k not in REROUTE_KEYS}
        row.payload = payload | {"_replays": int(row.payload.get("_replays", 0)) + 1}
        reopen(row)
        row.attempts, row.failed_at = 0, None
    db_session.flush()
    return len(rows)


def counts(*, db_session: Session) -> list[tuple[str, str, str, int]]:
    """How many alerts there are per kind, channel ("" before it is chosen) and status."""
    channel = func.coalesce(OutboxMessage.channel, "")
    query = (
        select(OutboxMessage.kind, channel, OutboxMessage.status, func.count())
        .group_by(OutboxMessage.kind, channel, OutboxMessage.status)
        .order_by(OutboxMessage.kind, channel, OutboxMessage.status)
    )
    return [(kind, chan, str(AlertStatus(status)), number)
            for kind, chan, status, number in db_session.execute(query)]  # fmt: skip


def of_subject(*, db_session: Session, subject_type: str, subject_id: int) -> list[OutboxMessage]:
    """Everything recorded about one subject (an auction), oldest first."""
    query = select(OutboxMessage).where(
        OutboxMessage.subject_type == subject_type, OutboxMessage.subject_id == subject_id
    )
    return list(db_session.scalars(query.order_by(OutboxMessage.id)))
