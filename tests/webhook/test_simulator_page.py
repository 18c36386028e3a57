"""/simulator: the page, sends that go through our real webhooks into the inbound stream, and
replies read from the real fake providers."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr

from bots.queue import STREAM, decode
from catalog.config import CatalogSettings
from chat.messages import Channel, InboundKind, InboundMessage
from devtools.simulator import web as simulator
from infra.redis import RedisSettings, connect_redis
from tests.servers import channel_settings as dev_channel_settings
from tests.servers import free_port
from webhook.app import create_app
from webhook.config import AppSettings

PUBLIC_URL = "https://nzila.example.com"
TOKEN = "123456:dev-only-telegram-token"


def build_app(
    database_url: str,
    redis_settings: RedisSettings,
    tmp_path: Path,
    fakes_url: str,
    **channel_overrides: Any,
) -> FastAPI:
    """The real app, with the simulator router (until the app factory includes it)."""
    channels = dev_channel_settings(
        fakes_url,
        telegram_webhook_secret=SecretStr("test-telegram-secret_0123"),
        whatsapp_app_secret=SecretStr("test-meta-app-secret"),
        twilio_auth_token=SecretStr("test-twilio-auth-token"),
        **channel_overrides,
    )
    app = create_app(
        AppSettings(_env_file=None, public_base_url=PUBLIC_URL),  # type: ignore[call-arg]
        CatalogSettings(database_url=database_url, media_dir=tmp_path / "media"),
        redis_settings,
        channels,
    )
    if not any(getattr(route, "path", "") == "/simulator" for route in app.routes):
        app.include_router(simulator.router)

    async def through_the_app() -> AsyncIterator[httpx.AsyncClient]:
        # PUBLIC_URL is this app; anything else (the fakes) goes over the network.
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(mounts={PUBLIC_URL: transport}, timeout=10) as client:
            yield client

    app.dependency_overrides[simulator.simulator_http] = through_the_app
    return app


@pytest.fixture
def client(
    database_url: str, redis_settings: RedisSettings, tmp_path: Path, fakes_url: str
) -> Iterator[TestClient]:
    with TestClient(build_app(database_url, redis_settings, tmp_path, fakes_url)) as test_client:
        yield test_client


@pytest.fixture
def stream(redis_settings: RedisSettings) -> Iterator[redis.Redis]:
    client = connect_redis(redis_settings)
    yield client
    client.close()


def queued(stream: redis.Redis, message_id: str) -> InboundMessage:
    """The message the webhook queued under `message_id` (removed again on a shared server)."""
    for entry_id, fields in stream.xrange(STREAM):
        message = decode(entry_id, fields).message  # other tests' items may be reports
        if isinstance(message, InboundMessage) and message.message_id == message_id:
            stream.xdel(STREAM, entry_id)
            stream.delete(f"nzila:seen:{message.channel.value}:{message_id}",
                          f"nzila:seq:{message.conversation_key}")  # fmt: skip
            return message
    raise AssertionError(f"{message_id} is not in the inbound stream")


def new_phone() -> str:
    return "+234801" + "".join(str(secrets.randbelow(10)) for _ in range(7))


def test_the_page_offers_each_served_channel_and_its_script(client: TestClient) -> None:
    page = client.get("/simulator")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    for channel in ('data-channel="whatsapp"', 'data-channel="twilio"', 'data-channel="telegram"'):
        assert channel in page.text
    assert '<script src="/simulator/simulator.js">' in page.text
    assert "cdn" not in page.text.lower()
    script = client.get("/simulator/simulator.js")
    assert script.status_code == 200
    assert script.headers["content-type"].startswith("text/javascript")
    assert "/simulator/replies" in script.text


def test_the_page_offers_only_the_channels_this_deployment_serves(
    database_url: str, redis_settings: RedisSettings, tmp_path: Path, fakes_url: str
) -> None:
    app = build_app(database_url, redis_settings, tmp_path, fakes_url, channels=["telegram"])
    with TestClient(app) as client:
        page = client.get("/simulator").text
    assert 'data-channel="telegram"' in page
    assert 'data-channel="whatsapp"' not in page


@pytest.mark.parametrize("channel", list(Channel))
def test_typed_text_goes_through_the_real_webhook_into_the_inbound_stream(
    channel: Channel, client: TestClient, stream: redis.Redis
) -> None:
    phone = new_phone()
    said = {"channel": channel.value, "user_id": phone, "user_name": "Ada Obi", "text": "hello"}
    response = client.post("/simulator/send", json=said)
    assert response.status_code == 200, response.text
    message = queued(stream, response.json()["message_id"])
    assert (message.channel, message.kind, message.text) == (channel, InboundKind.TEXT, "hello")
    assert message.user_name == "Ada Obi"
    assert message.user_id.lstrip("+") == phone[1:]


@pytest.mark.parametrize("channel", list(Channel))
def test_a_tapped_button_is_queued_as_a_button_with_its_payload(
    channel: Channel, client: TestClient, stream: redis.Redis
) -> None:
    response = client.post("/simulator/send", json={
        "channel": channel.value, "user_id": new_phone(), "button_payload": "/help",
        "button_title": "Help", "in_reply_to": "12"})  # fmt: skip
    assert response.status_code == 200, response.text
    message = queued(stream, response.json()["message_id"])
    assert (message.kind, message.payload) == (InboundKind.BUTTON, "/help")


def test_a_shared_location_is_queued_with_its_coordinates(
    client: TestClient, stream: redis.Redis
) -> None:
    pin = {"channel": "whatsapp", "user_id": new_phone(), "latitude": 6.45, "longitude": 3.39}
    response = client.post("/simulator/send", json=pin)
    message = queued(stream, response.json()["message_id"])
    assert (message.kind, message.latitude, message.longitude) == (InboundKind.LOCATION, 6.45, 3.39)


def test_a_message_without_content_is_refused_before_anything_is_sent(client: TestClient) -> None:
    response = client.post("/simulator/send", json={"channel": "twilio", "user_id": "+1"})
    assert response.status_code == 422
    assert "exactly one" in response.json()["error"]


def test_a_refusing_webhook_is_reported_as_a_bad_gateway(
    database_url: str, redis_settings: RedisSettings, tmp_path: Path, fakes_url: str
) -> None:
    app = build_app(database_url, redis_settings, tmp_path, fakes_url, channels=["telegram"])
    with TestClient(app) as client:
        response = client.post("/simulator/send", json={
            "channel": "whatsapp", "user_id": new_phone(), "text": "hello"})  # fmt: skip
    assert response.status_code == 502
    assert "answered 404" in response.json()["error"]


def test_replies_are_the_fakes_record_of_what_the_bot_sent_this_user(
    client: TestClient, fakes_url: str
) -> None:
    user = new_phone()
    chat_id = int(user[1:])
    start = client.get("/simulator/replies", params={"channel": "telegram", "user_id": user})
    assert start.status_code == 200
    cursor = start.json()["cursor"]
    assert start.json()["replies"] == []
    keyboard = {"inline_keyboard": [[{"text": "Help", "callback_data": "/help"}]]}
    send = f"{fakes_url}/bot{TOKEN}/sendMessage"
    httpx.post(send, json={"chat_id": chat_id, "text": "Welcome!", "reply_markup": keyboard})
    httpx.post(send, json={"chat_id": chat_id + 1, "text": "Someone else"})
    httpx.post(f"{fakes_url}/bot{TOKEN}/sendChatAction", json={"chat_id": chat_id,
                                                               "action": "typing"})  # fmt: skip
    params = {"channel": "telegram", "user_id": user, "since": cursor}
    body = client.get("/simulator/replies", params=params).json()
    [welcome] = body["replies"]
    assert welcome["text"] == "Welcome!"
    assert welcome["style"] == "inline_keyboard"
    assert welcome["rows"] == [[{"title": "Help", "payload": "/help", "description": "",
                                 "url": None}]]  # fmt: skip
    assert body["cursor"] > cursor
    again = client.get("/simulator/replies", params=params | {"since": body["cursor"]}).json()
    assert again["replies"] == []


def test_replies_say_so_when_the_fakes_are_not_there(
    database_url: str, redis_settings: RedisSettings, tmp_path: Path
) -> None:
    nowhere = f"http://127.0.0.1:{free_port()}"
    with TestClient(build_app(database_url, redis_settings, tmp_path, nowhere)) as client:
        response = client.get("/simulator/replies", params={"channel": "twilio", "user_id": "+1"})
    assert response.status_code == 502
    assert "cannot reach the fake providers" in response.json()["error"]


def test_the_simulator_does_not_exist_in_production(client: TestClient) -> None:
    app: Any = client.app
    app.state.settings = app.state.settings.model_copy(update={"environment": "production"})
    assert client.get("/simulator").status_code == 404
    assert client.get("/simulator/simulator.js").status_code == 404
    sent = client.post("/simulator/send", json={"channel": "telegram", "user_id": "1", "text": "x"})
    assert sent.status_code == 404
    replies = client.get("/simulator/replies", params={"channel": "telegram", "user_id": "1"})
    assert replies.status_code == 404
