"""`nzila dealers ...`: staff link a dealer's Telegram account with a one-time deep link, unlink
it, and read the dealer's leads (each dealer's own, as the dealer sees them in the chat)."""

from __future__ import annotations

from datetime import timedelta

import typer

from bots.config import get_channel_settings
from catalog.database import transaction, utcnow
from catalog.dealers import service as dealer_service
from catalog.leads import service as lead_service
from notifications.lead_alerts import lead_lines
from webhook.cli._shared import _database, _refusals, _when

app = typer.Typer(help="Staff: dealers' Telegram links and their leads.", no_args_is_help=True)


@app.command("link")
def dealers_link(
    dealer_id: int,
    hours: int = typer.Option(24, min=1, max=24 * 30, help="How long the link works."),
) -> None:
    """Print a one-time Telegram deep link for the dealer, and when it expires."""
    now = utcnow()
    with _refusals(), _database() as sessions, transaction(sessions) as db_session:
        token = dealer_service.issue_link(db_session, dealer_id, ttl=timedelta(hours=hours),
                                          now=now)  # fmt: skip
    typer.echo(dealer_service.link_url(get_channel_settings().telegram_bot_username, token))
    typer.echo(f"expires {_when(now + timedelta(hours=hours))}; works once")


@app.command("unlink")
def dealers_unlink(dealer_id: int) -> None:
    """Unlink the dealer's Telegram account; links not used yet stop working."""
    with _refusals(), _database() as sessions, transaction(sessions) as db_session:
        dealer = dealer_service.unlink(db_session, dealer_id)
        name = dealer.name
    typer.echo(f"dealer {dealer_id} ({name}) unlinked from Telegram")


@app.command("leads")
def dealers_leads(dealer_id: int, limit: int = typer.Option(20, min=1, max=200)) -> None:
    """The dealer's own leads, warmest first, with score and reasons."""
    with _refusals(), _database() as sessions, sessions() as db_session:
        dealer_service.get(db_session=db_session, dealer_id=dealer_id)
        views = lead_service.leads_for_dealer(db_session, dealer_id, limit=limit)
    for view in views:
        typer.echo(lead_lines(view) + "\n")
    if not views:
        typer.echo("no lead")
