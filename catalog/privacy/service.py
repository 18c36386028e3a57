"""Privacy: consent to a versioned notice, alerts on and off, "my data", and erasure.

Every one of these acts is written to the privacy audit (`record`), which is kept for good and
holds no personal data. The rules are in README.md next to this file.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, delete, func, select, update
from sqlalchemy.orm import Session

from catalog.buyers import service as buyer_service
from catalog.buyers.models import Buyer
from catalog.conversations.models import (
    ERASED_KEY_PREFIX,
    ChatMessage,
    Conversation,
    Direction,
    HandoffRequest,
)
from catalog.database import utcnow
from catalog.errors import InvalidInput
from catalog.leads.models import Lead
from catalog.preferences.models import AlertPreferences
from catalog.privacy.models import PrivacyAction, PrivacyAuditEntry
from catalog.privacy.schemas import DataSummary, ErasureReceipt, ErasureRequest
from catalog.watchlist.models import SavedSearch, WatchlistEntry

# The privacy notice buyers accept. 'YYYY-MM', so versions sort by date; bump it when the notice
# changes and every buyer is asked again.
CONSENT_VERSION = "2026-11"

_DETAIL_LENGTH = 200
_REASON_LENGTH = 80  # leaves room in the detail for the erasure's counts
# A run of 7+ digits is a phone number or a Telegram id: personal data, never audit detail.
_LOOKS_LIKE_AN_IDENTIFIER = re.compile(r"\d{7,}")
_HIDDEN_DIGIT = re.compile(r"\d(?=\d{3})")


def needs_consent(buyer: Buyer) -> bool:
    """True if the buyer has not accepted the current notice: never, or an older version.

    A buyer who accepted a newer version (served by a newer replica during a rolling deploy)
    is not asked again by an older one.
    """
    return buyer.consent_given_at is None or (buyer.consent_version or "") < CONSENT_VERSION


def mask_number(number: str | None) -> str | None:
    """'+2348012345678' -> '+**********678': every digit hidden but the last 3."""
    return None if number is None else _HIDDEN_DIGIT.sub("*", number)


def record(
    *, db_session: Session, buyer_id: int, action: PrivacyAction, detail: str = ""
) -> PrivacyAuditEntry:
    """Append an entry to the buyer's privacy audit, in the caller's transaction.

    `detail` is for facts such as a notice version or counts, never personal data: a detail
    longer than 200 characters or holding what looks like a phone number or id is refused
    (InvalidInput).
    """
    _check_detail(detail, _DETAIL_LENGTH)
    entry = PrivacyAuditEntry(buyer_id=buyer_id, action=action, detail=detail)
    db_session.add(entry)
    db_session.flush()
    return entry


def audit_trail(*, db_session: Session, buyer_id: int) -> Sequence[PrivacyAuditEntry]:
    """The buyer's privacy audit, oldest first."""
    return db_session.scalars(
        select(PrivacyAuditEntry)
        .where(PrivacyAuditEntry.buyer_id == buyer_id)
        .order_by(PrivacyAuditEntry.id)
    ).all()


def give_consent(*, db_session: Session, buyer_id: int, version: str = CONSENT_VERSION) -> Buyer:
    """The buyer accepts the privacy notice `version` (the current one unless said)."""
    buyer = buyer_service.get(db_session=db_session, buyer_id=buyer_id)
    buyer_service.record_consent(db_session=db_session, buyer=buyer, version=version)
    record(
        db_session=db_session,
        buyer_id=buyer_id,
        action=PrivacyAction.CONSENT,
        detail=f"version {version}",
    )
    return buyer


def stop_alerts(*, db_session: Session, buyer_id: int) -> Buyer:
    """The buyer opts out of every alert (they can still chat)."""
    buyer = buyer_service.get(db_session=db_session, buyer_id=buyer_id)
    buyer_service.opt_out(db_session=db_session, buyer=buyer)
    record(db_session=db_session, buyer_id=buyer_id, action=PrivacyAction.OPT_OUT)
    return buyer


