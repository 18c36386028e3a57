"""Auctions in chat: bid, buy it now, the current bid, my bids, what ends today, the terms, and
the dealer's and buyer's answers when an auction ends below the reserve.

A bid is never placed from free text alone. "bid 5200 on lot 12" (or "my max is 7000" about the
lot in view, or the Bid button of a vehicle) shows a summary — the maximum, every fee, the total,
the time left — with a Confirm button; only that tap places it. The summary is shown only for a
bid that would stand now (auction rules, terms accepted, bidding limit), else the refusal says
why and what would work. The Confirm button carries a key made from the message that asked for
it, so a provider's retry or a second tap on the same button places one bid, never two.

Lots are auction ids. The lot a buyer talks about is remembered in the `bid_lot` slot.
"""
# rasa_sdk ships no py.typed, so its names are untyped (Any) here.
# mypy: disable-error-code="import-untyped"

from __future__ import annotations

import hashlib
import re
from abc import ABCMeta, abstractmethod
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.orm import Session

from catalog.auctions import bidders, queries
from catalog.auctions import service as auction_service
from catalog.auctions.engine import (
    Accepted,
    AuctionState,
    AuctionStatus,
    BidKind,
    Refusal,
    Refused,
)
from catalog.auctions.fees import AuctionSettings, get_auction_settings
from catalog.auctions.models import Auction, AuctionResult
from catalog.buyers import service as buyer_service
from catalog.database import transaction, utcnow
from catalog.dealers import service as dealer_service
from catalog.dealers.models import Dealer
from catalog.errors import InvalidInput, NotFound
from catalog.money import CATALOG_CURRENCY, get_exchange_rates
from catalog.text import fold
from catalog.vehicles.models import Vehicle
from dialogs.actions.auctions_wording import (
    fee_lines,
    fee_table_summary,
    time_left,
    usd,
    when,
    words,
)
from dialogs.actions.choice import current_vehicle, listed
from dialogs.actions.support import (
    VEHICLE_SLOT,
    OffLoopAction,
    buyer_id,
    catalog_sessions,
    language,
    metadata,
)
from dialogs.understanding import parse_price
from notifications.auction_alerts import button_payload as _payload

LOT_SLOT: Final = "bid_lot"
_SMALLEST_BID_CENTS: Final = 25_00
LISTED_LOTS: Final = 8
# "lot 12", "lot #12", "lot no. 12", "lote nº 12", "lot number 12", "#12" (after folding)
_LOT: Final = re.compile(
    r"(?:\blots?|\blote|\blotes)\s*(?:n[o°]\.?|#|number|numero|num)?\s*#?\s*(\d{1,9})\b|#(\d{1,9})\b"
)


# --- Reading the buyer's message -----------------------------------------------------------------


def _entity(tracker: Tracker, name: str) -> str | None:
    for entity in (tracker.latest_message or {}).get("entities") or []:
        if entity.get("entity") == name and entity.get("value") not in (None, ""):
            return str(entity["value"])
    return None


def _text(tracker: Tracker) -> str:
    text = (tracker.latest_message or {}).get("text") or ""
    return "" if text.startswith("/") else text  # a button payload is not words


def lot_in(text: str) -> tuple[int | None, str]:
    """The lot number a message names, and the message without it (so 1234 is not a price)."""
    folded = fold(text).lower()
    match = _LOT.search(folded)
    if match is None:
        return None, text
    number = int(match.group(1) or match.group(2))
    return number, text[: match.start()] + " " + text[match.end() :]


def amount_in(text: str) -> int | None:
    """The bid a message states, in whole US dollars (as cents): "5200", "7k", "$6,500",
    "3.2 millions de FCFA" (converted at the configured rates, rounded down to the dollar)."""
    price = parse_price(text)
    if price is None or price.minor <= 0:
        return None
    usd_cents = get_exchange_rates().convert(price, CATALOG_CURRENCY).minor
    # Below this, a number is a place in a list ("bid on number 2"), not a vehicle's price.
    return usd_cents - usd_cents % 100 if usd_cents >= _SMALLEST_BID_CENTS else None


