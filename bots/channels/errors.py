"""The channel adapters' exceptions: one root, small subclasses. HTTP statuses are chosen at the
web edge."""

from __future__ import annotations


class ChannelError(Exception):
    """Root of every error a channel adapter raises on purpose."""


class MalformedPayload(ChannelError):
    """A body that is not the provider's format: not JSON, or not a valid update or payload."""


class StaleMessage(MalformedPayload):
    """A message older than the dedupe window: a replay the queue would no longer recognise.

    Refused by its own timestamp, since its id may be forgotten by now; a 400 like any other
    payload the provider would not send (Telegram keeps an undelivered update for a day).
    """


class BadSignature(ChannelError):
    """A request whose signature or secret does not match: not from the provider."""


class MissingSignature(BadSignature):
    """A request carrying no signature or secret at all."""
