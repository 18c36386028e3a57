"""`nzila alerts ...`: run the alert worker; staff see what was sent, held, skipped and given up
on, and replay what was given up on."""

from __future__ import annotations

from typing import Annotated

import typer

from catalog.outbox import service as outbox
from catalog.outbox.models import OutboxMessage
from webhook.cli._shared import _checked_settings, _database, _when

app = typer.Typer(help="Alert delivery: the worker, the funnel, the dead letters.",
                  no_args_is_help=True)  # fmt: skip


@app.command("run")
def run(
    worker_id: Annotated[str | None, typer.Option(help="Worker name (default host-pid).")] = None,
    metrics_port: Annotated[int, typer.Option(help="/metrics on 127.0.0.1 (0: off).")] = 9102,
) -> None:
    """Run the alert worker: deliver the outbox's alerts on each recipient's channel."""
    import asyncio

    from bots.config import get_channel_settings
    from catalog.config import get_catalog_settings
    from infra.logs import configure_logging
    from infra.redis import get_redis_settings
    from notifications.config import get_alert_settings
    from webhook.alerts import run_alert_worker

    settings = _checked_settings()
    configure_logging()
    asyncio.run(run_alert_worker(
        catalog=get_catalog_settings(), redis_settings=get_redis_settings(),
        channels=get_channel_settings(), alerts=get_alert_settings(),
        public_base_url=settings.public_base_url, worker_id=worker_id,
        metrics_port=metrics_port,
    ))  # fmt: skip


@app.command("dead-letter")
def dead_letter(
    replay: Annotated[bool, typer.Option("--replay", help="Send them again.")] = False,
    alert: Annotated[list[int] | None, typer.Option("--id", help="Only these alerts.")] = None,
    limit: Annotated[int, typer.Option(min=1)] = 100,
) -> None:
    """Alerts given up on, newest first, with their last error; --replay sends them again."""
    with _database() as sessions:
        if replay:
            with sessions() as db_session, db_session.begin():
                count = outbox.replay(db_session=db_session, message_ids=alert)
            typer.echo(f"{count} alert(s) queued again")
            return
        with sessions() as db_session:
            rows = outbox.dead_letters(db_session=db_session, limit=limit)
            lines = [
                f"#{row.id:<7} {row.kind:<28} {_recipient(row):<12} {row.channel or '-':<9} "
                f"tries {row.attempts:<2} {_when(row.failed_at)}  {row.error_code or '-'}: "
                f"{(row.last_error or '')[:120]}"
                for row in rows
                if alert is None or row.id in alert
            ]
    for line in lines:
        typer.echo(line)
    if not lines:
        typer.echo("no dead-lettered alert")


def _recipient(row: OutboxMessage) -> str:
    if row.buyer_id is not None:
        return f"buyer {row.buyer_id}"
    if row.dealer_id is not None:
        return f"dealer {row.dealer_id}"
    return "staff"


@app.command("stats")
def stats() -> None:
    """Per kind and channel: how many alerts are pending, sent, delivered, read, failed,
    skipped and dead."""
    columns = ("pending", "sent", "delivered", "read", "failed", "skipped", "dead")
    table: dict[tuple[str, str], dict[str, int]] = {}
    with _database() as sessions, sessions() as db_session:
        for kind, channel, status, number in outbox.counts(db_session=db_session):
            table.setdefault((kind, channel or "-"), {})[status] = number
    typer.echo(f"{'kind':<28} {'channel':<9} " + " ".join(f"{c:>9}" for c in columns))
    for (kind, channel), numbers in sorted(table.items()):
        typer.echo(f"{kind:<28} {channel:<9} "
                   + " ".join(f"{numbers.get(c, 0):>9}" for c in columns))  # fmt: skip
    if not table:
        typer.echo("no alert recorded")
