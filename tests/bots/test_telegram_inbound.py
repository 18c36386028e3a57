from __future__ import annotations

import random
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import event, given, settings

from bots.channels.errors import MalformedPayload, StaleMessage
from bots.channels.telegram_inbound import parse_telegram_update
from bots.channels.telegram_setup import ALLOWED_UPDATES
from bots.queue import SEEN_TTL_SECONDS
from chat.messages import Channel, InboundKind, InboundMessage
from tests.telegram_updates import FUZZED, Mutation, mutated_updates, refresh, sent_at

Payload = Callable[[str, str], dict[str, Any]]


RECORDED_AT = datetime.fromtimestamp(1718000000, UTC)  # when the recorded updates were sent
SOON_AFTER = RECORDED_AT + timedelta(hours=1)
DEDUPE_WINDOW = timedelta(seconds=SEEN_TTL_SECONDS)


def parse(update: dict[str, Any], now: datetime = SOON_AFTER) -> list[InboundMessage]:
    """The update parsed as it would have been soon after it was sent."""
    return parse_telegram_update(update, now=now)


def parse_one(update: dict[str, Any], now: datetime = SOON_AFTER) -> InboundMessage:
    messages = parse(update, now)
    assert len(messages) == 1
    return messages[0]


def test_a_text_message_names_its_sender_chat_and_language(provider_payload: Payload) -> None:
    message = parse_one(provider_payload("telegram", "text"))
    assert message.channel is Channel.TELEGRAM
    assert message.kind is InboundKind.TEXT
    assert message.text == "Toyota Corolla 2015 under 8000 dollars"
    assert message.message_id == "874512301"  # the update_id: what Telegram retries with
    assert (message.user_id, message.chat_id) == ("512345678", "512345678")
    assert message.user_name == "Chinedu Okafor"
    assert message.language_hint == "en"
    assert message.received_at == datetime.fromtimestamp(1718000000, UTC)
    assert message.conversation_key == "telegram:512345678"


def test_start_with_a_deep_link_carries_the_payload(provider_payload: Payload) -> None:
    message = parse_one(provider_payload("telegram", "start_deeplink"))
    assert message.kind is InboundKind.START
    assert message.payload == "v_123"


@pytest.mark.parametrize(
    ("text", "payload"),
    [("/start", ""), ("/start@NzilaDemoBot v_9", "v_9"), ("/start  v_7 ", "v_7")],
)
def test_start_without_or_with_an_addressed_payload(
    provider_payload: Payload, text: str, payload: str
) -> None:
    update = provider_payload("telegram", "start_deeplink")
    update["message"]["text"] = text
    message = parse_one(update)
    assert (message.kind, message.payload) == (InboundKind.START, payload)


def test_other_commands_are_plain_text(provider_payload: Payload) -> None:
    update = provider_payload("telegram", "text")
    update["message"]["text"] = "/starting v_1"
    assert parse_one(update).kind is InboundKind.TEXT


def test_a_button_tap_carries_its_data_and_the_query_to_answer(provider_payload: Payload) -> None:
    message = parse_one(provider_payload("telegram", "callback_query"))
    assert message.kind is InboundKind.BUTTON
    assert message.payload == "quote:123:lagos"
    assert message.callback_query_id == "2200458912345678901"
    assert message.message_id == "874512303"
    assert (message.user_id, message.chat_id) == ("512345678", "512345678")
    assert message.language_hint == "en"


def test_a_button_on_an_inline_message_replies_in_the_private_chat(
    provider_payload: Payload,
) -> None:
    update = provider_payload("telegram", "callback_query")
    del update["callback_query"]["message"]
    update["callback_query"]["inline_message_id"] = "AgAAAEpTAAA"
    assert parse_one(update).chat_id == "512345678"


def test_a_location_has_its_coordinates(provider_payload: Payload) -> None:
    message = parse_one(provider_payload("telegram", "location"))
    assert message.kind is InboundKind.LOCATION
    assert (message.latitude, message.longitude) == (6.524379, 3.379206)


def test_a_shared_contact_has_its_phone_number(provider_payload: Payload) -> None:
    message = parse_one(provider_payload("telegram", "contact"))
    assert message.kind is InboundKind.CONTACT
    assert message.phone == "+2348012345678"
    assert message.text == "Chinedu Okafor"


def test_a_photo_is_the_largest_size_whatever_the_order(provider_payload: Payload) -> None:
    update = provider_payload("telegram", "photo")
    random.Random(4).shuffle(update["message"]["photo"])
    message = parse_one(update)
    assert message.kind is InboundKind.IMAGE
    assert message.media_id == "AgACAgQAAxkBAAIBL2ZnLarge1280"
    assert message.text == "Do you have this one in white?"


