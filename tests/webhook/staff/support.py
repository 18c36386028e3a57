"""What the staff API's tests share: the staff token, and rows made through the API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from catalog.database import transaction
from tests.factories import make_dealer, make_vehicle

TOKEN = "test-staff-token-0123456789abcdefghijklmnop"


def a_vehicle(sessions: sessionmaker[Session], **overrides: Any) -> int:
    with transaction(sessions) as db_session:
        return make_vehicle(db_session, make_dealer(db_session), **overrides).id


def iso(moment: datetime) -> str:
    return moment.isoformat()


def schedule(staff: TestClient, vehicle_id: int, **body: Any) -> Any:
    response = staff.post(
        "/api/staff/auctions",
        json={
            "vehicle_id": vehicle_id,
            "starting_bid_cents": 5_200_00,
            "duration_seconds": 7_200,
            **body,
        },
    )
    assert response.status_code == 201, response.text
    return response.json()