def _int_entity(tracker: Tracker, name: str) -> int | None:
    value = _entity(tracker, name)
    return int(value) if value is not None and value.isdigit() else None


@dataclass(frozen=True)
class _Request:
    lot: int | None
    amount_cents: int | None
    vehicle_id: int | None


def _request(tracker: Tracker) -> _Request:
    lot, rest = lot_in(_text(tracker))
    lot = _int_entity(tracker, "lot") or lot
    amount = _int_entity(tracker, "cents") or amount_in(rest)
    return _Request(lot=lot, amount_cents=amount, vehicle_id=_int_entity(tracker, VEHICLE_SLOT))


def _message_key(tracker: Tracker) -> str:
    """A short key naming the message that asked for a summary (the provider's id, else
    Rasa's): the summary's Confirm button carries it, so each summary places one bid at most."""
    source = metadata(tracker).get("message_id") or (tracker.latest_message or {}).get(
        "message_id"
    ) or f"{tracker.sender_id}:{len(tracker.events)}"  # fmt: skip
    return hashlib.sha256(str(source).encode()).hexdigest()[:8]


# --- Finding the auction ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Found:
    auction: Auction | None
    vehicle: Vehicle | None  # the vehicle asked about, with or without an auction
    lot_asked: int | None  # a lot number that matched nothing


def _find(tracker: Tracker, db_session: Session, request: _Request) -> _Found:
    """The auction the buyer means: a lot they name, else the vehicle of a button or the one
    they are looking at (the lot they were talking about, if it is that vehicle's, else the
    vehicle's current auction), else the lot they were talking about."""
    if request.lot is not None:
        auction = queries.find(db_session=db_session, auction_id=request.lot)
        if auction is None:
            return _Found(None, None, request.lot)
        return _Found(auction, queries.vehicle_of(db_session=db_session, auction=auction), None)
    vehicle = (db_session.get(Vehicle, request.vehicle_id) if request.vehicle_id is not None
               else current_vehicle(tracker, db_session))  # fmt: skip
    slot_lot = str(tracker.get_slot(LOT_SLOT) or "")
    talked_about = (queries.find(db_session=db_session, auction_id=int(slot_lot))
                    if slot_lot.isdigit() else None)  # fmt: skip
    if talked_about is not None and (vehicle is None or talked_about.vehicle_id == vehicle.id):
        return _Found(talked_about, queries.vehicle_of(db_session=db_session,
                                                       auction=talked_about), None)  # fmt: skip
    if vehicle is None:
        return _Found(None, None, None)
    auction = queries.latest_for_vehicle(db_session=db_session, vehicle_id=vehicle.id)
    return _Found(auction, vehicle, None)


def _title(vehicle: Vehicle) -> str:
    return f"{vehicle.year} {vehicle.make} {vehicle.model}"


def _no_auction(dispatcher: CollectingDispatcher, found: _Found, lang: str) -> None:
    text = words(lang)
    if found.lot_asked is not None:
        dispatcher.utter_message(text=text["unknown_lot"].format(lot=found.lot_asked))
    elif found.vehicle is not None:
        price = usd(found.vehicle.price_cents, lang)
        dispatcher.utter_message(text=text["no_auction"].format(title=_title(found.vehicle),
                                                                price=price))  # fmt: skip
    else:
        dispatcher.utter_message(text=text["which_lot"].format(example="5200"))


# --- Describing a lot ------------------------------------------------------------------------


