"""Whole messages read by the reader, and what it refuses and reports."""

from __future__ import annotations

from typing import Any

import pytest

from catalog.vehicles.models import Drive, Fuel, Steering, Transmission
from catalog.vehicles.schemas import MAX_YEAR, VehicleFilters
from dialogs.understanding import Unread, UnreadReason
from tests.dialogs.understanding.reading_support import (
    PICKUP,
    SUV,
    TOYOTA_COROLLA,
    TOYOTA_HILUX,
    filters_of,
    prices,
    read,
    years,
)

MESSAGES: list[tuple[str, dict[str, Any]]] = [
    # Whole messages
    (
        "Corolla 2015 under 8000",
        {**TOYOTA_COROLLA, **years(2015, 2015), **prices(None, 8_000_00)},
    ),
    (
        "Toyta Corola 2012 automatic petrol under 8k",
        {**TOYOTA_COROLLA, **years(2012, 2012), **prices(None, 8_000_00),
         "transmission": Transmission.AUTOMATIC, "fuel": Fuel.GASOLINE},
    ),
    (
        "Bonjour, je cherche un SUV diesel 7 places, volant à droite, moins de 15 000 $",
        {"body_types": SUV, "fuel": Fuel.DIESEL, "seats_min": 7, "steering": Steering.RHD,
         **prices(None, 15_000_00)},
    ),
    (
        "je cherche une Toyota RAV4 2016 essence automatique moins de 10 millions FCFA",
        {"make": "Toyota", "model": "RAV4", **years(2016, 2016), "fuel": Fuel.GASOLINE,
         "transmission": Transmission.AUTOMATIC, **prices(None, 16_528_93)},
    ),
    (
        "Bom dia, procuro uma caminhonete 4x4 a gasóleo, 2015 ou mais novo, "
        "até 5 milhões de kwanzas",
        {"body_types": PICKUP, "drive": Drive.FOUR_WD, "fuel": Fuel.DIESEL,
         **years(2015, None), **prices(None, 5_464_48)},
    ),
    (
        "quero um Hilux 4x4 diesel de 2014 a 2017 até 15 mil dólares",
        {**TOYOTA_HILUX, "drive": Drive.FOUR_WD, "fuel": Fuel.DIESEL, **years(2014, 2017),
         **prices(None, 15_000_00)},
    ),
    (
        "Hilux 2015 MT",  # MT after a year: a manual gearbox, not meticais
        {**TOYOTA_HILUX, **years(2015, 2015), "transmission": Transmission.MANUAL},
    ),
    ("Corolla 500 000 MT", {**TOYOTA_COROLLA, **prices(None, 7_812_50)}),  # 500,000 / 64
    ("2015 max 15k", {**years(2015, 2015), **prices(None, 15_000_00)}),
    ("what about 2018?", years(2018, 2018)),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), MESSAGES)
def test_messages_become_filters(text: str, expected: dict[str, Any]) -> None:
    understood = read(text)
    assert filters_of(understood) == expected
    assert understood.not_understood == []


@pytest.mark.parametrize("text", ["", "   ", "?!", "hello", "abeg", "bonjour", "bom dia"])
def test_a_message_without_a_search_gives_no_filters(text: str) -> None:
    understood = read(text)
    assert understood.filters == VehicleFilters()
    assert understood.not_understood == []
    assert understood.corrections == {}


@pytest.mark.parametrize(
    ("text", "refused", "reason"),
    [
        ("0k", "0k", UnreadReason.IMPLAUSIBLE),
        ("under $50", "under $50", UnreadReason.IMPLAUSIBLE),
        ("under -5000", "under -5000", UnreadReason.IMPLAUSIBLE),
        ("under 99999999999999999999999 dollars", "under 99999999999999999999999 dollars",
         UnreadReason.IMPLAUSIBLE),
        ("max 50 billion dollars", "max 50 billion dollars", UnreadReason.IMPLAUSIBLE),
        ("Corolla 1901", "1901", UnreadReason.IMPLAUSIBLE),
        ("Corolla 2090", "2090", UnreadReason.IMPLAUSIBLE),
        (f"Corolla {MAX_YEAR + 1}", str(MAX_YEAR + 1), UnreadReason.IMPLAUSIBLE),
        ("newer than 1850", "newer than 1850", UnreadReason.IMPLAUSIBLE),
        ("since 99999999", "since 99999999", UnreadReason.IMPLAUSIBLE),
        ("250 seater", "250 seater", UnreadReason.IMPLAUSIBLE),
        ("Camry 15000 GBP", "15000 GBP", UnreadReason.UNKNOWN_CURRENCY),
        ("more than 100,000 km", "more than 100,000 km", UnreadReason.UNSUPPORTED),
        ("not diesel", "not diesel", UnreadReason.UNSUPPORTED),
        ("pas de diesel", "pas de diesel", UnreadReason.UNSUPPORTED),
        ("sem diesel", "sem diesel", UnreadReason.UNSUPPORTED),
        ("Toyota or Honda", "Honda", UnreadReason.CONFLICT),
        ("2016 or newer, older than 2012", "older than 2012", UnreadReason.CONFLICT),
        ("Camry with sunroof", "sunroof", UnreadReason.UNKNOWN),
        ("low mileage Camry", "low mileage", UnreadReason.UNKNOWN),
        ("Land Cruiser V8 2.8L", "V8 2.8L", UnreadReason.UNKNOWN),
    ],
)  # fmt: skip
def test_odd_input_is_refused_gracefully_and_reported(
    text: str, refused: str, reason: UnreadReason
) -> None:
    understood = read(text)
    assert Unread(refused, reason) in understood.not_understood
    dumped = filters_of(understood)
    assert not {"year_min", "year_max", "price_min_cents", "price_max_cents"} & dumped.keys() or (
        reason is UnreadReason.CONFLICT
    )


def test_refused_parts_leave_the_rest_of_the_search_intact() -> None:
    understood = read("Corolla 2090 under 0k diesel")
    assert filters_of(understood) == {**TOYOTA_COROLLA, "fuel": Fuel.DIESEL}
    assert [u.text for u in understood.not_understood] == ["2090", "under 0k"]


def test_cheap_words_ask_for_cheaper_without_a_filter() -> None:
    for text in ("cheaper ones?", "moins cher ?", "mais barato?"):
        understood = read(text)
        assert understood.wants_cheaper, text
        assert understood.filters == VehicleFilters()
