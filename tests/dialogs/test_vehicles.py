"""Finding vehicles, the whole way: a buyer's words through the webhook's queue, the worker, the
real Rasa model and our action server, to the catalog and back as each channel renders it."""

from __future__ import annotations

import json
from typing import Any

import pytest

from catalog.buyers import service as buyer_service
from catalog.database import transaction
from catalog.watchlist import service as watchlist_service
from chat.messages import Channel
from tests.conversations import Buyer, ChatFactory, Showroom
from tests.dialogs.chat_support import buyer_row


def choices(record: dict[str, Any]) -> list[tuple[str, str]]:
    """(title, payload) of the options a reply offers, whatever the channel's shape."""
    body = record["body"]
    if "reply_markup" in body:  # Telegram inline keyboard
        return [(button["text"], button["callback_data"])
                for row in body["reply_markup"]["inline_keyboard"] for button in row]  # fmt: skip
    interactive = body.get("interactive") or {}
    if interactive.get("type") == "list":
        return [(row["title"], row["id"]) for section in interactive["action"]["sections"]
                for row in section["rows"]]  # fmt: skip
    if interactive.get("type") == "button":
        return [(b["reply"]["title"], b["reply"]["id"]) for b in interactive["action"]["buttons"]]
    return []


def details_payload(showroom: Showroom, key: str) -> str:
    return "/vehicle_details" + json.dumps({"vehicle_id": str(showroom.ids[key])})


def vehicle_ids(record: dict[str, Any]) -> list[int]:
    """The vehicles a results message offers, from its details payloads."""
    ids = []
    for _, payload in choices(record):
        if payload.startswith("/vehicle_details"):
            ids.append(int(json.loads(payload.removeprefix("/vehicle_details"))["vehicle_id"]))
    return ids


def key_of(showroom: Showroom, vehicle_id: int) -> str:
    """The showroom's name for a vehicle id ("hilux_2016")."""
    return next(key for key, known in showroom.ids.items() if known == vehicle_id)


def vin_of(showroom: Showroom, vehicle_id: int) -> str:
    return showroom.vehicle(key_of(showroom, vehicle_id)).vin


def similar_to(buyer: Buyer, showroom: Showroom, key: str) -> list[dict[str, Any]]:
    """Open a vehicle's details, then tap its "Similar" button: the heading and the list."""
    buyer.tap(details_payload(showroom, key))
    payload = f'/similar_vehicles{{"vehicle_id":"{showroom.ids[key]}"}}'
    return buyer.tap(payload, "Similar", replies=2)


def agreed(buyer: Buyer) -> Buyer:
    """A buyer who accepted the privacy notice (else a first search comes after the notice)."""
    buyer.tap("/give_consent", "I agree")
    return buyer


def results(buyer: Buyer, text: str) -> tuple[str, dict[str, Any]]:
    """The heading and the results message of a search."""
    replies = buyer.say(text, replies=2)
    assert len(replies) == 2, buyer.texts(replies)
    heading, listing = replies
    return buyer.texts([heading])[0], listing


def test_a_search_in_plain_english_lists_the_matching_vehicles_cheapest_first(
    chat: ChatFactory, showroom: Showroom
) -> None:
    buyer = agreed(chat(Channel.TELEGRAM))

    heading, listing = results(buyer, "Toyota Hilux diesel under 20k")

    # The filters as understood, not the sentence echoed back.
    assert heading == "Here is what I have for Toyota Hilux · diesel · under $20,000:"
    assert vehicle_ids(listing) == [showroom.ids["hilux_2012"], showroom.ids["hilux_2016"]]
    assert "2012 Toyota Hilux" in buyer.texts([listing])[0]
    assert "$12,900" in buyer.texts([listing])[0]


def test_a_seven_seater_under_a_budget_finds_suvs_and_vans_with_enough_seats(
    chat: ChatFactory, showroom: Showroom
) -> None:
    buyer = agreed(chat(Channel.WHATSAPP))

    _, listing = results(buyer, "I need a 7 seater SUV below $15,000")

    assert vehicle_ids(listing) == [showroom.ids["pilot_2016"]]


