"""Choosing the language in chat: a language's name in any of the three, or "/lang xx"; the bot
confirms in the new language, answers in it from then on, and keeps it on the buyer's profile."""

from __future__ import annotations

from chat.messages import Channel
from tests.conversations import ChatFactory, Showroom
from tests.dialogs.chat_support import buyer_row, payloads, without_worker
from tests.rasa_stack import RasaStack


def test_francais_switches_a_whatsapp_buyer_to_french(
    chat: ChatFactory, showroom: Showroom
) -> None:
    buyer = chat(Channel.WHATSAPP)

    [changed] = buyer.say("français")
    [thanks] = buyer.say("thank you")

    assert buyer.texts([changed])[0].startswith("D'accord, je vous écris en français")
    assert buyer.texts([thanks])[0].startswith("Avec plaisir")
    assert buyer_row(showroom, buyer).language == "fr"


def test_the_lang_command_switches_a_telegram_buyer_to_portuguese(
    chat: ChatFactory, showroom: Showroom
) -> None:
    buyer = chat(Channel.TELEGRAM)

    [changed] = buyer.say("/lang pt")
    [menu] = buyer.say("help")

    assert buyer.texts([changed])[0].startswith("Combinado, a partir de agora escrevo em português")
    assert buyer.texts([menu])[0].startswith("Eis o que posso fazer")
    assert buyer_row(showroom, buyer).language == "pt"


def test_a_french_buyer_asks_for_english(chat: ChatFactory, showroom: Showroom) -> None:
    buyer = chat(Channel.TELEGRAM)

    [changed] = buyer.say("in English please", language_hint="fr")
    [thanks] = buyer.say("merci")

    assert buyer.texts([changed])[0].startswith("OK, I'll write in English from now on")
    assert buyer.texts([thanks])[0].startswith("You're welcome")
    assert buyer_row(showroom, buyer).language == "en"


def test_a_message_naming_no_language_offers_the_three_and_a_number_chooses_on_twilio(
    chat: ChatFactory, showroom: Showroom
) -> None:
    buyer = chat(Channel.TWILIO)

    [question] = buyer.say("change language")
    [changed] = buyer.say("3")

    assert "1. English\n2. Français\n3. Português" in buyer.texts([question])[0]
    assert buyer.texts([changed])[0].startswith("Combinado, a partir de agora escrevo em português")
    assert buyer_row(showroom, buyer).language == "pt"


def test_the_language_button_of_the_help_menu_offers_the_languages(chat: ChatFactory) -> None:
    buyer = chat(Channel.WHATSAPP)

    [question] = buyer.tap("/lang", "Language")

    assert payloads(question) == [
        '/choose_language{"language":"en"}',
        '/choose_language{"language":"fr"}',
        '/choose_language{"language":"pt"}',
    ]


def test_without_our_worker_the_lang_command_still_switches_the_conversation(
    rasa_stack: RasaStack,
) -> None:
    [[changed], [thanks]], tracker = without_worker(rasa_stack, ["/lang fr", "thanks"])

    assert changed.text.startswith("D'accord, je vous écris en français")
    assert thanks.text.startswith("Avec plaisir")
    assert tracker["slots"]["language"] == "fr"
