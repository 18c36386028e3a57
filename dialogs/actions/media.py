"""Voice notes, stickers, videos, documents, photos, locations and contact cards: the bot says
what it received, what it can read instead, and how to reach a person.

The bots worker sends each as ``/media_received{"media":"<kind>"}`` (chat.messages.MediaKind).
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

from chat.languages import Language
from chat.messages import MediaKind
from chat.payloads import build_payload
from dialogs.actions.support import language

MEDIA_ENTITY: Final = "media"

_SAID: Final[Mapping[Language, Mapping[MediaKind, str]]] = {
    "en": {
        MediaKind.VOICE: "I can't listen to voice notes yet 🙉 Please type your question, "
        'or say "agent" to talk to a person.',
        MediaKind.VIDEO: "I can't watch videos yet. Please type what you are looking for, "
        'or say "agent" to talk to a person.',
        MediaKind.STICKER: "Nice sticker 😄 Tell me what vehicle you are looking for, "
        'for example "Toyota Hilux 2015 under $15,000".',
        MediaKind.DOCUMENT: "I can't read documents yet. Please type your question, "
        'or say "agent" and a person on our team will look at it.',
        MediaKind.IMAGE: "I can't see photos yet. If it is a car you want, tell me its make "
        'and model (for example "Toyota RAV4 2016") and I will search our stock.',
        MediaKind.LOCATION: "Thanks for the location. I can't read map pins yet: please type "
        'your city or port in words (for example "Lagos" or "Tema").',
        MediaKind.CONTACT: "I got a contact card, but I can't read it. To talk to a person, "
        'say "agent".',
        MediaKind.OTHER: "I can't read that kind of message yet. Please type your question, "
        'or say "agent" to talk to a person.',
    },
    "fr": {
        MediaKind.VOICE: "Je ne peux pas encore écouter les messages vocaux 🙉 Écrivez votre "
        "question, ou dites « agent » pour parler à une personne.",
        MediaKind.VIDEO: "Je ne peux pas encore regarder les vidéos. Écrivez ce que vous "
        "cherchez, ou dites « agent » pour parler à une personne.",
        MediaKind.STICKER: "Joli sticker 😄 Dites-moi quel véhicule vous cherchez, par exemple "
        "« Toyota Hilux 2015 moins de 15 000 $ ».",
        MediaKind.DOCUMENT: "Je ne peux pas encore lire les documents. Écrivez votre question, "
        "ou dites « agent » et une personne de l'équipe le regardera.",
        MediaKind.IMAGE: "Je ne peux pas encore voir les photos. Si c'est une voiture que vous "
        "voulez, dites-moi la marque et le modèle (par exemple « Toyota RAV4 2016 ») et je "
        "cherche dans notre stock.",
        MediaKind.LOCATION: "Merci pour la position. Je ne sais pas encore lire les cartes : "
        "écrivez votre ville ou votre port (par exemple « Douala » ou « Abidjan »).",
        MediaKind.CONTACT: "J'ai reçu une fiche contact, mais je ne sais pas la lire. Pour "
        "parler à une personne, dites « agent ».",
        MediaKind.OTHER: "Je ne sais pas encore lire ce type de message. Écrivez votre "
        "question, ou dites « agent » pour parler à une personne.",
    },
    "pt": {
        MediaKind.VOICE: "Ainda não consigo ouvir mensagens de voz 🙉 Escreva a sua pergunta, "
        'ou diga "agente" para falar com uma pessoa.',
        MediaKind.VIDEO: "Ainda não consigo ver vídeos. Escreva o que procura, ou diga "
        '"agente" para falar com uma pessoa.',
        MediaKind.STICKER: "Bonito sticker 😄 Diga-me que viatura procura, por exemplo "
        '"Toyota Hilux 2015 até 15 000 $".',
        MediaKind.DOCUMENT: "Ainda não consigo ler documentos. Escreva a sua pergunta, ou "
        'diga "agente" e uma pessoa da equipa vai vê-lo.',
        MediaKind.IMAGE: "Ainda não consigo ver fotos. Se é um carro que quer, diga-me a marca "
        'e o modelo (por exemplo "Toyota RAV4 2016") e eu procuro no nosso stock.',
        MediaKind.LOCATION: "Obrigado pela localização. Ainda não leio mapas: escreva a sua "
        'cidade ou porto (por exemplo "Luanda" ou "Maputo").',
        MediaKind.CONTACT: "Recebi um contacto, mas não o consigo ler. Para falar com uma "
        'pessoa, diga "agente".',
        MediaKind.OTHER: "Ainda não consigo ler este tipo de mensagem. Escreva a sua pergunta, "
        'ou diga "agente" para falar com uma pessoa.',
    },
}
_AGENT: Final[Mapping[Language, str]] = {
    "en": "Talk to a person", "fr": "Parler à une personne", "pt": "Falar com uma pessoa",
}  # fmt: skip


def media_of(tracker: Tracker) -> MediaKind:
    """The kind the latest message names (its `media` entity); OTHER when it names none."""
    message: dict[str, Any] = tracker.latest_message or {}
    for entity in message.get("entities") or []:
        if entity.get("entity") == MEDIA_ENTITY:
            try:
                return MediaKind(str(entity.get("value")))
            except ValueError:
                break
    return MediaKind.OTHER


def media_reply(media: MediaKind, lang: Language) -> dict[str, Any]:
    """What the bot answers to `media`: what it got, what it can read, and a way to a person."""
    agent = {"title": _AGENT[lang], "payload": build_payload("human_handoff")}
    return {"text": _SAID[lang][media], "buttons": [agent]}


class ActionMediaReceived(Action):  # type: ignore[misc]
    """Answer a message that is not words; nothing to read from the catalog, so on the loop."""

    def name(self) -> str:
        return "action_media_received"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        dispatcher.utter_message(**media_reply(media_of(tracker), language(tracker)))
        return []
