from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from prometheus_client import REGISTRY

from bots.config import ChannelSettings
from bots.queue import SEEN_TTL_SECONDS
from chat.messages import InboundKind
from tests.conftest import InboundStream
from tests.telegram_updates import (
    FUZZED,
    Mutation,
    encode,
    mutated_updates,
    recorded_updates,
    refresh,
)

Payload = Callable[[str, str], dict[str, Any]]
URL = "/webhooks/telegram"
HEADER = "X-Telegram-Bot-Api-Secret-Token"


@pytest.fixture
def secret(channel_settings: ChannelSettings) -> str:
    return channel_settings.telegram_webhook_secret.get_secret_value()


def json_with(secret: str | None) -> dict[str, str]:
    """Telegram's headers: its JSON content type, and our secret token when given."""
    return {"Content-Type": "application/json"} | ({HEADER: secret} if secret is not None else {})


def post(client: TestClient, update: dict[str, Any], secret: str | None) -> httpx.Response:
    return client.post(URL, content=json.dumps(update), headers=json_with(secret))


def recorded(provider_payload: Payload, name: str, stream: InboundStream) -> dict[str, Any]:
    """A recorded update under an update_id of this test's own, as if sent just now."""
    update = refresh(provider_payload("telegram", name))
    update["update_id"] = stream.new_update_id()
    return update


EXPECTED = {
    "text": {"kind": InboundKind.TEXT, "text": "Toyota Corolla 2015 under 8000 dollars"},
    "start_deeplink": {"kind": InboundKind.START, "payload": "v_123"},
    "callback_query": {
        "kind": InboundKind.BUTTON,
        "payload": "quote:123:lagos",
        "callback_query_id": "2200458912345678901",
    },
    "location": {"kind": InboundKind.LOCATION, "latitude": 6.524379, "longitude": 3.379206},
    "contact": {"kind": InboundKind.CONTACT, "phone": "+2348012345678"},
    "photo": {"kind": InboundKind.IMAGE, "media_id": "AgACAgQAAxkBAAIBL2ZnLarge1280"},
    "sticker": {"kind": InboundKind.UNSUPPORTED, "provider_type": "sticker"},
    # Not turns, but queued to be recorded against the conversation.
    "edited_message": {
        "kind": InboundKind.EDIT,
        "text": "Toyota Corolla 2016 under 8000 dollars",
        "target_message_id": "512345678:1042",
    },
    "message_reaction": {
        "kind": InboundKind.REACTION,
        "text": "\N{THUMBS UP SIGN}",
        "target_message_id": "512345678:1044",
    },
}


def test_each_kind_of_update_is_queued_with_its_fields_and_acknowledged(
    inbound_stream: InboundStream,
    webhook_client: TestClient,
    provider_payload: Payload,
    secret: str,
) -> None:
    updates = {name: recorded(provider_payload, name, inbound_stream) for name in EXPECTED}
    for update in updates.values():
        response = post(webhook_client, update, secret)
        assert (response.status_code, response.json()) == (200, {"ok": True})
    queued = inbound_stream.messages()
    assert [m.message_id for m in queued] == [str(u["update_id"]) for u in updates.values()]
    for message, expected in zip(queued, EXPECTED.values(), strict=True):
        assert (message.user_id, message.chat_id) == ("512345678", "512345678")
        assert (message.user_name, message.language_hint) == ("Chinedu Okafor", "en")
        assert message.model_dump(include=set(expected)) == expected


