"""The outbox on a real database (SQLite and PostgreSQL): alerts written with the change that
causes them, once per key, taken oldest first, marked delivered or failed; and the migration
that moved the auction alerts into it keeps every one of them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from catalog.auctions import events
from catalog.auctions import service as auction_service
from catalog.auctions.models import AuctionEventKind
from catalog.database import make_session_factory, transaction, utcnow
from catalog.migrate import downgrade, upgrade
from catalog.outbox import service as outbox
from catalog.outbox.models import OutboxMessage
from tests.factories import make_buyer, make_dealer, make_vehicle


def messages(sessions: sessionmaker[Session]) -> list[OutboxMessage]:
    with sessions() as db_session:
        return list(db_session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def alerts_of(sessions: sessionmaker[Session], lot: int) -> list[tuple[object, ...]]:
    with sessions() as db_session:
        return [(a.kind, a.key, a.buyer_id, a.dealer_id, a.payload, a.sent_at is not None)
                for a in events.of_auction(db_session=db_session, auction_id=lot)]  # fmt: skip


def a_buyer(sessions: sessionmaker[Session]) -> int:
    with transaction(sessions) as db_session:
        return make_buyer(db_session).id


def test_an_alert_written_in_a_transaction_that_rolls_back_is_not_sent(
    sessions: sessionmaker[Session],
) -> None:
    buyer = a_buyer(sessions)
    with pytest.raises(RuntimeError), transaction(sessions) as db_session:
        outbox.add(db_session, "auction", 1, [outbox.Entry("auction.outbid", "k1", buyer)])
        raise RuntimeError("the change failed after its alert was written")

    assert messages(sessions) == []


def test_adding_a_key_recorded_already_changes_nothing_and_raises_nothing(
    sessions: sessionmaker[Session],
) -> None:
    buyer = a_buyer(sessions)
    first = outbox.Entry("auction.won", "won:7", buyer, payload={"price_cents": 100})
    again = outbox.Entry("auction.won", "won:7", buyer, payload={"price_cents": 999})
    with transaction(sessions) as db_session:
        outbox.add(db_session, "auction", 7, [first])
    with transaction(sessions) as db_session:  # a retried close, or a second closer
        outbox.add(db_session, "auction", 7, [again, outbox.Entry("auction.lost", "lost:7", buyer)])

    [won, lost] = messages(sessions)
    assert (won.key, won.payload, won.attempts) == ("won:7", {"price_cents": 100}, 0)
    assert (lost.kind, lost.subject_type, lost.subject_id) == ("auction.lost", "auction", 7)


def test_pending_is_oldest_first_and_leaves_what_was_sent_or_given_up(
    sessions: sessionmaker[Session],
) -> None:
    buyer = a_buyer(sessions)
    with transaction(sessions) as db_session:
        outbox.add(db_session, "auction", 1, [outbox.Entry("auction.outbid", f"k{n}", buyer)
                                              for n in range(4)])  # fmt: skip
    with transaction(sessions) as db_session:
        first, second, third, _ = outbox.pending(db_session=db_session)
        outbox.mark_sent(db_session=db_session, message_ids=[first.id])
        outbox.mark_failed(db_session=db_session, message_id=second.id, error="429 from Graph")
        outbox.mark_failed(db_session=db_session, message_id=third.id, error="blocked",
                           give_up=True)  # fmt: skip

    with sessions() as db_session:
        left = outbox.pending(db_session=db_session)
    assert [m.key for m in left] == ["k1", "k3"]  # the retried one waits its turn again
    assert (left[0].attempts, left[0].last_error) == (1, "429 from Graph")
    given_up = next(m for m in messages(sessions) if m.key == "k2")
    assert given_up.failed_at is not None and given_up.last_error == "blocked"


def test_sent_stays_sent_once(sessions: sessionmaker[Session]) -> None:
    buyer = a_buyer(sessions)
    with transaction(sessions) as db_session:
        outbox.add(db_session, "auction", 1, [outbox.Entry("auction.outbid", "k", buyer)])
    first = utcnow() - timedelta(minutes=5)
    with transaction(sessions) as db_session:
        [message] = outbox.pending(db_session=db_session)
        outbox.mark_sent(db_session=db_session, message_ids=[message.id], now=first)
        outbox.mark_sent(db_session=db_session, message_ids=[message.id])
        outbox.mark_failed(db_session=db_session, message_id=message.id, error="late retry")

    [message] = messages(sessions)
    assert message.sent_at == first and message.attempts == 0


def test_an_alert_goes_to_exactly_one_recipient(sessions: sessionmaker[Session]) -> None:
    with pytest.raises(ValueError, match="exactly one"):
        outbox.Entry("auction.won", "k")
    with pytest.raises(ValueError, match="exactly one"):
        outbox.Entry("handoff.requested", "k", buyer_id=1, to_staff=True)
    buyer = a_buyer(sessions)
    with transaction(sessions) as db_session:
        dealer = make_dealer(db_session).id
    row = {"kind": "auction.won", "buyer_id": buyer, "dealer_id": dealer, "payload": {},
           "key": "both"}  # fmt: skip
    with pytest.raises(IntegrityError), transaction(sessions) as db_session:
        outbox.add_rows(db_session, "auction", 1, [row])


def test_the_migration_keeps_every_auction_alert_both_ways(engine: Engine) -> None:
    sessions = make_session_factory(engine)
    with transaction(sessions) as db_session:
        dealer = make_dealer(db_session)
        vehicle = make_vehicle(db_session, dealer)
        buyer = make_buyer(db_session)
        lot = auction_service.create(
            db_session=db_session, vehicle_id=vehicle.id, starts_at=utcnow(),
            ends_at=utcnow() + timedelta(days=1), starting_bid_cents=1_000_00,
        ).id  # fmt: skip
        events.record(db_session, lot, [
            events.Alert(AuctionEventKind.OUTBID, f"outbid:{lot}:1", buyer_id=buyer.id,
                         payload={"minimum_cents": 1_100_00}),
            events.Alert(AuctionEventKind.APPROVAL_REQUESTED, f"approval:{lot}",
                         dealer_id=dealer.id),
        ])  # fmt: skip
    with transaction(sessions) as db_session:
        outbid = events.of_auction(db_session=db_session, auction_id=lot)[0]
        events.mark_sent(db_session=db_session, event_ids=[outbid.id])
    before = alerts_of(sessions, lot)

    downgrade(engine, "0006")
    with engine.connect() as connection:
        old = connection.execute(text(
            "SELECT kind, key, buyer_id, dealer_id, delivered_at IS NOT NULL"
            " FROM auction_events ORDER BY id")).all()  # fmt: skip
    upgrade(engine)

    assert [tuple(row) for row in old] == [
        ("outbid", f"outbid:{lot}:1", buyer.id, None, True),
        ("approval_requested", f"approval:{lot}", None, dealer.id, False),
    ]
    assert alerts_of(sessions, lot) == before
    with sessions() as db_session:
        pending = [alert.kind for alert in events.pending(db_session=db_session)]
    assert pending == [AuctionEventKind.APPROVAL_REQUESTED]
    engine.dispose()
