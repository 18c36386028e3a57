"""The seam alerts go out through: a `Notifier` sends an alert's words to a `Recipient`.

Notifications never imports the channels: the composition root fills this protocol with an
implementation backed by the bots' senders, so alert delivery is tested with any notifier.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from chat.messages import Channel
from chat.replies import Button


@dataclass(frozen=True)
class Recipient:
    """Who an alert goes to: a channel, the address there (a chat id, a number) and the
    language its words are written in."""

    channel: Channel
    address: str
    language: str

    def __post_init__(self) -> None:
        if not self.address:
            raise ValueError("a recipient needs an address")


@dataclass(frozen=True)
class AlertMessage:
    """The words of one alert, already in the recipient's language, and its buttons."""

    text: str
    buttons: list[Button] = field(default_factory=list)


class NotificationError(Exception):
    """Root of the notifications package's errors."""


class NotSent(NotificationError):
    """The alert did not reach the recipient; `retryable` says whether trying later may help."""

    def __init__(self, reason: str, *, retryable: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable


class Notifier(Protocol):
    """Delivers alerts to recipients on their channel."""

    async def notify(self, recipient: Recipient, message: AlertMessage) -> list[str]:
        """Send `message` to `recipient`; the provider's ids of the messages sent.
        Raises NotSent when it could not be delivered."""
        ...
