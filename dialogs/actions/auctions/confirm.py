"""Placing a bid: the Confirm tap under a summary places it under the auction's lock, once per
summary (the button carries the key of the message that asked for it); Cancel places nothing."""
# rasa_sdk ships no py.typed, so its names are untyped (Any) here.
# mypy: disable-error-code="import-untyped"

from __future__ import annotations

from abc import ABCMeta, abstractmethod

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.orm import Session

from catalog.auctions import service as auction_service
from catalog.auctions.engine import Accepted, AuctionStatus, BidKind, Refused
from catalog.auctions.fees import AuctionSettings, get_auction_settings
from catalog.auctions.models import Auction, AuctionResult
from catalog.database import transaction, utcnow
from catalog.errors import NotFound
from catalog.leads.scoring import LeadAction
from catalog.vehicles.models import Vehicle
from chat.dates import format_moment
from dialogs.actions import leads
from dialogs.actions.auctions.lots import LOT_SLOT, FoundLot, say_no_auction, title_of
from dialogs.actions.auctions.parsing import bid_request, entity
from dialogs.actions.auctions.refusals import refusal_buttons, refusal_text
from dialogs.actions.auctions.status import bid_buttons
from dialogs.actions.auctions.wording import usd, words
from dialogs.actions.support import (
    VEHICLE_SLOT,
    OffLoopAction,
    buyer_id,
    catalog_sessions,
    language,
)


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
                                          buyer_id(tracker), bid_request(tracker))  # fmt: skip
        key = entity(tracker, "key")
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
                say_no_auction(dispatcher, FoundLot(None, None, request.lot), lang)
                return []
            auction = auction_service.get(db_session=db_session, auction_id=request.lot)
            vehicle = auction_service.vehicle_of(db_session=db_session, auction=auction)
            now = utcnow()
            if isinstance(result.decision, Refused):
                refused = result.decision
                why = refusal_text(refused, auction, request.amount_cents, lang=lang, now=now,
                                   settings=settings)  # fmt: skip
                buttons = refusal_buttons(refused, auction, lang)
                dispatcher.utter_message(text=why, buttons=buttons)
            else:
                text = _placed_text(db_session, auction, vehicle, result.decision, buyer=buyer,
                                    amount_cents=request.amount_cents, lang=lang,
                                    settings=settings)  # fmt: skip
                if result.repeated:
                    text = words(lang)["already"] + "\n" + text
                else:
                    leads.note(db_session, buyer, vehicle.id, LeadAction.BID)
                state = result.decision.state
                buttons = [] if state.leader_id == buyer else bid_buttons(auction, state, lang)
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
        due = format_moment(auction.payment_due_at) if auction.payment_due_at else ""
        return text["bought_now"].format(lot=auction.id, title=title_of(vehicle),
                                         price=usd(paid, lang),
                                         total=usd(quote.total_cents, lang), due=due)  # fmt: skip
    own = auction_service.own_maximum(db_session=db_session, auction_id=auction.id, buyer_id=buyer)
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
