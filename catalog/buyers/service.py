"""Buyers: found or created by the channel that identifies them, one row per person."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from catalog.buyers.models import Buyer
from catalog.buyers.schemas import BuyerProfileIn
from catalog.database import utcnow
from catalog.errors import InvalidInput, NotFound
from catalog.phone import normalise_e164


def get(*, db_session: Session, buyer_id: int) -> Buyer:
    buyer = db_session.get(Buyer, buyer_id)
    if buyer is None:
        raise NotFound(f"no buyer {buyer_id}")
    return buyer


def get_or_create_by_whatsapp(*, db_session: Session, number: str, name: str = "") -> Buyer:
    """The buyer behind a WhatsApp number, created on first contact; last-seen is refreshed."""
    e164 = normalise_e164(number)
    return _get_or_create(
        db_session, Buyer.whatsapp_number == e164, whatsapp_number=e164, name=name
    )


def get_or_create_by_telegram(*, db_session: Session, user_id: int, name: str = "") -> Buyer:
    if user_id <= 0:
        raise InvalidInput(f"{user_id} is not a Telegram user id")
    return _get_or_create(
        db_session, Buyer.telegram_user_id == user_id, telegram_user_id=user_id, name=name
    )


def _get_or_create(db_session: Session, where: object, **values: object) -> Buyer:
    buyer = db_session.scalar(select(Buyer).where(where))  # type: ignore[arg-type]
    if buyer is None:
        try:
            with db_session.begin_nested():
                buyer = Buyer(**values)
                db_session.add(buyer)
        except IntegrityError:  # another worker created the same person first
            buyer = db_session.scalar(select(Buyer).where(where))  # type: ignore[arg-type]
            if buyer is None:
                raise
    buyer.last_seen_at = utcnow()
    if values.get("name") and not buyer.name:
        buyer.name = str(values["name"])
    db_session.flush()
    return buyer


def update_profile(*, db_session: Session, buyer: Buyer, profile_in: BuyerProfileIn) -> Buyer:
    for field, value in profile_in.model_dump(exclude_none=True).items():
        setattr(buyer, field, value)
    db_session.flush()
    return buyer


def record_consent(*, db_session: Session, buyer: Buyer, version: str) -> Buyer:
    buyer.consent_given_at = utcnow()
    buyer.consent_version = version
    db_session.flush()
    return buyer


def opt_out(*, db_session: Session, buyer: Buyer) -> Buyer:
    """Stop every alert to this buyer (they can still chat)."""
    if buyer.opted_out_at is None:
        buyer.opted_out_at = utcnow()
    db_session.flush()
    return buyer


def opt_in(*, db_session: Session, buyer: Buyer) -> Buyer:
    buyer.opted_out_at = None
    db_session.flush()
    return buyer
