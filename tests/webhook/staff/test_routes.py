"""The staff API (SQLite and PostgreSQL): staff schedule, list, show and cancel auctions and
record bidders' deposits and limits, with a bearer token; money in cents, clear status codes."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from catalog.auctions import bidders, events
from catalog.auctions import service as auction_service
from catalog.auctions.engine import BidKind
from catalog.auctions.fees import get_auction_settings
from catalog.auctions.models import Auction, AuctionResult
from catalog.database import transaction, utcnow
from catalog.watchlist import service as watchlist_service
from tests.factories import make_bidder, make_buyer
from tests.webhook.staff.support import TOKEN, a_vehicle, iso, schedule


def test_every_staff_route_needs_the_staff_token(staff: TestClient) -> None:
    routes = [
        ("POST", "/api/staff/auctions"),
        ("GET", "/api/staff/auctions"),
        ("GET", "/api/staff/auctions/1"),
        ("POST", "/api/staff/auctions/1/cancel"),
        ("PUT", "/api/staff/bidders/1/deposit"),
        ("PUT", "/api/staff/bidders/1/limit"),
    ]
    anonymous = TestClient(staff.app)
    for header in (
        {},
        {"Authorization": "Bearer wrong"},
        {"Authorization": f"Basic {TOKEN}"},
        {"Authorization": f"Bearer {TOKEN}x"},
        {"Authorization": "Bearer é".encode()},
    ):
        for method, path in routes:
            response = anonymous.request(method, path, headers=header, json={})
            assert response.status_code == 401, (method, path, header)
            assert response.headers["www-authenticate"] == "Bearer"
    anonymous.close()


def test_staff_schedule_an_auction_then_list_and_show_it_with_the_reserve(
    staff: TestClient, sessions: sessionmaker[Session]
) -> None:
    vehicle_id = a_vehicle(sessions, make="Toyota", model="Hilux", trim="SR5", year=2016)
    starts_at = utcnow().replace(microsecond=0) - timedelta(minutes=5)
    ends_at = starts_at + timedelta(days=2)

    created = schedule(
        staff,
        vehicle_id,
        starts_at=iso(starts_at),
        ends_at=iso(ends_at),
        duration_seconds=None,
        reserve_cents=8_000_00,
        buy_now_cents=9_500_00,
        soft_close_seconds=60,
    )

    assert created["vehicle_title"] == "2016 Toyota Hilux SR5"
    assert created["status"] == "live" and created["result"] == "open"
    assert (created["starting_bid_cents"], created["reserve_cents"], created["buy_now_cents"]) == (
        5_200_00,
        8_000_00,
        9_500_00,
    )
    assert created["soft_close_seconds"] == 60 and created["buy_now_available"]
    assert datetime.fromisoformat(created["ends_at"]) == ends_at
    listed = staff.get("/api/staff/auctions", params={"open": "true"}).json()
    assert [auction["id"] for auction in listed] == [created["id"]]
    shown = staff.get(f"/api/staff/auctions/{created['id']}").json()
    assert shown["reserve_cents"] == 8_000_00 and shown["reserve_met"] is False
    assert shown["bids"] == []


def test_show_gives_the_bids_the_price_and_the_leader(
    staff: TestClient, sessions: sessionmaker[Session]
) -> None:
    auction_id = schedule(staff, a_vehicle(sessions), reserve_cents=6_000_00)["id"]
    with transaction(sessions) as db_session:
        ama, kofi = make_bidder(db_session).id, make_bidder(db_session).id
    for buyer, cents in ((ama, 5_500_00), (kofi, 7_000_00)):
        with transaction(sessions) as db_session:
            auction_service.place_bid(
                db_session=db_session, auction_id=auction_id, buyer_id=buyer, amount_cents=cents
            )

    shown = staff.get(f"/api/staff/auctions/{auction_id}").json()

    assert (shown["current_price_cents"], shown["leader_id"]) == (6_000_00, kofi)
    assert shown["reserve_met"] is True and shown["bids_accepted"] == 2
    assert [
        (bid["buyer_id"], bid["amount_cents"], bid["price_after_cents"]) for bid in shown["bids"]
    ] == [(ama, 5_500_00, 5_200_00), (kofi, 7_000_00, 6_000_00)]
    assert shown["minimum_next_bid_cents"] == 6_100_00


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ({"reserve_cents": 9_000_00, "buy_now_cents": 8_000_00}, "cannot be below the reserve"),
        ({"buy_now_cents": 5_000_00}, "above the starting bid"),
        (
            {
                "starts_at": "2030-01-02T00:00:00Z",
                "ends_at": "2030-01-01T00:00:00Z",
                "duration_seconds": None,
            },
            "end after it starts",
        ),
        ({"ends_at": "2020-01-01T00:00:00Z", "duration_seconds": None}, "already past"),
        ({"ends_at": "2030-01-01T00:00:00Z"}, "exactly one"),
        ({"duration_seconds": None}, "exactly one"),
        ({"ends_at": "2030-01-01T00:00:00", "duration_seconds": None}, "timezone"),
        ({"starting_bid_cents": 5200.5}, "integer"),
        ({"starting_bid_cents": "5200"}, "integer"),
        ({"starting_bid_cents": 0}, "greater than 0"),
        ({"reserve_cents": -1}, "greater than 0"),
        ({"vehicle_id": 999_999}, "no vehicle 999999"),
        ({"colour": "red"}, "Extra inputs"),
    ],
)
def test_invalid_terms_are_refused_with_422_and_the_reason(
    staff: TestClient, sessions: sessionmaker[Session], body: dict[str, Any], says: str
) -> None:
    vehicle_id = a_vehicle(sessions)
    response = staff.post(
        "/api/staff/auctions",
        json={
            "vehicle_id": vehicle_id,
            "starting_bid_cents": 5_200_00,
            "duration_seconds": 3_600,
            **body,
        },
    )
    assert response.status_code == 422
    assert says in response.text
    assert staff.get("/api/staff/auctions").json() == []


def test_a_vehicle_with_an_open_auction_gets_no_second_one(
    staff: TestClient, sessions: sessionmaker[Session]
) -> None:
    vehicle_id = a_vehicle(sessions)
    first = schedule(staff, vehicle_id)
    response = staff.post(
        "/api/staff/auctions",
        json={"vehicle_id": vehicle_id, "starting_bid_cents": 100_00, "duration_seconds": 60},
    )
    assert response.status_code == 409
    assert f"already has open auction {first['id']}" in response.json()["detail"]

    staff.post(f"/api/staff/auctions/{first['id']}/cancel", json={"reason": "wrong price"})
    assert schedule(staff, vehicle_id)["id"] != first["id"]  # once settled, a new one may run


def test_two_staff_scheduling_one_vehicle_at_once_make_one_auction(
    sessions: sessionmaker[Session],
) -> None:
    vehicle_id = a_vehicle(sessions)
    outcomes: list[str] = []

    def schedule_it() -> None:
        try:
            with transaction(sessions) as db_session:
                auction_service.schedule(
                    db_session=db_session,
                    vehicle_id=vehicle_id,
                    starts_at=utcnow(),
                    ends_at=utcnow() + timedelta(hours=1),
                    starting_bid_cents=100_00,
                )
        except auction_service.VehicleHasOpenAuction:
            outcomes.append("refused")
        else:
            outcomes.append("scheduled")

    second = threading.Thread(target=schedule_it)
    with transaction(sessions) as db_session:  # the first, not yet committed...
        auction_service.schedule(
            db_session=db_session,
            vehicle_id=vehicle_id,
            starts_at=utcnow(),
            ends_at=utcnow() + timedelta(hours=2),
            starting_bid_cents=200_00,
        )
        second.start()  # ...while the second one tries
        time.sleep(0.3)
    second.join(timeout=60)

    assert outcomes == ["refused"]
    with sessions() as db_session:
        [auction] = auction_service.list_auctions(db_session=db_session)
        assert auction.starting_bid_cents == 200_00


def test_unknown_ids_are_404(staff: TestClient) -> None:
    for method, path, body in [
        ("GET", "/api/staff/auctions/999999", None),
        ("GET", "/api/staff/auctions/99999999999999999999", None),
        ("POST", "/api/staff/auctions/999999/cancel", {"reason": "x"}),
        ("PUT", "/api/staff/bidders/999999/deposit", {"deposit_cents": 100}),
        ("PUT", "/api/staff/bidders/-1/limit", {"limit_cents": None}),
    ]:
        response = staff.request(method, path, json=body)
        assert response.status_code == 404, (path, response.text)


def test_cancelling_tells_bidders_and_watchers_and_a_settled_auction_is_409(
    staff: TestClient, sessions: sessionmaker[Session]
) -> None:
    vehicle_id = a_vehicle(sessions)
    auction_id = schedule(staff, vehicle_id)["id"]
    with transaction(sessions) as db_session:
        ama = make_bidder(db_session).id
        watcher = make_buyer(db_session).id
        watchlist_service.watch(db_session=db_session, buyer_id=watcher, vehicle_id=vehicle_id)
        auction_service.place_bid(
            db_session=db_session, auction_id=auction_id, buyer_id=ama, amount_cents=5_200_00
        )
    url = f"/api/staff/auctions/{auction_id}/cancel"
    assert staff.post(url, json={"reason": ""}).status_code == 422
    assert staff.post(url, json={}).status_code == 422

    cancelled = staff.post(url, json={"reason": "flood damage found in the yard"})

    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["cancel_reason"] == "flood damage found in the yard"
    with sessions() as db_session:
        told = [
            (row.kind.value, row.buyer_id, row.payload.get("reason"))
            for row in events.of_auction(db_session=db_session, auction_id=auction_id)
            if row.kind.value == "cancelled"
        ]
    assert sorted(told) == sorted(
        [
            ("cancelled", ama, "flood damage found in the yard"),
            ("cancelled", watcher, "flood damage found in the yard"),
        ]
    )
    again = staff.post(url, json={"reason": "twice"})
    assert again.status_code == 409 and "already cancelled" in again.json()["detail"]


def test_a_sold_auction_cannot_be_cancelled(
    staff: TestClient, sessions: sessionmaker[Session]
) -> None:
    auction_id = schedule(staff, a_vehicle(sessions), buy_now_cents=9_000_00)["id"]
    with transaction(sessions) as db_session:
        buyer = make_bidder(db_session).id
        auction_service.place_bid(
            db_session=db_session,
            auction_id=auction_id,
            buyer_id=buyer,
            amount_cents=9_000_00,
            kind=BidKind.BUY_NOW,
        )
    response = staff.post(f"/api/staff/auctions/{auction_id}/cancel", json={"reason": "oops"})
    assert response.status_code == 409 and "already sold" in response.json()["detail"]
    assert staff.get(f"/api/staff/auctions/{auction_id}").json()["winner_id"] == buyer


def test_listing_shows_open_auctions_soonest_first_and_all_of_them_newest_first(
    staff: TestClient, sessions: sessionmaker[Session]
) -> None:
    later = schedule(staff, a_vehicle(sessions), duration_seconds=7_200)["id"]
    sooner = schedule(staff, a_vehicle(sessions), duration_seconds=3_600)["id"]
    gone = schedule(staff, a_vehicle(sessions))["id"]
    staff.post(f"/api/staff/auctions/{gone}/cancel", json={"reason": "sold privately"})

    open_ids = [a["id"] for a in staff.get("/api/staff/auctions?open=true").json()]
    all_ids = [a["id"] for a in staff.get("/api/staff/auctions").json()]

    assert open_ids == [sooner, later]
    assert all_ids == [gone, sooner, later]
    assert staff.get("/api/staff/auctions?limit=0").status_code == 422


def test_a_deposit_and_a_limit_set_what_a_buyer_may_bid(
    staff: TestClient, sessions: sessionmaker[Session]
) -> None:
    settings = get_auction_settings()
    with transaction(sessions) as db_session:
        buyer = make_buyer(db_session).id
    url = f"/api/staff/bidders/{buyer}"

    deposit = staff.put(f"{url}/deposit", json={"deposit_cents": 2_000_00, "by": "amina"})

    assert deposit.status_code == 200, deposit.text
    expected = max(settings.default_limit_cents, 2_000_00 * settings.deposit_multiplier)
    assert deposit.json()["deposit_cents"] == 2_000_00
    assert deposit.json()["limit_cents"] == deposit.json()["available_cents"] == expected
    assert deposit.json()["updated_by"] == "amina"

    limit = staff.put(f"{url}/limit", json={"limit_cents": 4_500_00}).json()
    assert (limit["limit_cents"], limit["limit_set_cents"]) == (4_500_00, 4_500_00)
    assert limit["updated_by"] == "staff-api"
    with sessions() as db_session:
        power = bidders.buying_power(db_session=db_session, buyer_id=buyer)
        assert power.limit_cents == 4_500_00

    back = staff.put(f"{url}/limit", json={"limit_cents": None}).json()
    assert back["limit_set_cents"] is None and back["limit_cents"] == expected
    for path, body in [
        ("deposit", {"deposit_cents": -1}),
        ("limit", {"limit_cents": -5}),
        ("limit", {}),
        ("deposit", {"deposit_cents": 1.5}),
        ("deposit", {"deposit_cents": 100, "by": ""}),
    ]:
        assert staff.put(f"{url}/{path}", json=body).status_code == 422, (path, body)


def test_the_auction_row_keeps_what_the_api_was_given(
    staff: TestClient, sessions: sessionmaker[Session]
) -> None:
    starts = datetime(2031, 3, 1, 9, 30, tzinfo=UTC)
    created = schedule(
        staff,
        a_vehicle(sessions),
        starts_at="2031-03-01T11:30:00+02:00",
        duration_seconds=86_400,
        reserve_cents=7_000_00,
    )
    with sessions() as db_session:
        auction = db_session.get_one(Auction, created["id"])
        assert (auction.starts_at, auction.ends_at) == (starts, starts + timedelta(days=1))
        assert auction.result is AuctionResult.OPEN and auction.reserve_cents == 7_000_00
    assert created["status"] == "scheduled"
