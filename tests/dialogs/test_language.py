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

    [notice, changed] = buyer.say("français", replies=2)  # a first message: the notice too
    [thanks] = buyer.say("thank you")

    assert buyer.texts([notice])[0].startswith("🔒 Vie privée : pour vous répondre")
    assert payloads(notice) == ["/give_consent"]
    assert buyer.texts([changed])[0].startswith("D'accord, je vous écris en français")
    assert buyer.texts([thanks])[0].startswith("Avec plaisir")
    assert buyer_row(showroom, buyer).language == "fr"


def test_the_lang_command_switches_a_telegram_buyer_to_portuguese(
    chat: ChatFactory, showroom: Showroom
) -> None:
    buyer = chat(Channel.TELEGRAM)

    [notice, changed] = buyer.say("/lang pt", replies=2)
    [menu] = buyer.say("help")

    assert buyer.texts([notice])[0].startswith("🔒 Privacidade:")
    assert buyer.texts([changed])[0].startswith("Combinado, a partir de agora escrevo em português")
    assert buyer.texts([menu])[0].startswith("Eis o que posso fazer")
    assert buyer_row(showroom, buyer).language == "pt"


def test_a_french_buyer_asks_for_english(chat: ChatFactory, showroom: Showroom) -> None:
    buyer = chat(Channel.TELEGRAM)

    [notice, changed] = buyer.say("in English please", language_hint="fr", replies=2)
    [thanks] = buyer.say("merci")

    assert buyer.texts([notice])[0].startswith("🔒 Privacy: to answer you")
    assert buyer.texts([changed])[0].startswith("OK, I'll write in English from now on")
    assert buyer.texts([thanks])[0].startswith("You're welcome")
    assert buyer_row(showroom, buyer).language == "en"


def test_a_buyer_who_chose_a_language_does_not_get_the_notice_again_for_another(
    chat: ChatFactory, showroom: Showroom
) -> None:
    buyer = chat(Channel.TELEGRAM)
    buyer.say("Português", replies=2)
    buyer.tap("/give_consent", "Aceito")

    [changed] = buyer.say("English")

    assert buyer.texts([changed])[0].startswith("OK, I'll write in English from now on")


def test_a_whole_message_in_another_language_is_answered_in_it_and_the_switch_asked_once(
    chat: ChatFactory, showroom: Showroom
) -> None:
    buyer = chat(Channel.WHATSAPP)
    buyer.say("bonjour")  # a French buyer
    assert buyer_row(showroom, buyer).language == "fr"

    *results, question = buyer.say("quero ver uma toyota hilux por favor", replies=3)

    assert buyer.texts(results)[0].startswith("Eis o que tenho para Toyota Hilux")
    assert buyer.texts([question]) == ["Passo a escrever-lhe em português?"]
    assert payloads(question) == ['/choose_language{"language":"pt"}',
                                  '/acknowledge{"answer":"no"}']  # fmt: skip
    assert buyer_row(showroom, buyer).language == "fr"  # nothing changes until they say so

    [french] = buyer.say("je cherche une toyota corolla pas chère", replies=2)[:1]
    assert buyer.texts([french])[0].startswith("Voici ce que j'ai pour Toyota Corolla")
    again = buyer.say("quero ver um toyota rav4 agora", replies=2)
    assert "Passo a escrever-lhe em português?" not in buyer.texts(again)  # asked once
    assert buyer.texts(again)[0].startswith("Eis o que tenho para Toyota RAV4")


def test_yes_to_the_switch_keeps_to_the_new_language(chat: ChatFactory, showroom: Showroom) -> None:
    buyer = chat(Channel.TELEGRAM)
    buyer.say("olá", language_hint="pt")
    buyer.say("show me toyota hilux please", replies=3)

    [changed] = buyer.say("yes")
    [menu] = buyer.say("ajuda")  # Portuguese words, but the buyer chose English

    assert buyer.texts([changed])[0].startswith("OK, I'll write in English from now on")
    assert buyer_row(showroom, buyer).language == "en"
    assert buyer.texts([menu])[0].startswith("Here is what I can do")


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