def test_a_price_in_naira_is_converted_and_shown_back_in_naira(
    chat: ChatFactory, showroom: Showroom
) -> None:
    buyer = agreed(chat(Channel.TWILIO))

    _, listing = buyer.say("abeg Corolla budget 12 million naira", replies=2)

    text = buyer.texts([listing])[0]
    assert "2012 Toyota Corolla" in text
    assert "₦" in text  # the price in the buyer's currency too
    assert "1. 2012 Corolla $6,400" in text  # Twilio: numbered options


def test_french_search_with_year_and_gearbox(chat: ChatFactory, showroom: Showroom) -> None:
    buyer = chat(Channel.TELEGRAM)
    buyer.say("bonjour")

    heading, listing = results(buyer, "je cherche une Camry 2015 automatique")

    assert heading == "Voici ce que j'ai pour Toyota Camry · automatique · 2015 :"
    assert vehicle_ids(listing) == [showroom.ids["camry_2015"]]
    assert "9\u202f500 $" in buyer.texts([listing])[0]


def test_portuguese_search_and_a_follow_up_that_keeps_the_search(
    chat: ChatFactory, showroom: Showroom
) -> None:
    buyer = chat(Channel.WHATSAPP)
    buyer.say("olá")

    heading, listing = results(buyer, "quero um RAV4")
    newer_heading, newer = results(buyer, "e de 2017?")
    [nothing_cheaper] = buyer.say("mais barato?")

    assert heading == "Eis o que tenho para Toyota RAV4:"
    assert newer_heading == "Eis o que tenho para Toyota RAV4 · 2017:"  # not the words strung
    assert vehicle_ids(listing) == [showroom.ids["rav4_2013"], showroom.ids["rav4_2017"]]
    assert vehicle_ids(newer) == [showroom.ids["rav4_2017"]]
    assert buyer.texts([nothing_cheaper])[0].startswith("Não tenho nada mais barato")


def test_only_automatic_narrows_the_last_search(chat: ChatFactory, showroom: Showroom) -> None:
    buyer = agreed(chat(Channel.TELEGRAM))
    _, everything = results(buyer, "Toyota under 20k")

    _, automatic = results(buyer, "only automatic")

    assert showroom.ids["hilux_2012"] in vehicle_ids(everything)
    assert showroom.ids["hilux_2012"] not in vehicle_ids(automatic)  # a manual
    assert showroom.ids["camry_2015"] in vehicle_ids(automatic)


def test_more_shows_the_next_page_then_says_when_there_is_no_more(
    chat: ChatFactory, showroom: Showroom
) -> None:
    buyer = agreed(chat(Channel.TELEGRAM))
    _, first = results(buyer, "Toyota")
    assert ("More", "/more_results") in choices(first)

    second = buyer.tap("/more_results", "More", replies=2)[-1]
    [finished] = buyer.tap("/more_results", "More")

    toyotas = {showroom.ids[key] for key in TOYOTAS}
    assert set(vehicle_ids(first)) | set(vehicle_ids(second)) == toyotas
    assert not set(vehicle_ids(first)) & set(vehicle_ids(second))
    assert buyer.texts([finished])[0].startswith("That's all for this search")


def test_nothing_matching_offers_the_nearest_vehicles(
    chat: ChatFactory, showroom: Showroom
) -> None:
    buyer = agreed(chat(Channel.TELEGRAM))

    heading, nearest, offer = buyer.say("Hilux under 5000 dollars", replies=3)

    assert buyer.texts([heading])[0].startswith(
        "Nothing matches Toyota Hilux · under $5,000 right now"
    )
    assert set(vehicle_ids(nearest)) == {showroom.ids["hilux_2012"], showroom.ids["hilux_2016"]}
    assert buyer.texts([offer]) == [
        "🔔 Shall I tell you as soon as one comes in: Toyota Hilux · under $5,000?"
    ]
    assert choices(offer)[0][1] == "/save_search"

    [saved] = buyer.say("yes")  # the buyer said yes to alerts already: saved at once

    assert buyer.texts([saved])[0].startswith("🔔 Saved. I'll tell you as soon as one comes in")


