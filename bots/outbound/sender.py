"""Sending parts to providers: async HTTP, pacing per provider and per chat, retries that
honour retry_after.

Telegram, Meta and Twilio answer 429 when we go too fast and 5xx when they have a bad moment:
both are retried with exponential backoff (or the delay the provider asks for). Anything else is
a permanent failure, recorded with the provider's error code and never retried.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from dataclasses import dataclass
from typing import Any, Protocol

import httpx

from bots import metrics
from bots.outbound.parts import OutboundPart

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
BASE_DELAY = 0.5
MAX_DELAY = 30.0


class SendError(Exception):
    """Root of send failures."""


@dataclass
class RetryableSendError(SendError):
    status: int
    detail: str
    retry_after: float | None = None


@dataclass
class PermanentSendError(SendError):
    code: str
    detail: str


class ProviderClient(Protocol):
    """One provider's API: turns a part into an HTTP call and reads the message id back."""

    channel: str
    rate_per_second: float  # all chats together
    chat_rate_per_second: float  # one chat, once its burst is spent
    chat_burst: int

    def chat_of(self, part: OutboundPart) -> str:
        """The chat `part` goes to (the unit of the per-chat limit)."""
        ...

    def request(self, part: OutboundPart) -> tuple[str, dict[str, Any]]:
        """URL and httpx.request keyword arguments for `part`."""
        ...

    def message_id(self, response: httpx.Response) -> str | None:
        """The provider's id of the sent message, from a 2xx response."""
        ...

    def classify(self, response: httpx.Response) -> SendError:
        """The error a non-2xx response means."""
        ...


class Pacer:
    """At most `rate` calls per second for one provider, shared by every conversation."""

    def __init__(self, rate: float) -> None:
        self._interval = 1.0 / rate
        self._next = 0.0
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        async with self._lock:
            now = time.monotonic()
            delay = self._next - now
            self._next = max(now, self._next) + self._interval
        if delay > 0:
            await asyncio.sleep(delay)


class ChatPacer:
    """Per-chat token buckets: a chat may take `burst` messages at once, then `rate` a second.

    Telegram asks for about one message a second in a chat (short bursts tolerated); WhatsApp
    allows one every 6 seconds to the same user, with bursts of up to 45. A bot's reply of a few
    messages fits in the burst; a buyer tapping "more photos" again and again gets paced instead
    of refused (429, error 131056). The worker sends a conversation's replies one turn at a time,
    so buckets held in this process see every message of a chat it is answering.
    """

    def __init__(self, rate: float, burst: int, *, max_chats: int = 10_000) -> None:
        self._rate = rate
        self._burst = float(burst)
        self._max_chats = max_chats
        self._buckets: dict[str, tuple[float, float]] = {}  # chat -> (tokens, at)

    async def wait(self, chat: str) -> None:
        now = time.monotonic()
        tokens, at = self._buckets.get(chat, (self._burst, now))
        tokens = min(self._burst, tokens + (now - at) * self._rate) - 1.0
        self._buckets[chat] = (tokens, now)
        if len(self._buckets) > self._max_chats:
            self._forget_idle(now)
        if tokens < 0:
            await asyncio.sleep(-tokens / self._rate)

    def _forget_idle(self, now: float) -> None:
        """Drop chats whose bucket has refilled: forgetting them changes nothing."""
        refill = self._burst / self._rate
        for chat, (tokens, at) in list(self._buckets.items()):
            if tokens >= self._burst or now - at >= refill:
                del self._buckets[chat]


class Sender:
    """Delivers parts through a provider client with pacing and retries."""

    def __init__(
        self, client: ProviderClient, http: httpx.AsyncClient, *, max_attempts: int = MAX_ATTEMPTS
    ) -> None:
        self.client = client
        self._http = http
        self._pacer = Pacer(client.rate_per_second)
        self._chats = ChatPacer(client.chat_rate_per_second, client.chat_burst)
        self._max_attempts = max_attempts

    async def send(self, part: OutboundPart) -> str | None:
        """Send `part`; returns the provider's message id. Raises PermanentSendError when the
        provider refuses it, or after the last retry of a transient failure."""
        for attempt in range(1, self._max_attempts + 1):
            try:
                return await self._attempt(part)
            except RetryableSendError as error:
                if attempt == self._max_attempts:
                    raise PermanentSendError(str(error.status), error.detail) from error
                delay = _backoff(attempt, error.retry_after)
                metrics.SENDS.labels(self.client.channel, "retried").inc()
                logger.warning(
                    "send retry",
                    extra={"channel": self.client.channel, "status": error.status,
                           "attempt": attempt, "delay": round(delay, 2)},
                )  # fmt: skip
                await asyncio.sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    async def _attempt(self, part: OutboundPart) -> str | None:
        await self._chats.wait(self.client.chat_of(part))
        await self._pacer.wait()
        url, kwargs = self.client.request(part)
        try:
            response = await self._http.post(url, **kwargs)
        except httpx.TransportError as error:
            raise RetryableSendError(0, f"network: {error!r}") from error
        if response.is_success:
            return self.client.message_id(response)
        raise self.client.classify(response)


def _backoff(attempt: int, retry_after: float | None) -> float:
    if retry_after is not None:
        return min(retry_after, MAX_DELAY)
    delay: float = min(BASE_DELAY * 2.0 ** (attempt - 1), MAX_DELAY)
    return delay * random.uniform(0.8, 1.2)


def retry_after_header(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None
