"""Which vehicle a buyer means by its place in the last list: "number 2", "la deuxième"."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk import Tracker

from dialogs.actions.choice import LAST, LISTED_SLOT, chosen_vehicle_id, position_in
from dialogs.actions.support import VEHICLE_SLOT


@pytest.mark.parametrize(
    ("text", "position"),
    [
        ("details of number 2", 2),
        ("No. 3 specs pls", 3),
        ("#4", 4),
        ("photos of the 2nd one", 2),
        ("tell me about the third one", 3),
        ("abeg watch the last one", LAST),
        ("les détails du numéro 2", 2),
        ("photos de la deuxième", 2),
        ("la 3e", 3),
        ("et le 1er ?", 1),
        ("suis la dernière", LAST),
        ("detalhes do número 4", 4),
        ("fotos do nº 5", 5),
        ("segue o primeiro", 1),
        ("o 2º", 2),
        ("mostra a última", LAST),
    ],
)
def test_a_place_in_the_list_is_read_in_english_french_and_portuguese(
    text: str, position: int
) -> None:
    assert position_in(text) == position


@pytest.mark.parametrize(
    "text",
    [
        "details",
        "photos of this one",
        "is it second hand?",
        "first owner?",
        "what is the last price",
        "c'est une première main ?",
        "o preço último?",
        "a 4x4 under 20k",
        "my number is 2348012345678",
        "the 2015 one",
    ],
)
def test_words_that_name_no_place_in_a_list_name_none(text: str) -> None:
    assert position_in(text) is None


def tracker(text: str, slots: dict[str, Any]) -> Tracker:
    return Tracker("telegram:42", slots, {"text": text, "intent": {}}, [], False, None, {}, "")


def test_a_place_in_the_last_list_beats_the_vehicle_being_looked_at() -> None:
    slots = {LISTED_SLOT: ["11", "12", "13"], VEHICLE_SLOT: "11"}

    assert chosen_vehicle_id(tracker("details of number 2", slots)) == "12"
    assert chosen_vehicle_id(tracker("watch the last one", slots)) == "13"
    assert chosen_vehicle_id(tracker("details", slots)) == "11"


def test_a_tapped_payload_names_its_vehicle_whatever_its_digits() -> None:
    slots = {LISTED_SLOT: ["11", "12"], VEHICLE_SLOT: "99"}

    assert chosen_vehicle_id(tracker('/vehicle_details{"vehicle_id":"99"}', slots)) == "99"


def test_a_place_past_the_end_of_the_list_means_no_vehicle() -> None:
    slots = {LISTED_SLOT: ["11", "12"], VEHICLE_SLOT: "11"}

    assert chosen_vehicle_id(tracker("number 7", slots)) is None
    assert chosen_vehicle_id(tracker("number 2", {VEHICLE_SLOT: "11"})) == "11"  # no list yet
