import pytest

from chat.languages import Language
from chat.money import format_money, format_money_exact, grouped, minor_digits

NARROW = "\u202f"


def test_minor_units_follow_iso_4217() -> None:
    assert (minor_digits("USD"), minor_digits("XOF"), minor_digits("KWD")) == (2, 0, 3)


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "12,345,678"),
        ("fr", f"12{NARROW}345{NARROW}678"),
        ("pt", f"12{NARROW}345{NARROW}678"),
    ],
)
def test_thousands_are_grouped_as_each_language_writes_them(lang: Language, text: str) -> None:
    assert grouped(12_345_678, lang) == text


@pytest.mark.parametrize(
    ("minor", "currency", "lang", "text"),
    [
        (18_500_00, "USD", "en", "$18,500"),
        (18_500_00, "USD", "fr", f"18{NARROW}500 $"),
        (18_500_00, "USD", "pt", f"US$ 18{NARROW}500"),
        (9_920_000_00, "NGN", "en", "₦9,920,000"),
        (12_000, "XOF", "en", "12,000 FCFA"),  # no minor units; a long symbol goes after
        (12_000, "XOF", "fr", f"12{NARROW}000 FCFA"),
        (150_000_00, "AOA", "pt", f"150{NARROW}000 Kz"),
        (5_00, "CHF", "en", "5 CHF"),  # a currency without a known symbol is written by code
    ],
)
def test_a_price_is_written_in_whole_units_the_buyers_way(
    minor: int, currency: str, lang: Language, text: str
) -> None:
    assert format_money(minor, currency, lang) == text


def test_a_price_is_rounded_half_up_to_whole_units() -> None:
    assert format_money(12_50, "USD", "en") == "$13"  # not banker's rounding to $12
    assert format_money(12_49, "USD", "en") == "$12"


@pytest.mark.parametrize(
    ("minor", "currency", "lang", "text"),
    [
        (5_200_00, "USD", "en", "$5,200"),
        (99_50, "USD", "en", "$99.50"),
        (5_200_00, "USD", "fr", f"5{NARROW}200 $"),
        (99_05, "USD", "fr", "99,05 $"),
        (1_234_56, "USD", "pt", f"US$ 1{NARROW}234,56"),
        (1_500, "KWD", "en", "1.500 KWD"),
    ],
)
def test_an_exact_amount_shows_its_cents_only_when_it_has_some(
    minor: int, currency: str, lang: Language, text: str
) -> None:
    assert format_money_exact(minor, currency, lang) == text


@pytest.mark.parametrize(
    ("minor", "currency", "written"),
    [(800_000, "USD", "$8,000.00"), (520_050, "USD", "$5,200.50"), (12_000, "XOF", "12,000 FCFA")],
)
def test_a_ledger_always_shows_the_minor_units_a_currency_has(
    minor: int, currency: str, written: str
) -> None:
    assert format_money_exact(minor, currency, "en", always_minor=True) == written
