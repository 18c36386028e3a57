"""The buyer and conversation behind a tracker, as the catalog knows them.

The bots worker names them in each message's metadata; before an action changes or shows a
buyer's data (consent, erasure, "my data", a handoff) the catalog must agree: the conversation
exists, carries this tracker's key, and belongs to that buyer. Anything else (Rasa used without
our worker, metadata from another database) gets None, and the action answers without an account.
"""
# rasa_sdk ships no py.typed, so its names are untyped (Any) here.
# mypy: disable-error-code="import-untyped"

from __future__ import annotations

from rasa_sdk import Tracker
from sqlalchemy.orm import Session

from catalog.buyers import service as buyer_service
from catalog.buyers.models import Buyer
from catalog.conversations import service as conversation_service
from catalog.conversations.models import Conversation
from catalog.errors import NotFound
from dialogs.actions.support import buyer_id, conversation_id


def talking_conversation(db_session: Session, tracker: Tracker) -> Conversation | None:
    """The conversation this tracker belongs to, or None if the catalog does not agree."""
    conversation_key, buyer = conversation_id(tracker), buyer_id(tracker)
    if conversation_key is None or buyer is None:
        return None
    try:
        conversation = conversation_service.get(
            db_session=db_session, conversation_id=conversation_key
        )
    except NotFound:
        return None
    if conversation.key != tracker.sender_id or conversation.buyer_id != buyer:
        return None
    return conversation


def talking_buyer(db_session: Session, tracker: Tracker) -> Buyer | None:
    """The buyer talking in this tracker, or None if the catalog does not agree."""
    conversation = talking_conversation(db_session, tracker)
    if conversation is None or conversation.buyer_id is None:
        return None
    try:
        return buyer_service.get(db_session=db_session, buyer_id=conversation.buyer_id)
    except NotFound:
        return None