@pytest.mark.parametrize(
    ("channel", "says", "language", "heading"),
    [
        (Channel.TELEGRAM, "do you have a Lamborghini Urus?", "en", "Nothing matches Lamborghini"),
        (Channel.WHATSAPP, "je cherche une peugeot", "fr", "Rien ne correspond à Peugeot"),
        (Channel.TELEGRAM, "vocês tem um bmw x5?", "pt", "Nada corresponde a BMW X5"),
    ],
)
def test_a_make_or_model_not_in_stock_gets_the_nearest_of_its_kind_and_an_alert_offer(
    chat: ChatFactory, showroom: Showroom, channel: Channel, says: str, language: str,
    heading: str,
) -> None:  # fmt: skip
    buyer = agreed(chat(channel))

    said = buyer.say(says, language_hint=language, replies=3)
    assert len(said) >= 3, buyer.texts(said)
    first, nearest, offer = said[:3]

    assert buyer.texts([first])[0].startswith(heading)
    assert vehicle_ids(nearest), buyer.texts([nearest])
    assert any(payload == "/save_search" for _, payload in choices(offer))
    if "x5" in says or "Urus" in says:  # an SUV: the nearest are SUVs
        suvs = {showroom.ids[key] for key in ("rav4_2017", "rav4_2013", "prado_2014",
                                              "pilot_2016")}  # fmt: skip
        assert set(vehicle_ids(nearest)) <= suvs


def test_a_message_without_anything_to_search_asks_what_the_buyer_wants(
    chat: ChatFactory,
) -> None:
    buyer = agreed(chat(Channel.TELEGRAM))

    [reply] = buyer.say("I'm looking for a car")

    assert buyer.texts([reply])[0].startswith("What are you looking for?")


@pytest.mark.parametrize("channel", [Channel.TELEGRAM, Channel.WHATSAPP])
def test_details_show_the_specs_and_the_next_steps(
    chat: ChatFactory, showroom: Showroom, channel: Channel
) -> None:
    buyer = agreed(chat(channel))
    vehicle = showroom.vehicle("prado_2014")

    [details] = buyer.tap(details_payload(showroom, "prado_2014"), "2014 Toyota Prado")

    text = buyer.texts([details])[0]
    assert "2014 Toyota Land Cruiser Prado" in text
    assert "$24,000" in text
    assert vehicle.vin in text
    assert "7 seats" in text
    assert vehicle.export_port in text
    titles = [title for title, _ in choices(details)]
    assert titles == ["Photos", "History", "Watch", "Bid", "Shipping quote", "Similar"]


def test_similar_vehicles_are_of_the_same_kind_and_price(
    chat: ChatFactory, showroom: Showroom
) -> None:
    buyer = chat(Channel.TELEGRAM)

    heading, similar = similar_to(buyer, showroom, "rav4_2017")

    assert buyer.texts([heading])[0] == "Vehicles like 2017 Toyota RAV4:"
    assert vehicle_ids(similar) == [showroom.ids["pilot_2016"]]  # an SUV within 35%, 3 years


def test_number_2_in_the_buyers_words_opens_the_second_result(
    chat: ChatFactory, showroom: Showroom
) -> None:
    buyer = agreed(chat(Channel.WHATSAPP))
    _, listing = results(buyer, "Toyota")
    first, second = vehicle_ids(listing)[:2]
    assert buyer.texts([listing])[0].startswith("1. ")  # numbered as the rows are

    buyer.tap(details_payload(showroom, "sienna_2011"), "2011 Sienna")  # looked at another one
    [details] = buyer.say("details of number 2")

    assert vin_of(showroom, second) in buyer.texts([details])[0]
    [details] = buyer.say("show me details of the first one")
    assert vin_of(showroom, first) in buyer.texts([details])[0]


def test_la_premiere_after_similar_vehicles_is_the_first_of_that_list_and_past_its_end_none(
    chat: ChatFactory, showroom: Showroom
) -> None:
    buyer = chat(Channel.TELEGRAM)
    _, similar = similar_to(buyer, showroom, "rav4_2017")
    [only] = vehicle_ids(similar)

    [details] = buyer.say("les détails de la première", language_hint="fr")
    [past_the_end] = buyer.say("les détails du numéro 4", language_hint="fr")

    assert vin_of(showroom, only) in buyer.texts([details])[0]
    assert buyer.texts([past_the_end])[0].startswith("Choisissez d'abord un véhicule")


