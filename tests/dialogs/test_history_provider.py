"""The vehicle history service client against a fake service on a real local port."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from fastapi import FastAPI, Request, Response
from pydantic import SecretStr

from dialogs.actions.history_provider import (
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
