"""Slow and stalled request bodies, over real sockets to the app under uvicorn.

A client that sends its headers and then too little of its body, or sends it a byte at a time,
must not hold the app: it is cut off with 408 once the body timeout passes, the number of bodies
read at once is bounded (the rest get 503 at once, which providers retry), and every other
client is answered meanwhile.
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from pydantic import SecretStr

from bots.channels.signatures import meta_signature
from bots.config import ChannelSettings
from catalog.config import CatalogSettings
from infra.redis import RedisSettings
from tests.servers import serve_in_thread
from webhook.app import create_app
from webhook.config import AppSettings

SECRET = "test-meta-app-secret"
TIMEOUT = 0.6
SLOTS = 6


@pytest.fixture
def app(database_url: str, redis_settings: RedisSettings, tmp_path: Path) -> FastAPI:
    settings = ChannelSettings(
        _env_file=None,  # type: ignore[call-arg]
        whatsapp_app_secret=SecretStr(SECRET),
        telegram_webhook_secret=SecretStr("test-telegram-secret_0123"),
        webhook_body_timeout_seconds=TIMEOUT,
        webhook_max_concurrent_bodies=SLOTS,
    )
    return create_app(
        AppSettings(_env_file=None),  # type: ignore[call-arg]
        CatalogSettings(database_url=database_url, media_dir=tmp_path / "media"),
        redis_settings,
        settings,
    )


@pytest.fixture
def app_url(app: FastAPI) -> Iterator[str]:
    with serve_in_thread(app, "/healthz") as url:
        yield url


@pytest.fixture
def hold(app: FastAPI, app_url: str) -> Iterator[Callable[[int], list[socket.socket]]]:
    """Opens `n` stalled clients and returns once the app is reading all `n` bodies (a fixed
    sleep is not enough on a loaded machine); whatever the test leaves open is closed after it."""
    opened: list[socket.socket] = []

    def hold(n: int) -> list[socket.socket]:
        clients = [stalled(app_url) for _ in range(n)]
        opened.extend(clients)
        deadline = time.monotonic() + 5
        while app.state.body_slots.held < n:
            assert time.monotonic() < deadline, f"only {app.state.body_slots.held} of {n} held"
            time.sleep(0.005)
        return clients

    yield hold
    for client in opened:
        client.close()


def stalled(
    url: str, path: str = "/webhooks/whatsapp", sent: bytes = b'{"object": '
) -> socket.socket:
    """A client that declares a 1,000-byte body, sends `sent` of it and stops."""
    host, port = url.removeprefix("http://").split(":")
    client = socket.create_connection((host, int(port)), timeout=10)
    client.sendall(
        f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
        f"X-Hub-Signature-256: sha256={'0' * 64}\r\nContent-Length: 1000\r\n\r\n".encode()
        + sent
    )
    return client


def answer(client: socket.socket) -> tuple[int, bytes]:
    """The status and raw response of a stalled client, read until the server closes."""
    received = b""
    while chunk := client.recv(65536):
        received += chunk
    client.close()
    return int(received.split(b" ", 2)[1]), received


@pytest.fixture
def signed_post(provider_payload: Callable[..., dict[str, Any]]) -> Callable[..., httpx.Response]:
    """POST Meta's recorded text message, under a new id, signed, to the app at `url`."""

    def post(url: str, message_id: str) -> httpx.Response:
        payload = provider_payload("whatsapp", "text")
        payload["entry"][0]["changes"][0]["value"]["messages"][0]["id"] = message_id
        body = json.dumps(payload).encode()
        headers = {"X-Hub-Signature-256": meta_signature(body, SECRET)}
        headers["Content-Type"] = "application/json"
        return httpx.post(f"{url}/webhooks/whatsapp", content=body, headers=headers, timeout=5)

    return post


def test_a_stalled_body_is_cut_off_with_408_and_its_connection_closed(app_url: str) -> None:
    client = stalled(app_url)
    started = time.monotonic()
    status, response = answer(client)  # returns only because the server closed the connection
    assert status == 408
    assert b"not sent within" in response
    assert b"connection: close" in response.lower()
    assert TIMEOUT <= time.monotonic() - started < TIMEOUT + 2


def test_a_body_trickled_a_byte_at_a_time_is_cut_off_all_the_same(app_url: str) -> None:
    client = stalled(app_url, sent=b"")
    client.settimeout(0.05)
    started, status = time.monotonic(), 0
    while time.monotonic() - started < TIMEOUT + 3:
        try:
            client.sendall(b" ")
            received = client.recv(65536)
        except TimeoutError:
            continue
        except OSError:  # the server closed first
            break
        status = int(received.split(b" ", 2)[1])
        break
    client.close()
    assert status == 408


def test_other_clients_are_answered_while_bodies_stall(
    app_url: str,
    signed_post: Callable[..., httpx.Response],
    inbound_stream: object,
    hold: Callable[[int], list[socket.socket]],
) -> None:
    slow = hold(SLOTS - 1)
    started = time.monotonic()
    response = signed_post(app_url, f"wamid.slow-{time.time_ns()}")
    assert response.status_code == 200
    assert response.json()["queued"] == 1
    assert time.monotonic() - started < TIMEOUT / 2  # not after the slow ones were cut off
    assert httpx.get(f"{app_url}/healthz", timeout=1).status_code == 200
    assert [answer(client)[0] for client in slow] == [408] * len(slow)


def test_with_every_slot_held_a_body_is_refused_at_once_with_503_then_served(
    app_url: str,
    signed_post: Callable[..., httpx.Response],
    hold: Callable[[int], list[socket.socket]],
) -> None:
    slow = hold(SLOTS)
    started = time.monotonic()
    busy = signed_post(app_url, f"wamid.busy-{time.time_ns()}")
    assert busy.status_code == 503
    assert busy.headers["retry-after"] == "1"
    # refused after the 0.2 s wait for a slot, before any held slot timed out and freed one
    assert time.monotonic() - started < TIMEOUT
    assert [answer(client)[0] for client in slow] == [408] * SLOTS
    assert signed_post(app_url, f"wamid.after-{time.time_ns()}").status_code == 200


def test_a_telegram_body_without_the_secret_is_refused_before_any_of_it_is_awaited(
    app_url: str,
) -> None:
    client = stalled(app_url, path="/webhooks/telegram")
    started = time.monotonic()
    status, _ = answer(client)
    assert status == 401
    assert time.monotonic() - started < TIMEOUT / 2
