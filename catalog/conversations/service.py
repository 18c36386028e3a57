"""Conversations and their messages: find or open a conversation, record what was said and
what the providers report about delivery, and who answers it (the bot, or a person after a
handoff request)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from catalog.buyers.models import Buyer
from catalog.conversations.models import (
    ChatMessage,
    Conversation,
    ConversationState,
    Direction,
    HandoffRequest,
    HandoffReturn,
    HandoffStatus,
    InboundRefusal,
    MessageStatus,
)
from catalog.database import utcnow
from catalog.errors import NotFound
from catalog.outbox import service as outbox

# A delivery report only moves a message forward (a late "delivered" never undoes "read").
_PROGRESS = {
    MessageStatus.PENDING: 0,
    MessageStatus.SENT: 1,
    MessageStatus.DELIVERED: 2,
    MessageStatus.READ: 3,
}


def get_by_key(*, db_session: Session, key: str) -> Conversation | None:
    return db_session.scalar(select(Conversation).where(Conversation.key == key))


def get(*, db_session: Session, conversation_id: int) -> Conversation:
    conversation = db_session.get(Conversation, conversation_id)
    if conversation is None:
        raise NotFound(f"no conversation {conversation_id}")
    return conversation


def channels_of(*, db_session: Session, buyer_id: int) -> list[str]:
    """The channels the buyer has a conversation on (erased ones left out), the one they last
    wrote on first: where their alerts go unless they chose another."""
    last_in = (
        select(ChatMessage.conversation_id, func.max(ChatMessage.created_at).label("at"))
        .where(ChatMessage.direction == Direction.INBOUND)
        .group_by(ChatMessage.conversation_id)
        .subquery()
    )
    rows = db_session.scalars(
        select(Conversation)
        .outerjoin(last_in, last_in.c.conversation_id == Conversation.id)
        .where(Conversation.buyer_id == buyer_id)
        .order_by(last_in.c.at.desc().nulls_last(), Conversation.id.desc())
    )
    channels: list[str] = []
    for conversation in rows:
        if not conversation.erased and conversation.channel not in channels:
            channels.append(conversation.channel)
    return channels


def get_or_create(
    *, db_session: Session, key: str, channel: str, chat_id: str, buyer_id: int | None
) -> Conversation:
    """The conversation with `key`, opened on first contact (safe when two workers race)."""
    conversation = get_by_key(db_session=db_session, key=key)
    if conversation is None:
        try:
            with db_session.begin_nested():
                conversation = Conversation(
                    key=key, channel=channel, chat_id=chat_id, buyer_id=buyer_id
                )
                db_session.add(conversation)
        except IntegrityError:
            conversation = get_by_key(db_session=db_session, key=key)
            if conversation is None:
                raise
    conversation.last_message_at = utcnow()
    if buyer_id is not None and conversation.buyer_id is None:
        conversation.buyer_id = buyer_id
    db_session.flush()
    return conversation


def record_inbound(
    *,
    db_session: Session,
    conversation: Conversation,
    provider_message_id: str,
    kind: str,
    text: str,
    payload: dict[str, Any],
) -> ChatMessage | None:
    """Record an inbound message; None if this provider id was recorded before (a replay)."""
    message = ChatMessage(
        conversation_id=conversation.id,
        channel=conversation.channel,
        direction=Direction.INBOUND,
        provider_message_id=provider_message_id,
        kind=kind,
        text=text,
        payload=payload,
        status=MessageStatus.RECEIVED,
    )
    try:
        with db_session.begin_nested():
            db_session.add(message)
    except IntegrityError:
        return None
    return message


def get_inbound(
    *, db_session: Session, channel: str, provider_message_id: str
) -> ChatMessage | None:
    return db_session.scalar(
        select(ChatMessage).where(
            ChatMessage.channel == channel,
            ChatMessage.provider_message_id == provider_message_id,
            ChatMessage.direction == Direction.INBOUND,
        )
    )


def record_replies(
    *,
    db_session: Session,
    inbound: ChatMessage,
    replies: Sequence[tuple[str, str, dict[str, Any]]],
) -> list[ChatMessage]:
    """Record the bot's replies (kind, text, payload) to `inbound` as pending, in order.

    Each gets the idempotency key '<inbound id>:<n>': recording a retried turn twice is refused
    by the database, so a reply can never be queued for sending twice.
    """
    rows = [
        ChatMessage(
            conversation_id=inbound.conversation_id,
            channel=inbound.channel,
            direction=Direction.OUTBOUND,
            idempotency_key=f"{inbound.id}:{number}",
            reply_to_id=inbound.id,
            kind=kind,
            text=text,
            payload=payload,
            status=MessageStatus.PENDING,
        )
        for number, (kind, text, payload) in enumerate(replies)
    ]
    db_session.add_all(rows)
    inbound.status = MessageStatus.ANSWERED
    db_session.flush()
    return rows


def pending_replies(*, db_session: Session, inbound_id: int) -> Sequence[ChatMessage]:
    """Replies to `inbound` not yet accepted by the provider, in order."""
    return db_session.scalars(
        select(ChatMessage)
        .where(ChatMessage.reply_to_id == inbound_id, ChatMessage.status == MessageStatus.PENDING)
        .order_by(ChatMessage.id)
    ).all()


def mark_sent(
    *, db_session: Session, message: ChatMessage, provider_message_id: str | None
) -> None:
    message.status = MessageStatus.SENT
    message.provider_message_id = provider_message_id
    message.attempts += 1
    db_session.flush()


def mark_failed(
    *, db_session: Session, message: ChatMessage, error_code: str, error_detail: str
) -> None:
    """A permanent failure: recorded, not retried."""
    message.status = MessageStatus.FAILED
    message.attempts += 1
    message.error_code = error_code[:40]
    message.error_detail = error_detail[:500]
    db_session.flush()


def record_delivery(
    *,
    db_session: Session,
    channel: str,
    provider_message_id: str,
    status: MessageStatus,
    error_code: str | None = None,
    error_detail: str | None = None,
) -> ChatMessage | None:
    """Apply a provider's delivery report to our outbound message: the message, or None if
    it is unknown to us."""
    message = db_session.scalar(
        select(ChatMessage).where(
            ChatMessage.channel == channel,
            ChatMessage.provider_message_id == provider_message_id,
            ChatMessage.direction == Direction.OUTBOUND,
        )
    )
    if message is None:
        return None
    if status is MessageStatus.FAILED:
        message.status = MessageStatus.FAILED
        message.error_code = (error_code or "")[:40] or None
        message.error_detail = (error_detail or "")[:500] or None
    elif _PROGRESS.get(status, -1) > _PROGRESS.get(message.status, 99):
        message.status = status
    db_session.flush()
    return message


def set_state(*, db_session: Session, conversation: Conversation, state: ConversationState) -> None:
    conversation.state = state
    db_session.flush()


def request_handoff(
    *, db_session: Session, conversation: Conversation, contact: str | None = None,
    alert_staff: bool = True,
) -> HandoffRequest:  # fmt: skip
    """The buyer asked for a person: the bot pauses and the request waits for an agent (a
    request still waiting is reused, so asking twice waits once). `contact`: the phone or
    e-mail the buyer asked to be called back on (kept on the request, the latest one wins).
    A new request alerts staff (`handoff.requested`, in the same transaction)."""
    request = open_handoff(db_session=db_session, conversation_id=conversation.id)
    new = request is None
    if request is None:
        request = HandoffRequest(conversation_id=conversation.id, status=HandoffStatus.OPEN)
        db_session.add(request)
    if contact is not None:
        request.contact = contact
    conversation.state = ConversationState.WAITING_AGENT
    db_session.flush()
    if new and alert_staff:
        _alert_staff(db_session, conversation, request)
    return request


def _alert_staff(db_session: Session, conversation: Conversation, request: HandoffRequest) -> None:
    buyer = db_session.get(Buyer, conversation.buyer_id) if conversation.buyer_id else None
    reason = "asked for a call-back" if request.contact else "asked for a person"
    outbox.add(db_session, "handoff", request.id, [outbox.Entry(
        "handoff.requested", f"handoff.requested:{request.id}", to_staff=True,
        payload={"conversation_id": conversation.id, "channel": conversation.channel,
                 "language": buyer.language if buyer else "?", "reason": reason},
    )])  # fmt: skip


def open_handoff(*, db_session: Session, conversation_id: int) -> HandoffRequest | None:
    """The conversation's request not yet back with the bot (waiting or taken), if any."""
    return db_session.scalar(
        select(HandoffRequest)
        .where(
            HandoffRequest.conversation_id == conversation_id,
            HandoffRequest.status != HandoffStatus.RETURNED,
        )
        .order_by(HandoffRequest.id.desc())
        .limit(1)
    )