def test_a_retried_update_is_acknowledged_and_queued_once(
    inbound_stream: InboundStream,
    webhook_client: TestClient,
    provider_payload: Payload,
    secret: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    update = recorded(provider_payload, "text", inbound_stream)
    caplog.set_level(logging.INFO, logger="webhook.webhooks")
    before = duplicates()
    assert [post(webhook_client, update, secret).status_code for _ in range(3)] == [200] * 3
    assert len(inbound_stream.messages()) == 1
    outcomes = [r.getMessage().split()[1] for r in caplog.records if "inbound" in r.getMessage()]
    assert outcomes == ["queued", "duplicate", "duplicate"]
    assert duplicates() == before + 2


def duplicates() -> float:
    labels = {"channel": "telegram", "outcome": "duplicate"}
    return REGISTRY.get_sample_value("nzila_webhooks_total", labels) or 0.0


def test_the_log_names_conversation_and_message_but_never_the_text(
    inbound_stream: InboundStream,
    webhook_client: TestClient,
    provider_payload: Payload,
    secret: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    update = recorded(provider_payload, "text", inbound_stream)
    caplog.set_level(logging.DEBUG)
    post(webhook_client, update, secret)
    [line] = [r for r in caplog.records if r.name == "webhook.webhooks"]
    assert line.levelno == logging.INFO
    assert "conversation=telegram:512345678" in line.getMessage()
    assert f"message_id={update['update_id']}" in line.getMessage()
    assert "Corolla" not in caplog.text


@pytest.mark.parametrize(
    ("header", "status"), [(None, 401), ("a-guess", 403)], ids=["none", "wrong"]
)
def test_an_update_without_our_secret_is_refused_and_not_queued(
    inbound_stream: InboundStream,
    webhook_client: TestClient,
    provider_payload: Payload,
    caplog: pytest.LogCaptureFixture,
    header: str | None,
    status: int,
) -> None:
    update = recorded(provider_payload, "text", inbound_stream)
    response = post(webhook_client, update, header)
    assert response.status_code == status
    assert "error" in response.json()
    assert inbound_stream.messages() == []
    [warning] = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert "channel=telegram" in warning.getMessage()
    assert "client=testclient" in warning.getMessage()


MALFORMED = [
    (b"{not json", "body is not JSON"),
    (b"[1, 2]", "body is not a JSON object"),
    (b'{"message": {"text": "hi"}}', "no integer update_id"),
    (b'{"update_id": 1, "message": {"message_id": 1}}', "not a valid Telegram update"),
]


def test_a_body_that_is_not_an_update_is_a_400_with_a_clear_error(
    webhook_client: TestClient, secret: str
) -> None:
    for body, error in MALFORMED:
        response = webhook_client.post(URL, content=body, headers=json_with(secret))
        assert response.status_code == 400, body
        assert error in response.json()["error"]


OTHERS = sorted(name for name in recorded_updates() if name.startswith("others/"))


@pytest.mark.parametrize("name", OTHERS)
def test_an_update_written_by_others_sent_now_is_acknowledged(
    inbound_stream: InboundStream,
    webhook_client: TestClient,
    provider_payload: Payload,
    secret: str,
    name: str,
) -> None:
    response = post(webhook_client, recorded(provider_payload, name, inbound_stream), secret)
    assert (response.status_code, response.json()) == (200, {"ok": True})


def test_a_replay_older_than_the_dedupe_window_is_a_400_and_not_queued(
    inbound_stream: InboundStream,
    webhook_client: TestClient,
    provider_payload: Payload,
    secret: str,
) -> None:
    update = recorded(provider_payload, "text", inbound_stream)
    update["message"]["date"] -= SEEN_TTL_SECONDS + 60
    response = post(webhook_client, update, secret)
    assert response.status_code == 400
    assert "older than the dedupe window" in response.json()["error"]
    assert inbound_stream.messages() == []


# At the route a lone surrogate is replaced on the way in (see the U+FFFD test below); the
# parser's own refusal of one is its last line of defence.
ROUTE_FUZZED = {name: case for name, case in FUZZED.items() if name != "lone_surrogate_text"}


@pytest.mark.parametrize("case", ROUTE_FUZZED.values(), ids=ROUTE_FUZZED.keys())
def test_a_fuzzed_update_is_a_400_naming_the_field_and_nothing_is_queued(
    inbound_stream: InboundStream,
    webhook_client: TestClient,
    provider_payload: Payload,
    secret: str,
    case: tuple[Mutation, str],
) -> None:
    mutate, where = case
    update = recorded(provider_payload, "text", inbound_stream)
    mutate(update)
    response = webhook_client.post(URL, content=encode(update), headers=json_with(secret))
    assert response.status_code == 400
    error = response.json()["error"]
    assert where in error or error == "body is not JSON"  # too deep for the JSON decoder
    assert "Toyota" not in error
    assert inbound_stream.messages() == []


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_a_mutated_update_is_acknowledged_or_a_400_never_a_500(
    inbound_stream: InboundStream, webhook_client: TestClient, secret: str, data: st.DataObject
) -> None:
    def ours(update: dict[str, Any]) -> None:
        refresh(update)
        update["update_id"] = inbound_stream.new_update_id()

    update = data.draw(mutated_updates(fresh=ours))
    response = webhook_client.post(URL, content=encode(update), headers=json_with(secret))
    assert response.status_code in (200, 400)
    event(str(response.status_code))
    if response.status_code == 400:
        assert response.json()["error"].startswith(("not a", "body is not JSON"))


def test_a_body_over_the_limit_is_refused(
    webhook_client: TestClient, channel_settings: ChannelSettings, secret: str
) -> None:
    big = b'{"update_id": 1, "padding": "' + b"x" * channel_settings.webhook_max_body_bytes + b'"}'
    response = webhook_client.post(URL, content=big, headers=json_with(secret))
    assert response.status_code == 413
    assert response.headers["connection"] == "close"
    assert "over" in response.json()["error"]


def test_a_body_over_the_limit_without_a_length_is_refused_while_read(
    webhook_client: TestClient, channel_settings: ChannelSettings, secret: str
) -> None:
    chunk = b"x" * 8192

    def chunks() -> Iterator[bytes]:
        for _ in range(channel_settings.webhook_max_body_bytes // len(chunk) + 2):
            yield chunk

    response = webhook_client.post(URL, content=chunks(), headers=json_with(secret))
    assert response.status_code == 413


def test_a_channel_this_deployment_does_not_serve_is_404(
    webhook_client: TestClient, channel_settings: ChannelSettings, secret: str
) -> None:
    app: Any = webhook_client.app
    app.state.channel_settings = channel_settings.model_copy(update={"channels": ["whatsapp"]})
    response = webhook_client.post(URL, content=b"{}", headers=json_with(secret))
    assert response.status_code == 404
    assert "not enabled" in response.json()["error"]


def test_half_an_emoji_in_a_message_is_queued_as_a_replacement_character(
    inbound_stream: InboundStream,
    webhook_client: TestClient,
    provider_payload: Payload,
    secret: str,
) -> None:
    update = recorded(provider_payload, "text", inbound_stream)
    update["message"]["text"] = "Corolla HALF or WHOLE"
    body = json.dumps(update).replace("HALF", "\\ud83d").replace("WHOLE", "\\ud83d\\ude97")
    response = webhook_client.post(URL, content=body.encode(), headers=json_with(secret))
    assert (response.status_code, response.json()) == (200, {"ok": True})
    [queued] = inbound_stream.messages()
    assert queued.text == "Corolla \ufffd or \U0001f697"


ACCEPTED_TYPES = ["application/json", "application/json;charset=utf-8", "APPLICATION/LD+JSON"]
REFUSED_TYPES = [None, "text/json", "multipart/form-data; boundary=x", "application/json+x"]


def test_a_json_content_type_with_or_without_parameters_is_accepted(
    inbound_stream: InboundStream,
    webhook_client: TestClient,
    provider_payload: Payload,
    secret: str,
) -> None:
    for content_type in ACCEPTED_TYPES:
        body = json.dumps(recorded(provider_payload, "text", inbound_stream))
        headers = {"Content-Type": content_type, HEADER: secret}
        response = webhook_client.post(URL, content=body, headers=headers)
        assert (response.status_code, response.json()) == (200, {"ok": True}), content_type
    assert len(inbound_stream.messages()) == len(ACCEPTED_TYPES)


def test_an_update_of_another_or_no_content_type_is_a_415_and_not_queued(
    inbound_stream: InboundStream,
    webhook_client: TestClient,
    provider_payload: Payload,
    secret: str,
) -> None:
    body = json.dumps(recorded(provider_payload, "text", inbound_stream))
    for content_type in REFUSED_TYPES:
        headers = {HEADER: secret} | ({"Content-Type": content_type} if content_type else {})
        response = webhook_client.post(URL, content=body, headers=headers)
        assert response.status_code == 415, content_type
        assert response.json() == {"error": "Content-Type is not application/json"}
    assert inbound_stream.messages() == []
