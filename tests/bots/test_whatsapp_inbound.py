from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from bots.channels.errors import MalformedPayload
from bots.channels.whatsapp_inbound import Notification, parse_whatsapp_payload
from chat.messages import Channel, DeliveryState, DeliveryStatus, InboundKind, InboundMessage

Payload = Callable[[str, str], dict[str, Any]]


def parse_one(payload: dict[str, Any], now: datetime | None = None) -> InboundMessage:
    parsed = parse_whatsapp_payload(payload, now=now)
    assert (parsed.statuses, parsed.refusals) == ([], [])
    [message] = parsed.messages
    return message


def one_status(payload: dict[str, Any], now: datetime | None = None) -> DeliveryStatus:
    parsed = parse_whatsapp_payload(payload, now=now)
    assert (parsed.messages, parsed.refusals) == ([], [])
    [status] = parsed.statuses
    return status


def first_message(payload: dict[str, Any]) -> dict[str, Any]:
    message: dict[str, Any] = payload["entry"][0]["changes"][0]["value"]["messages"][0]
    return message


def test_a_text_message_names_the_buyer_by_number_and_profile(provider_payload: Payload) -> None:
    recorded = provider_payload("whatsapp", "text", as_recorded=True)
    message = parse_one(recorded, now=datetime.fromtimestamp(1718000060, UTC))
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
    payload = provider_payload("whatsapp", "status_failed", as_recorded=True)
    status = one_status(payload, now=datetime.fromtimestamp(1718000760, UTC))
    assert status.state is DeliveryState.FAILED
    assert (status.error_code, status.error_detail) == ("131047", "Re-engagement message")
    assert status.occurred_at == datetime.fromtimestamp(1718000700, UTC)
    assert status.recipient == "+2348012345678"  # the report waits in the buyer's line


def test_a_status_we_do_not_track_is_skipped(provider_payload: Payload) -> None:
    payload = provider_payload("whatsapp", "status_read")
    payload["entry"][0]["changes"][0]["value"]["statuses"][0]["status"] = "played"
    assert parse_whatsapp_payload(payload) == Notification()


def test_every_entry_change_message_and_status_of_a_batch_is_read(
    provider_payload: Payload,
) -> None:
    parsed = parse_whatsapp_payload(provider_payload("whatsapp", "batched"))
    messages, statuses = parsed.messages, parsed.statuses
    assert [(m.user_name, m.kind, m.provider_type) for m in messages] == [
        ("Amina Bello", InboundKind.TEXT, ""),
        ("Kofi Boateng", InboundKind.IMAGE, ""),
        ("Amina Bello", InboundKind.BUTTON, ""),
        ("Kofi Boateng", InboundKind.LOCATION, ""),
        ("Kofi Boateng", InboundKind.UNSUPPORTED, "audio"),
        ("Amina Bello", InboundKind.REACTION, ""),
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
    assert len(parse_whatsapp_payload(payload).messages) == 1


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
    ],
    ids=["not_whatsapp", "no_entry", "changes_not_list"],
)
def test_a_payload_of_the_wrong_shape_is_malformed_and_says_where(
    provider_payload: Payload, mutate: Callable[[dict[str, Any]], object], problem: str
) -> None:
    payload = provider_payload("whatsapp", "text")
    mutate(payload)
    with pytest.raises(MalformedPayload, match=problem):
        parse_whatsapp_payload(payload)


def no_sender(payload: dict[str, Any]) -> None:
    first_message(payload).pop("from")
    payload["entry"][0]["changes"][0]["value"].pop("contacts")


@pytest.mark.parametrize(
    ("mutate", "problem"),
    [
        (no_sender, "message 0: from: the sender has neither a number nor a user id"),
        (lambda p: first_message(p).update(id=""), "message 0: id: String should have at least"),
        (lambda p: first_message(p).update(text="Any Camry?"), "message 0: text: Input should be"),
        (lambda p: first_message(p).update(from_user_id="X" * 200), "message 0: from_user_id"),
    ],
    ids=["no_sender", "empty_id", "text_not_an_object", "user_id_too_long"],
)
def test_a_message_that_cannot_be_read_is_refused_alone_and_its_batch_kept(
    provider_payload: Payload, mutate: Callable[[dict[str, Any]], object], problem: str
) -> None:
    payload = provider_payload("whatsapp", "batched")
    mutate(payload)
    parsed = parse_whatsapp_payload(payload)
    [refusal] = parsed.refusals
    assert refusal.reason == f"change 0 {problem}" or refusal.reason.startswith(
        f"change 0 {problem}"
    )
    assert "Any Camry?" not in refusal.reason  # never what the buyer wrote, in a log line
    assert refusal.channel is Channel.WHATSAPP
    assert json.loads(refusal.item)["type"] == "text"  # the item kept, for staff to read
    assert len(parsed.messages) == 5  # its five neighbours are kept
    assert len(parsed.statuses) == 4


