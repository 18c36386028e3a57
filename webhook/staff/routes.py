"""The staff API: schedule, list, show and cancel auctions; record a buyer's deposit and
bidding limit; make or revoke a dealer's one-time Telegram link, and list the dealer's leads.
Money is integer cents, times ISO-8601 with an offset.

Every route needs `Authorization: Bearer <STAFF_API_TOKEN>` (401 without it). The catalog's
refusals become statuses in one handler (`webhook.staff.errors`): 404 for an unknown id, 409
when the auction or vehicle is in a state that refuses the change, 422 for invalid input. Each
route's `responses=` lists exactly the statuses it can return. The rules themselves are in
catalog/auctions/auction_service.py, shared with `nzila auctions`.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, status
from sqlalchemy.orm import Session, sessionmaker

from catalog.auctions import service as auction_service
from catalog.database import transaction, utcnow
from catalog.dealers import service as dealer_service
from catalog.errors import NotFound
from catalog.leads import service as lead_service
from webhook.staff.auth import require_staff
from webhook.staff.errors import documented
from webhook.staff.schemas import (
    MAX_ID,
    AuctionDetailOut,
    AuctionIn,
    AuctionOut,
    BidderOut,
    CancelIn,
    DepositIn,
    LeadOut,
    LimitIn,
    TelegramLinkOut,
)


def get_sessions(request: Request) -> sessionmaker[Session]:
    sessions: sessionmaker[Session] = request.app.state.sessions
    return sessions


SessionsDep = Annotated[sessionmaker[Session], Depends(get_sessions)]
AuctionId = Annotated[int, Path(description="The auction's id.")]
BuyerId = Annotated[int, Path(description="The buyer's id.")]
DealerId = Annotated[int, Path(description="The dealer's id.")]

router = APIRouter(
    prefix="/api/staff",
    tags=["staff"],
    dependencies=[Depends(require_staff)],
    responses=documented(status.HTTP_401_UNAUTHORIZED),
)


@router.post(
    "/auctions",
    status_code=status.HTTP_201_CREATED,
    responses=documented(status.HTTP_409_CONFLICT, invalid_input=True),
)
def create_auction(body: AuctionIn, sessions: SessionsDep) -> AuctionOut:
    """Schedule an auction for a vehicle that has no open one (409 if it has; 422 for an
    unknown vehicle: the body names it, not the URL)."""
    now = utcnow()
    duration = timedelta(seconds=body.duration_seconds) if body.duration_seconds else None
    starts_at, ends_at = auction_service.auction_window(
        now=now, starts_at=body.starts_at, ends_at=body.ends_at, duration=duration
    )
    with transaction(sessions) as db_session:
        auction = auction_service.schedule(
            db_session=db_session, vehicle_id=body.vehicle_id, starts_at=starts_at,
            ends_at=ends_at, starting_bid_cents=body.starting_bid_cents,
            reserve_cents=body.reserve_cents, buy_now_cents=body.buy_now_cents,
            soft_close_seconds=body.soft_close_seconds, now=now,
        )  # fmt: skip
        detail = auction_service.show(db_session=db_session, auction_id=auction.id, now=now)
    return AuctionOut.of(detail.auction)


@router.get("/auctions", responses=documented())
def list_auctions(
    sessions: SessionsDep,
    open_only: Annotated[bool, Query(alias="open", description="Only open ones.")] = False,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[AuctionOut]:
    """Open auctions ending soonest first, or every auction newest first."""
    with sessions() as db_session:
        views = auction_service.list_auctions(
            db_session=db_session, open_only=open_only, limit=limit
        )
    return [AuctionOut.of(view) for view in views]


@router.get("/auctions/{auction_id}", responses=documented(status.HTTP_404_NOT_FOUND))
def show_auction(auction_id: AuctionId, sessions: SessionsDep) -> AuctionDetailOut:
    """The auction with its price, leader, reserve and every accepted bid."""
    _known(auction_id, "auction")
    with sessions() as db_session:
        detail = auction_service.show(db_session=db_session, auction_id=auction_id)
    return AuctionDetailOut.of_detail(detail)


@router.post(
    "/auctions/{auction_id}/cancel",
    responses=documented(status.HTTP_404_NOT_FOUND, status.HTTP_409_CONFLICT, invalid_input=True),
)
def cancel_auction(auction_id: AuctionId, body: CancelIn, sessions: SessionsDep) -> AuctionOut:
    """Cancel an open auction; bidders and watchers are told the reason. 409 once settled."""
    _known(auction_id, "auction")
    with transaction(sessions) as db_session:
        auction = auction_service.cancel(db_session=db_session, auction_id=auction_id,
                                    reason=body.reason)  # fmt: skip
    return AuctionOut.of(auction)


@router.put(
    "/bidders/{buyer_id}/deposit",
    responses=documented(status.HTTP_404_NOT_FOUND, invalid_input=True),
)
def record_deposit(buyer_id: BuyerId, body: DepositIn, sessions: SessionsDep) -> BidderOut:
    """Record the deposit a buyer paid (it replaces the previous amount)."""
    _known(buyer_id, "buyer")
    with transaction(sessions) as db_session:
        bidder = auction_service.record_deposit(db_session=db_session, buyer_id=buyer_id,
                                           deposit_cents=body.deposit_cents,
                                           by=body.by)  # fmt: skip
    return BidderOut.of(bidder)


@router.put(
    "/bidders/{buyer_id}/limit",
    responses=documented(status.HTTP_404_NOT_FOUND, invalid_input=True),
)
def set_limit(buyer_id: BuyerId, body: LimitIn, sessions: SessionsDep) -> BidderOut:
    """Set a buyer's bidding limit outright, or null to go back to deposit x multiplier."""
    _known(buyer_id, "buyer")
    with transaction(sessions) as db_session:
        bidder = auction_service.set_limit(db_session=db_session, buyer_id=buyer_id,
                                      limit_cents=body.limit_cents, by=body.by)  # fmt: skip
    return BidderOut.of(bidder)


