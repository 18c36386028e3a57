"""The bidding terms and fee table: read on request, and asked for before a first bid."""
# rasa_sdk ships no py.typed, so its names are untyped (Any) here.
# mypy: disable-error-code="import-untyped"

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from catalog.auctions import service as auction_service
from catalog.auctions.engine import BidKind
from catalog.auctions.fees import AuctionSettings, get_auction_settings
from catalog.auctions.models import Auction
from chat.answers import Answer
from chat.payloads import build_payload
from dialogs.actions.auctions.wording import fee_table_summary, words
from dialogs.actions.support import OffLoopAction, buyer_id, catalog_sessions, language


def terms_text(lang: str, settings: AuctionSettings) -> str:
    return words(lang)["terms"].format(version=settings.terms_version,
                                       fees=fee_table_summary(settings.fee_table, lang),
                                       days=settings.payment_business_days)  # fmt: skip


def ask_terms(
    dispatcher: CollectingDispatcher, auction: Auction, amount_cents: int, kind: BidKind, *,
    lang: str, settings: AuctionSettings,
) -> None:  # fmt: skip
    """The terms with "I accept" (which goes on with this bid) and "Not now"."""
    text = words(lang)
    accept = build_payload("accept_auction_terms", lot=auction.id, cents=amount_cents,
                            kind=kind.value)  # fmt: skip
    buttons = [
        {"title": text["accept"], "payload": accept, "answers": Answer.AGREE},
        {"title": text["not_now"], "payload": "/cancel_bid", "answers": Answer.NO},
    ]
    dispatcher.utter_message(text=text["refused_terms"] + "\n\n" + terms_text(lang, settings),
                             buttons=buttons)  # fmt: skip


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
                accepted = auction_service.has_accepted_terms(db_session=db_session, buyer_id=buyer,
                                                      settings=settings)  # fmt: skip
        buttons = [] if accepted else [{"title": words(lang)["accept"],
                                        "payload": "/accept_auction_terms",
                                        "answers": Answer.AGREE}]  # fmt: skip
        dispatcher.utter_message(text=terms_text(lang, settings), buttons=buttons)
        return []
