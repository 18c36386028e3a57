from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from bots.config import ChannelSettings
from catalog.conversations import service as conversation_service
from catalog.conversations.models import ChatMessage, MessageStatus
from chat.messages import DeliveryState, InboundKind
from tests.conftest import InboundStream

Payload = Callable[[str, str], dict[str, Any]]
URL = "/webhooks/whatsapp"
HEADER = "X-Hub-Signature-256"
AMINA = ("+2348012345678", "2348012345678", "Amina Bello")


@pytest.fixture
def app_secret(channel_settings: ChannelSettings) -> str:
    return channel_settings.whatsapp_app_secret.get_secret_value()


def signed(body: bytes, secret: str) -> dict[str, str]:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return {HEADER: f"sha256={digest}", "Content-Type": "application/json"}


def post(client: TestClient, payload: dict[str, Any], secret: str) -> httpx.Response:
    body = json.dumps(payload, ensure_ascii=False).encode()
    return client.post(URL, content=body, headers=signed(body, secret))


def recorded(provider_payload: Payload, name: str, stream: InboundStream) -> dict[str, Any]:
    """A recorded payload whose message and status ids are this test's own."""
    payload = provider_payload("whatsapp", name)
    for entry in payload["entry"]:
        for change in entry["changes"]:
            for message in change["value"].get("messages", []):
                message["id"] = stream.new_id("wamid.")
            for status in change["value"].get("statuses", []):
                status["id"] = stream.new_id("wamid.out.")
    return payload


def status_ids(payload: dict[str, Any]) -> list[str]:
    return [
        status["id"]
        for entry in payload["entry"]
        for change in entry["changes"]
        for status in change["value"].get("statuses", [])
    ]


def sent_reply(sessions: sessionmaker[Session], provider_message_id: str) -> int:
    """An outbound message the provider accepted as `provider_message_id`; its row id."""
    with sessions() as session:
        conversation = conversation_service.get_or_create(
            db_session=session,
            key=f"whatsapp:{provider_message_id[-12:]}",
            channel="whatsapp",
            chat_id="2348012345678",
            buyer_id=None,
        )
        inbound = conversation_service.record_inbound(
            db_session=session,
            conversation=conversation,
            provider_message_id=f"in.{provider_message_id}",
            kind="text",
            text="Hello",
            payload={},
        )
        assert inbound is not None
        [reply] = conversation_service.record_replies(
            db_session=session, inbound=inbound, replies=[("text", "Welcome to Nzila", {})]
        )
        conversation_service.mark_sent(
            db_session=session, message=reply, provider_message_id=provider_message_id
        )
        session.commit()
        return reply.id


def row(sessions: sessionmaker[Session], message_id: int) -> ChatMessage:
    with sessions() as session:
        message = session.get(ChatMessage, message_id)
        assert message is not None
        return message


def test_verification_echoes_the_challenge_for_our_token(
    webhook_client: TestClient, channel_settings: ChannelSettings
) -> None:
    token = channel_settings.whatsapp_verify_token.get_secret_value()
    params = {"hub.mode": "subscribe", "hub.verify_token": token, "hub.challenge": "1158201444"}
    response = webhook_client.get(URL, params=params)
    assert response.status_code == 200
    assert response.text == "1158201444"
    assert response.headers["content-type"].startswith("text/plain")


def test_verification_with_another_token_or_mode_is_forbidden(
    webhook_client: TestClient, channel_settings: ChannelSettings
) -> None:
    token = channel_settings.whatsapp_verify_token.get_secret_value()
    for params in [
        {"hub.mode": "subscribe", "hub.verify_token": "a-guess", "hub.challenge": "1"},
        {"hub.mode": "unsubscribe", "hub.verify_token": token, "hub.challenge": "1"},
    ]:
        response = webhook_client.get(URL, params=params)
        assert response.status_code == 403, params
        assert response.json() == {"error": "verification failed"}


def test_verification_without_each_of_its_parameters_is_a_400_naming_them(
    webhook_client: TestClient, channel_settings: ChannelSettings
) -> None:
    token = channel_settings.whatsapp_verify_token.get_secret_value()
    whole = {"hub.mode": "subscribe", "hub.verify_token": token, "hub.challenge": "1158201444"}
    for name in whole:
        for params in [{k: v for k, v in whole.items() if k != name}, whole | {name: ""}]:
            response = webhook_client.get(URL, params=params)
            assert response.status_code == 400, params
            assert response.json() == {"error": f"missing {name}"}
    response = webhook_client.get(URL)
    assert response.status_code == 400
    assert response.json() == {"error": "missing hub.mode, hub.verify_token, hub.challenge"}


