"""Start and stop the Rasa server and the action server as subprocesses (dev stack and tests).

Each server runs in its own process group, so stopping it also stops the workers it forks
(the action server's Sanic runs its app in a child process).
"""

from __future__ import annotations

import contextlib
import itertools
import os
import signal
import subprocess
import time
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Final

import httpx

from dialogs.client import DialogError
from dialogs.tracker_store import TRACKER_DB

HOST: Final = "127.0.0.1"
RASA_PORT: Final = 5005
ACTION_SERVER_PORT: Final = 5055
ACTIONS_PACKAGE: Final = "dialogs.actions"
STOP_GRACE_SECONDS: Final = 10.0
_POLL_SECONDS: Final = 0.25
DIALOGS_DIR: Final = Path(__file__).resolve().parent
ENDPOINTS: Final = DIALOGS_DIR / "endpoints.yml"
CREDENTIALS: Final = DIALOGS_DIR / "credentials.yml"
# Rasa 3.6's own dependencies print ~20 DeprecationWarnings at start: silenced in its process only
# (our code and tests keep warnings as errors).
RASA_QUIET_ENV: Final = {
    "PYTHONWARNINGS": "ignore::DeprecationWarning,ignore::PendingDeprecationWarning",
    "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    "RASA_TELEMETRY_ENABLED": "false",
}
# Over PYTHONWARNINGS, Sanic turns DeprecationWarnings back on when imported and Rasa puts "once"
# for UserWarnings on top at start (pyparsing's deprecations are both): Rasa's `main` runs with
# the ignore put back on top after each.
_QUIET_RASA_MAIN: Final = """
import sys, warnings
import sanic
import rasa.utils.common as common
def ignore_deprecations():
    warnings.filterwarnings("ignore", category=DeprecationWarning)
set_up = common._filter_warnings
def filter_warnings(*args, **kwargs):
    set_up(*args, **kwargs)
    ignore_deprecations()
common._filter_warnings = filter_warnings
ignore_deprecations()
from rasa.__main__ import main
sys.argv[0] = "rasa"
main()
"""

Output = IO[bytes] | int | None


_ERROR_TAIL_LINES: Final = 25


class ServerStartError(DialogError):
    """A server exited, or did not answer its readiness URL in time."""


