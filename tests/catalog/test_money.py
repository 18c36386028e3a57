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
    find_amounts,
    find_currency,
    minor_digits,
    parse_price,
)

RATES = ExchangeRates(ILLUSTRATIVE_EXCHANGE_RATES)


@pytest.mark.parametrize(
    ("text", "minor", "currency"),
    [
        ("15k", 15_000_00, "USD"),
        ("15K", 15_000_00, "USD"),
        ("$15,000", 15_000_00, "USD"),
        ("15 000 dollars", 15_000_00, "USD"),
        ("15.000 $", 15_000_00, "USD"),
        ("15\u202f000 $", 15_000_00, "USD"),  # narrow no-break space, as French keyboards type
        ("15\u00a0000 $", 15_000_00, "USD"),  # no-break space
        ("15,5k", 15_500_00, "USD"),
        ("1.5k", 1_500_00, "USD"),
        ("8 million naira", 8_000_000_00, "NGN"),
        ("8m naira", 8_000_000_00, "NGN"),
        ("N8m", 8_000_000_00, "NGN"),
        ("₦8,000,000", 8_000_000_00, "NGN"),
        ("9 millions FCFA", 9_000_000, "XOF"),
        ("9 millions de francs CFA", 9_000_000, "XOF"),
        ("5 milhões de kwanzas", 5_000_000_00, "AOA"),
        ("20 mil dólares", 20_000_00, "USD"),
        ("USD 12000", 12_000_00, "USD"),
        ("12000 usd", 12_000_00, "USD"),
        ("CAD 20k", 20_000_00, "CAD"),
        ("€9000", 9_000_00, "EUR"),
        ("9000 euros", 9_000_00, "EUR"),
        ("500k cedis", 500_000_00, "GHS"),
        ("Ksh 1.2m", 1_200_000_00, "KES"),
        ("2 millions de shillings", 2_000_000_00, "KES"),
        ("UGX 30m", 30_000_000, "UGX"),
        ("R150 000", 150_000_00, "ZAR"),
        ("150 000 rand", 150_000_00, "ZAR"),
        ("500 000 meticais", 500_000_00, "MZN"),
        ("500.000,00 MT", 500_000_00, "MZN"),
        ("1.234,56 €", 1_234_56, "EUR"),
        ("1,234.56 usd", 1_234_56, "USD"),
        ("12.50", 12_50, "USD"),
        ("15000", 15_000_00, "USD"),
    ],
)
def test_prices_are_read_as_buyers_type_them(text: str, minor: int, currency: str) -> None:
    assert parse_price(text) == Money(minor, currency)


def test_a_bare_number_is_in_the_catalog_currency_unless_told_otherwise() -> None:
    assert parse_price("15000") == Money(15_000_00, "USD")
    assert parse_price("15000", default_currency="NGN") == Money(15_000_00, "NGN")


def test_the_amount_naming_a_currency_wins_over_a_bare_number() -> None:
    assert parse_price("Corolla 2012 for 3m naira") == Money(3_000_000_00, "NGN")


@pytest.mark.parametrize("text", ["", "no price here", "-5000", "2.8L", "1" * 30])
def test_no_price_negative_glued_or_absurd_numbers_give_none(text: str) -> None:
    assert parse_price(text) is None


def test_mt_after_a_year_is_a_gearbox_not_meticais() -> None:
    (amount,) = find_amounts("Hilux 2015 MT")
    assert amount.currency is None
    assert amount.is_bare


def test_amounts_keep_their_place_in_the_original_text() -> None:
    text = "Prix: moins de 15\u202f000 $ svp"
    (amount,) = find_amounts(text)
    assert text[amount.start : amount.end] == "15\u202f000 $"
    assert amount.grouped and not amount.is_bare


def test_a_range_written_with_a_hyphen_is_not_a_negative_number() -> None:
    first, second = find_amounts("2012-2015")
    assert (first.value, second.value) == (Decimal(2012), Decimal(2015))
    assert not second.negative
    (negative,) = find_amounts("under -5000")
    assert negative.negative and negative.value == -5000


@pytest.mark.parametrize(
    ("text", "currency"),
    [("prices in naira please", "NGN"), ("en francs CFA", "XOF"), ("em kwanzas", "AOA"),
     ("in €", "EUR"), ("hello", None)],
)  # fmt: skip
def test_a_currency_named_without_an_amount_is_found(text: str, currency: str | None) -> None:
    assert find_currency(text) == currency


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
