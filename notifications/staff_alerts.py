"""Alerts to staff and dealers (in English, on Telegram): a buyer asked for a person, a
template stopped working, a hot lead, the dealer's daily digest."""

from __future__ import annotations

from sqlalchemy.orm import Session

from catalog.leads.schemas import LeadView
from catalog.outbox.models import OutboxMessage
from notifications import lead_alerts
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
    """A hot lead, for the vehicle's dealer (notifications/lead_alerts.py writes it)."""
    return lead_alerts.hot_lead(message.payload)


def lead_digest(db_session: Session, message: OutboxMessage, _language: str) -> AlertMessage:
    """The dealer's daily digest of the leads that did not become hot."""
    views = [LeadView.model_validate(view) for view in message.payload.get("leads", [])]
    return AlertMessage(lead_alerts.digest_text(views))
