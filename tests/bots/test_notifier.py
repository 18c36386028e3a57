"""Alerts sent through the real channel adapters to the local fake providers: the words and
buttons arrive on the recipient's channel (or its template outside the window), each part is
recorded in the recipient's conversation and sent once, and a refusal is reported as "not
sent"."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bots.adapters import build_adapters
from bots.notifier import ChannelNotifier
from bots.outbound.limits import RedisRateLimiter, channel_limits
from catalog.conversations.models import ChatMessage, MessageStatus
from catalog.database import transaction, utcnow
from catalog.outbox import service as outbox
from catalog.outbox.models import AlertStatus, OutboxMessage
from chat.messages import Channel
from chat.replies import Button
from infra.redis import RedisSettings, connect_async_redis
from notifications.notifier import AlertMessage, Delivery, NotSent, Recipient, Template
from tests.factories import make_buyer
from tests.servers import channel_settings

OUTBID = AlertMessage(
    "You were outbid on the 2015 Toyota RAV4.", [Button(title="Bid again", payload="/bid")]
)


def an_alert(sessions: sessionmaker[Session]) -> int:
    with transaction(sessions) as db_session:
        buyer = make_buyer(db_session).id
        outbox.add(db_session, "auction", 1, [outbox.Entry("auction.outbid",
                                                           uuid.uuid4().hex, buyer)])  # fmt: skip
    with sessions() as db_session:
        return (
            db_session.scalars(select(OutboxMessage.id).order_by(OutboxMessage.id.desc())).first()
            or 0
        )


def notify(
    fakes_url: str, redis: RedisSettings, recipient: Recipient, channels: list[str] | None = None,
    *, sessions: sessionmaker[Session], alert: int | None = None,
    template: Template | None = None, message: AlertMessage = OUTBID,
    finish: Callable[[Session], None] | None = None,
) -> list[str]:  # fmt: skip
    settings = channel_settings(fakes_url, **({"channels": channels} if channels else {}))
    alert_id = alert if alert is not None else an_alert(sessions)
    route = f"{recipient.channel.value}:{'template' if template else 'free'}"

    async def main() -> list[str]:
        connection = connect_async_redis(redis)
        prefix = f"nzila:test:{uuid.uuid4().hex[:12]}"
        limiter = RedisRateLimiter(connection, channel_limits(settings), prefix=prefix)
        try:
            async with httpx.AsyncClient(timeout=10) as http:
                adapters = build_adapters(
                    settings, http, "http://127.0.0.1:8000", connection, limiter
                )
                notifier = ChannelNotifier(adapters, sessions, connection)
                return await notifier.deliver(
                    Delivery(alert_id, route, recipient, message, template, key=f"t{uuid.uuid4()}"),
                    finish=finish,
                )
        finally:
            await connection.aclose()

    return asyncio.run(main())


def received(fakes_url: str, chat: str) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = httpx.get(f"{fakes_url}/_fake/requests").json()
    return [r for r in records if chat in str(r.get("body"))]


def test_an_alert_reaches_a_telegram_chat_with_its_button(
    fakes_url: str, redis_settings: RedisSettings, sessions: sessionmaker[Session]
) -> None:
    chat = str(uuid.uuid4().int % 10**9)

    ids = notify(
        fakes_url,
        redis_settings,
        sessions=sessions,
        recipient=Recipient(Channel.TELEGRAM, chat, "en"),
    )

    [record] = received(fakes_url, chat)
    assert record["body"]["text"] == OUTBID.text
    keyboard = record["body"]["reply_markup"]["inline_keyboard"]
    assert keyboard == [[{"text": "Bid again", "callback_data": "/bid"}]]
    assert len(ids) == 1 and ids[0].startswith(f"{chat}:")


def test_an_alert_reaches_a_whatsapp_number_as_a_reply_button(
    fakes_url: str, redis_settings: RedisSettings, sessions: sessionmaker[Session]
) -> None:
    number = f"23480{uuid.uuid4().int % 10**8:08d}"

    ids = notify(
        fakes_url,
        redis_settings,
        sessions=sessions,
        recipient=Recipient(Channel.WHATSAPP, number, "fr"),
    )

    [record] = received(fakes_url, number)
    assert record["body"]["interactive"]["body"]["text"] == OUTBID.text
    assert len(ids) == 1


def test_a_provider_refusal_is_not_sent_and_not_retryable(
    fakes_url: str, redis_settings: RedisSettings, sessions: sessionmaker[Session]
) -> None:
    failure = {"provider": "whatsapp", "status": 400, "count": 1, "code": 131026}
    httpx.post(f"{fakes_url}/_fake/failures", json=failure).raise_for_status()

    with pytest.raises(NotSent) as raised:
        notify(
            fakes_url,
            redis_settings,
            sessions=sessions,
            recipient=Recipient(Channel.WHATSAPP, "2348000000001", "en"),
        )

    assert raised.value.retryable is False
    assert "131026" in raised.value.reason


def test_a_channel_not_served_is_not_sent(
    fakes_url: str, redis_settings: RedisSettings, sessions: sessionmaker[Session]
) -> None:
    with pytest.raises(NotSent) as raised:
        notify(fakes_url, redis_settings, sessions=sessions,
               recipient=Recipient(Channel.TWILIO, "whatsapp:+1555", "en"),
               channels=["telegram"])  # fmt: skip

    assert raised.value.retryable is False


def recorded(sessions: sessionmaker[Session], alert: int) -> list[ChatMessage]:
    with sessions() as db_session:
        query = select(ChatMessage).where(ChatMessage.outbox_id == alert).order_by(ChatMessage.id)
        return list(db_session.scalars(query))


def test_an_alert_sent_again_the_same_way_sends_nothing_twice(
    fakes_url: str, redis_settings: RedisSettings, sessions: sessionmaker[Session]
) -> None:
    chat = str(uuid.uuid4().int % 10**9)
    alert = an_alert(sessions)
    recipient = Recipient(Channel.TELEGRAM, chat, "en")

    first = notify(fakes_url, redis_settings, sessions=sessions, recipient=recipient, alert=alert)
    again = notify(fakes_url, redis_settings, sessions=sessions, recipient=recipient, alert=alert)

    assert len(received(fakes_url, chat)) == 1
    assert len(first) == 1 and again == []
    [row] = recorded(sessions, alert)
    assert (row.status, row.provider_message_id, row.text) == (MessageStatus.SENT, first[0],
                                                               OUTBID.text)  # fmt: skip


def mark_alert_sent(alert: int) -> Callable[[Session], None]:
    def finish(db_session: Session) -> None:
        outbox.mark_sent(db_session=db_session, message_ids=[alert], now=utcnow(),
                         channel="telegram", template=None)  # fmt: skip

    return finish


def alert_status(sessions: sessionmaker[Session], alert: int) -> AlertStatus:
    with sessions() as db_session:
        message = db_session.get(OutboxMessage, alert)
        assert message is not None
        return message.status


def test_the_alert_is_marked_sent_with_its_last_part_and_a_resend_only_marks_it(
    fakes_url: str, redis_settings: RedisSettings, sessions: sessionmaker[Session]
) -> None:
    chat = str(uuid.uuid4().int % 10**9)
    alert = an_alert(sessions)
    recipient = Recipient(Channel.TELEGRAM, chat, "en")

    def broken(db_session: Session) -> None:
        raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError):
        notify(fakes_url, redis_settings, sessions=sessions, recipient=recipient, alert=alert,
               finish=broken)  # fmt: skip
    [row] = recorded(sessions, alert)
    assert row.status is MessageStatus.SENT  # accepted by the provider: never sent again
    assert alert_status(sessions, alert) is AlertStatus.PENDING

    again = notify(fakes_url, redis_settings, sessions=sessions, recipient=recipient,
                   alert=alert, finish=mark_alert_sent(alert))  # fmt: skip

    assert again == [] and len(received(fakes_url, chat)) == 1
    assert alert_status(sessions, alert) is AlertStatus.SENT


def test_outside_the_window_a_whatsapp_alert_goes_as_its_template_with_its_buttons(
    fakes_url: str, redis_settings: RedisSettings, sessions: sessionmaker[Session]
) -> None:
    number = f"23481{uuid.uuid4().int % 10**8:08d}"
    message = AlertMessage("outbid", [Button(title="Bid $5,300", payload='/place_bid{"lot":"3"}')],
                           ["3", "2015 Toyota RAV4", "$5,200", "$5,300"])  # fmt: skip

    notify(fakes_url, redis_settings, sessions=sessions, message=message,
           recipient=Recipient(Channel.WHATSAPP, number, "fr"),
           template=Template("nzila_auction_outbid", "fr", "utility"))  # fmt: skip

    [record] = received(fakes_url, number)
    template = record["body"]["template"]
    assert (record["body"]["type"], template["name"], template["language"]) == (
        "template", "nzila_auction_outbid", {"code": "fr"})  # fmt: skip
    body, button = template["components"]
    assert [p["text"] for p in body["parameters"]] == message.params
    rebid = {"type": "payload", "payload": '/place_bid{"lot":"3"}'}
    assert button == {"type": "button", "sub_type": "quick_reply", "index": "0",
                      "parameters": [rebid]}  # fmt: skip


def test_a_twilio_alert_outside_the_window_goes_as_its_content_template(
    fakes_url: str, redis_settings: RedisSettings, sessions: sessionmaker[Session]
) -> None:
    number = f"whatsapp:+23482{uuid.uuid4().int % 10**8:08d}"
    sid = "HX" + "a" * 32
    message = AlertMessage("won", [], ["3", "2015 Toyota RAV4", "$5,200", "12 Dec"])

    notify(fakes_url, redis_settings, sessions=sessions, message=message,
           recipient=Recipient(Channel.TWILIO, number, "en"),
           template=Template(sid, "en", "utility"))  # fmt: skip

    [record] = received(fakes_url, number)
    assert record["body"]["ContentSid"] == sid
    assert record["body"]["ContentVariables"] == (
        '{"1": "3", "2": "2015 Toyota RAV4", "3": "$5,200", "4": "12 Dec"}'
    )
    assert "Body" not in record["body"]
