"""The fake providers as one FastAPI app, and a way to serve it.

Base URLs for the bot's outbound adapters, with ``base`` the app's address:

- Telegram Bot API: ``{base}/bot{token}/sendMessage``
  (python-telegram-bot: ``Bot(token, base_url=f"{base}/bot")``)
- WhatsApp Cloud API: ``{base}/{version}/{phone_number_id}/messages`` (e.g. ``v23.0``)
- Twilio: ``{base}/2010-04-01/Accounts/{AccountSid}/Messages.json``
- Control API for tests and the demo: ``{base}/_fake/...``

``latency_seconds`` delays every provider answer (never the control API) as the network and the
provider would: a real API answers in tens to hundreds of milliseconds, which matters to a bot
that blocks while it sends (benchmarks), and costs the fake no CPU.
"""

from __future__ import annotations

import asyncio

import uvicorn
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from devtools.fakes.control import FailureInjector, control_router
from devtools.fakes.recorder import RequestRecorder
from devtools.fakes.telegram import telegram_router
from devtools.fakes.twilio import twilio_router
from devtools.fakes.whatsapp import whatsapp_router


def create_fake_providers_app(
    *,
    telegram_token: str | None = None,
    graph_token: str | None = None,
    twilio_account_sid: str | None = None,
    twilio_auth_token: str | None = None,
    latency_seconds: float = 0.0,
) -> FastAPI:
    """Build the fake Telegram, WhatsApp Cloud and Twilio APIs with their control routes.

    Args:
        telegram_token: The only bot token accepted; None accepts any.
        graph_token: The only Graph access token accepted; None accepts any non-empty one.
        twilio_account_sid: The only account SID accepted; None accepts any.
        twilio_auth_token: The only auth token accepted; None accepts any non-empty one.
        latency_seconds: How long each provider call takes to be answered.

    Returns:
        The app. Its ``state.recorder`` (RequestRecorder) and ``state.failures``
        (FailureInjector) are the ones the /_fake routes read and change, for in-process tests.
    """
    recorder = RequestRecorder()
    failures = FailureInjector()
    app = FastAPI(title="Nzila fake providers", docs_url="/_fake/docs", redoc_url=None)
    # The demo chat simulator polls /_fake/requests from a page served on another port.
    app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["*"])
    if latency_seconds > 0:
        app.add_middleware(_Latency, seconds=latency_seconds)
    app.state.recorder = recorder
    app.state.failures = failures
    app.include_router(control_router(recorder=recorder, failures=failures))
    app.include_router(telegram_router(recorder=recorder, failures=failures, token=telegram_token))
    app.include_router(whatsapp_router(recorder=recorder, failures=failures, token=graph_token))
    app.include_router(
        twilio_router(
            recorder=recorder,
            failures=failures,
            account_sid=twilio_account_sid,
            auth_token=twilio_auth_token,
        )
    )
    return app


class _Latency:
    """Answers provider calls `seconds` late, as a remote API would; /_fake calls at once."""

    def __init__(self, app: ASGIApp, *, seconds: float) -> None:
        self._app = app
        self._seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not scope["path"].startswith("/_fake"):
            await asyncio.sleep(self._seconds)
        await self._app(scope, receive, send)


def serve(
    *,
    host: str = "127.0.0.1",
    port: int = 8090,
    telegram_token: str | None = None,
    graph_token: str | None = None,
    twilio_account_sid: str | None = None,
    twilio_auth_token: str | None = None,
    log_level: str = "info",
    latency_seconds: float = 0.0,
) -> None:
    """Run the fake providers with uvicorn until interrupted."""
    app = create_fake_providers_app(
        latency_seconds=latency_seconds,
        telegram_token=telegram_token,
        graph_token=graph_token,
        twilio_account_sid=twilio_account_sid,
        twilio_auth_token=twilio_auth_token,
    )
    uvicorn.run(app, host=host, port=port, log_level=log_level)
