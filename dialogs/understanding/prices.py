"""Prices typed the way buyers type them in English, French and Portuguese.

Rules:
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
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Final

from catalog.money import CATALOG_CURRENCY, MAX_AMOUNT, Money
from dialogs.understanding.folding import fold_aligned

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
