"""The fake providers accept the real request formats and answer in the real shapes.

Each provider is driven over HTTP, first with the TestClient, then once with its real client
library (python-telegram-bot, twilio, heyoo) against the app served by uvicorn on a free port.
"""

from __future__ import annotations

import asyncio
import json
import re
import socket
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient
from heyoo import WhatsApp
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, RetryAfter
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from devtools.fakes import create_fake_providers_app
from devtools.fakes.__main__ import parse_arguments

BOT_TOKEN = "123456789:AAFakeTokenForTheNzilaTestSuite_0123"
GRAPH_TOKEN = "EAAG-fake-graph-token"
PHONE_ID = "106540352242922"
ACCOUNT_SID = "AC" + "0" * 31 + "1"
AUTH_TOKEN = "twilio-secret"
SEND = f"/bot{BOT_TOKEN}/sendMessage"
GRAPH = f"/v23.0/{PHONE_ID}/messages"
TWILIO = f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"
BEARER = {"Authorization": f"Bearer {GRAPH_TOKEN}"}


@pytest.fixture
def client() -> Iterator[TestClient]:
    app = create_fake_providers_app(
        telegram_token=BOT_TOKEN,
        graph_token=GRAPH_TOKEN,
        twilio_account_sid=ACCOUNT_SID,
        twilio_auth_token=AUTH_TOKEN,
    )
    with TestClient(app) as test_client:
        yield test_client


def requests_of(client: TestClient, **filters: Any) -> list[dict[str, Any]]:
    response = client.get("/_fake/requests", params=filters)
    assert response.status_code == 200
    records: list[dict[str, Any]] = response.json()
    return records


def whatsapp_text(body: str = "Hello", to: str = "254700000001") -> dict[str, Any]:
    return {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": to,
        "type": "text",
        "text": {"preview_url": False, "body": body},
    }


def reply_buttons(*titles: str) -> dict[str, Any]:
    buttons = [
        {"type": "reply", "reply": {"id": f"b{index}", "title": title}}
        for index, title in enumerate(titles)
    ]
    return {
        "messaging_product": "whatsapp",
        "to": "254700000001",
        "type": "interactive",
        "interactive": {
            "type": "button",
            "body": {"text": "Which one?"},
            "action": {"buttons": buttons},
        },
    }


def list_message(row_count: int, row_title: str = "Toyota Hilux 2016") -> dict[str, Any]:
    rows = [{"id": f"r{index}", "title": row_title} for index in range(row_count)]
    return {
        "messaging_product": "whatsapp",
        "to": "254700000001",
        "type": "interactive",
        "interactive": {
            "type": "list",
            "body": {"text": "Pick a vehicle"},
            "action": {"button": "Vehicles", "sections": [{"title": "Pickups", "rows": rows}]},
        },
    }


def twilio_form(**fields: Any) -> dict[str, Any]:
    return {"To": "whatsapp:+254700000001", "From": "whatsapp:+14155238886", **fields}


# Telegram


def test_telegram_send_message_answers_a_message_with_per_chat_ids(client: TestClient) -> None:
    first = client.post(SEND, json={"chat_id": 42, "text": "Karibu!"}).json()
    second = client.post(SEND, json={"chat_id": 42, "text": "Again"}).json()
    other_chat = client.post(SEND, json={"chat_id": 7, "text": "Hi"}).json()

    assert first["ok"] is True
    message = first["result"]
    assert message["text"] == "Karibu!"
    assert message["chat"] == {"id": 42, "first_name": "Buyer", "type": "private"}
    assert message["from"]["is_bot"] is True
    assert message["from"]["id"] == 123456789
    assert isinstance(message["date"], int)
    assert (message["message_id"], second["result"]["message_id"]) == (1, 2)
    assert other_chat["result"]["message_id"] == 1


def test_telegram_form_bodies_are_decoded_like_json_ones(client: TestClient) -> None:
    keyboard = {"inline_keyboard": [[{"text": "Bid", "callback_data": "bid:17"}]]}
    form = {"chat_id": "42", "text": "Bid now?", "reply_markup": json.dumps(keyboard)}
    answer = client.post(SEND, data=form).json()

    assert answer["result"]["reply_markup"] == keyboard
    (record,) = requests_of(client, provider="telegram")
    assert record["body"] == {"chat_id": 42, "text": "Bid now?", "reply_markup": keyboard}
    assert record["endpoint"] == "sendMessage"


