"""Why a bid cannot stand, and what would: every refusal names the amount or the step."""

from __future__ import annotations

from datetime import datetime
from typing import Final

from catalog.auctions.engine import Refusal, Refused
from catalog.auctions.fees import AuctionSettings
from catalog.auctions.models import Auction
from dialogs.actions.auctions.status import bid_button
from dialogs.actions.auctions.terms import deposit_buttons
from dialogs.actions.auctions.wording import time_left, usd, words


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


def refusal_buttons(refused: Refused, auction: Auction, lang: str) -> list[dict[str, str]]:
    """A one-tap bid of the minimum, when a higher bid would stand; over the limit, an agent
    about a deposit and the lots open now."""
    if refused.reason is Refusal.OVER_LIMIT:
        return deposit_buttons(lang)
    if refused.reason in (Refusal.BELOW_MINIMUM, Refusal.LOWER_THAN_OWN_MAX,
                          Refusal.BUY_NOW_UNAVAILABLE):  # fmt: skip
        minimum = refused.minimum_cents or refused.state.minimum_next_bid_cents
        return [bid_button(auction, minimum, lang)]
    return []