def resume_alerts(*, db_session: Session, buyer_id: int) -> Buyer:
    """The buyer opts back in to alerts."""
    buyer = buyer_service.get(db_session=db_session, buyer_id=buyer_id)
    buyer_service.opt_in(db_session=db_session, buyer=buyer)
    record(db_session=db_session, buyer_id=buyer_id, action=PrivacyAction.OPT_IN)
    return buyer


def alerts_allowed(buyer: Buyer) -> bool:
    """True if alerts may be sent to (and promised to) the buyer: the current notice accepted,
    alerts not stopped, data not erased."""
    return not needs_consent(buyer) and buyer.opted_out_at is None and buyer.erased_at is None


def switch_alerts_on(*, db_session: Session, buyer_id: int) -> Buyer:
    """The buyer said yes to alerts (a tap on an offer that showed the notice's terms): the
    current notice accepted if it was not, alerts resumed if they were stopped; each audited."""
    buyer = buyer_service.get(db_session=db_session, buyer_id=buyer_id)
    if needs_consent(buyer):
        give_consent(db_session=db_session, buyer_id=buyer_id)
    if buyer.opted_out_at is not None:
        resume_alerts(db_session=db_session, buyer_id=buyer_id)
    return buyer


def data_summary(*, db_session: Session, buyer_id: int) -> DataSummary:
    """What we hold about the buyer, identifiers masked; the request is audited."""
    buyer = buyer_service.get(db_session=db_session, buyer_id=buyer_id)
    messages = _message_counts(db_session, buyer_id)
    summary = DataSummary(
        buyer_id=buyer.id,
        whatsapp_number=mask_number(buyer.whatsapp_number),
        has_telegram=buyer.telegram_user_id is not None,
        name=buyer.name,
        language=buyer.language,
        currency=buyer.currency,
        country=buyer.country,
        consent_given_at=buyer.consent_given_at,
        consent_version=buyer.consent_version,
        opted_out_at=buyer.opted_out_at,
        erased_at=buyer.erased_at,
        alerts_allowed=alerts_allowed(buyer),
        conversations=_count(db_session, Conversation.buyer_id == buyer_id),
        messages_from_buyer=messages.get(Direction.INBOUND, 0),
        messages_to_buyer=messages.get(Direction.OUTBOUND, 0),
        watchlist_entries=_count(db_session, WatchlistEntry.buyer_id == buyer_id),
        saved_searches=_count(db_session, SavedSearch.buyer_id == buyer_id),
        first_contact_at=buyer.created_at,
        last_contact_at=buyer.last_seen_at,
    )
    record(db_session=db_session, buyer_id=buyer_id, action=PrivacyAction.DATA_SUMMARY)
    return summary


def request_erasure(*, db_session: Session, buyer_id: int) -> ErasureRequest:
    """Record the buyer's confirmed request to be erased (the chat flow asked them first).

    The request is kept in the audit, so a request not yet carried out by `erase_buyer` is
    found again by `pending_erasures`.
    """
    buyer_service.get(db_session=db_session, buyer_id=buyer_id)
    entry = record(db_session=db_session, buyer_id=buyer_id, action=PrivacyAction.ERASURE_REQUESTED)
    return ErasureRequest(buyer_id=buyer_id, requested_at=entry.at)


def pending_erasures(*, db_session: Session) -> list[int]:
    """Ids of the buyers who asked to be erased and are not erased yet."""
    return list(
        db_session.scalars(
            select(PrivacyAuditEntry.buyer_id)
            .join(Buyer, Buyer.id == PrivacyAuditEntry.buyer_id)
            .where(
                PrivacyAuditEntry.action == PrivacyAction.ERASURE_REQUESTED,
                Buyer.erased_at.is_(None),
            )
            .distinct()
            .order_by(PrivacyAuditEntry.buyer_id)
        )
    )


