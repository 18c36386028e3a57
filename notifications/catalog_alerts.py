"""Catalog alerts as the buyer reads them: a new vehicle matching a saved search, a price drop
on a watched one; in the buyer's language, with one-tap buttons to see it, its photos, or to
stop hearing about it. Both are marketing messages in Meta's terms."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.outbox.models import OutboxMessage
from catalog.vehicles.models import ListingStatus, Vehicle
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
        "matches": "🔔 {count} new for your search “{label}”:",
        "more": "…and {more} more: search again to see them all.",
        "gone": "A vehicle for your search “{label}” came in and went again before we could "
        "tell you.",
    },
    "fr": {
        "match": "🔔 Nouveau pour votre recherche « {label} » : {title}, {price}, à {place}.",
        "drop": "📉 Baisse de prix sur {title} que vous suivez : {price} (au lieu de {old}).",
        "see": "Voir",
        "matches": "🔔 {count} nouveautés pour votre recherche « {label} » :",
        "more": "…et {more} autres : relancez la recherche pour tout voir.",
        "gone": "Un véhicule pour votre recherche « {label} » est arrivé puis reparti avant que "
        "nous puissions vous prévenir.",
    },
    "pt": {
        "match": "🔔 Novidade para a sua pesquisa “{label}”: {title}, {price}, em {place}.",
        "drop": "📉 Baixa de preço no {title} que segue: agora {price} (antes {old}).",
        "see": "Ver",
        "matches": "🔔 {count} novidades para a sua pesquisa “{label}”:",
        "more": "…e mais {more}: pesquise de novo para ver todos.",
        "gone": "Um veículo para a sua pesquisa “{label}” chegou e saiu antes de o podermos "
        "avisar.",
    },
}


def _texts(language: str) -> Mapping[str, str]:
    return _TEXTS.get(language, _TEXTS["en"])


def _vehicle(db_session: Session, message: OutboxMessage) -> Vehicle | None:
    vehicle_id = message.payload.get("vehicle_id", message.subject_id)
    return db_session.get(Vehicle, int(vehicle_id))


SHOWN: Final = 3  # vehicles named in one alert (a button each); the rest are counted


def search_match(db_session: Session, message: OutboxMessage, language: str) -> AlertMessage:
    """A saved search's new vehicles: one named with its price and place, or the first few
    and how many more, each a button to its details."""
    text, lang = _texts(language), language_or_default(language)
    label = str(message.payload.get("label") or "")
    ids = [int(i) for i in message.payload.get("vehicle_ids") or [message.payload["vehicle_id"]]]
    found = {v.id: v for v in db_session.scalars(select(Vehicle).where(Vehicle.id.in_(ids)))}
    vehicles = [found[i] for i in ids if i in found and found[i].status is ListingStatus.AVAILABLE]
    if not vehicles:
        return AlertMessage(text["gone"].format(label=label))
    shown = vehicles[:SHOWN]
    buttons = [Button(title=f"{v.year} {v.make} {v.model}"[:60],
                      payload=build_payload("vehicle_details", vehicle_id=v.id))
               for v in shown]  # fmt: skip
    first = shown[0]
    price = format_money(first.price_cents, first.currency, lang)
    title = f"{first.year} {first.make} {first.model}"
    if len(vehicles) == 1:
        body = text["match"].format(label=label or title, title=title, price=price,
                                    place=first.yard_city)  # fmt: skip
        return AlertMessage(body, [Button(title=text["see"], payload=buttons[0].payload)],
                            [label or title, title, price, first.yard_city])  # fmt: skip
    lines = [f"• {v.year} {v.make} {v.model}, {format_money(v.price_cents, v.currency, lang)}"
             for v in shown]  # fmt: skip
    more = len(vehicles) - len(shown)
    body = text["matches"].format(count=len(vehicles), label=label) + "\n" + "\n".join(lines)
    if more:
        body += "\n" + text["more"].format(more=more)
    return AlertMessage(body, buttons, [label, str(len(vehicles)), title, price])


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
