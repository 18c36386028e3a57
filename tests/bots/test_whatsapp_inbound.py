from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from bots.channels.errors import MalformedPayload
from bots.channels.whatsapp_inbound import parse_whatsapp_payload
from bots.messages import Channel, DeliveryState, DeliveryStatus, InboundKind, InboundMessage

Payload = Callable[[str, str], dict[str, Any]]


def parse_one(payload: dict[str, Any]) -> InboundMessage:
    messages, statuses = parse_whatsapp_payload(payload)
    assert len(messages) == 1
    assert statuses == []
    return messages[0]


def one_status(payload: dict[str, Any]) -> DeliveryStatus:
    messages, statuses = parse_whatsapp_payload(payload)
    assert messages == []
    assert len(statuses) == 1
    return statuses[0]


def first_message(payload: dict[str, Any]) -> dict[str, Any]:
    message: dict[str, Any] = payload["entry"][0]["changes"][0]["value"]["messages"][0]
    return message


def test_a_text_message_names_the_buyer_by_number_and_profile(provider_payload: Payload) -> None:
    message = parse_one(provider_payload("whatsapp", "text"))
    assert message.channel is Channel.WHATSAPP
    assert message.kind is InboundKind.TEXT
    assert message.text == "Hello, do you have a Toyota RAV4 2016 for Lagos?"
    assert message.message_id == "wamid.HBgNMjM0ODAxMjM0NTY3OBUCABIYFDNBMEMTEXT01"
    assert message.user_id == "+2348012345678"  # E.164
    assert message.chat_id == "2348012345678"  # what the Graph API sends to
    assert message.user_name == "Amina Bello"
    assert message.received_at == datetime.fromtimestamp(1718000000, UTC)


def test_a_reply_button_is_a_button_with_its_id_and_title(provider_payload: Payload) -> None:
    message = parse_one(provider_payload("whatsapp", "interactive_button_reply"))
    assert message.kind is InboundKind.BUTTON
    assert (message.payload, message.text) == ("quote:123:lagos", "Ship to Lagos")


def test_a_list_row_is_a_button_with_its_id_and_title(provider_payload: Payload) -> None:
    message = parse_one(provider_payload("whatsapp", "interactive_list_reply"))
    assert message.kind is InboundKind.BUTTON
    assert (message.payload, message.text) == ("port:apapa", "Lagos (Apapa)")


def test_a_template_quick_reply_is_a_button_with_its_payload(provider_payload: Payload) -> None:
    message = parse_one(provider_payload("whatsapp", "button"))
    assert message.kind is InboundKind.BUTTON
    assert (message.payload, message.text) == ("alerts:stop", "Stop alerts")


def test_a_location_has_its_coordinates(provider_payload: Payload) -> None:
    message = parse_one(provider_payload("whatsapp", "location"))
    assert message.kind is InboundKind.LOCATION
    assert (message.latitude, message.longitude) == (6.4474, 3.3903)


def test_an_image_has_its_media_id_and_caption(provider_payload: Payload) -> None:
    message = parse_one(provider_payload("whatsapp", "image"))
    assert message.kind is InboundKind.IMAGE
    assert (message.media_id, message.text) == ("1479537139650973", "Like this one")


def test_a_shared_contact_has_its_name_and_phone(provider_payload: Payload) -> None:
    message = parse_one(provider_payload("whatsapp", "contacts"))
    assert message.kind is InboundKind.CONTACT
    assert (message.phone, message.text) == ("+234 803 555 0199", "Tunde Adeyemi")


@pytest.mark.parametrize(
    ("kind", "content"),
    [
        ("sticker", {"mime_type": "image/webp", "id": "1015628430094473", "animated": False}),
        ("audio", {"mime_type": "audio/ogg; codecs=opus", "id": "1214", "voice": True}),
        ("video", {"mime_type": "video/mp4", "id": "1215"}),
        ("document", {"mime_type": "application/pdf", "id": "1216", "filename": "title.pdf"}),
        ("reaction", {"message_id": "wamid.OUT", "emoji": "👍"}),
        ("unsupported", None),
        ("unknown", None),
    ],
)
def test_types_the_bot_cannot_read_are_unsupported_with_the_type_kept(
    provider_payload: Payload, kind: str, content: dict[str, Any] | None
) -> None:
    payload = provider_payload("whatsapp", "sticker")
    message = first_message(payload)
    del message["sticker"]
    message["type"] = kind
    if content is not None:
        message[kind] = content
    else:
        message["errors"] = [{"code": 131051, "title": "Message type unknown"}]
    parsed = parse_one(payload)
    assert (parsed.kind, parsed.provider_type) == (InboundKind.UNSUPPORTED, kind)
    assert parsed.user_name == "Amina Bello"


