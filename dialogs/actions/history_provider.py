"""A vehicle history service (Carfax-like), asked for one VIN's report over HTTP.

The service answers ``GET <HISTORY_PROVIDER_URL>/<VIN>`` (bearer token) with JSON:
``{"owners": 2, "accidents": 1, "title_brands": ["salvage"], "odometer_km": 98000,
"events": [{"date": "2019-04-02", "description": "Registered in Ohio"}]}``, every field optional,
or 404 when it has no record of the VIN. A buyer's turn never waits long for it and never fails
because of it: anything but a report or a 404 is `HistoryUnavailable`.
"""

from __future__ import annotations

import logging
from typing import Final

import httpx
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from dialogs.config import DialogSettings

TIMEOUT_SECONDS: Final = 3.0
MAX_EVENTS: Final = 10

logger = logging.getLogger(__name__)


class HistoryUnavailable(Exception):
    """The history service did not give an answer we can use (down, slow, refused, garbled)."""


class HistoryEvent(BaseModel):
    model_config = ConfigDict(extra="ignore")

    date: str = Field(default="", max_length=40)
    description: str = Field(max_length=300)


class HistoryReport(BaseModel):
    """What the service knows of a VIN; None where it does not say."""

    model_config = ConfigDict(extra="ignore")

    owners: int | None = Field(default=None, ge=0)
    accidents: int | None = Field(default=None, ge=0)
    title_brands: list[str] = Field(default_factory=list)
    odometer_km: int | None = Field(default=None, ge=0)
    events: list[HistoryEvent] = Field(default_factory=list)


async def fetch_history(
    vin: str, settings: DialogSettings, *, transport: httpx.AsyncBaseTransport | None = None
) -> HistoryReport | None:
    """The service's report on `vin`, or None when it has no record of it (`transport`: the
    network by default; tests give an ``httpx.MockTransport``).

    Raises:
        HistoryUnavailable: no service is configured, or it failed to answer in time or sanely.
    """
    if not settings.history_provider_url:
        raise HistoryUnavailable("no history provider is configured")
    token = settings.history_provider_token
    headers = {"Accept": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token.get_secret_value()}"
    url = f"{settings.history_provider_url.rstrip('/')}/{vin}"
    try:
        async with httpx.AsyncClient(timeout=TIMEOUT_SECONDS, transport=transport) as http:
            response = await http.get(url, headers=headers)
        if response.status_code == httpx.codes.NOT_FOUND:
            return None
        response.raise_for_status()
        report = HistoryReport.model_validate_json(response.content)
    except (httpx.HTTPError, ValidationError) as error:
        logger.warning("history provider failed", extra={"error": type(error).__name__})
        raise HistoryUnavailable(str(error)) from error
    return report.model_copy(update={"events": report.events[:MAX_EVENTS]})
