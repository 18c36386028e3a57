"""The buyer's language, taken from the metadata our bots worker sends with each message."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from chat.languages import Language, supported_language

LANGUAGE_SLOT: Final = "language"


def language_from_metadata(metadata: Mapping[str, Any] | None) -> Language | None:
    """The supported language named in a message's metadata, or None if absent or unsupported.

    Accepts codes as channels and detectors give them: ``fr``, ``FR``, ``pt-BR``, ``fr_CM``.
    """
    if not metadata:
        return None
    return supported_language(metadata.get(LANGUAGE_SLOT))
