"""The conversation worker end to end: the real Rasa server, a real database and Redis, and the
fake providers over HTTP. Only the providers' APIs are stand-ins."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from bots.queue import InboundQueue
from bots.worker import INBOX_STREAM
from catalog.buyers import service as buyer_service
from catalog.buyers.models import Buyer
from catalog.conversations import service as conversation_service
from catalog.conversations.models import (
    ChatMessage,
    Conversation,
    ConversationState,
    Direction,
    InboundRefusal,
    MessageStatus,
)
from catalog.database import transaction
from chat.messages import (
    Channel,
    DeliveryState,
    DeliveryStatus,
    InboundKind,
    InboundMessage,
    Refusal,
)
from infra.redis import connect_async_redis, connect_redis
from tests.harness import (
    Harness,
    _text_of,
    new_number,
    telegram,
    twilio,
    whatsapp,
)


def test_a_whatsapp_greeting_is_answered_once_with_buttons_and_recorded(harness: Harness) -> None:
    number = new_number()
    harness.run([whatsapp("hello", number)], until=lambda: len(harness.sent(number)) >= 1)
    [reply] = harness.sent(number)
    assert reply["body"]["type"] == "interactive"
    assert "Hello, I'm Nzila" in _text_of(reply)
    with harness.sessions() as db_session:
        rows = db_session.scalars(select(ChatMessage).order_by(ChatMessage.id)).all()
        mine = [row for row in rows if row.channel == "whatsapp"]
        assert [(r.direction, r.status) for r in mine] == [
            (Direction.INBOUND, MessageStatus.ANSWERED),
            (Direction.OUTBOUND, MessageStatus.SENT),
        ]
        assert mine[1].provider_message_id and mine[1].provider_message_id.startswith("wamid.")


def test_a_telegram_buyer_whose_app_speaks_french_is_answered_in_french(harness: Harness) -> None:
    user = 700_000_000 + uuid.uuid4().int % 10**8
    message = telegram("bonjour", user, language_hint="fr")
    harness.run([message], until=lambda: len(harness.sent(str(user))) >= 1)
    [reply] = harness.sent(str(user))
    assert reply["endpoint"] == "sendMessage"
    assert reply["body"]["text"].startswith("Bonjour, je suis Nzila")
    assert reply["body"]["reply_markup"]["inline_keyboard"]


def test_a_language_changed_between_messages_is_used_from_the_next_reply(
    harness: Harness,
) -> None:
    """Changed outside the dialog (an agent, the profile): the worker tells Rasa before the turn."""
    number = new_number()
    chat = f"whatsapp:+{number}"
    harness.run([twilio("hello", number)], until=lambda: len(harness.sent(chat)) >= 1)
    with transaction(harness.sessions) as db_session:
        buyer = buyer_service.get_or_create_by_whatsapp(db_session=db_session, number=f"+{number}")
        buyer.language = "fr"

    harness.run([twilio("thank you", number)], until=lambda: len(harness.sent(chat)) >= 2)

    texts = [_text_of(reply) for reply in harness.sent(chat)]
    assert texts[0].startswith("Hello, I'm Nzila")
    assert texts[1].startswith("Avec plaisir")


def test_a_whatsapp_message_is_marked_read_with_typing_before_the_reply(harness: Harness) -> None:
    number = new_number()
    message = whatsapp("hello", number)
    harness.run([message], until=lambda: bool(harness.sent(number)))

    endpoints = [
        "read" if record["body"].get("status") == "read" else record["body"].get("to")
        for record in harness.requests()
        if record["body"].get("message_id") == message.message_id
        or record["body"].get("to") == number
    ]
    assert endpoints == ["read", number]
    [receipt] = [r for r in harness.requests() if r["body"].get("status") == "read"
                 and r["body"]["message_id"] == message.message_id]  # fmt: skip
    assert receipt["body"]["typing_indicator"] == {"type": "text"}


def test_a_tapped_telegram_button_is_answered_so_its_spinner_stops(harness: Harness) -> None:
    user = 700_000_000 + uuid.uuid4().int % 10**8
    callback = f"cb{uuid.uuid4().hex[:12]}"
    message = telegram("How it works", user, kind=InboundKind.BUTTON, payload="/help",
                       callback_query_id=callback)  # fmt: skip
    harness.run([message], until=lambda: bool(harness.sent(str(user))))

    answers = [r for r in harness.requests() if r["endpoint"] == "answerCallbackQuery"]
    assert [a["body"]["callback_query_id"] for a in answers] == [callback]
    assert _text_of(harness.sent(str(user))[0]).startswith("Here is what I can do")


@pytest.mark.parametrize(("delay", "typing"), [(0.0, True), (30.0, False)])
def test_telegram_shows_typing_only_while_a_reply_takes_longer_than_the_delay(
    harness: Harness, delay: float, typing: bool
) -> None:
    user = 700_000_000 + uuid.uuid4().int % 10**8
    harness.run([telegram("hello", user)], until=lambda: bool(harness.sent(str(user))),
                typing_delay_seconds=delay)  # fmt: skip

    endpoints = [
        r["endpoint"] for r in harness.requests() if str(r["body"].get("chat_id")) == str(user)
    ]
    assert endpoints == (["sendChatAction", "sendMessage"] if typing else ["sendMessage"])


@pytest.mark.parametrize(
    ("text", "greeting"), [("bonjour patron", "Bonjour, je suis Nzila"), ("bom dia mano", "Olá")]
)
def test_a_new_buyer_is_answered_in_the_language_they_write(
    harness: Harness, text: str, greeting: str
) -> None:
    number = new_number()

    harness.run([whatsapp(text, number)], until=lambda: len(harness.sent(number)) >= 1)

    assert _text_of(harness.sent(number)[0]).startswith(greeting)


def test_messages_of_one_conversation_are_answered_in_order(harness: Harness) -> None:
    number = new_number()
    messages = [twilio(text, number) for text in ["hello", "help", "thank you", "bye"]]
    harness.run(messages, until=lambda: len(harness.sent(f"whatsapp:+{number}")) >= 4)
    texts = [_text_of(r) for r in harness.sent(f"whatsapp:+{number}")]
    assert texts[0].startswith("Hello, I'm Nzila")
    assert "1. How it works" in texts[0]  # Twilio shows buttons as numbered options
    assert "what I can do" in texts[1] or "Here is" in texts[1]
    assert texts[2].startswith("You're welcome")
    assert len(texts) == 4


def test_a_number_typed_on_twilio_chooses_that_option(harness: Harness) -> None:
    number = new_number()
    chat = f"whatsapp:+{number}"
    harness.run([twilio("hello", number)], until=lambda: len(harness.sent(chat)) >= 1)
    harness.run([twilio("1", number)], until=lambda: len(harness.sent(chat)) >= 2)
    help_text = _text_of(harness.sent(chat)[1])
    assert help_text == _text_of(harness.sent(chat)[1])
    assert "Hello, I'm Nzila" not in help_text  # "1" was read as "How it works" -> /help


def test_provider_429_and_500_are_retried_then_the_reply_is_sent_once(harness: Harness) -> None:
    number = new_number()
    harness.fail_next("whatsapp", 429, 1, retry_after=1)
    harness.fail_next("whatsapp", 500, 1)
    harness.run([whatsapp("hello", number)], until=lambda: len(harness.sent(number)) >= 1)
    attempts = harness.sent(number, delivered_only=False)
    assert [a["outcome"] for a in attempts] == ["injected_failure", "injected_failure", "delivered"]
    time.sleep(0.3)
    assert len(harness.sent(number)) == 1


def test_a_permanent_refusal_is_recorded_with_the_providers_code(harness: Harness) -> None:
    number = new_number()
    harness.fail_next("whatsapp", 400, 1, code=131026, message="Message undeliverable")
    harness.run(
        [whatsapp("hello", number)], until=lambda: bool(harness.sent(number, delivered_only=False))
    )
    time.sleep(0.5)
    with harness.sessions() as db_session:
        [failed] = db_session.scalars(
            select(ChatMessage).where(
                ChatMessage.direction == Direction.OUTBOUND, ChatMessage.channel == "whatsapp"
            )
        ).all()
    assert failed.status is MessageStatus.FAILED
    assert failed.error_code == "131026"
    assert len(harness.sent(number, delivered_only=False)) == 1  # not retried


def test_a_conversation_taken_over_by_an_agent_goes_to_the_inbox_not_the_bot(
    harness: Harness,
) -> None:
    number = new_number()
    with transaction(harness.sessions) as db_session:
        conversation = conversation_service.get_or_create(
            db_session=db_session,
            key=f"whatsapp:+{number}",
            channel="whatsapp",
            chat_id=number,
            buyer_id=None,
        )
        conversation_service.set_state(
            db_session=db_session, conversation=conversation, state=ConversationState.AGENT
        )
    redis = connect_redis(harness.redis_settings)
    before = redis.xlen(INBOX_STREAM)

    harness.run(
        [whatsapp("is anyone there?", number)], until=lambda: redis.xlen(INBOX_STREAM) > before
    )
    assert harness.sent(number) == []
    with harness.sessions() as db_session:
        [inbound] = db_session.scalars(
            select(ChatMessage).where(ChatMessage.channel == "whatsapp")
        ).all()
    assert inbound.status is MessageStatus.FOR_AGENT


def test_a_worker_killed_mid_turn_loses_nothing_and_sends_nothing_twice(
    harness: Harness, database_url: str, tmp_path: Path
) -> None:
    """Worker A records the reply, then is SIGKILLed while the provider keeps failing; worker B
    reclaims the message and sends the recorded reply exactly once (without a second Rasa turn)."""
    number = new_number()
    harness.fail_next("whatsapp", 500, 4)  # A retries with backoff: 0.5 s, 1 s, 2 s...
    redis_url = (
        harness.redis_settings.redis_url
        or f"unix://{connect_redis(harness.redis_settings).socket_file}"
    )  # type: ignore[attr-defined]
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "INBOUND_STREAM": harness.channels.inbound_stream,
        "TELEGRAM_API_BASE_URL": harness.fakes_url,
        "WHATSAPP_API_BASE_URL": harness.fakes_url,
        "TWILIO_API_BASE_URL": harness.fakes_url,
        "RASA_URL": harness.rasa.base_url,
        "RASA_AUTH_TOKEN": harness.rasa.auth_token,
        "WORKER_METRICS_PORT": "0",
    }
    queue_message = whatsapp("hello", number)

    async def enqueue() -> None:
        redis = connect_async_redis(harness.redis_settings)
        assert await InboundQueue(redis, stream=harness.channels.inbound_stream).accept(
            queue_message
        )
        await redis.aclose()

    asyncio.run(enqueue())
    worker_a = subprocess.Popen(
        [sys.executable, "-m", "webhook.cli", "worker", "--consumer", "worker-a"],
        env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not harness.sent(number, delivered_only=False) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert harness.sent(number, delivered_only=False), "worker A never tried to send"
    finally:
        worker_a.send_signal(signal.SIGKILL)
        worker_a.wait()
    httpx.delete(f"{harness.fakes_url}/_fake/failures").raise_for_status()
    assert harness.sent(number) == []  # nothing delivered yet: the reply would be lost...

    harness.run(
        [], until=lambda: len(harness.sent(number)) >= 1, consumer="worker-b", reclaim_idle_ms=300
    )
    time.sleep(0.5)
    [reply] = harness.sent(number)  # ...but worker B sent it, once
    assert "Hello, I'm Nzila" in _text_of(reply)
    with harness.sessions() as db_session:
        outbound = db_session.scalars(
            select(ChatMessage).where(
                ChatMessage.direction == Direction.OUTBOUND, ChatMessage.channel == "whatsapp"
            )
        ).all()
    assert [row.status for row in outbound] == [MessageStatus.SENT]


def test_two_telegram_buyers_are_both_answered_though_telegram_numbers_messages_per_chat(
    harness: Harness,
) -> None:
    users = [700_000_000 + uuid.uuid4().int % 10**8 for _ in range(2)]
    harness.run(
        [telegram("hello", user) for user in users],
        until=lambda: all(harness.sent(str(user)) for user in users),
    )
    with harness.sessions() as db_session:
        outbound = db_session.scalars(
            select(ChatMessage).where(
                ChatMessage.direction == Direction.OUTBOUND, ChatMessage.channel == "telegram"
            )
        ).all()
    assert sorted(row.status for row in outbound) == [MessageStatus.SENT, MessageStatus.SENT]
    assert len({row.provider_message_id for row in outbound}) == 2


def test_a_sticker_gets_a_reply_that_names_it_and_says_what_to_type(harness: Harness) -> None:
    number = new_number()
    sticker = whatsapp("", number, kind=InboundKind.UNSUPPORTED, provider_type="sticker")
    harness.run([sticker], until=lambda: bool(harness.sent(number)))
    [reply] = harness.sent(number)
    assert "sticker" in _text_of(reply)
    assert "Tell me what vehicle you are looking for" in _text_of(reply)


def _outbound(harness: Harness, chat_id: str) -> list[ChatMessage]:
    with harness.sessions() as db_session:
        return list(
            db_session.scalars(
                select(ChatMessage)
                .join(Conversation, Conversation.id == ChatMessage.conversation_id)
                .where(Conversation.chat_id == chat_id, ChatMessage.direction == Direction.OUTBOUND)
                .order_by(ChatMessage.id)
            ).all()
        )


def _status(message_id: str, state: DeliveryState, number: str) -> DeliveryStatus:
    return DeliveryStatus(
        channel=Channel.WHATSAPP, message_id=message_id, state=state, recipient=f"+{number}"
    )


def test_delivery_reports_are_applied_in_order_and_a_late_delivered_never_undoes_read(
    harness: Harness,
) -> None:
    number = new_number()
    harness.run([whatsapp("hello", number)], until=lambda: len(harness.sent(number)) >= 1)
    [reply] = _outbound(harness, number)
    assert reply.provider_message_id
    reports = [
        _status(reply.provider_message_id, state, number)
        for state in (DeliveryState.SENT, DeliveryState.READ, DeliveryState.DELIVERED)
    ]

    harness.run(reports, until=harness.drained)
    assert _outbound(harness, number)[0].status is MessageStatus.READ


def test_a_reaction_is_recorded_against_the_bots_reply_and_runs_no_turn(
    harness: Harness,
) -> None:
    number = new_number()
    harness.run([whatsapp("hello", number)], until=lambda: len(harness.sent(number)) >= 1)
    [reply] = _outbound(harness, number)
    thumbs = whatsapp(
        "👍", number, kind=InboundKind.REACTION, target_message_id=reply.provider_message_id
    )
    edit = whatsapp("hello again", number, kind=InboundKind.EDIT, target_message_id="wamid.x")
    after = whatsapp("thank you", number)  # answered: the events did not hold up the line
    harness.run([thumbs, edit, after], until=lambda: len(harness.sent(number)) >= 2)
    assert len(harness.sent(number)) == 2  # neither the reaction nor the edit was answered
    with harness.sessions() as db_session:
        rows = db_session.scalars(
            select(ChatMessage).where(
                ChatMessage.provider_message_id.in_([thumbs.message_id, edit.message_id])
            )
        ).all()
    by_kind = {row.kind: row for row in rows}
    assert by_kind["reaction"].text == "👍"
    assert by_kind["reaction"].reply_to_id == reply.id  # the inbox shows it on that reply
    assert by_kind["edit"].text == "hello again"
    assert {row.status for row in rows} == {MessageStatus.ANSWERED}


def test_a_changed_number_moves_the_buyer_and_the_conversation_to_it(harness: Harness) -> None:
    old, new = new_number(), new_number()
    harness.run([whatsapp("hello", old)], until=lambda: len(harness.sent(old)) >= 1)
    changed = whatsapp(
        "", old, kind=InboundKind.IDENTITY_CHANGED, new_user_id=f"+{new}", provider_type="system"
    )
    later = whatsapp("thank you", new)
    harness.run([changed, later], until=lambda: len(harness.sent(new)) >= 1 and harness.drained())
    with harness.sessions() as db_session:
        buyer = db_session.scalar(select(Buyer).where(Buyer.whatsapp_number == f"+{new}"))
        assert buyer is not None
        assert db_session.scalar(select(Buyer).where(Buyer.whatsapp_number == f"+{old}")) is None
        conversation = conversation_service.get_by_key(
            db_session=db_session, key=f"whatsapp:+{new}"
        )
        assert conversation is not None and conversation.buyer_id == buyer.id
        assert conversation.chat_id == new
    assert len(harness.sent(old)) == 1  # the change itself was not answered


def test_a_username_user_is_answered_by_their_business_scoped_id(harness: Harness) -> None:
    bsuid = f"NG.{uuid.uuid4().int % 10**20}"
    message = InboundMessage(
        channel=Channel.WHATSAPP,
        message_id=f"wamid.{uuid.uuid4().hex}",
        user_id=bsuid,
        chat_id=bsuid,
        bsuid=bsuid,
        kind=InboundKind.TEXT,
        text="hello",
    )
    harness.run([message], until=lambda: len(harness.sent(bsuid)) >= 1)
    [reply] = harness.sent(bsuid)
    assert reply["body"]["recipient"] == bsuid and "to" not in reply["body"]
    with harness.sessions() as db_session:
        buyer = db_session.scalar(select(Buyer).where(Buyer.whatsapp_bsuid == bsuid))
        assert buyer is not None and buyer.whatsapp_number is None


def test_a_refused_item_is_kept_for_staff_with_its_reason(harness: Harness) -> None:
    marker = uuid.uuid4().hex
    refusal = Refusal(
        channel=Channel.WHATSAPP,
        reason="change 0 message 1: text: Input should be a valid dictionary",
        item=json.dumps({"id": f"wamid.{marker}", "type": "text", "text": "x"}),
        message_id=f"wamid.{marker}",
    )

    def kept() -> list[InboundRefusal]:
        with harness.sessions() as db_session:
            return list(
                db_session.scalars(
                    select(InboundRefusal).where(
                        InboundRefusal.provider_message_id == f"wamid.{marker}"
                    )
                ).all()
            )

    # An earlier refusal that no worker will handle (its entry trimmed from the stream):
    # refusals share one line but wait for nothing in it.
    redis_client = connect_redis(harness.redis_settings)
    redis_client.incr(f"nzila:seq:{refusal.conversation_key}")
    redis_client.close()
    harness.run([refusal], until=lambda: bool(kept()), ordering_wait_seconds=0.5)
    [row] = kept()
    assert (row.channel, row.reason) == ("whatsapp", refusal.reason)
    assert json.loads(row.item)["id"] == f"wamid.{marker}"
