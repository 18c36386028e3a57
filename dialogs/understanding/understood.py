"""What the reader gives back (`Understood`, `Unread` and why) and the bounds of what is sold."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Final

from catalog.vehicles.schemas import VehicleFilters

MIN_YEAR: Final = 1950
MIN_PRICE_CENTS: Final = 100_00
MAX_PRICE_CENTS: Final = 10_000_000_00
MAX_MILEAGE_KM: Final = 3_000_000
MAX_SEATS: Final = 60

ENTITY_NAMES: Final = frozenset(
    ["make", "model", "year", "year_min", "year_max", "price", "price_min", "price_max",
     "budget", "currency", "body_type", "fuel", "transmission", "drive", "steering", "colour",
     "color", "seats", "mileage", "location"]
)  # fmt: skip


class UnreadReason(enum.StrEnum):
    UNKNOWN = "unknown"  # words the reader does not know
    IMPLAUSIBLE = "implausible"  # a year, price, mileage or seat count outside what is sold
    UNKNOWN_CURRENCY = "unknown_currency"  # a currency without an exchange rate
    UNSUPPORTED = "unsupported"  # understood, but no filter can say it ("not diesel")
    CONFLICT = "conflict"  # contradicts something said before in the message


@dataclass(frozen=True)
class Unread:
    """Part of the message that did not become a filter, in the buyer's words, and why."""

    text: str
    reason: UnreadReason


@dataclass(frozen=True)
class Understood:
    """What a message asks for.

    `filters` has prices in catalog cents; `corrections` maps names as typed to catalog names
    ({"Toyta": "Toyota"}); `currency` is the currency the buyer priced in ("USD" for a bare
    number, None when no price or currency was named), to show prices back in it; `mentioned`
    holds the filter fields the message itself set (for follow-ups).
    """

    filters: VehicleFilters
    corrections: dict[str, str] = field(default_factory=dict)
    currency: str | None = None
    not_understood: list[Unread] = field(default_factory=list)
    wants_cheaper: bool = False
    mentioned: frozenset[str] = frozenset()
