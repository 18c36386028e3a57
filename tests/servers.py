"""Servers the end-to-end tests talk to over real sockets: the fake providers under uvicorn."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
import uvicorn
from starlette.types import ASGIApp

from bots.config import ChannelSettings
from devtools.fakes import create_fake_providers_app


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def channel_settings(fakes_url: str, **overrides: Any) -> ChannelSettings:
    """Development channel settings with every provider pointed at the fakes."""
    return ChannelSettings(
        _env_file=None,  # type: ignore[call-arg]
        telegram_api_base_url=fakes_url,
        whatsapp_api_base_url=fakes_url,
        twilio_api_base_url=fakes_url,
        **overrides,
    )


@contextmanager
def serve_in_thread(app: ASGIApp, health_path: str, port: int | None = None) -> Iterator[str]:
    """Serve `app` with uvicorn on 127.0.0.1 (a free port by default) until the block ends;
    yields its URL once `health_path` answers."""
    port = port or free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}{health_path}", timeout=1).is_success:
                break
        except httpx.HTTPError:
            time.sleep(0.05)
    try:
        yield url
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def fakes_url() -> Iterator[str]:
    """The fake Telegram, WhatsApp and Twilio APIs on a free port, checking the dev credentials."""
    settings = ChannelSettings(_env_file=None)  # type: ignore[call-arg]
    app = create_fake_providers_app(
        telegram_token=settings.telegram_bot_token.get_secret_value(),
        graph_token=settings.whatsapp_access_token.get_secret_value(),
        twilio_account_sid=settings.twilio_account_sid,
        twilio_auth_token=settings.twilio_auth_token.get_secret_value(),
    )
    with serve_in_thread(app, "/_fake/healthz") as url:
        yield url
