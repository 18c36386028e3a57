"""What buyers type instead of tapping, through the whole bot (webhook, worker, real Rasa, action
server): "2", "the first one", "le deuxième", a name, a number past the end, "yes" / "sim" / 👍
to the question just asked, and "ok" / "thx" when nothing was asked, on every channel."""

from __future__ import annotations

import re

import pytest

from chat.messages import Channel
from tests.conversations import Buyer, ChatFactory, Showroom
from tests.dialogs.auctions.test_conversations import bidder, bids_on, new_lot, text_of
from tests.dialogs.chat_support import buyer_row
from tests.dialogs.test_vehicles import agreed, results

FALLBACK = "didn't understand"
_LINE = re.compile(r"^\s*(\d+)\.\s+(.+)$", re.MULTILINE)


def listed_titles(listing_text: str) -> dict[int, str]:
    """The numbered lines of a results message: its place -> the start of its title (the first
    numbering: Twilio numbers the buttons again below the results)."""
    titles: dict[int, str] = {}
    for n, line in _LINE.findall(listing_text):
        title = re.split(r"[·$—]", line)[0].strip()
        if not title.startswith("More"):  # the button beside the vehicles, numbered on Twilio
            titles.setdefault(int(n), title)
    return titles


def digits(text: str) -> str:
    """Amounts as digits only, whatever the language's grouping ("US$ 1 500" -> "US$1500")."""
    return re.sub(r"(?<=\d)[\s\u202f.,](?=\d{3})", "", text)


def listed(buyer: Buyer, search: str) -> dict[int, str]:
    _, listing = results(buyer, search)
    titles = listed_titles(buyer.texts([listing])[0])
    assert len(titles) >= 3, titles
    return titles


def card_of(buyer: Buyer, typed: str) -> str:
    replies = buyer.say(typed)
    texts = buyer.texts(replies)
    assert texts and FALLBACK not in texts[0], texts
    return texts[0]


@pytest.mark.parametrize("channel", [Channel.WHATSAPP, Channel.TELEGRAM, Channel.TWILIO])
def test_a_typed_place_or_name_opens_that_vehicle_on_every_channel(
    chat: ChatFactory, showroom: Showroom, channel: Channel
) -> None:
    buyer = agreed(chat(channel))
    titles = listed(buyer, "toyota")
    assert titles[2] in card_of(buyer, "2")
    # after a card, a place picks among the card's buttons: the buyer searches again first
    assert titles[1] in card_of(buyer, "the first one") if listed(buyer, "toyota") else False
    titles = listed(buyer, "toyota")
    assert titles[len(titles)] in card_of(buyer, "the last one")

    listed(buyer, "toyota")
    [past] = buyer.texts(buyer.say("14"))
    assert re.search(r"I showed \d+ options: reply with a number from 1 to \d+", past), past


def test_french_and_portuguese_ordinals_choose_too(chat: ChatFactory, showroom: Showroom) -> None:
    french = agreed(chat(Channel.WHATSAPP))
    french.say("/lang fr")
    titles = listed(french, "toyota")
    assert titles[2] in card_of(french, "le deuxième")

    portuguese = agreed(chat(Channel.TELEGRAM))
    portuguese.say("/lang pt")
    titles = listed(portuguese, "toyota")
    assert titles[1] in card_of(portuguese, "o primeiro")


def test_a_typed_yes_answers_the_greeting_and_ok_is_an_acknowledgement(
    chat: ChatFactory, showroom: Showroom
) -> None:
    buyer = agreed(chat(Channel.WHATSAPP))
    [greeting] = buyer.texts(buyer.say("hello"))
    assert "Shall I show you how it works?" in greeting
    [tour] = buyer.texts(buyer.say("yeah"))
    assert tour.startswith("Here is what I can do"), tour

    [thanks] = buyer.texts(buyer.say("thx 🙏"))
    assert "You're welcome" in thanks
    [noted] = buyer.texts(buyer.say("yes"))  # nothing asked: a friendly word, never the fallback
    assert "Noted" in noted and FALLBACK not in noted


def test_a_bid_confirmed_by_typing_sim_is_placed_once_and_repeats_amount_and_lot(
    chat: ChatFactory, showroom: Showroom
) -> None:
    lot = new_lot(showroom, "camry_2015")
    buyer = bidder(chat, showroom, Channel.WHATSAPP)
    buyer.say("/lang pt")

    [summary] = buyer.say(f"lance 1500 no lote {lot}")
    assert f"lote {lot}" in text_of(buyer, summary)
    assert "lance máximo: US$ 1500" in digits(text_of(buyer, summary))
    assert bids_on(showroom, lot) == []
    [placed] = buyer.texts(buyer.say("sim"))
    assert f"lote {lot}" in placed and "US$ 1000" in digits(placed), placed
    assert bids_on(showroom, lot) == [(buyer_row(showroom, buyer).id, 1_500_00)]

    [after] = buyer.texts(buyer.say("sim"))  # the question was answered: nothing more is placed
    assert FALLBACK not in after
    assert len(bids_on(showroom, lot)) == 1


def test_a_typed_no_cancels_the_bid_summary(chat: ChatFactory, showroom: Showroom) -> None:
    lot = new_lot(showroom, "sienna_2011")
    buyer = bidder(chat, showroom, Channel.TELEGRAM)

    buyer.say(f"bid 1200 on lot {lot}")
    [cancelled] = buyer.texts(buyer.say("no"))
    assert FALLBACK not in cancelled
    assert bids_on(showroom, lot) == []
