"""Make and model names: synonyms, typos, names of several words, Pidgin."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import Session

from catalog.vehicles.vocabulary import vocabulary_cache
from dialogs.understanding import understand
from tests.dialogs.understanding.reading_support import (
    RATES,
    TOYOTA_COROLLA,
    TOYOTA_HILUX,
    filters_of,
    prices,
    read,
    years,
)
from tests.factories import make_dealer, make_vehicle

NAMES: list[tuple[str, dict[str, Any]]] = [
    ("Toyota Corolla", TOYOTA_COROLLA),
    ("corolla", TOYOTA_COROLLA),
    ("abeg how much for Corolla 2012", {**TOYOTA_COROLLA, **years(2012, 2012)}),
    ("I dey find Hilux", TOYOTA_HILUX),
    ("Benz C300 2014", {"make": "Mercedes-Benz", "model": "C 300", **years(2014, 2014)}),
    ("Mercedes GLE 350", {"make": "Mercedes-Benz", "model": "GLE 350"}),
    ("Chevy Silverado", {"make": "Chevrolet", "model": "Silverado"}),
    ("VW Jetta", {"make": "Volkswagen", "model": "Jetta"}),
    ("Prado 2015", {"make": "Toyota", "model": "Land Cruiser Prado", **years(2015, 2015)}),
    ("Land Cruiser Prado", {"make": "Toyota", "model": "Land Cruiser Prado"}),
    ("Land Cruiser 2019", {"make": "Toyota", "model": "Land Cruiser", **years(2019, 2019)}),
    ("Honda CR-V", {"make": "Honda", "model": "CR-V"}),
    ("rav 4", {"make": "Toyota", "model": "RAV4"}),
    ("d'accord, une Accord alors", {"make": "Honda", "model": "Accord"}),
    ("carro à venda, Venza", {"make": "Toyota", "model": "Venza"}),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), NAMES)
def test_names_become_filters(text: str, expected: dict[str, Any]) -> None:
    understood = read(text)
    assert filters_of(understood) == expected
    assert understood.not_understood == []


def test_typos_of_names_are_corrected_and_reported_as_typed() -> None:
    understood = read("Toyta Corola 2012")
    assert understood.corrections == {"Toyta": "Toyota", "Corola": "Corolla"}
    assert read("Land Cruser").corrections == {"Land Cruser": "Land Cruiser"}
    assert read("Grand Cherokey").filters.model == "Grand Cherokee"


def test_the_vocabulary_of_a_real_catalog_corrects_typos(db_session: Session) -> None:
    dealer = make_dealer(db_session)
    make_vehicle(db_session, dealer, make="Toyota", model="Land Cruiser", year=2016)
    make_vehicle(db_session, dealer, make="Peugeot", model="406", year=2004)
    db_session.commit()
    vocabulary = vocabulary_cache.get(db_session)
    understood = understand("Toyta Land Cruser 2016 under 40k", vocabulary=vocabulary, rates=RATES)
    assert filters_of(understood) == {
        "make": "Toyota",
        "model": "Land Cruiser",
        **years(2016, 2016),
        **prices(None, 40_000_00),
    }
    assert understood.corrections == {"Toyta": "Toyota", "Land Cruser": "Land Cruiser"}
    # A model named by a number is read as the model, not as a price.
    peugeot = understand("Peugeot 406", vocabulary=vocabulary, rates=RATES)
    assert filters_of(peugeot) == {"make": "Peugeot", "model": "406"}
