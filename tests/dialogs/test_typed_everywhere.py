"""The typed answers of the other flows, through the whole bot (signed webhook, worker, real Rasa,
action server) and on the channels and languages the other conversation tests do not type on:
consent, erasure, buy-it-now, a ❤️, acknowledgements, look-alike names, call-backs, questions, the
bidding limit and voice notes, typed as buyers type them on Twilio, in French, Portuguese and
pidgin."""

from __future__ import annotations

from typing import Any

import pytest

from catalog.auctions import service as auction_service
from catalog.auctions.models import AuctionResult
from catalog.privacy.service import CONSENT_VERSION
from chat.messages import Channel
from tests.conversations import ChatFactory, Showroom
from tests.dialogs.auctions.test_conversations import bidder, bids_on, new_lot, relisted_after
from tests.dialogs.chat_support import buyer_row, reload
from tests.dialogs.test_extras import watched_ids
from tests.dialogs.test_typed import FALLBACK, card_of, digits, listed
from tests.dialogs.test_vehicles import agreed, choices


def payloads_of(record: dict[str, Any]) -> list[str]:
    return [payload for _, payload in choices(record)]


@pytest.mark.parametrize(
    ("channel", "greeting", "typed", "thanks"),
    [(Channel.WHATSAPP, "hello", "I agree", "Thank you, noted"),
     (Channel.TELEGRAM, "bonjour", "j'accepte", "Merci, c'est noté"),
     (Channel.TWILIO, "olá", "aceito", "Obrigado, fica registado")],
)  # fmt: skip
def test_typing_i_agree_to_the_notice_is_consent_in_each_language(
    chat: ChatFactory, showroom: Showroom, channel: Channel, greeting: str, typed: str,
    thanks: str,
) -> None:  # fmt: skip
    buyer = chat(channel)
    buyer.say(greeting)

    [reply] = buyer.texts(buyer.say(typed))

    assert reply.startswith(thanks), reply
    assert buyer_row(showroom, buyer).consent_version == CONSENT_VERSION


@pytest.mark.parametrize(
    ("channel", "greeting", "delete", "yes", "done", "my_data", "alerts_line"),
    [(Channel.WHATSAPP, "hello", "delete my data", "yes", "Done: your data is erased",
      "my data", "• alerts: off"),
     (Channel.TELEGRAM, "bonjour", "supprime mes données", "oui", "C'est fait",
      "mes données", "• alertes : désactivées"),
     (Channel.TWILIO, "olá", "apaga os meus dados", "sim", "Feito: os seus dados",
      "meus dados", "• alertas: desligados")],
)  # fmt: skip
def test_a_typed_yes_confirms_erasure_and_my_data_then_shows_alerts_off(
    chat: ChatFactory, showroom: Showroom, channel: Channel, greeting: str, delete: str,
    yes: str, done: str, my_data: str, alerts_line: str,
) -> None:  # fmt: skip
    buyer = chat(channel)
    buyer.say(greeting)
    agreed(buyer)
    row = buyer_row(showroom, buyer)
    buyer.say(delete)

    [erased] = buyer.texts(buyer.say(yes))

    assert erased.startswith(done), erased
    assert reload(showroom, row).erased_at is not None
    buyer.say(greeting)  # a new buyer now, in the same language
    replies = buyer.texts(buyer.say(my_data))
    assert any(alerts_line in text for text in replies), replies


def test_an_ok_does_not_confirm_an_erasure(chat: ChatFactory, showroom: Showroom) -> None:
    buyer = agreed(chat(Channel.TWILIO))
    buyer.say("delete my data")

    [reply] = buyer.texts(buyer.say("ok"))

    assert FALLBACK not in reply
    assert buyer_row(showroom, buyer).erased_at is None  # binding: only a yes or "I agree"


def test_buy_it_now_confirmed_by_typing_oui_on_twilio_sells_once(
    chat: ChatFactory, showroom: Showroom
) -> None:
    lot = new_lot(showroom, "c300_2014", buy_now_cents=2_500_00)
    buyer = bidder(chat, showroom, Channel.TWILIO)
    buyer.say("/lang fr")
    buyer.say(f"achat immédiat du lot {lot}")

    with relisted_after(showroom, "c300_2014"):
        [sold] = buyer.texts(buyer.say("oui"))

    assert "Il est à vous" in sold and f"lot {lot}" in sold.lower(), sold
    assert "2500 $" in digits(sold), sold
    with showroom.sessions() as db_session:
        auction = auction_service.get(db_session=db_session, auction_id=lot)
        assert auction.result is AuctionResult.SOLD
        assert auction.winner_id == buyer_row(showroom, buyer).id


