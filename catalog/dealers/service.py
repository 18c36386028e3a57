"""Dealer rows."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.dealers.models import Dealer
from catalog.dealers.schemas import DealerIn
from catalog.errors import NotFound


def get(*, db_session: Session, dealer_id: int) -> Dealer:
    dealer = db_session.get(Dealer, dealer_id)
    if dealer is None:
        raise NotFound(f"no dealer {dealer_id}")
    return dealer


def get_by_name(*, db_session: Session, name: str) -> Dealer | None:
    return db_session.scalar(select(Dealer).where(Dealer.name == name))


def get_all(*, db_session: Session) -> Sequence[Dealer]:
    return db_session.scalars(select(Dealer).order_by(Dealer.name)).all()


def create(*, db_session: Session, dealer_in: DealerIn) -> Dealer:
    dealer = Dealer(**dealer_in.model_dump())
    db_session.add(dealer)
    db_session.flush()
    return dealer


def upsert_by_name(*, db_session: Session, dealer_in: DealerIn) -> Dealer:
    """Create the dealer, or update the one with the same name."""
    dealer = get_by_name(db_session=db_session, name=dealer_in.name)
    if dealer is None:
        return create(db_session=db_session, dealer_in=dealer_in)
    for field, value in dealer_in.model_dump().items():
        setattr(dealer, field, value)
    db_session.flush()
    return dealer


def get_by_telegram_chat(*, db_session: Session, chat_id: int) -> Dealer | None:
    """The dealer whose alerts go to this Telegram chat (their private chat: their user id)."""
    return db_session.scalars(select(Dealer).where(Dealer.telegram_chat_id == chat_id)).first()
