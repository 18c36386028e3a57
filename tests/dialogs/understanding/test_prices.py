"""Prices as buyers type them: numbers, multipliers, currencies."""

from __future__ import annotations

from decimal import Decimal

import pytest

from catalog.money import Money
from dialogs.understanding.prices import find_amounts, find_currency, parse_price


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