def test_a_sticker_is_unsupported_with_its_type_named(provider_payload: Payload) -> None:
    message = parse_one(provider_payload("telegram", "sticker"))
    assert message.kind is InboundKind.UNSUPPORTED
    assert message.provider_type == "sticker"


def test_an_edit_is_recorded_with_the_new_text_against_the_edited_message(
    provider_payload: Payload,
) -> None:
    message = parse_one(provider_payload("telegram", "edited_message"))
    assert (message.kind, message.is_turn) == (InboundKind.EDIT, False)
    assert message.text == "Toyota Corolla 2016 under 8000 dollars"
    assert message.target_message_id == "512345678:1042"  # as our Telegram messages are named
    assert message.message_id == "874512307"  # the update_id, as for every kind
    assert (message.user_id, message.chat_id) == ("512345678", "512345678")
    assert (message.user_name, message.language_hint) == ("Chinedu Okafor", "en")
    assert message.received_at == datetime.fromtimestamp(1718000400, UTC)  # the edit's date


def test_an_edited_caption_is_an_edit_with_the_new_caption(provider_payload: Payload) -> None:
    update = provider_payload("telegram", "edited_message")
    edited = update["edited_message"]
    del edited["text"]
    edited["caption"] = "In white, please"
    edited["photo"] = provider_payload("telegram", "photo")["message"]["photo"]
    assert parse_one(update).text == "In white, please"
    del edited["caption"]  # taken away
    assert (parse_one(update).kind, parse_one(update).text) == (InboundKind.EDIT, "")


@pytest.mark.parametrize(
    "change",
    [
        {"text": None, "location": {"latitude": 6.5, "longitude": 3.4, "live_period": 900}},
        {"from": {"id": 7012345678, "is_bot": True, "first_name": "Nzila"}},
        {"from": None, "sender_chat": {"id": -1001, "type": "channel"}},
    ],
    ids=["live_location_moved", "by_a_bot", "on_behalf_of_a_chat"],
)
def test_edits_that_are_not_the_buyer_rewording_are_ignored(
    provider_payload: Payload, change: dict[str, Any]
) -> None:
    update = provider_payload("telegram", "edited_message")
    for key, value in change.items():
        if value is None:
            del update["edited_message"][key]
        else:
            update["edited_message"][key] = value
    assert parse(update) == []


def test_an_edit_is_stale_by_the_date_of_the_edit(provider_payload: Payload) -> None:
    update = provider_payload("telegram", "edited_message")
    edited_at = datetime.fromtimestamp(update["edited_message"]["edit_date"], UTC)
    assert parse(update, now=edited_at + DEDUPE_WINDOW)  # the message itself is older
    with pytest.raises(StaleMessage, match=r"edited_message\.edit_date is older"):
        parse(update, now=edited_at + DEDUPE_WINDOW + timedelta(seconds=1))
    del update["edited_message"]["edit_date"]
    with pytest.raises(StaleMessage, match=r"edited_message\.date is older"):
        parse(update, now=edited_at + DEDUPE_WINDOW)


def test_a_reaction_is_recorded_with_its_emoji_against_the_message(
    provider_payload: Payload,
) -> None:
    message = parse_one(provider_payload("telegram", "message_reaction"))
    assert (message.kind, message.is_turn) == (InboundKind.REACTION, False)
    assert message.text == "👍"
    assert message.target_message_id == "512345678:1044"
    assert message.message_id == "874512308"
    assert (message.user_id, message.chat_id) == ("512345678", "512345678")
    assert (message.user_name, message.language_hint) == ("Chinedu Okafor", "en")
    assert message.received_at == datetime.fromtimestamp(1718000500, UTC)


THUMBS_UP = {"type": "emoji", "emoji": "👍"}
HEART = {"type": "emoji", "emoji": "❤"}
CUSTOM = {"type": "custom_emoji", "custom_emoji_id": "5368324170671202286"}
PAID = {"type": "paid"}


@pytest.mark.parametrize(
    ("old", "new", "text"),
    [
        ([THUMBS_UP], [], ""),
        ([THUMBS_UP], [HEART], HEART["emoji"]),
        ([THUMBS_UP], [THUMBS_UP, HEART], HEART["emoji"]),
        ([THUMBS_UP, HEART], [THUMBS_UP], THUMBS_UP["emoji"]),
        ([], [CUSTOM, HEART], HEART["emoji"]),
        ([], [CUSTOM], "[custom emoji]"),
        ([], [PAID], "⭐"),
        ([], [{"type": "a_kind_to_come"}], "[reaction]"),
    ],
    ids=[
        "taken_back",
        "changed",
        "added",
        "one_taken_back",
        "emoji_first",
        "custom",
        "paid",
        "unknown",
    ],
)
def test_a_reaction_is_the_emoji_just_set_or_nothing_when_taken_back(
    provider_payload: Payload, old: list[Any], new: list[Any], text: str
) -> None:
    update = provider_payload("telegram", "message_reaction")
    update["message_reaction"] |= {"old_reaction": old, "new_reaction": new}
    assert parse_one(update).text == text


