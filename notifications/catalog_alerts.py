"""Catalog alerts as the buyer reads them: a new vehicle matching a saved search, a price drop
on a watched one; in the buyer's language, with one-tap buttons to see it, its photos, or to
stop hearing about it. Both are marketing messages in Meta's terms."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from sqlalchemy.orm import Session

from catalog.outbox.models import OutboxMessage
from catalog.vehicles.models import Vehicle
from chat.languages import language_or_default
from chat.money import format_money
from chat.payloads import build_payload
from chat.replies import Button
from notifications.notifier import AlertMessage

_TEXTS: Final[dict[str, Mapping[str, str]]] = {
    "en": {
        "match": "🔔 New for your search “{label}”: {title}, {price}, in {place}.",
        "drop": "📉 Price drop on {title} you watch: now {price} (was {old}).",
        "see": "See it",
        "gone": "A vehicle for your search “{label}” came in and went again before we could "
        "tell you.",
    },
    "fr": {
        "match": "🔔 Nouveau pour votre recherche « {label} » : {title}, {price}, à {place}.",
        "drop": "📉 Baisse de prix sur {title} que vous suivez : {price} (au lieu de {old}).",
        "see": "Voir",
        "gone": "Un véhicule pour votre recherche « {label} » est arrivé puis reparti avant que "
        "nous puissions vous prévenir.",
    },
    "pt": {
        "match": "🔔 Novidade para a sua pesquisa “{label}”: {title}, {price}, em {place}.",
        "drop": "📉 Baixa de preço no {title} que segue: agora {price} (antes {old}).",
        "see": "Ver",
        "gone": "Um veículo para a sua pesquisa “{label}” chegou e saiu antes de o podermos "
        "avisar.",
    },
}


def _texts(language: str) -> Mapping[str, str]:
    return _TEXTS.get(language, _TEXTS["en"])


def _vehicle(db_session: Session, message: OutboxMessage) -> Vehicle | None:
    vehicle_id = message.payload.get("vehicle_id", message.subject_id)
    return db_session.get(Vehicle, int(vehicle_id))


def search_match(db_session: Session, message: OutboxMessage, language: str) -> AlertMessage:
    text, vehicle = _texts(language), _vehicle(db_session, message)
    label = str(message.payload.get("label") or "")
    if vehicle is None:
        return AlertMessage(text["gone"].format(label=label))
    price = format_money(vehicle.price_cents, vehicle.currency, language_or_default(language))
    title = f"{vehicle.year} {vehicle.make} {vehicle.model}"
    place = vehicle.yard_city
    see = Button(title=text["see"], payload=build_payload("vehicle_details", vehicle_id=vehicle.id))
    return AlertMessage(text["match"].format(label=label or title, title=title, price=price,
                                             place=place),
                        [see], [label or title, title, price, place])  # fmt: skip


def price_drop(db_session: Session, message: OutboxMessage, language: str) -> AlertMessage:
    text, vehicle = _texts(language), _vehicle(db_session, message)
    payload = message.payload
    currency = str(payload.get("currency") or (vehicle.currency if vehicle else "USD"))
    lang = language_or_default(language)
    price = format_money(int(payload.get("new_price_cents") or 0), currency, lang)
    old = format_money(int(payload.get("old_price_cents") or 0), currency, lang)
    title = f"{vehicle.year} {vehicle.make} {vehicle.model}" if vehicle else "#?"
    buttons = []
    if vehicle is not None:
        details = build_payload("vehicle_details", vehicle_id=vehicle.id)
        buttons.append(Button(title=text["see"], payload=details))
    return AlertMessage(text["drop"].format(title=title, price=price, old=old), buttons,
                        [title, price, old])  # fmt: skip
