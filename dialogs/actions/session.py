"""A conversation session's start: Rasa's own behaviour, plus the buyer's language.

Rasa runs ``action_session_start`` when a conversation's first message arrives and when a message
comes after ``session_expiration_time`` of silence, with that message's metadata in the
``session_started_metadata`` slot. This is the only custom action every conversation runs, and it
runs once a session, not once a turn.
"""
# rasa_sdk ships no py.typed, so its names are untyped (Any) here.
# mypy: disable-error-code="import-untyped"

from __future__ import annotations

from typing import Any, Final

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from dialogs.actions.language import LANGUAGE_SLOT, language_from_metadata

SESSION_METADATA_SLOT: Final = "session_started_metadata"


class ActionSessionStart(Action):  # type: ignore[misc]
    """Starts the session, carries the slots over (as the domain's session_config says), and
    sets the language from the metadata of the message that opened the session."""

    def name(self) -> str:
        return "action_session_start"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[EventType]:
        events: list[EventType] = [SessionStarted()]
        carry_over = domain.get("session_config", {}).get("carry_over_slots_to_new_session", True)
        if carry_over:
            events += [
                SlotSet(name, value)
                for name, value in tracker.current_slot_values().items()
                if value is not None and name != LANGUAGE_SLOT
            ]
        metadata: Any = tracker.get_slot(SESSION_METADATA_SLOT)
        language = language_from_metadata(metadata if isinstance(metadata, dict) else None)
        language = language or (tracker.get_slot(LANGUAGE_SLOT) if carry_over else None)
        if language:
            events.append(SlotSet(LANGUAGE_SLOT, language))
        events.append(ActionExecuted("action_listen"))
        return events