def test_follow_the_second_result_then_remove_number_1_of_the_watchlist_in_portuguese(
    chat: ChatFactory, showroom: Showroom
) -> None:
    buyer = chat(Channel.WHATSAPP)
    buyer.say("olá", language_hint="pt")
    buyer.tap("/give_consent", "Aceito")
    _, listing = buyer.say("quero um Toyota", replies=2, language_hint="pt")
    first, second = vehicle_ids(listing)[:2]

    buyer.say("segue o segundo", language_hint="pt")
    buyer.say("segue o primeiro", language_hint="pt")
    [watchlist] = buyer.say("a minha lista", language_hint="pt")
    [removed] = buyer.say("tira o número 1 da lista", language_hint="pt")  # of the watchlist

    assert [payload for _, payload in choices(watchlist)] == [
        f'/vehicle_details{{"vehicle_id":"{vehicle_id}"}}' for vehicle_id in (second, first)
    ]
    removed_title = showroom.vehicle(key_of(showroom, second)).title
    assert buyer.texts([removed]) == [f"Removido da sua lista: {removed_title}."]
    with showroom.sessions() as db_session:
        watched = watchlist_service.get_watched_vehicles(
            db_session=db_session, buyer_id=buyer_row(showroom, buyer).id
        )
    assert [vehicle.id for vehicle in watched] == [first]


def test_details_without_a_chosen_vehicle_say_what_to_do(chat: ChatFactory) -> None:
    buyer = agreed(chat(Channel.TWILIO))

    [reply] = buyer.say("more details")

    assert buyer.texts([reply])[0].startswith("Pick a vehicle from a search first")


TOYOTAS = ("hilux_2016", "hilux_2012", "rav4_2017", "rav4_2013", "corolla_2012", "camry_2015",
           "prado_2014", "sienna_2011")  # fmt: skip


def test_details_show_the_price_in_the_buyers_own_currency_too(
    chat: ChatFactory, showroom: Showroom
) -> None:
    buyer = chat(Channel.WHATSAPP)
    buyer.say("hello")
    with transaction(showroom.sessions) as db_session:
        profile = buyer_service.get_or_create_by_whatsapp(
            db_session=db_session, number=f"+{buyer.user}"
        )
        profile.currency = "GHS"

    [details] = buyer.tap(details_payload(showroom, "corolla_2012"), "2012 Corolla")

    assert "$6,400 (≈ GH₵" in buyer.texts([details])[0]


def test_a_first_contact_that_is_a_search_gets_the_privacy_notice_first(
    chat: ChatFactory, showroom: Showroom
) -> None:
    buyer = chat(Channel.TELEGRAM)

    notice, heading, listing = buyer.say("Toyota Hilux diesel under 20k", replies=3)

    assert buyer.texts([notice])[0].startswith("🔒 Privacy")
    assert choices(notice) == [("I agree", "/give_consent")]
    assert buyer.texts([heading])[0].startswith("Here is what I have for")
    assert showroom.ids["hilux_2012"] in vehicle_ids(listing)


@pytest.mark.parametrize(
    ("greeting", "written", "not_written"),
    [
        # The card used to say "diesel", "automático" and "não anda" where the rest of the chat
        # (history, saved searches, alerts) says "gasóleo", "automática" and "não arranca".
        ("olá", ["gasóleo", "automática", "arranca e anda", "limpo"], ["automático", "diesel"]),
        ("bonjour", ["diesel", "automatique", "démarre et roule", "propre"], ["État: roule"]),
    ],
)
def test_the_vehicle_card_words_its_attributes_as_the_rest_of_the_chat_does(
    chat: ChatFactory,
    showroom: Showroom,
    greeting: str,
    written: list[str],
    not_written: list[str],
) -> None:
    buyer = chat(Channel.WHATSAPP)
    buyer.say(greeting)

    [details] = buyer.tap(details_payload(showroom, "prado_2014"), "2014 Toyota Prado")

    text = buyer.texts([details])[0]
    for word in written:
        assert word in text
    for word in not_written:
        assert word not in text