def test_telegram_methods_are_case_insensitive_and_take_query_strings(client: TestClient) -> None:
    answer = client.get(f"/bot{BOT_TOKEN}/sendmessage", params={"chat_id": 5, "text": "hi"})
    assert answer.json()["result"]["text"] == "hi"
    assert requests_of(client)[0]["endpoint"] == "sendMessage"


def test_telegram_chat_ids_may_come_as_strings_in_json(client: TestClient) -> None:
    answer = client.post(SEND, json={"chat_id": "-1001234567890", "text": "Group hello"})
    assert answer.json()["result"]["chat"]["type"] == "supergroup"
    assert requests_of(client)[0]["body"]["chat_id"] == -1001234567890


def test_telegram_unknown_token_is_unauthorized(client: TestClient) -> None:
    response = client.post("/bot999:wrong/sendMessage", json={"chat_id": 1, "text": "x"})
    assert response.status_code == 401
    assert response.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
    assert requests_of(client)[0]["outcome"] == "rejected"


def test_telegram_accepts_any_token_when_none_is_configured() -> None:
    with TestClient(create_fake_providers_app()) as client:
        response = client.post("/bot42:anything/sendMessage", json={"chat_id": 1, "text": "x"})
        assert response.json()["ok"] is True
        assert response.json()["result"]["from"]["id"] == 42


@pytest.mark.parametrize(
    ("body", "description"),
    [
        ({"chat_id": 42}, "Bad Request: message text is empty"),
        ({"chat_id": 42, "text": ""}, "Bad Request: message text is empty"),
        (
            {"chat_id": 42, "text": "<b></b>", "parse_mode": "HTML"},
            "Bad Request: message text is empty",
        ),
        ({"text": "hello"}, "Bad Request: chat_id is empty"),
        ({"chat_id": "not-a-chat", "text": "hello"}, "Bad Request: chat not found"),
        ({"chat_id": 42, "text": "x" * 4097}, "Bad Request: message is too long"),
    ],
)
def test_telegram_send_message_is_refused_as_telegram_refuses_it(
    client: TestClient, body: dict[str, Any], description: str
) -> None:
    response = client.post(SEND, json=body)
    assert response.status_code == 400
    assert response.json() == {"ok": False, "error_code": 400, "description": description}


def test_telegram_text_limit_counts_text_after_entity_parsing(client: TestClient) -> None:
    assert client.post(SEND, json={"chat_id": 1, "text": "x" * 4096}).json()["ok"] is True
    html_text = "<b>" + "x" * 4090 + "</b>"
    answer = client.post(SEND, json={"chat_id": 1, "text": html_text, "parse_mode": "HTML"})
    assert answer.json()["ok"] is True


def test_telegram_callback_data_over_64_bytes_is_refused(client: TestClient) -> None:
    def send(data: str) -> Any:
        keyboard = {"inline_keyboard": [[{"text": "Go", "callback_data": data}]]}
        return client.post(SEND, json={"chat_id": 1, "text": "x", "reply_markup": keyboard})

    assert send("é" * 32).json()["ok"] is True  # 64 bytes in UTF-8
    refused = send("é" * 32 + "x")
    assert refused.status_code == 400
    assert refused.json()["description"] == "Bad Request: BUTTON_DATA_INVALID"


def test_telegram_send_photo_by_url_and_by_upload(client: TestClient) -> None:
    by_url = client.post(
        f"/bot{BOT_TOKEN}/sendPhoto",
        json={"chat_id": 1, "photo": "https://example.test/a.jpg", "caption": "Hilux"},
    ).json()["result"]
    uploaded = client.post(
        f"/bot{BOT_TOKEN}/sendPhoto",
        data={"chat_id": "1"},
        files={"photo": ("hilux.jpg", b"\xff\xd8jpeg", "image/jpeg")},
    ).json()["result"]

    assert by_url["caption"] == "Hilux"
    assert [size["width"] for size in by_url["photo"]] == [90, 320, 800]
    assert {"file_id", "file_unique_id", "width", "height"} <= set(uploaded["photo"][0])
    upload_record = requests_of(client)[-1]
    assert upload_record["body"]["photo"] == {
        "filename": "hilux.jpg",
        "content_type": "image/jpeg",
        "size": 6,
    }


