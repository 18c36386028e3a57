"""Asking for a person: the bot says an agent will answer, the conversation waits for an agent,
Rasa pauses, and what the buyer says next goes to the agents' inbox with no bot reply; the buyer
gets the bot back by saying so or with the handoff's button, and the bot comes back by itself
after the wait with no agent (the request stays listed for staff)."""

from __future__ import annotations

import time
from datetime import timedelta

from sqlalchemy import select

from bots.control import DEFAULT_HANDOFF_WAIT_SECONDS
from bots.worker import INBOX_STREAM
from catalog.conversations import service as conversation_service
from catalog.conversations.models import (
    ChatMessage,
    ConversationState,
    HandoffRequest,
    HandoffReturn,
    HandoffStatus,
    MessageStatus,
)
from catalog.database import utcnow
from catalog.privacy.models import PrivacyAction
from chat.messages import Channel
from infra.redis import RedisSettings, connect_redis
from tests.conversations import Buyer, ChatFactory, Showroom
from tests.dialogs.chat_support import (
    audit,
    buyer_row,
    conversation_of,
    payloads,
    tracker_of,
    without_worker,
)
from tests.rasa_stack import RasaStack


def say_to_the_inbox(buyer: Buyer, text: str, redis_settings: RedisSettings) -> dict[str, str]:
    """Send `text` and wait until the worker publishes it for the agents; the stream entry."""
    redis = connect_redis(redis_settings)
    before = redis.xlen(INBOX_STREAM)
    buyer._harness.run([buyer.message(text)], until=lambda: redis.xlen(INBOX_STREAM) > before)
    [(_, fields)] = redis.xrevrange(INBOX_STREAM, count=1)
    return {key.decode(): value.decode() for key, value in fields.items()}


def test_a_buyer_who_asks_for_a_human_gets_an_agent_and_no_more_bot_replies(
    chat: ChatFactory, showroom: Showroom, rasa_stack: RasaStack, redis_settings: RedisSettings
) -> None:
    buyer = chat(Channel.WHATSAPP)
    buyer.say("hello")

    [handoff] = buyer.say("talk to a human")
    conversation = conversation_of(showroom, buyer)
    entry = say_to_the_inbox(buyer, "hello? anyone there?", redis_settings)
    time.sleep(0.5)  # a bot reply, if any, would have been sent by now

    assert buyer.texts([handoff])[0].startswith("OK, I'm passing you to a person on our team")
    assert conversation.state is ConversationState.WAITING_AGENT
    assert tracker_of(rasa_stack, conversation.key)["paused"] is True
    with showroom.sessions() as db_session:
        inbound = db_session.scalars(
            select(ChatMessage)
            .where(ChatMessage.conversation_id == conversation.id)
            .order_by(ChatMessage.id.desc())
            .limit(1)
        ).one()
    assert inbound.text == "hello? anyone there?"
    assert inbound.status is MessageStatus.FOR_AGENT
    assert entry == {"conversation_id": str(conversation.id), "message_id": str(inbound.id)}
    assert len(buyer._harness.sent(buyer.chat)) == 2  # the greeting and the handoff only


def test_stop_while_an_agent_has_the_conversation_turns_alerts_off_and_still_reaches_the_agent(
    chat: ChatFactory, showroom: Showroom, redis_settings: RedisSettings
) -> None:
    buyer = chat(Channel.TWILIO)
    buyer.say("talk to a human")
    conversation = conversation_of(showroom, buyer)

    say_to_the_inbox(buyer, "arrêt", redis_settings)
    entry = say_to_the_inbox(buyer, "STOP", redis_settings)  # said twice: audited once each

    row = buyer_row(showroom, buyer)
    assert row.opted_out_at is not None
    assert audit(showroom, row.id) == [PrivacyAction.OPT_OUT, PrivacyAction.OPT_OUT]
    assert entry["conversation_id"] == str(conversation.id)
    assert len(buyer._harness.sent(buyer.chat)) == 1  # the handoff reply only: the bot is paused


def test_a_sentence_with_stop_in_it_during_a_handoff_is_only_for_the_agent(
    chat: ChatFactory, showroom: Showroom, redis_settings: RedisSettings
) -> None:
    buyer = chat(Channel.WHATSAPP)
    buyer.say("talk to a human")

    say_to_the_inbox(buyer, "stop, I want the blue one instead", redis_settings)

    assert buyer_row(showroom, buyer).opted_out_at is None


