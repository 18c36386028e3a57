"""The confirmation summary: a bid that would stand now is shown with its maximum, every fee,
the total and the time left, under a Confirm button; a bid that would not is refused with why."""
# rasa_sdk ships no py.typed, so its names are untyped (Any) here.
# mypy: disable-error-code="import-untyped"

from __future__ import annotations

from datetime import datetime

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from catalog.auctions import service as auction_service
from catalog.auctions.engine import BidKind, Refusal, Refused
from catalog.auctions.fees import AuctionSettings
from catalog.auctions.models import Auction
from catalog.database import utcnow
from catalog.vehicles.models import Vehicle
from chat.answers import Answer
from chat.payloads import build_payload
from dialogs.actions.auctions.lots import LOT_SLOT, FoundLot, title_of
from dialogs.actions.auctions.parsing import message_key
from dialogs.actions.auctions.refusals import refusal_buttons, refusal_text
from dialogs.actions.auctions.terms import ask_terms
from dialogs.actions.auctions.wording import fee_lines, time_left, usd, words
from dialogs.actions.support import VEHICLE_SLOT, buyer_id, language


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
            lot=auction.id, title=title_of(vehicle)),
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


def offer_bid(
    dispatcher: CollectingDispatcher, tracker: Tracker, db_session: Session, found: FoundLot, *,
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
        power = auction_service.buying_power(db_session=db_session, buyer_id=buyer,
                                             excluding_auction_id=auction.id,
                                             settings=settings)  # fmt: skip
        if amount_cents > power.available_cents:  # say so before the terms, not after them
            refused = Refused(Refusal.OVER_LIMIT, refused.state,
                              available_cents=power.available_cents)  # fmt: skip
        else:
            ask_terms(dispatcher, auction, amount_cents, kind, lang=lang, settings=settings,
                      limit_cents=power.limit_cents)  # fmt: skip
            return remembered
    if refused is not None:
        why = refusal_text(refused, auction, amount_cents, lang=lang, now=now, settings=settings)
        dispatcher.utter_message(text=why, buttons=refusal_buttons(refused, auction, lang))
        return remembered
    text = words(lang)
    intent = "confirm_buy_now" if kind is BidKind.BUY_NOW else "confirm_bid"
    confirm = text["confirm_buy_now" if kind is BidKind.BUY_NOW else "confirm"]
    buttons = [
        {"title": confirm.format(amount=usd(amount_cents, lang)),
         "payload": build_payload(intent, lot=auction.id, cents=amount_cents,
                                   key=message_key(tracker)),
         "answers": Answer.CONFIRM},
        {"title": text["cancel"], "payload": "/cancel_bid", "answers": Answer.NO},
    ]  # fmt: skip
    summary = summary_text(auction, vehicle, amount_cents, kind, lang=lang, now=now,
                           settings=settings)  # fmt: skip
    dispatcher.utter_message(text=summary, buttons=buttons)
    return remembered
