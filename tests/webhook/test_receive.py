"""The one receive path, with a parser of our own: what a new channel brings is a Parser, and
the path does the rest (not served: 404; a header refusal before the body is read; items
queued once; the parser's answer)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager

import pytest
from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse, Response
from fastapi.testclient import TestClient
from pydantic import SecretStr

from bots.channels.errors import MissingSignature
from bots.config import ChannelSettings
from bots.queue import InboundQueue
from chat.messages import Channel, InboundKind, InboundMessage, QueueItem
from infra.redis import RedisSettings, connect_async_redis
from webhook.webhooks import Accepted
from webhook.webhooks.body import JSON_TYPE, BodySlots
from webhook.webhooks.receive import receive


class EchoParser:
    """Each line of the body is one Telegram text message; the header "X-Key" must be "k"."""

    channel = Channel.TELEGRAM
    content_type = JSON_TYPE
    nothing_to_queue = "an empty body"

    def check_headers(self, request: Request, settings: ChannelSettings) -> None:
        if request.headers.get("X-Key") != "k":
            raise MissingSignature("no key")

    def parse(self, request: Request, settings: ChannelSettings, body: bytes) -> list[QueueItem]:
        return [
            InboundMessage(channel=Channel.TELEGRAM, message_id=line, user_id="1", chat_id="1",
                           kind=InboundKind.TEXT, text=line)
            for line in body.decode().split()
        ]  # fmt: skip

    def answer(self, accepted: Accepted) -> Response:
        return PlainTextResponse(f"{accepted.queued} queued, {accepted.duplicates} known")


@pytest.fixture
def client(redis_settings: RedisSettings) -> Iterator[TestClient]:
    settings = ChannelSettings(
        _env_file=None,  # type: ignore[call-arg]
        channels=["telegram"],
        telegram_webhook_secret=SecretStr("test-secret"),
        inbound_stream=f"nzila:test:{uuid.uuid4().hex[:12]}",
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        redis = connect_async_redis(redis_settings)
        app.state.inbound_queue = InboundQueue(redis, stream=settings.inbound_stream)
        yield
        await redis.aclose()

    app = FastAPI(lifespan=lifespan)
    app.state.channel_settings = settings
    app.state.body_slots = BodySlots(4)

    @app.post("/in/{channel}")
    async def inbound(channel: str, request: Request) -> Response:
        parser = EchoParser()
        parser.channel = Channel(channel)
        return await receive(request, parser)

    with TestClient(app) as test_client:
        yield test_client


def post(client: TestClient, body: str, channel: str = "telegram", **headers: str) -> Response:
    headers = {"Content-Type": "application/json", **headers}
    return client.post(f"/in/{channel}", content=body, headers=headers)  # type: ignore[return-value]


def test_items_are_queued_once_and_the_parser_answers(client: TestClient) -> None:
    first, again = uuid.uuid4().hex, uuid.uuid4().hex

    assert post(client, f"{first} {again}", **{"X-Key": "k"}).text == "2 queued, 0 known"
    assert post(client, first, **{"X-Key": "k"}).text == "0 queued, 1 known"


def test_a_header_refusal_comes_before_the_body_is_read(client: TestClient) -> None:
    response = post(client, "never-read")

    assert response.status_code == 401
    assert response.headers["Connection"] == "close"


def test_a_channel_not_served_is_404_before_any_check(client: TestClient) -> None:
    assert post(client, "x", channel="whatsapp").status_code == 404
