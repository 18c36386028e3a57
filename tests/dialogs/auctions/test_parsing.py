"""How the bot reads a bid from a buyer's words: the lot it names and the amount it states."""

from __future__ import annotations

import pytest

from dialogs.actions.auctions.parsing import amount_in, lot_in


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
