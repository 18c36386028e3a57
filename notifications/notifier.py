"""The seam alerts go out through: a `Notifier` delivers one alert's words to a `Recipient`,
as free text or as an approved template.

Notifications never imports the channels: the composition root fills this protocol with an
implementation backed by the bots' senders (bots/notifier.py), so alert delivery is tested with
any notifier. The notifier records each message it sends in the recipient's conversation,
keyed by the alert and the route, so a retried alert never sends a part the provider accepted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy.orm import Session

from chat.messages import Channel
from chat.replies import Button


@dataclass(frozen=True)
class Recipient:
    """Who an alert goes to: a channel, the address there (a chat id, a number), the language
    its words are written in, and the buyer it is (None for a dealer or staff)."""

    channel: Channel
    address: str
    language: str
    buyer_id: int | None = None

    def __post_init__(self) -> None:
        if not self.address:
            raise ValueError("a recipient needs an address")

    @property
    def conversation_key(self) -> str:
        return f"{self.channel.value}:{self.address}"


@dataclass(frozen=True)
class AlertMessage:
    """The words of one alert, already in the recipient's language, its buttons, and the
    variables of its template (in order) for when only a template may be sent."""

    text: str
    buttons: list[Button] = field(default_factory=list)
    params: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Template:
    """An approved template: its name (WhatsApp Cloud) or content SID (Twilio), its language
    code as the provider knows it, and its category ("utility" or "marketing")."""

    name: str
    language: str
    category: str


@dataclass(frozen=True)
class Delivery:
    """One alert to send one way: `route` names the way ("whatsapp:template"), so each way is
    tried at most once and a retry of the same way resends only what was not accepted."""

    alert_id: int
    route: str
    recipient: Recipient
    message: AlertMessage
    template: Template | None = None
    key: str = ""  # the alert's dedupe key (the outbox key: one alert, one recipient)
    urgent: bool = False  # its kind is urgent: sent ahead of the backlog at the rate limiter


class NotificationError(Exception):
    """Root of the notifications package's errors."""


class NotSent(NotificationError):
    """The alert did not reach the recipient; `retryable` says whether trying later may help,
    `code` is the provider's error code when it gave one (131047, 63016, 403...)."""

    def __init__(self, reason: str, *, retryable: bool, code: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable
        self.code = code


class Notifier(Protocol):
    """Delivers alerts to recipients on their channel."""

    async def deliver(
        self, delivery: Delivery, *, finish: Callable[[Session], None] | None = None
    ) -> list[str]:
        """Send the alert; the provider's ids of the messages sent. Parts accepted before (by
        an earlier try of this route) are not sent again. Raises NotSent when it could not be
        delivered. `finish` runs once everything is accepted, in the transaction that records
        the last part as sent (so the caller's "alert sent" costs no write of its own)."""
        ...
