"""The payload a button carries: ``/intent`` or ``/intent{"entity":"value",...}``.

Rasa reads a message that starts with "/" as this intent with these entities, without NLU; every
button we offer (search results, a vehicle's actions, an alert's rebid) is written by
`build_payload` and read back by `parse_payload`. Entity values are sent as strings, as Rasa's
buttons usually carry them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

PREFIX: Final = "/"
_INTENT: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class PayloadError(ValueError):
    """A text that starts like a payload but is not one (a bad intent name, broken JSON...)."""


@dataclass(frozen=True)
class Payload:
    """A tapped button: the intent it names and the entities it fills."""

    intent: str
    entities: Mapping[str, str] = field(default_factory=dict)


def build_payload(intent: str, **entities: object) -> str:
    """A button's payload: ``build_payload("place_bid", lot=7)`` -> ``/place_bid{"lot":"7"}``.

    Raises:
        PayloadError: `intent` is not a name Rasa accepts as an intent.
    """
    if not _INTENT.fullmatch(intent):
        raise PayloadError(f"{intent!r} is not an intent name")
    values = {name: str(value) for name, value in entities.items()}
    encoded = json.dumps(values, ensure_ascii=False, separators=(",", ":")) if values else ""
    return PREFIX + intent + encoded


def is_payload(text: str) -> bool:
    """Whether a message is a tapped button's payload rather than words the buyer typed."""
    return text.startswith(PREFIX)


def parse_payload(text: str) -> Payload:
    """The intent and entities of a payload, as `build_payload` writes them.

    Raises:
        PayloadError: the text is not a payload (no "/", a bad intent name, entities that are not
            one JSON object).
    """
    if not is_payload(text):
        raise PayloadError(f"{text[:40]!r} does not start with {PREFIX!r}")
    match = _INTENT.match(text, len(PREFIX))
    if match is None:
        raise PayloadError(f"{text[:40]!r} names no intent")
    rest = text[match.end() :]
    return Payload(match.group(), _entities(rest) if rest else {})


def _entities(text: str) -> dict[str, str]:
    try:
        values = json.loads(text)
    except json.JSONDecodeError as error:
        raise PayloadError(f"the entities {text[:40]!r} are not JSON: {error.msg}") from None
    if not isinstance(values, dict):
        raise PayloadError(f"the entities {text[:40]!r} are not a JSON object")
    return {
        str(name): value if isinstance(value, str) else json.dumps(value)
        for name, value in values.items()
    }