def test_telegram_send_photo_refuses_a_missing_photo_and_a_long_caption(client: TestClient) -> None:
    method = f"/bot{BOT_TOKEN}/sendPhoto"
    missing = client.post(method, json={"chat_id": 1})
    long_caption = client.post(method, json={"chat_id": 1, "photo": "id", "caption": "c" * 1025})
    assert missing.json()["description"] == "Bad Request: there is no photo in the request"
    assert long_caption.json()["description"] == "Bad Request: message caption is too long"


def test_telegram_media_group_answers_one_message_per_item_in_one_group(client: TestClient) -> None:
    media = [
        {"type": "photo", "media": "https://example.test/1.jpg", "caption": "Front"},
        {"type": "photo", "media": "attach://second"},
    ]
    answer = client.post(
        f"/bot{BOT_TOKEN}/sendMediaGroup",
        data={"chat_id": "1", "media": json.dumps(media)},
        files={"second": ("2.jpg", b"jpeg", "image/jpeg")},
    ).json()

    messages = answer["result"]
    assert len(messages) == 2
    assert messages[0]["media_group_id"] == messages[1]["media_group_id"]
    assert messages[0]["caption"] == "Front"
    assert "caption" not in messages[1]
    assert all(message["photo"] for message in messages)


@pytest.mark.parametrize(
    ("count", "description"),
    [
        (0, "Bad Request: there are no messages to send"),
        (1, "Bad Request: media group must include 2-10 items"),
        (11, "Bad Request: too many messages to send as an album"),
    ],
)
def test_telegram_media_group_needs_2_to_10_items(
    client: TestClient, count: int, description: str
) -> None:
    media = [{"type": "photo", "media": f"https://example.test/{i}.jpg"} for i in range(count)]
    response = client.post(f"/bot{BOT_TOKEN}/sendMediaGroup", json={"chat_id": 1, "media": media})
    assert response.status_code == 400
    assert response.json()["description"] == description


def test_telegram_media_group_refuses_a_missing_attachment(client: TestClient) -> None:
    media = [{"type": "photo", "media": "attach://nowhere"}, {"type": "photo", "media": "x"}]
    response = client.post(f"/bot{BOT_TOKEN}/sendMediaGroup", json={"chat_id": 1, "media": media})
    assert response.json()["description"] == "Bad Request: can't parse InputMedia: media not found"


def test_telegram_callback_answers_and_chat_actions(client: TestClient) -> None:
    answer = client.post(
        f"/bot{BOT_TOKEN}/answerCallbackQuery", json={"callback_query_id": "99", "text": "Bid!"}
    )
    typing = client.post(f"/bot{BOT_TOKEN}/sendChatAction", json={"chat_id": 1, "action": "typing"})
    assert answer.json() == {"ok": True, "result": True}
    assert typing.json() == {"ok": True, "result": True}

    no_query = client.post(f"/bot{BOT_TOKEN}/answerCallbackQuery", json={})
    dancing = client.post(f"/bot{BOT_TOKEN}/sendChatAction", json={"chat_id": 1, "action": "dance"})
    assert (
        no_query.json()["description"] == 'Bad Request: parameter "callback_query_id" is required'
    )
    assert dancing.json()["description"] == "Bad Request: wrong parameter action in request"


def test_telegram_webhook_is_set_read_back_and_deleted(client: TestClient) -> None:
    base = f"/bot{BOT_TOKEN}"
    url = "http://127.0.0.1:8000/webhooks/telegram"
    set_answer = client.post(f"{base}/setWebhook", json={"url": url, "secret_token": "s3cret"})
    again = client.post(f"{base}/setWebhook", json={"url": url, "secret_token": "s3cret"})
    info = client.get(f"{base}/getWebhookInfo").json()["result"]
    deleted = client.post(f"{base}/deleteWebhook").json()
    after = client.post(f"{base}/getWebhookInfo").json()["result"]

    assert set_answer.json() == {"ok": True, "result": True, "description": "Webhook was set"}
    assert again.json()["description"] == "Webhook is already set"
    assert info["url"] == url
    assert info["pending_update_count"] == 0
    assert info["has_custom_certificate"] is False
    assert deleted == {"ok": True, "result": True, "description": "Webhook was deleted"}
    assert after == {"url": "", "has_custom_certificate": False, "pending_update_count": 0}


