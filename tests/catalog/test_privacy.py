"""Privacy: "my data", consent and alerts audited, erasure that keeps keys, dedupe and the audit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine, inspect, select
from sqlalchemy.orm import Session, sessionmaker

from catalog.buyers import service as buyer_service
from catalog.buyers.models import Buyer
from catalog.conversations import service as conversation_service
from catalog.conversations.models import (
    ChatMessage,
    Conversation,
    Direction,
    HandoffRequest,
    MessageStatus,
)
from catalog.database import utcnow
from catalog.errors import InvalidInput, NotFound
from catalog.migrate import downgrade, upgrade
from catalog.preferences import service as preferences
from catalog.privacy import service as privacy_service
from catalog.privacy.models import PrivacyAction, PrivacyAuditEntry
from catalog.vehicles.schemas import VehicleFilters
from catalog.watchlist import service as watchlist_service
from catalog.watchlist.models import SavedSearch, WatchlistEntry
from catalog.watchlist.schemas import SavedSearchIn
from tests.factories import make_buyer, make_dealer, make_vehicle

NUMBER = "+2348012345678"
KEY = f"whatsapp:{NUMBER}"


def _buyer_with_history(db_session: Session) -> Buyer:
    """A WhatsApp buyer with a profile, two messages in, two replies out (one failed naming the
    number), a watched vehicle and two saved searches."""
    buyer = make_buyer(db_session, NUMBER)
    buyer.name = "Chidi Okafor"
    buyer.country = "NG"
    conversation = conversation_service.get_or_create(
        db_session=db_session, key=KEY, channel="whatsapp", chat_id=NUMBER, buyer_id=buyer.id
    )
    for provider_id, words in (("wamid.one", "Toyota Camry 2015?"), ("wamid.two", "Lagos")):
        inbound = conversation_service.record_inbound(
            db_session=db_session,
            conversation=conversation,
            provider_message_id=provider_id,
            kind="text",
            text=words,
            payload={"phone": NUMBER},
        )
        assert inbound is not None
    assert inbound is not None  # the second one, which the bot answered
    replies = conversation_service.record_replies(
        db_session=db_session,
        inbound=inbound,
        replies=[("text", "Chidi, here are 3 cars", {"to": NUMBER}), ("text", "More?", {})],
    )
    conversation_service.mark_failed(
        db_session=db_session, message=replies[1], error_code="131026", error_detail=NUMBER
    )
    vehicle = make_vehicle(db_session, make_dealer(db_session))
    watchlist_service.watch(db_session=db_session, buyer_id=buyer.id, vehicle_id=vehicle.id)
    for label in ("Camry", "Hilux"):
        watchlist_service.save_search(
            db_session=db_session,
            buyer_id=buyer.id,
            search_in=SavedSearchIn(label=label, filters=VehicleFilters(make="Toyota")),
        )
    db_session.commit()
    return buyer


def _actions(db_session: Session, buyer_id: int) -> list[PrivacyAction]:
    trail = privacy_service.audit_trail(db_session=db_session, buyer_id=buyer_id)
    return [entry.action for entry in trail]


# --- "my data" --------------------------------------------------------------------------------


def test_the_summary_counts_what_we_hold_and_masks_the_number(db_session: Session) -> None:
    buyer = _buyer_with_history(db_session)
    privacy_service.give_consent(db_session=db_session, buyer_id=buyer.id)

    summary = privacy_service.data_summary(db_session=db_session, buyer_id=buyer.id)

    assert summary.whatsapp_number == "+**********678"
    assert not summary.has_telegram
    assert (summary.name, summary.country, summary.language, summary.currency) == (
        "Chidi Okafor",
        "NG",
        "en",
        "USD",
    )
    assert summary.consent_version == privacy_service.CONSENT_VERSION
    assert summary.consent_given_at is not None
    assert summary.opted_out_at is None and summary.erased_at is None
    assert summary.conversations == 1
    assert (summary.messages_from_buyer, summary.messages_to_buyer) == (2, 2)
    assert (summary.watchlist_entries, summary.saved_searches) == (1, 2)
    assert summary.first_contact_at <= summary.last_contact_at
    assert NUMBER not in summary.model_dump_json()
    assert _actions(db_session, buyer.id)[-1] is PrivacyAction.DATA_SUMMARY


def test_the_summary_of_a_telegram_buyer_only_says_an_id_is_held(db_session: Session) -> None:
    buyer = buyer_service.get_or_create_by_telegram(db_session=db_session, user_id=987654321)

    summary = privacy_service.data_summary(db_session=db_session, buyer_id=buyer.id)

    assert summary.has_telegram and summary.whatsapp_number is None
    assert "987654321" not in summary.model_dump_json()
    assert (summary.conversations, summary.messages_from_buyer, summary.saved_searches) == (0, 0, 0)


def test_a_number_is_masked_except_its_last_three_digits() -> None:
    assert privacy_service.mask_number("+2348012345678") == "+**********678"
    assert privacy_service.mask_number("+15551234") == "+*****234"
    assert privacy_service.mask_number(None) is None


def test_the_summary_of_an_unknown_buyer_is_not_found(db_session: Session) -> None:
    with pytest.raises(NotFound):
        privacy_service.data_summary(db_session=db_session, buyer_id=404)


# --- consent and alerts -----------------------------------------------------------------------


def test_consent_is_needed_until_the_current_notice_is_accepted(db_session: Session) -> None:
    buyer = make_buyer(db_session)
    assert privacy_service.needs_consent(buyer)

    privacy_service.give_consent(db_session=db_session, buyer_id=buyer.id, version="2025-01")
    assert privacy_service.needs_consent(buyer)

    privacy_service.give_consent(db_session=db_session, buyer_id=buyer.id)
    assert not privacy_service.needs_consent(buyer)

    buyer.consent_version = "2099-01"  # accepted on a newer replica during a rolling deploy
    assert not privacy_service.needs_consent(buyer)


def test_consent_opt_out_and_opt_in_are_audited_without_personal_data(db_session: Session) -> None:
    buyer = make_buyer(db_session, NUMBER)

    privacy_service.give_consent(db_session=db_session, buyer_id=buyer.id)
    assert privacy_service.stop_alerts(db_session=db_session, buyer_id=buyer.id).is_opted_out
    assert not privacy_service.resume_alerts(db_session=db_session, buyer_id=buyer.id).is_opted_out

    trail = privacy_service.audit_trail(db_session=db_session, buyer_id=buyer.id)
    assert [entry.action for entry in trail] == [
        PrivacyAction.CONSENT,
        PrivacyAction.OPT_OUT,
        PrivacyAction.OPT_IN,
    ]
    assert trail[0].detail == f"version {privacy_service.CONSENT_VERSION}"
    assert all(entry.at.tzinfo is not None for entry in trail)


def test_an_audit_detail_that_looks_like_a_number_or_id_is_refused(db_session: Session) -> None:
    buyer = make_buyer(db_session)
    with pytest.raises(InvalidInput):
        privacy_service.record(
            db_session=db_session,
            buyer_id=buyer.id,
            action=PrivacyAction.OPT_OUT,
            detail=f"asked from {NUMBER}",
        )
    with pytest.raises(InvalidInput):
        privacy_service.record(
            db_session=db_session, buyer_id=buyer.id, action=PrivacyAction.OPT_OUT, detail="x" * 201
        )


# --- erasure ----------------------------------------------------------------------------------


def test_erasure_wipes_every_personal_field_and_every_message_text(
    db_session: Session, sessions: sessionmaker[Session]
) -> None:
    buyer = _buyer_with_history(db_session)
    privacy_service.give_consent(db_session=db_session, buyer_id=buyer.id)
    preferences.set_quiet_hours(db_session=db_session, buyer_id=buyer.id, start_hour=22,
                                end_hour=6)  # fmt: skip
    privacy_service.request_erasure(db_session=db_session, buyer_id=buyer.id)

    receipt = privacy_service.erase_buyer(
        db_session=db_session, buyer_id=buyer.id, reason="buyer request"
    )
    db_session.commit()

    assert preferences.get(db_session=db_session, buyer_id=buyer.id) is None

    assert receipt.first_erasure
    assert (receipt.messages_blanked, receipt.conversations_anonymised) == (4, 1)
    assert (receipt.watchlist_entries_deleted, receipt.saved_searches_deleted) == (1, 2)
    with sessions() as fresh:
        erased = fresh.get(Buyer, buyer.id)
        assert erased is not None
        assert (erased.name, erased.whatsapp_number, erased.telegram_user_id) == ("", None, None)
        assert erased.country is None
        assert erased.erased_at == receipt.erased_at
        assert erased.is_opted_out
        assert erased.consent_version == privacy_service.CONSENT_VERSION  # proof, not personal
        conversation = fresh.scalars(select(Conversation)).one()
        assert conversation.buyer_id == buyer.id
        assert conversation.key == f"erased:{conversation.id}" and conversation.chat_id == ""
        messages = fresh.scalars(select(ChatMessage).order_by(ChatMessage.id)).all()
        assert len(messages) == 4
        assert all(m.text == "" and m.payload == {} for m in messages)
        assert all(m.error_detail is None for m in messages)
        assert [m.provider_message_id for m in messages[:2]] == ["wamid.one", "wamid.two"]
        assert fresh.scalars(select(WatchlistEntry)).all() == []
        assert fresh.scalars(select(SavedSearch)).all() == []
        trail = fresh.scalars(select(PrivacyAuditEntry).order_by(PrivacyAuditEntry.id)).all()
        assert [entry.action for entry in trail] == [
            PrivacyAction.CONSENT,
            PrivacyAction.ERASURE_REQUESTED,
            PrivacyAction.ERASED,
        ]
        assert trail[-1].detail.startswith("buyer request; messages 4")
        assert not any("Chidi" in e.detail or "8012345678" in e.detail for e in trail)


def test_erasure_blanks_the_call_back_number_a_handoff_kept(
    db_session: Session, sessions: sessionmaker[Session]
) -> None:
    buyer = _buyer_with_history(db_session)
    conversation = db_session.scalars(select(Conversation)).one()
    conversation_service.request_handoff(
        db_session=db_session, conversation=conversation, contact="+2348031234567"
    )
    db_session.commit()

    privacy_service.erase_buyer(db_session=db_session, buyer_id=buyer.id, reason="buyer request")
    db_session.commit()

    with sessions() as fresh:
        request = fresh.scalars(select(HandoffRequest)).one()
        assert request.contact is None


def test_alerts_are_allowed_only_with_consent_and_not_after_stop(db_session: Session) -> None:
    buyer = make_buyer(db_session, NUMBER)
    assert not privacy_service.alerts_allowed(buyer)

    privacy_service.switch_alerts_on(db_session=db_session, buyer_id=buyer.id)
    assert privacy_service.alerts_allowed(buyer)
    privacy_service.stop_alerts(db_session=db_session, buyer_id=buyer.id)
    assert not privacy_service.alerts_allowed(buyer)
    privacy_service.switch_alerts_on(db_session=db_session, buyer_id=buyer.id)
    assert privacy_service.alerts_allowed(buyer)

    trail = privacy_service.audit_trail(db_session=db_session, buyer_id=buyer.id)
    assert [entry.action for entry in trail] == [
        PrivacyAction.CONSENT,
        PrivacyAction.OPT_OUT,
        PrivacyAction.OPT_IN,
    ]


def test_after_erasure_the_same_number_is_a_new_buyer_in_a_new_conversation(
    db_session: Session,
) -> None:
    buyer = _buyer_with_history(db_session)
    privacy_service.erase_buyer(db_session=db_session, buyer_id=buyer.id, reason="buyer request")
    db_session.commit()

    again = buyer_service.get_or_create_by_whatsapp(db_session=db_session, number=NUMBER)
    conversation = conversation_service.get_or_create(
        db_session=db_session, key=KEY, channel="whatsapp", chat_id=NUMBER, buyer_id=again.id
    )
    db_session.commit()

    assert again.id != buyer.id
    assert again.whatsapp_number == NUMBER and again.erased_at is None
    assert privacy_service.needs_consent(again)
    assert conversation.buyer_id == again.id
    summary = privacy_service.data_summary(db_session=db_session, buyer_id=again.id)
    assert (summary.messages_from_buyer, summary.watchlist_entries) == (0, 0)


def test_a_replayed_provider_message_is_still_refused_after_erasure(db_session: Session) -> None:
    buyer = _buyer_with_history(db_session)
    privacy_service.erase_buyer(db_session=db_session, buyer_id=buyer.id, reason="buyer request")
    db_session.commit()
    again = buyer_service.get_or_create_by_whatsapp(db_session=db_session, number=NUMBER)
    conversation = conversation_service.get_or_create(
        db_session=db_session, key=KEY, channel="whatsapp", chat_id=NUMBER, buyer_id=again.id
    )

    replayed = conversation_service.record_inbound(
        db_session=db_session,
        conversation=conversation,
        provider_message_id="wamid.one",
        kind="text",
        text="Toyota Camry 2015?",
        payload={},
    )

    assert replayed is None
    original = conversation_service.get_inbound(
        db_session=db_session, channel="whatsapp", provider_message_id="wamid.one"
    )
    assert original is not None and original.text == ""


def test_erasing_twice_is_harmless_and_blanks_what_arrived_in_between(
    db_session: Session,
) -> None:
    buyer = _buyer_with_history(db_session)
    first = privacy_service.erase_buyer(db_session=db_session, buyer_id=buyer.id, reason="request")
    db_session.commit()
    inbound = conversation_service.get_inbound(
        db_session=db_session, channel="whatsapp", provider_message_id="wamid.two"
    )
    assert inbound is not None
    late = ChatMessage(  # the reply of a turn that was in flight during the erasure
        conversation_id=inbound.conversation_id,
        channel="whatsapp",
        direction=Direction.OUTBOUND,
        idempotency_key=f"{inbound.id}:9",
        kind="text",
        text="Chidi, your quote",
        payload={"to": NUMBER},
        status=MessageStatus.PENDING,
    )
    db_session.add(late)
    db_session.commit()

    second = privacy_service.erase_buyer(db_session=db_session, buyer_id=buyer.id, reason="request")
    db_session.commit()

    assert not second.first_erasure
    assert second.erased_at == first.erased_at
    assert (second.watchlist_entries_deleted, second.saved_searches_deleted) == (0, 0)
    db_session.refresh(late)
    assert (late.text, late.payload) == ("", {})
    assert _actions(db_session, buyer.id) == [PrivacyAction.ERASED, PrivacyAction.ERASED]
    assert privacy_service.audit_trail(db_session=db_session, buyer_id=buyer.id)[
        -1
    ].detail.startswith("request (again)")


def test_an_erasure_reason_holding_an_identifier_changes_nothing(db_session: Session) -> None:
    buyer = _buyer_with_history(db_session)
    with pytest.raises(InvalidInput):
        privacy_service.erase_buyer(db_session=db_session, buyer_id=buyer.id, reason=NUMBER)
    assert buyer.whatsapp_number == NUMBER and buyer.erased_at is None


def test_a_confirmed_request_stays_pending_until_the_buyer_is_erased(db_session: Session) -> None:
    asking, other = _buyer_with_history(db_session), make_buyer(db_session)
    request = privacy_service.request_erasure(db_session=db_session, buyer_id=asking.id)
    assert abs(request.requested_at - utcnow()) < timedelta(minutes=1)
    assert privacy_service.pending_erasures(db_session=db_session) == [asking.id]

    privacy_service.erase_buyer(db_session=db_session, buyer_id=asking.id, reason="request")

    assert privacy_service.pending_erasures(db_session=db_session) == []
    assert privacy_service.audit_trail(db_session=db_session, buyer_id=other.id) == []


# --- migration --------------------------------------------------------------------------------


def test_the_privacy_migration_goes_down_and_up_keeping_buyers(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    with sessions() as db_session, db_session.begin():
        buyer_id = make_buyer(db_session, NUMBER).id
    try:
        downgrade(engine, "0002")
        inspector = inspect(engine)
        assert "privacy_audit" not in inspector.get_table_names()
        assert "erased_at" not in {c["name"] for c in inspector.get_columns("buyers")}
    finally:
        upgrade(engine)
    with sessions() as db_session:
        buyer = db_session.get(Buyer, buyer_id)
        assert buyer is not None and buyer.whatsapp_number == NUMBER and buyer.erased_at is None
        privacy_service.erase_buyer(db_session=db_session, buyer_id=buyer_id, reason="request")
        db_session.commit()
        assert _actions(db_session, buyer_id) == [PrivacyAction.ERASED]