def erase_buyer(*, db_session: Session, buyer_id: int, reason: str) -> ErasureReceipt:
    """Erase the buyer's personal data, all in the caller's transaction.

    The buyer row stays (keys and statistics hold) with its identifiers, name and country
    cleared, alerts stopped and `erased_at` set; the number and Telegram id are free again, so
    the same person writing later is a new buyer. Their conversations lose the chat id and key;
    their messages, both ways, keep their rows and provider ids (a replayed provider message is
    still refused) but lose text, payload and error detail; their handoff requests lose the
    call-back contact. Watchlist entries, saved searches, alert settings and the dealers' leads
    about them are deleted; alerts still waiting are never sent (they name nobody). An `erased`
    audit entry records `reason` (no personal data) and the counts.

    Erasing again is harmless: it blanks whatever was recorded since (a reply of a turn that
    was in flight) and keeps the first `erased_at`.
    """
    _check_detail(reason, _REASON_LENGTH)
    buyer = buyer_service.get(db_session=db_session, buyer_id=buyer_id)
    first_erasure = buyer.erased_at is None
    conversations = db_session.scalars(
        select(Conversation).where(Conversation.buyer_id == buyer_id)
    ).all()
    messages = _blank_messages(db_session, [c.id for c in conversations])
    if conversations:  # call-back numbers the buyer gave
        db_session.execute(
            update(HandoffRequest)
            .where(HandoffRequest.conversation_id.in_([c.id for c in conversations]))
            .values(contact=None)
        )
    for conversation in conversations:
        conversation.key = f"{ERASED_KEY_PREFIX}{conversation.id}"  # unique, and names nobody
        conversation.chat_id = ""
    watchlist = _rowcount(
        db_session.execute(delete(WatchlistEntry).where(WatchlistEntry.buyer_id == buyer_id))
    )
    searches = _rowcount(
        db_session.execute(delete(SavedSearch).where(SavedSearch.buyer_id == buyer_id))
    )
    db_session.execute(delete(AlertPreferences).where(AlertPreferences.buyer_id == buyer_id))
    db_session.execute(delete(Lead).where(Lead.buyer_id == buyer_id))
    erased_at = _blank_buyer(buyer)
    db_session.flush()
    receipt = ErasureReceipt(
        buyer_id=buyer_id,
        erased_at=erased_at,
        first_erasure=first_erasure,
        messages_blanked=messages,
        conversations_anonymised=len(conversations),
        watchlist_entries_deleted=watchlist,
        saved_searches_deleted=searches,
    )
    record(
        db_session=db_session,
        buyer_id=buyer_id,
        action=PrivacyAction.ERASED,
        detail=_erasure_detail(reason, receipt),
    )
    return receipt


def _blank_buyer(buyer: Buyer) -> datetime:
    now = utcnow()
    buyer.name = ""
    buyer.whatsapp_number = None
    buyer.telegram_user_id = None
    buyer.country = None
    buyer.opted_out_at = buyer.opted_out_at or now  # an erased buyer is never contacted
    buyer.erased_at = buyer.erased_at or now
    return buyer.erased_at


def _blank_messages(db_session: Session, conversation_ids: list[int]) -> int:
    if not conversation_ids:
        return 0
    return _rowcount(
        db_session.execute(
            update(ChatMessage)
            .where(ChatMessage.conversation_id.in_(conversation_ids))
            .values(text="", payload={}, error_detail=None)
        )
    )


def _erasure_detail(reason: str, receipt: ErasureReceipt) -> str:
    again = "" if receipt.first_erasure else " (again)"
    return (
        f"{reason}{again}; messages {receipt.messages_blanked}, "
        f"conversations {receipt.conversations_anonymised}, "
        f"watchlist {receipt.watchlist_entries_deleted}, "
        f"saved searches {receipt.saved_searches_deleted}"
    )


def _check_detail(detail: str, limit: int) -> None:
    if len(detail) > limit:
        raise InvalidInput(f"an audit detail holds at most {limit} characters")
    if _LOOKS_LIKE_AN_IDENTIFIER.search(detail):
        raise InvalidInput("an audit detail must not hold a phone number or an id")


def _count(db_session: Session, criterion: ColumnElement[bool]) -> int:
    return db_session.scalar(select(func.count()).where(criterion)) or 0


def _message_counts(db_session: Session, buyer_id: int) -> dict[Direction, int]:
    rows = db_session.execute(
        select(ChatMessage.direction, func.count())
        .join(Conversation, Conversation.id == ChatMessage.conversation_id)
        .where(Conversation.buyer_id == buyer_id)
        .group_by(ChatMessage.direction)
    ).all()
    return dict(rows)


def _rowcount(result: object) -> int:
    return cast(CursorResult[Any], result).rowcount
