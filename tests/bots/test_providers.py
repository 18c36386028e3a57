"""The three providers' clients, with httpx.MockTransport: the request each sends (URL, auth,
JSON or form body), the message id read back, and how each provider's errors map to retryable
and permanent send errors."""

from __future__ import annotations

import asyncio
import base64
import json
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from bots.config import ChannelSettings
from bots.outbound.limits import ChannelLimits, Rate, RedisRateLimiter
from bots.outbound.parts import OutboundPart
from bots.outbound.providers import TelegramClient, TwilioClient, WhatsAppClient
from bots.outbound.sender import (
    PermanentSendError,
    ProviderClient,
    RetryableSendError,
    Sender,
    SendError,
)
from infra.redis import RedisSettings, connect_async_redis

SETTINGS = ChannelSettings(
    _env_file=None,  # type: ignore[call-arg]
    telegram_bot_token=SecretStr("987654:telegram-secret"),
    telegram_api_base_url="https://api.telegram.test/",
    whatsapp_access_token=SecretStr("meta-token"),
    whatsapp_api_base_url="https://graph.test",
    whatsapp_phone_number_id="1099",
    twilio_account_sid="AC123",
    twilio_auth_token=SecretStr("twilio-secret"),
    twilio_api_base_url="https://twilio.test",
)
UNLIMITED = ChannelLimits(sender=Rate(1000.0, 1000), chat=Rate(1000.0, 1000))

Handler = Callable[[httpx.Request], httpx.Response]


def send(
    client: ProviderClient, part: OutboundPart, handler: Handler, redis: RedisSettings
) -> str | None:
    """Send `part` through a real Sender whose HTTP goes to `handler`."""

    async def main() -> str | None:
        connection = connect_async_redis(redis)
        prefix = f"nzila:test:{uuid.uuid4().hex[:12]}"
        limiter = RedisRateLimiter(connection, {client.channel: UNLIMITED}, prefix=prefix)
        try:
            async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as http:
                return await Sender(client, http, limiter, max_attempts=1).send(part)
        finally:
            await connection.aclose()

    return asyncio.run(main())


def recorded(requests: list[httpx.Request], response: httpx.Response) -> Handler:
    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return response

    return handler


@pytest.fixture
def redis(redis_settings: RedisSettings) -> RedisSettings:
    """The Redis the senders' limiter runs on (embedded, and REDIS_URL's server when set)."""
    return redis_settings


# --- the requests ---------------------------------------------------------------------------


def test_telegram_calls_the_method_under_the_bot_token_with_json(
    redis: RedisSettings,
) -> None:
    requests: list[httpx.Request] = []
    ok = httpx.Response(200, json={"ok": True, "result": {"message_id": 5, "chat": {"id": 77}}})
    part = OutboundPart("text", "hi", "sendMessage", {"chat_id": "77", "text": "hi"})

    message_id = send(TelegramClient(SETTINGS), part, recorded(requests, ok), redis)

    assert str(requests[0].url) == "https://api.telegram.test/bot987654:telegram-secret/sendMessage"
    assert json.loads(requests[0].content) == {"chat_id": "77", "text": "hi"}
    assert message_id == "77:5"  # Telegram numbers messages per chat


def test_a_telegram_media_group_is_known_by_every_message_it_made(
    redis: RedisSettings,
) -> None:
    result = [{"message_id": n, "chat": {"id": 77}} for n in (8, 9)]
    ok = httpx.Response(200, json={"ok": True, "result": result})
    part = OutboundPart("media_group", "a b", "sendMediaGroup", {"chat_id": "77", "media": []})

    assert send(TelegramClient(SETTINGS), part, recorded([], ok), redis) == "77:8,77:9"


def test_whatsapp_posts_json_to_the_numbers_messages_with_a_bearer(
    redis: RedisSettings,
) -> None:
    requests: list[httpx.Request] = []
    ok = httpx.Response(200, json={"messages": [{"id": "wamid.HBgL"}]})
    body = {"messaging_product": "whatsapp", "to": "2348012345678", "type": "text"}

    message_id = send(
        WhatsAppClient(SETTINGS), OutboundPart("text", "hi", "messages", body),
        recorded(requests, ok), redis,
    )  # fmt: skip

    assert str(requests[0].url) == "https://graph.test/v23.0/1099/messages"
    assert requests[0].headers["Authorization"] == "Bearer meta-token"
    assert json.loads(requests[0].content) == body
    assert message_id == "wamid.HBgL"