def test_an_anonymous_reaction_is_ignored(provider_payload: Payload) -> None:
    update = provider_payload("telegram", "message_reaction")
    del update["message_reaction"]["user"]
    update["message_reaction"]["actor_chat"] = {"id": -1001, "type": "channel", "title": "Cars"}
    assert parse(update) == []


def test_a_reaction_older_than_the_dedupe_window_is_stale(provider_payload: Payload) -> None:
    update = provider_payload("telegram", "message_reaction")
    reacted_at = datetime.fromtimestamp(update["message_reaction"]["date"], UTC)
    with pytest.raises(StaleMessage, match=r"message_reaction\.date is older"):
        parse(update, now=reacted_at + DEDUPE_WINDOW + timedelta(seconds=1))


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"chat": None}, "message_reaction.chat"),
        ({"message_id": "1044"}, "message_reaction.message_id"),
        ({"new_reaction": {"type": "emoji"}}, "message_reaction.new_reaction"),
        (
            {"new_reaction": [{"type": "emoji", "emoji": 1}]},
            "message_reaction.new_reaction.0.emoji",
        ),
        ({"date": None}, "message_reaction.date"),
    ],
    ids=["null_chat", "string_message_id", "reactions_not_a_list", "numeric_emoji", "null_date"],
)
def test_an_unreadable_reaction_is_malformed(
    provider_payload: Payload, change: dict[str, Any], where: str
) -> None:
    update = provider_payload("telegram", "message_reaction")
    update["message_reaction"] |= change
    with pytest.raises(
        MalformedPayload, match=rf"^not a valid Telegram update: {re.escape(where)}: "
    ):
        parse(update)


def test_telegram_is_asked_for_every_kind_of_update_the_parser_reads(
    provider_payload: Payload,
) -> None:
    recorded = {
        "message": "text",
        "edited_message": "edited_message",
        "callback_query": "callback_query",
        "message_reaction": "message_reaction",
    }
    assert sorted(ALLOWED_UPDATES) == sorted(recorded)
    for kind, name in recorded.items():
        assert kind in provider_payload("telegram", name)
        parse_one(provider_payload("telegram", name))


@pytest.mark.parametrize(
    "update",
    [
        {"update_id": 5},
        {"update_id": 6, "my_chat_member": {"chat": {"id": 1, "type": "private"}}},
        {
            "update_id": 7,
            "message": {
                "message_id": 1,
                "date": 1718000000,
                "chat": {"id": -100, "type": "group", "title": "Dealers"},
                "from": {"id": 9, "is_bot": False, "first_name": "Ade"},
                "new_chat_title": "Dealers Lagos",
            },
        },
    ],
    ids=["empty", "other_kind", "service_message"],
)
def test_updates_the_bot_does_not_act_on_are_ignored(update: dict[str, Any]) -> None:
    assert parse(update) == []


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"update_id": "874512301"},
        {"update_id": True},
        {"update_id": 1, "message": "hello"},
        {"update_id": 1, "message": {"message_id": 1, "text": "no date, no chat"}},
    ],
    ids=["no_update_id", "string_id", "bool_id", "message_not_object", "message_incomplete"],
)
def test_a_body_that_is_not_an_update_is_malformed(body: dict[str, Any]) -> None:
    with pytest.raises(MalformedPayload):
        parse(body)


def test_a_message_older_than_the_dedupe_window_is_stale(provider_payload: Payload) -> None:
    update = provider_payload("telegram", "text")
    assert parse(update, now=RECORDED_AT + DEDUPE_WINDOW)  # on the edge: still read
    later = RECORDED_AT + DEDUPE_WINDOW + timedelta(seconds=1)
    with pytest.raises(StaleMessage, match=r"message\.date is older than the dedupe window"):
        parse(update, now=later)


def test_an_ignored_kind_of_message_can_be_stale_too(provider_payload: Payload) -> None:
    update = provider_payload("telegram", "text")
    update["message"]["from"]["is_bot"] = True
    with pytest.raises(StaleMessage):
        parse(update, now=RECORDED_AT + 2 * DEDUPE_WINDOW)


