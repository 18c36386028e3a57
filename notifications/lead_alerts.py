"""What a dealer reads about leads: the hot-lead alert (from a `lead.hot` outbox payload), a
lead's lines in `/leads`, and the digest. English, as every dealer text is today.

A dealer learns the buyer's country and language, what they did, the vehicle, the score and why;
never the buyer's name or number (the payloads hold neither): they answer through the platform.
The alert's buttons claim the lead, open it in the inbox (the inbox issue makes that live) and
mute the vehicle.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from catalog.leads.schemas import LeadView
from chat.payloads import build_payload
from chat.replies import Button
from notifications.notifier import AlertMessage

CLAIM: Final = "lead_claim"
OPEN: Final = "lead_open"
MUTE: Final = "lead_mute"
_LANGUAGES: Final = {"en": "English", "fr": "French", "pt": "Portuguese"}
_ACTIONS: Final = {
    "details": "viewed the details", "gallery": "looked at the photos",
    "watch": "started watching it", "saved_search_match": "has a saved search that matches it",
    "quote": "asked for a price quote", "bid": "placed a bid",
    "handoff": "asked to talk to a person",
}  # fmt: skip


def buyer_words(country: str | None, language: str) -> str:
    """ "a buyer in NG who speaks French"."""
    where = f" in {country}" if country else ""
    return f"a buyer{where} who speaks {_LANGUAGES.get(language, language)}"


def hot_lead(payload: Mapping[str, Any]) -> AlertMessage:
    """The alert a `lead.hot` outbox row becomes: who (country, language), what they just did,
    the vehicle, the score and its reasons; buttons to claim, open in the inbox, mute."""
    lead, vehicle = payload["lead_id"], payload["vehicle_id"]
    who = buyer_words(payload.get("buyer_country"), str(payload.get("buyer_language") or "en"))
    did = _ACTIONS.get(str(payload.get("action")), "engaged")
    text = (
        f"🔥 Hot lead #{lead}: {who} {did} on your {payload['vehicle_title']} "
        f"(vehicle {vehicle}).\nScore {payload['score']}:\n" + _bullets(payload["reasons"])
    )
    return AlertMessage(text, buttons(lead, vehicle))


def buttons(lead: int, vehicle: int) -> list[Button]:
    return [
        Button(title="Claim", payload=build_payload(CLAIM, lead=lead)),
        Button(title="Open in inbox", payload=build_payload(OPEN, lead=lead)),
        Button(title="Mute this vehicle", payload=build_payload(MUTE, vehicle=vehicle)),
    ]


def lead_lines(view: LeadView) -> str:
    """A lead in `/leads` and the digest: the vehicle, the buyer, the score and why."""
    mark = "🔥 " if view.hot else ""
    claimed = " · claimed" if view.claimed_at else ""
    who = buyer_words(view.buyer_country, view.buyer_language)
    return (
        f"{mark}#{view.id} · {view.vehicle_title} · score {view.score}{claimed}\n"
        f"{who[0].upper()}{who[1:]}\n" + _bullets(view.reasons)
    )


def digest_text(views: Sequence[LeadView]) -> str:
    if not views:
        return "No new leads since your last digest."
    lines = "\n\n".join(lead_lines(view) for view in views)
    return f"📋 Your lead digest: {len(views)} lead{'s' if len(views) != 1 else ''}.\n\n{lines}"


def _bullets(reasons: Sequence[str]) -> str:
    return "\n".join(f"• {reason}" for reason in reasons)
