"""The database side of a turn, in plain synchronous functions the worker runs in threads:
who is talking, in which conversation, what they said, and the replies still to send."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bots.language import detect_language, message_language
from bots.outbound.parts import OutboundPart
from catalog.buyers import service as buyer_service
from catalog.buyers.models import Buyer
from catalog.conversations import service as conversation_service
from catalog.conversations.models import (
    ChatMessage,
    Conversation,
    ConversationState,
    Direction,
    MessageStatus,
)
from catalog.database import transaction
from catalog.outbox.models import AlertStatus
from catalog.privacy import service as privacy_service
from chat.languages import supported_language
from chat.messages import (
    Channel,
    DeliveryState,
    DeliveryStatus,
    InboundKind,
    InboundMessage,
    Refusal,
)
from notifications import delivery as alert_delivery
from notifications.config import AlertSettings, get_alert_settings

# Opt-out keywords honoured even while an agent has the conversation (the bot, which understands
# every other way of saying it, is paused then): carriers' and WhatsApp's usual ones, en/fr/pt.
OPT_OUT_KEYWORDS = frozenset(
    {
        "stop",
        "stop all",
        "stopall",
        "unsubscribe",
        "arret",
        "arrêt",
        "arrete",
        "arrête",
        "desabonner",
        "désabonner",
        "parar",
        "pare",
    }
)
LANGUAGE_GUESS_MESSAGES = 1  # only the first message: a later choice of English must stick


def is_opt_out_keyword(text: str) -> bool:
    """The whole message is an opt-out keyword ("STOP", "Unsubscribe", "arrêt", "parar")."""
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split()) in OPT_OUT_KEYWORDS


@dataclass(frozen=True)
class TurnStart:
    conversation_id: int
    state: ConversationState
    inbound_id: int
    answered: bool  # the bot's replies to this message are already recorded (a retried turn)
    buyer_id: int
    language: str  # what this turn is answered in: the buyer's, or the message's own
    recorded: bool = True  # recorded by this turn (False: a redelivery of a recorded message)
    buyer_language: str = ""  # the buyer's chosen language, when the message is in another

    @property
    def other_language(self) -> bool:
        """The message is clearly in another language than the buyer's: answered in it."""
        return bool(self.buyer_language) and self.buyer_language != self.language


def start_turn(sessions: sessionmaker[Session], message: InboundMessage) -> TurnStart:
    """Find or create the buyer and the conversation, and record the message (once)."""
    with transaction(sessions) as db_session:
        buyer = _buyer(db_session, message)
        conversation = conversation_service.get_or_create(
            db_session=db_session,
            key=message.conversation_key,
            channel=message.channel.value,
            chat_id=message.chat_id,
            buyer_id=buyer.id,
        )
        _guess_language(db_session, buyer, conversation.id, message)
        recorded = conversation_service.record_inbound(
            db_session=db_session,
            conversation=conversation,
            provider_message_id=message.message_id,
            kind=message.kind.value,
            text=message.text,
            payload=_inbound_payload(message),
        )
        inbound = recorded or _existing(db_session, message)
        if conversation.state is not ConversationState.BOT:
            inbound.status = MessageStatus.FOR_AGENT
        said_in = message_language(message.text) if message.kind is InboundKind.TEXT else None
        return TurnStart(
            conversation_id=conversation.id,
            state=conversation.state,
            inbound_id=inbound.id,
            answered=inbound.status is MessageStatus.ANSWERED,
            buyer_id=buyer.id,
            language=said_in or buyer.language,
            recorded=recorded is not None,
            buyer_language=buyer.language if said_in not in (None, buyer.language) else "",
        )


def stop_alerts(sessions: sessionmaker[Session], buyer_id: int) -> None:
    """The buyer opted out with a keyword while the bot was paused."""
    with transaction(sessions) as db_session:
        privacy_service.stop_alerts(db_session=db_session, buyer_id=buyer_id)


def _buyer(db_session: Session, message: InboundMessage) -> Buyer:
    if message.channel is Channel.TELEGRAM:
        buyer = buyer_service.get_or_create_by_telegram(
            db_session=db_session, user_id=int(message.user_id), name=message.user_name
        )
    else:
        number = message.user_id if message.user_id.startswith("+") else None
        buyer = buyer_service.get_or_create_by_whatsapp(
            db_session=db_session, number=number, bsuid=message.bsuid, name=message.user_name
        )
    hint = supported_language(message.language_hint)
    if buyer.language == "en" and hint is not None and buyer.consent_given_at is None:
        buyer.language = hint  # a new buyer's app language is a better first guess than English
    return buyer


