"""Alerts to staff and dealers (in English, on Telegram): a buyer asked for a person, a
template stopped working, a hot lead."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from catalog.outbox.models import OutboxMessage
from catalog.vehicles.models import Vehicle
from chat.payloads import build_payload
from chat.replies import Button
from notifications.notifier import AlertMessage


def handoff_requested(db_session: Session, message: OutboxMessage, _language: str) -> AlertMessage:
    payload = message.payload
    what = str(payload.get("reason") or "asked for a person")
    where = f"{payload.get('channel', '?')}, {payload.get('language', '?')}"
    text = (f"🙋 A buyer {what} ({where}), conversation {payload.get('conversation_id', '?')}. "
            "Take it from the inbox.")  # fmt: skip
    return AlertMessage(text, [], [what, where])


def template_problem(db_session: Session, message: OutboxMessage, _language: str) -> AlertMessage:
    payload = message.payload
    text = (f"⚠️ WhatsApp template {payload.get('template')} ({payload.get('language')}) for "
            f"{payload.get('kind')} is {payload.get('state', 'not usable')} (error "
            f"{payload.get('code')}). Alerts of this kind reach buyers only inside their 24-hour "
            "window until it is fixed.")  # fmt: skip
    return AlertMessage(text)


def hot_lead(db_session: Session, message: OutboxMessage, _language: str) -> AlertMessage:
    """A hot lead, for the vehicle's dealer: who (country and language only, never a name or a
    number unless the buyer agreed), what they did, the vehicle, and what the dealer can do."""
    payload: dict[str, Any] = message.payload
    vehicle_id = payload.get("vehicle_id")
    vehicle = db_session.get(Vehicle, int(vehicle_id)) if vehicle_id is not None else None
    title = payload.get("title") or (
        f"{vehicle.year} {vehicle.make} {vehicle.model}" if vehicle else f"vehicle {vehicle_id}"
    )
    reasons = payload.get("reasons") or []
    did = "; ".join(str(reason) for reason in reasons) or "engaged with it"
    who = (
        f"a buyer in {payload.get('buyer_country') or '?'} ({payload.get('buyer_language') or '?'})"
    )
    text = f"🔥 Hot lead (score {payload.get('score', '?')}) on {title}: {who}. {did}."
    lead = payload.get("lead_id", message.subject_id)
    buttons = [Button(title="Claim", payload=build_payload("lead_claim", lead=lead))]
    if vehicle_id is not None:
        buttons.append(Button(title="Mute this vehicle",
                              payload=build_payload("lead_mute", vehicle=vehicle_id)))  # fmt: skip
    return AlertMessage(text, buttons, [str(title), who, did])