def take_over(*, db_session: Session, conversation: Conversation) -> HandoffRequest:
    """An agent has the conversation: its request is taken (one is opened if none was)."""
    request = request_handoff(db_session=db_session, conversation=conversation, alert_staff=False)
    if request.status is HandoffStatus.OPEN:
        request.status = HandoffStatus.TAKEN
        request.taken_at = utcnow()
    conversation.state = ConversationState.AGENT
    db_session.flush()
    return request


def hand_back(
    *, db_session: Session, conversation: Conversation, returned_by: HandoffReturn
) -> HandoffRequest | None:
    """The bot answers the conversation again; its request, if any, is closed (and kept)."""
    request = open_handoff(db_session=db_session, conversation_id=conversation.id)
    if request is not None:
        request.status = HandoffStatus.RETURNED
        request.returned_at = utcnow()
        request.returned_by = returned_by
    conversation.state = ConversationState.BOT
    db_session.flush()
    return request


def overdue_handoffs(
    *, db_session: Session, requested_before: datetime
) -> Sequence[HandoffRequest]:
    """The requests still waiting for an agent since before `requested_before`, oldest first."""
    return db_session.scalars(
        select(HandoffRequest)
        .where(
            HandoffRequest.status == HandoffStatus.OPEN,
            HandoffRequest.requested_at < requested_before,
        )
        .order_by(HandoffRequest.requested_at)
    ).all()