def test_a_bid_typed_and_confirmed_in_french_on_telegram_repeats_the_lot_and_amount(
    chat: ChatFactory, showroom: Showroom
) -> None:
    lot = new_lot(showroom, "camry_2015")
    buyer = bidder(chat, showroom, Channel.TELEGRAM)
    buyer.say("/lang fr")
    buyer.say(f"enchère 1400 sur le lot {lot}")

    [placed] = buyer.texts(buyer.say("oui je confirme"))

    assert f"lot {lot}" in placed, placed
    assert bids_on(showroom, lot) == [(buyer_row(showroom, buyer).id, 1_400_00)]


def test_a_heart_on_the_vehicle_in_view_offers_to_watch_it_and_yes_watches(
    chat: ChatFactory, showroom: Showroom
) -> None:
    buyer = agreed(chat(Channel.TWILIO))
    titles = listed(buyer, "toyota")
    card_of(buyer, "1")
    assert titles[1]

    [offer] = buyer.texts(buyer.say("❤️"))

    assert offer.startswith("Glad you like the"), offer
    assert watched_ids(showroom, buyer) == []
    buyer.say("yes")
    assert len(watched_ids(showroom, buyer)) == 1


@pytest.mark.parametrize(
    ("channel", "greeting", "typed", "said"),
    [(Channel.TWILIO, "hello", "👍", "Noted"),
     (Channel.TWILIO, "hello", "k", "Noted"),
     (Channel.WHATSAPP, "olá", "obrigado", "De nada"),
     (Channel.TELEGRAM, "bonjour", "✅", "C'est noté"),
     (Channel.WHATSAPP, "hello", "👌", "Noted")],
)  # fmt: skip
def test_short_acknowledgements_with_nothing_asked_are_answered_in_kind(
    chat: ChatFactory, channel: Channel, greeting: str, typed: str, said: str
) -> None:
    buyer = chat(channel)
    buyer.say(greeting)
    agreed(buyer)

    [reply] = buyer.texts(buyer.say(typed))

    assert said in reply and FALLBACK not in reply, reply


@pytest.mark.parametrize(
    ("channel", "typed", "heading"),
    [(Channel.TWILIO, "Lamborghini Aventador", "Nothing matches Lamborghini Aventador"),
     (Channel.WHATSAPP, "lamborghini aventador abeg", "Nothing matches Lamborghini Aventador"),
     (Channel.TELEGRAM, "i need a land rover discovery", "Nothing matches Land Rover Discovery")],
)  # fmt: skip
def test_a_real_model_not_in_stock_is_said_plainly_with_alternatives_and_a_saved_search(
    chat: ChatFactory, channel: Channel, typed: str, heading: str
) -> None:
    buyer = agreed(chat(channel))

    said = buyer.texts(buyer.say(typed, replies=3))

    assert said[0].startswith(heading), said
    assert FALLBACK not in " ".join(said)
    assert any("🔔" in text for text in said), said  # the offer to save the search


def test_a_model_nobody_makes_is_a_polite_i_dont_know_with_look_alikes_in_portuguese(
    chat: ChatFactory,
) -> None:
    buyer = chat(Channel.TWILIO)
    buyer.say("olá")
    agreed(buyer)

    said = buyer.texts(buyer.say("toyota camrino", replies=3))

    assert said[0].startswith('Não conheço nenhum Toyota "Camrino"'), said
    assert "Camry" in said[0]


def test_a_pidgin_call_me_with_a_number_on_twilio_is_a_call_back_never_a_bid(
    chat: ChatFactory, showroom: Showroom
) -> None:
    buyer = agreed(chat(Channel.TWILIO))

    [offer] = buyer.texts(buyer.say("abeg call me 0803 123 4567"))

    assert offer.startswith("📞 Shall an agent call you back on"), offer
    assert "08031234567" in offer.replace(" ", "") or "2348031234567" in offer
    [noted] = buyer.texts(buyer.say("yes o"))
    assert noted.startswith("Noted 🙋"), noted


