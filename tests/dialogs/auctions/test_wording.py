"""How auctions are written back to buyers: amounts, the time left, fees and the terms."""

from __future__ import annotations

from datetime import timedelta

import pytest

from catalog.auctions.fees import AuctionSettings, FeeTable
from dialogs.actions.auctions.terms import terms_text
from dialogs.actions.auctions.wording import fee_lines, time_left, usd


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
