"""The buyer chooses the language: "français", "in English please", "/lang pt".

The action sets the `language` slot and saves it on the buyer, so the worker keeps it on later
turns; the rule then says `utter_language_changed`, rendered after the slot is set. A message
naming no language gets the three languages as buttons instead.
"""
# rasa_sdk ships no py.typed, so its names are untyped (Any) here.
# mypy: disable-error-code="import-untyped"

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from catalog.buyers import service as buyer_service
from catalog.buyers.schemas import BuyerProfileIn
from catalog.database import transaction
from chat.languages import Language, is_language
from dialogs.actions.account import talking_buyer
from dialogs.actions.language import LANGUAGE_SLOT
from dialogs.actions.privacy import first_message_of_session, needs_notice
from dialogs.actions.support import OffLoopAction, catalog_sessions

# What buyers type for each language; the NLU synonyms map most, this catches the rest
# ("/lang pt", which Rasa does not read as an intent with an entity).
LANGUAGE_WORDS: Final[Mapping[Language, tuple[str, ...]]] = {
    "en": ("en", "eng", "english", "anglais", "ingles", "inglês", "inglish", "engl"),
    "fr": ("fr", "french", "francais", "français", "frances", "francês", "franca", "fransh"),
    "pt": ("pt", "portuguese", "portugues", "português", "portugais", "portuguais", "portugese"),
}
_CODES: Final = {word: code for code, words in LANGUAGE_WORDS.items() for word in words}
_WORD: Final = re.compile(r"[^\W\d_]+")


def chosen_language(tracker: Tracker) -> Language | None:
    """The language the latest message names: its `language` entity, else a word of its text."""
    message: dict[str, Any] = tracker.latest_message or {}
    for entity in message.get("entities") or []:
        if entity.get("entity") == LANGUAGE_SLOT:
            code = _CODES.get(str(entity.get("value", "")).strip().lower())
            if is_language(code):
                return code
    for word in _WORD.findall(str(message.get("text") or "").lower()):
        if word in _CODES and word != "lang":
            return _CODES[word]
    return None


class ActionChooseLanguage(OffLoopAction):
    """Switch the conversation and the buyer's profile to the chosen language."""

    def name(self) -> str:
        return "action_choose_language"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        code = chosen_language(tracker)
        if code is None:
            dispatcher.utter_message(response="utter_ask_language")
            return [FollowupAction("action_listen")]  # not utter_language_changed
        with transaction(catalog_sessions()) as db_session:
            buyer = talking_buyer(db_session, tracker)
            if buyer is not None:
                buyer_service.update_profile(
                    db_session=db_session,
                    buyer=buyer,
                    profile_in=BuyerProfileIn.model_validate({"language": code}),
                )
        if first_message_of_session(tracker) and needs_notice(tracker):
            # A first message that only names a language still gets the privacy notice, in
            # that language (a response would render in the language before this turn's).
            dispatcher.utter_message(**response_in(domain, "utter_privacy_notice", code))
        return [SlotSet(LANGUAGE_SLOT, code)]


def response_in(domain: DomainDict, name: str, code: Language) -> dict[str, Any]:
    """The text and buttons of the domain's response `name` in language `code` (its variation
    for that language, else the one without a condition)."""
    variations = (domain.get("responses") or {}).get(name) or []
    for variation in variations:
        conditions = variation.get("condition") or []
        if any(c.get("name") == LANGUAGE_SLOT and c.get("value") == code for c in conditions):
            break
    else:
        variation = next((v for v in variations if not v.get("condition")), {})
    return {"text": variation.get("text", ""), "buttons": variation.get("buttons", [])}
