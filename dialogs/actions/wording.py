"""Numbers and prices written the way buyers read them, in English, French or Portuguese."""

from __future__ import annotations

from typing import Final

from catalog.money import minor_digits

_SYMBOLS: Final = {"USD": "$", "CAD": "CA$", "EUR": "€", "NGN": "₦", "GHS": "GH₵", "KES": "KSh",
                   "XOF": "FCFA", "XAF": "FCFA", "AOA": "Kz", "MZN": "MT", "ZAR": "R",
                   "CDF": "FC", "TZS": "TSh", "UGX": "USh"}  # fmt: skip


def grouped(number: int, lang: str) -> str:
    """12345 -> "12,345" (en), "12 345" (fr, pt: a narrow no-break space)."""
    text = f"{number:,}"
    return text if lang == "en" else text.replace(",", "\u202f")


def money(minor: int, currency: str, lang: str) -> str:
    """A whole price: "$18,500" (en), "18 500 $" (fr), "US$ 18 500" (pt), "₦9,920,000"."""
    whole = round(minor / 10 ** minor_digits(currency))
    symbol = _SYMBOLS.get(currency, currency)
    if lang == "en":
        return f"{symbol}{whole:,}" if len(symbol) <= 3 else f"{whole:,} {symbol}"
    if lang == "pt" and currency == "USD":
        return f"US$ {grouped(whole, lang)}"
    return f"{grouped(whole, lang)} {symbol}"
