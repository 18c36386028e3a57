"""`nzila up`: every process of Nzila on one machine, for a newcomer with no credentials.

Starts, in order, each waiting for the previous to be healthy: the embedded Redis (unless
REDIS_URL is set), the fake providers, the action server, the Rasa server, the web app and the
conversation worker. Their output is interleaved with a name prefix; Ctrl-C stops them all,
newest first; if one dies, the rest are stopped and the exit code says so.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import httpx

COLOURS = ["36", "35", "33", "32", "34", "31", "96"]
STOP_GRACE_SECONDS = 10.0


@dataclass
class Service:
    name: str
    command: list[str]
    ready_url: str | None = None  # polled until it answers 2xx
    ready_timeout: float = 60.0
    env: dict[str, str] = field(default_factory=dict)
    cwd: Path | None = None


class StackError(Exception):
    """A service did not start or became unhealthy."""


class Stack:
    def __init__(self, services: list[Service], *, out: IO[str] = sys.stdout) -> None:
        self._services = services
        self._out = out
        self._lock = threading.Lock()
        self._running: list[tuple[Service, subprocess.Popen[bytes]]] = []

    def say(self, name: str, line: str, colour: str = "1") -> None:
        with self._lock:
            self._out.write(f"\033[{colour}m{name:>9}\033[0m | {line}\n")
            self._out.flush()

    def start(self) -> None:
        """Start every service in order; raises StackError (after stopping the started ones)."""
        for number, service in enumerate(self._services):
            colour = COLOURS[number % len(COLOURS)]
            if service.ready_url and _answers(service.ready_url):
                self.stop()
                raise StackError(f"{service.name}: something already answers {service.ready_url}")
            process = subprocess.Popen(  # noqa: S603 - our own commands, no shell
                service.command,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                env={**os.environ, **service.env},
                cwd=service.cwd,
                start_new_session=True,  # Ctrl-C reaches us only; we stop children in order
            )
            self._running.append((service, process))
            threading.Thread(
                target=self._pump, args=(service.name, process, colour), daemon=True
            ).start()
            try:
                self._wait_ready(service, process)
            except StackError:
                self.stop()
                raise
            self.say(service.name, "ready", colour)

    def _pump(self, name: str, process: subprocess.Popen[bytes], colour: str) -> None:
        assert process.stdout is not None
        for raw in process.stdout:
            self.say(name, raw.decode(errors="replace").rstrip(), colour)

    def _wait_ready(self, service: Service, process: subprocess.Popen[bytes]) -> None:
        if service.ready_url is None:
            return
        deadline = time.monotonic() + service.ready_timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise StackError(f"{service.name} exited with {process.returncode} while starting")
            if _answers(service.ready_url):
                return
            time.sleep(0.3)
        raise StackError(f"{service.name} not ready after {service.ready_timeout:.0f} s")

    def watch(self, stop: threading.Event) -> int:
        """Block until `stop` is set (exit 0) or a service dies (exit 1)."""
        while not stop.wait(0.5):
            for service, process in self._running:
                if process.poll() is not None:
                    self.say(service.name, f"exited with {process.returncode}: stopping the rest")
                    return 1
        return 0

    def stop(self) -> None:
        """SIGTERM each service, newest first; SIGKILL what is still running after a grace."""
        for service, process in reversed(self._running):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(STOP_GRACE_SECONDS)
                except subprocess.TimeoutExpired:
                    self.say(service.name, "did not stop in time: killed")
                    process.kill()
                    process.wait()
            self.say(service.name, "stopped")
        self._running.clear()


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).is_success
    except httpx.HTTPError:
        return False


def run_stack(services: list[Service], *, on_ready: Callable[[], None] = lambda: None) -> int:
    """Start `services`, run until Ctrl-C or a failure, stop them all. Returns an exit code."""
    stack = Stack(services)
    stop = threading.Event()
    previous = {
        sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGINT, signal.SIGTERM)
    }
    try:
        try:
            stack.start()
        except StackError as error:
            stack.say("nzila", f"could not start: {error}", "31")
            return 1
        on_ready()
        code = stack.watch(stop)
    finally:
        stack.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return code
