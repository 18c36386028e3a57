"""Asking to bid: "bid 5200 on lot 12", "my max is 7000", the Bid button, "buy it now", and the
"I accept" under the terms. Each shows the confirmation summary (or the lot's status and how to
bid); none places a bid."""
# rasa_sdk ships no py.typed, so its names are untyped (Any) here.
# mypy: disable-error-code="import-untyped"

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from catalog.auctions import service as auction_service
from catalog.auctions.engine import BidKind
from catalog.auctions.fees import get_auction_settings
from catalog.database import transaction, utcnow
from dialogs.actions.auctions.lots import LOT_SLOT, find_lot, say_no_auction
from dialogs.actions.auctions.parsing import bid_request, entity
from dialogs.actions.auctions.status import bid_buttons, show_status
from dialogs.actions.auctions.summary import offer_bid
from dialogs.actions.auctions.wording import usd, words
from dialogs.actions.support import OffLoopAction, buyer_id, catalog_sessions, language


class ActionPlaceBid(OffLoopAction):
    """ "bid 5200 on lot 12", "my max is 7000", the Bid button: a summary to confirm, or the
    lot's status and how to bid when no amount was given."""

    def name(self) -> str:
        return "action_place_bid"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        lang, settings, request = language(tracker), get_auction_settings(), bid_request(tracker)
        with catalog_sessions()() as db_session:
            found = find_lot(tracker, db_session, request)
            if found.auction is None or found.vehicle is None:
                say_no_auction(dispatcher, found, lang)
                return []
            if request.amount_cents is None:
                return show_status(dispatcher, tracker, db_session, found, ask_amount=True)
            return offer_bid(dispatcher, tracker, db_session, found,
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
            found = find_lot(tracker, db_session, bid_request(tracker))
            auction = found.auction
            if auction is None or found.vehicle is None:
                say_no_auction(dispatcher, found, lang)
                return []
            if auction.buy_now_cents is None:
                state = auction_service.state_of(auction, utcnow())
                minimum = usd(state.minimum_next_bid_cents, lang)
                dispatcher.utter_message(
                    text=words(lang)["buy_now_none"].format(lot=auction.id, minimum=minimum),
                    buttons=bid_buttons(auction, state, lang))  # fmt: skip
                return [SlotSet(LOT_SLOT, str(auction.id))]
            return offer_bid(dispatcher, tracker, db_session, found,
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
            auction_service.accept_terms(db_session=db_session, buyer_id=buyer, settings=settings)
        dispatcher.utter_message(
            text=words(lang)["terms_accepted"].format(version=settings.terms_version)
        )
        request = bid_request(tracker)
        if request.lot is None or request.amount_cents is None:
            return []
        kind = BidKind.BUY_NOW if entity(tracker, "kind") == BidKind.BUY_NOW else BidKind.MAX_BID
        with catalog_sessions()() as db_session:
            found = find_lot(tracker, db_session, request)
            if found.auction is None or found.vehicle is None:
                say_no_auction(dispatcher, found, lang)
                return []
            amount = request.amount_cents
            return offer_bid(dispatcher, tracker, db_session, found, amount_cents=amount,
                             kind=kind, settings=settings)  # fmt: skip