def test_telegram_get_me_and_unknown_methods(client: TestClient) -> None:
    me = client.get(f"/bot{BOT_TOKEN}/getMe").json()["result"]
    unknown = client.post(f"/bot{BOT_TOKEN}/sendPigeon", json={})
    assert me["id"] == 123456789
    assert me["is_bot"] is True
    assert me["username"]
    assert unknown.status_code == 404
    assert unknown.json() == {"ok": False, "error_code": 404, "description": "Not Found"}


# WhatsApp Cloud API


def test_whatsapp_text_send_answers_contacts_and_a_wamid(client: TestClient) -> None:
    response = client.post(GRAPH, headers=BEARER, json=whatsapp_text(to="+254700000001"))

    assert response.status_code == 200
    answer = response.json()
    assert answer["messaging_product"] == "whatsapp"
    assert answer["contacts"] == [{"input": "+254700000001", "wa_id": "254700000001"}]
    assert re.fullmatch(r"wamid\.[A-Za-z0-9+/=]+", answer["messages"][0]["id"])
    record = requests_of(client, provider="whatsapp")[0]
    assert record["endpoint"] == "messages"
    assert record["headers"]["authorization"] == f"Bearer {GRAPH_TOKEN}"


def test_whatsapp_three_reply_buttons_are_accepted(client: TestClient) -> None:
    response = client.post(GRAPH, headers=BEARER, json=reply_buttons("Yes", "No", "Agent"))
    assert response.status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        reply_buttons("One", "Two", "Three", "Four"),
        reply_buttons("A title of 21 chars!!"),
        list_message(11),
        list_message(1, row_title="A row title of 25 chars!!"),
    ],
    ids=["four-buttons", "long-button-title", "eleven-rows", "long-row-title"],
)
def test_whatsapp_interactive_limits_are_refused_with_131009(
    client: TestClient, body: dict[str, Any]
) -> None:
    response = client.post(GRAPH, headers=BEARER, json=body)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == 131009
    assert error["message"] == "(#131009) Parameter value is not valid"
    assert error["type"] == "OAuthException"
    assert error["error_data"]["messaging_product"] == "whatsapp"
    assert error["error_data"]["details"]
    assert error["fbtrace_id"]


def test_whatsapp_malformed_interactive_parts_are_refused_not_crashed_on(
    client: TestClient,
) -> None:
    body = list_message(2)
    body["interactive"]["action"]["sections"] = ["not-an-object"]
    body_without_action = reply_buttons("Yes") | {"interactive": {"type": "button", "action": []}}
    for malformed in (body, body_without_action):
        response = client.post(GRAPH, headers=BEARER, json=malformed)
        assert response.status_code == 400
        assert response.json()["error"]["code"] == 131009


def test_whatsapp_list_of_ten_rows_is_accepted(client: TestClient) -> None:
    assert client.post(GRAPH, headers=BEARER, json=list_message(10)).status_code == 200


def test_whatsapp_image_template_and_reaction_sends(client: TestClient) -> None:
    base = {"messaging_product": "whatsapp", "to": "254700000001"}
    image = base | {"type": "image", "image": {"link": "https://example.test/a.jpg"}}
    template = base | {
        "type": "template",
        "template": {"name": "auction_outbid", "language": {"code": "en"}, "components": []},
    }
    reaction = base | {"type": "reaction", "reaction": {"message_id": "wamid.abc", "emoji": "👍"}}

    assert client.post(GRAPH, headers=BEARER, json=image).status_code == 200
    sent_template = client.post(GRAPH, headers=BEARER, json=template).json()
    assert sent_template["messages"][0]["message_status"] == "accepted"
    assert client.post(GRAPH, headers=BEARER, json=reaction).status_code == 200


