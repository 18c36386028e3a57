"""`nzila conversation-eval`: play the scripted exchanges through the whole stack and report."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path
from typing import Annotated

import typer

from devtools.bench._common import append_results, fresh_dir, stop_on_sigterm
from devtools.conversation_eval import ConversationEvalError
from devtools.conversation_eval.cases import load_set
from devtools.conversation_eval.report import (
    as_json,
    format_failures,
    format_tables,
    meets_target,
)
from devtools.conversation_eval.runner import run_exchanges
from devtools.conversation_eval.stack import running_stack


def conversation_eval(  # noqa: PLR0917 - typer options
    set_name: Annotated[str, typer.Option("--set", help="heldout, dev or all.")] = "all",
    only: Annotated[str, typer.Option(help="Only exchanges whose id starts with this.")] = "",
    json_out: Annotated[Path | None, typer.Option("--json", help="Write the report here.")] = None,
    concurrency: Annotated[int, typer.Option(min=1, max=16, help="Buyers at once.")] = 3,
    photos: Annotated[bool, typer.Option(help="Draw the demo photo galleries.")] = False,
    write_results: Annotated[bool, typer.Option(help="Append to bench/RESULTS.md.")] = False,
) -> None:
    """Score whole exchanges (context, what the buyer types, what must happen) per language,
    category and channel, through the real webhook, worker, Rasa and action server."""
    try:
        exchanges = [e for e in load_set(set_name) if e.id.startswith(only)]
    except ConversationEvalError as error:
        typer.echo(f"conversation-eval: {error}", err=True)
        raise typer.Exit(2) from error
    if not exchanges:
        typer.echo("conversation-eval: no exchange selected", err=True)
        raise typer.Exit(2)
    load = os.getloadavg()[0]
    stop_on_sigterm()
    try:
        with running_stack(fresh_dir("conversation-eval"), photos=photos) as stack:
            typer.echo(f"playing {len(exchanges)} exchanges on {stack.model.name} ...")
            outcomes = asyncio.run(run_exchanges(stack, exchanges, concurrency))
    except ConversationEvalError as error:
        typer.echo(f"conversation-eval: {error}", err=True)
        raise typer.Exit(2) from error
    report = format_tables(outcomes)
    typer.echo(report)
    failures = format_failures(outcomes)
    if failures:
        typer.echo("Failures:\n" + failures)
    if json_out is not None:
        json_out.write_text(json.dumps(as_json(outcomes), ensure_ascii=False, indent=2))
    if write_results:
        command = f"nzila conversation-eval --set {set_name}" + (f" --only {only}" if only else "")
        append_results(f"Conversation evaluation ({set_name} set)", command, report, load)
    if not meets_target(outcomes):
        raise typer.Exit(1)
