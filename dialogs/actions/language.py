"""The buyer's language, taken from the metadata our bots worker sends with each message."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

LANGUAGE_SLOT: Final = "language"
SUPPORTED_LANGUAGES: Final = frozenset({"en", "fr", "pt"})


def language_from_metadata(metadata: Mapping[str, Any] | None) -> str | None:
    """The supported language named in a message's metadata, or None if absent or unsupported.

    Accepts codes as channels and detectors give them: ``fr``, ``FR``, ``pt-BR``, ``fr_CM``.
    """
    if not metadata:
        return None
    code = metadata.get(LANGUAGE_SLOT)
    if not isinstance(code, str):
        return None
    language = code.strip().lower().replace("_", "-").split("-")[0]
    return language if language in SUPPORTED_LANGUAGES else None