def test_a_french_telegram_buyer_asks_for_someone_and_is_answered_in_french(
    chat: ChatFactory, showroom: Showroom
) -> None:
    buyer = chat(Channel.TELEGRAM)

    [handoff] = buyer.say("je veux parler à quelqu'un", language_hint="fr")

    assert buyer.texts([handoff])[0].startswith("D'accord, je vous passe une personne")
    assert conversation_of(showroom, buyer).state is ConversationState.WAITING_AGENT


def test_the_help_menus_talk_to_a_human_button_on_twilio_hands_over_in_portuguese(
    chat: ChatFactory, showroom: Showroom
) -> None:
    buyer = chat(Channel.TWILIO)

    [menu] = buyer.say("ajuda", language_hint="pt")
    [handoff] = buyer.say("3")  # 3. Falar com atendente

    assert "3. Falar com atendente" in buyer.texts([menu])[0]
    assert buyer.texts([handoff])[0].startswith("Combinado, vou passá-lo a uma pessoa")
    assert conversation_of(showroom, buyer).state is ConversationState.WAITING_AGENT


def test_without_our_worker_a_handoff_request_is_declined_politely_and_the_bot_stays(
    rasa_stack: RasaStack,
) -> None:
    [[reply]], tracker = without_worker(rasa_stack, ["agent please"], {"language": "en"})

    assert reply.text.startswith("Sorry, I can't reach our team from here")
    assert tracker["paused"] is False


def requests_of(showroom: Showroom, conversation_id: int) -> list[HandoffRequest]:
    with showroom.sessions() as db_session:
        rows = [
            row
            for row in conversation_service.get_all_handoffs(db_session=db_session)
            if row.conversation_id == conversation_id
        ]
        db_session.expunge_all()
        return rows


def test_a_buyer_silenced_by_a_handoff_says_back_to_the_bot_and_the_bot_answers_again(
    chat: ChatFactory, showroom: Showroom, rasa_stack: RasaStack, redis_settings: RedisSettings
) -> None:
    buyer = chat(Channel.WHATSAPP)
    buyer.say("talk to a human")
    say_to_the_inbox(buyer, "hello? anyone there?", redis_settings)

    [back] = buyer.say("Back to the bot!")
    [answer] = buyer.say("hello")

    conversation = conversation_of(showroom, buyer)
    assert buyer.texts([back])[0].startswith("You're back with Nzila, the bot")
    assert buyer.texts([answer])[0].startswith("Hello, I'm Nzila")
    assert conversation.state is ConversationState.BOT
    assert tracker_of(rasa_stack, conversation.key)["paused"] is False
    [request] = requests_of(showroom, conversation.id)
    assert (request.status, request.returned_by) == (HandoffStatus.RETURNED, HandoffReturn.BUYER)


def test_the_handoffs_button_brings_the_bot_back(chat: ChatFactory, showroom: Showroom) -> None:
    buyer = chat(Channel.TELEGRAM)
    [handoff] = buyer.say("talk to a human")

    [back] = buyer.tap("/back_to_bot", "Back to the bot")

    assert payloads(handoff) == ["/back_to_bot"]
    assert buyer.texts([back])[0].startswith("You're back with Nzila, the bot")
    assert conversation_of(showroom, buyer).state is ConversationState.BOT


def test_on_twilio_the_handoffs_numbered_option_and_french_words_bring_the_bot_back(
    chat: ChatFactory, showroom: Showroom
) -> None:
    buyer = chat(Channel.TWILIO)
    [handoff] = buyer.say("je veux parler à quelqu'un", language_hint="fr")
    [back] = buyer.say("1")  # 1. Retour au robot
    buyer.say("parler à un agent")

    [again] = buyer.say("retour au robot")

    assert "1. Retour au robot" in buyer.texts([handoff])[0]
    assert buyer.texts([back])[0].startswith("C'est de nouveau le robot Nzila")
    assert buyer.texts([again])[0].startswith("C'est de nouveau le robot Nzila")
    assert conversation_of(showroom, buyer).state is ConversationState.BOT