def _guess_language(
    db_session: Session, buyer: Buyer, conversation_id: int, message: InboundMessage
) -> None:
    """A new buyer's first message decides their language (then they may choose another)."""
    if buyer.language != "en" or buyer.consent_given_at is not None or not message.text:
        return
    earlier = db_session.scalar(
        select(func.count())
        .select_from(ChatMessage)
        .where(
            ChatMessage.conversation_id == conversation_id,
            ChatMessage.direction == Direction.INBOUND,
        )
    )
    if (earlier or 0) < LANGUAGE_GUESS_MESSAGES:
        guessed = detect_language(message.text)
        if guessed is not None and guessed != buyer.language:
            buyer.language = guessed


def _existing(db_session: Session, message: InboundMessage) -> ChatMessage:
    inbound = conversation_service.get_inbound(
        db_session=db_session, channel=message.channel.value, provider_message_id=message.message_id
    )
    if inbound is None:  # pragma: no cover - record_inbound refused it, so it exists
        raise LookupError(f"inbound {message.message_id} vanished")
    return inbound


def _inbound_payload(message: InboundMessage) -> dict[str, Any]:
    fields = message.model_dump(
        mode="json",
        include={
            "payload",
            "latitude",
            "longitude",
            "phone",
            "media_id",
            "provider_type",
            "target_message_id",
            "new_user_id",
        },
        exclude_none=True,
    )
    return {key: value for key, value in fields.items() if value != ""}


def record_event(sessions: sessionmaker[Session], message: InboundMessage) -> bool:
    """Record what is not a turn (a reaction, an edit, a deletion, a new number) against the
    conversation, without the dialog engine. False for a replay.

    A reaction or an edit is linked to the message it is about (`reply_to_id`): a 👍 on a
    bot's reply is an acknowledgement of that reply. A changed number or BSUID moves the buyer
    and their conversation to the new id, so their next message finds them.
    """
    with transaction(sessions) as db_session:
        buyer = _buyer(db_session, message)
        conversation = conversation_service.get_or_create(
            db_session=db_session,
            key=message.conversation_key,
            channel=message.channel.value,
            chat_id=message.chat_id,
            buyer_id=buyer.id,
        )
        recorded = conversation_service.record_inbound(
            db_session=db_session,
            conversation=conversation,
            provider_message_id=message.message_id,
            kind=message.kind.value,
            text=message.text,
            payload=_inbound_payload(message),
        )
        if recorded is None:
            return False
        recorded.status = MessageStatus.ANSWERED  # nothing to answer: never a pending turn
        if message.target_message_id:
            target = conversation_service.find_by_provider_id(
                db_session=db_session,
                conversation=conversation,
                provider_message_id=message.target_message_id,
            )
            recorded.reply_to_id = target.id if target else None
        if message.kind is InboundKind.IDENTITY_CHANGED and message.new_user_id:
            _move(db_session, buyer, conversation, message.new_user_id)
        return True


def _move(db_session: Session, buyer: Buyer, conversation: Conversation, new_id: str) -> None:
    buyer_service.change_whatsapp_id(db_session=db_session, buyer=buyer, new_id=new_id)
    new_key = f"{conversation.channel}:{new_id}"
    if conversation_service.get_by_key(db_session=db_session, key=new_key) is None:
        conversation.key = new_key
        conversation.chat_id = new_id.removeprefix("+")
    db_session.flush()


def apply_delivery(
    sessions: sessionmaker[Session], status: DeliveryStatus,
    alert_settings: AlertSettings | None = None,
) -> bool:  # fmt: skip
    """Apply a provider's report to our message; a late "delivered" never undoes a "read".
    A message that delivers an alert moves the alert's funnel too, and a failure (the window
    closed, a marketing limit...) is answered by the alert service in the same transaction.
    False when the message is not ours (or not recorded)."""
    with transaction(sessions) as db_session:
        message = conversation_service.record_delivery(
            db_session=db_session,
            channel=status.channel.value,
            provider_message_id=status.message_id,
            status=_MESSAGE_STATUS[status.state],
            error_code=status.error_code,
            error_detail=status.error_detail,
        )
        if message is not None and message.outbox_id is not None:
            alert_delivery.apply_status(
                db_session, message.outbox_id, _ALERT_STATUS[status.state],
                code=status.error_code, detail=status.error_detail,
                settings=alert_settings or get_alert_settings(),
            )  # fmt: skip
        return message is not None


_ALERT_STATUS = {
    DeliveryState.SENT: AlertStatus.SENT,
    DeliveryState.DELIVERED: AlertStatus.DELIVERED,
    DeliveryState.READ: AlertStatus.READ,
    DeliveryState.FAILED: AlertStatus.FAILED,
}

