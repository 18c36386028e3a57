"""Lists of lots: "my bids" (where this buyer stands on each) and "auctions ending today"."""
# rasa_sdk ships no py.typed, so its names are untyped (Any) here.
# mypy: disable-error-code="import-untyped"

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Final

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from catalog.auctions import service as auction_service
from catalog.auctions.engine import AuctionStatus
from catalog.auctions.models import Auction, AuctionResult
from catalog.database import utcnow
from chat.payloads import build_payload
from dialogs.actions.auctions.lots import title_of
from dialogs.actions.auctions.wording import time_left, usd, words
from dialogs.actions.choice import listed
from dialogs.actions.support import OffLoopAction, buyer_id, catalog_sessions, language

LISTED_LOTS: Final = 8


class ActionMyBids(OffLoopAction):
    """ "my bids": the lots this buyer bid on, live ones first, with where they stand, and the
    buyer's bidding limit with what is still available of it."""

    def name(self) -> str:
        return "action_my_bids"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        lang, buyer, now = language(tracker), buyer_id(tracker), utcnow()
        text = words(lang)
        with catalog_sessions()() as db_session:
            mine = (auction_service.bids_of(db_session=db_session, buyer_id=buyer,
                                            limit=LISTED_LOTS)
                    if buyer is not None else [])  # fmt: skip
            power = (auction_service.buying_power(db_session=db_session, buyer_id=buyer)
                     if buyer is not None else None)  # fmt: skip
            limit = (
                ""
                if power is None
                else "\n"
                + text["limit_line"].format(
                    limit=usd(power.limit_cents, lang), available=usd(power.available_cents, lang)
                )
            )
            if not mine:
                dispatcher.utter_message(text=text["no_bids"] + limit)
                return []
            lines, buttons = [text["my_bids"]], []
            for number, bid in enumerate(mine, start=1):
                auction = bid.auction
                lot = text["lot"].format(lot=auction.id, title=title_of(bid.vehicle))
                lines.append(f"{number}. {lot} — {_standing(auction, buyer, now, lang)}")
                buttons.append({"title": title_of(bid.vehicle),
                                "payload": build_payload("current_bid",
                                                          lot=auction.id)})  # fmt: skip
        dispatcher.utter_message(text="\n".join(lines) + limit, buttons=buttons)
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
    """ "auctions ending today": live lots ending in the next 24 hours, soonest first, a page of
    LISTED_LOTS at a time with "More" for the next (``/auctions_ending{"after_lot":"31"}``)."""

    def name(self) -> str:
        return "action_auctions_ending"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        lang, now = language(tracker), utcnow()
        text, end, after = words(lang), now + timedelta(hours=24), _after_lot(tracker)
        with catalog_sessions()() as db_session:
            lots = auction_service.ending_between(db_session=db_session, start=now, end=end,
                                                  limit=LISTED_LOTS + 1,
                                                  after_lot=after)  # fmt: skip
            more, lots = len(lots) > LISTED_LOTS, lots[:LISTED_LOTS]
            if not lots:
                dispatcher.utter_message(text=text["none_ending"])
                return []
            total = auction_service.count_ending_between(db_session=db_session, start=now,
                                                         end=end)  # fmt: skip
            left = (total if after is None else auction_service.count_ending_between(
                db_session=db_session, start=now, end=end, after_lot=after))  # fmt: skip
            first = total - left + 1
            header = text["ending_today"]
            if more or after is not None:
                header += " " + text["ending_page"].format(first=first,
                                                           last=first + len(lots) - 1,
                                                           total=total)  # fmt: skip
            lines, buttons = [header], []
            for number, (auction, vehicle) in enumerate(lots, start=1):
                state = auction_service.state_of(auction, now)
                price = usd(state.current_price_cents or auction.starting_bid_cents, lang)
                lot = text["lot"].format(lot=auction.id, title=title_of(vehicle))
                lines.append(f"{number}. {lot} — {price}, {time_left(state.ends_at - now, lang)}")
                buttons.append({"title": title_of(vehicle),
                                "payload": build_payload("current_bid",
                                                          lot=auction.id)})  # fmt: skip
        if more:
            buttons.append({"title": text["more"],
                            "payload": build_payload("auctions_ending",
                                                      after_lot=lots[-1][0].id)})  # fmt: skip
        dispatcher.utter_message(text="\n".join(lines), buttons=buttons)
        return [listed([vehicle.id for _, vehicle in lots])]


def _after_lot(tracker: Tracker) -> int | None:
    for entity in (tracker.latest_message or {}).get("entities") or []:
        if entity.get("entity") == "after_lot" and str(entity.get("value", "")).isdigit():
            return int(entity["value"])
    return None
