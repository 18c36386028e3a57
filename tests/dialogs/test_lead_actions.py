"""The actions where a buyer engages with a vehicle record a lead for its dealer (details,
photos, watch, a confirmed bid, asking for a person), and a lead that cannot be recorded never
breaks the buyer's turn (SQLite and PostgreSQL). The actions run directly, without Rasa."""

# rasa_sdk ships no py.typed, so its names are untyped (Any) here.
# mypy: disable-error-code="import-untyped"

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from catalog.conversations import service as conversation_service
from catalog.database import transaction
from catalog.leads import service as lead_service
from catalog.leads.models import Lead
from catalog.media.models import VehicleMedia
from catalog.watchlist.models import WatchlistEntry
from dialogs.actions import extras, handoff, leads, vehicles
from dialogs.actions.auctions import ActionConfirmBid, confirm
from tests.catalog.test_auction_service import buyers, live_auction
from tests.factories import make_buyer, make_dealer, make_vehicle


@pytest.fixture(autouse=True)
def actions_use(sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch) -> None:
    for module in (vehicles, extras, confirm, handoff, leads):
        monkeypatch.setattr(module, "catalog_sessions", lambda: sessions)


def tracker(buyer: int, text: str, intent: str, slots: dict[str, Any] | None = None,
            **metadata: Any) -> Tracker:  # fmt: skip
    message = {"text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": [],
               "metadata": {"buyer_id": buyer, **metadata}}  # fmt: skip
    sender = f"telegram:{buyer}"
    return Tracker(sender, {"language": "en", **(slots or {})}, message, [], False, None, {}, "")


def run(action: Action, state: Tracker) -> list[dict[str, Any]]:
    dispatcher = CollectingDispatcher()
    asyncio.run(action.run(dispatcher, state, {}))
    return list(dispatcher.messages)


def a_vehicle_and_buyer(sessions: sessionmaker[Session]) -> tuple[int, int]:
    with transaction(sessions) as db_session:
        vehicle = make_vehicle(db_session, make_dealer(db_session))
        return vehicle.id, make_buyer(db_session).id


def counts(sessions: sessionmaker[Session], buyer: int) -> dict[int, dict[str, int]]:
    with sessions() as db_session:
        rows = db_session.scalars(select(Lead).where(Lead.buyer_id == buyer))
        return {lead.vehicle_id: dict(lead.counts) for lead in rows}


def test_details_and_a_watch_record_one_lead(sessions: sessionmaker[Session]) -> None:
    vehicle, buyer = a_vehicle_and_buyer(sessions)
    slots = {"vehicle_id": str(vehicle)}
    run(vehicles.ActionVehicleDetails(), tracker(buyer, "/vehicle_details", "vehicle_details",
                                                 slots))  # fmt: skip
    said = run(extras.ActionWatchVehicle(), tracker(buyer, "/watch_with_alerts",
                                                    "watch_with_alerts", slots))  # fmt: skip
    assert said[-1]["response"] == "utter_watching_alerts_on"
    assert counts(sessions, buyer) == {vehicle: {"details": 1, "watch": 1}}


def test_photos_record_a_gallery_view(sessions: sessionmaker[Session]) -> None:
    vehicle, buyer = a_vehicle_and_buyer(sessions)
    with transaction(sessions) as db_session:
        db_session.add(VehicleMedia(vehicle_id=vehicle, content_hash="ab" * 32, position=0,
                                    width=800, height=600, web_width=800, web_height=600,
                                    thumb_width=200, thumb_height=150,
                                    bytes_original=10))  # fmt: skip
    run(extras.ActionShowPhotos(), tracker(buyer, "photos", "show_photos",
                                           {"vehicle_id": str(vehicle)}))  # fmt: skip
    assert counts(sessions, buyer) == {vehicle: {"gallery": 1}}


def test_a_confirmed_bid_records_a_bid_once(sessions: sessionmaker[Session]) -> None:
    lot = live_auction(sessions)
    [buyer] = buyers(sessions, 1)
    message = {
        "text": f'/confirm_bid{{"lot":"{lot}","cents":"200000","key":"k1"}}',
        "intent": {"name": "confirm_bid", "confidence": 1.0},
        "entities": [{"entity": "lot", "value": str(lot)},
                     {"entity": "cents", "value": "200000"}, {"entity": "key", "value": "k1"}],
        "metadata": {"buyer_id": buyer, "message_id": "telegram:1"},
    }  # fmt: skip
    tap = Tracker(f"telegram:{buyer}", {"language": "en"}, message, [], False, None, {}, "")
    run(ActionConfirmBid(), tap)
    run(ActionConfirmBid(), tap)  # the same tap again: the bid is not placed twice
    [bids] = counts(sessions, buyer).values()
    assert bids == {"bid": 1}


def test_asking_for_a_person_about_a_vehicle_records_a_handoff(
    sessions: sessionmaker[Session],
) -> None:
    vehicle, buyer = a_vehicle_and_buyer(sessions)
    with transaction(sessions) as db_session:
        conversation = conversation_service.get_or_create(
            db_session=db_session, key=f"telegram:{buyer}", channel="telegram",
            chat_id=str(buyer), buyer_id=buyer)  # fmt: skip
        conversation_id = conversation.id
    run(handoff.ActionHumanHandoff(), tracker(buyer, "a person please", "human_handoff",
                                              {"vehicle_id": str(vehicle)},
                                              conversation_id=conversation_id))  # fmt: skip
    assert counts(sessions, buyer) == {vehicle: {"handoff": 1}}


def test_a_lead_that_cannot_be_recorded_never_breaks_the_turn(
    sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("leads table is gone")

    monkeypatch.setattr(lead_service, "record_engagement", broken)
    vehicle, buyer = a_vehicle_and_buyer(sessions)
    slots = {"vehicle_id": str(vehicle)}
    details = run(vehicles.ActionVehicleDetails(), tracker(buyer, "/vehicle_details",
                                                           "vehicle_details", slots))  # fmt: skip
    assert "Toyota Camry" in details[-1]["text"]
    said = run(extras.ActionWatchVehicle(), tracker(buyer, "/watch_with_alerts",
                                                    "watch_with_alerts", slots))  # fmt: skip
    assert said[-1]["response"] == "utter_watching_alerts_on"
    with sessions() as db_session:  # the watch itself is kept
        assert db_session.scalar(select(WatchlistEntry).where(WatchlistEntry.buyer_id == buyer))
    assert counts(sessions, buyer) == {}
    assert [r.message for r in caplog.records].count("lead not recorded") == 2
