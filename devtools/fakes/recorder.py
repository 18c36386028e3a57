"""A thread-safe, in-memory record of every request the fake providers answered.

Tests and the demo chat simulator read it to see what the bot sent, how often it tried, and
what each attempt was told.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from fastapi import Request
from fastapi.responses import JSONResponse

Provider = Literal["telegram", "whatsapp", "twilio"]
PROVIDERS: tuple[Provider, ...] = ("telegram", "whatsapp", "twilio")

Outcome = Literal["delivered", "rejected", "injected_failure"]
"""delivered: accepted as the provider would; rejected: refused for auth or validation;
injected_failure: failed on purpose because a test scheduled it through the control API."""

HEADERS_OF_INTEREST = (
    "authorization",
    "content-type",
    "user-agent",
    "i-twilio-idempotency-token",
    "x-idempotency-key",
)


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """One request as a fake provider saw it, and what it answered."""

    seq: int
    timestamp: datetime
    provider: Provider
    endpoint: str
    method: str
    path: str
    body: dict[str, Any]
    headers: dict[str, str]
    status_code: int
    response: Any
    outcome: Outcome

    @property
    def delivered(self) -> bool:
        """Whether the provider accepted the request (a message went out)."""
        return self.outcome == "delivered"

    def to_json(self) -> dict[str, Any]:
        """The record as JSON for the control API."""
        return {
            "seq": self.seq,
            "timestamp": self.timestamp.isoformat(),
            "provider": self.provider,
            "endpoint": self.endpoint,
            "method": self.method,
            "path": self.path,
            "body": self.body,
            "headers": self.headers,
            "status_code": self.status_code,
            "response": self.response,
            "outcome": self.outcome,
            "delivered": self.delivered,
        }


class RequestRecorder:
    """Keeps the most recent requests, numbered by a sequence that never goes back.

    Clearing empties the record but keeps the sequence, so a poller that asks for everything
    after the last number it saw never misses or repeats a request.
    """

    def __init__(self, *, max_entries: int = 10_000) -> None:
        self._lock = threading.Lock()
        self._entries: deque[RecordedRequest] = deque(maxlen=max_entries)
        self._last_seq = 0

    @property
    def last_seq(self) -> int:
        """The sequence number of the latest request recorded, 0 before the first."""
        with self._lock:
            return self._last_seq

    def record(
        self,
        *,
        provider: Provider,
        endpoint: str,
        method: str,
        path: str,
        body: dict[str, Any],
        headers: Mapping[str, str],
        status_code: int,
        response: Any,
        outcome: Outcome,
    ) -> RecordedRequest:
        """Append one request and return it with its sequence number and time."""
        with self._lock:
            self._last_seq += 1
            entry = RecordedRequest(
                seq=self._last_seq,
                timestamp=datetime.now(UTC),
                provider=provider,
                endpoint=endpoint,
                method=method,
                path=path,
                body=body,
                headers=headers_of_interest(headers),
                status_code=status_code,
                response=response,
                outcome=outcome,
            )
            self._entries.append(entry)
            return entry

    def requests(
        self,
        *,
        provider: Provider | None = None,
        since: int = 0,
        endpoint: str | None = None,
        outcome: Outcome | None = None,
    ) -> list[RecordedRequest]:
        """Recorded requests after sequence number `since`, oldest first, filtered as asked."""
        with self._lock:
            entries = list(self._entries)
        return [
            entry
            for entry in entries
            if entry.seq > since
            and (provider is None or entry.provider == provider)
            and (endpoint is None or entry.endpoint == endpoint)
            and (outcome is None or entry.outcome == outcome)
        ]

    def clear(self) -> int:
        """Forget every recorded request; return how many there were."""
        with self._lock:
            count = len(self._entries)
            self._entries.clear()
            return count


def headers_of_interest(headers: Mapping[str, str]) -> dict[str, str]:
    """The request headers worth asserting on, with lower-case names."""
    lowered = {name.lower(): value for name, value in headers.items()}
    return {name: lowered[name] for name in HEADERS_OF_INTEREST if name in lowered}


def recorded_response(
    recorder: RequestRecorder,
    request: Request,
    *,
    provider: Provider,
    endpoint: str,
    body: dict[str, Any],
    status_code: int,
    payload: Any,
    outcome: Outcome,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    """Record the request with its answer, and return that answer as a JSON response."""
    recorder.record(
        provider=provider,
        endpoint=endpoint,
        method=request.method,
        path=request.url.path,
        body=body,
        headers=request.headers,
        status_code=status_code,
        response=payload,
        outcome=outcome,
    )
    return JSONResponse(payload, status_code=status_code, headers=dict(headers or {}))
