"""`nzila auctions ...`: staff schedule, list, show and cancel auctions; deposits and limits."""

from __future__ import annotations

from typing import Annotated

import typer

from catalog.auctions import service as auction_service
from catalog.auctions.schemas import AuctionView, BidderView
from catalog.database import transaction, utcnow
from webhook.cli import typed
from webhook.cli._shared import (
    _database,
    _maybe,
    _operator,
    _refusals,
    _when,
)

app = typer.Typer(help="Staff: auctions and bidders.", no_args_is_help=True)


@app.command("create")
def auctions_create(
    *,
    vehicle_id: Annotated[int, typer.Option(help="The vehicle to auction.")],
    starting_bid: Annotated[str, typer.Option(help="In dollars: 5200 or 5,200.50.")],
    starts_at: Annotated[str | None, typer.Option(help="ISO-8601 UTC (default: now).")] = None,
    starts_in: Annotated[str | None, typer.Option(help="Or a delay: 30m, 2h, 1d.")] = None,
    ends_at: Annotated[str | None, typer.Option(help="ISO-8601 UTC.")] = None,
    duration: Annotated[str | None, typer.Option(help="Or from the start: 90m, 48h, 3d.")] = None,
    reserve: Annotated[str | None, typer.Option(help="Lowest price the dealer accepts.")] = None,
    buy_now: Annotated[str | None, typer.Option(help="Buy-it-now price in dollars.")] = None,
    soft_close_seconds: Annotated[
        int, typer.Option(min=0, help="A late bid extends the end by this much.")
    ] = auction_service.DEFAULT_SOFT_CLOSE_SECONDS,
) -> None:
    """Schedule an auction for a vehicle (amounts in dollars, times ISO-8601 UTC)."""
    now = utcnow()
    with _refusals():
        start, end = auction_service.auction_window(
            now=now, starts_at=_maybe(typed.parse_time, starts_at),
            starts_in=_maybe(typed.parse_duration, starts_in),
            ends_at=_maybe(typed.parse_time, ends_at),
            duration=_maybe(typed.parse_duration, duration),
        )  # fmt: skip
        with _database() as sessions, transaction(sessions) as db_session:
            auction = auction_service.schedule(
                db_session=db_session, vehicle_id=vehicle_id, starts_at=start, ends_at=end,
                starting_bid_cents=typed.parse_dollars(starting_bid),
                reserve_cents=_maybe(typed.parse_dollars, reserve),
                buy_now_cents=_maybe(typed.parse_dollars, buy_now),
                soft_close_seconds=soft_close_seconds, now=now,
            )  # fmt: skip
            created = auction_service.show(db_session=db_session, auction_id=auction.id, now=now)
    typer.echo(f"scheduled auction #{created.auction.id}")
    _echo_auction(created.auction)


@app.command("list")
def auctions_list(
    open_only: Annotated[bool, typer.Option("--open", help="Only open auctions.")] = False,
    limit: Annotated[int, typer.Option(min=1)] = 200,
) -> None:
    """One line per auction: open ones ending soonest first, else newest first."""
    with _database() as sessions, sessions() as db_session:
        views = auction_service.list_auctions(
            db_session=db_session, open_only=open_only, limit=limit
        )
    for view in views:
        price = typed.dollars(view.current_price_cents or view.starting_bid_cents)
        price = price if view.current_price_cents else f"from {price}"
        typer.echo(
            f"#{view.id:<6} {view.status:<11} {view.vehicle_title[:36]:<36} "
            f"price {price:>15}  ends {_when(view.current_ends_at)}  {view.bids_accepted} bids"
        )
    if not views:
        typer.echo("no auction" + (" open" if open_only else ""))


@app.command("show")
def auctions_show(auction_id: Annotated[int, typer.Argument(help="The auction's id.")]) -> None:
    """An auction's terms (reserve included), price, leader and every accepted bid."""
    with _refusals(), _database() as sessions, sessions() as db_session:
        detail = auction_service.show(db_session=db_session, auction_id=auction_id)
    _echo_auction(detail.auction)
    typer.echo(f"bids ({len(detail.bids)}):")
    for bid in detail.bids:
        typer.echo(
            f"  {_when(bid.placed_at)}  buyer #{bid.buyer_id:<6} {bid.kind:<7} "
            f"max {typed.dollars(bid.amount_cents):>12} -> price "
            f"{typed.dollars(bid.price_after_cents)}, leader #{bid.leader_after_id}"
        )


