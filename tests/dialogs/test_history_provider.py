"""The vehicle history service client: against a fake service on a real local port, and
request by request through httpx.MockTransport."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator

import httpx
import pytest
from fastapi import FastAPI, Request, Response
from pydantic import SecretStr

from dialogs.actions.history_provider import (
    MAX_EVENTS,
    TIMEOUT_SECONDS,
    HistoryEvent,
    HistoryReport,
    HistoryUnavailable,
    fetch_history,
)
from dialogs.config import DialogSettings
from tests.servers import serve_in_thread

TOKEN = "history-test-token"
REPORT = (
    '{"owners": 3, "accidents": 0, "title_brands": ["rebuilt"], "odometer_km": 120000, '
    '"events": [{"date": "2018-01-05", "description": "Sold at auction"}], "extra": "ignored"}'
)


def fake_service() -> FastAPI:
    app = FastAPI()

    @app.get("/healthz")
    def healthz() -> dict[str, bool]:
        return {"ok": True}

    @app.get("/history/{vin}")
    async def history(vin: str, request: Request) -> Response:
        if request.headers.get("authorization") != f"Bearer {TOKEN}":
            return Response(status_code=401)
        if vin == "SLOW":
            await asyncio.sleep(TIMEOUT_SECONDS + 1)
        answers = {"GOOD": (200, REPORT), "BROKEN": (500, "{}"), "GARBLED": (200, "<html>")}
        status, body = answers.get(vin, (404, '{"error": "no record"}'))
        return Response(body, status_code=status, media_type="application/json")

    return app


@pytest.fixture(scope="module")
def service_url() -> Iterator[str]:
    with serve_in_thread(fake_service(), "/healthz") as url:
        yield url


def settings(url: str | None, token: str = TOKEN) -> DialogSettings:
    return DialogSettings(_env_file=None, history_provider_url=url,  # type: ignore[call-arg]
                          history_provider_token=SecretStr(token))  # fmt: skip


def test_a_report_is_read_with_the_bearer_token(service_url: str) -> None:
    report = asyncio.run(fetch_history("GOOD", settings(f"{service_url}/history/")))

    assert report == HistoryReport(
        owners=3, accidents=0, title_brands=["rebuilt"], odometer_km=120_000,
        events=[HistoryEvent(date="2018-01-05", description="Sold at auction")],
    )  # fmt: skip


def test_no_record_is_none(service_url: str) -> None:
    assert asyncio.run(fetch_history("UNKNOWN", settings(f"{service_url}/history"))) is None


@pytest.mark.parametrize("vin", ["BROKEN", "GARBLED", "SLOW"])
def test_a_failing_slow_or_garbled_service_is_unavailable(service_url: str, vin: str) -> None:
    with pytest.raises(HistoryUnavailable):
        asyncio.run(fetch_history(vin, settings(f"{service_url}/history")))


def test_a_refused_token_and_a_missing_service_are_unavailable(service_url: str) -> None:
    with pytest.raises(HistoryUnavailable):
        asyncio.run(fetch_history("GOOD", settings(f"{service_url}/history", token="wrong")))
    with pytest.raises(HistoryUnavailable, match="no history provider"):
        asyncio.run(fetch_history("GOOD", settings(None)))


def fetched_through(
    answer: Callable[[httpx.Request], httpx.Response], *, token: str | None = TOKEN
) -> tuple[HistoryReport | None, list[httpx.Request]]:
    """fetch_history("VIN123") with the service answered by `answer`; the report and requests."""
    requests: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return answer(request)

    configured = settings("https://history.test/v1/")
    if token is None:
        configured.history_provider_token = None
    report = asyncio.run(fetch_history("VIN123", configured, transport=httpx.MockTransport(record)))
    return report, requests


def test_the_request_names_the_vin_asks_for_json_and_carries_the_token_and_timeout() -> None:
    report, [request] = fetched_through(lambda request: httpx.Response(200, text=REPORT))

    assert (request.method, str(request.url)) == ("GET", "https://history.test/v1/VIN123")
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.headers["accept"] == "application/json"
    assert request.extensions["timeout"] == httpx.Timeout(TIMEOUT_SECONDS).as_dict()
    assert report is not None and report.owners == 3


def test_without_a_token_no_authorization_is_sent() -> None:
    _, [request] = fetched_through(lambda request: httpx.Response(404), token=None)

    assert "authorization" not in request.headers


def test_a_long_history_is_cut_to_the_first_events() -> None:
    events = [{"date": f"2019-01-{day:02d}", "description": f"event {day}"} for day in range(1, 25)]

    report, _ = fetched_through(lambda request: httpx.Response(200, json={"events": events}))

    assert report is not None
    assert [event.description for event in report.events] == [
        f"event {day}" for day in range(1, MAX_EVENTS + 1)
    ]


@pytest.mark.parametrize(
    "answer",
    [
        lambda request: httpx.Response(401),
        lambda request: httpx.Response(503),
        lambda request: httpx.Response(200, json={"owners": -1}),
        lambda request: httpx.Response(200, text="<html>"),
        lambda request: (_ for _ in ()).throw(httpx.ConnectTimeout("slow")),
    ],
)
def test_a_refusal_an_outage_an_impossible_or_garbled_report_or_a_timeout_is_unavailable(
    answer: Callable[[httpx.Request], httpx.Response],
) -> None:
    with pytest.raises(HistoryUnavailable):
        fetched_through(answer)