def status_lines(
    db_session: Session, auction: Auction, vehicle: Vehicle, *, buyer: int | None, lang: str,
    now: datetime,
) -> list[str]:  # fmt: skip
    """A lot as a bidder sees it: price, their standing, the minimum, time left, buy-now."""
    text = words(lang)
    state = auction_service.state_of(auction, now)
    lines = [text["lot"].format(lot=auction.id, title=_title(vehicle))]
    if auction.result is AuctionResult.CANCELLED:
        return [*lines, text["cancelled"]]
    if auction.result is not AuctionResult.OPEN:
        return [*lines, _settled(auction, buyer, lang)]
    if state.current_price_cents is None:
        lines.append(text["starting"].format(price=usd(auction.starting_bid_cents, lang)))
    else:
        lines.append(text["current"].format(price=usd(state.current_price_cents, lang)))
    own = (queries.own_maximum(db_session=db_session, auction_id=auction.id, buyer_id=buyer)
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
            return text["sold_to_you"].format(price=price, due=when(auction.payment_due_at))
        return text["sold"].format(price=price)
    if auction.result is AuctionResult.ON_APPROVAL:
        return text["on_approval"]
    return text["not_sold"]


def _bid_buttons(auction: Auction, state: AuctionState, lang: str) -> list[dict[str, str]]:
    """One-tap bids: the minimum, and buy-now while it is offered."""
    if state.status is not AuctionStatus.LIVE or auction.result is not AuctionResult.OPEN:
        return []
    text, buttons = words(lang), [_bid_button(auction, state.minimum_next_bid_cents, lang)]
    if state.buy_now_available and auction.buy_now_cents is not None:
        price = usd(auction.buy_now_cents, lang)
        buttons.append({"title": text["buy_now"].format(price=price),
                        "payload": _payload("buy_now", lot=auction.id)})  # fmt: skip
    return buttons


# --- Refusals and the confirmation summary ---------------------------------------------------


def refusal_text(
    refused: Refused, auction: Auction, amount_cents: int, *, lang: str, now: datetime,
    settings: AuctionSettings,
) -> str:  # fmt: skip
    """Why the bid cannot stand, and what would: every refusal names the amount or step."""
    fills = {
        "lot": auction.id,
        "amount": usd(amount_cents, lang),
        "minimum": usd(refused.minimum_cents or refused.state.minimum_next_bid_cents, lang),
        "own": usd(max((refused.minimum_cents or 1) - 1, 0), lang),
        "left": time_left(auction.starts_at - now, lang),
        "price": usd(auction.buy_now_cents or 0, lang),
        "available": usd(refused.available_cents or 0, lang),
        "multiplier": settings.deposit_multiplier,
    }
    return words(lang)[_REFUSAL_TEXTS[refused.reason]].format(**fills)


_REFUSAL_TEXTS: Final = {
    Refusal.NOT_STARTED: "refused_not_started",
    Refusal.ENDED: "refused_ended",
    Refusal.BELOW_MINIMUM: "refused_below_minimum",
    Refusal.LOWER_THAN_OWN_MAX: "refused_own_max",
    Refusal.BUY_NOW_UNAVAILABLE: "refused_buy_now_unavailable",
    Refusal.NOT_THE_BUY_NOW_PRICE: "refused_not_buy_now_price",
    Refusal.OVER_LIMIT: "refused_over_limit",
    Refusal.TERMS_NOT_ACCEPTED: "refused_terms",
}


def _refusal_buttons(refused: Refused, auction: Auction, lang: str) -> list[dict[str, str]]:
    if refused.reason in (Refusal.BELOW_MINIMUM, Refusal.LOWER_THAN_OWN_MAX,
                          Refusal.BUY_NOW_UNAVAILABLE):  # fmt: skip
        minimum = refused.minimum_cents or refused.state.minimum_next_bid_cents
        return [_bid_button(auction, minimum, lang)]
    return []


def _bid_button(auction: Auction, cents: int, lang: str) -> dict[str, str]:
    """One tap to bid `cents` (it opens the confirmation summary, it never bids by itself)."""
    return {"title": words(lang)["bid_min"].format(amount=usd(cents, lang)),
            "payload": _payload("place_bid", lot=auction.id, cents=cents)}  # fmt: skip


def terms_text(lang: str, settings: AuctionSettings) -> str:
    return words(lang)["terms"].format(version=settings.terms_version,
                                       fees=fee_table_summary(settings.fee_table, lang),
                                       days=settings.payment_business_days)  # fmt: skip


def _ask_terms(
    dispatcher: CollectingDispatcher, auction: Auction, amount_cents: int, kind: BidKind, *,
    lang: str, settings: AuctionSettings,
) -> None:  # fmt: skip
    text = words(lang)
    accept = _payload("accept_auction_terms", lot=auction.id, cents=amount_cents, kind=kind.value)
    buttons = [{"title": text["accept"], "payload": accept},
               {"title": text["not_now"], "payload": "/cancel_bid"}]  # fmt: skip
    dispatcher.utter_message(text=text["refused_terms"] + "\n\n" + terms_text(lang, settings),
                             buttons=buttons)  # fmt: skip


def summary_text(
    auction: Auction, vehicle: Vehicle, amount_cents: int, kind: BidKind, *, lang: str,
    now: datetime, settings: AuctionSettings,
) -> str:  # fmt: skip
    text = words(lang)
    quote = settings.fee_table.quote(amount_cents)
    amount = usd(amount_cents, lang)
    buy_now = kind is BidKind.BUY_NOW
    state = auction_service.state_of(auction, now)
    lines = [
        text["summary_buy_now_title" if buy_now else "summary_title"].format(
            lot=auction.id, title=_title(vehicle)),
        text["buy_now_price" if buy_now else "your_max"].format(amount=amount),
        text["fees_if_win"].format(amount=amount),
        *fee_lines(quote, lang),
        text["total"].format(total=usd(quote.total_cents, lang)),
    ]  # fmt: skip
    if not buy_now:
        current = state.current_price_cents or auction.starting_bid_cents
        key = "current" if state.current_price_cents is not None else "starting"
        left = text["ends_in"].format(left=time_left(state.ends_at - now, lang))
        lines.append(text[key].format(price=usd(current, lang)) + " · " + left)
    lines.append(text["binding"].format(days=settings.payment_business_days))
    return "\n".join(lines)


def _offer(
    dispatcher: CollectingDispatcher, tracker: Tracker, db_session: Session, found: _Found, *,
    amount_cents: int, kind: BidKind, settings: AuctionSettings,
) -> list[EventType]:  # fmt: skip
    """Check the bid as it would stand now, then show the summary with Confirm, or say why not."""
    auction, vehicle = found.auction, found.vehicle
    assert auction is not None and vehicle is not None
    lang, buyer, now = language(tracker), buyer_id(tracker), utcnow()
    remembered = [SlotSet(LOT_SLOT, str(auction.id)), SlotSet(VEHICLE_SLOT, str(vehicle.id))]
    if buyer is None:  # Rasa without our worker: nobody to bid for
        dispatcher.utter_message(text=words(lang)["which_lot"].format(example="5200"))
        return remembered
    refused = auction_service.preview_bid(db_session=db_session, auction=auction, buyer_id=buyer,
                                          amount_cents=amount_cents, kind=kind,
                                          settings=settings)  # fmt: skip
    if refused is not None and refused.reason is Refusal.TERMS_NOT_ACCEPTED:
        _ask_terms(dispatcher, auction, amount_cents, kind, lang=lang, settings=settings)
        return remembered
    if refused is not None:
        why = refusal_text(refused, auction, amount_cents, lang=lang, now=now, settings=settings)
        dispatcher.utter_message(text=why, buttons=_refusal_buttons(refused, auction, lang))
        return remembered
    text = words(lang)
    intent = "confirm_buy_now" if kind is BidKind.BUY_NOW else "confirm_bid"
    confirm = text["confirm_buy_now" if kind is BidKind.BUY_NOW else "confirm"]
    buttons = [
        {"title": confirm.format(amount=usd(amount_cents, lang)),
         "payload": _payload(intent, lot=auction.id, cents=amount_cents,
                             key=_message_key(tracker))},
        {"title": text["cancel"], "payload": "/cancel_bid"},
    ]  # fmt: skip
    summary = summary_text(auction, vehicle, amount_cents, kind, lang=lang, now=now,
                           settings=settings)  # fmt: skip
    dispatcher.utter_message(text=summary, buttons=buttons)
    return remembered


# --- Actions ---------------------------------------------------------------------------------


class ActionPlaceBid(OffLoopAction):
    """ "bid 5200 on lot 12", "my max is 7000", the Bid button: a summary to confirm, or the
    lot's status and how to bid when no amount was given."""

    def name(self) -> str:
        return "action_place_bid"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        lang, settings, request = language(tracker), get_auction_settings(), _request(tracker)
        with catalog_sessions()() as db_session:
            found = _find(tracker, db_session, request)
            if found.auction is None or found.vehicle is None:
                _no_auction(dispatcher, found, lang)
                return []
            if request.amount_cents is None:
                return _show_status(dispatcher, tracker, db_session, found, ask_amount=True)
            return _offer(dispatcher, tracker, db_session, found,
                          amount_cents=request.amount_cents, kind=BidKind.MAX_BID,
                          settings=settings)  # fmt: skip


class ActionBuyNow(OffLoopAction):
    """ "buy it now": the buy-now summary to confirm, while the lot still offers it."""

    def name(self) -> str:
        return "action_buy_now"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        lang, settings = language(tracker), get_auction_settings()
        with catalog_sessions()() as db_session:
            found = _find(tracker, db_session, _request(tracker))
            auction = found.auction
            if auction is None or found.vehicle is None:
                _no_auction(dispatcher, found, lang)
                return []
            if auction.buy_now_cents is None:
                state = auction_service.state_of(auction, utcnow())
                minimum = usd(state.minimum_next_bid_cents, lang)
                dispatcher.utter_message(
                    text=words(lang)["buy_now_none"].format(lot=auction.id, minimum=minimum),
                    buttons=_bid_buttons(auction, state, lang))  # fmt: skip
                return [SlotSet(LOT_SLOT, str(auction.id))]
            return _offer(dispatcher, tracker, db_session, found,
                          amount_cents=auction.buy_now_cents, kind=BidKind.BUY_NOW,
                          settings=settings)  # fmt: skip


class ActionAcceptAuctionTerms(OffLoopAction):
    """The "I accept" tap under the terms: recorded, then the bid it interrupted continues."""

    def name(self) -> str:
        return "action_accept_auction_terms"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        lang, settings, buyer = language(tracker), get_auction_settings(), buyer_id(tracker)
        if buyer is None:
            return []
        with transaction(catalog_sessions()) as db_session:
            bidders.accept_terms(db_session=db_session, buyer_id=buyer, settings=settings)
        dispatcher.utter_message(
            text=words(lang)["terms_accepted"].format(version=settings.terms_version)
        )
        request = _request(tracker)
        if request.lot is None or request.amount_cents is None:
            return []
        kind = BidKind.BUY_NOW if _entity(tracker, "kind") == BidKind.BUY_NOW else BidKind.MAX_BID
        with catalog_sessions()() as db_session:
            found = _find(tracker, db_session, request)
            if found.auction is None or found.vehicle is None:
                _no_auction(dispatcher, found, lang)
                return []
            amount = request.amount_cents
            return _offer(dispatcher, tracker, db_session, found, amount_cents=amount, kind=kind,
                          settings=settings)  # fmt: skip


class _ConfirmAction(OffLoopAction, metaclass=ABCMeta):
    """The Confirm tap: places the bid under the auction's lock, once per summary (abstract:
    rasa_sdk skips it)."""

    kind: BidKind = BidKind.MAX_BID
    waits_for_lots = True

    @abstractmethod
    def name(self) -> str: ...

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        lang, settings, buyer, request = (language(tracker), get_auction_settings(),
                                          buyer_id(tracker), _request(tracker))  # fmt: skip
        key = _entity(tracker, "key")
        if buyer is None or request.lot is None or request.amount_cents is None or key is None:
            dispatcher.utter_message(text=words(lang)["which_lot"].format(example="5200"))
            return []
        idempotency_key = (
            f"chat:{buyer}:{request.lot}:{self.kind.value}:{request.amount_cents}:{key}"
        )
        with transaction(catalog_sessions()) as db_session:
            try:
                result = auction_service.place_bid(
                    db_session=db_session, auction_id=request.lot, buyer_id=buyer,
                    amount_cents=request.amount_cents, kind=self.kind,
                    idempotency_key=idempotency_key, settings=settings)  # fmt: skip
            except NotFound:
                _no_auction(dispatcher, _Found(None, None, request.lot), lang)
                return []
            auction = auction_service.get(db_session=db_session, auction_id=request.lot)
            vehicle = queries.vehicle_of(db_session=db_session, auction=auction)
            now = utcnow()
            if isinstance(result.decision, Refused):
                refused = result.decision
                why = refusal_text(refused, auction, request.amount_cents, lang=lang, now=now,
                                   settings=settings)  # fmt: skip
                buttons = _refusal_buttons(refused, auction, lang)
                dispatcher.utter_message(text=why, buttons=buttons)
            else:
                text = _placed_text(db_session, auction, vehicle, result.decision, buyer=buyer,
                                    amount_cents=request.amount_cents, lang=lang,
                                    settings=settings)  # fmt: skip
                if result.repeated:
                    text = words(lang)["already"] + "\n" + text
                state = result.decision.state
                buttons = [] if state.leader_id == buyer else _bid_buttons(auction, state, lang)
                dispatcher.utter_message(text=text, buttons=buttons)
        return [SlotSet(LOT_SLOT, str(request.lot)), SlotSet(VEHICLE_SLOT, str(vehicle.id))]


def _placed_text(
    db_session: Session, auction: Auction, vehicle: Vehicle, decision: Accepted, *, buyer: int,
    amount_cents: int, lang: str, settings: AuctionSettings,
) -> str:  # fmt: skip
    text, state = words(lang), decision.state
    if state.status is AuctionStatus.BOUGHT_NOW or (
        auction.result is AuctionResult.SOLD and auction.winner_id == buyer
    ):
        paid = auction.sold_price_cents or amount_cents
        quote = settings.fee_table.quote(paid)
        due = when(auction.payment_due_at) if auction.payment_due_at else ""
        return text["bought_now"].format(lot=auction.id, title=_title(vehicle),
                                         price=usd(paid, lang),
                                         total=usd(quote.total_cents, lang), due=due)  # fmt: skip
    own = queries.own_maximum(db_session=db_session, auction_id=auction.id, buyer_id=buyer)
    price = usd(state.current_price_cents or auction.starting_bid_cents, lang)
    maximum = usd(own or amount_cents, lang)
    if state.leader_id == buyer:
        return text["placed_leading"].format(lot=auction.id, price=price, max=maximum)
    minimum = usd(state.minimum_next_bid_cents, lang)
    return text["placed_outbid"].format(max=maximum, price=price, minimum=minimum)


class ActionConfirmBid(_ConfirmAction):
    def name(self) -> str:
        return "action_confirm_bid"


class ActionConfirmBuyNow(_ConfirmAction):
    kind = BidKind.BUY_NOW

    def name(self) -> str:
        return "action_confirm_buy_now"


class ActionCancelBid(Action):  # type: ignore[misc]
    """The Cancel tap under a summary: nothing to look up, so it stays on the event loop."""

    def name(self) -> str:
        return "action_cancel_bid"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        dispatcher.utter_message(text=words(language(tracker))["not_placed"])
        return []


def _show_status(
    dispatcher: CollectingDispatcher, tracker: Tracker, db_session: Session, found: _Found,
    *, ask_amount: bool,
) -> list[EventType]:  # fmt: skip
    auction, vehicle = found.auction, found.vehicle
    assert auction is not None and vehicle is not None
    lang, now = language(tracker), utcnow()
    lines = status_lines(db_session, auction, vehicle, buyer=buyer_id(tracker), lang=lang, now=now)
    state = auction_service.state_of(auction, now)
    live = state.status is AuctionStatus.LIVE and auction.result is AuctionResult.OPEN
    if ask_amount and live:
        example = usd(state.minimum_next_bid_cents, "en").lstrip("$").replace(",", "")
        lines += ["", words(lang)["ask_amount"].format(example=example)]
    dispatcher.utter_message(text="\n".join(lines), buttons=_bid_buttons(auction, state, lang))
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
            found = _find(tracker, db_session, _request(tracker))
            if found.auction is None or found.vehicle is None:
                _no_auction(dispatcher, found, lang)
                return []
            return _show_status(dispatcher, tracker, db_session, found, ask_amount=False)


class ActionMyBids(OffLoopAction):
    """ "my bids": the lots this buyer bid on, live ones first, with where they stand."""

    def name(self) -> str:
        return "action_my_bids"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        lang, buyer, now = language(tracker), buyer_id(tracker), utcnow()
        text = words(lang)
        with catalog_sessions()() as db_session:
            mine = (queries.bids_of(db_session=db_session, buyer_id=buyer, limit=LISTED_LOTS)
                    if buyer is not None else [])  # fmt: skip
            if not mine:
                dispatcher.utter_message(text=text["no_bids"])
                return []
            lines, buttons = [text["my_bids"]], []
            for number, bid in enumerate(mine, start=1):
                auction = bid.auction
                lot = text["lot"].format(lot=auction.id, title=_title(bid.vehicle))
                lines.append(f"{number}. {lot} — {_standing(auction, buyer, now, lang)}")
                buttons.append({"title": f"{number}. {bid.vehicle.make} {bid.vehicle.model}"[:20],
                                "payload": _payload("current_bid", lot=auction.id)})  # fmt: skip
        dispatcher.utter_message(text="\n".join(lines), buttons=buttons)
        return [listed([bid.vehicle.id for bid in mine])]


def _standing(auction: Auction, buyer: int | None, now: datetime, lang: str) -> str:
    text = words(lang)
    if auction.result is AuctionResult.OPEN:
        state = auction_service.state_of(auction, now)
        price = usd(state.current_price_cents or auction.starting_bid_cents, lang)
        where = text["lead"] if state.leader_id == buyer else text["behind"]
        if state.status is AuctionStatus.LIVE:
            return f"{price}, {where}, {time_left(state.ends_at - now, lang)}"
        return f"{price}, {where}"
    if auction.result is AuctionResult.SOLD:
        return text["won"] if auction.winner_id == buyer else text["lost"]
    if auction.result is AuctionResult.ON_APPROVAL and auction.leader_id == buyer:
        return text["waiting"]
    return text["lost"] if auction.leader_id != buyer else text["not_sold"]


class ActionAuctionsEnding(OffLoopAction):
    """ "auctions ending today": live lots ending in the next 24 hours, soonest first."""

    def name(self) -> str:
        return "action_auctions_ending"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        lang, now = language(tracker), utcnow()
        text = words(lang)
        with catalog_sessions()() as db_session:
            lots = queries.ending_between(db_session=db_session, start=now, limit=LISTED_LOTS,
                                          end=now + timedelta(hours=24))  # fmt: skip
            if not lots:
                dispatcher.utter_message(text=text["none_ending"])
                return []
            lines, buttons = [text["ending_today"]], []
            for number, (auction, vehicle) in enumerate(lots, start=1):
                state = auction_service.state_of(auction, now)
                price = usd(state.current_price_cents or auction.starting_bid_cents, lang)
                lot = text["lot"].format(lot=auction.id, title=_title(vehicle))
                lines.append(f"{number}. {lot} — {price}, {time_left(state.ends_at - now, lang)}")
                buttons.append({"title": f"{number}. {vehicle.make} {vehicle.model}"[:20],
                                "payload": _payload("current_bid", lot=auction.id)})  # fmt: skip
        dispatcher.utter_message(text="\n".join(lines), buttons=buttons)
        return [listed([vehicle.id for _, vehicle in lots])]


class ActionAuctionTerms(OffLoopAction):
    """ "what are the auction rules / fees?": the terms and fee table, with "I accept" when the
    buyer has not accepted this version yet."""

    def name(self) -> str:
        return "action_auction_terms"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        lang, settings, buyer = language(tracker), get_auction_settings(), buyer_id(tracker)
        accepted = False
        if buyer is not None:
            with catalog_sessions()() as db_session:
                accepted = bidders.has_accepted_terms(db_session=db_session, buyer_id=buyer,
                                                      settings=settings)  # fmt: skip
        buttons = [] if accepted else [{"title": words(lang)["accept"],
                                        "payload": "/accept_auction_terms"}]  # fmt: skip
        dispatcher.utter_message(text=terms_text(lang, settings), buttons=buttons)
        return []


# --- After the end: the dealer's decision, the buyer's answer to a counter-offer ---------------


class ActionAnswerCounter(OffLoopAction):
    """The high bidder's tap on "Accept" / "Decline" under a dealer's counter-offer."""

    waits_for_lots = True

    def name(self) -> str:
        return "action_answer_counter"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        lang, buyer, lot = language(tracker), buyer_id(tracker), _int_entity(tracker, "lot")
        accept = (tracker.latest_message or {}).get("intent", {}).get("name") == "accept_counter"
        text = words(lang)
        if buyer is None or lot is None:
            return []
        try:
            with transaction(catalog_sessions()) as db_session:
                auction = auction_service.answer_counter(db_session=db_session, auction_id=lot,
                                                         buyer_id=buyer, accept=accept)  # fmt: skip
                price, due = auction.sold_price_cents, auction.payment_due_at
        except InvalidInput:
            dispatcher.utter_message(text=text["counter_gone"].format(lot=lot))
            return []
        if accept and price is not None and due is not None:
            dispatcher.utter_message(text=text["counter_taken"].format(
                lot=lot, price=usd(price, lang), due=when(due)))  # fmt: skip
        else:
            dispatcher.utter_message(text=text["counter_declined"].format(lot=lot))
        return []


class ActionDealerDecision(OffLoopAction):
    """A dealer's tap on Approve / Counter / Reject under an auction that ended below the
    reserve. Only the dealer whose Telegram chat the vehicle's listing names may decide."""

    waits_for_lots = True

    def name(self) -> str:
        return "action_dealer_decision"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        lang, lot = language(tracker), _int_entity(tracker, "lot")
        intent = (tracker.latest_message or {}).get("intent", {}).get("name")
        decision = _DEALER_INTENTS.get(intent or "")
        buyer, text = buyer_id(tracker), words(lang)
        if lot is None or decision is None or buyer is None:
            return []
        try:
            with transaction(catalog_sessions()) as db_session:
                dealer = _dealer_of_sender(db_session, buyer)
                if dealer is None:
                    raise auction_service.NotYours("not a dealer")
                auction = auction_service.decide(
                    db_session=db_session, auction_id=lot, dealer_id=dealer.id,
                    decision=decision, counter_cents=_int_entity(tracker, "cents"))  # fmt: skip
                price = auction.counter_cents or auction.current_price_cents or 0
                deadline = auction.approval_deadline_at
        except auction_service.NotYours:
            dispatcher.utter_message(text=text["dealer_not_yours"].format(lot=lot))
            return []
        except InvalidInput:
            dispatcher.utter_message(text=text["dealer_not_waiting"].format(lot=lot))
            return []
        reply = text[_DEALER_REPLIES[decision]]
        until = when(deadline) if deadline else ""
        dispatcher.utter_message(text=reply.format(lot=lot, price=usd(price, lang),
                                                   deadline=until))  # fmt: skip
        return []


_DEALER_INTENTS: Final = {
    "dealer_approve": auction_service.DealerDecision.APPROVE,
    "dealer_reject": auction_service.DealerDecision.REJECT,
    "dealer_counter": auction_service.DealerDecision.COUNTER,
}


_DEALER_REPLIES: Final = {
    auction_service.DealerDecision.APPROVE: "dealer_approved",
    auction_service.DealerDecision.REJECT: "dealer_rejected",
    auction_service.DealerDecision.COUNTER: "dealer_countered",
}


def _dealer_of_sender(db_session: Session, buyer: int) -> Dealer | None:
    """The dealer whose Telegram chat is this sender's (a private chat's id is the user's)."""
    person = buyer_service.get(db_session=db_session, buyer_id=buyer)
    if person.telegram_user_id is None:
        return None
    return dealer_service.get_by_telegram_chat(db_session=db_session,
                                               chat_id=person.telegram_user_id)  # fmt: skip


def details_line(db_session: Session, vehicle: Vehicle, buyer: int | None, lang: str) -> str | None:
    """The auction line of a vehicle's details (None when it was never auctioned)."""
    auction = queries.latest_for_vehicle(db_session=db_session, vehicle_id=vehicle.id)
    if auction is None:
        return None
    lines = status_lines(db_session, auction, vehicle, buyer=buyer, lang=lang, now=utcnow())
    return " · ".join(lines)
