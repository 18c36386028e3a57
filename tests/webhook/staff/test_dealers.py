"""The staff API for dealers (SQLite and PostgreSQL): a one-time Telegram link made and revoked,
and a dealer's leads, each dealer's own only."""

from __future__ import annotations

from datetime import datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from catalog.database import transaction, utcnow
from catalog.dealers import service as dealer_service
from catalog.leads import service as lead_service
from catalog.leads.scoring import LeadAction
from tests.factories import make_buyer, make_dealer, make_vehicle


def sessions_of(staff: TestClient) -> sessionmaker[Session]:
    sessions: sessionmaker[Session] = staff.app.state.sessions  # type: ignore[attr-defined]
    return sessions


def test_a_link_is_made_redeemed_once_and_revoked(staff: TestClient) -> None:
    sessions = sessions_of(staff)
    with transaction(sessions) as db_session:
        dealer = make_dealer(db_session).id
    response = staff.post(f"/api/staff/dealers/{dealer}/telegram-link")
    assert response.status_code == 201
    body = response.json()
    assert body["url"].startswith("https://t.me/")
    token = body["url"].split("?start=")[1]
    expires = datetime.fromisoformat(body["expires_at"])
    assert timedelta(hours=23) < expires - utcnow() <= timedelta(hours=24)
    with transaction(sessions) as db_session:
        dealer_service.redeem_link(db_session, token, 5_300_000_001, 5_300_000_001)
    assert staff.delete(f"/api/staff/dealers/{dealer}/telegram-link").status_code == 204
    with sessions() as db_session:
        assert dealer_service.get_by_telegram_user(db_session, 5_300_000_001) is None


def test_an_unknown_dealer_is_404(staff: TestClient) -> None:
    assert staff.post("/api/staff/dealers/999999/telegram-link").status_code == 404
    assert staff.delete("/api/staff/dealers/999999/telegram-link").status_code == 404
    assert staff.get("/api/staff/dealers/999999/leads").status_code == 404
    assert staff.get("/api/staff/dealers/0/leads").status_code == 404


def test_a_dealers_leads_are_theirs_only_and_name_no_buyer(staff: TestClient) -> None:
    with transaction(sessions_of(staff)) as db_session:
        dealer_a, dealer_b = make_dealer(db_session), make_dealer(db_session)
        mine, theirs = make_vehicle(db_session, dealer_a), make_vehicle(db_session, dealer_b)
        buyer = make_buyer(db_session, "+2348039999999")
        buyer.name, buyer.country = "Ada Obi", "NG"
        lead = lead_service.record_engagement(db_session, buyer.id, mine.id, LeadAction.WATCH)
        lead_service.record_engagement(db_session, buyer.id, theirs.id, LeadAction.BID)
        a, lead_id = dealer_a.id, lead.id
    response = staff.get(f"/api/staff/dealers/{a}/leads")
    assert response.status_code == 200
    [only] = response.json()
    assert (only["id"], only["score"], only["buyer_country"]) == (lead_id, 4, "NG")
    assert only["reasons"] == ["is watching the vehicle (+4)"]
    assert "Ada" not in response.text and "2348039999999" not in response.text
    assert "buyer_id" not in only


def test_the_dealer_routes_need_the_staff_token(staff: TestClient) -> None:
    for method, path in (("POST", "/api/staff/dealers/1/telegram-link"),
                         ("DELETE", "/api/staff/dealers/1/telegram-link"),
                         ("GET", "/api/staff/dealers/1/leads")):  # fmt: skip
        response = staff.request(method, path, headers={"Authorization": "Bearer wrong"})
        assert response.status_code == 401
