"""How an auction is read under its lock and how an accepted bid is written: the statements and
locks lifecycle.py applies its decisions with.

PostgreSQL takes the auction row's lock (SELECT ... FOR UPDATE) and writes an accepted bid, the
auction's running totals and the alerts in one statement; SQLite's single writer is the lock.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    JSON,
    Insert,
    Integer,
    Select,
    Table,
    Update,
    bindparam,
    insert,
    select,
    update,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import ReturningUpdate

from catalog.auctions import bidders, events
from catalog.auctions.engine import Refusal
from catalog.auctions.fees import AuctionSettings
from catalog.auctions.increments import IncrementTable
from catalog.auctions.models import Auction, AuctionBid
from catalog.database import UTCDateTime, utcnow
from catalog.errors import NotFound


def locked(db_session: Session, auction_id: int) -> Auction:
    """The auction, with its lock held until the caller's transaction ends.

    PostgreSQL: SELECT ... FOR UPDATE, one round trip that waits for the row's lock and then
    reads the row as the previous holder committed it. Taking the lock changes no data, so a
    bid refused under it (most bids in a race: the price moved while they waited) writes no new
    row version. SQLite: bumping `version` takes the database's single write lock and reads the
    row in the same statement.
    """
    read: Select[Auction] | ReturningUpdate[Auction]
    if is_postgres(db_session):
        read = select(Auction).where(Auction.id == auction_id).with_for_update()
    else:
        bump = update(Auction).where(Auction.id == auction_id)
        read = bump.values(version=Auction.version + 1).returning(Auction)
    auction = db_session.scalars(read.execution_options(populate_existing=True)).one_or_none()
    if auction is None:
        raise NotFound(f"no auction {auction_id}")
    return auction


def locked_screened(
    db_session: Session, auction_id: int, buyer_id: int, amount_cents: int,
    settings: AuctionSettings,
) -> Auction | tuple[Refusal, int]:  # fmt: skip
    """The auction under its lock, or the bidder's refusal, screened so that two bids of one
    buyer on two lots cannot both pass on buying power the other is taking. PostgreSQL: the
    bidder's row is locked and screened first, then the auction's row is locked (always in that
    order: no deadlock). SQLite: the auction's lock is the database's single writer, so
    screening after it is enough."""

    def screen(lock: bool) -> tuple[Refusal, int] | None:
        return bidders.screen(db_session=db_session, buyer_id=buyer_id, auction_id=auction_id,
                              amount_cents=amount_cents, settings=settings, lock=lock)  # fmt: skip

    if is_postgres(db_session):
        return screen(lock=True) or locked(db_session, auction_id)
    auction = locked(db_session, auction_id)
    return screen(lock=False) or auction


def is_postgres(db_session: Session) -> bool:
    """Whether the session is on PostgreSQL (row locks), not SQLite (a single writer)."""
    return db_session.get_bind().dialect.name == "postgresql"


def stamp(auction: Auction) -> datetime:
    """Now, never before the last accepted bid: bids keep the order the lock gave them."""
    now = utcnow()
    return max(now, auction.last_bid_at) if auction.last_bid_at else now


def _writes() -> tuple[Insert, Update, Select[int]]:
    """The statements that write an accepted bid, built once with their parameters named
    (`bid_*`: the bid's row, `new_*`: the auction's running totals, `alerts`: a JSON array of
    alert rows): the bid's INSERT, the auction's UPDATE, and on PostgreSQL both with the
    alerts' INSERT as one statement."""
    bids, auctions = cast(Table, AuctionBid.__table__), cast(Table, Auction.__table__)
    insert_bid = (
        insert(bids)
        .values({name: bindparam(f"bid_{name}", type_=column.type)
                 for name, column in bids.columns.items() if name != "id"})
        .returning(bids.c.id)
    )  # fmt: skip
    move = (
        update(auctions)
        .where(auctions.c.id == bindparam("bid_auction_id", type_=Integer))
        .values({name: bindparam(f"new_{name}", type_=auctions.c[name].type) for name in (
            "current_price_cents", "leader_id", "leader_max_cents", "runner_up_max_cents",
            "current_ends_at", "bids_accepted", "last_bid_at", "version")})
    )  # fmt: skip
    bid = insert_bid.cte("bid")
    return insert_bid, move, select(bid.c.id).add_cte(move.cte("moved"), events.insert_from_json(
        auction_id=bindparam("bid_auction_id", type_=Integer),
        created_at=bindparam("bid_placed_at", type_=UTCDateTime()),
        alerts=bindparam("alerts", type_=JSON)).cte("alerts"))  # fmt: skip


INSERT_BID, MOVE, WRITE_BID_PG = _writes()


def table_as_json(table: IncrementTable) -> dict[str, Any]:
    return {"steps": [list(step) for step in table.steps], "top": table.top_increment_cents}


def table_from_json(data: dict[str, Any]) -> IncrementTable:
    steps = tuple((int(bound), int(increment)) for bound, increment in data["steps"])
    return IncrementTable(steps=steps, top_increment_cents=int(data["top"]))
