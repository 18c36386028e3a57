"""Talking to a person: a handoff request waits for an agent and the bot pauses itself.

While the conversation's state is not BOT, the bots worker sends nothing to Rasa and publishes
each message to the agents' inbox. The bot comes back through the worker's conversation control
(bots/control.py): when the buyer asks for it, when an agent hands back, or after a wait with
no agent.
"""
# rasa_sdk ships no py.typed, so its names are untyped (Any) here.
# mypy: disable-error-code="import-untyped"

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import ActionExecuted, ConversationPaused, EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from catalog.conversations import service as conversation_service
from catalog.database import transaction
from dialogs.actions.account import talking_conversation
from dialogs.actions.support import OffLoopAction, catalog_sessions


class ActionHumanHandoff(OffLoopAction):
    """Open a handoff request for the conversation, say so, and pause the bot."""

    def name(self) -> str:
        return "action_human_handoff"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        with transaction(catalog_sessions()) as db_session:
            conversation = talking_conversation(db_session, tracker)
            if conversation is not None:
                conversation_service.request_handoff(
                    db_session=db_session, conversation=conversation
                )
        if conversation is None:  # no inbox would see it: keep the bot answering
            dispatcher.utter_message(response="utter_handoff_unavailable")
            return []
        dispatcher.utter_message(response="utter_handoff")
        # Listening once paused, as after any turn: when the bot is resumed, the buyer's next
        # message ("back to the bot") starts a turn that the rules recognise.
        return [ConversationPaused(), ActionExecuted("action_listen")]
