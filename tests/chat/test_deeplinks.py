"""Links into a chat about a vehicle: what they carry, and what the chat reads back from them."""

from __future__ import annotations

from urllib.parse import unquote

import pytest

from chat.deeplinks import (
    payload_for_start,
    payload_in_text,
    telegram_vehicle_link,
    whatsapp_vehicle_link,
)
from chat.payloads import parse_payload


def test_a_telegram_link_round_trips_to_the_vehicles_card() -> None:
    link = telegram_vehicle_link("@NzilaCarsBot", 42)

    assert link == "https://t.me/NzilaCarsBot?start=vehicle_42"
    opened = parse_payload(payload_for_start(link.split("start=")[1]) or "")
    assert (opened.intent, dict(opened.entities)) == ("vehicle_details", {"vehicle_id": "42"})


def test_a_whatsapp_link_types_in_a_message_that_names_the_vehicle() -> None:
    link = whatsapp_vehicle_link("+1 (555) 010-2030", 7, "2016 Toyota RAV4 LE")

    number, text = link.removeprefix("https://wa.me/").split("?text=")
    assert number == "15550102030"
    assert unquote(text) == "Hello, I am interested in the 2016 Toyota RAV4 LE (ref V7)"
    assert payload_in_text(unquote(text)) == '/vehicle_details{"vehicle_id":"7"}'


@pytest.mark.parametrize("text", ["pls call me (REF v7 )", "abeg (ref V7) how much?"])
def test_the_reference_is_read_whatever_the_buyer_changed_around_it(text: str) -> None:
    assert payload_in_text(text) == '/vehicle_details{"vehicle_id":"7"}'


@pytest.mark.parametrize("parameter", [None, "", "vehicle_", "vehicle_12x", "promo_2024", "12"])
def test_other_start_parameters_open_nothing(parameter: str | None) -> None:
    assert payload_for_start(parameter) is None


@pytest.mark.parametrize("text", ["ref V7", "I want lot 7", "(ref 7)", "V7"])
def test_words_without_the_reference_open_nothing(text: str) -> None:
    assert payload_in_text(text) is None
