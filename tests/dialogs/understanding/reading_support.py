"""What the reader's tests share: a vocabulary of the demo models, the illustrative rates, and
helpers that say filters the way a test reads them."""

from __future__ import annotations

from typing import Any

from catalog.demo.models_table import MODELS
from catalog.money import ILLUSTRATIVE_EXCHANGE_RATES, ExchangeRates
from catalog.vehicles.models import BodyType
from catalog.vehicles.vocabulary import Vocabulary
from dialogs.understanding import Understood, understand

VOCABULARY = Vocabulary.from_names([(spec.make, spec.model) for spec in MODELS])
RATES = ExchangeRates(ILLUSTRATIVE_EXCHANGE_RATES)

TOYOTA_COROLLA = {"make": "Toyota", "model": "Corolla"}
TOYOTA_HILUX = {"make": "Toyota", "model": "Hilux"}
SUV, PICKUP = [BodyType.SUV], [BodyType.PICKUP]


def read(text: str, entities: list[dict[str, Any]] | None = None) -> Understood:
    return understand(text, vocabulary=VOCABULARY, rates=RATES, entities=entities)


def filters_of(understood: Understood) -> dict[str, Any]:
    """The filters that were set, without the defaults (status available)."""
    return understood.filters.model_dump(exclude_defaults=True)


def years(low: int | None, high: int | None) -> dict[str, int]:
    return {k: v for k, v in (("year_min", low), ("year_max", high)) if v is not None}


def prices(low: int | None, high: int | None) -> dict[str, int]:
    bounds = (("price_min_cents", low), ("price_max_cents", high))
    return {k: v for k, v in bounds if v is not None}