@router.post(
    "/dealers/{dealer_id}/telegram-link",
    status_code=status.HTTP_201_CREATED,
    responses=documented(status.HTTP_404_NOT_FOUND),
)
def make_telegram_link(
    dealer_id: DealerId, request: Request, sessions: SessionsDep
) -> TelegramLinkOut:
    """A one-time deep link (t.me/<bot>?start=<token>) that links the Telegram account opening
    it to the dealer; it expires in 24 hours. Only the token's hash is stored."""
    _known(dealer_id, "dealer")
    now = utcnow()
    with transaction(sessions) as db_session:
        token = dealer_service.issue_link(db_session, dealer_id, now=now)
    bot = request.app.state.channel_settings.telegram_bot_username
    return TelegramLinkOut(url=dealer_service.link_url(bot, token),
                           expires_at=now + dealer_service.DEFAULT_LINK_TTL)  # fmt: skip


@router.delete(
    "/dealers/{dealer_id}/telegram-link",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=documented(status.HTTP_404_NOT_FOUND),
)
def unlink_telegram(dealer_id: DealerId, sessions: SessionsDep) -> None:
    """Unlink the dealer's Telegram account (its messages are a buyer's again); links not used
    yet stop working."""
    _known(dealer_id, "dealer")
    with transaction(sessions) as db_session:
        dealer_service.unlink(db_session, dealer_id)


@router.get("/dealers/{dealer_id}/leads", responses=documented(status.HTTP_404_NOT_FOUND))
def list_leads(
    dealer_id: DealerId,
    sessions: SessionsDep,
    limit: Annotated[int, Query(ge=1, le=200, description="The most recently active.")] = 50,
) -> list[LeadOut]:
    """The dealer's own leads, warmest first, with the score and its reasons."""
    _known(dealer_id, "dealer")
    with sessions() as db_session:
        dealer_service.get(db_session=db_session, dealer_id=dealer_id)
        views = lead_service.leads_for_dealer(db_session, dealer_id, limit=limit)
    return [LeadOut(**view.model_dump()) for view in views]


def _known(row_id: int, what: str) -> None:
    """Ids the database cannot hold are unknown ones (not a database error)."""
    if not 0 < row_id <= MAX_ID:
        raise NotFound(f"no {what} {row_id}")