def test_whatsapp_refuses_an_image_without_link_or_id_and_an_unknown_type(
    client: TestClient,
) -> None:
    base = {"messaging_product": "whatsapp", "to": "254700000001"}
    no_media = client.post(GRAPH, headers=BEARER, json=base | {"type": "image", "image": {}})
    unknown = client.post(GRAPH, headers=BEARER, json=base | {"type": "hologram", "hologram": {}})
    assert no_media.status_code == 400
    assert no_media.json()["error"]["code"] == 131008
    assert unknown.json()["error"]["code"] == 100


def test_whatsapp_mark_as_read_with_and_without_typing_indicator(client: TestClient) -> None:
    read = {"messaging_product": "whatsapp", "status": "read", "message_id": "wamid.HBgL"}
    typing = read | {"typing_indicator": {"type": "text"}}

    assert client.post(GRAPH, headers=BEARER, json=read).json() == {"success": True}
    assert client.post(GRAPH, headers=BEARER, json=typing).json() == {"success": True}
    endpoints = [record["endpoint"] for record in requests_of(client)]
    assert endpoints == ["mark_read", "mark_read"]


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer someone-elses-token"}, {"Authorization": "Basic abc"}],
    ids=["missing", "wrong", "not-bearer"],
)
def test_whatsapp_without_the_right_bearer_token_is_an_oauth_error(
    client: TestClient, headers: dict[str, str]
) -> None:
    response = client.post(GRAPH, headers=headers, json=whatsapp_text())
    assert response.status_code == 401
    error = response.json()["error"]
    assert (error["type"], error["code"]) == ("OAuthException", 190)
    assert error["message"]


def test_whatsapp_refuses_a_body_that_is_not_json(client: TestClient) -> None:
    response = client.post(GRAPH, headers=BEARER, content=b"{nope")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == 100


# Twilio


def test_twilio_create_answers_201_with_a_queued_message_resource(client: TestClient) -> None:
    form = twilio_form(Body="Karibu", StatusCallback="http://127.0.0.1:8000/status")
    response = client.post(TWILIO, data=form, auth=(ACCOUNT_SID, AUTH_TOKEN))

    assert response.status_code == 201
    message = response.json()
    assert re.fullmatch(r"SM[0-9a-f]{32}", message["sid"])
    assert message["status"] == "queued"
    assert message["account_sid"] == ACCOUNT_SID
    assert (message["to"], message["from"], message["body"]) == (
        "whatsapp:+254700000001",
        "whatsapp:+14155238886",
        "Karibu",
    )
    assert message["direction"] == "outbound-api"
    assert message["uri"] == f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/{message['sid']}.json"
    assert message["date_created"].endswith("+0000")
    assert requests_of(client, provider="twilio")[0]["body"]["StatusCallback"].endswith("/status")


def test_twilio_media_urls_and_content_templates(client: TestClient) -> None:
    media = twilio_form(MediaUrl=["https://example.test/1.jpg", "https://example.test/2.jpg"])
    content = twilio_form(ContentSid="HX" + "a" * 32, ContentVariables='{"1": "Hilux"}')
    service = {"To": "whatsapp:+254700000001", "MessagingServiceSid": "MG1", "Body": "Hi"}

    with_media = client.post(TWILIO, data=media, auth=(ACCOUNT_SID, AUTH_TOKEN)).json()
    from_template = client.post(TWILIO, data=content, auth=(ACCOUNT_SID, AUTH_TOKEN))
    through_service = client.post(TWILIO, data=service, auth=(ACCOUNT_SID, AUTH_TOKEN)).json()

    assert with_media["num_media"] == "2"
    assert requests_of(client)[0]["body"]["MediaUrl"] == media["MediaUrl"]
    assert from_template.status_code == 201
    assert through_service["status"] == "accepted"
    assert through_service["messaging_service_sid"] == "MG1"


@pytest.mark.parametrize(
    "auth",
    [None, (ACCOUNT_SID, "wrong"), ("AC" + "f" * 32, AUTH_TOKEN)],
    ids=["missing", "wrong-token", "other-account"],
)
def test_twilio_bad_basic_auth_is_20003(client: TestClient, auth: tuple[str, str] | None) -> None:
    response = client.post(TWILIO, data=twilio_form(Body="x"), auth=auth)
    assert response.status_code == 401
    assert response.json() == {
        "code": 20003,
        "message": "Authenticate",
        "more_info": "https://www.twilio.com/docs/errors/20003",
        "status": 401,
    }


