"""`nzila migrate | seed | import vehicles | generate-bulk | search`: the catalog."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError

from catalog.config import get_catalog_settings
from catalog.database import make_engine, transaction
from catalog.errors import InvalidFilter, InvalidInput
from catalog.media.storage import MediaStore
from catalog.migrate import upgrade
from webhook.cli._shared import (
    _sessions,
)

app = typer.Typer()
import_app = typer.Typer(help="Import dealers' data.", no_args_is_help=True)
app.add_typer(import_app, name="import", help="Import dealers' inventory from files.")


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
