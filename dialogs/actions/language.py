"""The buyer's language, taken from the metadata our bots worker sends with each message."""
# rasa_sdk ships no py.typed, so its names are untyped (Any) here.
# mypy: disable-error-code="import-untyped"

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

LANGUAGE_SLOT: Final = "language"
SUPPORTED_LANGUAGES: Final = frozenset({"en", "fr", "pt"})


def language_from_metadata(metadata: Mapping[str, Any] | None) -> str | None:
    """The supported language named in a message's metadata, or None if absent or unsupported.

    Accepts codes as channels and detectors give them: ``fr``, ``FR``, ``pt-BR``, ``fr_CM``.
    """
    if not metadata:
        return None
    code = metadata.get(LANGUAGE_SLOT)
    if not isinstance(code, str):
        return None
    language = code.strip().lower().replace("_", "-").split("-")[0]
    return language if language in SUPPORTED_LANGUAGES else None


class ActionSetLanguage(Action):  # type: ignore[misc]
    """Sets the ``language`` slot from the latest message's metadata.

    Run by Rasa after every user message (the slot's custom mapping), before the reply is chosen.
    A message without a supported language keeps the language already known.
    """

    def name(self) -> str:
        return "action_set_language"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[dict[str, Any]]:
        language = language_from_metadata(tracker.latest_message.get("metadata"))
        if language is None or language == tracker.get_slot(LANGUAGE_SLOT):
            return []
        return [SlotSet(LANGUAGE_SLOT, language)]
