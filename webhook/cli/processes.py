"""`nzila serve | worker | scheduler | fake-providers | up`: the processes."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from catalog.config import get_catalog_settings
from catalog.database import make_engine
from catalog.migrate import upgrade
from webhook.cli._shared import (
    _checked_settings,
    _database,
)

app = typer.Typer()


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Default: HOST setting.")] = None,
    port: Annotated[int | None, typer.Option(help="Default: PORT setting.")] = None,
) -> None:
    """Run the web app (webhooks, galleries, health) with uvicorn."""
    import uvicorn

    from infra.logs import configure_logging

    settings = _checked_settings()
    configure_logging()  # JSON lines, as every process; uvicorn's loggers go to the same handler
    uvicorn.run(
        "webhook.app:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        proxy_headers=True,
        log_config=None,
    )


@app.command("fake-providers")
def fake_providers(
    port: Annotated[int, typer.Option(help="Where the fakes listen.")] = 8090,
) -> None:
    """Run local fakes of the Telegram, WhatsApp Cloud and Twilio APIs (no credentials)."""
    from bots.config import get_channel_settings
    from devtools.fakes import serve as serve_fakes

    channels = get_channel_settings()
    serve_fakes(
        host="127.0.0.1",
        port=port,
        telegram_token=channels.telegram_bot_token.get_secret_value(),
        graph_token=channels.whatsapp_access_token.get_secret_value(),
        twilio_account_sid=channels.twilio_account_sid,
        twilio_auth_token=channels.twilio_auth_token.get_secret_value(),
    )


@app.command()
def worker(
    consumer: Annotated[str | None, typer.Option(help="Consumer name (default host-pid).")] = None,
) -> None:
    """Run the conversation worker: queued messages -> Rasa -> replies on each channel."""
    import asyncio

    from bots.config import get_channel_settings
    from dialogs.config import get_dialog_settings
    from infra.logs import configure_logging
    from infra.redis import get_redis_settings
    from webhook.worker import run_worker

    settings = _checked_settings()
    configure_logging()
    asyncio.run(
        run_worker(
            catalog=get_catalog_settings(),
            redis_settings=get_redis_settings(),
            channels=get_channel_settings(),
            dialogs=get_dialog_settings(),
            public_base_url=settings.public_base_url,
            consumer=consumer,
        )
    )


@app.command()
def up(
    fakes_port: Annotated[int, typer.Option(help="Port of the fake providers.")] = 8090,
    rasa_replicas: Annotated[
        int, typer.Option(min=1, max=8, help="Rasa servers (conversations are pinned to one).")
    ] = 1,
) -> None:
    """Run everything: web app, worker, scheduler, Rasa, actions, fake providers (Ctrl-C stops)."""
    from devtools.devstack import run_stack
    from devtools.stack import build_services, embedded_redis_url

    settings = _checked_settings()
    upgrade(make_engine(get_catalog_settings().database_url))  # the worker writes from turn one
    env: dict[str, str] = {}
    if not os.environ.get("REDIS_URL"):
        env["REDIS_URL"] = embedded_redis_url()  # one embedded server shared by every process
    services = build_services(
        settings, fakes_port=fakes_port, extra_env=env, rasa_replicas=rasa_replicas
    )

    def ready() -> None:
        typer.echo(
            f"\nNzila is up: {settings.public_base_url}/  (chat simulator: "
            f"{settings.public_base_url}/simulator)  Ctrl-C stops everything.\n"
        )

    raise typer.Exit(run_stack(services, on_ready=ready))


@app.command()
def scheduler(
    interval: Annotated[float, typer.Option(min=0.05, help="Seconds between passes.")] = 1.0,
) -> None:
    """Run the auction scheduler: close ended auctions, expire approvals, remind endings."""
    import signal
    import threading

    from infra.logs import configure_logging
    from notifications.scheduler import run_scheduler

    _checked_settings()
    configure_logging()
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):  # finish the current pass, then stop
        signal.signal(signum, lambda _signum, _frame: stop.set())
    with _database() as sessions:
        run_scheduler(sessions, interval_seconds=interval, stop_event=stop)
