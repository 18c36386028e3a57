"""Talking to a person: the conversation waits for an agent and the bot pauses itself.

While the conversation's state is not BOT, the bots worker sends nothing to Rasa and publishes
each message to the agents' inbox; the inbox sets the state back (and resumes Rasa) when done.
"""
# rasa_sdk ships no py.typed, so its names are untyped (Any) here.
# mypy: disable-error-code="import-untyped"

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import ConversationPaused, EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from catalog.conversations import service as conversation_service
from catalog.conversations.models import ConversationState
from catalog.database import transaction
from dialogs.actions.account import talking_conversation
from dialogs.actions.support import OffLoopAction, catalog_sessions


class ActionHumanHandoff(OffLoopAction):
    """Mark the conversation as waiting for an agent, say so, and pause the bot."""

    def name(self) -> str:
        return "action_human_handoff"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        with transaction(catalog_sessions()) as db_session:
            conversation = talking_conversation(db_session, tracker)
            if conversation is not None:
                conversation_service.set_state(
                    db_session=db_session,
                    conversation=conversation,
                    state=ConversationState.WAITING_AGENT,
                )
        if conversation is None:  # no inbox would see it: keep the bot answering
            dispatcher.utter_message(response="utter_handoff_unavailable")
            return []
        dispatcher.utter_message(response="utter_handoff")
        return [ConversationPaused()]
