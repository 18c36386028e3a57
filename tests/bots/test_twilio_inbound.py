from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from bots.channels.errors import MalformedPayload
from bots.channels.twilio_inbound import parse_twilio_form
from chat.messages import Channel, DeliveryState, DeliveryStatus, InboundKind, InboundMessage

Payload = Callable[[str, str], dict[str, Any]]


def inbound(form: dict[str, str]) -> InboundMessage:
    parsed = parse_twilio_form(form)
    assert isinstance(parsed, InboundMessage)
    return parsed


def delivery(form: dict[str, str]) -> DeliveryStatus:
    parsed = parse_twilio_form(form)
    assert isinstance(parsed, DeliveryStatus)
    return parsed


def test_a_text_names_the_buyer_by_number_and_profile(provider_payload: Payload) -> None:
    message = inbound(provider_payload("twilio", "inbound_text"))
    assert message.channel is Channel.TWILIO
    assert message.kind is InboundKind.TEXT
    assert message.text == "Do you ship to Tema? Looking for a Lexus RX 350"
    assert message.message_id == "SM8f3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d"
    assert message.user_id == "+233201234567"
    assert message.chat_id == "whatsapp:+233201234567"
    assert message.user_name == "Kwame Mensah"
    assert message.conversation_key == "twilio:+233201234567"


def test_a_quick_reply_is_a_button_with_its_payload(provider_payload: Payload) -> None:
    message = inbound(provider_payload("twilio", "button"))
    assert message.kind is InboundKind.BUTTON
    assert (message.payload, message.text) == ("quote:123:tema", "Get a quote")


def test_a_location_has_its_coordinates(provider_payload: Payload) -> None:
    message = inbound(provider_payload("twilio", "location"))
    assert message.kind is InboundKind.LOCATION
    assert (message.latitude, message.longitude) == (5.6398, -0.0163)


def test_an_image_is_its_media_url_with_the_caption(provider_payload: Payload) -> None:
    form = provider_payload("twilio", "media_image")
    message = inbound(form)
    assert message.kind is InboundKind.IMAGE
    assert message.media_id == form["MediaUrl0"]
    assert message.text == "This colour please"


@pytest.mark.parametrize("content_type", ["audio/ogg", "video/mp4", "text/vcard"])
def test_other_media_is_unsupported_with_its_content_type(
    provider_payload: Payload, content_type: str
) -> None:
    form = provider_payload("twilio", "media_image")
    form["MediaContentType0"] = content_type
    message = inbound(form)
    assert (message.kind, message.provider_type) == (InboundKind.UNSUPPORTED, content_type)


def test_an_empty_message_is_unsupported_with_its_message_type(provider_payload: Payload) -> None:
    form = provider_payload("twilio", "inbound_text") | {"Body": "", "MessageType": "reaction"}
    message = inbound(form)
    assert (message.kind, message.provider_type) == (InboundKind.UNSUPPORTED, "reaction")


def test_a_status_callback_reports_the_state_of_our_message(provider_payload: Payload) -> None:
    status = delivery(provider_payload("twilio", "status_callback"))
    assert status.channel is Channel.TWILIO
    assert status.message_id == "SM5e6f708192a3b4c5d6e7f8091a2b3c4d"
    assert status.state is DeliveryState.DELIVERED
    assert status.error_code is None


def test_an_undelivered_message_failed_with_the_error_code(provider_payload: Payload) -> None:
    status = delivery(provider_payload("twilio", "status_undelivered"))
    assert status.state is DeliveryState.FAILED
    assert status.error_code == "63016"
    assert status.error_detail is not None
    assert "outside the allowed window" in status.error_detail


@pytest.mark.parametrize(("reported", "state"), [("sent", "sent"), ("read", "read")])
def test_sms_status_alone_is_enough(provider_payload: Payload, reported: str, state: str) -> None:
    form = provider_payload("twilio", "status_callback")
    del form["MessageStatus"]
    form["SmsStatus"] = reported
    assert delivery(form).state is DeliveryState(state)


@pytest.mark.parametrize("reported", ["queued", "accepted", "sending", "scheduled"])
def test_statuses_that_say_nothing_new_are_skipped(
    provider_payload: Payload, reported: str
) -> None:
    form = provider_payload("twilio", "status_callback") | {"MessageStatus": reported}
    assert parse_twilio_form(form) is None


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"MessageSid": "", "SmsSid": ""}, "MessageSid"),
        ({"From": ""}, "From"),
        ({"Latitude": "north", "Longitude": "-0.1"}, "coordinate"),
        ({"NumMedia": "many"}, "NumMedia"),
    ],
)
def test_a_form_that_is_not_twilios_is_malformed(
    provider_payload: Payload, change: dict[str, str], problem: str
) -> None:
    form = provider_payload("twilio", "inbound_text") | change
    with pytest.raises(MalformedPayload, match=problem):
        parse_twilio_form(form)