def test_a_flow_reply_is_unsupported(provider_payload: Payload) -> None:
    payload = provider_payload("whatsapp", "interactive_button_reply")
    first_message(payload)["interactive"] = {
        "type": "nfm_reply",
        "nfm_reply": {"response_json": "{}", "body": "Sent", "name": "flow"},
    }
    parsed = parse_one(payload)
    assert (parsed.kind, parsed.provider_type) == (InboundKind.UNSUPPORTED, "interactive.nfm_reply")


@pytest.mark.parametrize("state", ["sent", "delivered", "read"])
def test_a_status_reports_the_state_of_our_message(provider_payload: Payload, state: str) -> None:
    status = one_status(provider_payload("whatsapp", f"status_{state}"))
    assert status.channel is Channel.WHATSAPP
    assert status.message_id == "wamid.HBgNMjM0ODAxMjM0NTY3OBUCABEYEjQ2REPLY01"
    assert status.state is DeliveryState(state)
    assert status.error_code is None


def test_a_failed_status_carries_the_first_error(provider_payload: Payload) -> None:
    status = one_status(provider_payload("whatsapp", "status_failed"))
    assert status.state is DeliveryState.FAILED
    assert (status.error_code, status.error_detail) == ("131047", "Re-engagement message")
    assert status.occurred_at == datetime.fromtimestamp(1718000700, UTC)


def test_a_status_we_do_not_track_is_skipped(provider_payload: Payload) -> None:
    payload = provider_payload("whatsapp", "status_read")
    payload["entry"][0]["changes"][0]["value"]["statuses"][0]["status"] = "played"
    assert parse_whatsapp_payload(payload) == ([], [])


def test_every_entry_change_message_and_status_of_a_batch_is_read(
    provider_payload: Payload,
) -> None:
    messages, statuses = parse_whatsapp_payload(provider_payload("whatsapp", "batched"))
    assert [(m.user_name, m.kind, m.provider_type) for m in messages] == [
        ("Amina Bello", InboundKind.TEXT, ""),
        ("Kofi Boateng", InboundKind.IMAGE, ""),
        ("Amina Bello", InboundKind.BUTTON, ""),
        ("Kofi Boateng", InboundKind.LOCATION, ""),
        ("Kofi Boateng", InboundKind.UNSUPPORTED, "audio"),
        ("Amina Bello", InboundKind.UNSUPPORTED, "reaction"),
    ]
    assert len({m.message_id for m in messages}) == 6
    assert [s.state for s in statuses] == [
        DeliveryState.DELIVERED,
        DeliveryState.READ,
        DeliveryState.SENT,
        DeliveryState.FAILED,
    ]


def test_changes_of_other_fields_are_ignored(provider_payload: Payload) -> None:
    payload = provider_payload("whatsapp", "text")
    payload["entry"].append(
        {
            "id": "102290129340398",
            "changes": [
                {
                    "field": "message_template_status_update",
                    "value": {"event": "APPROVED", "message_template_id": 1},
                }
            ],
        }
    )
    messages, _ = parse_whatsapp_payload(payload)
    assert len(messages) == 1


def test_a_name_is_matched_by_wa_id_not_by_position(provider_payload: Payload) -> None:
    payload = provider_payload("whatsapp", "text")
    value = payload["entry"][0]["changes"][0]["value"]
    value["contacts"].insert(0, {"profile": {"name": "Someone Else"}, "wa_id": "254700000001"})
    assert parse_one(payload).user_name == "Amina Bello"


@pytest.mark.parametrize(
    ("mutate", "problem"),
    [
        (lambda p: p.update(object="page"), "object"),
        (lambda p: p.pop("entry"), "entry"),
        (lambda p: p["entry"][0].update(changes="none"), "entry.0.changes"),
        (lambda p: first_message(p).pop("from"), "from"),
        (lambda p: first_message(p).update(id=""), "message_id"),
        (lambda p: first_message(p).update(text="just a string"), "text"),
    ],
    ids=["not_whatsapp", "no_entry", "changes_not_list", "no_sender", "empty_id", "bad_text"],
)
def test_a_payload_of_the_wrong_shape_is_malformed_and_says_where(
    provider_payload: Payload, mutate: Callable[[dict[str, Any]], object], problem: str
) -> None:
    payload = provider_payload("whatsapp", "text")
    mutate(payload)
    with pytest.raises(MalformedPayload, match=problem):
        parse_whatsapp_payload(payload)