def test_a_button_under_an_old_message_is_never_stale(provider_payload: Payload) -> None:
    # The tapped message's date is when the bot sent it, however long ago.
    update = provider_payload("telegram", "callback_query")
    assert parse_one(update, now=RECORDED_AT + 50 * DEDUPE_WINDOW).kind is InboundKind.BUTTON


@pytest.mark.parametrize("case", FUZZED.values(), ids=FUZZED.keys())
def test_a_fuzzed_update_is_malformed_naming_the_field_and_never_the_text(
    provider_payload: Payload, case: tuple[Mutation, str]
) -> None:
    mutate, where = case
    update = provider_payload("telegram", "text")
    mutate(update)
    prefix = rf"^not a valid Telegram update: {re.escape(where)}: "
    with pytest.raises(MalformedPayload, match=prefix) as raised:
        parse(update)
    assert "Corolla" not in str(raised.value)
    assert "Toyota" not in str(raised.value)


def test_a_reply_to_message_is_not_read(provider_payload: Payload) -> None:
    update = provider_payload("telegram", "text")
    update["message"]["reply_to_message"] = {"text": 5, "chat": None, "date": "yesterday"}
    assert parse_one(update).text == "Toyota Corolla 2015 under 8000 dollars"


def as_sent_soon_after(update: dict[str, Any]) -> None:
    refresh(update, now=SOON_AFTER.timestamp())


@settings(max_examples=400, deadline=None)
@given(update=mutated_updates(fresh=as_sent_soon_after))
def test_a_mutated_update_gives_messages_or_is_malformed(update: dict[str, Any]) -> None:
    try:
        messages = parse(update)
    except MalformedPayload as error:
        assert str(error).startswith("not a")
        event("malformed")
        return
    event("read" if messages else "ignored")
    assert len(messages) <= 1
    for message in messages:
        assert isinstance(message, InboundMessage)
        message.model_dump_json()  # as the queue writes it


# Updates written by others (tests/fixtures/telegram/others/README.md), and what each is read as:
# a kind, or None for an update the bot does not act on.
WRITTEN_BY_OTHERS = {
    "aiogram_update": InboundKind.TEXT,
    "aiogram_photo": InboundKind.IMAGE,
    "aiogram_forwarded_message": InboundKind.TEXT,
    "aiogram_reply_message": InboundKind.TEXT,
    "automoderator_message_reaction": InboundKind.REACTION,
    "telegram_docs_text": InboundKind.START,
    "telegram_docs_reply": InboundKind.START,
    "telegram_docs_edited_message": InboundKind.EDIT,
    "telegram_docs_voice": InboundKind.UNSUPPORTED,
    "telegram_docs_callback_query": InboundKind.BUTTON,
    "telegram_docs_inline_query": None,
    "telemetree_start": InboundKind.START,
    "telemetree_edited_message": InboundKind.EDIT,
    "telemetree_inline_query": None,
}
OTHERS = Path(__file__).parent.parent / "fixtures" / "telegram" / "others"


def test_every_update_written_by_others_is_checked() -> None:
    assert sorted(path.stem for path in OTHERS.glob("*.json")) == sorted(WRITTEN_BY_OTHERS)


def others(name: str, provider_payload: Payload) -> dict[str, Any]:
    return provider_payload("telegram", f"others/{name}")


@pytest.mark.parametrize(("name", "kind"), WRITTEN_BY_OTHERS.items(), ids=WRITTEN_BY_OTHERS.keys())
def test_an_update_written_by_others_is_read_as_it_was_when_sent(
    provider_payload: Payload, name: str, kind: InboundKind | None
) -> None:
    # Their dates are years old: read as a minute after they were sent (or now, if undated).
    update = others(name, provider_payload)
    date = sent_at(update)
    now = datetime.now(UTC) if date is None else datetime.fromtimestamp(date + 60, UTC)
    messages = parse(update, now=now)
    assert [message.kind for message in messages] == ([] if kind is None else [kind])


@pytest.mark.parametrize(("name", "kind"), WRITTEN_BY_OTHERS.items(), ids=WRITTEN_BY_OTHERS.keys())
def test_an_update_written_by_others_is_stale_today_unless_undated(
    provider_payload: Payload, name: str, kind: InboundKind | None
) -> None:
    update = others(name, provider_payload)
    if sent_at(update) is None:  # a button tap, an inline query: no date of its own
        messages = parse(update, now=datetime.now(UTC))
        assert [message.kind for message in messages] == ([] if kind is None else [kind])
        return
    with pytest.raises(StaleMessage):
        parse(update, now=datetime.now(UTC))
