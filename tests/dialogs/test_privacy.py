"""Privacy in chat, through the worker, the real Rasa and the action server: the notice on the
first greeting, consent only on a tap, STOP and START, "my data", and "delete my data"."""

from __future__ import annotations

from catalog.privacy.models import PrivacyAction
from catalog.privacy.service import CONSENT_VERSION
from chat.messages import Channel
from tests.conversations import ChatFactory, Showroom
from tests.dialogs.chat_support import (
    audit,
    buyer_row,
    conversation_of,
    payloads,
    reload,
    tracker_of,
    without_worker,
)
from tests.rasa_stack import RasaStack


def test_a_new_buyer_is_greeted_with_the_notice_and_consents_only_by_tapping_i_agree(
    chat: ChatFactory, showroom: Showroom
) -> None:
    buyer = chat(Channel.WHATSAPP)

    [greeting] = buyer.say("hello")
    [help_reply] = buyer.say("help")  # browsing does not wait for consent...
    row = buyer_row(showroom, buyer)
    assert row.consent_given_at is None  # ...and continuing is not consent
    [thanks] = buyer.tap("/give_consent", "I agree")
    buyer.tap("/give_consent", "I agree")  # an old button tapped again
    [second_greeting] = buyer.say("hi")
    [tour] = buyer.say("yes")

    [notice] = buyer.texts([greeting])
    assert notice.startswith("🔒 Privacy: to answer you we keep your number")
    assert 'Say STOP to stop alerts, "my data"' in notice
    assert "Hello, I'm Nzila" in notice
    assert payloads(greeting) == ["/give_consent", "/help", "/deny"]
    assert buyer.texts([help_reply])[0].startswith("Here is what I can do")
    assert buyer.texts([thanks])[0].startswith("Thank you, noted")
    assert buyer.texts([second_greeting])[0].startswith("Hello, I'm Nzila")  # asked once
    assert buyer.texts([tour])[0].startswith("Here is what I can do")
    row = reload(showroom, row)
    assert row.consent_given_at is not None
    assert row.consent_version == CONSENT_VERSION
    assert audit(showroom, row.id) == [PrivacyAction.CONSENT]


def test_a_twilio_buyer_accepts_the_french_notice_by_typing_its_number(
    chat: ChatFactory, showroom: Showroom
) -> None:
    buyer = chat(Channel.TWILIO)

    [greeting] = buyer.say("bonjour", language_hint="fr")
    [thanks] = buyer.say("1")

    text = buyer.texts([greeting])[0]
    assert text.startswith("🔒 Vie privée")
    assert "1. J'accepte" in text
    assert buyer.texts([thanks])[0].startswith("Merci, c'est noté")
    assert buyer_row(showroom, buyer).consent_version == CONSENT_VERSION


def test_stop_turns_alerts_off_and_says_how_to_resume_and_start_asks_for_consent_first(
    chat: ChatFactory, showroom: Showroom
) -> None:
    buyer = chat(Channel.TELEGRAM)

    [stopped] = buyer.say("pare", language_hint="pt")
    row = buyer_row(showroom, buyer)
    opted_out = row.opted_out_at
    [resumed] = buyer.tap("/opt_in", "Voltar aos alertas")

    assert buyer.texts([stopped])[0].startswith("Feito: não vai receber mais alertas")
    assert "START" in buyer.texts([stopped])[0]
    assert payloads(stopped) == ["/opt_in"]
    assert opted_out is not None
    assert buyer.texts([resumed])[0].startswith("Para enviar alertas precisamos do seu acordo")
    assert payloads(resumed) == ["/give_consent"]
    assert reload(showroom, row).opted_out_at is None
    assert audit(showroom, row.id) == [PrivacyAction.OPT_OUT, PrivacyAction.OPT_IN]


def test_a_consenting_buyer_says_stop_then_start(chat: ChatFactory, showroom: Showroom) -> None:
    buyer = chat(Channel.WHATSAPP)
    buyer.say("hello")
    buyer.tap("/give_consent")

    [stopped] = buyer.say("STOP")
    [resumed] = buyer.say("START")

    assert buyer.texts([stopped])[0].startswith("Done: you will get no more alerts")
    assert buyer.texts([resumed])[0].startswith("Alerts are back on")
    row = buyer_row(showroom, buyer)
    assert row.opted_out_at is None
    assert audit(showroom, row.id) == [
        PrivacyAction.CONSENT,
        PrivacyAction.OPT_OUT,
        PrivacyAction.OPT_IN,
    ]


