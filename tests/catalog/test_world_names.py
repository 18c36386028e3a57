"""Makes and models asked for that the stock may not hold: understood in chat, never used to
correct the catalog's own text search, and never mistaken for ordinary words."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from catalog.money import get_exchange_rates
from catalog.vehicles.models import BodyType
from catalog.vehicles.vocabulary import VocabularyCache
from catalog.vehicles.world_names import usual_body_type
from dialogs.understanding import understand
from tests.factories import make_dealer, make_vehicle


def test_chat_understands_makes_not_in_stock_but_the_catalog_search_does_not(
    db_session: Session,
) -> None:
    make_vehicle(db_session, make_dealer(db_session))
    cache = VocabularyCache()

    assert "lamborghini" in cache.get(db_session, world=True).makes
    assert "peugeot" in cache.get(db_session, world=True).makes  # a make without models
    assert "lamborghini" not in cache.get(db_session).makes


@pytest.mark.parametrize(
    ("text", "make", "model"),
    [("do you have a Lamborghini Aventador?", "Lamborghini", "Aventador"),
     ("je cherche une peugeot", "Peugeot", None), ("procuro um bmw x3", "BMW", "X3"),
     ("i dey find tesla model 3", "Tesla", None),
     ("i need a land rover discovery", "Land Rover", "Discovery")],
)  # fmt: skip
def test_world_names_are_read_as_a_search(
    db_session: Session, text: str, make: str, model: str | None
) -> None:
    vocabulary = VocabularyCache().get(db_session, world=True)

    understood = understand(text, vocabulary=vocabulary, rates=get_exchange_rates())

    assert (understood.filters.make, understood.filters.model) == (make, model)


@pytest.mark.parametrize(
    "text",
    [
        "how much i fit bid",
        "ship to sierra leone",
        "what is the transit time",
        "encore une fois",
        "la velocidade maxima",
        "d'accord",
        "my phone charger",
    ],
)
def test_ordinary_words_are_not_read_as_cars(db_session: Session, text: str) -> None:
    vocabulary = VocabularyCache().get(db_session, world=True)

    understood = understand(text, vocabulary=vocabulary, rates=get_exchange_rates())

    assert understood.filters.make is None and understood.filters.model is None, text


def test_a_models_usual_kind_is_known() -> None:
    assert usual_body_type("bmw", "X5") is BodyType.SUV
    assert usual_body_type("Lamborghini", "Aventador") is BodyType.COUPE
    assert usual_body_type("Toyota", "Zamboni") is None
