"""One-time links that tie a dealer to their Telegram account.

Staff make a link (`nzila dealers link`, or the staff API) and give it to the dealer; opening it
in Telegram sends the bot ``/start <token>``, and the conversation worker redeems the token for
the account that sent it. A token is random (`secrets`), expires, works once, and only its
SHA-256 is stored. It starts with `TOKEN_PREFIX`, so the worker tells it from a vehicle's start
parameter without a query, and it fits Telegram's start parameter (at most 64 of A-Za-z0-9_-).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.dealers.models import Dealer, DealerLinkToken
from catalog.errors import InvalidInput, NotFound

TOKEN_PREFIX: Final = "dl_"  # noqa: S105 - a marker, not a secret
TOKEN_BYTES: Final = 32  # 43 characters of base64url
DEFAULT_TTL: Final = timedelta(hours=24)
_TOKEN: Final = re.compile(re.escape(TOKEN_PREFIX) + r"[A-Za-z0-9_-]{16,61}")


class LinkError(InvalidInput):
    """A link token that links nobody; the message says why, in words for the dealer."""


class UnknownLink(LinkError):
    """No such link (mistyped, or made on another deployment)."""


class UsedLink(LinkError):
    """The link was used already (by another account): each link works once."""


class ExpiredLink(LinkError):
    """The link is past its expiry."""


class AccountTaken(LinkError):
    """The Telegram account is linked to another dealer already."""


def is_link_token(text: str | None) -> bool:
    """Whether a start parameter has the shape of a dealer link (not whether it is valid)."""
    return bool(_TOKEN.fullmatch((text or "").strip()))


def token_hash(token: str) -> str:
    return hashlib.sha256(token.strip().encode()).hexdigest()


def issue(db_session: Session, dealer_id: int, now: datetime, ttl: timedelta) -> str:
    """A new link token for the dealer, valid for `ttl`: the raw token, which is not stored."""
    if db_session.get(Dealer, dealer_id) is None:
        raise NotFound(f"no dealer {dealer_id}")
    token = TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_BYTES)
    db_session.add(DealerLinkToken(dealer_id=dealer_id, token_sha256=token_hash(token),
                                   expires_at=now + ttl, created_at=now))  # fmt: skip
    db_session.flush()
    return token


def url(bot_username: str, token: str) -> str:
    """The deep link a dealer opens: https://t.me/<bot>?start=<token>."""
    return f"https://t.me/{bot_username.lstrip('@')}?start={token}"


def redeem(
    db_session: Session, token: str, telegram_user_id: int, chat_id: int, now: datetime
) -> Dealer:
    """Link the Telegram account to the token's dealer (alerts go to `chat_id`). The same
    account opening its used link again gets its dealer back (a retried message).

    Raises:
        UnknownLink, UsedLink, ExpiredLink, AccountTaken.
    """
    row = db_session.scalar(
        select(DealerLinkToken)
        .where(DealerLinkToken.token_sha256 == token_hash(token))
        .with_for_update()
    )
    if row is None:
        raise UnknownLink("This link is not valid. Ask Nzila staff for a new one.")
    dealer = db_session.get_one(Dealer, row.dealer_id)
    if row.used_at is not None:
        if row.used_by_telegram_user_id == telegram_user_id == dealer.telegram_user_id:
            return dealer
        raise UsedLink("This link was used already. Each link works once: ask for a new one.")
    if now >= row.expires_at:
        raise ExpiredLink("This link has expired. Ask Nzila staff for a new one.")
    other = by_telegram_user(db_session, telegram_user_id)
    if other is not None and other.id != dealer.id:
        raise AccountTaken("This Telegram account is linked to another dealer already.")
    row.used_at, row.used_by_telegram_user_id = now, telegram_user_id
    dealer.telegram_user_id, dealer.telegram_chat_id = telegram_user_id, chat_id
    db_session.flush()
    return dealer


def unlink(db_session: Session, dealer_id: int) -> Dealer:
    """The dealer's Telegram account is theirs no more; links not used yet stop working."""
    dealer = db_session.get(Dealer, dealer_id)
    if dealer is None:
        raise NotFound(f"no dealer {dealer_id}")
    dealer.telegram_user_id = dealer.telegram_chat_id = None
    unused = select(DealerLinkToken).where(
        DealerLinkToken.dealer_id == dealer_id, DealerLinkToken.used_at.is_(None)
    )
    for row in db_session.scalars(unused):
        db_session.delete(row)
    db_session.flush()
    return dealer


def by_telegram_user(db_session: Session, telegram_user_id: int) -> Dealer | None:
    return db_session.scalar(select(Dealer).where(Dealer.telegram_user_id == telegram_user_id))