@pytest.mark.parametrize(
    ("form", "code"),
    [
        ({"From": "whatsapp:+14155238886", "Body": "x"}, 21604),
        ({"To": "whatsapp:+254700000001", "Body": "x"}, 21603),
        (twilio_form(), 21602),
        (twilio_form(Body="x" * 1601), 21617),
        ({"To": "+254700000001", "From": "whatsapp:+14155238886", "Body": "x"}, 21910),
    ],
    ids=["no-to", "no-from", "no-body-media-or-content", "body-too-long", "mixed-channels"],
)
def test_twilio_refuses_incomplete_messages(
    client: TestClient, form: dict[str, Any], code: int
) -> None:
    response = client.post(TWILIO, data=form, auth=(ACCOUNT_SID, AUTH_TOKEN))
    assert response.status_code == 400
    answer = response.json()
    assert (answer["code"], answer["status"]) == (code, 400)
    assert answer["message"]
    assert answer["more_info"].endswith(str(code))


# Injected failures


def test_telegram_failures_fail_the_next_sends_then_deliver(client: TestClient) -> None:
    plan = {"provider": "telegram", "status": 429, "count": 2, "retry_after": 3}
    assert client.post("/_fake/failures", json=plan).status_code == 201

    answers = [client.post(SEND, json={"chat_id": 1, "text": "x"}) for _ in range(3)]

    assert [answer.status_code for answer in answers] == [429, 429, 200]
    assert answers[0].json() == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 3",
        "parameters": {"retry_after": 3},
    }
    assert len(requests_of(client, provider="telegram")) == 3
    assert len(requests_of(client, provider="telegram", outcome="delivered")) == 1
    assert [r["outcome"] for r in requests_of(client)][:2] == ["injected_failure"] * 2
    assert client.get("/_fake/failures").json() == []


def test_failures_spare_set_up_calls_unless_aimed_at_them(client: TestClient) -> None:
    client.post("/_fake/failures", json={"provider": "telegram", "status": 500})
    aimed = {"provider": "telegram", "status": 503, "endpoint": "sendChatAction"}
    client.post("/_fake/failures", json=aimed)

    assert client.get(f"/bot{BOT_TOKEN}/getMe").status_code == 200
    action = client.post(f"/bot{BOT_TOKEN}/sendChatAction", json={"chat_id": 1, "action": "typing"})
    send = client.post(SEND, json={"chat_id": 1, "text": "x"})

    assert action.status_code == 503
    assert action.json()["description"] == "Service Unavailable"
    assert send.status_code == 500
    assert send.json() == {"ok": False, "error_code": 500, "description": "Internal Server Error"}


def test_whatsapp_failures_use_graph_codes_and_spare_read_receipts(client: TestClient) -> None:
    client.post("/_fake/failures", json={"provider": "whatsapp", "status": 429})
    client.post("/_fake/failures", json={"provider": "whatsapp", "status": 500})
    read = {"messaging_product": "whatsapp", "status": "read", "message_id": "wamid.HBgL"}

    assert client.post(GRAPH, headers=BEARER, json=read).status_code == 200
    limited = client.post(GRAPH, headers=BEARER, json=whatsapp_text())
    broken = client.post(GRAPH, headers=BEARER, json=whatsapp_text())
    delivered = client.post(GRAPH, headers=BEARER, json=whatsapp_text())

    assert limited.status_code == 429
    assert limited.json()["error"]["code"] == 130429
    assert limited.json()["error"]["message"] == "(#130429) Rate limit hit"
    assert broken.status_code == 500
    assert broken.json()["error"]["code"] == 131000
    assert "Something went wrong" in broken.json()["error"]["message"]
    assert delivered.status_code == 200


def test_twilio_failures_carry_retry_after(client: TestClient) -> None:
    plan = {"provider": "twilio", "status": 429, "retry_after": 2}
    client.post("/_fake/failures", json=plan)
    client.post("/_fake/failures", json={"provider": "twilio", "status": 503})
    auth = (ACCOUNT_SID, AUTH_TOKEN)

    limited = client.post(TWILIO, data=twilio_form(Body="x"), auth=auth)
    unavailable = client.post(TWILIO, data=twilio_form(Body="x"), auth=auth)
    delivered = client.post(TWILIO, data=twilio_form(Body="x"), auth=auth)

    assert limited.status_code == 429
    assert limited.headers["retry-after"] == "2"
    assert limited.json()["code"] == 20429
    assert limited.json()["message"] == "Too Many Requests"
    assert (unavailable.status_code, unavailable.json()["code"]) == (503, 20503)
    assert "retry-after" not in unavailable.headers
    assert delivered.status_code == 201


