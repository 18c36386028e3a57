"""Make and model names: exact names and synonyms from the `Vocabulary` ("Benz", "Chevy",
"Prado"), and typos of whole names ("Toyta"), never taking a known word for a name."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Final

from catalog.text import name_key, words
from catalog.vehicles.vocabulary import Vocabulary
from dialogs.understanding.comparators import AFTER, BEFORE
from dialogs.understanding.lexicon import (
    ATTRIBUTES,
    CHEAPER,
    IDIOMS,
    KM_UNITS,
    MILE_UNITS,
    MILEAGE_WORDS,
    NEGATIONS,
    SEAT_WORDS,
    STOP_WORDS,
)
from dialogs.understanding.prices import PRICE_WORDS
from dialogs.understanding.reading import Reading, Token, candidate_spans, phrase_of

MAX_NAME_WORDS: Final = 3

# name key -> (make, model) choices, the first the vocabulary knows wins (else the first).
_NAME_SYNONYMS: Final[Mapping[str, tuple[tuple[str, str | None], ...]]] = {
    **dict.fromkeys(["benz", "mercedes", "merc", "mercedez", "mercedezbenz"],
                    (("Mercedes-Benz", None),)),
    **dict.fromkeys(["chevy", "chev"], (("Chevrolet", None),)),
    **dict.fromkeys(["vw", "volks", "volkswagon"], (("Volkswagen", None),)),
    "prado": (("Toyota", "Land Cruiser Prado"), ("Toyota", "Prado")),
    "cruiser": (("Toyota", "Land Cruiser"),),
}  # fmt: skip


def _words_of(phrases: Iterable[str]) -> set[str]:
    return {word for phrase in phrases for word in re.findall(r"[a-z0-9]+", phrase)}


# Words that are never read as a make or model, even when one is spelt close to them.
_PROTECTED: Final = frozenset(
    STOP_WORDS
    | _words_of(ATTRIBUTES)
    | _words_of(BEFORE)
    | _words_of(AFTER)
    | _words_of(CHEAPER)
    | _words_of(IDIOMS)
    | _words_of(PRICE_WORDS)
    | KM_UNITS
    | MILE_UNITS
    | SEAT_WORDS
    | MILEAGE_WORDS
    | NEGATIONS
)


# Single words that are never a make or model, even one spelt exactly so.
_NOT_NAMES: Final = STOP_WORDS | {p for p in ATTRIBUTES if " " not in p} | PRICE_WORDS


def read_names(reading: Reading, vocabulary: Vocabulary) -> None:
    """Makes and models: exact names or synonyms first, then typos of whole names.

    At each word, the longest exact name wins; only when none starts there is a typo looked for,
    and a typo spanning several words must be of a name of as many words ("land cruser").
    """
    names = {**vocabulary.makes, **vocabulary.models}
    spans_at: dict[int, list[list[Token]]] = {}
    for span in candidate_spans(reading, MAX_NAME_WORDS):
        spans_at.setdefault(span[0].start, []).append(span)
    for candidates in spans_at.values():
        spans = [span for span in candidates if not any(reading.used[t.start] for t in span)]
        found = _first_name(spans, vocabulary, names)
        if found is None:
            continue
        span, (make, model, corrected) = found
        start, end = span[0].start, span[-1].end
        read = [reading.set(n, v, start, end) for n, v in (("make", make), ("model", model)) if v]
        if corrected and all(read):
            reading.corrections[reading.typed(start, end)] = model or make or ""


_Name = tuple[str | None, str | None, bool]  # make, model, corrected from a typo


def _first_name(
    spans: list[list[Token]], vocabulary: Vocabulary, names: dict[str, str]
) -> tuple[list[Token], _Name] | None:
    """The longest span that is a name or synonym; failing that, the longest typo of a name."""
    for span in spans:
        if (exact := _exact_name(span, vocabulary)) is not None:
            return span, exact
    for span in spans:
        if (typo := _typo_of_name(span, vocabulary, names)) is not None:
            return span, typo
    return None


def _exact_name(span: list[Token], vocabulary: Vocabulary) -> _Name | None:
    key = name_key(phrase_of(span))
    if len(span) == 1 and span[0].text in _NOT_NAMES:
        return None
    if key in vocabulary.makes:
        return vocabulary.makes[key], None, False
    if key in vocabulary.models:
        return None, vocabulary.models[key], False
    if key in _NAME_SYNONYMS:
        make, model = _synonym(_NAME_SYNONYMS[key], vocabulary)
        return make, model, False
    return None


def _synonym(
    choices: tuple[tuple[str, str | None], ...], vocabulary: Vocabulary
) -> tuple[str, str | None]:
    for make, model in choices:
        if model is not None and name_key(model) in vocabulary.models:
            return vocabulary.makes.get(name_key(make), make), vocabulary.models[name_key(model)]
    make, model = choices[0]
    return vocabulary.makes.get(name_key(make), make), model


def _typo_of_name(span: list[Token], vocabulary: Vocabulary, names: dict[str, str]) -> _Name | None:
    if len(span) == 1 and span[0].text in _PROTECTED:
        return None
    if any(t.text in STOP_WORDS or t.text.isdigit() for t in span):
        return None
    known = vocabulary.closest(phrase_of(span), names)
    if known is None or len(words(known)) < len(span):
        return None
    if name_key(known) in vocabulary.makes:
        return known, None, True
    return None, known, True
