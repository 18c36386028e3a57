"""Bid increments: how much a price must rise by, depending on how high it already is.

A table is a list of steps "while the price is under X, the increment is Y", ending with the
increment for every price from the last bound up. The default is Copart US's table.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from itertools import pairwise
from typing import Final


@dataclass(frozen=True)
class IncrementTable:
    """Steps of (upper_bound_cents, increment_cents), then the increment above the last bound.

    A price strictly under a step's upper bound (and at or over the previous one) takes that
    step's increment; a price at or over the last bound takes `top_increment_cents`.
    """

    steps: tuple[tuple[int, int], ...]
    top_increment_cents: int

    def __post_init__(self) -> None:
        bounds = [bound for bound, _ in self.steps]
        if any(bound <= 0 for bound in bounds):
            raise ValueError(f"upper bounds must be positive, not {bounds}")
        if any(lower >= upper for lower, upper in pairwise(bounds)):
            raise ValueError(f"upper bounds must strictly increase, not {bounds}")
        increments = [increment for _, increment in self.steps] + [self.top_increment_cents]
        if any(increment <= 0 for increment in increments):
            raise ValueError(f"increments must be positive, not {increments}")

    def increment_at(self, price_cents: int) -> int:
        """The increment for a price: the first step whose upper bound is above it.

        Raises:
            ValueError: for a negative price.
        """
        if price_cents < 0:
            raise ValueError(f"a price cannot be negative: {price_cents}")
        index = bisect_right(self.steps, price_cents, key=lambda step: step[0])
        return self.steps[index][1] if index < len(self.steps) else self.top_increment_cents


# Copart US: $1 under $5, $5 under $40, ... $500 under $100,000, $1,000 from $100,000 up.
DEFAULT_INCREMENTS: Final = IncrementTable(
    steps=(
        (5_00, 1_00),
        (40_00, 5_00),
        (100_00, 10_00),
        (1_000_00, 25_00),
        (5_000_00, 50_00),
        (25_000_00, 100_00),
        (50_000_00, 250_00),
        (100_000_00, 500_00),
    ),
    top_increment_cents=1_000_00,
)