def test_with_no_agent_after_the_wait_the_bot_comes_back_says_so_and_the_request_stays_listed(
    chat: ChatFactory, showroom: Showroom, redis_settings: RedisSettings
) -> None:
    buyer = chat(Channel.WHATSAPP)
    buyer.say("quero falar com um atendente", language_hint="pt")
    conversation = conversation_of(showroom, buyer)
    sent_before = len(buyer._harness.sent(buyer.chat))
    wait = timedelta(seconds=DEFAULT_HANDOFF_WAIT_SECONDS)

    too_soon = buyer._harness.return_overdue_handoffs(now=utcnow() + wait / 2)
    returned = buyer._harness.return_overdue_handoffs(now=utcnow() + wait * 1.1)
    again = buyer._harness.return_overdue_handoffs(now=utcnow() + wait * 1.1)
    [notice] = buyer._harness.sent(buyer.chat)[sent_before:]
    [answer] = buyer.say("olá")

    # The showroom catalog is shared: other tests' buyers still waiting come back too.
    assert too_soon == 0 and returned >= 1 and again == 0
    assert buyer.texts([notice])[0].startswith("Ninguém da equipa está livre neste momento")
    assert buyer.texts([answer])[0].startswith("Olá, eu sou o Nzila")
    assert conversation_of(showroom, buyer).state is ConversationState.BOT
    [request] = requests_of(showroom, conversation.id)
    assert (request.status, request.returned_by) == (HandoffStatus.RETURNED, HandoffReturn.TIMEOUT)


# --- a typed phone number or e-mail: a call-back, never a bid ----------------------------------


def handoffs_of(showroom: Showroom, buyer: Buyer) -> list[HandoffRequest]:
    conversation = conversation_of(showroom, buyer)
    with showroom.sessions() as db_session:
        return list(
            db_session.scalars(
                select(HandoffRequest).where(HandoffRequest.conversation_id == conversation.id)
            )
        )


def test_a_typed_phone_number_is_offered_a_call_back_and_kept_only_once_the_buyer_says_yes(
    chat: ChatFactory, showroom: Showroom
) -> None:
    buyer = chat(Channel.WHATSAPP)
    buyer.say("auctions ending today")

    [offer] = buyer.say("+234 803 123 4567 call me")

    assert buyer.texts([offer])[0].startswith(
        "📞 Shall an agent call you back on +2348031234567? We keep this number with your "
        "request, only to call you"
    )
    assert payloads(offer) == ['/human_handoff{"callback":"yes"}', '/acknowledge{"answer":"no"}']
    assert handoffs_of(showroom, buyer) == []

    [noted] = buyer.say("yes pls")

    assert buyer.texts([noted])[0].startswith(
        "Noted 🙋 An agent on our team will contact you (+2348031234567)"
    )
    [request] = handoffs_of(showroom, buyer)
    assert request.contact == "+2348031234567" and request.status is HandoffStatus.OPEN
    assert conversation_of(showroom, buyer).state is ConversationState.WAITING_AGENT


def test_a_french_call_back_offer_answered_no_keeps_nothing_and_the_bot_stays(
    chat: ChatFactory, showroom: Showroom
) -> None:
    buyer = chat(Channel.TELEGRAM)
    buyer.say("bonjour", language_hint="fr")

    [offer] = buyer.say("appelez-moi au 06 12 34 56 78", language_hint="fr")
    assert buyer.texts([offer])[0].startswith("📞 Voulez-vous qu'un agent vous rappelle au")

    [reply] = buyer.say("non merci", language_hint="fr")

    assert "Désolé" not in buyer.texts([reply])[0]
    assert handoffs_of(showroom, buyer) == []
    assert conversation_of(showroom, buyer).state is ConversationState.BOT


def test_an_e_mail_on_twilio_is_offered_a_written_answer_in_portuguese(
    chat: ChatFactory, showroom: Showroom
) -> None:
    buyer = chat(Channel.TWILIO)
    buyer.say("olá", language_hint="pt")

    [offer] = buyer.say("manda a lista de preços para ama.mensah@gmail.com", language_hint="pt")
    assert buyer.texts([offer])[0].startswith(
        "✉️ Quer que um atendente lhe escreva para ama.mensah@gmail.com?"
    )

    buyer.say("1", language_hint="pt")  # the numbered option "Sim, escrevam-me"

    [request] = handoffs_of(showroom, buyer)
    assert request.contact == "ama.mensah@gmail.com"
