"""Privacy in chat: the notice on greeting, consent by an explicit tap, STOP and START for
alerts, "my data", and "delete my data" once confirmed (see catalog/privacy/README.md).

Every act goes through catalog.privacy.service, which audits it. Without an account the catalog
agrees on (Rasa used without our worker) each action says so politely and changes nothing.
"""
# rasa_sdk ships no py.typed, so its names are untyped (Any) here.
# mypy: disable-error-code="import-untyped"

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Final

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, FollowupAction, Restarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from catalog.database import transaction
from catalog.privacy import service as privacy_service
from catalog.privacy.schemas import DataSummary
from dialogs.actions.account import talking_buyer
from dialogs.actions.language import LANGUAGE_SLOT
from dialogs.actions.support import OffLoopAction, catalog_sessions, language

ERASURE_REASON: Final = "asked in chat"
UNAVAILABLE: Final = "utter_privacy_unavailable"
ASK_ERASURE: Final = "utter_ask_erasure"
LANGUAGE_NAMES: Final = {"en": "English", "fr": "Français", "pt": "Português"}
NOTHING: Final = "—"


class ActionGreet(OffLoopAction):
    """The greeting; a buyer who has not accepted the current privacy notice gets it first,
    in the same message, with an "I agree" button (browsing never waits for it)."""

    def name(self) -> str:
        return "action_greet"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        notice = needs_notice(tracker)
        dispatcher.utter_message(response="utter_greet_with_notice" if notice else "utter_greet")
        return []


def needs_notice(tracker: Tracker) -> bool:
    """True when the talking buyer has not accepted the current privacy notice (False without
    an account: Rasa used without our worker)."""
    with catalog_sessions()() as db_session:
        buyer = talking_buyer(db_session, tracker)
        return buyer is not None and privacy_service.needs_consent(buyer)


def first_message_of_session(tracker: Tracker) -> bool:
    """True when the latest user message is the first of the conversation's current session."""
    said = 0
    for event in reversed(tracker.events):
        if event.get("event") == "session_started":
            break
        said += event.get("event") == "user"
    return said <= 1


