"""The conversation evaluation: short scripted exchanges (a context, what the buyer types, what
must happen) played through the whole stack as a buyer on that channel would, and scored.

`cases` reads the sets kept as data under tests/conversations/, `checks` decides each expectation
from what the bot sent and what the catalog holds, `stack` starts the processes once per run,
`runner` plays the exchanges and `report` prints the shares per language, category and channel.
"""

from __future__ import annotations


class ConversationEvalError(Exception):
    """Root of every error the conversation evaluation raises on purpose."""


class BadExchangeSet(ConversationEvalError):
    """An exchange file that does not follow the format (named with the file and the exchange)."""


class StackNotReady(ConversationEvalError):
    """A process of the stack under evaluation did not start, or no trained model exists."""