def test_verification_checks_nothing_of_the_token_before_every_parameter_is_there(
    webhook_client: TestClient,
) -> None:
    response = webhook_client.get(URL, params={"hub.mode": "subscribe", "hub.verify_token": "x"})
    assert (response.status_code, response.json()) == (400, {"error": "missing hub.challenge"})


EXPECTED = {
    "text": {"kind": InboundKind.TEXT, "text": "Hello, do you have a Toyota RAV4 2016 for Lagos?"},
    "interactive_button_reply": {
        "kind": InboundKind.BUTTON,
        "payload": "quote:123:lagos",
        "text": "Ship to Lagos",
    },
    "interactive_list_reply": {
        "kind": InboundKind.BUTTON,
        "payload": "port:apapa",
        "text": "Lagos (Apapa)",
    },
    "button": {"kind": InboundKind.BUTTON, "payload": "alerts:stop"},
    "location": {"kind": InboundKind.LOCATION, "latitude": 6.4474, "longitude": 3.3903},
    "image": {"kind": InboundKind.IMAGE, "media_id": "1479537139650973", "text": "Like this one"},
    "contacts": {"kind": InboundKind.CONTACT, "phone": "+234 803 555 0199"},
    "sticker": {"kind": InboundKind.UNSUPPORTED, "provider_type": "sticker"},
}


def test_each_kind_of_message_is_queued_with_its_fields_and_acknowledged(
    inbound_stream: InboundStream,
    webhook_client: TestClient,
    provider_payload: Payload,
    app_secret: str,
) -> None:
    payloads = [recorded(provider_payload, name, inbound_stream) for name in EXPECTED]
    for payload in payloads:
        response = post(webhook_client, payload, app_secret)
        assert (response.status_code, response.json()) == (
            200,
            {"ok": True, "queued": 1, "duplicates": 0},
        )
    queued = inbound_stream.messages()
    assert len(queued) == len(EXPECTED)
    for message, expected in zip(queued, EXPECTED.values(), strict=True):
        assert (message.user_id, message.chat_id, message.user_name) == AMINA
        assert message.model_dump(include=set(expected)) == expected


def test_a_batch_queues_every_message_and_every_status_and_writes_nothing_itself(
    inbound_stream: InboundStream,
    webhook_client: TestClient,
    sessions: sessionmaker[Session],
    provider_payload: Payload,
    app_secret: str,
) -> None:
    payload = recorded(provider_payload, "batched", inbound_stream)
    replies = [sent_reply(sessions, provider_id) for provider_id in status_ids(payload)]
    response = post(webhook_client, payload, app_secret)
    assert response.status_code == 200
    assert response.json() == {"ok": True, "queued": 10, "duplicates": 0}
    queued = inbound_stream.messages()
    assert [(m.user_id, m.kind, m.provider_type) for m in queued] == [
        ("+2348012345678", InboundKind.TEXT, ""),
        ("+233201234567", InboundKind.IMAGE, ""),
        ("+2348012345678", InboundKind.BUTTON, ""),
        ("+233201234567", InboundKind.LOCATION, ""),
        ("+233201234567", InboundKind.UNSUPPORTED, "audio"),
        ("+2348012345678", InboundKind.REACTION, ""),
    ]
    statuses = inbound_stream.statuses()
    assert [(s.state, s.recipient) for s in statuses] == [
        (DeliveryState.DELIVERED, "+2348012345678"),
        (DeliveryState.READ, "+233201234567"),
        (DeliveryState.SENT, "+233201234567"),
        (DeliveryState.FAILED, "+2348012345678"),
    ]
    assert (statuses[-1].error_code, statuses[-1].error_detail) == (
        "131047",
        "Re-engagement message",
    )
    # The worker applies them, in each conversation's order: the request itself wrote nothing.
    assert {row(sessions, reply).status for reply in replies} == {MessageStatus.SENT}


def test_a_status_of_a_message_we_never_sent_is_acknowledged(
    webhook_client: TestClient,
    inbound_stream: InboundStream,
    provider_payload: Payload,
    app_secret: str,
) -> None:
    payload = recorded(provider_payload, "status_read", inbound_stream)
    assert post(webhook_client, payload, app_secret).status_code == 200


def test_a_retried_notification_is_acknowledged_and_queued_once(
    inbound_stream: InboundStream,
    webhook_client: TestClient,
    provider_payload: Payload,
    app_secret: str,
) -> None:
    payload = recorded(provider_payload, "text", inbound_stream)
    assert [post(webhook_client, payload, app_secret).status_code for _ in range(3)] == [200] * 3
    assert len(inbound_stream.messages()) == 1


