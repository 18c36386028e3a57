"""`nzila dealers link / unlink / leads`: staff make a one-time Telegram deep link, revoke the
account, and read one dealer's leads (never another's)."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from catalog.database import transaction
from catalog.dealers import service as dealer_service
from catalog.leads import service as lead_service
from catalog.leads.scoring import LeadAction
from tests.factories import make_buyer, make_dealer, make_vehicle
from webhook.cli import app


def test_link_prints_a_one_time_deep_link_and_unlink_revokes(
    database: sessionmaker[Session],
) -> None:
    with transaction(database) as db_session:
        dealer = make_dealer(db_session, name="Baltimore Auto").id
    result = CliRunner().invoke(app, ["dealers", "link", str(dealer)])
    assert result.exit_code == 0, result.output
    url, expiry = result.output.splitlines()
    assert url.startswith("https://t.me/") and "?start=dl_" in url
    assert expiry.startswith("expires 20") and expiry.endswith("works once")
    with transaction(database) as db_session:
        dealer_service.redeem_link(db_session, url.split("?start=")[1], 5_400_000_001, 1)
    result = CliRunner().invoke(app, ["dealers", "unlink", str(dealer)])
    assert result.output == f"dealer {dealer} (Baltimore Auto) unlinked from Telegram\n"
    with database() as db_session:
        assert dealer_service.get_by_telegram_user(db_session, 5_400_000_001) is None


def test_an_unknown_dealer_is_refused(database: sessionmaker[Session]) -> None:
    result = CliRunner().invoke(app, ["dealers", "link", "999999"])
    assert result.exit_code == 2 and "refused: no dealer 999999" in result.output


def test_leads_lists_the_dealers_own_leads_only(database: sessionmaker[Session]) -> None:
    with transaction(database) as db_session:
        dealer_a, dealer_b = make_dealer(db_session), make_dealer(db_session)
        buyer = make_buyer(db_session)
        buyer.country = "GH"
        mine = make_vehicle(db_session, dealer_a)
        theirs = make_vehicle(db_session, dealer_b, model="Corolla")
        lead = lead_service.record_engagement(db_session, buyer.id, mine.id, LeadAction.BID)
        lead_service.record_engagement(db_session, buyer.id, theirs.id, LeadAction.WATCH)
        a, b, lead_id = dealer_a.id, dealer_b.id, lead.id
    output = CliRunner().invoke(app, ["dealers", "leads", str(a)]).output
    assert f"#{lead_id} · 2015 Toyota Camry · score 8" in output
    assert "A buyer in GH who speaks English" in output and "• placed a bid (+8)" in output
    assert "Corolla" not in output
    other = CliRunner().invoke(app, ["dealers", "leads", str(b)]).output
    assert "Corolla" in other and "Camry" not in other