def test_twilio_posts_a_form_to_the_accounts_messages_with_basic_auth(redis: RedisSettings) -> None:
    requests: list[httpx.Request] = []
    ok = httpx.Response(201, json={"sid": "SM0001"})
    form = {"To": "whatsapp:+233201234567", "From": "whatsapp:+14155238886", "Body": "Hello"}

    message_id = send(
        TwilioClient(SETTINGS), OutboundPart("text", "Hello", "Messages", form),
        recorded(requests, ok), redis,
    )  # fmt: skip

    request = requests[0]
    assert str(request.url) == "https://twilio.test/2010-04-01/Accounts/AC123/Messages.json"
    assert (
        request.headers["Authorization"]
        == "Basic " + base64.b64encode(b"AC123:twilio-secret").decode()
    )
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert dict(httpx.QueryParams(request.content.decode())) == form
    assert message_id == "SM0001"


# --- the errors -----------------------------------------------------------------------------

TELEGRAM = TelegramClient(SETTINGS)
WHATSAPP = WhatsAppClient(SETTINGS)
TWILIO = TwilioClient(SETTINGS)


def _graph_error(code: int, message: str = "x") -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "type": "OAuthException"}}


@pytest.mark.parametrize(
    ("client", "response", "expected"),
    [
        pytest.param(TELEGRAM, httpx.Response(429, json={
            "ok": False, "error_code": 429, "description": "Too Many Requests: retry after 3",
            "parameters": {"retry_after": 3}}),
            RetryableSendError(429, "Too Many Requests: retry after 3", 3.0), id="telegram-429"),
        pytest.param(TELEGRAM, httpx.Response(400, json={
            "ok": False, "error_code": 400, "description": "Bad Request: chat not found"}),
            PermanentSendError("400", "Bad Request: chat not found"), id="telegram-400"),
        pytest.param(TELEGRAM, httpx.Response(403, json={
            "ok": False, "error_code": 403, "description": "Forbidden: bot was blocked"}),
            PermanentSendError("403", "Forbidden: bot was blocked"), id="telegram-403-blocked"),
        pytest.param(TELEGRAM, httpx.Response(502, text="Bad Gateway"),
            RetryableSendError(502, "Bad Gateway"), id="telegram-502-not-json"),
        pytest.param(WHATSAPP, httpx.Response(400, json=_graph_error(131026, "undeliverable")),
            PermanentSendError("131026", "undeliverable"), id="whatsapp-400-undeliverable"),
        pytest.param(WHATSAPP, httpx.Response(400, json=_graph_error(131056, "pair rate")),
            RetryableSendError(400, "pair rate"), id="whatsapp-400-pair-rate-is-transient"),
        pytest.param(WHATSAPP, httpx.Response(429, headers={"Retry-After": "2"},
            json=_graph_error(130429, "throughput")),
            RetryableSendError(429, "throughput", 2.0), id="whatsapp-429-retry-after"),
        pytest.param(WHATSAPP, httpx.Response(500, json=_graph_error(2, "service")),
            RetryableSendError(500, "service"), id="whatsapp-500"),
        pytest.param(TWILIO, httpx.Response(400, json={"code": 21211, "message": "bad To"}),
            PermanentSendError("21211", "bad To"), id="twilio-400"),
        pytest.param(TWILIO, httpx.Response(429, headers={"Retry-After": "1.5"},
            json={"code": 20429, "message": "Too Many Requests"}),
            RetryableSendError(429, "Too Many Requests", 1.5), id="twilio-429"),
        pytest.param(TWILIO, httpx.Response(503, text="unavailable"),
            RetryableSendError(503, "unavailable"), id="twilio-503"),
    ],
)  # fmt: skip
def test_each_provider_error_maps_to_a_typed_send_error(
    client: ProviderClient, response: httpx.Response, expected: SendError
) -> None:
    assert client.classify(response) == expected


def test_a_refused_send_raises_the_providers_code_after_one_request(redis: RedisSettings) -> None:
    requests: list[httpx.Request] = []
    refused = httpx.Response(400, json=_graph_error(131026, "undeliverable"))
    part = OutboundPart("text", "hi", "messages", {"to": "2348012345678"})

    with pytest.raises(PermanentSendError) as raised:
        send(WHATSAPP, part, recorded(requests, refused), redis)

    assert raised.value.code == "131026"
    assert len(requests) == 1
