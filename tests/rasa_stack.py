"""The real Rasa 3.6 server and our action server (rasa_sdk 3.21), on free 127.0.0.1 ports, for
every test that needs the dialog engine. The model is trained once into var/rasa/models and reused
while the training inputs are unchanged. Skipped when the Rasa environment is not built
(scripts/bootstrap.sh rasa; CI builds it).
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from catalog.database import make_engine
from catalog.migrate import upgrade
from dialogs.rasa_process import (
    ServerStartError,
    start_action_server,
    start_rasa_server,
    stop,
    wait_until_ready,
)
from dialogs.tracker_store import TrackerStores
from dialogs.training import train_if_changed
from tests.servers import free_port

ROOT = Path(__file__).resolve().parents[1]
RASA_BIN = ROOT / ".venv-rasa" / "bin" / "rasa"
# Set by scripts/test.sh (which builds the Rasa environment) and CI: a missing environment is
# then a failure, not a silent skip of every end-to-end test.
RASA_REQUIRED = bool(os.environ.get("NZILA_REQUIRE_RASA") or os.environ.get("CI"))


def require_rasa() -> None:
    """Skip a test needing the Rasa environment when it is not built, or fail where it must be."""
    if RASA_BIN.exists():
        return
    message = f"the Rasa environment is not built ({RASA_BIN}): scripts/bootstrap.sh rasa"
    if RASA_REQUIRED:
        pytest.fail(message)
    pytest.skip(message)


MODELS_DIR = ROOT / "var" / "rasa" / "models"
ENDPOINTS = ROOT / "dialogs" / "endpoints.yml"
DEFAULT_ACTION_URL = "http://127.0.0.1:5055/webhook"
AUTH_TOKEN = "test-token-" + uuid.uuid4().hex
PUBLIC_BASE_URL = "http://127.0.0.1:8000"  # links the actions write (gallery pages)
HISTORY_PROVIDER_TOKEN = "test-history-token-" + uuid.uuid4().hex[:8]


@dataclass(frozen=True)
class RasaStack:
    base_url: str
    auth_token: str
    action_server_log: Path
    database_url: str  # the catalog the action server reads (SQLite, migrated, one per session)
    media_dir: Path
    # Where the actions ask for vehicle history reports: nothing listens there unless a test
    # serves a fake history service on this port (so by default the service is "down").
    history_provider_port: int
    tracker_stores: TrackerStores  # Rasa's SQL tracker store (SQLite), read and erased directly
    rasa_server_log: Path


@pytest.fixture(scope="session")
def rasa_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RasaStack]:
    """Both servers on free 127.0.0.1 ports, with a throw-away SQLite tracker store."""
    require_rasa()
    model = train_if_changed(rasa_bin=RASA_BIN, project_root=ROOT, models_dir=MODELS_DIR)
    workdir = tmp_path_factory.mktemp("rasa")
    database_url, media_dir = f"sqlite:///{workdir / 'catalog.sqlite3'}", workdir / "media"
    engine = make_engine(database_url)
    upgrade(engine)
    engine.dispose()
    history_port = free_port()
    catalog_env = {"DATABASE_URL": database_url, "MEDIA_DIR": str(media_dir),
                   "PUBLIC_BASE_URL": PUBLIC_BASE_URL,
                   "HISTORY_PROVIDER_URL": f"http://127.0.0.1:{history_port}/v1/history",
                   "HISTORY_PROVIDER_TOKEN": HISTORY_PROVIDER_TOKEN}  # fmt: skip
    action_port, rasa_port = free_port(), free_port()
    endpoints = workdir / "endpoints.yml"
    endpoints.write_text(
        ENDPOINTS.read_text().replace(DEFAULT_ACTION_URL, f"http://127.0.0.1:{action_port}/webhook")
    )
    action_log, rasa_log = workdir / "actions.log", workdir / "rasa.log"
    with action_log.open("wb") as action_output, rasa_log.open("wb") as rasa_output:
        actions = start_action_server(
            python_bin=Path(sys.executable),
            port=action_port,
            cwd=ROOT,
            env=catalog_env,
            output=action_output,
        )
        try:
            ready(f"http://127.0.0.1:{action_port}/health", 60, actions, action_log)
            rasa = start_rasa_server(
                rasa_bin=RASA_BIN,
                model_path=model.model_path,
                port=rasa_port,
                auth_token=AUTH_TOKEN,
                endpoints=endpoints,
                credentials=ROOT / "dialogs" / "credentials.yml",
                cwd=ROOT,
                env={
                    "RASA_TRACKER_DIALECT": "sqlite",
                    "RASA_TRACKER_DB": str(workdir / "tracker.db"),
                    "RASA_TRACKER_URL": "",
                },
                output=rasa_output,
            )
            try:
                status = f"http://127.0.0.1:{rasa_port}/status?token={AUTH_TOKEN}"
                ready(status, 180, rasa, rasa_log)
                trackers = TrackerStores([f"sqlite:///{workdir / 'tracker.db'}"])
                yield RasaStack(f"http://127.0.0.1:{rasa_port}", AUTH_TOKEN, action_log,
                                database_url, media_dir, history_port, trackers,
                                rasa_log)  # fmt: skip
                trackers.dispose()
            finally:
                stop(rasa)
        finally:
            stop(actions)


def ready(url: str, timeout: float, process: subprocess.Popen[bytes], log: Path) -> None:
    """Wait for a server; if it fails to start, show the end of its log."""
    try:
        wait_until_ready(url, timeout, process=process)
    except ServerStartError as error:
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-40:])
        pytest.fail(f"{error}\n--- {log.name} ---\n{tail}")
