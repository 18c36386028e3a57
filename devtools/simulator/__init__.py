"""Try Nzila without a phone: signed webhooks as WhatsApp, Twilio or Telegram would send them,
and the bot's replies read back from the local fake providers, as each channel would show them.

`webhooks` builds the inbound requests, `replies` turns what the fakes recorded into a
channel-neutral view, `cli` is the `nzila chat` loop, and `web` the /simulator page.
"""

from __future__ import annotations


class SimulatorError(Exception):
    """Root of every error the chat simulator raises on purpose."""


class NothingToSend(SimulatorError):
    """A simulated message with no content, or with two kinds of content at once."""


class UnknownUser(SimulatorError):
    """A user id the channel cannot address (Telegram needs digits, WhatsApp a phone number)."""


class RepliesUnavailable(SimulatorError):
    """The fake providers cannot be read: not running, or the channel points at a real API."""
