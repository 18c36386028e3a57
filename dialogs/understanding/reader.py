"""The reader: a buyer's search message into `VehicleFilters`, pass after pass."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import fields, replace
from typing import Any

from catalog.money import ExchangeRates
from catalog.text import name_key
from catalog.vehicles.schemas import VehicleFilters
from catalog.vehicles.vocabulary import Vocabulary
from dialogs.understanding.attributes import read_lexicon
from dialogs.understanding.hints import apply_hints, hints_of
from dialogs.understanding.lexicon import CHEAPER, NEGATIONS, STOP_WORDS
from dialogs.understanding.names import read_names
from dialogs.understanding.numbers import read_numbers
from dialogs.understanding.prices import currency_spans
from dialogs.understanding.reading import Reading, Token, candidate_spans, phrase_of, runs_of
from dialogs.understanding.understood import Understood, UnreadReason


def understand(
    text: str,
    *,
    vocabulary: Vocabulary,
    rates: ExchangeRates,
    entities: Sequence[Mapping[str, Any]] | None = None,
    guesses: Sequence[Mapping[str, Any]] | None = None,
) -> Understood:
    """The search a message asks for (see the module docstring for the rules).

    `entities` are entities to trust (dicts with entity, value, start, end and an optional role
    "min" / "max" / "around"), a button payload's say; known ones (`ENTITY_NAMES`) override the
    text, others are ignored, and a span outside the text is ignored (the value still counts).
    `guesses` are the NLU model's extracted entities: they only fill the filters the reader
    left empty, so the reader's rules win wherever it read something (bench/RESULTS.md,
    "one reader of buyers' words").
    """
    read = _understand(text, vocabulary=vocabulary, rates=rates, entities=entities)
    if not guesses:
        return read
    hinted = _understand(text, vocabulary=vocabulary, rates=rates,
                         entities=[*(entities or ()), *guesses])  # fmt: skip
    return fill_gaps(read, hinted)


def fill_gaps(read: Understood, hinted: Understood) -> Understood:
    """`read` with each filter it left empty taken from `hinted` (a make with its model)."""
    mine, theirs = read.filters.model_dump(), hinted.filters.model_dump()
    gaps = {name: value for name, value in theirs.items()
            if value is not None and mine.get(name) in (None, [], "")}  # fmt: skip
    if "model" in gaps and mine.get("make") not in (None, theirs.get("make")):
        del gaps["model"]  # a model of another make than the one read is no gap filled
    if not gaps:
        return read
    return replace(read, filters=VehicleFilters(**(mine | gaps)),
                   mentioned=read.mentioned | hinted.mentioned)  # fmt: skip


def _understand(
    text: str,
    *,
    vocabulary: Vocabulary,
    rates: ExchangeRates,
    entities: Sequence[Mapping[str, Any]] | None = None,
) -> Understood:
    reading = Reading(text)
    hints = hints_of(entities, len(text))
    for hint in hints:
        if hint.start is not None and hint.end is not None:
            reading.consume(hint.start, hint.end)
    read_lexicon(reading, several_words=True)
    read_names(reading, vocabulary)
    read_lexicon(reading, several_words=False)
    read_numbers(reading, rates)
    _read_cheaper(reading)
    _read_currency_words(reading)
    _report_leftovers(reading)
    apply_hints(
        reading, hints, rates, lambda hint: _understand(hint, vocabulary=vocabulary, rates=rates)
    )
    return _result(reading, vocabulary)


def _result(reading: Reading, vocabulary: Vocabulary) -> Understood:
    draft = reading.draft
    if draft.model is not None and draft.make is None:
        makes = vocabulary.makes_of_model.get(name_key(draft.model), frozenset())
        if len(makes) == 1:
            draft.make = vocabulary.makes[next(iter(makes))]
    values = {f.name: getattr(draft, f.name) for f in fields(draft)}
    values["body_types"] = values["body_types"] or None
    return Understood(
        filters=VehicleFilters(**values),
        corrections=reading.corrections,
        currency=reading.currency,
        not_understood=reading.unread,
        wants_cheaper=reading.wants_cheaper,
        mentioned=frozenset(reading.mentioned),
    )


def _read_cheaper(reading: Reading) -> None:
    for span in candidate_spans(reading, 3):
        if phrase_of(span) in CHEAPER:
            reading.wants_cheaper = True
            reading.consume(span[0].start, span[-1].end)


def _read_currency_words(reading: Reading) -> None:
    for start, end, currency in currency_spans(reading.masked()):
        reading.currency = reading.currency or currency
        reading.consume(start, end)


def _report_leftovers(reading: Reading) -> None:
    """Runs of consecutive unknown words, each reported once ("low mileage")."""
    for run in runs_of(reading.tokens(), reading.masked()):
        unknown: list[Token] = []
        for token in [*run, None]:
            if token is not None and token.text not in STOP_WORDS | NEGATIONS:
                unknown.append(token)
            elif unknown:
                reading.refuse(unknown[0].start, unknown[-1].end, UnreadReason.UNKNOWN)
                unknown = []