def test_failures_can_name_their_own_code_and_message(client: TestClient) -> None:
    plan = {
        "provider": "whatsapp",
        "status": 400,
        "code": 131047,
        "message": "Re-engagement message",
    }
    client.post("/_fake/failures", json=plan)
    response = client.post(GRAPH, headers=BEARER, json=whatsapp_text())
    assert response.json()["error"]["code"] == 131047
    assert response.json()["error"]["message"] == "(#131047) Re-engagement message"


def test_failure_plans_are_validated_listed_and_cleared(client: TestClient) -> None:
    assert (
        client.post("/_fake/failures", json={"provider": "fax", "status": 500}).status_code == 422
    )
    assert (
        client.post("/_fake/failures", json={"provider": "twilio", "status": 200}).status_code
        == 422
    )
    client.post("/_fake/failures", json={"provider": "twilio", "status": 500, "count": 4})
    (pending,) = client.get("/_fake/failures").json()
    assert (pending["provider"], pending["remaining"]) == ("twilio", 4)
    client.delete("/_fake/failures")
    assert client.get("/_fake/failures").json() == []


# Recording and control


def test_recording_numbers_requests_and_filters_by_provider_and_since(client: TestClient) -> None:
    client.post(SEND, json={"chat_id": 1, "text": "one"})
    client.post(GRAPH, headers=BEARER, json=whatsapp_text())
    client.post(SEND, json={"chat_id": 1, "text": "two"})

    records = requests_of(client)
    assert [record["seq"] for record in records] == [1, 2, 3]
    assert [r["provider"] for r in records] == ["telegram", "whatsapp", "telegram"]
    assert records[0]["timestamp"] <= records[2]["timestamp"]
    assert records[0]["method"] == "POST"
    assert records[0]["path"] == SEND
    assert records[0]["status_code"] == 200
    assert records[0]["response"]["result"]["text"] == "one"
    later = requests_of(client, provider="telegram", since=1)
    assert [record["body"]["text"] for record in later] == ["two"]


def test_clearing_forgets_requests_but_keeps_counting(client: TestClient) -> None:
    client.post(SEND, json={"chat_id": 1, "text": "one"})
    assert client.delete("/_fake/requests").json() == {"cleared": 1, "last_seq": 1}
    assert requests_of(client) == []
    client.post(SEND, json={"chat_id": 1, "text": "two"})
    assert [record["seq"] for record in requests_of(client, since=1)] == [2]


def test_the_recorder_is_reachable_in_process() -> None:
    app = create_fake_providers_app()
    with TestClient(app) as client:
        client.post("/bot1:x/sendMessage", json={"chat_id": 1, "text": "hi"})
    (record,) = app.state.recorder.requests(provider="telegram")
    assert record.delivered


def test_healthz(client: TestClient) -> None:
    response = client.get("/_fake/healthz")
    assert response.json() == {"status": "ok", "providers": ["telegram", "whatsapp", "twilio"]}


def test_command_line_reads_host_port_and_credentials() -> None:
    arguments = parse_arguments(["--host", "0.0.0.0", "--port", "8091", "--telegram-token", "1:a"])
    assert (arguments.host, arguments.port, arguments.telegram_token) == ("0.0.0.0", 8091, "1:a")
    assert parse_arguments([]).graph_token is None


def test_latency_delays_provider_answers_but_not_the_control_api() -> None:
    app = create_fake_providers_app(telegram_token=BOT_TOKEN, latency_seconds=0.3)
    with TestClient(app) as slow:
        started = time.monotonic()
        sent = slow.post(SEND, json={"chat_id": 42, "text": "Karibu!"})
        send_took = time.monotonic() - started
        started = time.monotonic()
        recorded = slow.get("/_fake/requests")
        control_took = time.monotonic() - started

    assert sent.json()["ok"] is True
    assert send_took >= 0.3
    assert control_took < 0.3
    assert [entry["endpoint"] for entry in recorded.json()] == ["sendMessage"]
    assert parse_arguments(["--latency-ms", "150"]).latency_ms == 150.0


