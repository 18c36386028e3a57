from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from bots.config import ChannelSettings
from catalog.conversations import service as conversation_service
from catalog.conversations.models import ChatMessage, MessageStatus
from chat.messages import DeliveryState, InboundKind
from tests.conftest import InboundStream

Payload = Callable[[str, str], dict[str, str]]
URL = "/webhooks/twilio"
STATUS_URL = "/webhooks/twilio/status"
FORM_TYPE = {"Content-Type": "application/x-www-form-urlencoded"}
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>'


@pytest.fixture
def auth_token(channel_settings: ChannelSettings) -> str:
    return channel_settings.twilio_auth_token.get_secret_value()


def public(client: TestClient, path: str) -> str:
    """The URL Twilio calls: the app's public base URL, not the address it listens on."""
    app: Any = client.app
    base: str = app.state.settings.public_base_url
    return base + path


def signature(url: str, form: dict[str, str], token: str) -> str:
    """Twilio's algorithm: base64 of HMAC-SHA1 over the URL and the sorted fields."""
    signed = url + "".join(key + form[key] for key in sorted(form))
    return base64.b64encode(
        hmac.new(token.encode(), signed.encode(), hashlib.sha1).digest()
    ).decode()


def post(
    client: TestClient, path: str, form: dict[str, str], token: str, signed_url: str | None = None
) -> httpx.Response:
    headers = FORM_TYPE | {
        "X-Twilio-Signature": signature(signed_url or public(client, path), form, token)
    }
    return client.post(path, content=urlencode(form), headers=headers)


def recorded(provider_payload: Payload, name: str, stream: InboundStream) -> dict[str, str]:
    """A recorded form whose message sid is this test's own."""
    form = provider_payload("twilio", name)
    sid = stream.new_id("SM")
    return form | {"MessageSid": sid, "SmsSid": sid, "SmsMessageSid": sid}


def sent_reply(sessions: sessionmaker[Session], sid: str) -> int:
    """An outbound message Twilio accepted as `sid`; its row id."""
    with sessions() as session:
        conversation = conversation_service.get_or_create(
            db_session=session,
            key=f"twilio:{sid[-12:]}",
            channel="twilio",
            chat_id="whatsapp:+233201234567",
            buyer_id=None,
        )
        inbound = conversation_service.record_inbound(
            db_session=session,
            conversation=conversation,
            provider_message_id=f"in.{sid}",
            kind="text",
            text="Hello",
            payload={},
        )
        assert inbound is not None
        [reply] = conversation_service.record_replies(
            db_session=session, inbound=inbound, replies=[("text", "Akwaaba!", {})]
        )
        conversation_service.mark_sent(db_session=session, message=reply, provider_message_id=sid)
        session.commit()
        return reply.id


def row(sessions: sessionmaker[Session], message_id: int) -> ChatMessage:
    with sessions() as session:
        message = session.get(ChatMessage, message_id)
        assert message is not None
        return message


EXPECTED = {
    "inbound_text": {
        "kind": InboundKind.TEXT,
        "text": "Do you ship to Tema? Looking for a Lexus RX 350",
    },
    "button": {"kind": InboundKind.BUTTON, "payload": "quote:123:tema", "text": "Get a quote"},
    "location": {"kind": InboundKind.LOCATION, "latitude": 5.6398, "longitude": -0.0163},
    "media_image": {"kind": InboundKind.IMAGE, "text": "This colour please"},
}


def test_each_kind_of_message_is_queued_and_answered_with_empty_twiml(
    inbound_stream: InboundStream,
    webhook_client: TestClient,
    provider_payload: Payload,
    auth_token: str,
) -> None:
    forms = [recorded(provider_payload, name, inbound_stream) for name in EXPECTED]
    for form in forms:
        response = post(webhook_client, URL, form, auth_token)
        assert response.status_code == 200
        assert response.text == EMPTY_TWIML
        assert response.headers["content-type"].startswith("text/xml")
    queued = inbound_stream.messages()
    assert [m.message_id for m in queued] == [form["MessageSid"] for form in forms]
    for message, expected in zip(queued, EXPECTED.values(), strict=True):
        assert message.user_id == "+233201234567"
        assert message.chat_id == "whatsapp:+233201234567"
        assert message.user_name == "Kwame Mensah"
        assert message.model_dump(include=set(expected)) == expected
    assert queued[-1].media_id == forms[-1]["MediaUrl0"]


def test_other_media_is_queued_as_unsupported(
    inbound_stream: InboundStream,
    webhook_client: TestClient,
    provider_payload: Payload,
    auth_token: str,
) -> None:
    form = recorded(provider_payload, "media_image", inbound_stream)
    form |= {"MediaContentType0": "audio/ogg", "MessageType": "audio"}
    assert post(webhook_client, URL, form, auth_token).status_code == 200
    [message] = inbound_stream.messages()
    assert (message.kind, message.provider_type) == (InboundKind.UNSUPPORTED, "audio/ogg")


@pytest.mark.parametrize("path", [STATUS_URL, URL])
def test_a_status_callback_is_queued_in_the_buyers_line_on_either_url(
    inbound_stream: InboundStream,
    webhook_client: TestClient,
    sessions: sessionmaker[Session],
    provider_payload: Payload,
    auth_token: str,
    path: str,
) -> None:
    delivered = recorded(provider_payload, "status_callback", inbound_stream)
    undelivered = recorded(provider_payload, "status_undelivered", inbound_stream)
    delivered_id = sent_reply(sessions, delivered["MessageSid"])
    for form in (delivered, undelivered):
        response = post(webhook_client, path, form, auth_token)
        assert (response.status_code, response.text) == (200, EMPTY_TWIML)
    assert [(s.state, s.error_code, s.conversation_key) for s in inbound_stream.statuses()] == [
        (DeliveryState.DELIVERED, None, "twilio:+233201234567"),
        (DeliveryState.FAILED, "63016", "twilio:+233201234567"),
    ]
    assert row(sessions, delivered_id).status is MessageStatus.SENT  # the worker applies it
    assert inbound_stream.messages() == []


