"""`nzila`: the operator's command line. Every subcommand says in one line what it does."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from pydantic import ValidationError
from sqlalchemy.orm import Session, sessionmaker

from catalog.auctions import management
from catalog.config import get_catalog_settings
from catalog.database import make_engine, make_session_factory, transaction, utcnow
from catalog.errors import InvalidFilter, InvalidInput, NotFound
from catalog.media.storage import MediaStore
from catalog.migrate import upgrade
from devtools.simulator.cli import chat_app
from webhook.config import AppSettings, get_app_settings

T = TypeVar("T")

app = typer.Typer(
    help="Nzila: messaging-first vehicle export bot.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
import_app = typer.Typer(help="Import dealers' data.", no_args_is_help=True)
app.add_typer(import_app, name="import", help="Import dealers' inventory from files.")
telegram_app = typer.Typer(help="Telegram bot set-up.", no_args_is_help=True)
auctions_app = typer.Typer(help="Staff: auctions and bidders.", no_args_is_help=True)
app.add_typer(
    auctions_app,
    name="auctions",
    help="Staff: schedule, list, show and cancel auctions; record deposits and limits.",
)
app.add_typer(telegram_app, name="telegram", help="Telegram bot set-up (webhook registration).")
app.add_typer(
    chat_app, name="chat", help="Chat with the bot as a WhatsApp, Twilio or Telegram user would."
)


def _sessions() -> sessionmaker[Session]:
    settings = get_catalog_settings()
    return make_session_factory(make_engine(settings.database_url))


@contextmanager
def _database() -> Iterator[sessionmaker[Session]]:
    """Sessions on the configured database, its connections closed when the command is done."""
    engine = make_engine(get_catalog_settings().database_url)
    try:
        yield make_session_factory(engine)
    finally:
        engine.dispose()


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
    auctions: Annotated[bool, typer.Option(help="Auction about a quarter of them.")] = True,
) -> None:
    """Write the demo inventory: dealers, vehicles, photo galleries and auctions (idempotent)."""
    from catalog.demo.seed import seed_demo

    settings = get_catalog_settings()
    upgrade(make_engine(settings.database_url))
    report = seed_demo(
        sessions=_sessions(),
        store=MediaStore(settings.media_dir),
        vehicle_count=vehicles,
        photos=photos,
        auctions=auctions,
        progress=typer.echo,
    )
    typer.echo(
        f"seeded: {report.dealers} dealers, {report.vehicles_created} vehicles created, "
        f"{report.vehicles_updated} updated, {report.photos_added} photos added, "
        f"{report.auctions_created} auctions scheduled"
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
    from bots.runner import run_worker
    from dialogs.config import get_dialog_settings
    from infra.logs import configure_logging
    from infra.redis import get_redis_settings

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
    from dialogs.config import get_dialog_settings
    from dialogs.nlu_eval import LANGUAGES, NluEvalError, format_report, run_nlu_eval
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


# --- `nzila auctions`: staff schedule, list, show and cancel auctions ---------------------------


@auctions_app.command("create")
def auctions_create(
    *,
    vehicle_id: Annotated[int, typer.Option(help="The vehicle to auction.")],
    starting_bid: Annotated[str, typer.Option(help="In dollars: 5200 or 5,200.50.")],
    starts_at: Annotated[str | None, typer.Option(help="ISO-8601 UTC (default: now).")] = None,
    starts_in: Annotated[str | None, typer.Option(help="Or a delay: 30m, 2h, 1d.")] = None,
    ends_at: Annotated[str | None, typer.Option(help="ISO-8601 UTC.")] = None,
    duration: Annotated[str | None, typer.Option(help="Or from the start: 90m, 48h, 3d.")] = None,
    reserve: Annotated[str | None, typer.Option(help="Lowest price the dealer accepts.")] = None,
    buy_now: Annotated[str | None, typer.Option(help="Buy-it-now price in dollars.")] = None,
    soft_close_seconds: Annotated[
        int, typer.Option(min=0, help="A late bid extends the end by this much.")
    ] = management.DEFAULT_SOFT_CLOSE_SECONDS,
) -> None:
    """Schedule an auction for a vehicle (amounts in dollars, times ISO-8601 UTC)."""
    now = utcnow()
    with _refusals():
        start, end = management.auction_window(
            now=now, starts_at=_maybe(management.parse_time, starts_at),
            starts_in=_maybe(management.parse_duration, starts_in),
            ends_at=_maybe(management.parse_time, ends_at),
            duration=_maybe(management.parse_duration, duration),
        )  # fmt: skip
        with _database() as sessions, transaction(sessions) as db_session:
            auction = management.schedule(
                db_session=db_session, vehicle_id=vehicle_id, starts_at=start, ends_at=end,
                starting_bid_cents=management.parse_dollars(starting_bid),
                reserve_cents=_maybe(management.parse_dollars, reserve),
                buy_now_cents=_maybe(management.parse_dollars, buy_now),
                soft_close_seconds=soft_close_seconds, now=now,
            )  # fmt: skip
            created = management.show(db_session=db_session, auction_id=auction.id, now=now)
    typer.echo(f"scheduled auction #{created.auction.id}")
    _echo_auction(created.auction)


@auctions_app.command("list")
def auctions_list(
    open_only: Annotated[bool, typer.Option("--open", help="Only open auctions.")] = False,
    limit: Annotated[int, typer.Option(min=1)] = 200,
) -> None:
    """One line per auction: open ones ending soonest first, else newest first."""
    with _database() as sessions, sessions() as db_session:
        views = management.list_auctions(db_session=db_session, open_only=open_only, limit=limit)
    for view in views:
        price = management.dollars(view.current_price_cents or view.starting_bid_cents)
        price = price if view.current_price_cents else f"from {price}"
        typer.echo(
            f"#{view.id:<6} {view.status:<11} {view.vehicle_title[:36]:<36} "
            f"price {price:>15}  ends {_when(view.current_ends_at)}  {view.bids_accepted} bids"
        )
    if not views:
        typer.echo("no auction" + (" open" if open_only else ""))


@auctions_app.command("show")
def auctions_show(auction_id: Annotated[int, typer.Argument(help="The auction's id.")]) -> None:
    """An auction's terms (reserve included), price, leader and every accepted bid."""
    with _refusals(), _database() as sessions, sessions() as db_session:
        detail = management.show(db_session=db_session, auction_id=auction_id)
    _echo_auction(detail.auction)
    typer.echo(f"bids ({len(detail.bids)}):")
    for bid in detail.bids:
        typer.echo(
            f"  {_when(bid.placed_at)}  buyer #{bid.buyer_id:<6} {bid.kind:<7} "
            f"max {management.dollars(bid.amount_cents):>12} -> price "
            f"{management.dollars(bid.price_after_cents)}, leader #{bid.leader_after_id}"
        )


