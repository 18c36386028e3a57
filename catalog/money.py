"""Money: integer minor units, exchange rates to and from the catalog currency, and prices typed
the way buyers type them in English, French and Portuguese.

Rules:
- An amount is an integer of minor units (cents, kobo...) with an ISO 4217 code. Currencies
  without minor units (XOF, XAF, UGX, RWF, GNF...) count whole units.
- `ExchangeRates` holds, for each currency, its units per one unit of the catalog currency (USD).
  A conversion goes straight from one currency to the other (no rounding in between) and rounds
  once, half away from zero, to the target's minor unit.
- Numbers: "15,000", "15.000", "15 000" (space, no-break or narrow no-break) group thousands; a
  comma or dot followed by one or two digits is a decimal mark ("15,5k", "1.5m"). Multipliers:
  k / thousand / grand / mil (pt) / mille (fr) = 1,000; m / mn / million(s) / milhão, milhões =
  1,000,000; bn / billion(s) / milliard(s) / bilhão, bilhões = 1,000,000,000.
- Currencies are symbols, codes and words in the three languages, before or after the number
  ("$15,000", "USD 12000", "15.000 $", "9 millions de francs CFA", "5 milhões de kwanzas").
  "$" and "dollars" are US dollars; "FCFA" / "CFA" / "francs" are read as XOF (XAF is pegged to
  the same euro rate, so the value is the same); "shillings" alone are Kenyan; "N" or "R" glued to
  a number are naira and rand ("N8m", "R150 000"); "MT" after a bare year-like number is not
  meticais ("Hilux 2015 MT" is a manual gearbox).
- A number without a currency is in the catalog currency.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from functools import lru_cache
from typing import Final

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from catalog.errors import InvalidInput
from catalog.text import fold

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


# --- Prices as buyers type them ---------------------------------------------------------------

_CURRENCY_WORDS: Final[Mapping[str, str]] = {
    **dict.fromkeys(
        ["usd", "us$", "$", "dollar", "dollars", "dolar", "dolares", "us dollar", "us dollars",
         "dollar us", "dollars us", "dollars americains", "dolares americanos", "bucks"], "USD"),
    **dict.fromkeys(
        ["cad", "c$", "ca$", "canadian dollar", "canadian dollars", "dollar canadien",
         "dollars canadiens", "dolares canadenses", "dolares canadianos"], "CAD"),
    **dict.fromkeys(["eur", "€", "euro", "euros"], "EUR"),
    **dict.fromkeys(["ngn", "₦", "naira", "nairas"], "NGN"),
    **dict.fromkeys(["ghs", "ghc", "gh₵", "₵", "cedi", "cedis"], "GHS"),
    **dict.fromkeys(
        ["xof", "fcfa", "cfa", "f cfa", "franc cfa", "francs cfa", "franco cfa", "francos cfa",
         "franc", "francs"], "XOF"),
    **dict.fromkeys(["xaf"], "XAF"),
    **dict.fromkeys(
        ["kes", "ksh", "kshs", "shilling", "shillings", "kenyan shilling", "kenyan shillings"],
        "KES"),
    **dict.fromkeys(["tzs", "tsh", "tshs", "tanzanian shilling", "tanzanian shillings"], "TZS"),
    **dict.fromkeys(["ugx", "ush", "ugandan shilling", "ugandan shillings"], "UGX"),
    **dict.fromkeys(["aoa", "kz", "kwanza", "kwanzas"], "AOA"),
    **dict.fromkeys(["mzn", "mt", "mts", "metical", "meticais", "meticals"], "MZN"),
    **dict.fromkeys(["cdf", "fc", "franc congolais", "francs congolais"], "CDF"),
    **dict.fromkeys(["zar", "rand", "rands"], "ZAR"),
    **dict.fromkeys(["gbp", "£", "pound", "pounds"], "GBP"),
}  # fmt: skip
# Written before the number as well as after it ("USD 12000", "$15,000", "Ksh 500k").
_PREFIXES: Final = frozenset(
    ["usd", "us$", "$", "cad", "c$", "ca$", "eur", "€", "ngn", "₦", "ghs", "ghc", "gh₵", "₵",
     "xof", "xaf", "fcfa", "cfa", "kes", "ksh", "kshs", "tzs", "tsh", "tshs", "ugx", "ush", "aoa",
     "kz", "mzn", "cdf", "zar", "gbp", "£"]
)  # fmt: skip
_GLUED_PREFIXES: Final[Mapping[str, str]] = {"n": "NGN", "r": "ZAR"}  # only right before a digit

MULTIPLIERS: Final[Mapping[str, int]] = {
    **dict.fromkeys(["k", "thousand", "thousands", "grand", "mil", "mille"], 1_000),
    **dict.fromkeys(["m", "mn", "mio", "million", "millions", "milhao", "milhoes"], 1_000_000),
    **dict.fromkeys(
        ["bn", "billion", "billions", "milliard", "milliards", "bilhao", "bilhoes"], 10**9),
}  # fmt: skip

# Words and symbols that belong to prices, for readers that must not take them for anything else.
PRICE_WORDS: Final = frozenset(
    word for phrase in [*_CURRENCY_WORDS, *MULTIPLIERS] for word in phrase.split()
)


def _alternation(phrases: list[str]) -> str:
    ordered = sorted(phrases, key=len, reverse=True)
    return "|".join(r"\s+".join(re.escape(word) for word in p.split()) for p in ordered)


_NUMBER = (
    r"(?:(?P<grouped>\d{1,3}(?P<sep>[ .,])\d{3}(?:(?P=sep)\d{3})*)(?P<decimals>[.,]\d{1,2})?"
    r"|(?P<plain>\d+(?:[.,]\d+)?))(?![0-9])"
)
_AMOUNT = re.compile(
    r"(?<![a-z0-9])(?P<minus>-)?"
    rf"(?:(?P<pre>{_alternation(sorted(_PREFIXES))})\s*"
    rf"|(?P<glued>[{''.join(_GLUED_PREFIXES)}])(?=\d))?"
    rf"{_NUMBER}"
    rf"(?:\s*(?P<mult>{_alternation(list(MULTIPLIERS))})(?![a-z0-9]))?"
    rf"(?:\s*(?:(?:de|d|of)\s+)?(?P<post>{_alternation(list(_CURRENCY_WORDS))})(?![a-z0-9]))?"
)
_GLUED_LETTERS = re.compile(r"[a-z]+")
_CURRENCY_ANYWHERE = re.compile(
    rf"(?<![a-z0-9])(?P<word>{_alternation(list(_CURRENCY_WORDS))})(?![a-z0-9])"
)


def fold_aligned(text: str) -> str:
    """`fold` one character at a time, so positions in the result are positions in `text`.

    Apostrophes become spaces ("jusqu'à" -> "jusqu a"); a character that folds to several
    ("ﬁ", "½") becomes a space.
    """
    folded = []
    for char in text:
        one = fold(char)
        folded.append(" " if len(one) != 1 or one in "'’`´" else one)
    return "".join(folded)


@dataclass(frozen=True)
class Amount:
    """A number as typed, with its multiplier and currency, at [start, end) of the text."""

    number: Decimal  # as written, without multiplier or sign
    multiplier: int
    currency: str | None
    start: int
    end: int
    grouped: bool  # written with thousands separators or decimals
    negative: bool
    suffix: str  # letters glued right after it ("l" of "2.8L", "km" of "100km")

    @property
    def value(self) -> Decimal:
        """The amount in major units of its currency, sign included."""
        value = self.number * self.multiplier
        return -value if self.negative else value

    @property
    def is_bare(self) -> bool:
        """A plain non-negative integer: no currency, multiplier, separator or decimals."""
        return not (self.currency or self.grouped or self.negative) and self.multiplier == 1

    def money(self, default_currency: str = CATALOG_CURRENCY) -> Money:
        """The amount as Money, in its own currency or else `default_currency`."""
        return Money.from_major(self.value, self.currency or default_currency)


def find_amounts(text: str) -> list[Amount]:
    """Every number of `text`, with the multiplier and currency written around it."""
    folded = fold_aligned(text)
    amounts = []
    for match in _AMOUNT.finditer(folded):
        amount = _amount_of(match, folded)
        if amount is not None:
            amounts.append(amount)
    return amounts


def _amount_of(match: re.Match[str], folded: str) -> Amount | None:
    number = _number(match)
    if number is None:
        return None
    pre, post = match["pre"], match["post"]
    end = match.end()
    bare = not (pre or match["mult"] or match["grouped"]) and match["plain"].isdigit()
    if post is not None and _words(post) == "mt" and bare and 1900 <= number <= 2099:
        post, end = None, match.end("plain")  # "Hilux 2015 MT": a manual gearbox, not meticais
    currency = None
    for word in (pre, post):
        if word is not None:
            currency = currency or _CURRENCY_WORDS[_words(word)]
    if match["glued"]:
        currency = _GLUED_PREFIXES[match["glued"]]
    glued = _GLUED_LETTERS.match(folded, end)
    return Amount(
        number=number,
        multiplier=MULTIPLIERS[_words(match["mult"])] if match["mult"] else 1,
        currency=currency,
        start=match.start(),
        end=end,
        grouped=not (match["plain"] or "").isdigit(),
        negative=bool(match["minus"]),
        suffix=glued.group() if glued else "",
    )


def _number(match: re.Match[str]) -> Decimal | None:
    """'15 000' -> 15000, '15.000' -> 15000, '15,5' -> 15.5, '1.234,56' -> 1234.56."""
    if match["grouped"]:
        text = match["grouped"].replace(match["sep"], "")
        if match["decimals"]:
            text += "." + match["decimals"][1:]
    else:
        text = match["plain"].replace(",", ".")
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _words(phrase: str) -> str:
    return " ".join(phrase.split())


def parse_price(text: str, *, default_currency: str = CATALOG_CURRENCY) -> Money | None:
    """The price written in `text`, in the currency it names (else `default_currency`).

    The first amount naming a currency or a multiplier wins, else the first number. Numbers glued
    to letters ("2.8L"), negative ones and absurdly large ones are not prices: None.
    """
    candidates = [
        amount
        for amount in find_amounts(text)
        if not amount.suffix and not amount.negative and amount.value <= MAX_AMOUNT
    ]
    marked = [amount for amount in candidates if amount.currency or amount.multiplier > 1]
    chosen = marked or candidates
    return chosen[0].money(default_currency) if chosen else None


def find_currency(text: str) -> str | None:
    """The first currency `text` names by word, code or symbol ("prices in naira" -> "NGN")."""
    spans = currency_spans(text)
    return spans[0][2] if spans else None


def currency_spans(text: str) -> list[tuple[int, int, str]]:
    """Where `text` names currencies without an amount, and which: [(start, end, "NGN")]."""
    return [
        (match.start(), match.end(), _CURRENCY_WORDS[_words(match["word"])])
        for match in _CURRENCY_ANYWHERE.finditer(fold_aligned(text))
    ]
