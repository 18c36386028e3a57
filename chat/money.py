"""Money written the way buyers read it, in English, French and Portuguese.

An amount is an integer of minor units (cents, kobo...) with an ISO 4217 code:

- English groups thousands with commas and puts a short symbol first: "$18,500", "₦9,920,000",
  "12,000 FCFA" (a long symbol goes after, as does a code: "5 CHF").
- French and Portuguese group with a narrow no-break space and put the symbol after:
  "18 500 $", "18 500 Kz"; Portuguese writes US dollars "US$ 18 500", as Angola and Mozambique do.
- Prices are shown in whole units (`format_money`); amounts where cents matter, such as bids and
  fees, show them when there are any (`format_money_exact`: "$99.50", "99,50 $").
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Final

from chat.languages import Language

NARROW_NO_BREAK_SPACE: Final = "\u202f"

# ISO 4217 exponents that are not 2 (the usual number of decimals).
_MINOR_DIGITS: Final[Mapping[str, int]] = {
    "XOF": 0, "XAF": 0, "UGX": 0, "RWF": 0, "GNF": 0, "BIF": 0, "KMF": 0, "DJF": 0,
    "XPF": 0, "JPY": 0, "KRW": 0, "VND": 0, "CLP": 0, "ISK": 0, "PYG": 0,
    "BHD": 3, "KWD": 3, "OMR": 3, "TND": 3, "LYD": 3, "JOD": 3, "IQD": 3,
}  # fmt: skip

# How buyers write each currency; a currency missing here is written with its code.
SYMBOLS: Final[Mapping[str, str]] = {
    "USD": "$", "CAD": "CA$", "EUR": "€", "NGN": "₦", "GHS": "GH₵", "KES": "KSh",
    "XOF": "FCFA", "XAF": "FCFA", "AOA": "Kz", "MZN": "MT", "ZAR": "R", "CDF": "FC",
    "TZS": "TSh", "UGX": "USh",
}  # fmt: skip
_PREFIX_MAX: Final = 3  # English puts a symbol this short before the number


def minor_digits(currency: str) -> int:
    """How many decimals the currency's minor unit has: 2 for USD, 0 for XOF, 3 for KWD."""
    return _MINOR_DIGITS.get(currency, 2)


def grouped(number: int, lang: Language) -> str:
    """12345 -> "12,345" (en), "12 345" (fr, pt: a narrow no-break space)."""
    text = f"{number:,}"
    return text if lang == "en" else text.replace(",", NARROW_NO_BREAK_SPACE)


def format_money(minor: int, currency: str, lang: Language) -> str:
    """A price in whole units, rounded half up: "$18,500" (en), "18 500 $" (fr), "US$ 18 500"
    (pt), "₦9,920,000", "12,000 FCFA"."""
    whole = int(Decimal(minor).scaleb(-minor_digits(currency)).quantize(1, ROUND_HALF_UP))
    return _with_symbol(grouped(whole, lang), currency, lang)


def format_money_exact(
    minor: int, currency: str, lang: Language, *, always_minor: bool = False
) -> str:
    """An amount with its minor units when it has any: "$5,200", "$99.50" (en), "99,50 $" (fr),
    "US$ 1 234,56" (pt); with `always_minor`, as a ledger writes it: "$5,200.00"."""
    digits = minor_digits(currency)
    whole, rest = divmod(abs(minor), 10**digits)
    number = grouped(whole, lang)
    if rest or (always_minor and digits):
        number += ("." if lang == "en" else ",") + f"{rest:0{digits}d}"
    return _with_symbol(("-" if minor < 0 else "") + number, currency, lang)


def _with_symbol(number: str, currency: str, lang: Language) -> str:
    symbol = SYMBOLS.get(currency)
    if symbol is None:
        return f"{number} {currency}"
    if lang == "en":
        return f"{symbol}{number}" if len(symbol) <= _PREFIX_MAX else f"{number} {symbol}"
    if lang == "pt" and currency == "USD":
        return f"US$ {number}"
    return f"{number} {symbol}"
