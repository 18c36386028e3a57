"""Full stack, one conversation per channel: a signed webhook into the real web app, the real
queue, the worker, the real Rasa server and action server, and the reply out through the fake
provider, rendered as that channel shows it. A replayed webhook is answered once."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from catalog.config import CatalogSettings
from chat.messages import Channel
from devtools.simulator.webhooks import SignedRequest, build_inbound
from dialogs.config import DialogSettings
from infra.redis import RedisSettings
from tests.harness import Harness
from webhook.app import create_app
from webhook.config import AppSettings

PUBLIC_URL = "http://testserver"


@pytest.fixture
def app_client(
    harness: Harness, database_url: str, redis_settings: RedisSettings, tmp_path: Path
) -> Iterator[TestClient]:
    app = create_app(
        AppSettings(_env_file=None, public_base_url=PUBLIC_URL),  # type: ignore[call-arg]
        CatalogSettings(database_url=database_url, media_dir=tmp_path / "media"),
        redis_settings,
        harness.channels,
        DialogSettings(_env_file=None, rasa_url=harness.rasa.base_url),  # type: ignore[call-arg]
    )
    with TestClient(app) as client:
        yield client


def post(client: TestClient, request: SignedRequest) -> int:
    if request.form is not None:
        response = client.post(request.path, data=request.form, headers=request.headers)
    else:
        response = client.post(request.path, content=request.body, headers=request.headers)
    return response.status_code


def signed(harness: Harness, channel: Channel, user_id: str, text: str) -> SignedRequest:
    return build_inbound(channel, user_id=user_id, user_name="Ada Obi", text=text,
                         settings=harness.channels, public_base_url=PUBLIC_URL)  # fmt: skip


def test_whatsapp_cloud_hello_gets_reply_buttons_once_even_when_the_webhook_is_replayed(
    harness: Harness, app_client: TestClient
) -> None:
    number = f"23480{uuid.uuid4().int % 10**8:08d}"
    request = signed(harness, Channel.WHATSAPP, f"+{number}", "hello")
    assert [post(app_client, request) for _ in range(3)] == [200, 200, 200]  # Meta retries
    harness.run([], until=lambda: bool(harness.sent(number)))
    [reply] = harness.sent(number)
    interactive = reply["body"]["interactive"]
    assert interactive["type"] == "button"
    assert [b["reply"]["title"] for b in interactive["action"]["buttons"]] == [
        "How it works",
        "Not now",
    ]


def test_twilio_hello_gets_numbered_options(harness: Harness, app_client: TestClient) -> None:
    number = f"23320{uuid.uuid4().int % 10**8:08d}"
    assert post(app_client, signed(harness, Channel.TWILIO, f"+{number}", "hello")) == 200
    harness.run([], until=lambda: bool(harness.sent(f"whatsapp:+{number}")))
    [reply] = harness.sent(f"whatsapp:+{number}")
    assert reply["body"]["Body"].endswith("1. How it works\n2. Not now")


def test_telegram_help_gets_an_inline_keyboard_in_portuguese(
    harness: Harness, app_client: TestClient
) -> None:
    user = str(700_000_000 + uuid.uuid4().int % 10**8)
    from catalog.buyers import service as buyer_service
    from catalog.database import transaction

    with transaction(harness.sessions) as db_session:
        buyer = buyer_service.get_or_create_by_telegram(db_session=db_session, user_id=int(user))
        buyer.language = "pt"
    assert post(app_client, signed(harness, Channel.TELEGRAM, user, "ajuda")) == 200
    harness.run([], until=lambda: bool(harness.sent(user)))
    [reply] = harness.sent(user)
    assert reply["endpoint"] == "sendMessage"
    assert (
        reply["body"]["text"].startswith("Eis o que posso fazer")
        or "posso" in reply["body"]["text"]
    )
    assert reply["body"]["reply_markup"]["inline_keyboard"]
