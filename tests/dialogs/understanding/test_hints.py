"""Entity hints: Rasa's or a button payload's entities override the text."""

from __future__ import annotations

from typing import Any

from catalog.vehicles.models import Fuel, Transmission
from dialogs.understanding import Unread, UnreadReason, understand
from tests.dialogs.understanding.reading_support import (
    RATES,
    SUV,
    TOYOTA_HILUX,
    VOCABULARY,
    filters_of,
    prices,
    read,
    years,
)


def test_entities_take_priority_over_the_text() -> None:
    text = "Toyota 2015"
    entities = [{"entity": "make", "value": "Honda", "start": 0, "end": 6}]
    assert filters_of(read(text, entities)) == {"make": "Honda", **years(2015, 2015)}


def test_entities_are_read_with_the_same_rules_as_text() -> None:
    text = "une Benz en gasoil pour 9 millions"
    entities: list[dict[str, Any]] = [
        {"entity": "make", "value": "Benz", "start": 4, "end": 8},
        {"entity": "fuel", "value": "gasoil", "start": 12, "end": 18},
        {"entity": "price", "value": "9 millions", "start": 24, "end": 34},
        {"entity": "currency", "value": "FCFA"},
    ]
    understood = read(text, entities)
    assert filters_of(understood) == {
        "make": "Mercedes-Benz",
        "fuel": Fuel.DIESEL,
        **prices(None, 14_876_03),
    }
    assert understood.currency == "XOF"


def test_entity_roles_set_bounds() -> None:
    entities = [
        {"entity": "year", "value": "2012", "role": "min"},
        {"entity": "year", "value": "2015", "role": "max"},
        {"entity": "price", "value": "10k", "role": "around"},
    ]
    assert filters_of(read("whatever they say", entities)) == {
        **years(2012, 2015),
        **prices(8_500_00, 11_500_00),
    }


def test_entities_with_canonical_values_or_without_spans_work() -> None:
    entities = [
        {"entity": "body_type", "value": "suv"},
        {"entity": "transmission", "value": "automatic"},
        {"entity": "seats", "value": "7"},
        {"entity": "mileage", "value": "80000 miles"},
        {"entity": "color", "value": "purple"},
        {"entity": "location", "value": "Baltimore"},
        {"entity": "language", "value": "fr"},  # not ours: ignored
    ]
    assert filters_of(read("", entities)) == {
        "body_types": SUV,
        "transmission": Transmission.AUTOMATIC,
        "seats_min": 7,
        "mileage_max_km": 128_748,
        "colour": "purple",
        "location": "Baltimore",
    }


def test_an_entity_that_means_nothing_is_reported() -> None:
    understood = read("x", [{"entity": "fuel", "value": "plutonium"}])
    assert Unread("plutonium", UnreadReason.UNKNOWN) in understood.not_understood
    understood = read("x", [{"entity": "year", "value": "1492"}])
    assert Unread("1492", UnreadReason.IMPLAUSIBLE) in understood.not_understood
    assert understood.filters.year_min is None


def test_entity_spans_out_of_range_are_ignored_not_fatal() -> None:
    entities = [{"entity": "model", "value": "Hilux", "start": 50, "end": 10}]
    assert filters_of(read("hilux", entities)) == TOYOTA_HILUX


def guessed(entity: str, value: str, text: str, word: str) -> dict[str, Any]:
    """An entity as Rasa's CRF gives it (with its extractor) for `word` of `text`."""
    start = text.index(word)
    return {"entity": entity, "value": value, "start": start, "end": start + len(word),
            "extractor": "CRFEntityExtractor"}  # fmt: skip


def test_the_models_guesses_fill_what_the_reader_left_empty() -> None:
    text = "I want a L200 4x4 diesel"  # a model the catalog's vocabulary does not hold
    read_alone = read(text)

    with_guesses = understand(text, vocabulary=VOCABULARY, rates=RATES,
                              guesses=[guessed("model", "L200", text, "L200")])  # fmt: skip

    assert read_alone.filters.model is None
    assert with_guesses.filters.model == "L200"
    assert filters_of(with_guesses) == filters_of(read_alone) | {"model": "L200"}


def test_the_models_guesses_never_override_what_the_reader_read() -> None:
    text = "Corolla between 2012 and 2015 around 10k"
    guesses = [guessed("year", "2015", text, "2015"), guessed("price", "10k", text, "10k"),
               guessed("model", "Camry", text, "Corolla")]  # fmt: skip

    assert filters_of(understand(text, vocabulary=VOCABULARY, rates=RATES, guesses=guesses)) == (
        filters_of(read(text))
    )