@auctions_app.command("cancel")
def auctions_cancel(
    auction_id: Annotated[int, typer.Argument(help="The auction's id.")],
    reason: Annotated[str, typer.Option(help="Told to its bidders and watchers.")],
) -> None:
    """Cancel an open auction; its bidders and watchers are told the reason."""
    with _refusals(), _database() as sessions, transaction(sessions) as db_session:
        view = management.cancel(db_session=db_session, auction_id=auction_id, reason=reason)
    typer.echo(f"cancelled auction #{view.id} ({view.vehicle_title}): {view.cancel_reason}")


@auctions_app.command("deposit")
def auctions_deposit(
    buyer_id: Annotated[int, typer.Argument(help="The buyer's id.")],
    amount: Annotated[str, typer.Argument(help="The deposit paid, in dollars.")],
    by: Annotated[str | None, typer.Option(help="Who records it (default: cli:$USER).")] = None,
) -> None:
    """Record the deposit a buyer paid (it replaces the previous amount)."""
    with _refusals(), _database() as sessions, transaction(sessions) as db_session:
        bidder = management.record_deposit(db_session=db_session, buyer_id=buyer_id,
                                           deposit_cents=management.parse_dollars(amount),
                                           by=by or _operator())  # fmt: skip
    _echo_bidder(bidder)


