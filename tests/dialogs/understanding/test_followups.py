"""Follow-ups read on top of the previous search; "cheaper ones?"."""

from __future__ import annotations

from typing import Any

import pytest

from catalog.vehicles.models import Transmission
from catalog.vehicles.schemas import VehicleFilters
from dialogs.understanding import Unread, UnreadReason, understand_follow_up
from tests.dialogs.understanding.reading_support import (
    RATES,
    VOCABULARY,
)

PREVIOUS = VehicleFilters(
    make="Toyota", model="Corolla", year_min=2012, year_max=2012, price_max_cents=10_000_00
)


def follow(text: str, **kwargs: Any) -> VehicleFilters:
    return understand_follow_up(
        PREVIOUS, text, vocabulary=VOCABULARY, rates=RATES, **kwargs
    ).filters


@pytest.mark.parametrize("text", ["cheaper ones?", "moins cher ?", "mais barato?", "cheaper"])
def test_cheaper_lowers_the_ceiling_to_80_percent_without_shown_prices(text: str) -> None:
    assert follow(text) == PREVIOUS.model_copy(update={"price_max_cents": 8_000_00})


def test_cheaper_goes_below_the_cheapest_vehicle_shown() -> None:
    refined = follow("cheaper ones?", cheapest_shown_cents=8_750_50)
    assert refined.price_max_cents == 8_750_00
    # Never above the ceiling the buyer already had.
    assert follow("cheaper", cheapest_shown_cents=12_000_00).price_max_cents == 10_000_00


def test_cheaper_drops_a_floor_above_the_new_ceiling() -> None:
    previous = PREVIOUS.model_copy(update={"price_min_cents": 9_000_00})
    refined = understand_follow_up(
        previous, "moins cher", vocabulary=VOCABULARY, rates=RATES
    ).filters
    assert (refined.price_min_cents, refined.price_max_cents) == (None, 8_000_00)


def test_cheaper_without_any_price_to_go_below_changes_nothing_and_says_so() -> None:
    previous = VehicleFilters(make="Toyota")
    understood = understand_follow_up(previous, "cheaper ones?", vocabulary=VOCABULARY, rates=RATES)
    assert understood.filters == previous
    assert understood.not_understood == [Unread("cheaper ones?", UnreadReason.UNSUPPORTED)]


def test_an_explicit_new_ceiling_wins_over_cheaper() -> None:
    assert follow("cheaper, under 6k").price_max_cents == 6_000_00


@pytest.mark.parametrize("text", ["what about 2018?", "et en 2018 ?", "e 2018?"])
def test_a_new_year_replaces_the_years(text: str) -> None:
    assert follow(text) == PREVIOUS.model_copy(update={"year_min": 2018, "year_max": 2018})


def test_a_new_year_bound_replaces_both_year_bounds() -> None:
    assert follow("from 2015") == PREVIOUS.model_copy(update={"year_min": 2015, "year_max": None})


@pytest.mark.parametrize("text", ["only automatic", "seulement automatique", "só automático"])
def test_a_new_attribute_is_added_and_the_rest_kept(text: str) -> None:
    expected = PREVIOUS.model_copy(update={"transmission": Transmission.AUTOMATIC})
    assert follow(text) == expected


@pytest.mark.parametrize("text", ["any Toyota instead?", "plutôt Toyota", "e Toyota?"])
def test_a_new_make_clears_the_model(text: str) -> None:
    assert follow(text) == PREVIOUS.model_copy(update={"model": None})


def test_a_new_make_of_another_brand_replaces_make_and_clears_model() -> None:
    assert follow("any Honda instead?") == PREVIOUS.model_copy(
        update={"make": "Honda", "model": None}
    )


def test_a_new_model_brings_its_make() -> None:
    previous = PREVIOUS.model_copy(update={"make": "Honda", "model": "Civic"})
    refined = understand_follow_up(
        previous, "what about Camry", vocabulary=VOCABULARY, rates=RATES
    ).filters
    assert (refined.make, refined.model) == ("Toyota", "Camry")


def test_a_follow_up_in_another_currency_reports_it() -> None:
    understood = understand_follow_up(
        PREVIOUS, "et moins de 5 millions FCFA ?", vocabulary=VOCABULARY, rates=RATES
    )
    assert understood.filters.price_max_cents == 8_264_46  # 5,000,000 / 605
    assert understood.currency == "XOF"