def run_rasa_command(
    command: list[str],
    *,
    cwd: Path,
    env: Mapping[str, str],
    timeout: float,
    error: type[DialogError],
) -> None:
    """Run a one-off Rasa command (``rasa train``, ``rasa test nlu``) to its end.

    Raises:
        error: the command could not start, failed, or ran past `timeout` (then its whole
            process group is killed); the message ends with the tail of its output.
    """
    words = itertools.takewhile(lambda word: not word.startswith("-"), command[1:])
    what = " ".join([Path(command[0]).name, *words])  # "rasa test nlu"
    try:
        # A session of its own: on timeout the whole group goes, whatever rasa started.
        process = subprocess.Popen(  # noqa: S603 - our own command line, no shell
            command, cwd=cwd, env=dict(env), stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    except OSError as cause:
        raise error(f"cannot run {command[0]}: {cause}") from cause
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        output, _ = process.communicate()
        raise error(
            f"{what} took more than {timeout:.0f} s and was stopped\n{_tail(output)}"
        ) from None
    if process.returncode != 0:
        raise error(f"{what} failed with exit code {process.returncode}\n{_tail(output)}")


def _tail(output: bytes | None) -> str:
    lines = (output or b"").decode(errors="replace").splitlines()
    return "\n".join(lines[-_ERROR_TAIL_LINES:])


def tracker_store_env(project_root: Path, env: Mapping[str, str]) -> dict[str, str]:
    """The ``RASA_TRACKER_*`` variables dialogs/endpoints.yml needs, defaults filled in.

    Unset, the tracker store is the SQLite file ``var/rasa/tracker.db`` (its folder is created).
    """
    tracker = {
        "RASA_TRACKER_DIALECT": env.get("RASA_TRACKER_DIALECT", "sqlite"),
        "RASA_TRACKER_DB": env.get("RASA_TRACKER_DB", str(project_root / TRACKER_DB)),
        "RASA_TRACKER_URL": env.get("RASA_TRACKER_URL", ""),
    }
    if tracker["RASA_TRACKER_DIALECT"] == "sqlite" and not tracker["RASA_TRACKER_URL"]:
        Path(tracker["RASA_TRACKER_DB"]).parent.mkdir(parents=True, exist_ok=True)
    return tracker


def start_rasa_server(
    *,
    rasa_bin: Path,
    model_path: Path,
    port: int = RASA_PORT,
    auth_token: str,
    endpoints: Path,
    credentials: Path,
    cwd: Path,
    env: Mapping[str, str] | None = None,
    output: Output = None,
) -> subprocess.Popen[bytes]:
    """Start ``rasa run`` with the HTTP API on 127.0.0.1; returns at once (see wait_until_ready).

    Args:
        env: variables on top of this process's environment; the tracker store defaults to
            ``cwd/var/rasa/tracker.db`` (see tracker_store_env).
        output: where stdout and stderr go (a file, ``subprocess.DEVNULL``); None inherits ours.
    """
    merged = {**os.environ, **(env or {})}
    merged.update(tracker_store_env(cwd, merged))
    merged.update(RASA_QUIET_ENV)
    command = rasa_run_command(
        rasa_bin=rasa_bin, model_path=model_path, port=port, auth_token=auth_token,
        endpoints=endpoints, credentials=credentials,
    )  # fmt: skip
    return _spawn(command, cwd=cwd, env=merged, output=output)


def start_action_server(
    *,
    python_bin: Path,
    port: int = ACTION_SERVER_PORT,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    output: Output = None,
) -> subprocess.Popen[bytes]:
    """Start ``python -m rasa_sdk --actions dialogs.actions`` on 127.0.0.1:port.

    rasa_sdk has no interface flag: it binds to ``SANIC_HOST`` (0.0.0.0 when unset).
    """
    merged = {**os.environ, **(env or {}), "SANIC_HOST": HOST}
    return _spawn(action_server_command(python_bin, port=port), cwd=cwd, env=merged, output=output)


def rasa_run_command(
    *,
    rasa_bin: Path,
    model_path: Path,
    port: int,
    auth_token: str,
    endpoints: Path = ENDPOINTS,
    credentials: Path = CREDENTIALS,
) -> list[str]:
    """``rasa run`` with the HTTP API (token-protected) on 127.0.0.1:port; no built-in channels."""
    return [
        str(rasa_bin.parent / "python"), "-c", _QUIET_RASA_MAIN, "run", "--enable-api",
        "--auth-token", auth_token,
        "--interface", HOST, "--port", str(port), "--model", str(model_path),
        "--endpoints", str(endpoints), "--credentials", str(credentials),
    ]  # fmt: skip


def action_server_command(python_bin: Path, *, port: int) -> list[str]:
    """The action server, given our endpoints file by path so it starts from any directory
    (rasa_sdk reads its tracing settings from ``endpoints.yml`` in the working directory otherwise,
    and logs an error when there is none)."""
    return [
        str(python_bin), "-m", "rasa_sdk", "--actions", ACTIONS_PACKAGE, "--port", str(port),
        "--endpoints", str(ENDPOINTS),
    ]  # fmt: skip


def wait_until_ready(
    url: str, timeout: float, *, process: subprocess.Popen[bytes] | None = None
) -> None:
    """Poll ``url`` until it answers 200.

    Raises:
        ServerStartError: ``process`` exited first, or ``timeout`` seconds passed.
    """
    deadline = time.monotonic() + timeout
    with httpx.Client(timeout=2.0) as http:
        while True:
            if process is not None and process.poll() is not None:
                raise ServerStartError(f"{process.args!r} exited with code {process.returncode}")
            try:
                if http.get(url).status_code == 200:
                    return
            except httpx.TransportError:
                pass  # not listening yet
            if time.monotonic() > deadline:
                raise ServerStartError(f"{url} did not answer within {timeout:.0f} s")
            time.sleep(_POLL_SECONDS)


def stop(process: subprocess.Popen[bytes], *, grace: float = STOP_GRACE_SECONDS) -> None:
    """Stop a server and its children: SIGTERM to its process group, SIGKILL after ``grace``."""
    if process.returncode is None:
        _signal_group(process, signal.SIGTERM)
        # The leader stays a zombie until reaped, so its group id cannot be reused meanwhile.
        _wait_without_reaping(process, grace)
        _signal_group(process, signal.SIGKILL)  # workers the leader left behind, or all of it
    process.wait()


def _spawn(
    command: list[str], *, cwd: Path | None, env: Mapping[str, str], output: Output
) -> subprocess.Popen[bytes]:
    return subprocess.Popen(  # noqa: S603 - our own command line, no shell
        command,
        cwd=cwd,
        env=dict(env),
        stdin=subprocess.DEVNULL,
        stdout=output,
        stderr=subprocess.STDOUT if output is not None else None,
        start_new_session=True,
    )


def _signal_group(process: subprocess.Popen[bytes], signum: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):  # the group is already gone
        os.killpg(process.pid, signum)


def _wait_without_reaping(process: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    flags = os.WEXITED | os.WNOHANG | os.WNOWAIT
    while os.waitid(os.P_PID, process.pid, flags) is None and time.monotonic() < deadline:
        time.sleep(0.05)
