"""Reply.from_rasa: Rasa's REST channel output becomes our channel-independent replies."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from chat.replies import Button, Reply


def test_text_and_buttons_are_kept_in_order() -> None:
    reply = Reply.from_rasa(
        {
            "recipient_id": "wa:243810000000",
            "text": "Hello, I'm Nzila",
            "buttons": [
                {"title": "How it works", "payload": "/help"},
                {"title": "Not now", "payload": "/deny"},
            ],
        }
    )

    assert reply.text == "Hello, I'm Nzila"
    assert reply.buttons == [
        Button(title="How it works", payload="/help"),
        Button(title="Not now", payload="/deny"),
    ]
    assert reply.image_url is None
    assert reply.custom is None


def test_an_image_only_message_has_empty_text_and_the_image_url() -> None:
    reply = Reply.from_rasa({"recipient_id": "x", "image": "https://nzila.test/v/1/front.jpg"})

    assert reply.text == ""
    assert reply.buttons == []
    assert reply.image_url == "https://nzila.test/v/1/front.jpg"


def test_a_custom_payload_is_passed_through() -> None:
    custom = {"gallery": ["https://nzila.test/a.jpg", "https://nzila.test/b.jpg"]}

    reply = Reply.from_rasa({"recipient_id": "x", "custom": custom})

    assert reply.custom == custom


def test_null_text_and_null_buttons_read_as_empty() -> None:
    reply = Reply.from_rasa({"recipient_id": "x", "text": None, "buttons": None})

    assert reply == Reply()


def test_keys_rasa_adds_that_we_do_not_use_are_ignored() -> None:
    reply = Reply.from_rasa(
        {"recipient_id": "x", "text": "Hi", "attachment": {"type": "file"}, "elements": []}
    )

    assert reply == Reply(text="Hi")


def test_a_button_without_payload_is_refused() -> None:
    with pytest.raises(ValidationError):
        Reply.from_rasa({"recipient_id": "x", "text": "Pick", "buttons": [{"title": "Help"}]})


def test_replies_are_immutable_values() -> None:
    reply = Reply(text="Hi", buttons=[Button(title="Help", payload="/help")])

    with pytest.raises(ValidationError):
        reply.text = "changed"
    assert reply == Reply(text="Hi", buttons=[Button(title="Help", payload="/help")])
