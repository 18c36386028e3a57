"""The whole stack for one evaluation run, started once: an embedded Redis, the fake providers, a
fresh demo catalog (SQLite), our action server, one Rasa server on the trained model, the web
app (`nzila serve`) and the conversation worker (`nzila worker`), each a child process as the
benchmarks start them (devtools.bench._common), stopped when the run ends."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bots.config import ChannelSettings
from catalog.database import make_engine, make_session_factory
from catalog.demo.seed import seed_demo
from catalog.media.storage import MediaStore
from catalog.migrate import upgrade
from devtools.bench._common import (
    NZILA,
    RASA_TOKEN,
    ROOT,
    Children,
    free_port,
    redis_server,
    start_actions,
    start_fakes,
    start_rasa,
    start_web,
)
from devtools.conversation_eval import StackNotReady
from dialogs.config import get_dialog_settings
from dialogs.training import TrainingError, train_if_changed


@dataclass(frozen=True)
class EvalStack:
    """Where the running stack is, and the secrets its webhooks check."""

    web_url: str
    fakes_url: str
    rasa_url: str
    database_url: str
    redis_url: str
    channels: ChannelSettings
    workdir: Path
    model: Path


def trained_model() -> Path:
    """The model for the current training inputs, trained first if it is missing.

    Raises:
        StackNotReady: no Rasa environment, or the training failed.
    """
    settings = get_dialog_settings()
    if not settings.rasa_bin.exists():
        raise StackNotReady(
            f"no Rasa environment at {settings.rasa_bin}: scripts/bootstrap.sh rasa"
        )
    try:
        return train_if_changed(rasa_bin=settings.rasa_bin, project_root=ROOT,
                                models_dir=settings.rasa_models_dir).model_path  # fmt: skip
    except TrainingError as error:
        raise StackNotReady(f"training failed: {error}") from error


def seed_catalog(workdir: Path, *, photos: bool) -> str:
    """A fresh demo catalog (dealers, vehicles, live auctions from now) under `workdir`."""
    database_url = f"sqlite:///{workdir / 'catalog.sqlite3'}"
    engine = make_engine(database_url)
    upgrade(engine)
    seed_demo(sessions=make_session_factory(engine), store=MediaStore(workdir / "media"),
              photos=photos)  # fmt: skip
    engine.dispose()
    return database_url


@contextlib.contextmanager
def running_stack(workdir: Path, *, photos: bool = False) -> Iterator[EvalStack]:
    """Every process of the stack, ready, until the block ends (then all stopped).

    Raises:
        StackNotReady: no trained model could be had.
        SystemExit: a process did not start (with the end of its log).
    """
    model = trained_model()
    database_url = seed_catalog(workdir, photos=photos)
    channels = ChannelSettings(_env_file=None)  # type: ignore[call-arg] # the development secrets
    # Redis outlives the processes that use it: they are stopped first, then it is shut down.
    with redis_server("embedded", workdir) as (redis_url, _), Children(workdir) as children:
        fakes = start_fakes(children, free_port(), channels)
        catalog_env = {"DATABASE_URL": database_url, "MEDIA_DIR": str(workdir / "media")}
        web_port = free_port()
        web_url = f"http://127.0.0.1:{web_port}"
        actions = start_actions(children, workdir, free_port(),
                                env={**catalog_env, "PUBLIC_BASE_URL": web_url})  # fmt: skip
        rasa = start_rasa(children, workdir, "rasa", free_port(), action_url=actions,
                          credentials=ROOT / "dialogs" / "credentials.yml", env={})  # fmt: skip
        children.wait("rasa", f"{rasa}/status?token={RASA_TOKEN}", 240)
        env = {**catalog_env, "REDIS_URL": redis_url, "PUBLIC_BASE_URL": web_url,
               "RASA_URL": rasa, "RASA_AUTH_TOKEN": RASA_TOKEN, "TELEGRAM_API_BASE_URL": fakes,
               "WHATSAPP_API_BASE_URL": fakes, "TWILIO_API_BASE_URL": fakes,
               "NZILA_ENV": "development"}  # fmt: skip
        start_web(children, web_port, env)
        children.start("worker", [*NZILA, "worker"], env=env, ready_url=None)
        yield EvalStack(web_url, fakes, rasa, database_url, redis_url, channels, workdir, model)
