"""The attribute pass: body type, fuel, gearbox, drive, steering and colour words and phrases,
idioms that mean nothing for the search, and negations ("not diesel") that no filter can say."""

from __future__ import annotations

import re
from typing import Final

from dialogs.understanding.lexicon import ARTICLES, ATTRIBUTES, IDIOMS, NEGATIONS
from dialogs.understanding.prices import MULTIPLIERS
from dialogs.understanding.reading import Reading, candidate_spans, phrase_of
from dialogs.understanding.understood import UnreadReason

# --- Passes ----------------------------------------------------------------------------------


def read_lexicon(reading: Reading, *, several_words: bool) -> None:
    """Attribute words and idioms: phrases of 2-4 words, or single words (plurals too)."""
    for span in candidate_spans(reading, 4 if several_words else 1, 2 if several_words else 1):
        phrase = phrase_of(span)
        start, end = span[0].start, span[-1].end
        if phrase in IDIOMS:
            reading.consume(start, end)
            continue
        entry = ATTRIBUTES.get(phrase) or ATTRIBUTES.get(_singular(phrase))
        if entry is None:
            continue
        before = previous_word(reading.folded, start)
        if before is not None and _belongs_to_what_precedes(phrase, before[0]):
            if phrase in ("auto", "autos"):
                reading.consume(start, end)
            continue
        negation = _negation_before(reading.folded, start)
        if negation is not None:
            reading.refuse(negation, end, UnreadReason.UNSUPPORTED)
            continue
        reading.set(*entry, start, end)


def _belongs_to_what_precedes(phrase: str, before: str) -> bool:
    """ "une auto" is a car, not a gearbox; "500 000 MT" are meticais, not a manual gearbox."""
    if phrase in ("auto", "autos"):
        return before in ARTICLES
    if phrase == "mt":
        year_like = before.isdigit() and len(before) == 4 and 1900 <= int(before) <= 2099
        return before in MULTIPLIERS or (any(c.isdigit() for c in before) and not year_like)
    return False


def _singular(word: str) -> str:
    if word.endswith("es") and word[:-2] in ATTRIBUTES:
        return word[:-2]
    return word[:-1] if word.endswith("s") else word


_PREVIOUS_WORD_RE: Final = re.compile(r"([0-9a-z]+)[\s,]*$")


def previous_word(folded: str, start: int) -> tuple[str, int] | None:
    """The word right before `start` (only spaces or commas between), and where it starts."""
    match = _PREVIOUS_WORD_RE.search(folded, max(0, start - 40), start)
    return (match[1], match.start()) if match else None


def _negation_before(folded: str, start: int) -> int | None:
    """Where "not" / "pas de" / "sem" right before `start` begins, if there is one."""
    before = previous_word(folded, start)
    if before is not None and before[0] in {"de", "d"}:
        before = previous_word(folded, before[1])
    return before[1] if before is not None and before[0] in NEGATIONS else None
