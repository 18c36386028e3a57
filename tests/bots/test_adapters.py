"""Channel adapters: what a channel cannot show falls back to text, and each adapter remembers
and resolves its own choices (numbered options, Telegram's long callback payloads) in Redis."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
import pytest
import redis.asyncio as aioredis

from bots.adapters import ChannelAdapter, TelegramAdapter, build_adapters
from bots.channels import choices as choices_module
from bots.channels.choices import ChoiceMemory
from bots.config import ChannelSettings
from bots.outbound.limits import RedisRateLimiter, channel_limits
from bots.outbound.parts import OutboundPart
from chat.answers import Answer
from chat.messages import Channel, InboundKind, InboundMessage
from chat.replies import Button, Reply

PHOTOS = ["https://cdn.test/1.jpg", "https://cdn.test/2.jpg"]
CHOICES = [Button(title="Tema", payload="/port{\"port\": \"Tema\"}"),
           Button(title="Lagos", payload="/port{\"port\": \"Lagos\"}")]  # fmt: skip


class PlainTextChannel(ChannelAdapter):
    """A channel that can show nothing but text: it says how to send text, and nothing else."""

    channel = Channel.TWILIO

    def text_part(self, chat_id: str, text: str) -> OutboundPart:
        return OutboundPart("text", text, "send", {"to": chat_id, "text": text})


def message(text: str, user: str, **fields: object) -> InboundMessage:
    return InboundMessage.model_validate({
        "channel": Channel.TWILIO, "message_id": uuid.uuid4().hex, "user_id": user,
        "chat_id": user, "text": text, "kind": InboundKind.TEXT, **fields,
    })  # fmt: skip


def test_buttons_fall_back_to_numbered_options_and_a_number_chooses_one(
    async_redis: aioredis.Redis, loop: asyncio.AbstractEventLoop
) -> None:
    adapter = PlainTextChannel(ChoiceMemory(async_redis))
    user = f"+{uuid.uuid4().int % 10**10}"
    conversation = message("", user).conversation_key

    parts = loop.run_until_complete(adapter.prepare(
        [Reply(text="Which port?", buttons=CHOICES)], conversation=conversation, chat_id=user
    ))  # fmt: skip
    second = loop.run_until_complete(adapter.engine_text(message("2", user)))
    third = loop.run_until_complete(adapter.engine_text(message("3", user)))

    assert [part.body["text"] for part in parts] == ["Which port?\n\n1. Tema\n2. Lagos"]
    assert parts[0].kind == "numbered"
    assert second == CHOICES[1].payload
    assert third == '/choice_out_of_range{"number":"3","count":"2"}'  # there were two


def test_an_image_and_a_gallery_fall_back_to_their_links() -> None:
    adapter = PlainTextChannel(ChoiceMemory(aioredis.Redis()))  # rendering touches no Redis

    rendered = adapter.render(
        [Reply(text="The Hilux", image_url=PHOTOS[0]),
         Reply(text="All its photos", custom={"gallery": PHOTOS})], "+233200000001",
    )  # fmt: skip

    assert [part.body["text"] for part in rendered.parts] == [
        PHOTOS[0], "The Hilux", "\n".join(PHOTOS), "All its photos",
    ]  # fmt: skip
    assert rendered.numbered_options == []


def test_the_engine_reads_a_buttons_payload_and_a_start_or_a_sticker_as_intents(
    async_redis: aioredis.Redis, loop: asyncio.AbstractEventLoop
) -> None:
    adapter = PlainTextChannel(ChoiceMemory(async_redis))
    user = f"+{uuid.uuid4().int % 10**10}"

    read = [
        loop.run_until_complete(adapter.engine_text(message(text, user, **fields)))
        for text, fields in [
            ("Tema", {"kind": InboundKind.BUTTON, "payload": "/port"}),
            ("", {"kind": InboundKind.START}),
            ("", {"kind": InboundKind.UNSUPPORTED, "provider_type": "sticker"}),
            ("Toyota Hilux", {}),
        ]
    ]

    assert read == ["/port", "/greet", '/media_received{"media":"sticker"}', "Toyota Hilux"]


@pytest.mark.parametrize(
    ("fields", "engine_reads"),
    [({"kind": InboundKind.UNSUPPORTED, "provider_type": "audio"}, "voice"),  # WhatsApp
     ({"kind": InboundKind.UNSUPPORTED, "provider_type": "voice"}, "voice"),  # Telegram
     ({"kind": InboundKind.UNSUPPORTED, "provider_type": "audio/ogg"}, "voice"),  # Twilio
     ({"kind": InboundKind.UNSUPPORTED, "provider_type": "video_note"}, "video"),
     ({"kind": InboundKind.UNSUPPORTED, "provider_type": "animation"}, "sticker"),
     ({"kind": InboundKind.UNSUPPORTED, "provider_type": "application/pdf"}, "document"),
     ({"kind": InboundKind.UNSUPPORTED, "provider_type": "poll"}, "other"),
     ({"kind": InboundKind.IMAGE}, "image"),
     ({"kind": InboundKind.LOCATION}, "location"),
     ({"kind": InboundKind.CONTACT}, "contact")],
)  # fmt: skip
def test_what_is_not_words_reaches_the_engine_named_by_its_kind(
    fields: dict[str, Any], engine_reads: str
) -> None:
    adapter = PlainTextChannel(ChoiceMemory(aioredis.Redis()))

    read = asyncio.run(adapter.engine_text(message("", "+233200000002", **fields)))

    assert read == f'/media_received{{"media":"{engine_reads}"}}'


def test_a_photos_caption_is_read_as_words() -> None:
    adapter = PlainTextChannel(ChoiceMemory(aioredis.Redis()))
    photo = message("toyota like this one", "+233200000002", kind=InboundKind.IMAGE)

    assert asyncio.run(adapter.engine_text(photo)) == "toyota like this one"


def test_telegram_remembers_a_payload_too_long_for_a_callback_and_resolves_its_key(
    channel_settings: ChannelSettings,
    async_redis: aioredis.Redis,
    loop: asyncio.AbstractEventLoop,
) -> None:
    long_payload = '/choose_vehicle{"vehicle_id": 12345, "note": "' + "x" * 80 + '"}'
    http = httpx.AsyncClient()
    limiter = RedisRateLimiter(async_redis, channel_limits(channel_settings))
    adapters = build_adapters(channel_settings, http, "https://nzila.test", async_redis, limiter)
    telegram = adapters[Channel.TELEGRAM]
    assert isinstance(telegram, TelegramAdapter)

    [part] = loop.run_until_complete(telegram.prepare(
        [Reply(text="This one?", buttons=[Button(title="Yes", payload=long_payload)])],
        conversation="telegram:700000001", chat_id="700000001",
    ))  # fmt: skip
    [[button]] = part.body["reply_markup"]["inline_keyboard"]
    tapped = InboundMessage(channel=Channel.TELEGRAM, message_id="u1", user_id="700000001",
                            chat_id="700000001", kind=InboundKind.BUTTON, text="Yes",
                            payload=button["callback_data"])  # fmt: skip
    resolved = loop.run_until_complete(telegram.engine_text(tapped))
    loop.run_until_complete(http.aclose())

    assert len(button["callback_data"].encode()) <= 64
    assert resolved == long_payload


RESULTS = [Button(title="2016 Toyota Camry $9,800", payload='/choose_vehicle{"vehicle_id":"7"}'),
           Button(title="2018 Honda Accord $12,500", payload='/choose_vehicle{"vehicle_id":"3"}'),
           Button(title="More results", payload="/more_results")]  # fmt: skip
CONFIRM = [Button(title="Confirm $5,200", payload='/confirm_bid{"lot":"12","cents":"520000"}',
                  answers=Answer.CONFIRM),
           Button(title="Cancel", payload="/cancel_bid", answers=Answer.NO)]  # fmt: skip


def _typed(adapter: ChannelAdapter, loop: asyncio.AbstractEventLoop, user: str,
           texts: list[str]) -> list[str]:  # fmt: skip
    return [loop.run_until_complete(adapter.engine_text(message(text, user))) for text in texts]


def test_typed_places_and_names_pick_from_the_list_not_from_the_buttons_beside_it(
    async_redis: aioredis.Redis, loop: asyncio.AbstractEventLoop
) -> None:
    adapter = PlainTextChannel(ChoiceMemory(async_redis))
    user = f"+{uuid.uuid4().int % 10**10}"
    loop.run_until_complete(adapter.prepare(
        [Reply(text="1. Camry\n2. Accord", buttons=RESULTS),
         Reply(text="Want alerts?", buttons=CHOICES[:1])],
        conversation=message("", user).conversation_key, chat_id=user,
    ))  # fmt: skip

    assert _typed(adapter, loop, user, ["the first one", "o segundo", "the last one",
                                        "the Camry", "14", "Toyota Hilux"]) == [
        RESULTS[0].payload, RESULTS[1].payload, RESULTS[1].payload, RESULTS[0].payload,
        '/choice_out_of_range{"number":"14","count":"2"}', "Toyota Hilux",  # 2 vehicles, not More
    ]  # fmt: skip


def test_a_typed_yes_or_no_answers_the_question_just_asked(
    async_redis: aioredis.Redis, loop: asyncio.AbstractEventLoop
) -> None:
    adapter = PlainTextChannel(ChoiceMemory(async_redis))
    user = f"+{uuid.uuid4().int % 10**10}"
    conversation = message("", user).conversation_key
    asked = Reply(text="Confirm your bid of $5,200 on lot 12?", buttons=CONFIRM)
    loop.run_until_complete(adapter.prepare([asked], conversation=conversation, chat_id=user))

    assert _typed(adapter, loop, user, ["yes", "Sim 👍", "👍", "non merci"]) == [
        CONFIRM[0].payload, CONFIRM[0].payload, '/acknowledge{"answer":"ok"}',
        CONFIRM[1].payload,
    ]  # fmt: skip
    # "yes" on its own, with no question pending: an acknowledgement, never a bid
    loop.run_until_complete(adapter.prepare([Reply(text="Your bid is in.")],
                                            conversation=conversation, chat_id=user))  # fmt: skip
    assert _typed(adapter, loop, user, ["yes", "thx", "I agree"]) == [
        '/acknowledge{"answer":"yes"}', '/acknowledge{"answer":"thanks"}', "I agree",
    ]  # fmt: skip


def test_ok_or_a_thumbs_up_answers_a_plain_yes_but_never_a_binding_one(
    async_redis: aioredis.Redis, loop: asyncio.AbstractEventLoop
) -> None:
    adapter = PlainTextChannel(ChoiceMemory(async_redis))
    user = f"+{uuid.uuid4().int % 10**10}"
    conversation = message("", user).conversation_key
    watch = [
        Button(title="Yes", payload='/watch_with_alerts{"vehicle_id":"7"}', answers=Answer.YES),
        Button(title="Not now", payload='/acknowledge{"answer":"no"}', answers=Answer.NO),
    ]
    for typed in ("ok", "👍", "okay 👌", "d'accord"):
        asked = Reply(text="Watch it?", buttons=watch)
        loop.run_until_complete(adapter.prepare([asked], conversation=conversation, chat_id=user))
        assert _typed(adapter, loop, user, [typed]) == [watch[0].payload], typed
    loop.run_until_complete(adapter.prepare([Reply(text="Confirm?", buttons=CONFIRM)],
                                            conversation=conversation, chat_id=user))  # fmt: skip
    assert _typed(adapter, loop, user, ["ok", "✅"]) == [
        '/acknowledge{"answer":"ok"}', CONFIRM[0].payload,
    ]  # fmt: skip


def test_a_typed_phone_number_or_e_mail_is_an_offer_of_a_call_back_never_a_bid_or_a_choice(
    async_redis: aioredis.Redis, loop: asyncio.AbstractEventLoop
) -> None:
    adapter = PlainTextChannel(ChoiceMemory(async_redis))
    user = f"+{uuid.uuid4().int % 10**10}"
    loop.run_until_complete(adapter.prepare(
        [Reply(text="1. Camry\n2. Accord", buttons=RESULTS),
         Reply(text="Confirm?", buttons=CONFIRM)],
        conversation=message("", user).conversation_key, chat_id=user,
    ))  # fmt: skip

    assert _typed(adapter, loop, user, ["+234 803 123 4567 call me",
                                        "my number is 0803 123 4567",
                                        "pls email me the price list Ama.Mensah@gmail.com",
                                        "bid 5200 on lot 12", "2"]) == [
        '/offer_callback{"contact":"+2348031234567","contact_kind":"phone"}',
        '/offer_callback{"contact":"08031234567","contact_kind":"phone"}',
        '/offer_callback{"contact":"ama.mensah@gmail.com","contact_kind":"email"}',
        "bid 5200 on lot 12", RESULTS[1].payload,
    ]  # fmt: skip


def test_a_yes_to_a_question_asked_too_long_ago_confirms_nothing(
    async_redis: aioredis.Redis, loop: asyncio.AbstractEventLoop, monkeypatch: pytest.MonkeyPatch
) -> None:
    adapter = PlainTextChannel(ChoiceMemory(async_redis))
    user = f"+{uuid.uuid4().int % 10**10}"
    asked = Reply(text="Confirm your bid of $5,200 on lot 12?", buttons=CONFIRM)
    loop.run_until_complete(adapter.prepare(
        [asked], conversation=message("", user).conversation_key, chat_id=user))  # fmt: skip
    monkeypatch.setattr(choices_module, "QUESTION_TTL", -1)  # the question is older than this

    assert _typed(adapter, loop, user, ["yes", "no"]) == ["/question_expired"] * 2


def test_telegram_keyboards_are_choosable_by_typing_too(
    channel_settings: ChannelSettings,
    async_redis: aioredis.Redis,
    loop: asyncio.AbstractEventLoop,
) -> None:
    limiter = RedisRateLimiter(async_redis, channel_limits(channel_settings))
    telegram = build_adapters(channel_settings, httpx.AsyncClient(), "https://nzila.test",
                              async_redis, limiter)[Channel.TELEGRAM]  # fmt: skip
    chat = str(uuid.uuid4().int % 10**9)
    loop.run_until_complete(
        telegram.prepare(
            [Reply(text="Results", buttons=RESULTS)], conversation=f"telegram:{chat}", chat_id=chat
        )
    )
    typed = InboundMessage(channel=Channel.TELEGRAM, message_id="t1", user_id=chat,
                           chat_id=chat, text="2", kind=InboundKind.TEXT)  # fmt: skip

    assert loop.run_until_complete(telegram.engine_text(typed)) == RESULTS[1].payload
