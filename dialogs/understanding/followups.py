"""Follow-ups: a message read on top of the previous search, group by group; "cheaper ones?"."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from catalog.money import ExchangeRates
from catalog.vehicles.schemas import VehicleFilters
from catalog.vehicles.vocabulary import Vocabulary
from dialogs.understanding.reader import understand
from dialogs.understanding.understood import Understood, Unread, UnreadReason

CHEAPER_PERCENT: Final = 80  # "cheaper" without a shown price: this share of the ceiling

_GROUPS: Final = (
    ("make", "model"),
    ("year_min", "year_max"),
    ("price_min_cents", "price_max_cents"),
    ("body_types",),
    ("fuel",),
    ("transmission",),
    ("drive",),
    ("mileage_max_km",),
    ("seats_min",),
    ("steering",),
    ("colour",),
    ("location",),
)


def understand_follow_up(
    previous: VehicleFilters,
    text: str,
    *,
    vocabulary: Vocabulary,
    rates: ExchangeRates,
    entities: Sequence[Mapping[str, Any]] | None = None,
    cheapest_shown_cents: int | None = None,
) -> Understood:
    """A follow-up message read on top of the previous search (rules in the module docstring).

    `cheapest_shown_cents` is the lowest price among the vehicles the buyer was just shown.
    """
    now = understand(text, vocabulary=vocabulary, rates=rates, entities=entities)
    merged = previous.model_dump()
    for group in _GROUPS:
        if any(name in now.mentioned for name in group):
            merged.update({name: getattr(now.filters, name) for name in group})
    unread = list(now.not_understood)
    if now.wants_cheaper and "price_max_cents" not in now.mentioned:
        ceiling = _cheaper_ceiling(previous.price_max_cents, cheapest_shown_cents)
        if ceiling is None:
            unread.append(Unread(text.strip(), UnreadReason.UNSUPPORTED))
        else:
            merged["price_max_cents"] = ceiling
    low, high = merged["price_min_cents"], merged["price_max_cents"]
    if low is not None and high is not None and low > high:
        merged["price_min_cents"] = None
    return Understood(
        filters=VehicleFilters(**merged),
        corrections=now.corrections,
        currency=now.currency,
        not_understood=unread,
        wants_cheaper=now.wants_cheaper,
        mentioned=now.mentioned,
    )


def _cheaper_ceiling(ceiling: int | None, cheapest_shown: int | None) -> int | None:
    """The whole dollar below the cheapest shown (at most the ceiling), else 80 % of it."""
    if cheapest_shown is not None:
        below = max((cheapest_shown - 1) // 100 * 100, 0)
        return below if ceiling is None else min(below, ceiling)
    if ceiling is not None:
        return ceiling * CHEAPER_PERCENT // 100 // 100 * 100
    return None
