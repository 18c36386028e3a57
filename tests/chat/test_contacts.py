"""Phone numbers and e-mails in what buyers type, told apart from prices, years, lots and VINs."""

from __future__ import annotations

import pytest

from chat.contacts import Contact, find_contact


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("+234 803 123 4567 call me", Contact("phone", "+2348031234567")),
        ("my number is 0803 123 4567", Contact("phone", "08031234567")),
        ("can someone call me 0244 123 456", Contact("phone", "0244123456")),
        ("2348031234567", Contact("phone", "2348031234567")),
        ("appelez-moi au 06 12 34 56 78", Contact("phone", "0612345678")),
        ("ligue-me 923 456 789", Contact("phone", "923456789")),
        ("(0803) 123-4567 abeg call", Contact("phone", "08031234567")),
        ("email me Ama.Mensah@Gmail.com pls", Contact("email", "ama.mensah@gmail.com")),
    ],
)
def test_contact_details_are_found(text: str, found: Contact) -> None:
    assert find_contact(text) == found


@pytest.mark.parametrize(
    "text",
    [
        "bid 5200 on lot 12",
        "bid 12500 on lot 1234",
        "my max is 7000",
        "25,000,000 naira",
        "1.500.000 kz",
        "2015 2016 2017",
        "toyota corolla 2012 2013",
        "lot 123456789",
        "check VIN 1HGCM82633A004352",
        "toyota under 15000 2010",
    ],
)
def test_prices_years_lots_and_vins_are_not_contact_details(text: str) -> None:
    assert find_contact(text) is None
