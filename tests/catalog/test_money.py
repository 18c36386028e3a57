from __future__ import annotations

from decimal import Decimal

import pytest
from pydantic import ValidationError

from catalog.money import (
    ILLUSTRATIVE_EXCHANGE_RATES,
    ExchangeRates,
    Money,
    MoneySettings,
    UnknownCurrency,
    minor_digits,
)

RATES = ExchangeRates(ILLUSTRATIVE_EXCHANGE_RATES)


def test_currencies_without_minor_units_count_whole_units() -> None:
    assert minor_digits("XOF") == 0
    assert minor_digits("UGX") == 0
    assert minor_digits("USD") == 2
    assert Money.from_major("9000000", "XOF") == Money(9_000_000, "XOF")
    assert Money(9_000_000, "XOF").major == Decimal(9_000_000)
    assert Money(1550, "USD").major == Decimal("15.50")


def test_conversion_to_the_catalog_currency_rounds_to_the_cent() -> None:
    # 8,000,000 / 1550 = 5161.290...
    assert RATES.to_catalog(Money(8_000_000_00, "NGN")) == Money(5_161_29, "USD")
    # 9,000,000 / 605 = 14876.033...
    assert RATES.to_catalog(Money(9_000_000, "XOF")) == Money(14_876_03, "USD")


def test_conversion_from_the_catalog_currency_to_one_without_minor_units() -> None:
    assert RATES.from_catalog(15_000_00, "XOF") == Money(9_075_000, "XOF")
    assert RATES.from_catalog(1, "XOF") == Money(6, "XOF")  # 0.01 * 605 = 6.05
    assert RATES.from_catalog(15_000_00, "UGX") == Money(55_500_000, "UGX")
    assert RATES.from_catalog(15_000_00, "NGN") == Money(23_250_000_00, "NGN")


def test_halves_round_away_from_zero_once_not_to_even() -> None:
    rates = ExchangeRates({"EUR": Decimal("0.8")})
    assert rates.to_catalog(Money(2, "EUR")) == Money(3, "USD")  # 2.5 cents
    assert rates.to_catalog(Money(-2, "EUR")) == Money(-3, "USD")
    # Between two foreign currencies: one step, no intermediate rounding.
    assert RATES.convert(Money(1_000_00, "EUR"), "XOF") == Money(657_609, "XOF")


def test_a_currency_without_a_rate_is_refused() -> None:
    with pytest.raises(UnknownCurrency, match="GBP"):
        RATES.to_catalog(Money(100_00, "GBP"))


def test_the_catalog_currency_converts_to_itself() -> None:
    assert RATES.to_catalog(Money(123, "USD")) == Money(123, "USD")
    assert RATES.rate("USD") == 1


@pytest.mark.parametrize(
    "rates",
    [{"NGN": Decimal(0)}, {"NGN": Decimal(-1)}, {"naira": Decimal(1)}, {"USD": Decimal(2)}],
)
def test_bad_rates_are_refused(rates: dict[str, Decimal]) -> None:
    with pytest.raises(ValueError):
        ExchangeRates(rates)


def test_rates_come_from_the_environment_as_json(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXCHANGE_RATES", '{"ngn": 1600, "XOF": 600.5}')
    settings = MoneySettings(_env_file=None)  # type: ignore[call-arg]
    assert settings.exchange_rates == {"NGN": Decimal(1600), "XOF": Decimal("600.5")}
    rates = ExchangeRates.from_settings(settings)
    assert rates.currencies == {"NGN", "XOF", "USD"}
    assert rates.to_catalog(Money(1600_00, "NGN")) == Money(1_00, "USD")


def test_the_default_rates_are_the_illustrative_table(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EXCHANGE_RATES", raising=False)
    settings = MoneySettings(_env_file=None)  # type: ignore[call-arg]
    assert settings.exchange_rates == dict(ILLUSTRATIVE_EXCHANGE_RATES)


def test_a_negative_rate_in_the_environment_stops_start_up(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("EXCHANGE_RATES", '{"NGN": -5}')
    with pytest.raises(ValidationError, match="positive"):
        MoneySettings(_env_file=None)  # type: ignore[call-arg]
