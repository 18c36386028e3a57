"""`nzila`: the operator's command line, one module per area. Every subcommand says in one line
what it does."""

from __future__ import annotations

import os

import typer

from webhook.cli import (
    alerts,
    auctions,
    catalog,
    dealers,
    dialogs,
    handoffs,
    processes,
    telegram,
)

app = typer.Typer(
    help="Nzila: messaging-first vehicle export bot.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(catalog.app)
app.add_typer(processes.app)
app.add_typer(dialogs.app)
app.add_typer(telegram.config_app)
app.add_typer(
    auctions.app,
    name="auctions",
    help="Staff: schedule, list, show and cancel auctions; record deposits and limits.",
)
app.add_typer(
    alerts.app, name="alerts", help="Alert delivery: the worker, the funnel, the dead letters."
)
app.add_typer(dealers.app, name="dealers", help="Staff: dealers' Telegram links and their leads.")
app.add_typer(handoffs.app, name="handoffs", help="Staff: buyers' requests for a person.")
app.add_typer(telegram.app, name="telegram", help="Telegram bot set-up (webhook registration).")


def _mount_devtools() -> None:
    """`nzila chat`, the terminal chat simulator, and `nzila conversation-eval`, which plays
    scripted exchanges through the whole stack, are development tools: mounted here, and not in
    production."""
    from devtools.conversation_eval.cli import conversation_eval
    from devtools.simulator.cli import chat

    app.command("chat")(chat)
    app.command("conversation-eval")(conversation_eval)


if os.environ.get("NZILA_ENV", "development").lower() != "production":
    _mount_devtools()


def main() -> None:
    app(prog_name="nzila")
