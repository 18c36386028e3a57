"""What the bot says to typed words that ask nothing: an acknowledgement ("ok", "thx", 👍, a
"yes" when no question is pending), a ❤️ on the vehicle in view (an offer to watch it), a number
past the end of the list just shown, and a "yes" to a question asked too long ago.

The channel adapter reads the words (bots/channels/choices.py, chat.answers, chat.choosing) and
sends ``/acknowledge{"answer":"thanks"}``, ``/choice_out_of_range{"number":"14","count":"8"}``
or ``/question_expired``; a typed answer to a question still pending never reaches these.
"""
# rasa_sdk ships no py.typed, so its names are untyped (Any) here.
# mypy: disable-error-code="import-untyped"

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from chat.answers import Answer
from chat.languages import Language
from chat.payloads import build_payload
from dialogs.actions.choice import current_vehicle
from dialogs.actions.support import OffLoopAction, catalog_sessions, language

_WORDS: Final[Mapping[Language, Mapping[str, str]]] = {
    "en": {
        "thanks": "You're welcome 🙂 Anything else? Tell me what you are looking for, for "
        'example "Toyota Hilux under $20,000".',
        "noted": "👍 Noted. What would you like to do next? Tell me a make and model, or tap "
        "below.",
        "heart": "Glad you like the {vehicle} ❤️ Shall I watch it for you and tell you when its "
        "price drops or it gets a bid?",
        "watch": "Watch it",
        "not_now": "Not now",
        "search": "Search vehicles",
        "help": "How it works",
        "range": "I showed {count} options: reply with a number from 1 to {count}, or tap one.",
        "expired": "That question has expired: prices and auctions move, so a yes counts for 10 "
        'minutes. Tell me again what you would like (for a bid: "bid 5200 on lot 12").',
    },
    "fr": {
        "thanks": "Avec plaisir 🙂 Autre chose ? Dites-moi ce que vous cherchez, par exemple "
        "« Toyota Hilux moins de 20 000 $ ».",
        "noted": "👍 C'est noté. Que voulez-vous faire ? Donnez-moi une marque et un modèle, "
        "ou touchez ci-dessous.",
        "heart": "Ravi que la {vehicle} vous plaise ❤️ Je la surveille pour vous et vous "
        "préviens si son prix baisse ou si elle reçoit une enchère ?",
        "watch": "La surveiller",
        "not_now": "Pas maintenant",
        "search": "Chercher un véhicule",
        "help": "Comment ça marche",
        "range": "J'ai proposé {count} choix : répondez par un numéro de 1 à {count}, ou "
        "touchez-en un.",
        "expired": "Cette question a expiré : les prix et les enchères bougent, un oui compte "
        "10 minutes. Redites-moi ce que vous voulez (pour enchérir : « enchère 5200 sur le lot "
        "12 »).",
    },
    "pt": {
        "thanks": "De nada 🙂 Mais alguma coisa? Diga-me o que procura, por exemplo "
        '"Toyota Hilux até 20 000 $".',
        "noted": "👍 Anotado. O que quer fazer agora? Diga-me uma marca e um modelo, ou toque "
        "abaixo.",
        "heart": "Que bom que gosta do {vehicle} ❤️ Quer que eu o acompanhe e avise quando o "
        "preço baixar ou receber um lance?",
        "watch": "Acompanhar",
        "not_now": "Agora não",
        "search": "Procurar viaturas",
        "help": "Como funciona",
        "range": "Mostrei {count} opções: responda com um número de 1 a {count}, ou toque numa.",
        "expired": "Essa pergunta expirou: preços e leilões mudam, um sim vale 10 minutos. "
        'Diga-me outra vez o que quer (para um lance: "lance 5200 no lote 12").',
    },
}


def _entity(tracker: Tracker, name: str) -> str | None:
    message: dict[str, Any] = tracker.latest_message or {}
    for entity in message.get("entities") or []:
        if entity.get("entity") == name and entity.get("value") is not None:
            return str(entity["value"])
    return None


def _next_steps(words: Mapping[str, str]) -> list[dict[str, str]]:
    return [{"title": words["search"], "payload": "/search_vehicles"},
            {"title": words["help"], "payload": "/help"}]  # fmt: skip


class ActionAcknowledge(OffLoopAction):
    """ "ok", "thx", 👍, or a yes or no when nothing was asked: a friendly acknowledgement with
    the next steps; a ❤️ with a vehicle in view offers to watch it."""

    def name(self) -> str:
        return "action_acknowledge"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        words = _WORDS[language(tracker)]
        answer = _entity(tracker, "answer")
        if answer == Answer.HEART:
            with catalog_sessions()() as db_session:
                vehicle = current_vehicle(tracker, db_session)
                if vehicle is not None:
                    watch = build_payload("watch_vehicle", vehicle_id=vehicle.id)
                    dispatcher.utter_message(
                        text=words["heart"].format(vehicle=vehicle.title),
                        buttons=[
                            {"title": words["watch"], "payload": watch, "answers": Answer.YES},
                            {
                                "title": words["not_now"],
                                "answers": Answer.NO,
                                "payload": build_payload("acknowledge", answer=Answer.NO.value),
                            },
                        ],
                    )
                    return []
        key = "thanks" if answer in (Answer.THANKS, Answer.HEART) else "noted"  # ok, yes, no
        dispatcher.utter_message(text=words[key], buttons=_next_steps(words))
        return []


class ActionChoiceOutOfRange(Action):  # type: ignore[misc]
    """A number past the end of the list just shown: how many there were."""

    def name(self) -> str:
        return "action_choice_out_of_range"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        words = _WORDS[language(tracker)]
        dispatcher.utter_message(text=words["range"].format(count=_entity(tracker, "count") or "?"))
        return []


class ActionQuestionExpired(Action):  # type: ignore[misc]
    """A typed yes to a question asked too long ago (a bid summary an hour old): nothing is done,
    and the buyer is told how to ask again."""

    def name(self) -> str:
        return "action_question_expired"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        words = _WORDS[language(tracker)]
        dispatcher.utter_message(text=words["expired"], buttons=_next_steps(words))
        return []
