"""The bidding terms and fee table: read on request, and asked for before a first bid."""
# rasa_sdk ships no py.typed, so its names are untyped (Any) here.
# mypy: disable-error-code="import-untyped"

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.orm import Session

from catalog.auctions import service as auction_service
from catalog.auctions.engine import BidKind
from catalog.auctions.fees import AuctionSettings, get_auction_settings
from catalog.auctions.models import Auction
from chat.answers import Answer
from chat.payloads import build_payload
from dialogs.actions.auctions.wording import fee_table_summary, usd, words
from dialogs.actions.support import OffLoopAction, buyer_id, catalog_sessions, language


def terms_text(lang: str, settings: AuctionSettings, limit_cents: int | None = None) -> str:
    """The terms, with the buyer's bidding limit (the default one when unknown)."""
    limit = settings.default_limit_cents if limit_cents is None else limit_cents
    return words(lang)["terms"].format(version=settings.terms_version,
                                       fees=fee_table_summary(settings.fee_table, lang),
                                       days=settings.payment_business_days,
                                       limit=usd(limit, lang),
                                       multiplier=settings.deposit_multiplier)  # fmt: skip


def limit_of(db_session: Session, buyer: int | None, settings: AuctionSettings) -> int:
    """The buyer's bidding limit (the default one for Rasa without our worker)."""
    if buyer is None:
        return settings.default_limit_cents
    power = auction_service.buying_power(db_session=db_session, buyer_id=buyer, settings=settings)
    return power.limit_cents


def deposit_buttons(lang: str) -> list[dict[str, str]]:
    """The next steps of a buyer short of bidding power: an agent about a deposit (paying it
    online comes later), or the lots they can bid on now."""
    text = words(lang)
    return [{"title": text["deposit_agent"], "payload": build_payload("human_handoff")},
            {"title": text["ending_button"], "payload": "/auctions_ending"}]  # fmt: skip


def ask_terms(
    dispatcher: CollectingDispatcher, auction: Auction, amount_cents: int, kind: BidKind, *,
    lang: str, settings: AuctionSettings, limit_cents: int | None = None,
) -> None:  # fmt: skip
    """The terms with "I accept" (which goes on with this bid) and "Not now"."""
    text = words(lang)
    accept = build_payload("accept_auction_terms", lot=auction.id, cents=amount_cents,
                            kind=kind.value)  # fmt: skip
    buttons = [
        {"title": text["accept"], "payload": accept, "answers": Answer.AGREE},
        {"title": text["not_now"], "payload": "/cancel_bid", "answers": Answer.NO},
    ]
    dispatcher.utter_message(text=text["refused_terms"] + "\n\n"
                             + terms_text(lang, settings, limit_cents),
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
        with catalog_sessions()() as db_session:
            limit = limit_of(db_session, buyer, settings)
            if buyer is not None:
                accepted = auction_service.has_accepted_terms(db_session=db_session, buyer_id=buyer,
                                                      settings=settings)  # fmt: skip
        buttons = [] if accepted else [{"title": words(lang)["accept"],
                                        "payload": "/accept_auction_terms",
                                        "answers": Answer.AGREE}]  # fmt: skip
        dispatcher.utter_message(text=terms_text(lang, settings, limit), buttons=buttons)
        return []


class ActionBiddingLimit(OffLoopAction):
    """ "what is my bidding limit?", "how much deposit to bid more?": the buyer's limit, what
    their leading maximums commit of it, and how a deposit raises it, with the next steps."""

    def name(self) -> str:
        return "action_bidding_limit"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        lang, settings, buyer = language(tracker), get_auction_settings(), buyer_id(tracker)
        with catalog_sessions()() as db_session:
            if buyer is None:
                power = auction_service.BuyingPower(settings.default_limit_cents, 0)
            else:
                power = auction_service.buying_power(db_session=db_session, buyer_id=buyer,
                                                     settings=settings)  # fmt: skip
        example = 1_000_00 * settings.deposit_multiplier
        text = words(lang)["limit"].format(
            limit=usd(power.limit_cents, lang), committed=usd(power.committed_cents, lang),
            available=usd(power.available_cents, lang), multiplier=settings.deposit_multiplier,
            example=usd(max(example, settings.default_limit_cents), lang),
        )  # fmt: skip
        dispatcher.utter_message(text=text, buttons=deposit_buttons(lang))
        return []
