"""How the bot reads a bid from a buyer's words, and writes amounts, times and fees back."""

from __future__ import annotations

from datetime import timedelta

import pytest

from catalog.auctions.fees import AuctionSettings, FeeTable
from dialogs.actions.auctions import amount_in, lot_in, terms_text
from dialogs.actions.auctions_wording import fee_lines, time_left, usd


@pytest.mark.parametrize(
    ("text", "lot", "amount"),
    [
        ("bid 5200 on lot 1234", 1234, 5_200_00),
        ("Bid $5,200 on lot #1234", 1234, 5_200_00),
        ("my max is 7k", None, 7_000_00),
        ("I go 6500 dollars for lot no. 77", 77, 6_500_00),
        ("enchère 4 500 $ sur le lot 12", 12, 4_500_00),
        ("lance 5.200 no lote nº 9", 9, 5_200_00),
        ("put 3000 for #45", 45, 3_000_00),
        ("my max is 3.1 million naira", None, 2_000_00),  # 3,100,000 NGN at 1,550 per dollar
        ("bid on lot 88", 88, None),
        ("bid on number 2", None, None),  # a place in the list, not $2
        ("bid", None, None),
    ],
)
def test_a_bid_is_read_from_the_buyers_words(
    text: str, lot: int | None, amount: int | None
) -> None:
    found, rest = lot_in(text)
    assert found == lot
    assert amount_in(rest) == amount


@pytest.mark.parametrize(
    ("cents", "lang", "written"),
    [(5_200_00, "en", "$5,200"), (99_50, "en", "$99.50"), (5_200_00, "fr", "5\u202f200 $"),
     (1_234_56, "pt", "US$ 1\u202f234,56")],
)  # fmt: skip
def test_amounts_are_written_as_buyers_read_them(cents: int, lang: str, written: str) -> None:
    assert usd(cents, lang) == written


def test_time_left_keeps_the_two_units_that_matter() -> None:
    assert time_left(timedelta(days=2, hours=3, minutes=9), "en") == "2 d 3 h"
    assert time_left(timedelta(days=2, hours=3, minutes=9), "fr") == "2 j 3 h"
    assert time_left(timedelta(hours=1, minutes=5, seconds=40), "en") == "1 h 5 min"
    assert time_left(timedelta(seconds=42), "pt") == "42 s"
    assert time_left(timedelta(seconds=-5), "en") == "0 s"


def test_fees_and_terms_are_shown_from_the_configured_table() -> None:
    table = FeeTable.from_json({"bands": [[99_999, 25_000]], "above_percent": 5,
                                "fixed": {"gate_fee": 7_900, "title_mailing": 2_500}})  # fmt: skip
    assert fee_lines(table.quote(2_000_00), "en") == [
        "• buyer fee: $100", "• gate fee: $79", "• title mailing: $25"]  # fmt: skip
    settings = AuctionSettings(buyer_fees={"bands": [[99_999, 25_000]], "above_percent": 5,
                                           "fixed": {"gate_fee": 7_900}},
                               payment_business_days=3, terms_version="T-9")  # fmt: skip
    terms = terms_text("fr", settings)
    assert "T-9" in terms and "3 jours ouvrés" in terms and "frais de sortie 79 $" in terms
