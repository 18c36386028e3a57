"""Reading a bid from the buyer's message: the lot it names, the amount, the entities Rasa found,
and the key of the message that asked for a summary."""
# rasa_sdk ships no py.typed, so its names are untyped (Any) here.
# mypy: disable-error-code="import-untyped"

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Final

from rasa_sdk import Tracker

from catalog.money import CATALOG_CURRENCY, get_exchange_rates
from catalog.text import fold
from chat.payloads import is_payload
from dialogs.actions.support import VEHICLE_SLOT, metadata
from dialogs.understanding import parse_price

_SMALLEST_BID_CENTS: Final = 25_00
# "lot 12", "lot #12", "lot no. 12", "lote nº 12", "lot number 12", "#12" (after folding)
_LOT: Final = re.compile(
    r"(?:\blots?|\blote|\blotes)\s*(?:n[o°]\.?|#|number|numero|num)?\s*#?\s*(\d{1,9})\b|#(\d{1,9})\b"
)


def entity(tracker: Tracker, name: str) -> str | None:
    """The first non-empty value of an entity in the latest message."""
    for found in (tracker.latest_message or {}).get("entities") or []:
        if found.get("entity") == name and found.get("value") not in (None, ""):
            return str(found["value"])
    return None


def int_entity(tracker: Tracker, name: str) -> int | None:
    value = entity(tracker, name)
    return int(value) if value is not None and value.isdigit() else None


def _text(tracker: Tracker) -> str:
    text = (tracker.latest_message or {}).get("text") or ""
    return "" if is_payload(text) else text  # a button payload is not words


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


@dataclass(frozen=True)
class BidRequest:
    """What the buyer's message asks about: a lot, an amount, a vehicle (each maybe absent)."""

    lot: int | None
    amount_cents: int | None
    vehicle_id: int | None


def bid_request(tracker: Tracker) -> BidRequest:
    """The lot, amount and vehicle of the latest message: entities first, else its words."""
    lot, rest = lot_in(_text(tracker))
    lot = int_entity(tracker, "lot") or lot
    amount = int_entity(tracker, "cents") or amount_in(rest)
    return BidRequest(lot=lot, amount_cents=amount, vehicle_id=int_entity(tracker, VEHICLE_SLOT))


def message_key(tracker: Tracker) -> str:
    """A short key naming the message that asked for a summary (the provider's id, else
    Rasa's): the summary's Confirm button carries it, so each summary places one bid at most."""
    source = metadata(tracker).get("message_id") or (tracker.latest_message or {}).get(
        "message_id"
    ) or f"{tracker.sender_id}:{len(tracker.events)}"  # fmt: skip
    return hashlib.sha256(str(source).encode()).hexdigest()[:8]
