"""`nzila`: the operator's command line. Every subcommand says in one line what it does."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from sqlalchemy.orm import Session, sessionmaker

from bots.simulator.cli import chat_app
from catalog.config import get_catalog_settings
from catalog.database import make_engine, make_session_factory, transaction
from catalog.errors import InvalidFilter, InvalidInput
from catalog.media.storage import MediaStore
from catalog.migrate import upgrade
from webhook.config import AppSettings, get_app_settings

app = typer.Typer(
    help="Nzila: messaging-first vehicle export bot.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
import_app = typer.Typer(help="Import dealers' data.", no_args_is_help=True)
app.add_typer(import_app, name="import", help="Import dealers' inventory from files.")
telegram_app = typer.Typer(help="Telegram bot set-up.", no_args_is_help=True)
app.add_typer(telegram_app, name="telegram", help="Telegram bot set-up (webhook registration).")
app.add_typer(
    chat_app, name="chat", help="Chat with the bot as a WhatsApp, Twilio or Telegram user would."
)


def _sessions() -> sessionmaker[Session]:
    settings = get_catalog_settings()
    return make_session_factory(make_engine(settings.database_url))


@app.command()
def migrate() -> None:
    """Bring the catalog database schema up to date."""
    engine = make_engine(get_catalog_settings().database_url)
    upgrade(engine)
    typer.echo(f"database at {engine.url.render_as_string(hide_password=True)} is up to date")


@app.command()
def seed(
    vehicles: Annotated[int, typer.Option(help="How many demo vehicles.")] = 320,
    photos: Annotated[bool, typer.Option(help="Draw 20-50 photos per vehicle.")] = True,
) -> None:
    """Write the demo inventory: dealers, vehicles and photo galleries (idempotent)."""
    from catalog.demo.seed import seed_demo

    settings = get_catalog_settings()
    upgrade(make_engine(settings.database_url))
    report = seed_demo(
        sessions=_sessions(),
        store=MediaStore(settings.media_dir),
        vehicle_count=vehicles,
        photos=photos,
        progress=typer.echo,
    )
    typer.echo(
        f"seeded: {report.dealers} dealers, {report.vehicles_created} vehicles created, "
        f"{report.vehicles_updated} updated, {report.photos_added} photos added"
    )


@import_app.command("vehicles")
def import_vehicles(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    dealer: Annotated[str | None, typer.Option(help="Dealer name for rows without one.")] = None,
    dry_run: Annotated[bool, typer.Option(help="Check every row, write nothing.")] = False,
) -> None:
    """Import vehicles from a CSV file: good rows upserted by VIN, bad rows reported."""
    from catalog.vehicles.importer import import_vehicles_csv

    sessions = _sessions()
    try:
        with sessions() as db_session, db_session.begin():
            report = import_vehicles_csv(db_session=db_session, source=file, default_dealer=dealer)
            if dry_run:
                db_session.rollback()
    except InvalidInput as error:
        typer.echo(f"{file}: {error}", err=True)
        raise typer.Exit(2) from error
    for row_error in report.errors:
        typer.echo(f"{file}: {row_error}", err=True)
    verb = "would import" if dry_run else "imported"
    typer.echo(
        f"{verb} {report.imported} vehicles ({report.created} new, {report.updated} updated, "
        f"{report.unchanged} unchanged); "
        f"{len(report.errors)} rows refused"
    )
    if report.errors:
        raise typer.Exit(1)


@app.command("generate-bulk")
def generate_bulk_command(
    count: Annotated[int, typer.Option(help="Total bulk vehicles wanted.")] = 100_000,
) -> None:
    """Add generated vehicles (no photos) until the catalog has COUNT of them, for benchmarks."""
    from catalog.demo.bulk import generate_bulk

    upgrade(make_engine(get_catalog_settings().database_url))
    added = generate_bulk(sessions=_sessions(), count=count, progress=typer.echo)
    typer.echo(f"added {added} bulk vehicles")


@app.command()
def search(
    text: Annotated[str, typer.Argument(help="Free text, e.g. 'Toyta Corola'.")] = "",
    *,
    make: Annotated[str | None, typer.Option()] = None,
    model: Annotated[str | None, typer.Option()] = None,
    max_price: Annotated[int | None, typer.Option(help="In dollars.")] = None,
    sort: Annotated[str, typer.Option(help="price_asc, price_desc, year_desc, ...")] = "price_asc",
    limit: Annotated[int, typer.Option()] = 10,
) -> None:
    """Search the catalog as the bot does, and print one line per vehicle."""
    from catalog.vehicles.schemas import VehicleFilters, VehicleSort
    from catalog.vehicles.search import search_vehicles

    try:
        filters = VehicleFilters(
            text=text or None,
            make=make,
            model=model,
            price_max_cents=max_price * 100 if max_price is not None else None,
        )
        with transaction(_sessions()) as db_session:
            page = search_vehicles(
                db_session=db_session, filters=filters, sort=VehicleSort(sort), limit=limit
            )
    except (ValidationError, InvalidFilter, ValueError) as error:
        typer.echo(f"invalid search: {error}", err=True)
        raise typer.Exit(2) from error
    for typed, known in page.corrections.items():
        typer.echo(f"(read {typed!r} as {known})")
    for item in page.items:
        typer.echo(
            f"#{item.id:<6} {item.title:<40} {item.price_cents / 100:>10,.0f} {item.currency}"
            f"  {item.mileage_km:>8,} km  {item.yard_city} -> {item.export_port}"
        )
    if not page.items:
        typer.echo("no vehicle matches")


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Default: HOST setting.")] = None,
    port: Annotated[int | None, typer.Option(help="Default: PORT setting.")] = None,
) -> None:
    """Run the web app (webhooks, galleries, health) with uvicorn."""
    import uvicorn

    settings = _checked_settings()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    uvicorn.run(
        "webhook.app:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        proxy_headers=True,
    )


@app.command("fake-providers")
def fake_providers(
    port: Annotated[int, typer.Option(help="Where the fakes listen.")] = 8090,
) -> None:
    """Run local fakes of the Telegram, WhatsApp Cloud and Twilio APIs (no credentials)."""
    from bots.config import get_channel_settings
    from bots.fakes import serve as serve_fakes

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
    from bots.runner import run_worker
    from catalog.logs import configure_logging
    from dialogs.config import get_dialog_settings
    from notifications.config import get_redis_settings

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


@app.command("nlu-lookups")
def nlu_lookups() -> None:
    """Write nlu/lookups.yml (make and model names for Rasa) from the catalog's vehicles."""
    from catalog.config import PROJECT_ROOT
    from dialogs.lookups import write_lookups

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
    from catalog.config import PROJECT_ROOT
    from dialogs.config import get_dialog_settings
    from dialogs.training import TrainingError, train_if_changed

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
    from catalog.config import PROJECT_ROOT
    from dialogs.config import get_dialog_settings
    from dialogs.nlu_eval import LANGUAGES, NluEvalError, format_report, run_nlu_eval
    from dialogs.training import TrainingError, train_if_changed

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
        from bench._common import append_results

        command = f"nzila nlu-eval --languages {','.join(chosen)}"
        append_results("NLU on the held-out test sets", command, report, load)
    if not all(score.meets_targets for score in scores):
        raise typer.Exit(1)


