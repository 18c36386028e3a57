"""Auctions in chat: bid, buy it now, the current bid, my bids, what ends today, the terms, and
the dealer's and buyer's answers when an auction ends below the reserve.

A bid is never placed from free text alone. "bid 5200 on lot 12" (or "my max is 7000" about the
lot in view, or the Bid button of a vehicle) shows a summary — the maximum, every fee, the total,
the time left — with a Confirm button; only that tap places it. The summary is shown only for a
bid that would stand now (auction rules, terms accepted, bidding limit), else the refusal says
why and what would work. The Confirm button carries a key made from the message that asked for
it, so a provider's retry or a second tap on the same button places one bid, never two.

Lots are auction ids. The lot a buyer talks about is remembered in the `bid_lot` slot.

One concept per module: `parsing` (the buyer's words), `lots` (which auction is meant),
`status` (a lot as a bidder sees it), `lists` (my bids, ending today), `terms`, `refusals`,
`summary` (what Confirm will place), `bidding` (asking to bid), `confirm` (placing it),
`decisions` (after the end), `wording` (every sentence, en/fr/pt). rasa_sdk registers the
actions of every module; they are named here too, for readers and for `dialogs.actions.vehicles`.
"""

from dialogs.actions.auctions.bidding import ActionAcceptAuctionTerms, ActionBuyNow, ActionPlaceBid
from dialogs.actions.auctions.confirm import ActionCancelBid, ActionConfirmBid, ActionConfirmBuyNow
from dialogs.actions.auctions.decisions import ActionAnswerCounter, ActionDealerDecision
from dialogs.actions.auctions.lists import ActionAuctionsEnding, ActionMyBids
from dialogs.actions.auctions.status import ActionCurrentBid, details_line
from dialogs.actions.auctions.terms import ActionAuctionTerms

__all__ = [
    "ActionAcceptAuctionTerms",
    "ActionAnswerCounter",
    "ActionAuctionTerms",
    "ActionAuctionsEnding",
    "ActionBuyNow",
    "ActionCancelBid",
    "ActionConfirmBid",
    "ActionConfirmBuyNow",
    "ActionCurrentBid",
    "ActionDealerDecision",
    "ActionMyBids",
    "ActionPlaceBid",
    "details_line",
]