def expire_handoff(*, db_session: Session, request_id: int) -> Conversation | None:
    """Give a request that no agent took back to the bot; its conversation, or None when it is
    no longer waiting (an agent took it, the buyer came back, or another worker expired it).

    The claim is one conditional UPDATE, so two workers never both expire a request.
    """
    claimed = db_session.execute(
        update(HandoffRequest)
        .where(HandoffRequest.id == request_id, HandoffRequest.status == HandoffStatus.OPEN)
        .values(
            status=HandoffStatus.RETURNED, returned_at=utcnow(), returned_by=HandoffReturn.TIMEOUT
        )
        .execution_options(synchronize_session=False)
    )
    if getattr(claimed, "rowcount", 0) != 1:
        return None
    request = db_session.get(HandoffRequest, request_id)
    if request is None:  # pragma: no cover - claimed just now
        return None
    db_session.refresh(request)
    conversation = get(db_session=db_session, conversation_id=request.conversation_id)
    if conversation.state is ConversationState.WAITING_AGENT:
        conversation.state = ConversationState.BOT
    db_session.flush()
    return conversation


def get_all_handoffs(*, db_session: Session) -> Sequence[HandoffRequest]:
    """Every handoff request, waiting, taken or returned, oldest first."""
    return db_session.scalars(
        select(HandoffRequest).order_by(HandoffRequest.requested_at, HandoffRequest.id)
    ).all()


def record_notice(
    *,
    db_session: Session,
    conversation: Conversation,
    notice_key: str,
    replies: Sequence[tuple[str, str, dict[str, Any]]],
    outbox_id: int | None = None,
) -> list[ChatMessage]:
    """Record messages the bot sends on its own (not in answer to a message) as pending; an
    alert's name the alert (`outbox_id`), so its status callbacks reach the alert.

    Each gets the idempotency key '<notice_key>:<n>', so a notice is queued once however often
    it is recorded; recorded before, the rows not yet sent are returned instead.
    """
    keys = [f"{notice_key}:{number}" for number in range(len(replies))]
    existing = db_session.scalars(
        select(ChatMessage).where(ChatMessage.idempotency_key.in_(keys)).order_by(ChatMessage.id)
    ).all()
    if existing:
        return [row for row in existing if row.status is MessageStatus.PENDING]
    rows = [
        ChatMessage(
            conversation_id=conversation.id,
            channel=conversation.channel,
            direction=Direction.OUTBOUND,
            idempotency_key=key,
            outbox_id=outbox_id,
            kind=kind,
            text=text,
            payload=payload,
            status=MessageStatus.PENDING,
        )
        for key, (kind, text, payload) in zip(keys, replies, strict=True)
    ]
    db_session.add_all(rows)
    db_session.flush()
    return rows


def find_by_provider_id(
    *, db_session: Session, conversation: Conversation, provider_message_id: str
) -> ChatMessage | None:
    """The message of `conversation` the provider names `provider_message_id` (a reaction's
    or an edit's target): ours or the buyer's. A Telegram album we sent is recorded as one
    row with its message ids joined by commas; any of them names it."""
    rows = db_session.scalars(
        select(ChatMessage).where(
            ChatMessage.conversation_id == conversation.id,
            or_(
                ChatMessage.provider_message_id == provider_message_id,
                ChatMessage.provider_message_id.startswith(
                    provider_message_id + ",", autoescape=True
                ),
                ChatMessage.provider_message_id.endswith(
                    "," + provider_message_id, autoescape=True
                ),
                ChatMessage.provider_message_id.contains(
                    "," + provider_message_id + ",", autoescape=True
                ),
            ),
        )
    ).all()
    return rows[0] if rows else None


def record_refusal(
    *,
    db_session: Session,
    channel: str,
    reason: str,
    item: str,
    provider_message_id: str | None,
    received_at: datetime,
) -> InboundRefusal:
    refusal = InboundRefusal(
        channel=channel,
        reason=reason[:500],
        item=item,
        provider_message_id=provider_message_id,
        received_at=received_at,
    )
    db_session.add(refusal)
    db_session.flush()
    return refusal
