"""After the end below the reserve: the dealer's Approve / Counter / Reject, and the high
bidder's answer to a counter-offer."""
# rasa_sdk ships no py.typed, so its names are untyped (Any) here.
# mypy: disable-error-code="import-untyped"

from __future__ import annotations

from typing import Final

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.orm import Session

from catalog.auctions import service as auction_service
from catalog.buyers import service as buyer_service
from catalog.database import transaction
from catalog.dealers import service as dealer_service
from catalog.dealers.models import Dealer
from catalog.errors import InvalidInput
from chat.dates import format_moment
from dialogs.actions.auctions.parsing import int_entity
from dialogs.actions.auctions.wording import usd, words
from dialogs.actions.support import OffLoopAction, buyer_id, catalog_sessions, language


class ActionAnswerCounter(OffLoopAction):
    """The high bidder's tap on "Accept" / "Decline" under a dealer's counter-offer."""

    waits_for_lots = True

    def name(self) -> str:
        return "action_answer_counter"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        lang, buyer, lot = language(tracker), buyer_id(tracker), int_entity(tracker, "lot")
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
                lot=lot, price=usd(price, lang), due=format_moment(due)))  # fmt: skip
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
        lang, lot = language(tracker), int_entity(tracker, "lot")
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
                    decision=decision, counter_cents=int_entity(tracker, "cents"))  # fmt: skip
                price = auction.counter_cents or auction.current_price_cents or 0
                deadline = auction.approval_deadline_at
        except auction_service.NotYours:
            dispatcher.utter_message(text=text["dealer_not_yours"].format(lot=lot))
            return []
        except InvalidInput:
            dispatcher.utter_message(text=text["dealer_not_waiting"].format(lot=lot))
            return []
        reply = text[_DEALER_REPLIES[decision]]
        until = format_moment(deadline) if deadline else ""
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