@app.command()
def up(
    fakes_port: Annotated[int, typer.Option(help="Port of the fake providers.")] = 8090,
    rasa_replicas: Annotated[
        int, typer.Option(min=1, max=8, help="Rasa servers (conversations are pinned to one).")
    ] = 1,
) -> None:
    """Run everything: web app, worker, Rasa, action server and fake providers (Ctrl-C stops)."""
    from webhook.devstack import run_stack
    from webhook.stack import build_services, embedded_redis_url

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


@telegram_app.command("set-webhook")
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


@app.command("check-config")
def check_config() -> None:
    """Validate the settings (environment and .env) and say what is missing for production."""
    settings = _checked_settings()
    typer.echo(f"settings valid for {settings.environment}")


def _checked_settings() -> AppSettings:
    from bots.config import get_channel_settings
    from dialogs.config import get_dialog_settings
    from notifications.config import get_redis_settings
    from webhook.config import check_production_backends

    try:
        settings = get_app_settings()
    except ValidationError as error:
        typer.echo(f"invalid settings: {error}", err=True)
        raise typer.Exit(2) from error
    if settings.environment == "production":
        problems = check_production_backends(
            get_catalog_settings(),
            get_redis_settings(),
            get_channel_settings(),
            get_dialog_settings(),
        )
        if problems:
            typer.echo("refusing to start in production: " + "; ".join(problems), err=True)
            raise typer.Exit(2)
    return settings


def main() -> None:
    app(prog_name="nzila")


if __name__ == "__main__":
    main()
