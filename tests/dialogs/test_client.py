"""The Rasa client without a server: every request it sends, and how Rasa's answers and
failures become replies and errors, through httpx.MockTransport."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from chat.replies import Button, Reply
from dialogs.client import DEFAULT_TIMEOUT, RasaClient, RasaError, RasaUnavailable

BASE = "http://rasa.test:5005"
TOKEN = "s3cret-token"
Handler = Callable[[httpx.Request], httpx.Response]


class Recorder:
    """A mock Rasa: answers every request with `answer(request)` and keeps the requests."""

    def __init__(self, answer: Handler) -> None:
        self.answer = answer
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.answer(request)

    def bodies(self) -> list[Any]:
        return [json.loads(request.content) if request.content else None
                for request in self.requests]  # fmt: skip


def run(answer: Handler, scenario: Callable[[RasaClient], Any]) -> tuple[Any, Recorder]:
    recorder = Recorder(answer)

    async def go() -> Any:
        async with httpx.AsyncClient(transport=httpx.MockTransport(recorder)) as http:
            return await scenario(RasaClient(http=http, base_url=BASE + "/", auth_token=TOKEN))

    return asyncio.run(go()), recorder


def ok(body: Any) -> Handler:
    return lambda request: httpx.Response(200, json=body)


def test_a_turn_posts_the_message_and_metadata_to_the_rest_channel_and_reads_the_replies() -> None:
    rasa_says = [
        {"recipient_id": "whatsapp:+2335", "text": "Which port?",
         "buttons": [{"title": "Tema", "payload": "/port"}]},
        {"recipient_id": "whatsapp:+2335", "image": "https://cdn.test/1.jpg"},
        {"recipient_id": "whatsapp:+2335", "custom": {"gallery": ["https://cdn.test/2.jpg"]}},
    ]  # fmt: skip

    replies, rasa = run(ok(rasa_says), lambda client: client.send(
        conversation_id="whatsapp:+2335", text="hello", metadata={"language": "fr"}))  # fmt: skip

    [request] = rasa.requests
    assert (request.method, str(request.url)) == ("POST", f"{BASE}/webhooks/rest/webhook")
    assert rasa.bodies() == [
        {"sender": "whatsapp:+2335", "message": "hello", "metadata": {"language": "fr"}}
    ]
    assert "token" not in request.url.params  # the REST channel needs no token
    assert request.extensions["timeout"] == DEFAULT_TIMEOUT.as_dict()
    assert replies == [
        Reply(text="Which port?", buttons=[Button(title="Tema", payload="/port")]),
        Reply(image_url="https://cdn.test/1.jpg"),
        Reply(custom={"gallery": ["https://cdn.test/2.jpg"]}),
    ]


def test_pausing_opens_the_session_then_pauses_with_the_auth_token() -> None:
    _, rasa = run(ok({}), lambda client: client.pause("telegram:7001"))

    assert [str(request.url) for request in rasa.requests] == [
        f"{BASE}/conversations/telegram:7001/tracker/events?token={TOKEN}"
    ] * 2
    assert rasa.bodies() == [{"event": "resume"}, {"event": "pause"}]


def test_resuming_and_setting_a_slot_post_tracker_events() -> None:
    async def scenario(client: RasaClient) -> None:
        await client.resume("twilio:+2335")
        await client.set_slot("twilio:+2335", "language", "pt")

    _, rasa = run(ok({}), scenario)

    assert (
        rasa.bodies()
        == [{"event": "resume"}] + [{"event": "slot", "name": "language", "value": "pt"}] * 2
    )
    assert all(request.url.params["token"] == TOKEN for request in rasa.requests)


def test_the_tracker_is_read_with_the_token() -> None:
    tracker, rasa = run(ok({"paused": True, "events": []}),
                        lambda client: client.tracker("whatsapp:+2335"))  # fmt: skip

    assert tracker == {"paused": True, "events": []}
    assert rasa.requests[0].method == "GET"
    assert rasa.requests[0].url.path == "/conversations/whatsapp:+2335/tracker"
    assert rasa.requests[0].url.params["token"] == TOKEN


@pytest.mark.parametrize(
    ("answer", "ready"),
    [
        (ok({"model_file": "nzila-1.tar.gz"}), True),
        (ok({"model_file": None}), False),
        (lambda request: httpx.Response(401, json={"message": "bad token"}), False),
        (lambda request: httpx.Response(200, text="<html>"), False),
        (lambda request: (_ for _ in ()).throw(httpx.ConnectError("refused")), False),
    ],
)
def test_ready_means_a_status_with_a_loaded_model(answer: Handler, ready: bool) -> None:
    result, rasa = run(answer, lambda client: client.is_ready())

    assert result is ready
    assert rasa.requests[0].url.path == "/status"
    assert rasa.requests[0].url.params["token"] == TOKEN


def failing(error: Exception) -> Handler:
    def answer(request: httpx.Request) -> httpx.Response:
        raise error

    return answer


@pytest.mark.parametrize(
    "answer",
    [
        failing(httpx.ConnectError("refused")),
        failing(httpx.ReadTimeout("slow")),
        lambda request: httpx.Response(503),
        lambda request: httpx.Response(502),
    ],
)
def test_down_slow_or_overloaded_is_unavailable_so_the_turn_is_retried(answer: Handler) -> None:
    with pytest.raises(RasaUnavailable):
        run(answer, lambda client: client.send(conversation_id="c:1", text="hi", metadata={}))


@pytest.mark.parametrize(
    ("answer", "status"),
    [
        (lambda request: httpx.Response(400, text="bad message"), 400),
        (lambda request: httpx.Response(500, text="boom"), 500),
        (lambda request: httpx.Response(200, text="not json"), None),
        (ok({"not": "a list"}), None),
        (ok([{"buttons": [{"title": "no payload"}]}]), None),
    ],
)
def test_a_refusal_or_an_unreadable_answer_is_a_rasa_error_not_unavailable(
    answer: Handler, status: int | None
) -> None:
    with pytest.raises(RasaError) as raised:
        run(answer, lambda client: client.send(conversation_id="c:1", text="hi", metadata={}))

    assert not isinstance(raised.value, RasaUnavailable)
    assert raised.value.status_code == status


def test_a_wrong_token_on_the_http_api_is_a_rasa_error_with_its_status() -> None:
    with pytest.raises(RasaError) as raised:
        run(lambda request: httpx.Response(401), lambda client: client.resume("c:1"))

    assert raised.value.status_code == 401


def test_an_id_the_http_api_cannot_address_is_refused_before_anything_is_sent() -> None:
    rasa = Recorder(ok([]))

    async def go() -> None:
        async with httpx.AsyncClient(transport=httpx.MockTransport(rasa)) as http:
            client = RasaClient(http=http, base_url=BASE, auth_token=TOKEN)
            await client.send(conversation_id="a b", text="hi", metadata={})

    with pytest.raises(ValueError, match="cannot be addressed"):
        asyncio.run(go())
    assert rasa.requests == []
