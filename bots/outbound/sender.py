"""Sending parts to providers: async HTTP, paced by the rate limiter every process shares,
retries that honour retry_after.

Telegram, Meta and Twilio answer 429 when we go too fast and 5xx when they have a bad moment:
both are retried with exponential backoff (or the delay the provider asks for). Anything else is
a permanent failure, recorded with the provider's error code and never retried. A delay the
provider asks for is told to the shared limiter, so every process sending from that number waits.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

import httpx

from bots import metrics
from bots.outbound.limits import RateLimiter, SendScope
from bots.outbound.parts import OutboundPart

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
BASE_DELAY = 0.5
MAX_DELAY = 30.0


class SendError(Exception):
    """Root of send failures."""


@dataclass
class RetryableSendError(SendError):
    """The provider may take it later: a 429 (with the delay it asks for), a 5xx, a network
    failure (status 0)."""

    status: int
    detail: str
    retry_after: float | None = None


@dataclass
class PermanentSendError(SendError):
    """The provider refused this message (its error `code`): sending it again will not help."""

    code: str
    detail: str


class Superseded(SendError):
    """The send's `before_call` check said no: someone else is sending this part."""


class ProviderClient(Protocol):
    """One provider's API: turns a part into an HTTP call and reads the message id back."""

    channel: str
    sender_id: str  # the sending number or bot: the unit of the overall limit

    def chat_of(self, part: OutboundPart) -> str:
        """The chat `part` goes to (the unit of the per-chat limit)."""
        ...

    def is_group(self, chat: str) -> bool:
        """Whether `chat` is a group chat (which has a limit of its own)."""
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


class Sender:
    """Delivers parts through a provider client, paced by the shared limiter, with retries."""

    def __init__(
        self,
        client: ProviderClient,
        http: httpx.AsyncClient,
        limiter: RateLimiter,
        *,
        max_attempts: int = MAX_ATTEMPTS,
    ) -> None:
        self.client = client
        self._http = http
        self._limiter = limiter
        self._max_attempts = max_attempts

    async def send(
        self,
        part: OutboundPart,
        *,
        before_call: Callable[[], Awaitable[bool]] | None = None,
        urgent: bool = False,
    ) -> str | None:
        """Send `part`; returns the provider's message id. Raises PermanentSendError when the
        provider refuses it, or after the last retry of a transient failure.

        `before_call` is awaited once, after the rate limiter's wait and just before the first
        provider call: False raises Superseded and nothing is sent (the alert worker's dedupe
        check, made at the call, not before a wait a killed worker could leave it held in).
        `urgent` sends go ahead of this process's other waiting sends at the rate limiter."""
        checked = before_call is None
        for attempt in range(1, self._max_attempts + 1):
            try:
                await self._limiter.acquire(self._scope(part), urgent=urgent)
                if not checked:
                    assert before_call is not None
                    if not await before_call():
                        raise Superseded("another sender has this part")
                    checked = True
                return await self._attempt(part)
            except RetryableSendError as error:
                if attempt == self._max_attempts:
                    raise PermanentSendError(str(error.status), error.detail) from error
                delay = _backoff(attempt, error.retry_after)
                if error.retry_after is not None:  # too fast for this number: everyone waits
                    await self._limiter.slow_down(self._scope(part), delay)
                metrics.SENDS.labels(self.client.channel, "retried").inc()
                logger.warning(
                    "send retry",
                    extra={"channel": self.client.channel, "status": error.status,
                           "attempt": attempt, "delay": round(delay, 2)},
                )  # fmt: skip
                await asyncio.sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    async def _attempt(self, part: OutboundPart) -> str | None:
        url, kwargs = self.client.request(part)
        try:
            response = await self._http.post(url, **kwargs)
        except httpx.TransportError as error:
            raise RetryableSendError(0, f"network: {error!r}") from error
        if response.is_success:
            return self.client.message_id(response)
        raise self.client.classify(response)

    def _scope(self, part: OutboundPart) -> SendScope:
        chat = self.client.chat_of(part)
        return SendScope(
            self.client.channel, self.client.sender_id, chat, self.client.is_group(chat)
        )


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
