"""Dealers' one-time Telegram links on a real database: a link works once, for a while, for one
account; only its hash is stored; unlinking forgets the account."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.database import utcnow
from catalog.dealers import service as dealer_service
from catalog.dealers.models import DealerLinkToken
from catalog.errors import NotFound
from tests.factories import make_dealer

USER, CHAT = 5_100_000_001, 5_100_000_001


def test_a_token_fits_telegrams_start_parameter_and_only_its_hash_is_stored(
    db_session: Session,
) -> None:
    dealer = make_dealer(db_session)
    token = dealer_service.issue_link(db_session, dealer.id)
    assert re.fullmatch(r"[A-Za-z0-9_-]{1,64}", token)
    assert dealer_service.is_link_token(token)
    url = dealer_service.link_url("@NzilaBot", token)
    assert url == f"https://t.me/NzilaBot?start={token}"
    [row] = db_session.scalars(select(DealerLinkToken)).all()
    assert token not in row.token_sha256 and len(row.token_sha256) == 64
    assert row.expires_at - row.created_at == timedelta(hours=24)


def test_a_valid_link_links_the_telegram_account(db_session: Session) -> None:
    dealer = make_dealer(db_session)
    token = dealer_service.issue_link(db_session, dealer.id)
    linked = dealer_service.redeem_link(db_session, token, USER, CHAT)
    assert linked.id == dealer.id
    assert (dealer.telegram_user_id, dealer.telegram_chat_id) == (USER, CHAT)
    assert dealer_service.get_by_telegram_user(db_session, USER) is dealer


def test_a_used_link_is_refused_to_another_account_and_idempotent_for_its_own(
    db_session: Session,
) -> None:
    dealer = make_dealer(db_session)
    token = dealer_service.issue_link(db_session, dealer.id)
    dealer_service.redeem_link(db_session, token, USER, CHAT)
    assert dealer_service.redeem_link(db_session, token, USER, CHAT) is dealer  # a retry
    with pytest.raises(dealer_service.UsedLink, match="used already"):
        dealer_service.redeem_link(db_session, token, USER + 1, CHAT + 1)
    assert dealer.telegram_user_id == USER


def test_an_expired_link_is_refused(db_session: Session) -> None:
    dealer = make_dealer(db_session)
    now = utcnow()
    token = dealer_service.issue_link(db_session, dealer.id, ttl=timedelta(hours=1), now=now)
    with pytest.raises(dealer_service.ExpiredLink, match="expired"):
        dealer_service.redeem_link(db_session, token, USER, CHAT, now=now + timedelta(hours=1))
    assert dealer.telegram_user_id is None


def test_an_unknown_link_is_refused(db_session: Session) -> None:
    make_dealer(db_session)
    with pytest.raises(dealer_service.UnknownLink, match="not valid"):
        dealer_service.redeem_link(db_session, "dl_" + "x" * 43, USER, CHAT)


def test_one_telegram_account_is_never_two_dealers(db_session: Session) -> None:
    first, second = make_dealer(db_session), make_dealer(db_session)
    dealer_service.redeem_link(db_session, dealer_service.issue_link(db_session, first.id),
                               USER, CHAT)  # fmt: skip
    token = dealer_service.issue_link(db_session, second.id)
    with pytest.raises(dealer_service.AccountTaken):
        dealer_service.redeem_link(db_session, token, USER, CHAT)
    assert second.telegram_user_id is None
    assert db_session.scalar(select(DealerLinkToken.used_at).where(
        DealerLinkToken.dealer_id == second.id)) is None  # fmt: skip


def test_unlinking_forgets_the_account_and_voids_unused_links(db_session: Session) -> None:
    dealer = make_dealer(db_session)
    dealer_service.redeem_link(db_session, dealer_service.issue_link(db_session, dealer.id),
                               USER, CHAT)  # fmt: skip
    spare = dealer_service.issue_link(db_session, dealer.id)
    dealer_service.unlink(db_session, dealer.id)
    assert dealer_service.get_by_telegram_user(db_session, USER) is None
    assert dealer.telegram_chat_id is None
    with pytest.raises(dealer_service.UnknownLink):
        dealer_service.redeem_link(db_session, spare, USER, CHAT)
    with pytest.raises(NotFound):
        dealer_service.unlink(db_session, 999_999)
    with pytest.raises(NotFound):
        dealer_service.issue_link(db_session, 999_999)