@pytest.mark.parametrize(
    ("header", "status"),
    [(None, 401), ("sha256=" + "0" * 64, 403), ("signature", 403)],
    ids=["missing", "wrong", "garbage"],
)
def test_an_unsigned_or_missigned_notification_is_refused_and_changes_nothing(
    inbound_stream: InboundStream,
    webhook_client: TestClient,
    sessions: sessionmaker[Session],
    provider_payload: Payload,
    caplog: pytest.LogCaptureFixture,
    header: str | None,
    status: int,
) -> None:
    payload = recorded(provider_payload, "batched", inbound_stream)
    replies = [sent_reply(sessions, provider_id) for provider_id in status_ids(payload)]
    headers = {"Content-Type": "application/json"} | ({HEADER: header} if header else {})
    response = webhook_client.post(URL, content=json.dumps(payload), headers=headers)
    assert response.status_code == status
    assert inbound_stream.messages() == []
    assert {row(sessions, reply).status for reply in replies} == {MessageStatus.SENT}
    assert "channel=whatsapp client=testclient" in caplog.text


def test_a_body_signed_with_another_secret_is_refused(
    inbound_stream: InboundStream, webhook_client: TestClient, provider_payload: Payload
) -> None:
    payload = recorded(provider_payload, "text", inbound_stream)
    assert post(webhook_client, payload, "someone-elses-secret").status_code == 403
    assert inbound_stream.messages() == []


def test_a_signed_body_that_is_not_a_notification_is_a_400_with_a_clear_error(
    webhook_client: TestClient, app_secret: str
) -> None:
    for body, error in [
        (b"<xml/>", "body is not JSON"),
        (b'"text"', "body is not a JSON object"),
        (b'{"object": "page", "entry": []}', "object"),
        (b'{"object": "whatsapp_business_account"}', "entry"),
        (
            b'{"object": "whatsapp_business_account", "entry": [{"changes": [{"field": '
            b'"messages", "value": {"messages": [{"id": "wamid.1", "type": "text"}]}}]}]}',
            "message 0: from",
        ),
    ]:
        response = webhook_client.post(URL, content=body, headers=signed(body, app_secret))
        assert response.status_code == 400, body
        assert error in response.json()["error"]


def test_a_body_over_the_limit_is_refused(
    webhook_client: TestClient, channel_settings: ChannelSettings, app_secret: str
) -> None:
    big = b'{"padding": "' + b"x" * channel_settings.webhook_max_body_bytes + b'"}'
    response = webhook_client.post(URL, content=big, headers=signed(big, app_secret))
    assert response.status_code == 413


def test_a_channel_this_deployment_does_not_serve_is_404(
    webhook_client: TestClient, channel_settings: ChannelSettings, app_secret: str
) -> None:
    app: Any = webhook_client.app
    app.state.channel_settings = channel_settings.model_copy(update={"channels": ["telegram"]})
    assert webhook_client.get(URL, params={"hub.mode": "subscribe"}).status_code == 404
    assert (
        webhook_client.post(URL, content=b"{}", headers=signed(b"{}", app_secret)).status_code
        == 404
    )


def test_a_username_user_in_a_batch_is_queued_with_its_neighbours(
    inbound_stream: InboundStream,
    webhook_client: TestClient,
    provider_payload: Payload,
    app_secret: str,
) -> None:
    """Meta withholds the number of a user who adopted a username: once a 400 that lost the
    whole batch on every retry."""
    payload = recorded(provider_payload, "batched", inbound_stream)
    value = payload["entry"][0]["changes"][0]["value"]
    value["contacts"].append(
        {"profile": {"name": "Ama", "username": "@ama.cars"}, "user_id": "GH.1349120865530274"}
    )
    value["messages"].append(
        {
            "from_user_id": "GH.1349120865530274",
            "id": inbound_stream.new_id("wamid."),
            "timestamp": value["messages"][0]["timestamp"],
            "type": "text",
            "text": {"body": "Hilux for Tema?"},
        }
    )
    response = post(webhook_client, payload, app_secret)
    assert response.status_code == 200
    queued = inbound_stream.messages()
    assert len(queued) == 7
    [ama] = [m for m in queued if m.text == "Hilux for Tema?"]
    assert (ama.conversation_key, ama.bsuid, ama.user_name) == (
        "whatsapp:GH.1349120865530274",
        "GH.1349120865530274",
        "Ama",
    )


def test_an_unreadable_message_is_refused_alone_and_its_batch_queued(
    inbound_stream: InboundStream,
    webhook_client: TestClient,
    provider_payload: Payload,
    app_secret: str,
) -> None:
    payload = recorded(provider_payload, "batched", inbound_stream)
    payload["entry"][0]["changes"][0]["value"]["messages"][1]["image"] = "not an object"
    response = post(webhook_client, payload, app_secret)
    assert response.status_code == 200
    assert response.json()["refused"] == ["change 0 message 1: image: Input should be an object"]
    assert len(inbound_stream.messages()) == 5
    assert len(inbound_stream.statuses()) == 4
    [refusal] = inbound_stream.refusals()  # recorded by the worker, for staff
    assert refusal.message_id == payload["entry"][0]["changes"][0]["value"]["messages"][1]["id"]