# The real client libraries against the fakes served by uvicorn


@pytest.fixture(scope="module")
def served_fakes() -> Iterator[str]:
    app = create_fake_providers_app(
        telegram_token=BOT_TOKEN,
        graph_token=GRAPH_TOKEN,
        twilio_account_sid=ACCOUNT_SID,
        twilio_auth_token=AUTH_TOKEN,
    )
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", ws="none", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "the fake providers did not start"
        time.sleep(0.01)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    listener.close()


def served_requests(base_url: str, **filters: Any) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = httpx.get(f"{base_url}/_fake/requests", params=filters).json()
    return records


def test_python_telegram_bot_sends_through_the_fake(
    served_fakes: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "1")  # RetryAfter.retry_after as a timedelta, no warning

    async def converse() -> None:
        async with Bot(BOT_TOKEN, base_url=f"{served_fakes}/bot") as bot:
            assert bot.id == 123456789
            markup = InlineKeyboardMarkup([[InlineKeyboardButton("Bid", callback_data="bid:1")]])
            message = await bot.send_message(chat_id=42, text="Karibu!", reply_markup=markup)
            assert message.text == "Karibu!"
            assert message.chat.id == 42
            assert message.reply_markup == markup
            with pytest.raises(BadRequest, match="Message is too long"):
                await bot.send_message(chat_id=42, text="x" * 5000)
            plan = {"provider": "telegram", "status": 429, "retry_after": 7}
            async with httpx.AsyncClient(base_url=served_fakes) as control:
                (await control.post("/_fake/failures", json=plan)).raise_for_status()
            with pytest.raises(RetryAfter) as raised:
                await bot.send_message(chat_id=42, text="again")
            assert raised.value.retry_after == timedelta(seconds=7)

    asyncio.run(converse())
    sent = served_requests(served_fakes, provider="telegram", endpoint="sendMessage")
    assert [record["outcome"] for record in sent][-3:] == [
        "delivered",
        "rejected",
        "injected_failure",
    ]


def test_twilio_client_sends_through_the_fake(served_fakes: str) -> None:
    client = Client(ACCOUNT_SID, AUTH_TOKEN)
    client.api.base_url = served_fakes
    message = client.messages.create(
        to="whatsapp:+254700000001",
        from_="whatsapp:+14155238886",
        body="Karibu!",
        media_url=["https://example.test/hilux.jpg"],
    )
    assert re.fullmatch(r"SM[0-9a-f]{32}", message.sid or "")
    assert message.status == "queued"
    assert message.num_media == "1"

    intruder = Client(ACCOUNT_SID, "wrong-token")
    intruder.api.base_url = served_fakes
    with pytest.raises(TwilioRestException) as raised:
        intruder.messages.create(to="whatsapp:+254700000001", from_="whatsapp:+1415", body="x")
    assert (raised.value.status, raised.value.code) == (401, 20003)
    record = served_requests(served_fakes, provider="twilio", outcome="delivered")[-1]
    assert record["body"]["MediaUrl"] == ["https://example.test/hilux.jpg"]


def test_heyoo_sends_and_marks_read_through_the_fake(served_fakes: str) -> None:
    whatsapp = WhatsApp(GRAPH_TOKEN, PHONE_ID)
    whatsapp.url = f"{served_fakes}/v23.0/{PHONE_ID}/messages"
    whatsapp.v15_base_url = f"{served_fakes}/v15.0"

    answer = whatsapp.send_message("Karibu!", "254700000001", preview_url=False)
    read = whatsapp.mark_as_read("wamid.HBgLMjU0NzAwMDAwMDAx")

    assert answer["messages"][0]["id"].startswith("wamid.")
    assert answer["contacts"] == [{"input": "254700000001", "wa_id": "254700000001"}]
    assert read == {"success": True}
    sent = served_requests(served_fakes, provider="whatsapp")
    assert sent[-2]["body"]["text"] == {"preview_url": False, "body": "Karibu!"}
    assert sent[-1]["endpoint"] == "mark_read"