@auctions_app.command("limit")
def auctions_limit(
    buyer_id: Annotated[int, typer.Argument(help="The buyer's id.")],
    amount: Annotated[str, typer.Argument(help="In dollars, or none: deposit x multiplier.")],
    by: Annotated[str | None, typer.Option(help="Who sets it (default: cli:$USER).")] = None,
) -> None:
    """Set a buyer's bidding limit outright, or `none` to go back to deposit x multiplier."""
    with _refusals(), _database() as sessions, transaction(sessions) as db_session:
        limit = None if amount.strip().lower() == "none" else management.parse_dollars(amount)
        bidder = management.set_limit(db_session=db_session, buyer_id=buyer_id,
                                      limit_cents=limit, by=by or _operator())  # fmt: skip
    _echo_bidder(bidder)


@contextmanager
def _refusals() -> Iterator[None]:
    """Input the catalog refuses (an unknown id, impossible terms): a clear line, exit code 2."""
    try:
        yield
    except (NotFound, InvalidInput) as refused:
        typer.echo(f"refused: {refused}", err=True)
        raise typer.Exit(2) from refused


def _maybe(parse: Callable[[str], T], text: str | None) -> T | None:
    return None if text is None else parse(text)


def _operator() -> str:
    return "cli:" + (os.environ.get("USER") or os.environ.get("LOGNAME") or "unknown")


def _when(moment: datetime | None) -> str:
    return "-" if moment is None else moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _echo_auction(view: management.AuctionView) -> None:
    money = management.dollars
    reserve, buy_now, price = "none", "none", "no bid yet"
    if view.reserve_cents is not None:
        reserve = f"{money(view.reserve_cents)} ({'met' if view.reserve_met else 'not met'})"
    if view.buy_now_cents is not None:
        buy_now = money(view.buy_now_cents) + (" (available)" if view.buy_now_available else "")
    if view.current_price_cents is not None:
        price = f"{money(view.current_price_cents)}, leader buyer #{view.leader_id}"
    extended = view.ends_at != view.current_ends_at
    lines = [
        f"auction #{view.id}: {view.vehicle_title} (vehicle #{view.vehicle_id}, "
        f"dealer #{view.dealer_id})",
        f"  status        {view.status}",
        f"  runs          {_when(view.starts_at)} -> {_when(view.current_ends_at)}"
        + (f" (extended from {_when(view.ends_at)})" if extended else ""),
        f"  starting bid  {money(view.starting_bid_cents)}   reserve {reserve}   buy now {buy_now}",
        f"  price         {price}; {view.bids_accepted} bids; next minimum "
        f"{money(view.minimum_next_bid_cents)}",
    ]
    if view.winner_id is not None and view.sold_price_cents is not None:
        lines.append(
            f"  sold          to buyer #{view.winner_id} at {money(view.sold_price_cents)}, "
            f"payment due {_when(view.payment_due_at)}"
        )
    if view.status == "on_approval":
        lines.append(f"  approval by   {_when(view.approval_deadline_at)}")
    if view.cancel_reason:
        lines.append(f"  cancelled     {view.cancel_reason}")
    typer.echo("\n".join(lines))


def _echo_bidder(bidder: management.BidderView) -> None:
    money = management.dollars
    outright = " (set outright)" if bidder.limit_set_cents is not None else ""
    typer.echo(
        f"buyer #{bidder.buyer_id}: deposit {money(bidder.deposit_cents)}, limit "
        f"{money(bidder.limit_cents)}{outright}; {money(bidder.committed_cents)} committed, "
        f"{money(bidder.available_cents)} available (by {bidder.updated_by})"
    )


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
    from inbox.config import get_inbox_settings
    from infra.redis import get_redis_settings
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
            get_inbox_settings(),
        )
        if problems:
            typer.echo("refusing to start in production: " + "; ".join(problems), err=True)
            raise typer.Exit(2)
    return settings


def main() -> None:
    app(prog_name="nzila")


if __name__ == "__main__":
    main()