def test_a_request_with_nothing_readable_is_a_400_naming_each_problem(
    inbound_stream: InboundStream,
    webhook_client: TestClient,
    provider_payload: Payload,
    app_secret: str,
) -> None:
    payload = recorded(provider_payload, "text", inbound_stream)
    payload["entry"][0]["changes"][0]["value"]["messages"][0]["timestamp"] = "1000000000"
    response = post(webhook_client, payload, app_secret)
    assert response.status_code == 400
    assert "older than the dedupe window" in response.json()["error"]
    assert inbound_stream.messages() == []


def with_escapes(payload: dict[str, Any], placeholder: str, escapes: str) -> bytes:
    """`payload` as JSON text where `placeholder` is written as raw JSON `escapes` (such as
    `\\ud83d`, which no Python str can be encoded to UTF-8 as)."""
    return json.dumps(payload).replace(placeholder, escapes).encode()


def test_half_an_emoji_in_a_message_is_queued_as_a_replacement_character(
    inbound_stream: InboundStream,
    webhook_client: TestClient,
    provider_payload: Payload,
    app_secret: str,
) -> None:
    payload = recorded(provider_payload, "text", inbound_stream)
    message = payload["entry"][0]["changes"][0]["value"]["messages"][0]
    message["text"]["body"] = "Hello HALF and WHOLE"
    body = with_escapes(payload, "HALF", "\\ud83d")
    body = body.replace(b"WHOLE", b"\\ud83d\\ude00")  # a pair written as escapes is one emoji
    response = webhook_client.post(URL, content=body, headers=signed(body, app_secret))
    assert response.status_code == 200
    [queued] = inbound_stream.messages()
    assert queued.text == "Hello \ufffd and \U0001f600"


def test_half_an_emoji_in_a_status_error_is_queued_as_a_replacement_character(
    webhook_client: TestClient,
    inbound_stream: InboundStream,
    provider_payload: Payload,
    app_secret: str,
) -> None:
    payload = recorded(provider_payload, "status_failed", inbound_stream)
    error = payload["entry"][0]["changes"][0]["value"]["statuses"][0]["errors"][0]
    error["title"] = error["message"] = "Re-engagement HALF"
    body = with_escapes(payload, "HALF", "\\udc00")  # a lone low surrogate this time
    response = webhook_client.post(URL, content=body, headers=signed(body, app_secret))
    assert response.status_code == 200
    [status] = inbound_stream.statuses()
    assert status.error_detail == "Re-engagement \ufffd"


def test_a_signed_body_that_is_not_utf8_is_a_400(
    webhook_client: TestClient, provider_payload: Payload, app_secret: str
) -> None:
    text = json.dumps(provider_payload("whatsapp", "text"))
    for body in [text.replace("Hello", "H\xe9llo").encode("latin-1"), text.encode("utf-16")]:
        response = webhook_client.post(URL, content=body, headers=signed(body, app_secret))
        assert response.status_code == 400, body[:20]
        assert response.json() == {"error": "body is not UTF-8"}


ACCEPTED_TYPES = ["application/json", "Application/JSON; charset=UTF-8", "application/vnd.x+json"]
REFUSED_TYPES = [None, "text/plain", "application/x-www-form-urlencoded", "application/jsonx"]


def test_a_json_content_type_with_or_without_parameters_is_accepted(
    inbound_stream: InboundStream,
    webhook_client: TestClient,
    provider_payload: Payload,
    app_secret: str,
) -> None:
    for content_type in ACCEPTED_TYPES:
        body = json.dumps(recorded(provider_payload, "text", inbound_stream)).encode()
        headers = signed(body, app_secret) | {"Content-Type": content_type}
        response = webhook_client.post(URL, content=body, headers=headers)
        assert (response.status_code, response.json()) == (
            200,
            {"ok": True, "queued": 1, "duplicates": 0},
        ), content_type
    assert len(inbound_stream.messages()) == len(ACCEPTED_TYPES)


def test_a_body_of_another_or_no_content_type_is_a_415_and_not_queued(
    inbound_stream: InboundStream,
    webhook_client: TestClient,
    provider_payload: Payload,
    app_secret: str,
) -> None:
    body = json.dumps(recorded(provider_payload, "text", inbound_stream)).encode()
    for content_type in REFUSED_TYPES:
        headers = {HEADER: signed(body, app_secret)[HEADER]}
        if content_type is not None:
            headers["Content-Type"] = content_type
        response = webhook_client.post(URL, content=body, headers=headers)
        assert response.status_code == 415, content_type
        assert response.json() == {"error": "Content-Type is not application/json"}
        assert response.headers["connection"] == "close"  # the unread body is not waited for
    assert inbound_stream.messages() == []