@pytest.mark.parametrize(
    ("channel", "greeting", "question", "starts"),
    [(Channel.TWILIO, "hello", "una dey collect mobile money?", "💵"),
     (Channel.TWILIO, "bonjour", "est-ce que la voiture a eu un accident ?", ""),
     (Channel.WHATSAPP, "olá", "vocês fazem inspeção antes do envio?", ""),
     (Channel.TELEGRAM, "hello", "who handles customs clearance", "")],
)  # fmt: skip
def test_typed_questions_are_answered_from_the_knowledge_base_with_a_next_step(
    chat: ChatFactory, channel: Channel, greeting: str, question: str, starts: str
) -> None:
    buyer = chat(channel)
    buyer.say(greeting)
    agreed(buyer)

    reply, *_ = buyer.say(question)

    text = buyer.texts([reply])[0]
    assert FALLBACK not in text and "Sorry" not in text, text
    assert text.startswith(starts), text
    if channel is Channel.TWILIO:  # numbered options
        assert "1." in text, text
    else:
        assert "/human_handoff" in payloads_of(reply)


def test_a_french_bid_over_the_limit_on_twilio_says_the_limit_and_offers_a_deposit(
    chat: ChatFactory, showroom: Showroom
) -> None:
    lot = new_lot(showroom, "prado_2014", starting_bid_cents=6_000_00)
    buyer = bidder(chat, showroom, Channel.TWILIO)
    buyer.say("/lang fr")

    [refused] = buyer.texts(buyer.say(f"enchère 7000 sur le lot {lot}"))

    assert "limite" in refused and "agent" in refused.lower(), refused
    assert bids_on(showroom, lot) == []


@pytest.mark.parametrize(
    ("channel", "greeting", "said"),
    [(Channel.TWILIO, "hello", "I can't listen to voice notes yet"),
     (Channel.TELEGRAM, "bonjour", "Je ne peux pas encore écouter les messages vocaux")],
)  # fmt: skip
def test_a_voice_note_through_the_webhook_is_named_in_the_buyers_language(
    chat: ChatFactory, channel: Channel, greeting: str, said: str
) -> None:
    buyer = chat(channel)
    buyer.say(greeting)
    agreed(buyer)

    [reply] = buyer.texts(buyer._post(1, media="voice"))

    assert said in reply, reply


def test_choosing_by_option_number_and_ordinal_abbreviations_on_twilio(
    chat: ChatFactory, showroom: Showroom
) -> None:
    buyer = agreed(chat(Channel.TWILIO))
    titles = listed(buyer, "toyota")
    assert titles[2] in card_of(buyer, "option 2")
    titles = listed(buyer, "toyota")
    assert titles[3] in card_of(buyer, "number 3")
    titles = listed(buyer, "toyota")
    assert titles[2] in card_of(buyer, "2nd")


def test_choosing_by_a_vehicles_name_or_year_on_whatsapp(
    chat: ChatFactory, showroom: Showroom
) -> None:
    buyer = agreed(chat(Channel.WHATSAPP))
    listed(buyer, "toyota")
    assert "Camry" in card_of(buyer, "the Camry")
    titles = listed(buyer, "toyota")
    years = [title.split()[0] for title in titles.values()]
    year = next(year for year in years if years.count(year) == 1)
    assert year in card_of(buyer, f"the {year} one")


def test_choosing_in_pidgin_and_portuguese_on_twilio(chat: ChatFactory, showroom: Showroom) -> None:
    buyer = agreed(chat(Channel.TWILIO))
    titles = listed(buyer, "abeg show me toyota")
    assert titles[len(titles)] in card_of(buyer, "d last one")

    portuguese = chat(Channel.TWILIO)
    portuguese.say("olá")
    agreed(portuguese)
    titles = listed(portuguese, "toyota")
    assert titles[2] in card_of(portuguese, "o segundo")


def test_pidgin_i_wan_see_a_make_lists_it_and_d_last_one_opens_the_last(
    chat: ChatFactory, showroom: Showroom
) -> None:
    buyer = agreed(chat(Channel.TELEGRAM))
    titles = listed(buyer, "i wan see toyota")  # not "show me photos": nothing is in view

    assert all("Toyota" in title for title in titles.values()), titles
    assert titles[len(titles)] in card_of(buyer, "d last one")
