"""What the commands share: database sessions, refusals as exit code 2, settings checks."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import TypeVar

import typer
from pydantic import ValidationError
from sqlalchemy.orm import Session, sessionmaker

from catalog.config import get_catalog_settings
from catalog.database import make_engine, make_session_factory
from catalog.errors import InvalidInput, NotFound
from webhook.config import AppSettings, get_app_settings

T = TypeVar("T")


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


def _checked_settings() -> AppSettings:
    from bots.config import get_channel_settings
    from dialogs.config import get_dialog_settings
    from infra.redis import get_redis_settings
    from webhook.config import check_production_backends
    from webhook.staff.config import get_staff_api_settings

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
            get_staff_api_settings(),
        )
        if problems:
            typer.echo("refusing to start in production: " + "; ".join(problems), err=True)
            raise typer.Exit(2)
    return settings
