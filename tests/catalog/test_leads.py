"""Leads on a real database: merged per buyer and vehicle, scored with reasons, one hot alert in
the outbox (none for a paused dealer or a muted vehicle), the digest, and each dealer seeing
only their own."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.database import utcnow
from catalog.dealers import service as dealer_service
from catalog.dealers.models import Dealer
from catalog.errors import NotFound
from catalog.leads import scoring
from catalog.leads import service as lead_service
from catalog.leads.models import Lead
from catalog.leads.scoring import LeadAction
from catalog.outbox.models import OutboxMessage
from catalog.vehicles.models import Vehicle
from tests.factories import make_buyer, make_dealer, make_vehicle

NOW = datetime(2026, 12, 8, 12, 0, tzinfo=utcnow().tzinfo)
HOT_RUN = (LeadAction.DETAILS, LeadAction.GALLERY, LeadAction.WATCH, LeadAction.BID)  # 1+2+4+8


def hot_alerts(db_session: Session) -> list[OutboxMessage]:
    query = select(OutboxMessage).where(OutboxMessage.kind == "lead.hot")
    return list(db_session.scalars(query.order_by(OutboxMessage.id)))


def engage(db_session: Session, buyer: int, vehicle: int, *actions: LeadAction,
           now: datetime = NOW) -> Lead:  # fmt: skip
    lead = None
    for action in actions:
        lead = lead_service.record_engagement(db_session, buyer, vehicle, action, now)
    assert lead is not None
    return lead


@pytest.fixture
def stock(db_session: Session) -> tuple[Dealer, Vehicle]:
    dealer = make_dealer(db_session)
    return dealer, make_vehicle(db_session, dealer)


# --- scoring ------------------------------------------------------------------------------------


def test_the_score_says_why_weightiest_first() -> None:
    scored = scoring.score({"details": 3, "bid": 2, "watch": 1}, ["2026-12-08"], NOW, NOW)
    assert scored.score == 3 + (8 + 3) + 4
    assert scored.reasons == ["placed 2 bids (+11)", "is watching the vehicle (+4)",
                              "viewed the details 3 times (+3)"]  # fmt: skip
    assert scored.hot


def test_repeats_count_up_to_a_limit_and_repeat_days_add() -> None:
    many = scoring.score({"details": 40}, ["2026-12-08"], NOW, NOW)
    assert many.score == 3 and not many.hot
    days = ["2026-12-05", "2026-12-06", "2026-12-08"]
    back = scoring.score({"details": 1}, days, NOW, NOW)
    assert back.score == 1 + 2 * 3
    assert "came back on 3 different days (+6)" in back.reasons


def test_the_score_halves_every_week_without_activity() -> None:
    counts = {"handoff": 1, "watch": 1, "details": 1}  # 15
    assert scoring.score(counts, ["2026-12-01"], NOW, NOW).score == 15
    later = scoring.score(counts, ["2026-12-01"], NOW, NOW + timedelta(days=7))
    assert later.score == 8 and not later.hot
    assert later.reasons[-1] == "last active 7 days ago (score x0.50)"


# --- merging and the hot alert ------------------------------------------------------------------


def test_repeat_engagement_merges_into_one_lead_per_buyer_and_vehicle(
    db_session: Session, stock: tuple[Dealer, Vehicle]
) -> None:
    dealer, vehicle = stock
    buyer = make_buyer(db_session).id
    first = engage(db_session, buyer, vehicle.id, LeadAction.DETAILS)
    again = engage(db_session, buyer, vehicle.id, LeadAction.DETAILS, LeadAction.GALLERY,
                   now=NOW + timedelta(days=1))  # fmt: skip
    assert again.id == first.id
    assert db_session.scalars(select(Lead)).all() == [again]
    assert again.counts == {"details": 2, "gallery": 1}
    assert again.active_days == ["2026-12-08", "2026-12-09"]
    assert again.dealer_id == dealer.id
    assert again.first_seen_at == NOW and again.last_activity_at == NOW + timedelta(days=1)
    assert again.score == 2 + 2 + 3
    other = engage(db_session, make_buyer(db_session).id, vehicle.id, LeadAction.DETAILS)
    assert other.id != first.id


def test_crossing_the_hot_threshold_records_one_alert_without_the_buyers_identity(
    db_session: Session, stock: tuple[Dealer, Vehicle]
) -> None:
    dealer, vehicle = stock
    buyer = make_buyer(db_session, "+2348031234567")
    buyer.name, buyer.country, buyer.language = "Ada Obi", "NG", "fr"
    engage(db_session, buyer.id, vehicle.id, *HOT_RUN[:-1])
    assert hot_alerts(db_session) == []
    lead = engage(db_session, buyer.id, vehicle.id, LeadAction.BID)
    engage(db_session, buyer.id, vehicle.id, LeadAction.BID, LeadAction.HANDOFF)  # hotter still
    [alert] = hot_alerts(db_session)
    assert (alert.dealer_id, alert.buyer_id, alert.key) == (dealer.id, None, f"lead.hot:{lead.id}")
    assert (alert.subject_type, alert.subject_id) == ("lead", lead.id)
    payload = alert.payload
    assert payload["lead_id"] == lead.id and payload["vehicle_id"] == vehicle.id
    assert payload["vehicle_title"] == "2015 Toyota Camry"
    assert (payload["buyer_country"], payload["buyer_language"]) == ("NG", "fr")
    assert payload["action"] == "bid" and payload["score"] == 15
    assert payload["actions"] == {"details": 1, "gallery": 1, "watch": 1, "bid": 1}
    assert payload["reasons"][0] == "placed a bid (+8)"
    text = repr(payload)
    assert "Ada" not in text and "2348031234567" not in text
    assert not {"buyer_id", "buyer_name", "name", "phone", "telegram_user_id"} & set(payload)
    assert lead.hot_alerted_at == NOW


def test_a_paused_dealer_gets_no_alert_until_resumed_and_engaged_again(
    db_session: Session, stock: tuple[Dealer, Vehicle]
) -> None:
    dealer, vehicle = stock
    buyer = make_buyer(db_session).id
    dealer_service.pause_alerts(db_session, dealer.id)
    lead = engage(db_session, buyer, vehicle.id, *HOT_RUN)
    assert lead.score >= scoring.HOT_THRESHOLD and hot_alerts(db_session) == []
    dealer_service.resume_alerts(db_session, dealer.id)
    engage(db_session, buyer, vehicle.id, LeadAction.DETAILS)
    assert [alert.key for alert in hot_alerts(db_session)] == [f"lead.hot:{lead.id}"]


def test_a_muted_vehicle_gets_no_alert_and_no_digest_line(
    db_session: Session, stock: tuple[Dealer, Vehicle]
) -> None:
    dealer, vehicle = stock
    lead_service.mute_vehicle(db_session, dealer.id, vehicle.id)
    lead_service.mute_vehicle(db_session, dealer.id, vehicle.id)  # twice is once
    engage(db_session, make_buyer(db_session).id, vehicle.id, *HOT_RUN)
    assert hot_alerts(db_session) == []
    assert lead_service.digest(db_session, dealer.id, now=NOW) == []
    lead_service.unmute_vehicle(db_session, dealer.id, vehicle.id)
    assert lead_service.muted_vehicles(db_session, dealer.id) == []


# --- the digest ---------------------------------------------------------------------------------


def test_the_digest_lists_the_lower_scored_leads_once_until_they_move_again(
    db_session: Session, stock: tuple[Dealer, Vehicle]
) -> None:
    dealer, vehicle = stock
    second = make_vehicle(db_session, dealer, model="Corolla")
    warm = engage(db_session, make_buyer(db_session).id, vehicle.id, LeadAction.WATCH)
    cool = engage(db_session, make_buyer(db_session).id, second.id, LeadAction.DETAILS)
    engage(db_session, make_buyer(db_session).id, vehicle.id, *HOT_RUN)  # alerted: not digested
    first = lead_service.digest(db_session, dealer.id, now=NOW + timedelta(hours=1))
    assert [(view.id, view.score) for view in first] == [(warm.id, 4), (cool.id, 1)]
    assert first[1].vehicle_title == "2015 Toyota Corolla"
    assert first[0].reasons == ["is watching the vehicle (+4)"]
    assert lead_service.digest(db_session, dealer.id, now=NOW + timedelta(hours=2)) == []
    engage(db_session, cool.buyer_id, second.id, LeadAction.GALLERY, now=NOW + timedelta(hours=3))
    again = lead_service.digest(db_session, dealer.id, now=NOW + timedelta(hours=4))
    assert [view.id for view in again] == [cool.id]


def test_daily_digests_are_recorded_once_per_linked_dealer_and_day(
    db_session: Session, stock: tuple[Dealer, Vehicle]
) -> None:
    dealer, vehicle = stock
    dealer.telegram_chat_id = 5_200_000_001
    unlinked = make_dealer(db_session)
    engage(db_session, make_buyer(db_session).id, vehicle.id, LeadAction.WATCH)
    engage(db_session, make_buyer(db_session).id, make_vehicle(db_session, unlinked).id,
           LeadAction.WATCH)  # fmt: skip
    assert lead_service.record_digests(db_session, now=NOW) == 1
    engage(db_session, make_buyer(db_session).id, vehicle.id, LeadAction.DETAILS,
           now=NOW + timedelta(hours=1))  # fmt: skip
    assert lead_service.record_digests(db_session, now=NOW + timedelta(hours=2)) == 0
    [row] = db_session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "lead.digest"))
    assert row.key == f"lead.digest:{dealer.id}:2026-12-08" and row.dealer_id == dealer.id
    assert [lead["score"] for lead in row.payload["leads"]] == [4]


# --- isolation ----------------------------------------------------------------------------------


def test_a_dealer_never_sees_or_claims_another_dealers_leads(
    db_session: Session, stock: tuple[Dealer, Vehicle]
) -> None:
    dealer_a, vehicle_a = stock
    dealer_b = make_dealer(db_session)
    vehicle_b = make_vehicle(db_session, dealer_b)
    buyer = make_buyer(db_session).id
    lead_a = engage(db_session, buyer, vehicle_a.id, LeadAction.DETAILS)
    lead_b = engage(db_session, buyer, vehicle_b.id, LeadAction.WATCH)
    assert [view.id for view in lead_service.leads_for_dealer(db_session, dealer_a.id)] == [
        lead_a.id
    ]
    assert [view.id for view in lead_service.digest(db_session, dealer_a.id)] == [lead_a.id]
    with pytest.raises(NotFound):
        lead_service.claim(db_session, dealer_a.id, lead_b.id)
    with pytest.raises(NotFound):
        lead_service.mute_vehicle(db_session, dealer_a.id, vehicle_b.id)
    assert lead_b.claimed_at is None
    claimed = lead_service.claim(db_session, dealer_b.id, lead_b.id, now=NOW)
    assert claimed.claimed_at == NOW
    assert lead_service.claim(db_session, dealer_b.id, lead_b.id).claimed_at == NOW


def test_leads_are_listed_warmest_first(db_session: Session, stock: tuple[Dealer, Vehicle]) -> None:
    dealer, vehicle = stock
    cool = engage(db_session, make_buyer(db_session).id, vehicle.id, LeadAction.DETAILS)
    warm = engage(db_session, make_buyer(db_session).id, vehicle.id, LeadAction.BID)
    views = lead_service.leads_for_dealer(db_session, dealer.id, now=NOW)
    assert [(view.id, view.hot) for view in views] == [(warm.id, False), (cool.id, False)]


def test_an_unknown_action_or_vehicle_is_refused(db_session: Session) -> None:
    buyer = make_buyer(db_session).id
    with pytest.raises(NotFound):
        lead_service.record_engagement(db_session, buyer, 999_999, LeadAction.DETAILS)
    with pytest.raises(lead_service.InvalidInput):
        lead_service.record_engagement(db_session, buyer, 1, "stare")
