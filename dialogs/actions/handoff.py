"""Talking to a person: a handoff request waits for an agent and the bot pauses itself.

While the conversation's state is not BOT, the bots worker sends nothing to Rasa and publishes
each message to the agents' inbox. The bot comes back through the worker's conversation control
(bots/control.py): when the buyer asks for it, when an agent hands back, or after a wait with
no agent.
"""
# rasa_sdk ships no py.typed, so its names are untyped (Any) here.
# mypy: disable-error-code="import-untyped"

from __future__ import annotations

from typing import Any, Final

from rasa_sdk import Tracker
from rasa_sdk.events import ActionExecuted, ConversationPaused, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from catalog.conversations import service as conversation_service
from catalog.database import transaction
from catalog.leads.scoring import LeadAction
from chat.payloads import build_payload
from dialogs.actions import leads
from dialogs.actions.account import talking_conversation
from dialogs.actions.support import VEHICLE_SLOT, OffLoopAction, buyer_id, catalog_sessions

CALLBACK_SLOT: Final = "callback_contact"
# The yes of a call-back offer: a handoff that keeps the contact the offer named.
CALLBACK_YES: Final = build_payload("human_handoff", callback="yes")
_NOT_NOW: Final = build_payload("acknowledge", answer="no")


def _entity(tracker: Tracker, name: str) -> str | None:
    message: dict[str, Any] = tracker.latest_message or {}
    for entity in message.get("entities") or []:
        if entity.get("entity") == name and entity.get("value") is not None:
            return str(entity["value"])
    return None


class ActionOfferCallback(OffLoopAction):
    """A phone number or e-mail typed ("+234 803 123 4567 call me"): never a bid. The buyer is
    offered a call-back by an agent, told what the number is kept for, and nothing is stored
    until they say yes (the contact waits in the `callback_contact` slot)."""

    def name(self) -> str:
        return "action_offer_callback"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        contact, kind = _entity(tracker, "contact"), _entity(tracker, "contact_kind")
        if not contact:
            dispatcher.utter_message(response="utter_default")
            return []
        response = "utter_offer_callback_email" if kind == "email" else "utter_offer_callback"
        dispatcher.utter_message(response=response, contact=contact, yes_payload=CALLBACK_YES,
                                 no_payload=_NOT_NOW)  # fmt: skip
        return [SlotSet(CALLBACK_SLOT, contact)]


class ActionHumanHandoff(OffLoopAction):
    """Open a handoff request for the conversation, say so, and pause the bot. The yes of a
    call-back offer (``/human_handoff{"callback":"yes"}``) keeps the offered contact on the
    request, for the agent."""

    def name(self) -> str:
        return "action_human_handoff"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        offered = tracker.get_slot(CALLBACK_SLOT)
        contact = offered if _entity(tracker, "callback") == "yes" and offered else None
        with transaction(catalog_sessions()) as db_session:
            conversation = talking_conversation(db_session, tracker)
            if conversation is not None:
                conversation_service.request_handoff(
                    db_session=db_session, conversation=conversation, contact=contact
                )
                vehicle = _vehicle_in_view(tracker)
                if vehicle is not None:
                    leads.note(db_session, buyer_id(tracker), vehicle, LeadAction.HANDOFF)
        if conversation is None:  # no inbox would see it: keep the bot answering
            dispatcher.utter_message(response="utter_handoff_unavailable")
            return []
        if contact is not None:
            dispatcher.utter_message(response="utter_callback_requested", contact=contact)
        else:
            dispatcher.utter_message(response="utter_handoff")
        # Listening once paused, as after any turn: when the bot is resumed, the buyer's next
        # message ("back to the bot") starts a turn that the rules recognise.
        return [SlotSet(CALLBACK_SLOT, None), ConversationPaused(), ActionExecuted("action_listen")]


def _vehicle_in_view(tracker: Tracker) -> int | None:
    """The vehicle the buyer was looking at when they asked for a person, if any."""
    value = str(tracker.get_slot(VEHICLE_SLOT) or "")
    return int(value) if value.isdigit() and len(value) <= 12 else None
