"""`nzila telegram set-webhook` and `nzila check-config`: deployment set-up."""

from __future__ import annotations

import typer

from webhook.cli._shared import (
    _checked_settings,
)

app = typer.Typer(help="Telegram bot set-up.", no_args_is_help=True)
config_app = typer.Typer()


@app.command("set-webhook")
def telegram_set_webhook() -> None:
    """Register PUBLIC_BASE_URL/webhooks/telegram with Telegram, with the secret token."""
    import asyncio

    from telegram.error import TelegramError

    from bots.channels.telegram_setup import set_webhook
    from bots.config import get_channel_settings

    settings = _checked_settings()
    try:
        result = asyncio.run(
            set_webhook(settings=get_channel_settings(), public_base_url=settings.public_base_url)
        )
    except TelegramError as error:
        typer.echo(f"Telegram refused: {error}", err=True)
        raise typer.Exit(1) from error
    typer.echo(f"webhook set: {result['url']} (updates: {', '.join(result['allowed_updates'])})")


@config_app.command("check-config")
def check_config() -> None:
    """Validate the settings (environment and .env) and say what is missing for production."""
    settings = _checked_settings()
    typer.echo(f"settings valid for {settings.environment}")