_MESSAGE_STATUS = {
    DeliveryState.SENT: MessageStatus.SENT,
    DeliveryState.DELIVERED: MessageStatus.DELIVERED,
    DeliveryState.READ: MessageStatus.READ,
    DeliveryState.FAILED: MessageStatus.FAILED,
}


def record_refusal(sessions: sessionmaker[Session], refusal: Refusal) -> None:
    """Keep an unreadable item, and why, for staff."""
    with transaction(sessions) as db_session:
        conversation_service.record_refusal(
            db_session=db_session,
            channel=refusal.channel.value,
            reason=refusal.reason,
            item=refusal.item,
            provider_message_id=refusal.message_id,
            received_at=refusal.received_at,
        )


@dataclass(frozen=True)
class TurnReplies:
    pending: list[tuple[int, OutboundPart]]  # recorded replies the provider has not accepted
    conversation_erased: bool  # the buyer's data was erased in this turn (or before)


def record_parts(
    sessions: sessionmaker[Session], inbound_id: int, parts: list[OutboundPart]
) -> TurnReplies:
    """Record the replies to send for this message (each becomes a pending outbound row), and
    return those the provider has not accepted yet, in order (one transaction for both)."""
    with transaction(sessions) as db_session:
        inbound = db_session.get(ChatMessage, inbound_id)
        if inbound is not None and inbound.status is not MessageStatus.ANSWERED:
            conversation_service.record_replies(
                db_session=db_session,
                inbound=inbound,
                replies=[
                    (part.kind, part.text, {"endpoint": part.endpoint, "body": part.body})
                    for part in parts
                ],
            )
        return _replies(db_session, inbound_id)


def record_notice(
    sessions: sessionmaker[Session],
    conversation_id: int,
    notice_key: str,
    parts: list[OutboundPart],
) -> list[tuple[int, OutboundPart]]:
    """Record what the bot says on its own in the conversation (not in answer to a message),
    once per `notice_key`, and return the parts the provider has not accepted yet, in order."""
    with transaction(sessions) as db_session:
        conversation = conversation_service.get(
            db_session=db_session, conversation_id=conversation_id
        )
        rows = conversation_service.record_notice(
            db_session=db_session,
            conversation=conversation,
            notice_key=notice_key,
            replies=[
                (part.kind, part.text, {"endpoint": part.endpoint, "body": part.body})
                for part in parts
            ],
        )
        return [(row.id, part_of(row)) for row in rows]


def part_of(row: ChatMessage) -> OutboundPart:
    """The part a recorded outbound message sends."""
    return OutboundPart(row.kind, row.text, row.payload["endpoint"], row.payload["body"])


def pending_parts(sessions: sessionmaker[Session], inbound_id: int) -> TurnReplies:
    """The recorded replies to `inbound_id` that the provider has not accepted yet, in order."""
    with sessions() as db_session:
        return _replies(db_session, inbound_id)


def _replies(db_session: Session, inbound_id: int) -> TurnReplies:
    rows = conversation_service.pending_replies(db_session=db_session, inbound_id=inbound_id)
    inbound = db_session.get(ChatMessage, inbound_id)
    conversation = inbound and db_session.get(Conversation, inbound.conversation_id)
    return TurnReplies(
        pending=[(row.id, part_of(row)) for row in rows],
        conversation_erased=bool(conversation and conversation.erased),
    )


def mark_sent(
    sessions: sessionmaker[Session],
    row_id: int,
    provider_message_id: str | None,
    *,
    then: Callable[[Session], None] | None = None,
) -> None:
    """The provider accepted the part; `then` runs in the same transaction (the alert worker
    marks its alert sent there: one write, not two), in a savepoint: if it fails, the part is
    still recorded as accepted (never sent twice) and its error is raised after the commit."""
    failure: Exception | None = None
    with transaction(sessions) as db_session:
        row = db_session.get(ChatMessage, row_id)
        if row is not None:
            conversation_service.mark_sent(
                db_session=db_session, message=row, provider_message_id=provider_message_id
            )
        if then is not None:
            try:
                with db_session.begin_nested():
                    then(db_session)
            except Exception as error:  # raised below, once the part is saved
                failure = error
    if failure is not None:
        raise failure


def mark_failed(sessions: sessionmaker[Session], row_id: int, code: str, detail: str) -> None:
    with transaction(sessions) as db_session:
        row = db_session.get(ChatMessage, row_id)
        if row is not None:
            conversation_service.mark_failed(
                db_session=db_session, message=row, error_code=code, error_detail=detail
            )
