"""Text keys shared by filters, search and imports: case-, accent- and punctuation-insensitive."""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"[0-9a-z]+")


def fold(text: str) -> str:
    """Lower-case and strip accents: 'Citroën' -> 'citroen'."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def words(text: str) -> list[str]:
    """The folded alphanumeric words of `text`: 'CR-V 2.5' -> ['cr', 'v', '2', '5']."""
    return _WORD.findall(fold(text))


def name_key(text: str) -> str:
    """One key per make or model name however it is typed: 'Land-Cruiser' == 'landcruiser'."""
    return "".join(words(text))
