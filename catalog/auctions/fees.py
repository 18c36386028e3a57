"""Buyer fees and the auction settings staff configure (environment or `.env`, prefix AUCTION_).

A winning buyer pays the hammer price plus fees. The fee table is data, never code: a buyer fee
by price band (a flat amount up to each bound, a percentage of the price above the last bound)
and fixed fees per vehicle (a gate fee, an online bidding fee...). Buyers see every line and the
total before each bid is confirmed. The default table is illustrative; set AUCTION_BUYER_FEES.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Illustrative, Copart-like: (price up to and including, in cents; fee in cents), then a share of
# the price above the last bound; fixed fees by name (the chat words them per language).
DEFAULT_BUYER_FEES: dict[str, Any] = {
    "bands": [
        [49_999, 15_000], [99_999, 25_000], [199_999, 35_000], [399_999, 45_000],
        [599_999, 55_000], [799_999, 65_000], [999_999, 75_000], [1_499_999, 85_000],
    ],
    "above_percent": 6,
    "fixed": {"gate_fee": 7_900, "online_bidding_fee": 9_900},
}  # fmt: skip


@dataclass(frozen=True)
class FeeLine:
    name: str  # "buyer_fee", or a fixed fee's name
    cents: int


@dataclass(frozen=True)
class FeeQuote:
    """What a buyer pays in all for a vehicle at `price_cents`."""

    price_cents: int
    lines: tuple[FeeLine, ...]

    @property
    def fees_cents(self) -> int:
        return sum(line.cents for line in self.lines)

    @property
    def total_cents(self) -> int:
        return self.price_cents + self.fees_cents


@dataclass(frozen=True)
class FeeTable:
    bands: tuple[tuple[int, int], ...]  # (price up to and including, fee), bounds ascending
    above_percent: float  # of the price, above the last band's bound (rounded to the cent)
    fixed: tuple[tuple[str, int], ...]

    def __post_init__(self) -> None:
        bounds = [bound for bound, _ in self.bands]
        if bounds != sorted(set(bounds)) or any(fee < 0 for _, fee in self.bands):
            raise ValueError("fee bands need ascending bounds and fees of zero or more")
        if self.above_percent < 0 or any(cents < 0 for _, cents in self.fixed):
            raise ValueError("fees cannot be negative")

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FeeTable:
        return cls(
            bands=tuple((int(bound), int(fee)) for bound, fee in data.get("bands", [])),
            above_percent=float(data.get("above_percent", 0)),
            fixed=tuple((str(name), int(cents)) for name, cents in data.get("fixed", {}).items()),
        )

    def quote(self, price_cents: int) -> FeeQuote:
        buyer_fee = next((fee for bound, fee in self.bands if price_cents <= bound), None)
        if buyer_fee is None:
            buyer_fee = round(price_cents * self.above_percent / 100)
        fixed = (FeeLine(name, cents) for name, cents in self.fixed)
        lines = (FeeLine("buyer_fee", buyer_fee), *fixed)
        return FeeQuote(price_cents, lines)


class AuctionSettings(BaseSettings):
    """Terms, fees and limits for bidders (AUCTION_* in the environment)."""

    model_config = SettingsConfigDict(env_file=".env", env_prefix="AUCTION_", extra="ignore")

    buyer_fees: dict[str, Any] = Field(
        default_factory=lambda: dict(DEFAULT_BUYER_FEES),
        description='JSON: {"bands": [[up to cents, fee cents], ...], "above_percent": 6, '
        '"fixed": {"gate_fee": 7900}}. The default is illustrative.',
    )
    terms_version: str = Field(
        default="2026-12",
        description="The bidding terms' version; buyers accept it again when it changes.",
    )
    default_limit_cents: int = Field(
        default=300_000, ge=0, description="Bidding limit of a buyer with no deposit recorded."
    )
    deposit_multiplier: int = Field(
        default=10, ge=1, description="A recorded deposit allows bids up to this many times it."
    )
    payment_business_days: int = Field(default=3, ge=1)
    approval_hours: int = Field(
        default=48, ge=1, description="How long a dealer has to approve, counter or reject."
    )

    @field_validator("buyer_fees")
    @classmethod
    def _table_is_valid(cls, data: dict[str, Any]) -> dict[str, Any]:
        FeeTable.from_json(data)  # raises ValueError with what is wrong
        return data

    @property
    def fee_table(self) -> FeeTable:
        return FeeTable.from_json(self.buyer_fees)


@lru_cache
def get_auction_settings() -> AuctionSettings:
    return AuctionSettings()


def business_days_after(moment: datetime, days: int) -> datetime:
    """`days` business days (Monday to Friday) after `moment`, at the same time of day."""
    current = moment
    while days > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            days -= 1
    return current
