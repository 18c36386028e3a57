"""The languages the bot speaks, written once: English, French and Portuguese.

Channels and detectors give codes in many shapes (``fr``, ``FR``, ``pt-BR``, ``fr_CM``); every
package reads them through `supported_language` or `language_or_default`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final, Literal, TypeGuard, get_args

Language = Literal["en", "fr", "pt"]

LANGUAGES: Final[tuple[Language, ...]] = get_args(Language)
DEFAULT_LANGUAGE: Final[Language] = "en"
# As each language names itself, for the language picker and the buyer's data summary.
LANGUAGE_NAMES: Final[Mapping[Language, str]] = {
    "en": "English",
    "fr": "Français",
    "pt": "Português",
}


def is_language(code: object) -> TypeGuard[Language]:
    """Whether `code` is exactly one of the supported codes ("pt", not "PT" or "pt-BR")."""
    return code in LANGUAGES


def supported_language(code: object) -> Language | None:
    """The supported language a code names, or None: "FR" -> "fr", "pt-BR" -> "pt", "de" -> None."""
    if not isinstance(code, str):
        return None
    base = code.strip().lower().replace("_", "-").split("-")[0]
    return base if is_language(base) else None


def language_or_default(code: object) -> Language:
    """The supported language a code names, else the default (English)."""
    return supported_language(code) or DEFAULT_LANGUAGE