# A user who adopted a username: Meta withholds the number and names them by their
# business-scoped user id (Meta's "Business-scoped user IDs" guide, the messages webhook).
USERNAME_USER = {
    "object": "whatsapp_business_account",
    "entry": [
        {
            "id": "102290129340398",
            "changes": [
                {
                    "field": "messages",
                    "value": {
                        "messaging_product": "whatsapp",
                        "metadata": {
                            "display_phone_number": "15550783881",
                            "phone_number_id": "106540352242922",
                        },
                        "contacts": [
                            {
                                "profile": {"name": "Ama K.", "username": "@ama.cars"},
                                "user_id": "GH.13491208655302741918",
                            }
                        ],
                        "messages": [
                            {
                                "from_user_id": "GH.13491208655302741918",
                                "id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMx",
                                "timestamp": "1718000000",
                                "type": "text",
                                "text": {"body": "Toyota Hilux for Tema?"},
                            }
                        ],
                    },
                }
            ],
        }
    ],
}
RECORDED_AT = datetime.fromtimestamp(1718000060, UTC)


def test_a_username_user_without_a_number_is_named_by_their_business_scoped_id() -> None:
    message = parse_one(USERNAME_USER, now=RECORDED_AT)
    assert (message.user_id, message.chat_id, message.bsuid) == (
        "GH.13491208655302741918",
        "GH.13491208655302741918",
        "GH.13491208655302741918",
    )
    assert message.conversation_key == "whatsapp:GH.13491208655302741918"
    assert (message.user_name, message.text) == ("Ama K.", "Toyota Hilux for Tema?")


def test_a_number_and_a_business_scoped_id_together_name_the_buyer_by_number() -> None:
    payload = json.loads(json.dumps(USERNAME_USER))
    value = payload["entry"][0]["changes"][0]["value"]
    value["contacts"][0]["wa_id"] = "233201234567"
    value["messages"][0]["from"] = "233201234567"
    message = parse_one(payload, now=RECORDED_AT)
    assert (message.user_id, message.chat_id) == ("+233201234567", "233201234567")
    assert message.bsuid == "GH.13491208655302741918"  # kept, to merge the two ids later


def test_a_status_for_a_username_user_names_them_by_their_business_scoped_id(
    provider_payload: Payload,
) -> None:
    payload = provider_payload("whatsapp", "status_read")
    status = payload["entry"][0]["changes"][0]["value"]["statuses"][0]
    status.pop("recipient_id")
    status["recipient_user_id"] = "GH.13491208655302741918"
    assert one_status(payload).conversation_key == "whatsapp:GH.13491208655302741918"


def test_a_replay_older_than_the_dedupe_window_is_refused_by_its_own_timestamp(
    provider_payload: Payload,
) -> None:
    payload = provider_payload("whatsapp", "batched")
    first_message(payload)["timestamp"] = str(int(time.time()) - 9 * 24 * 3600)
    parsed = parse_whatsapp_payload(payload)
    [refusal] = parsed.refusals
    assert "older than the dedupe window" in refusal.reason
    assert refusal.message_id == first_message(payload)["id"]
    assert len(parsed.messages) == 5


def with_message(provider_payload: Payload, **fields: Any) -> dict[str, Any]:
    payload = provider_payload("whatsapp", "text")
    message = first_message(payload)
    message.pop("text")
    message.update(fields)
    return payload


def test_a_reaction_is_not_a_turn_and_names_the_message_it_is_about(
    provider_payload: Payload,
) -> None:
    target = "wamid.HBgNMjM0ODAxMjM0NTY3OBUCABEYEjQ2REPLY01"
    reaction = {"message_id": target, "emoji": "\U0001f44d"}
    message = parse_one(with_message(provider_payload, type="reaction", reaction=reaction))
    assert (message.kind, message.text, message.target_message_id) == (
        InboundKind.REACTION,
        "\U0001f44d",
        target,
    )
    assert not message.is_turn
    taken_back = parse_one(
        with_message(provider_payload, type="reaction", reaction={"message_id": target})
    )
    assert (taken_back.kind, taken_back.text) == (InboundKind.REACTION, "")


def test_an_edit_carries_the_new_text_and_a_deletion_its_target(
    provider_payload: Payload,
) -> None:
    # The shapes of Meta's "edit" and "revoke" messages webhook references.
    edit = {
        "original_message_id": "wamid.ORIGINAL",
        "message": {"context": {"id": "wamid.X"}, "type": "text", "text": {"body": "2017 please"}},
    }
    edited = parse_one(with_message(provider_payload, type="edit", edit=edit))
    assert (edited.kind, edited.text, edited.target_message_id) == (
        InboundKind.EDIT,
        "2017 please",
        "wamid.ORIGINAL",
    )
    revoke = {"original_message_id": "wamid.ORIGINAL"}
    deleted = parse_one(with_message(provider_payload, type="revoke", revoke=revoke))
    assert (deleted.kind, deleted.target_message_id) == (InboundKind.DELETED, "wamid.ORIGINAL")
    assert not edited.is_turn and not deleted.is_turn


def test_a_changed_number_is_an_identity_change_to_the_new_number(
    provider_payload: Payload,
) -> None:
    system = {
        "body": "User A changed from +234 801 234 5678 to +234 802 000 1111",
        "wa_id": "2348020001111",
        "type": "user_changed_number",
    }
    message = parse_one(with_message(provider_payload, type="system", system=system))
    assert (message.kind, message.new_user_id, message.user_id) == (
        InboundKind.IDENTITY_CHANGED,
        "+2348020001111",
        "+2348012345678",
    )
    assert not message.is_turn
