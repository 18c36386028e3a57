"""chat.choosing: which option typed words pick ("2", "the first one", "le deuxième")."""

from __future__ import annotations

import pytest

from chat.choosing import LAST, Option, bare_position, choose, position_in

RESULTS = [
    Option('/choose_vehicle{"vehicle_id":"7"}', "2016 Toyota Camry $9,800"),
    Option('/choose_vehicle{"vehicle_id":"3"}', "2018 Honda Accord $12,500"),
    Option('/choose_vehicle{"vehicle_id":"9"}', "2014 Toyota Corolla $6,900"),
    Option("/more_results", "More results"),
]


@pytest.mark.parametrize(
    ("typed", "place"),
    [
        ("1", 1), (" 3. ", 3), ("4)", 4), ("12", 12), ("2", 2), ("number 3", 3), ("no. 2", 2),
        ("#2", 2), ("nº 2", 2), ("option 2 pls", 2), ("2nd", 2), ("the 3rd one", 3),
        ("the first one", 1), ("first", 1), ("the last one", LAST), ("le deuxième", 2),
        ("je veux la première", 1), ("le dernier svp", LAST), ("o primeiro", 1),
        ("quero a segunda", 2), ("a última", LAST), ("2º", 2), ("abeg make i see di second one", 2),
        ("la 2", 2), ("o 14", 14), ("oya show me no 3", 3), ("the 2 pls", 2),
    ],
)  # fmt: skip
def test_a_message_that_only_names_a_place_is_a_choice(typed: str, place: int) -> None:
    assert bare_position(typed) == place


@pytest.mark.parametrize(
    "typed",
    ["2 cars", "2 doors", "second hand", "first owner", "details of number 2", "abc", "0",
     "the first one but in red"],
)  # fmt: skip
def test_a_place_inside_a_longer_request_is_not_a_bare_choice(typed: str) -> None:
    assert bare_position(typed) is None


def test_a_place_inside_a_sentence_is_still_read_by_the_dialog() -> None:
    assert position_in("details of number 2") == 2
    assert position_in("photos de la deuxième") == 2
    assert position_in("second hand toyota") is None


def test_a_place_picks_the_option_shown_there() -> None:
    chosen = choose("2", RESULTS)
    assert chosen is not None and chosen.option == RESULTS[1]
    chosen = choose("o primeiro", RESULTS)
    assert chosen is not None and chosen.option == RESULTS[0]


def test_the_last_one_is_the_last_vehicle_not_the_more_button() -> None:
    chosen = choose("the last one", RESULTS)
    assert chosen is not None and chosen.option == RESULTS[2]


def test_a_place_past_the_end_says_how_many_vehicles_there_were() -> None:
    chosen = choose("14", RESULTS)
    assert chosen is not None and chosen.option is None
    assert (chosen.number, chosen.count) == (14, 3)  # the More button is not a fourth vehicle


def test_a_name_or_a_year_that_only_one_option_has_picks_it() -> None:
    camry, year, more = (
        choose("the Camry", RESULTS),
        choose("the 2018 one", RESULTS),
        choose("more results", RESULTS),
    )
    assert camry is not None and camry.option == RESULTS[0]
    assert year is not None and year.option == RESULTS[1]
    assert more is not None and more.option == RESULTS[3]


def test_a_name_several_options_share_or_none_has_picks_nothing() -> None:
    assert choose("Toyota", RESULTS) is None  # two Toyotas: the dialog reads it as a search
    assert choose("a Lexus", RESULTS) is None
    assert choose("2", []) is None