def test_a_telegram_link_from_the_gallery_page_opens_the_vehicle_after_the_privacy_notice(
    chat: ChatFactory, showroom: Showroom
) -> None:
    buyer = chat(Channel.TELEGRAM)
    vehicle_id = showroom.ids["prado_2014"]

    notice, details = buyer.say(f"/start vehicle_{vehicle_id}", replies=2)

    assert buyer.texts([notice])[0].startswith("🔒 Privacy")
    assert "2014 Toyota Land Cruiser Prado" in buyer.texts([details])[0]
    assert showroom.vehicle("prado_2014").vin in buyer.texts([details])[0]


def test_the_message_a_whatsapp_link_types_in_opens_the_vehicle_even_when_edited(
    chat: ChatFactory, showroom: Showroom
) -> None:
    buyer = agreed(chat(Channel.WHATSAPP))
    vehicle_id = showroom.ids["hilux_2016"]

    [details] = buyer.say(f"hello i am interested in this one pls (ref V{vehicle_id})")

    assert "2016 Toyota Hilux" in buyer.texts([details])[0]
    assert showroom.vehicle("hilux_2016").vin in buyer.texts([details])[0]


def test_whatsapp_result_rows_are_cut_at_a_word_with_the_whole_name_below(
    chat: ChatFactory, showroom: Showroom
) -> None:
    buyer = agreed(chat(Channel.WHATSAPP))

    _, listing = results(buyer, "toyota suv")

    rows = [row for section in listing["body"]["interactive"]["action"]["sections"]
            for row in section["rows"]]  # fmt: skip
    prado = next(row for row in rows if "Land" in row["title"])
    assert prado["title"] == "2014 Land Cruiser Prado…"  # it was "2014 Land Cru… $24,000"
    assert prado["description"] == "2014 Land Cruiser Prado $24,000"
    assert all(len(row["title"]) <= 24 for row in rows)


def test_the_cards_shipping_quote_says_it_is_coming_and_offers_a_person_not_a_search(
    chat: ChatFactory, showroom: Showroom
) -> None:
    buyer = agreed(chat(Channel.TELEGRAM))
    [details] = buyer.tap(details_payload(showroom, "hilux_2016"), "2016 Toyota Hilux")
    quote = dict(choices(details))["Shipping quote"]

    [reply] = buyer.tap(quote, "Shipping quote")

    assert buyer.texts([reply])[0].startswith("Shipping quotes in the chat are coming soon")
    assert [payload for _, payload in choices(reply)] == ["/human_handoff", "/search_vehicles"]


def test_help_promises_nothing_the_chat_cannot_do_yet(chat: ChatFactory) -> None:
    buyer = agreed(chat(Channel.WHATSAPP))

    [reply] = buyer.tap("/help", "Help")

    text = buyer.texts([reply])[0]
    assert "track your container" not in text
    assert "coming soon" in text


def test_a_model_the_make_does_not_have_is_said_so_with_look_alikes_then_the_makes_stock(
    chat: ChatFactory, showroom: Showroom
) -> None:
    buyer = agreed(chat(Channel.TELEGRAM))

    unknown, heading, listing = buyer.say("toyota camrino", replies=3)[:3]

    text = buyer.texts([unknown])[0]
    assert text.startswith('I don\'t know a Toyota "Camrino". Did you mean: Camry')
    assert choices(unknown)[0] == ("Toyota Camry",
                                   '/search_vehicles{"make":"Toyota","model":"Camry"}')  # fmt: skip
    assert buyer.texts([heading])[0].startswith("Here is what I have for Toyota")
    assert set(vehicle_ids(listing)) <= {showroom.ids[key] for key in TOYOTAS}

    [_heading, camry] = buyer.tap(choices(unknown)[0][1], "Toyota Camry", replies=2)
    assert set(vehicle_ids(camry)) == {showroom.ids["camry_2015"]}
