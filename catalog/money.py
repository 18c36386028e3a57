"""Money: integer minor units, and exchange rates to and from the catalog currency.

Reading prices as buyers type them ("15k", "9 millions FCFA") is the dialogs' reader's business.

Rules:
- An amount is an integer of minor units (cents, kobo...) with an ISO 4217 code. Currencies
  without minor units (XOF, XAF, UGX, RWF, GNF...) count whole units.
- `ExchangeRates` holds, for each currency, its units per one unit of the catalog currency (USD).
  A conversion goes straight from one currency to the other (no rounding in between) and rounds
  once, half away from zero, to the target's minor unit.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, localcontext
from functools import lru_cache
from typing import Final

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from catalog.errors import InvalidInput

CATALOG_CURRENCY: Final = "USD"
# Larger than any vehicle price in any currency (1e15 UGX is about 270 billion dollars).
MAX_AMOUNT: Final = Decimal(10) ** 15

# Illustrative only, NOT market rates: units of each currency per 1 USD. Set EXCHANGE_RATES.
ILLUSTRATIVE_EXCHANGE_RATES: Final[Mapping[str, Decimal]] = {
    code: Decimal(rate)
    for code, rate in {
        "NGN": "1550", "XOF": "605", "XAF": "605", "GHS": "15.5", "KES": "129", "EUR": "0.92",
        "CAD": "1.38", "AOA": "915", "MZN": "64", "CDF": "2850", "ZAR": "18.2", "TZS": "2700",
        "UGX": "3700",
    }.items()
}  # fmt: skip

# ISO 4217 exponents that are not 2 (the usual number of decimals).
_MINOR_DIGITS: Final[Mapping[str, int]] = {
    "XOF": 0, "XAF": 0, "UGX": 0, "RWF": 0, "GNF": 0, "BIF": 0, "KMF": 0, "DJF": 0,
    "XPF": 0, "JPY": 0, "KRW": 0, "VND": 0, "CLP": 0, "ISK": 0, "PYG": 0,
    "BHD": 3, "KWD": 3, "OMR": 3, "TND": 3, "LYD": 3, "JOD": 3, "IQD": 3,
}  # fmt: skip
_CODE = re.compile(r"^[A-Z]{3}$")


class UnknownCurrency(InvalidInput):
    """A currency the exchange rates do not list."""


def minor_digits(currency: str) -> int:
    """How many decimals the currency's minor unit has: 2 for USD, 0 for XOF, 3 for KWD."""
    return _MINOR_DIGITS.get(currency, 2)


def _round_half_up(value: Decimal) -> int:
    with localcontext() as context:
        context.prec = 60
        return int(value.to_integral_value(rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Money:
    """An amount in integer minor units of an ISO 4217 currency."""

    minor: int
    currency: str

    def __post_init__(self) -> None:
        if not _CODE.match(self.currency):
            raise ValueError(f"{self.currency!r} is not an ISO 4217 currency code")

    @classmethod
    def from_major(cls, amount: Decimal | int | str, currency: str) -> Money:
        """The amount given in major units (dollars), rounded half up to the minor unit."""
        with localcontext() as context:
            context.prec = 60
            scaled = Decimal(amount).scaleb(minor_digits(currency))
        return cls(_round_half_up(scaled), currency)

    @property
    def major(self) -> Decimal:
        """The amount in major units, exact: Money(1550, "USD").major == Decimal("15.50")."""
        return Decimal(self.minor).scaleb(-minor_digits(self.currency))


@dataclass(frozen=True)
class ExchangeRates:
    """Units of each currency per one unit of the catalog currency (whose own rate is 1)."""

    per_catalog_unit: Mapping[str, Decimal]
    catalog_currency: str = CATALOG_CURRENCY
    _rates: dict[str, Decimal] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        rates = {code.upper(): Decimal(rate) for code, rate in self.per_catalog_unit.items()}
        for code, rate in rates.items():
            if not _CODE.match(code):
                raise ValueError(f"{code!r} is not an ISO 4217 currency code")
            if not rate.is_finite() or rate <= 0:
                raise ValueError(f"the rate of {code} must be a positive number, not {rate}")
        if rates.setdefault(self.catalog_currency, Decimal(1)) != 1:
            raise ValueError(f"the catalog currency {self.catalog_currency} must have rate 1")
        object.__setattr__(self, "_rates", rates)

    @classmethod
    def from_settings(cls, settings: MoneySettings) -> ExchangeRates:
        return cls(settings.exchange_rates)

    @property
    def currencies(self) -> frozenset[str]:
        return frozenset(self._rates)

    def rate(self, currency: str) -> Decimal:
        """Units of `currency` per catalog unit. Raises `UnknownCurrency`."""
        try:
            return self._rates[currency]
        except KeyError:
            raise UnknownCurrency(f"no exchange rate for {currency}") from None

    def convert(self, money: Money, currency: str) -> Money:
        """`money` in `currency`, rounded once, half away from zero, to its minor unit."""
        if money.currency == currency:
            return money
        ratio = self.rate(currency) / self.rate(money.currency)
        with localcontext() as context:
            context.prec = 60
            target = money.major * ratio
        return Money.from_major(target, currency)

    def to_catalog(self, money: Money) -> Money:
        """`money` in the catalog currency (cents for USD)."""
        return self.convert(money, self.catalog_currency)

    def from_catalog(self, minor: int, currency: str) -> Money:
        """A catalog price (minor units of the catalog currency) in `currency`."""
        return self.convert(Money(minor, self.catalog_currency), currency)


class MoneySettings(BaseSettings):
    """Exchange rates, read from the environment and an optional `.env`."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    exchange_rates: dict[str, Decimal] = Field(
        default_factory=lambda: dict(ILLUSTRATIVE_EXCHANGE_RATES),
        description=(
            'JSON object: units of each currency per 1 USD, e.g. {"NGN": 1550}. Replaces the '
            "whole table. The default is illustrative, not market rates."
        ),
    )

    @field_validator("exchange_rates")
    @classmethod
    def _rates_are_positive_codes(cls, rates: dict[str, Decimal]) -> dict[str, Decimal]:
        ExchangeRates(rates)  # raises ValueError with the first bad entry
        return {code.upper(): rate for code, rate in rates.items()}


@lru_cache
def get_money_settings() -> MoneySettings:
    return MoneySettings()


def get_exchange_rates() -> ExchangeRates:
    """The configured exchange rates (settings read once per process)."""
    return ExchangeRates.from_settings(get_money_settings())
