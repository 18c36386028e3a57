"""/simulator: a phone-like chat page to try the bot as a WhatsApp, Twilio or Telegram user.

The page posts what the user types to /simulator/send, which signs it as the provider would and
posts it to our own webhook (the browser never sees a secret); it polls /simulator/replies, which
reads the fake providers' record of what the bot sent. Not served in production (404).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Annotated, Any, Final

import httpx
from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, ConfigDict, Field

from bots.config import ChannelSettings
from chat.messages import Channel
from devtools.simulator import RepliesUnavailable, SimulatorError
from devtools.simulator.replies import (
    fakes_base_url,
    last_seq,
    read_replies,
    recorded_requests,
    requests_url,
)
from devtools.simulator.webhooks import Location, build_inbound, reply_chat_id

STATIC_DIR: Final = Path(__file__).with_name("static")
SEND_TIMEOUT: Final = 10.0
CHANNEL_LABELS: Final = {
    Channel.WHATSAPP: "WhatsApp",
    Channel.TWILIO: "Twilio",
    Channel.TELEGRAM: "Telegram",
}

templates = Jinja2Templates(directory=Path(__file__).with_name("templates"))


def not_in_production(request: Request) -> None:
    """The simulator forges signed webhooks: it does not exist in production."""
    if request.app.state.settings.environment == "production":
        raise HTTPException(status_code=404)


async def simulator_http() -> AsyncIterator[httpx.AsyncClient]:
    """The client that reaches our own webhooks and the fake providers."""
    async with httpx.AsyncClient(timeout=SEND_TIMEOUT) as client:
        yield client


SimulatorHttp = Annotated[httpx.AsyncClient, Depends(simulator_http)]

router = APIRouter(
    prefix="/simulator", dependencies=[Depends(not_in_production)], include_in_schema=False
)


class SimulatedMessage(BaseModel):
    """What the page sends: typed text, a tapped choice, or a location pin, from one user."""

    model_config = ConfigDict(extra="forbid")

    channel: Channel
    user_id: str = Field(min_length=1, max_length=32)
    user_name: str = Field(default="Ada", max_length=64)
    text: str | None = Field(default=None, max_length=4096)
    button_payload: str | None = Field(default=None, max_length=256)
    button_title: str | None = Field(default=None, max_length=64)
    from_list: bool = False
    in_reply_to: str | None = Field(default=None, max_length=128)
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)

    def location(self) -> Location | None:
        if self.latitude is None or self.longitude is None:
            return None
        return Location(self.latitude, self.longitude)


def _channel_settings(request: Request) -> ChannelSettings:
    settings: ChannelSettings = request.app.state.channel_settings
    return settings


@router.get("", response_class=HTMLResponse)
def simulator_page(request: Request) -> HTMLResponse:
    """The chat page, offering the channels this deployment serves."""
    served = _channel_settings(request).channels
    channels = [(channel.value, label) for channel, label in CHANNEL_LABELS.items()
                if channel.value in served]  # fmt: skip
    return templates.TemplateResponse(request, "simulator.html", {"channels": channels})


@router.get("/simulator.js")
def simulator_script() -> FileResponse:
    """The page's script (no framework, no CDN)."""
    headers = {"Cache-Control": "no-cache"}
    return FileResponse(STATIC_DIR / "simulator.js", media_type="text/javascript", headers=headers)


@router.post("/send")
async def send(message: SimulatedMessage, request: Request, http: SimulatorHttp) -> JSONResponse:
    """Sign `message` as its provider would and post it to our webhook; answer what it said.

    422 for a message the simulator cannot build, 502 when the webhook refused it or could not
    be reached, else the provider message id the webhook accepted.
    """
    base_url: str = request.app.state.settings.public_base_url
    try:
        signed = build_inbound(
            message.channel, user_id=message.user_id, user_name=message.user_name,
            text=message.text, button_payload=message.button_payload,
            button_title=message.button_title, location=message.location(),
            from_list=message.from_list, in_reply_to=message.in_reply_to,
            settings=_channel_settings(request), public_base_url=base_url,
        )  # fmt: skip
    except SimulatorError as error:
        return JSONResponse({"error": str(error)}, status_code=422)
    url = base_url.rstrip("/") + signed.path
    try:
        response = await http.post(url, content=signed.body, headers=signed.headers)
    except httpx.HTTPError as error:
        return JSONResponse({"error": f"cannot reach {url}: {error!r}"}, status_code=502)
    if not response.is_success:
        detail = f"the webhook answered {response.status_code}: {response.text[:300]}"
        return JSONResponse({"error": detail}, status_code=502)
    return JSONResponse({"ok": True, "message_id": signed.message_id})


@router.get("/replies")
async def replies(
    request: Request,
    http: SimulatorHttp,
    channel: Channel,
    user_id: Annotated[str, Query(min_length=1, max_length=32)],
    since: Annotated[int | None, Query(ge=0)] = None,
) -> JSONResponse:
    """The bot's replies to `user_id` after `since`, and the cursor to ask from next.

    Without `since`, only the cursor: the page starts after everything already recorded.
    """
    try:
        reply_chat_id(channel, user_id)
        records = await _recorded(http, _channel_settings(request), channel, since or 0)
    except RepliesUnavailable as error:
        return JSONResponse({"error": str(error)}, status_code=502)
    except SimulatorError as error:
        return JSONResponse({"error": str(error)}, status_code=422)
    body: dict[str, Any] = {"cursor": last_seq(records, since or 0), "replies": []}
    if since is not None:
        views = read_replies(records, channel, user_id)
        body["replies"] = [view.model_dump(mode="json") for view in views]
    return JSONResponse(body)


async def _recorded(
    http: httpx.AsyncClient, settings: ChannelSettings, channel: Channel, since: int
) -> list[Any]:
    url = requests_url(fakes_base_url(settings, channel), channel, since)
    try:
        response = await http.get(url)
    except httpx.HTTPError as error:
        raise RepliesUnavailable(f"cannot reach the fake providers at {url}: {error!r}") from error
    return recorded_requests(response)
