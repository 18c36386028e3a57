"""Numbers: years and their bounds, prices in any currency, ranges, comparators."""

from __future__ import annotations

from typing import Any

import pytest

from tests.dialogs.understanding.reading_support import (
    filters_of,
    prices,
    read,
    years,
)

YEARS_AND_PRICES: list[tuple[str, dict[str, Any]]] = [
    # Years
    ("2016", years(2016, 2016)),
    ("2016 or newer", years(2016, None)),
    ("2015+", years(2015, None)),
    ("from 2015", years(2015, None)),
    ("since 2015", years(2015, None)),
    ("newer than 2015", years(2016, None)),
    ("2012-2015", years(2012, 2015)),
    ("2015-2012", years(2012, 2015)),
    ("between 2012 and 2015", years(2012, 2015)),
    ("from 2012 to 2015", years(2012, 2015)),
    ("older than 2010", years(None, 2009)),
    ("before 2010", years(None, 2009)),
    ("2010 or older", years(None, 2010)),
    ("around 2015", years(2014, 2016)),
    ("à partir de 2015", years(2015, None)),
    ("2015 ou plus récent", years(2015, None)),
    ("plus récent que 2015", years(2016, None)),
    ("entre 2012 et 2015", years(2012, 2015)),
    ("avant 2010", years(None, 2009)),
    ("a partir de 2015", years(2015, None)),
    ("de 2012 a 2015", years(2012, 2015)),
    ("ano 2015 ou mais novo", years(2015, None)),
    ("2015 em diante", years(2015, None)),
    # Prices (USD cents), in the catalog currency
    ("under 20k", prices(None, 20_000_00)),
    ("below $15,000", prices(None, 15_000_00)),
    ("less than 15000 dollars", prices(None, 15_000_00)),
    ("max 15k", prices(None, 15_000_00)),
    ("15k max", prices(None, 15_000_00)),
    ("budget 15k", prices(None, 15_000_00)),
    ("15k", prices(None, 15_000_00)),
    ("around 10k", prices(8_500_00, 11_500_00)),
    ("above 5k", prices(5_000_00, None)),
    ("over 5k", prices(5_000_00, None)),
    ("more than 5k", prices(5_000_00, None)),
    ("5-8k", prices(5_000_00, 8_000_00)),
    ("between $5,000 and $8,000", prices(5_000_00, 8_000_00)),
    ("between 2000 and 5000 dollars", prices(2_000_00, 5_000_00)),
    ("moins de 15 000 $", prices(None, 15_000_00)),
    ("moins de 15\u202f000 $", prices(None, 15_000_00)),
    ("pas plus de 10.000 $", prices(None, 10_000_00)),
    ("jusqu'à 12k", prices(None, 12_000_00)),
    ("environ 10k", prices(8_500_00, 11_500_00)),
    ("entre 5k et 8k", prices(5_000_00, 8_000_00)),
    ("até 20 mil", prices(None, 20_000_00)),
    ("menos de 15 mil dólares", prices(None, 15_000_00)),
    ("no máximo 20 mil", prices(None, 20_000_00)),
    ("mais de 5 mil", prices(5_000_00, None)),
    ("15,5k", prices(None, 15_500_00)),
    ("USD 12000", prices(None, 12_000_00)),
    ("12000 usd", prices(None, 12_000_00)),
    # Prices in other currencies, converted with the illustrative rates
    ("8 million naira", prices(None, 5_161_29)),  # 8,000,000 / 1550
    ("8m naira", prices(None, 5_161_29)),
    ("₦8,000,000", prices(None, 5_161_29)),
    ("my budget is 5 million naira", prices(None, 3_225_81)),
    ("abeg wey no pass 3m naira", prices(None, 1_935_48)),
    ("9 millions FCFA", prices(None, 14_876_03)),  # 9,000,000 / 605
    ("9 millions de francs CFA", prices(None, 14_876_03)),
    ("entre 8 et 12 millions FCFA", prices(13_223_14, 19_834_71)),
    ("5 milhões de kwanzas", prices(None, 5_464_48)),  # 5,000,000 / 915
    ("20 mil dólares", prices(None, 20_000_00)),
    ("CAD 20k", prices(None, 14_492_75)),  # 20,000 / 1.38
    ("€9000", prices(None, 9_782_61)),  # 9,000 / 0.92
    ("budget 20 000 cedis", prices(None, 1_290_32)),
    ("under R150 000", prices(None, 8_241_76)),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), YEARS_AND_PRICES)
def test_years_and_prices_become_filters(text: str, expected: dict[str, Any]) -> None:
    understood = read(text)
    assert filters_of(understood) == expected
    assert understood.not_understood == []


def test_the_currency_the_buyer_priced_in_is_kept_for_replies() -> None:
    assert read("Camry under 8m naira").currency == "NGN"
    assert read("Camry moins de 9 millions FCFA").currency == "XOF"
    assert read("Camry under 8000").currency == "USD"  # a bare number is in dollars
    assert read("Camry 2015").currency is None
    assert read("Camry, prices in naira please").currency == "NGN"


def test_a_year_next_to_a_price_stays_a_year() -> None:
    understood = read("Corolla 2015 under 8000")
    assert (understood.filters.year_min, understood.filters.year_max) == (2015, 2015)
    assert understood.filters.price_max_cents == 8_000_00