@app.command("cancel")
def auctions_cancel(
    auction_id: Annotated[int, typer.Argument(help="The auction's id.")],
    reason: Annotated[str, typer.Option(help="Told to its bidders and watchers.")],
) -> None:
    """Cancel an open auction; its bidders and watchers are told the reason."""
    with _refusals(), _database() as sessions, transaction(sessions) as db_session:
        view = auction_service.cancel(db_session=db_session, auction_id=auction_id, reason=reason)
    typer.echo(f"cancelled auction #{view.id} ({view.vehicle_title}): {view.cancel_reason}")


@app.command("deposit")
def auctions_deposit(
    buyer_id: Annotated[int, typer.Argument(help="The buyer's id.")],
    amount: Annotated[str, typer.Argument(help="The deposit paid, in dollars.")],
    by: Annotated[str | None, typer.Option(help="Who records it (default: cli:$USER).")] = None,
) -> None:
    """Record the deposit a buyer paid (it replaces the previous amount)."""
    with _refusals(), _database() as sessions, transaction(sessions) as db_session:
        bidder = auction_service.record_deposit(db_session=db_session, buyer_id=buyer_id,
                                           deposit_cents=typed.parse_dollars(amount),
                                           by=by or _operator())  # fmt: skip
    _echo_bidder(bidder)


@app.command("limit")
def auctions_limit(
    buyer_id: Annotated[int, typer.Argument(help="The buyer's id.")],
    amount: Annotated[str, typer.Argument(help="In dollars, or none: deposit x multiplier.")],
    by: Annotated[str | None, typer.Option(help="Who sets it (default: cli:$USER).")] = None,
) -> None:
    """Set a buyer's bidding limit outright, or `none` to go back to deposit x multiplier."""
    with _refusals(), _database() as sessions, transaction(sessions) as db_session:
        limit = None if amount.strip().lower() == "none" else typed.parse_dollars(amount)
        bidder = auction_service.set_limit(db_session=db_session, buyer_id=buyer_id,
                                      limit_cents=limit, by=by or _operator())  # fmt: skip
    _echo_bidder(bidder)


def _echo_auction(view: AuctionView) -> None:
    money = typed.dollars
    reserve, buy_now, price = "none", "none", "no bid yet"
    if view.reserve_cents is not None:
        reserve = f"{money(view.reserve_cents)} ({'met' if view.reserve_met else 'not met'})"
    if view.buy_now_cents is not None:
        buy_now = money(view.buy_now_cents) + (" (available)" if view.buy_now_available else "")
    if view.current_price_cents is not None:
        price = f"{money(view.current_price_cents)}, leader buyer #{view.leader_id}"
    extended = view.ends_at != view.current_ends_at
    lines = [
        f"auction #{view.id}: {view.vehicle_title} (vehicle #{view.vehicle_id}, "
        f"dealer #{view.dealer_id})",
        f"  status        {view.status}",
        f"  runs          {_when(view.starts_at)} -> {_when(view.current_ends_at)}"
        + (f" (extended from {_when(view.ends_at)})" if extended else ""),
        f"  starting bid  {money(view.starting_bid_cents)}   reserve {reserve}   buy now {buy_now}",
        f"  price         {price}; {view.bids_accepted} bids; next minimum "
        f"{money(view.minimum_next_bid_cents)}",
    ]
    if view.winner_id is not None and view.sold_price_cents is not None:
        lines.append(
            f"  sold          to buyer #{view.winner_id} at {money(view.sold_price_cents)}, "
            f"payment due {_when(view.payment_due_at)}"
        )
    if view.status == "on_approval":
        lines.append(f"  approval by   {_when(view.approval_deadline_at)}")
    if view.cancel_reason:
        lines.append(f"  cancelled     {view.cancel_reason}")
    typer.echo("\n".join(lines))


def _echo_bidder(bidder: BidderView) -> None:
    money = typed.dollars
    outright = " (set outright)" if bidder.limit_set_cents is not None else ""
    typer.echo(
        f"buyer #{bidder.buyer_id}: deposit {money(bidder.deposit_cents)}, limit "
        f"{money(bidder.limit_cents)}{outright}; {money(bidder.committed_cents)} committed, "
        f"{money(bidder.available_cents)} available (by {bidder.updated_by})"
    )