def test_my_data_shows_what_we_hold_with_the_number_masked(
    chat: ChatFactory, showroom: Showroom
) -> None:
    buyer = chat(Channel.WHATSAPP)
    buyer.say("hello")
    buyer.tap("/give_consent")

    [summary] = buyer.say("what do you know about me")

    text = buyer.texts([summary])[0]
    assert text.startswith("Here is what we hold about you")
    assert f"WhatsApp number: +{'*' * (len(buyer.user) - 3)}{buyer.user[-3:]}" in text
    assert buyer.user not in text
    assert "privacy notice accepted: 20" in text and f"({CONSENT_VERSION})" in text
    assert "alerts: ✅" in text
    assert "messages: 3 from you, 2 from us, in 1 conversation(s)" in text
    row = buyer_row(showroom, buyer)
    assert audit(showroom, row.id)[-1] is PrivacyAction.DATA_SUMMARY


def test_mes_donnees_on_telegram_is_answered_in_french(
    chat: ChatFactory, showroom: Showroom
) -> None:
    buyer = chat(Channel.TELEGRAM)

    [summary] = buyer.say("mes données", language_hint="fr")

    text = buyer.texts([summary])[0]
    assert text.startswith("Voici ce que nous gardons sur vous")
    assert "compte Telegram : ✅" in text
    assert "avis de confidentialité accepté : —" in text
    assert buyer.user not in text


def test_delete_my_data_confirmed_erases_the_buyer_and_restarts_the_conversation(
    chat: ChatFactory, showroom: Showroom, rasa_stack: RasaStack
) -> None:
    buyer = chat(Channel.WHATSAPP)
    buyer.say("hello")
    buyer.say("I need a pickup")
    row = buyer_row(showroom, buyer)
    key = conversation_of(showroom, buyer).key

    [question] = buyer.say("delete my data")
    [done] = buyer.tap("/confirm_erasure", "Yes, delete")

    assert buyer.texts([question])[0].startswith("Delete your data?")
    assert payloads(question) == ["/confirm_erasure", "/cancel_erasure"]
    assert buyer.texts([done])[0].startswith("Done: your data is erased")
    erased = reload(showroom, row)
    assert erased.erased_at is not None
    assert erased.whatsapp_number is None
    assert audit(showroom, row.id)[-2:] == [
        PrivacyAction.ERASURE_REQUESTED,
        PrivacyAction.ERASED,
    ]
    tracker = tracker_of(rasa_stack, key)
    texts = [event.get("text") for event in tracker["events"] if event["event"] == "user"]
    assert texts == []  # the tracker starts after the restart: nothing said before is kept
    assert tracker["slots"]["session_started_metadata"] is None
    # Rasa's store itself keeps nothing either (its API would only hide events before a restart)
    assert rasa_stack.tracker_stores.count_events(key) == 0
    [again] = buyer.say("hello")  # a new buyer: asked for consent again
    assert buyer.texts([again])[0].startswith("🔒 Privacy")
    assert buyer_row(showroom, buyer).id != row.id


def test_delete_my_data_declined_on_twilio_keeps_everything(
    chat: ChatFactory, showroom: Showroom
) -> None:
    buyer = chat(Channel.TWILIO)

    [question] = buyer.say("apaga os meus dados", language_hint="pt")
    [kept] = buyer.say("2")

    assert buyer.texts([question])[0].startswith("Apagar os seus dados?")
    assert "2. Não, manter" in buyer.texts([question])[0]
    assert buyer.texts([kept])[0].startswith("Combinado, nada foi apagado")
    row = buyer_row(showroom, buyer)
    assert row.erased_at is None
    assert row.whatsapp_number == f"+{buyer.user}"
    assert audit(showroom, row.id) == []


def test_a_typed_no_after_the_question_keeps_everything_too(
    chat: ChatFactory, showroom: Showroom
) -> None:
    buyer = chat(Channel.TELEGRAM)

    buyer.say("supprime mes données", language_hint="fr")
    [kept] = buyer.say("non")

    assert buyer.texts([kept])[0].startswith("D'accord, rien n'a été supprimé")
    assert buyer_row(showroom, buyer).erased_at is None


def test_without_our_worker_privacy_commands_answer_politely_and_change_nothing(
    rasa_stack: RasaStack,
) -> None:
    commands = ["my data", "STOP", "/give_consent", "delete my data", "/confirm_erasure"]
    turns, tracker = without_worker(rasa_stack, commands, {"language": "en"})

    texts = [reply.text for replies in turns for reply in replies]
    assert len(texts) == 5
    assert texts[3].startswith("Delete your data?")
    del texts[3]
    assert all(text.startswith("Sorry, I can't find your account") for text in texts)
    assert not any(event["event"] == "restart" for event in tracker["events"])


def test_an_old_yes_delete_button_tapped_later_asks_again_and_erases_nothing(
    chat: ChatFactory, showroom: Showroom
) -> None:
    buyer = chat(Channel.TELEGRAM)
    buyer.say("delete my data")
    buyer.say("no")
    buyer.say("thanks")

    [question] = buyer.tap("/confirm_erasure", "Yes, delete")

    assert buyer.texts([question])[0].startswith("Delete your data?")
    assert buyer_row(showroom, buyer).erased_at is None
