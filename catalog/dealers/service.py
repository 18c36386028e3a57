"""Dealer rows, and dealers' Telegram accounts: the one-time link, who a Telegram user is,
paused alerts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.database import utcnow
from catalog.dealers import links
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


# --- Telegram: the one-time link, and who a Telegram user is (catalog/dealers/links.py) -----

DEFAULT_LINK_TTL: Final = links.DEFAULT_TTL
LinkError = links.LinkError
UnknownLink = links.UnknownLink
UsedLink = links.UsedLink
ExpiredLink = links.ExpiredLink
AccountTaken = links.AccountTaken
is_link_token = links.is_link_token


def issue_link(
    db_session: Session, dealer_id: int, ttl: timedelta = DEFAULT_LINK_TTL,
    now: datetime | None = None,
) -> str:  # fmt: skip
    """A one-time link token for the dealer, valid for `ttl` (raises NotFound)."""
    return links.issue(db_session, dealer_id, now or utcnow(), ttl)


def link_url(bot_username: str, token: str) -> str:
    """The deep link the dealer opens in Telegram: https://t.me/<bot>?start=<token>."""
    return links.url(bot_username, token)


def redeem_link(
    db_session: Session, token: str, telegram_user_id: int, chat_id: int,
    now: datetime | None = None,
) -> Dealer:  # fmt: skip
    """Link the Telegram account to the token's dealer. Raises UnknownLink, UsedLink,
    ExpiredLink, or AccountTaken (the account is another dealer's)."""
    return links.redeem(db_session, token, telegram_user_id, chat_id, now or utcnow())


def unlink(db_session: Session, dealer_id: int) -> Dealer:
    """Forget the dealer's Telegram account; unused links stop working (raises NotFound)."""
    return links.unlink(db_session, dealer_id)


def get_by_telegram_user(db_session: Session, telegram_user_id: int) -> Dealer | None:
    """The dealer this Telegram account is linked to, if any."""
    return links.by_telegram_user(db_session, telegram_user_id)


def pause_alerts(db_session: Session, dealer_id: int, now: datetime | None = None) -> Dealer:
    """No hot-lead alerts until `resume_alerts` (leads are still recorded, and in the digest)."""
    dealer = get(db_session=db_session, dealer_id=dealer_id)
    dealer.alerts_paused_at = dealer.alerts_paused_at or now or utcnow()
    return dealer


def resume_alerts(db_session: Session, dealer_id: int) -> Dealer:
    dealer = get(db_session=db_session, dealer_id=dealer_id)
    dealer.alerts_paused_at = None
    return dealer
