"""`nzila nlu-lookups | train | nlu-eval`: the Rasa model."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from catalog.config import get_catalog_settings
from catalog.database import make_engine, make_session_factory

app = typer.Typer()


@app.command("nlu-lookups")
def nlu_lookups() -> None:
    """Write nlu/lookups.yml (make and model names for Rasa) from the catalog's vehicles."""
    from dialogs.lookups import write_lookups
    from infra.settings import PROJECT_ROOT

    engine = make_engine(get_catalog_settings().database_url)
    with make_session_factory(engine)() as db_session:
        path, counts = write_lookups(db_session, PROJECT_ROOT)
    engine.dispose()
    if not any(counts.values()):
        typer.echo("the catalog has no vehicles: run `nzila seed` or import some first", err=True)
    typer.echo(f"wrote {path}: " + ", ".join(f"{n} {table} names" for table, n in counts.items()))


@app.command()
def train(
    force: Annotated[bool, typer.Option(help="Train even if nothing changed.")] = False,
) -> None:
    """Train the Rasa model in the Rasa environment (skipped when its inputs are unchanged)."""
    from dialogs.config import get_dialog_settings
    from dialogs.training import TrainingError, train_if_changed
    from infra.settings import PROJECT_ROOT

    settings = get_dialog_settings()
    if not settings.rasa_bin.exists():
        typer.echo(
            f"no Rasa environment at {settings.rasa_bin}: run scripts/bootstrap.sh rasa", err=True
        )
        raise typer.Exit(2)
    try:
        result = train_if_changed(
            rasa_bin=settings.rasa_bin,
            project_root=PROJECT_ROOT,
            models_dir=settings.rasa_models_dir,
            force=force,
        )
    except TrainingError as error:
        typer.echo(f"training failed: {error}", err=True)
        raise typer.Exit(1) from error
    verb = "trained" if result.trained else "up to date"
    typer.echo(f"model {verb}: {result.model_path}")


@app.command("nlu-eval")
def nlu_eval(
    languages: Annotated[str, typer.Option(help="Comma-separated: en,fr,pt.")] = "en,fr,pt",
    write_results: Annotated[
        bool, typer.Option(help="Append the report to bench/RESULTS.md.")
    ] = False,
    out: Annotated[Path | None, typer.Option(help="Rasa's reports (default var/nlu-eval).")] = None,
) -> None:
    """Score the model on the held-out test sets: intent macro-F1 and entity F1 per language."""
    from chat.languages import LANGUAGES
    from dialogs.config import get_dialog_settings
    from dialogs.nlu_eval import NluEvalError, format_report, run_nlu_eval
    from dialogs.training import TrainingError, train_if_changed
    from infra.settings import PROJECT_ROOT

    chosen = [code.strip() for code in languages.split(",") if code.strip()]
    if not chosen or set(chosen) - set(LANGUAGES):
        typer.echo(f"languages must be among {', '.join(LANGUAGES)}: {languages!r}", err=True)
        raise typer.Exit(2)
    settings = get_dialog_settings()
    if not settings.rasa_bin.exists():
        typer.echo(
            f"no Rasa environment at {settings.rasa_bin}: run scripts/bootstrap.sh rasa", err=True
        )
        raise typer.Exit(2)
    load = os.getloadavg()[0]  # other work sharing the cores, for the results file
    try:
        model = train_if_changed(
            rasa_bin=settings.rasa_bin,
            project_root=PROJECT_ROOT,
            models_dir=settings.rasa_models_dir,
        ).model_path
        scores = run_nlu_eval(
            rasa_bin=settings.rasa_bin,
            project_root=PROJECT_ROOT,
            model_path=model,
            languages=chosen,
            out_dir=out or PROJECT_ROOT / "var" / "nlu-eval",
        )
    except (TrainingError, NluEvalError) as error:
        typer.echo(f"nlu-eval failed: {error}", err=True)
        raise typer.Exit(2) from error
    report = format_report(scores, model_name=model.name)
    typer.echo(report)
    if write_results:
        from devtools.bench._common import append_results

        command = f"nzila nlu-eval --languages {','.join(chosen)}"
        append_results("NLU on the held-out test sets", command, report, load)
    if not all(score.meets_targets for score in scores):
        raise typer.Exit(1)
