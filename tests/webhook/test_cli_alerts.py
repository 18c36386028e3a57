"""`nzila alerts stats / dead-letter [--replay]`: staff see the funnel per kind and channel, the
alerts given up on with the provider's code, and send them again."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from catalog.database import transaction
from catalog.outbox import service as outbox
from catalog.outbox.models import AlertStatus, OutboxMessage
from tests.factories import make_buyer
from webhook.cli import app


def alerts(sessions: sessionmaker[Session]) -> list[int]:
    with transaction(sessions) as db_session:
        buyer = make_buyer(db_session).id
        outbox.add(db_session, "auction", 1, [outbox.Entry("auction.outbid", f"k{n}", buyer)
                                              for n in range(3)])  # fmt: skip
        ids = [row.id for row in outbox.pending(db_session=db_session)]
        outbox.mark_sent(db_session=db_session, message_ids=[ids[0]], channel="telegram")
        outbox.mark_failed(db_session=db_session, message_id=ids[1], error="recipient blocked",
                           give_up=True, code="131026")  # fmt: skip
        return ids


def test_stats_count_each_kind_and_channel_by_status(database: sessionmaker[Session]) -> None:
    alerts(database)

    output = CliRunner().invoke(app, ["alerts", "stats"]).output

    header, *rows = output.splitlines()
    assert header.split()[:4] == ["kind", "channel", "pending", "sent"]
    assert ["auction.outbid", "telegram", "0", "1", "0", "0", "0", "0", "0"] in [
        row.split() for row in rows]  # fmt: skip
    assert ["auction.outbid", "-", "1", "0", "0", "0", "0", "0", "1"] in [r.split() for r in rows]


def test_dead_letters_are_listed_with_their_code_and_replayed(
    database: sessionmaker[Session],
) -> None:
    ids = alerts(database)

    listed = CliRunner().invoke(app, ["alerts", "dead-letter"]).output
    replayed = CliRunner().invoke(app, ["alerts", "dead-letter", "--replay", "--id", str(ids[1])])
    after = CliRunner().invoke(app, ["alerts", "dead-letter"]).output

    assert f"#{ids[1]}" in listed and "131026: recipient blocked" in listed
    assert replayed.exit_code == 0 and "1 alert(s) queued again" in replayed.output
    assert after.strip() == "no dead-lettered alert"
    with database() as db_session:
        row = db_session.get(OutboxMessage, ids[1])
        assert row is not None
        assert (row.status, row.attempts, row.payload["_replays"]) == (AlertStatus.PENDING, 0, 1)
