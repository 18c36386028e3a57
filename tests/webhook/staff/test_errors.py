"""The staff API's refusals: one handler maps catalog errors to statuses, and the OpenAPI schema
states every status each route returns, with the body it really sends."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session, sessionmaker

from catalog.auctions.service import AlreadySettled, NotAwaiting, VehicleHasOpenAuction
from catalog.database import transaction
from catalog.errors import CatalogError, InvalidFilter, InvalidInput, NotFound
from tests.factories import make_buyer
from tests.webhook.staff.support import a_vehicle, schedule
from webhook.staff.errors import Problem, ValidationProblem, catalog_status

# (method, route) -> every status the route can answer with
STATUSES = {
    ("post", "/api/staff/auctions"): {"201", "401", "409", "422"},
    ("get", "/api/staff/auctions"): {"200", "401", "422"},
    ("get", "/api/staff/auctions/{auction_id}"): {"200", "401", "404", "422"},
    ("post", "/api/staff/auctions/{auction_id}/cancel"): {"200", "401", "404", "409", "422"},
    ("put", "/api/staff/bidders/{buyer_id}/deposit"): {"200", "401", "404", "422"},
    ("put", "/api/staff/bidders/{buyer_id}/limit"): {"200", "401", "404", "422"},
    ("post", "/api/staff/dealers/{dealer_id}/telegram-link"): {"201", "401", "404", "422"},
    ("delete", "/api/staff/dealers/{dealer_id}/telegram-link"): {"204", "401", "404", "422"},
    ("get", "/api/staff/dealers/{dealer_id}/leads"): {"200", "401", "404", "422"},
}
BODIES: dict[str, type[BaseModel]] = {"Problem": Problem, "ValidationProblem": ValidationProblem}


def staff_operations(schema: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(method, path): operation for path, methods in schema["paths"].items()
            if path.startswith("/api/staff/") for method, operation in methods.items()}  # fmt: skip


def documented_bodies(schema: dict[str, Any], method: str, route: str, code: int) -> list[str]:
    """The models the schema names for one status of one route (several for an anyOf)."""
    response = staff_operations(schema)[(method, route)]["responses"][str(code)]
    body = response["content"]["application/json"]["schema"]
    refs = [option["$ref"] for option in body["anyOf"]] if "anyOf" in body else [body["$ref"]]
    return [ref.removeprefix("#/components/schemas/") for ref in refs]


def assert_documented(staff: TestClient, method: str, route: str, response: httpx.Response) -> str:
    """The response's status is documented for the route, and its body fits a model the schema
    names for that status (models forbid extra fields). Returns the model that fits."""
    schema = staff.app.openapi()  # type: ignore[attr-defined]
    names = documented_bodies(schema, method, route, response.status_code)
    for name in names:
        try:
            BODIES[name].model_validate(response.json())
        except ValidationError:
            continue
        return name
    raise AssertionError(f"{response.status_code} {response.text} fits none of {names}")


def test_the_schema_states_every_status_of_every_staff_route(staff: TestClient) -> None:
    schema = staff.app.openapi()  # type: ignore[attr-defined]
    operations = staff_operations(schema)

    assert set(operations) == set(STATUSES)
    for key, operation in operations.items():
        assert set(operation["responses"]) == STATUSES[key], key
        assert "HTTPValidationError" not in str(operation["responses"])  # ours, not FastAPI's
    for name, model in BODIES.items():
        assert schema["components"]["schemas"][name]["required"] == list(
            model.model_json_schema()["required"]
        )


def test_a_422_is_documented_as_a_sentence_only_where_the_catalog_refuses_input(
    staff: TestClient,
) -> None:
    schema = staff.app.openapi()  # type: ignore[attr-defined]
    both = ["ValidationProblem", "Problem"]

    assert documented_bodies(schema, "post", "/api/staff/auctions", 422) == both
    assert documented_bodies(schema, "post", "/api/staff/auctions/{auction_id}/cancel", 422) == both
    assert documented_bodies(schema, "get", "/api/staff/auctions", 422) == ["ValidationProblem"]
    assert documented_bodies(schema, "get", "/api/staff/auctions/{auction_id}", 422) == [
        "ValidationProblem"
    ]
    for code in (401, 404, 409):
        assert documented_bodies(schema, "post", "/api/staff/auctions/{auction_id}/cancel",
                                 code) == ["Problem"]  # fmt: skip


def test_a_request_without_the_token_gets_the_documented_401(staff: TestClient) -> None:
    anonymous = TestClient(staff.app)
    for method, route in STATUSES:
        path = route.format(auction_id=1, buyer_id=1, dealer_id=1)
        response = anonymous.request(method, path, json={})
        assert response.status_code == 401, (method, path)
        assert assert_documented(staff, method, route, response) == "Problem"
        assert response.json() == {"detail": "a valid staff token is required"}
    anonymous.close()


def test_unknown_ids_get_the_documented_404_naming_the_row(staff: TestClient) -> None:
    for method, route, path, body in [
        ("get", "/api/staff/auctions/{auction_id}", "/api/staff/auctions/999999", None),
        ("post", "/api/staff/auctions/{auction_id}/cancel", "/api/staff/auctions/0/cancel",
         {"reason": "x"}),
        ("put", "/api/staff/bidders/{buyer_id}/deposit", "/api/staff/bidders/999999/deposit",
         {"deposit_cents": 100}),
        ("put", "/api/staff/bidders/{buyer_id}/limit", "/api/staff/bidders/999999/limit",
         {"limit_cents": None}),
    ]:  # fmt: skip
        response = staff.request(method, path, json=body)
        assert response.status_code == 404, (path, response.text)
        assert assert_documented(staff, method, route, response) == "Problem"
        assert response.json()["detail"].startswith("no ")


def test_state_conflicts_get_the_documented_409(
    staff: TestClient, sessions: sessionmaker[Session]
) -> None:
    vehicle_id = a_vehicle(sessions)
    first = schedule(staff, vehicle_id)["id"]
    twice = staff.post("/api/staff/auctions", json={"vehicle_id": vehicle_id,
                                                    "starting_bid_cents": 100_00,
                                                    "duration_seconds": 60})  # fmt: skip
    cancel = f"/api/staff/auctions/{first}/cancel"
    assert staff.post(cancel, json={"reason": "wrong price"}).status_code == 200
    again = staff.post(cancel, json={"reason": "again"})

    assert twice.status_code == 409 and again.status_code == 409
    assert assert_documented(staff, "post", "/api/staff/auctions", twice) == "Problem"
    route = "/api/staff/auctions/{auction_id}/cancel"
    assert assert_documented(staff, "post", route, again) == "Problem"
    assert again.json() == {"detail": f"auction {first} is already cancelled"}


def test_fields_fastapi_refuses_get_the_documented_422_list(staff: TestClient) -> None:
    listing = staff.get("/api/staff/auctions", params={"limit": 0})
    not_an_id = staff.get("/api/staff/auctions/lot-twelve")
    cents = staff.post("/api/staff/auctions", json={"vehicle_id": 1, "starting_bid_cents": 0,
                                                    "duration_seconds": 60})  # fmt: skip

    assert (listing.status_code, not_an_id.status_code, cents.status_code) == (422, 422, 422)
    assert assert_documented(staff, "get", "/api/staff/auctions", listing) == "ValidationProblem"
    route = "/api/staff/auctions/{auction_id}"
    assert assert_documented(staff, "get", route, not_an_id) == "ValidationProblem"
    assert assert_documented(staff, "post", "/api/staff/auctions", cents) == "ValidationProblem"
    assert cents.json()["detail"][0]["loc"] == ["body", "starting_bid_cents"]


def test_input_the_catalog_refuses_gets_the_documented_422_sentence(
    staff: TestClient, sessions: sessionmaker[Session]
) -> None:
    with transaction(sessions) as db_session:
        buyer = make_buyer(db_session).id
    auction_id = schedule(staff, a_vehicle(sessions))["id"]
    cancel_route = "/api/staff/auctions/{auction_id}/cancel"
    deposit_route = "/api/staff/bidders/{buyer_id}/deposit"
    unknown_vehicle = staff.post("/api/staff/auctions", json={
        "vehicle_id": 999_999, "starting_bid_cents": 100_00, "duration_seconds": 60})  # fmt: skip
    blank_reason = staff.post(f"/api/staff/auctions/{auction_id}/cancel", json={"reason": "  "})
    nobody = staff.put(f"/api/staff/bidders/{buyer}/deposit",
                       json={"deposit_cents": 100, "by": "   "})  # fmt: skip

    for method, route, response in [("post", "/api/staff/auctions", unknown_vehicle),
                                    ("post", cancel_route, blank_reason),
                                    ("put", deposit_route, nobody)]:  # fmt: skip
        assert response.status_code == 422, response.text
        assert assert_documented(staff, method, route, response) == "Problem"
    # the vehicle is named by the body, not the URL: invalid input, not an unknown URL
    assert unknown_vehicle.json() == {"detail": "no vehicle 999999"}
    assert "say why the auction is cancelled" in blank_reason.json()["detail"]


@pytest.mark.parametrize(
    ("error", "url_names_a_row", "code"),
    [
        (NotFound("no auction 7"), True, 404),
        (NotFound("no vehicle 7"), False, 422),
        (VehicleHasOpenAuction("vehicle 3 already has open auction 9"), False, 409),
        (AlreadySettled("auction 9 is already sold"), True, 409),
        (NotAwaiting("auction 9 is not waiting for a decision"), True, 409),
        (InvalidInput("a duration must be longer than zero"), False, 422),
        (InvalidFilter("unknown make"), True, 422),
    ],
)
def test_each_catalog_error_has_its_status(
    error: CatalogError, url_names_a_row: bool, code: int
) -> None:
    assert catalog_status(error, url_names_a_row=url_names_a_row) == code