def notice_first(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """Before answering a session's first message that is not a greeting (a search, say), the
    privacy notice for a buyer who has not accepted it: first contact always carries it."""
    if first_message_of_session(tracker) and needs_notice(tracker):
        dispatcher.utter_message(response="utter_privacy_notice")


class ActionGiveConsent(OffLoopAction):
    """The buyer tapped "I agree": consent to the current notice, audited."""

    def name(self) -> str:
        return "action_give_consent"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        with transaction(catalog_sessions()) as db_session:
            buyer = talking_buyer(db_session, tracker)
            # An old "I agree" tapped again changes nothing: the consent on record stands.
            if buyer is not None and privacy_service.needs_consent(buyer):
                privacy_service.give_consent(db_session=db_session, buyer_id=buyer.id)
        dispatcher.utter_message(response=UNAVAILABLE if buyer is None else "utter_consent_given")
        return []


class ActionStopAlerts(OffLoopAction):
    """STOP: no more alerts of any kind (chatting still works)."""

    def name(self) -> str:
        return "action_stop_alerts"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        with transaction(catalog_sessions()) as db_session:
            buyer = talking_buyer(db_session, tracker)
            if buyer is not None:
                privacy_service.stop_alerts(db_session=db_session, buyer_id=buyer.id)
        dispatcher.utter_message(response=UNAVAILABLE if buyer is None else "utter_alerts_stopped")
        return []


class ActionResumeAlerts(OffLoopAction):
    """START: alerts again; a buyer who never accepted the notice is asked to, by a tap."""

    def name(self) -> str:
        return "action_resume_alerts"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        with transaction(catalog_sessions()) as db_session:
            buyer = talking_buyer(db_session, tracker)
            if buyer is None:
                dispatcher.utter_message(response=UNAVAILABLE)
                return []
            privacy_service.resume_alerts(db_session=db_session, buyer_id=buyer.id)
            consent = not privacy_service.needs_consent(buyer)
        dispatcher.utter_message(
            response="utter_alerts_resumed" if consent else "utter_alerts_need_consent"
        )
        return []


class ActionMyData(OffLoopAction):
    """ "My data": what we hold about the buyer, identifiers masked (the request is audited)."""

    def name(self) -> str:
        return "action_my_data"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        with transaction(catalog_sessions()) as db_session:
            buyer = talking_buyer(db_session, tracker)
            summary = (
                None
                if buyer is None
                else privacy_service.data_summary(db_session=db_session, buyer_id=buyer.id)
            )
        if summary is None:
            dispatcher.utter_message(response=UNAVAILABLE)
        else:
            dispatcher.utter_message(response="utter_my_data",
                                     **summary_fields(summary, language(tracker)))  # fmt: skip
        return []


class ActionEraseMyData(OffLoopAction):
    """The buyer confirmed "delete my data": the request is recorded and carried out at once,
    then the Rasa conversation restarts so no slot keeps anything of theirs.

    Only a yes to the question just asked counts: a "Yes, delete" button tapped later (still
    shown in the chat) or a stale Twilio option number gets the question again.
    """

    def name(self) -> str:
        return "action_erase_my_data"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if not just_asked(tracker, ASK_ERASURE):  # an old "Yes, delete" button, or a stale number
            dispatcher.utter_message(response=ASK_ERASURE)
            return []
        with transaction(catalog_sessions()) as db_session:
            buyer = talking_buyer(db_session, tracker)
            if buyer is not None:
                privacy_service.request_erasure(db_session=db_session, buyer_id=buyer.id)
                privacy_service.erase_buyer(
                    db_session=db_session, buyer_id=buyer.id, reason=ERASURE_REASON
                )
        if buyer is None:
            dispatcher.utter_message(response=UNAVAILABLE)
            return []
        dispatcher.utter_message(response="utter_erased")  # rendered before the restart applies
        # The language identifies nobody and keeps the next reply readable; listen, since a
        # restarted tracker matches no rule.
        return [
            Restarted(),
            SlotSet(LANGUAGE_SLOT, language(tracker)),
            FollowupAction("action_listen"),
        ]


def just_asked(tracker: Tracker, response: str) -> bool:
    """True if the bot's last action before the latest message was `response`."""
    seen_the_message = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            if seen_the_message:
                return False
            seen_the_message = True
        elif (
            seen_the_message
            and event.get("event") == "action"
            and event.get("name") != "action_listen"
        ):
            return bool(event.get("name") == response)
    return False


# Alerts neither stopped nor accepted (a new buyer, or one whose data was erased): off, in words.
_ALERTS_OFF: Final[Mapping[str, str]] = {
    "en": "off (say yes when I offer them)",
    "fr": "désactivées (dites oui quand je les propose)",
    "pt": "desligados (diga sim quando eu os propuser)",
}


def summary_fields(summary: DataSummary, language: str = "en") -> dict[str, Any]:
    """The variables of `utter_my_data`: dates, codes, counts and marks, and the alerts' state
    in the buyer's language when they are off without having been stopped."""
    consent = (
        f"{_date(summary.consent_given_at)} ({summary.consent_version})"
        if summary.consent_given_at
        else NOTHING
    )
    return {
        "whatsapp": summary.whatsapp_number or NOTHING,
        "telegram": "✅" if summary.has_telegram else NOTHING,
        "name": summary.name or NOTHING,
        "language_name": LANGUAGE_NAMES.get(summary.language, summary.language),
        "currency": summary.currency,
        "country": summary.country or NOTHING,
        "consent": consent,
        "alerts": f"⛔ {_date(summary.opted_out_at)}"
        if summary.opted_out_at
        else ("✅" if summary.alerts_allowed else _ALERTS_OFF.get(language, _ALERTS_OFF["en"])),
        "conversations": summary.conversations,
        "messages_in": summary.messages_from_buyer,
        "messages_out": summary.messages_to_buyer,
        "watchlist": summary.watchlist_entries,
        "searches": summary.saved_searches,
        "first_contact": _date(summary.first_contact_at),
    }


def _date(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d") if moment else NOTHING
