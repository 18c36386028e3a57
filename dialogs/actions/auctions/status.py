"""A lot as a bidder sees it: price, their standing, the minimum, time left, buy-now, with
one-tap bid buttons; "what's the current bid?" and the auction line of a vehicle's details."""
# rasa_sdk ships no py.typed, so its names are untyped (Any) here.
# mypy: disable-error-code="import-untyped"

from __future__ import annotations

from datetime import datetime

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.orm import Session

from catalog.auctions import service as auction_service
from catalog.auctions.engine import AuctionState, AuctionStatus
from catalog.auctions.models import Auction, AuctionResult
from catalog.database import utcnow
from catalog.vehicles.models import Vehicle
from chat.dates import format_moment
from chat.payloads import build_payload
from dialogs.actions.auctions.lots import LOT_SLOT, FoundLot, find_lot, say_no_auction, title_of
from dialogs.actions.auctions.parsing import bid_request
from dialogs.actions.auctions.wording import time_left, usd, words
from dialogs.actions.support import (
    VEHICLE_SLOT,
    OffLoopAction,
    buyer_id,
    catalog_sessions,
    language,
)


def status_lines(
    db_session: Session, auction: Auction, vehicle: Vehicle, *, buyer: int | None, lang: str,
    now: datetime,
) -> list[str]:  # fmt: skip
    """A lot as a bidder sees it: price, their standing, the minimum, time left, buy-now."""
    text = words(lang)
    state = auction_service.state_of(auction, now)
    lines = [text["lot"].format(lot=auction.id, title=title_of(vehicle))]
    if auction.result is AuctionResult.CANCELLED:
        return [*lines, text["cancelled"]]
    if auction.result is not AuctionResult.OPEN:
        return [*lines, _settled(auction, buyer, lang)]
    if state.current_price_cents is None:
        lines.append(text["starting"].format(price=usd(auction.starting_bid_cents, lang)))
    else:
        lines.append(text["current"].format(price=usd(state.current_price_cents, lang)))
    own = (auction_service.own_maximum(db_session=db_session, auction_id=auction.id, buyer_id=buyer)
           if buyer is not None else None)  # fmt: skip
    if own is not None and state.leader_id == buyer:
        lines.append(text["you_lead"].format(max=usd(own, lang)))
    elif own is not None:
        lines.append(text["you_outbid"].format(max=usd(own, lang)))
    if state.status is AuctionStatus.SCHEDULED:
        lines.append(text["starts_in"].format(left=time_left(auction.starts_at - now, lang)))
    elif state.status is AuctionStatus.LIVE:
        lines.append(text["minimum"].format(minimum=usd(state.minimum_next_bid_cents, lang)))
        ends = text["ends_in"].format(left=time_left(state.ends_at - now, lang))
        lines.append(ends + (" " + text["extended"] if state.ends_at > auction.ends_at else ""))
        if state.buy_now_available and auction.buy_now_cents is not None:
            lines.append(text["buy_now"].format(price=usd(auction.buy_now_cents, lang)))
    else:
        lines.append(text["ended"])
    return lines


def _settled(auction: Auction, buyer: int | None, lang: str) -> str:
    text = words(lang)
    if auction.result is AuctionResult.SOLD and auction.sold_price_cents is not None:
        price = usd(auction.sold_price_cents, lang)
        if buyer is not None and auction.winner_id == buyer and auction.payment_due_at:
            return text["sold_to_you"].format(
                price=price, due=format_moment(auction.payment_due_at)
            )
        return text["sold"].format(price=price)
    if auction.result is AuctionResult.ON_APPROVAL:
        return text["on_approval"]
    return text["not_sold"]


def bid_buttons(auction: Auction, state: AuctionState, lang: str) -> list[dict[str, str]]:
    """One-tap bids: the minimum, and buy-now while it is offered."""
    if state.status is not AuctionStatus.LIVE or auction.result is not AuctionResult.OPEN:
        return []
    text, buttons = words(lang), [bid_button(auction, state.minimum_next_bid_cents, lang)]
    if state.buy_now_available and auction.buy_now_cents is not None:
        price = usd(auction.buy_now_cents, lang)
        buttons.append({"title": text["buy_now"].format(price=price),
                        "payload": build_payload("buy_now", lot=auction.id)})  # fmt: skip
    return buttons


def bid_button(auction: Auction, cents: int, lang: str) -> dict[str, str]:
    """One tap to bid `cents` (it opens the confirmation summary, it never bids by itself)."""
    return {"title": words(lang)["bid_min"].format(amount=usd(cents, lang)),
            "payload": build_payload("place_bid", lot=auction.id, cents=cents)}  # fmt: skip


def show_status(
    dispatcher: CollectingDispatcher, tracker: Tracker, db_session: Session, found: FoundLot,
    *, ask_amount: bool,
) -> list[EventType]:  # fmt: skip
    """Say the lot's status with its bid buttons (and how to bid, when `ask_amount`)."""
    auction, vehicle = found.auction, found.vehicle
    assert auction is not None and vehicle is not None
    lang, now = language(tracker), utcnow()
    lines = status_lines(db_session, auction, vehicle, buyer=buyer_id(tracker), lang=lang, now=now)
    state = auction_service.state_of(auction, now)
    live = state.status is AuctionStatus.LIVE and auction.result is AuctionResult.OPEN
    if ask_amount and live:
        example = usd(state.minimum_next_bid_cents, "en").lstrip("$").replace(",", "")
        lines += ["", words(lang)["ask_amount"].format(example=example)]
    dispatcher.utter_message(text="\n".join(lines), buttons=bid_buttons(auction, state, lang))
    return [SlotSet(LOT_SLOT, str(auction.id)), SlotSet(VEHICLE_SLOT, str(vehicle.id))]


class ActionCurrentBid(OffLoopAction):
    """ "what's the current bid?", "am I winning?": the lot's status for this buyer."""

    def name(self) -> str:
        return "action_current_bid"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        lang = language(tracker)
        with catalog_sessions()() as db_session:
            found = find_lot(tracker, db_session, bid_request(tracker))
            if found.auction is None or found.vehicle is None:
                say_no_auction(dispatcher, found, lang)
                return []
            return show_status(dispatcher, tracker, db_session, found, ask_amount=False)


def details_line(db_session: Session, vehicle: Vehicle, buyer: int | None, lang: str) -> str | None:
    """The auction line of a vehicle's details (None when it was never auctioned)."""
    auction = auction_service.latest_for_vehicle(db_session=db_session, vehicle_id=vehicle.id)
    if auction is None:
        return None
    lines = status_lines(db_session, auction, vehicle, buyer=buyer, lang=lang, now=utcnow())
    return " · ".join(lines)