def test_a_status_that_says_nothing_new_is_acknowledged_and_not_queued(
    inbound_stream: InboundStream,
    webhook_client: TestClient,
    provider_payload: Payload,
    auth_token: str,
) -> None:
    form = recorded(provider_payload, "status_callback", inbound_stream)
    form |= {"MessageStatus": "queued", "SmsStatus": "queued"}
    assert post(webhook_client, STATUS_URL, form, auth_token).status_code == 200
    assert inbound_stream.statuses() == []


def test_the_signature_covers_the_public_url_not_the_one_behind_the_proxy(
    inbound_stream: InboundStream,
    webhook_client: TestClient,
    provider_payload: Payload,
    auth_token: str,
) -> None:
    form = recorded(provider_payload, "inbound_text", inbound_stream)
    internal = f"http://testserver{URL}"
    assert post(webhook_client, URL, form, auth_token, signed_url=internal).status_code == 403
    assert inbound_stream.messages() == []


def test_the_signature_covers_the_query_string(
    inbound_stream: InboundStream,
    webhook_client: TestClient,
    provider_payload: Payload,
    auth_token: str,
) -> None:
    form = recorded(provider_payload, "inbound_text", inbound_stream)
    path = f"{URL}?sender=console"
    unsigned_query = public(webhook_client, URL)
    assert (
        post(webhook_client, path, form, auth_token, signed_url=unsigned_query).status_code == 403
    )
    assert post(webhook_client, path, form, auth_token).status_code == 200
    assert len(inbound_stream.messages()) == 1


def test_a_retried_message_is_acknowledged_and_queued_once(
    inbound_stream: InboundStream,
    webhook_client: TestClient,
    provider_payload: Payload,
    auth_token: str,
) -> None:
    form = recorded(provider_payload, "inbound_text", inbound_stream)
    assert [post(webhook_client, URL, form, auth_token).status_code for _ in range(3)] == [200] * 3
    assert len(inbound_stream.messages()) == 1


@pytest.mark.parametrize("path", [URL, STATUS_URL])
def test_an_unsigned_or_missigned_form_is_refused_and_not_queued(
    inbound_stream: InboundStream,
    webhook_client: TestClient,
    provider_payload: Payload,
    caplog: pytest.LogCaptureFixture,
    path: str,
) -> None:
    form = recorded(provider_payload, "inbound_text", inbound_stream)
    missing = webhook_client.post(path, content=urlencode(form), headers=FORM_TYPE)
    assert missing.status_code == 401
    assert post(webhook_client, path, form, "another-auth-token").status_code == 403
    assert inbound_stream.messages() == []
    assert caplog.text.count("channel=twilio client=testclient") == 2


def test_a_form_with_a_charset_is_accepted(
    inbound_stream: InboundStream,
    webhook_client: TestClient,
    provider_payload: Payload,
    auth_token: str,
) -> None:
    form = recorded(provider_payload, "inbound_text", inbound_stream)
    headers = {
        "Content-Type": "Application/X-WWW-Form-Urlencoded; charset=UTF-8",
        "X-Twilio-Signature": signature(public(webhook_client, URL), form, auth_token),
    }
    response = webhook_client.post(URL, content=urlencode(form), headers=headers)
    assert (response.status_code, response.text) == (200, EMPTY_TWIML)
    assert len(inbound_stream.messages()) == 1


def test_a_body_that_is_not_a_form_is_a_415_and_not_queued(
    inbound_stream: InboundStream,
    webhook_client: TestClient,
    provider_payload: Payload,
    auth_token: str,
) -> None:
    form = recorded(provider_payload, "inbound_text", inbound_stream)
    signed = {"X-Twilio-Signature": signature(public(webhook_client, URL), form, auth_token)}
    for content_type in [None, "application/json", "multipart/form-data; boundary=x"]:
        headers = signed | ({"Content-Type": content_type} if content_type else {})
        response = webhook_client.post(URL, content=urlencode(form), headers=headers)
        assert response.status_code == 415, content_type
        assert response.json() == {"error": "Content-Type is not application/x-www-form-urlencoded"}
    assert inbound_stream.messages() == []


def test_a_form_that_is_not_twilios_is_a_400_with_a_clear_error(
    webhook_client: TestClient, auth_token: str
) -> None:
    no_sid = post(webhook_client, URL, {"From": "whatsapp:+233201234567", "Body": "hi"}, auth_token)
    assert no_sid.status_code == 400
    assert "MessageSid" in no_sid.json()["error"]


def test_a_body_over_the_limit_is_refused(
    webhook_client: TestClient, channel_settings: ChannelSettings, auth_token: str
) -> None:
    form = {"MessageSid": "SM1", "Body": "x" * channel_settings.webhook_max_body_bytes}
    assert post(webhook_client, URL, form, auth_token).status_code == 413


def test_a_channel_this_deployment_does_not_serve_is_404(
    webhook_client: TestClient, channel_settings: ChannelSettings
) -> None:
    app: Any = webhook_client.app
    app.state.channel_settings = channel_settings.model_copy(update={"channels": ["telegram"]})
    for path in (URL, STATUS_URL):
        assert webhook_client.post(path, content=b"", headers=FORM_TYPE).status_code == 404
