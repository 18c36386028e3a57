"""`nzila handoffs list`: staff see every buyer who asked for a person, oldest first, with how
long each waited, also after the bot came back."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from catalog.conversations import service as conversation_service
from catalog.conversations.models import HandoffReturn
from catalog.database import transaction, utcnow
from tests.factories import make_buyer
from webhook.cli import app


def ask_for_a_person(
    sessions: sessionmaker[Session], number: str, minutes_ago: int, back: HandoffReturn | None
) -> None:
    with transaction(sessions) as db_session:
        buyer = make_buyer(db_session, number)
        conversation = conversation_service.get_or_create(
            db_session=db_session, key=f"whatsapp:{number}", channel="whatsapp",
            chat_id=number.removeprefix("+"), buyer_id=buyer.id,
        )  # fmt: skip
        request = conversation_service.request_handoff(
            db_session=db_session, conversation=conversation
        )
        request.requested_at = utcnow() - timedelta(minutes=minutes_ago)
        if back is not None:
            conversation_service.hand_back(
                db_session=db_session, conversation=conversation, returned_by=back
            )
            request.returned_at = request.requested_at + timedelta(minutes=15)


def test_the_list_shows_waiting_and_returned_requests_oldest_first_with_their_wait(
    database: sessionmaker[Session],
) -> None:
    ask_for_a_person(database, "+233200000011", minutes_ago=5, back=None)
    ask_for_a_person(database, "+233200000012", minutes_ago=90, back=HandoffReturn.TIMEOUT)

    listed = CliRunner().invoke(app, ["handoffs", "list"], env={"COLUMNS": "200"})

    assert listed.exit_code == 0, listed.output
    first, second = listed.output.splitlines()
    assert "returned (timeout)" in first and "whatsapp:+233200000012" in first
    assert "waited 15m00s" in first
    assert "open" in second and "whatsapp:+233200000011" in second
    assert "waited 5m0" in second


def test_with_no_request_the_list_says_so(database: sessionmaker[Session]) -> None:
    listed = CliRunner().invoke(app, ["handoffs", "list"])

    assert (listed.exit_code, listed.output.strip()) == (0, "no handoff request")
