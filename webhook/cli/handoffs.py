"""`nzila handoffs ...`: staff see the buyers who asked for a person, and how long they waited."""

from __future__ import annotations

from datetime import datetime, timedelta

import typer

from catalog.conversations import service as conversation_service
from catalog.conversations.models import HandoffRequest
from catalog.database import utcnow
from webhook.cli._shared import _database, _when

app = typer.Typer(help="Staff: buyers' requests for a person.", no_args_is_help=True)


@app.command("list")
def handoffs_list() -> None:
    """One line per request, oldest first: waiting, taken by an agent, or back with the bot."""
    now = utcnow()
    with _database() as sessions, sessions() as db_session:
        lines = [
            _line(request, now)
            for request in conversation_service.get_all_handoffs(db_session=db_session)
        ]
    for line in lines:
        typer.echo(line)
    if not lines:
        typer.echo("no handoff request")


def _line(request: HandoffRequest, now: datetime) -> str:
    conversation = request.conversation
    status = request.status.value
    if request.returned_by is not None:
        status += f" ({request.returned_by.value})"
    waited = _duration((request.taken_at or request.returned_at or now) - request.requested_at)
    return (
        f"#{request.id:<6} {status:<18} {conversation.key[:40]:<40} "
        f"asked {_when(request.requested_at)}  waited {waited}"
    )


def _duration(elapsed: timedelta) -> str:
    """'4m05s', '2h13m', '3d04h'."""
    minutes, seconds = divmod(max(int(elapsed.total_seconds()), 0), 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    if days:
        return f"{days}d{hours:02d}h"
    if hours:
        return f"{hours}h{minutes:02d}m"
    return f"{minutes}m{seconds:02d}s"
