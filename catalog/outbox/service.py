"""The outbox's operations: any domain adds its alerts in its own transaction; the notifications
worker takes what is pending, oldest first, and marks each delivered or failed.

Adding is idempotent by `key`: a row whose key is recorded already is left as it is (no error),
so a retried close, or two closers racing, record an alert once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final, cast

from sqlalchemy import (
    JSON,
    ColumnElement,
    Integer,
    String,
    Table,
    column,
    func,
    literal,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from catalog.database import utcnow
from catalog.outbox.models import OutboxMessage

ERROR_MAX: Final = 2000


@dataclass(frozen=True)
class Entry:
    """An alert to add: its kind ("auction.outbid"), its key, exactly one recipient, and what
    the message needs to be written (plain JSON)."""

    kind: str
    key: str
    buyer_id: int | None = None
    dealer_id: int | None = None
    payload: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if (self.buyer_id is None) == (self.dealer_id is None):
            raise ValueError(f"{self.key}: an alert goes to a buyer or a dealer, exactly one")


def rows(entries: Iterable[Entry]) -> list[dict[str, Any]]:
    """Entries as outbox rows but for their subject and time (the same for all of one change),
    plain enough for JSON."""
    return [
        {"kind": entry.kind, "buyer_id": entry.buyer_id, "dealer_id": entry.dealer_id,
         "payload": entry.payload, "key": entry.key}
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
             "created_at", "attempts")  # fmt: skip
    new = recordset.c
    rows_of = select(new.kind, literal(subject_type, String), subject_id, new.buyer_id,
                     new.dealer_id, new.payload, new.key, created_at,
                     literal(0, Integer))  # fmt: skip
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
    """What is neither delivered nor given up on, oldest first (of one domain, if named)."""
    query = select(OutboxMessage).where(
        OutboxMessage.delivered_at.is_(None), OutboxMessage.failed_at.is_(None)
    )
    if subject_type is not None:
        query = query.where(OutboxMessage.subject_type == subject_type)
    return list(db_session.scalars(query.order_by(OutboxMessage.id).limit(limit)))


def mark_delivered(
    *, db_session: Session, message_ids: list[int], now: datetime | None = None
) -> None:
    """Delivered: they leave `pending`. A row delivered already keeps its first time."""
    db_session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(message_ids), OutboxMessage.delivered_at.is_(None))
        .values(delivered_at=now or utcnow())
    )


def mark_failed(
    *, db_session: Session, message_id: int, error: str, give_up: bool = False,
    now: datetime | None = None,
) -> None:  # fmt: skip
    """A delivery attempt failed: count it and keep the error; `give_up` takes the row out of
    `pending` for good (it stays listed, with its error, for staff)."""
    values: dict[str, Any] = {
        "attempts": OutboxMessage.attempts + 1,
        "last_error": error[:ERROR_MAX],
    }
    if give_up:
        values["failed_at"] = now or utcnow()
    db_session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.delivered_at.is_(None))
        .values(values)
    )


def of_subject(*, db_session: Session, subject_type: str, subject_id: int) -> list[OutboxMessage]:
    """Everything recorded about one subject (an auction), oldest first."""
    query = select(OutboxMessage).where(
        OutboxMessage.subject_type == subject_type, OutboxMessage.subject_id == subject_id
    )
    return list(db_session.scalars(query.order_by(OutboxMessage.id)))
