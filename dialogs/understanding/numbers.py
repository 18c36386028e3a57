"""Numbers: found with the comparator before, the unit or postfix after, and ranges; then read
as a mileage, a seat count, years or prices (see the package docstring for the rules)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from catalog.money import CATALOG_CURRENCY, MAX_AMOUNT, ExchangeRates, UnknownCurrency
from catalog.vehicles.models import KM_PER_MILE
from catalog.vehicles.schemas import MAX_YEAR
from dialogs.understanding.comparators import (
    AFTER,
    AFTER_RE,
    AROUND,
    AT_LEAST,
    AT_MOST,
    BEFORE,
    BEFORE_RE,
    PRICE,
    YEAR,
    Comparator,
)
from dialogs.understanding.lexicon import (
    KM_UNITS,
    MILE_UNITS,
    MILEAGE_WORDS,
    SEAT_WORDS,
    lexicon_key,
    regex_of,
)
from dialogs.understanding.prices import Amount, find_amounts
from dialogs.understanding.reading import Reading
from dialogs.understanding.understood import (
    MAX_MILEAGE_KM,
    MAX_PRICE_CENTS,
    MAX_SEATS,
    MIN_PRICE_CENTS,
    MIN_YEAR,
    UnreadReason,
)

AROUND_PRICE_PERCENT: Final = 15

UNIT_RE: Final = re.compile(rf"\s*(?P<unit>{regex_of(KM_UNITS | MILE_UNITS)})(?![a-z0-9])")
_SEATS_RE: Final = re.compile(rf"[\s\-]*(?:{regex_of(SEAT_WORDS)})(?![a-z0-9])")
_MILEAGE_BEFORE_RE: Final = re.compile(
    rf"(?<![a-z0-9])(?:{regex_of(MILEAGE_WORDS)})(?:[\s:,\-]+(?:of|de|is|e))*[\s:,\-]*$"
)
_RANGE_JOIN_RE: Final = re.compile(
    r"\s*[-–—/]\s*|\s+(?:to|till|until|and|or|a|au|ate|et|ou|e|up to|jusqu a)\s+"
)
_RANGE_OPENER_RE: Final = re.compile(r"(?<![a-z0-9])(?:between|entre|from|de|des|du)\s+$")


# --- Numbers ---------------------------------------------------------------------------------


@dataclass
class _Mention:
    """One number or a range of two, with the words around them that say what they are."""

    amounts: list[Amount]
    start: int
    end: int
    comparator: Comparator | None = None
    unit: str | None = None  # "km" or "mi"
    seats: bool = False

    @property
    def is_range(self) -> bool:
        return len(self.amounts) == 2


def read_numbers(reading: Reading, rates: ExchangeRates) -> None:
    masked = reading.masked()
    amounts = [a for a in find_amounts(masked) if not a.suffix or _unit(a.suffix)]
    mentions = _mentions(amounts, masked)
    next_starts: list[int | None] = [m.start for m in mentions[1:]]
    for mention, next_start in zip(mentions, [*next_starts, None], strict=False):
        _describe(mention, masked, next_start)
        kind = _kind(mention)
        if kind == "mileage":
            _read_mileage(reading, mention)
        elif kind == "seats":
            _read_seats(reading, mention)
        elif kind == YEAR:
            _read_years(reading, mention)
        else:
            _read_prices(reading, mention, rates)


def _unit(word: str) -> str | None:
    if word in KM_UNITS:
        return "km"
    return "mi" if word in MILE_UNITS else None


def _mentions(amounts: list[Amount], masked: str) -> list[_Mention]:
    """Single numbers, and pairs joined by "-", "to", "et", "a"... as ranges."""
    mentions: list[_Mention] = []
    i = 0
    while i < len(amounts):
        first = amounts[i]
        second = amounts[i + 1] if i + 1 < len(amounts) else None
        opener = _RANGE_OPENER_RE.search(masked, max(0, first.start - 12), first.start)
        if (
            second is not None
            and not first.suffix
            and _RANGE_JOIN_RE.fullmatch(masked, first.end, second.start)
            and (opener or _same_kind(first, second))
        ):
            start = opener.start() if opener else first.start
            mentions.append(_Mention([first, second], start, second.end))
            i += 2
            continue
        mentions.append(_Mention([first], first.start, first.end))
        i += 1
    return mentions


def _year_shaped(amount: Amount) -> bool:
    return amount.is_bare and 1900 <= amount.number <= 2099 and amount.number == int(amount.number)


def _same_kind(first: Amount, second: Amount) -> bool:
    return _year_shaped(first) == _year_shaped(second)


def _describe(mention: _Mention, masked: str, next_start: int | None) -> None:
    """Finds the unit, seat word and comparator around a mention, and widens it over them.

    A word between two numbers ("2015 max 15k") is the comparator of the number it precedes.
    """
    last = mention.amounts[-1]
    if last.suffix:
        mention.unit = _unit(last.suffix)
        mention.end = last.end + len(last.suffix)
    elif unit := UNIT_RE.match(masked, mention.end):
        mention.unit = _unit(lexicon_key(unit["unit"]))
        mention.end = unit.end()
    elif not mention.is_range and (seats := _SEATS_RE.match(masked, mention.end)):
        mention.seats = True
        mention.end = seats.end()
    if not mention.is_range:
        before = BEFORE_RE.search(masked, max(0, mention.start - 60), mention.start)
        if before is not None:
            mention.comparator = BEFORE[lexicon_key(before["phrase"])]
            mention.start = before.start()
        elif (after := AFTER_RE.match(masked, mention.end)) and (
            next_start is None or masked[after.end() : next_start].strip()
        ):
            mention.comparator = AFTER[lexicon_key(after["phrase"])]
            mention.end = after.end()
    mileage = _MILEAGE_BEFORE_RE.search(masked, max(0, mention.start - 30), mention.start)
    if mileage is not None:  # "mileage under 100000": km unless a unit follows
        mention.unit, mention.start = mention.unit or "km", mileage.start()


def _kind(mention: _Mention) -> str:
    if mention.unit:
        return "mileage"
    if mention.seats:
        return "seats"
    if mention.comparator is not None and mention.comparator.implies is not None:
        implied = mention.comparator.implies
        if implied == PRICE or all(a.is_bare for a in mention.amounts):
            return implied
    return YEAR if all(_year_shaped(a) for a in mention.amounts) else PRICE


def _direction(mention: _Mention) -> str | None:
    return mention.comparator.direction if mention.comparator else None


def _read_years(reading: Reading, mention: _Mention) -> None:
    years = [int(a.number) for a in mention.amounts]  # whole numbers: see _kind
    start, end = mention.start, mention.end
    step = 1 if mention.comparator is not None and mention.comparator.strict else 0
    direction = _direction(mention)
    if mention.is_range:
        low, high = sorted(years)
    elif direction == AT_LEAST:
        low, high = years[0] + step, None
    elif direction == AT_MOST:
        low, high = None, years[0] - step
    elif direction == AROUND:
        low, high = years[0] - 1, years[0] + 1
    else:
        low = high = years[0]
    if any(y is not None and not MIN_YEAR <= y <= MAX_YEAR for y in (low, high)):
        if direction == AROUND and MIN_YEAR <= years[0] <= MAX_YEAR:
            low, high = max(low or MIN_YEAR, MIN_YEAR), min(high or MAX_YEAR, MAX_YEAR)
        else:
            reading.refuse(start, end, UnreadReason.IMPLAUSIBLE)
            return
    reading.set_bounds(YEAR, low, high, start, end)


def _read_prices(reading: Reading, mention: _Mention, rates: ExchangeRates) -> None:
    start, end = mention.start, mention.end
    amounts = _share_marks(mention.amounts)
    if any(a.negative or abs(a.value) > MAX_AMOUNT for a in amounts):
        reading.refuse(start, end, UnreadReason.IMPLAUSIBLE)
        return
    try:
        cents = [rates.to_catalog(a.money()).minor for a in amounts]
    except UnknownCurrency:
        reading.refuse(start, end, UnreadReason.UNKNOWN_CURRENCY)
        return
    if not all(MIN_PRICE_CENTS <= c <= MAX_PRICE_CENTS for c in cents):
        reading.refuse(start, end, UnreadReason.IMPLAUSIBLE)
        return
    direction = _direction(mention)
    if mention.is_range:
        low, high = sorted(cents)
    elif direction == AT_LEAST:
        low, high = cents[0], None
    elif direction == AROUND:
        low = cents[0] * (100 - AROUND_PRICE_PERCENT) // 100
        high = cents[0] * (100 + AROUND_PRICE_PERCENT) // 100
    else:
        low, high = None, cents[0]
    reading.currency = reading.currency or amounts[0].currency or CATALOG_CURRENCY
    reading.set_bounds(PRICE, low, high, start, end)


def _share_marks(amounts: list[Amount]) -> list[Amount]:
    """ "5-8k", "5 to 8 million naira": the first number takes the multiplier and currency."""
    if len(amounts) < 2:
        return amounts
    first, second = amounts
    currency = first.currency or second.currency
    multiplier = first.multiplier
    if multiplier == 1 and first.number * second.multiplier <= second.value:
        multiplier = second.multiplier
    return [
        Amount(first.number, multiplier, currency, first.start, first.end, first.grouped,
               first.negative, first.suffix),
        Amount(second.number, second.multiplier, second.currency or currency, second.start,
               second.end, second.grouped, second.negative, second.suffix),
    ]  # fmt: skip


def _read_mileage(reading: Reading, mention: _Mention) -> None:
    start, end = mention.start, mention.end
    if _direction(mention) == AT_LEAST:
        reading.refuse(start, end, UnreadReason.UNSUPPORTED)
        return
    value = max(a.value for a in mention.amounts)
    km = round(value * Decimal(str(KM_PER_MILE))) if mention.unit == "mi" else round(value)
    if any(a.negative for a in mention.amounts) or not 0 < km <= MAX_MILEAGE_KM:
        reading.refuse(start, end, UnreadReason.IMPLAUSIBLE)
        return
    reading.set("mileage_max_km", km, start, end)


def _read_seats(reading: Reading, mention: _Mention) -> None:
    start, end = mention.start, mention.end
    amount = mention.amounts[0]
    if _direction(mention) == AT_MOST:
        reading.refuse(start, end, UnreadReason.UNSUPPORTED)
        return
    if not amount.is_bare or not 1 <= amount.number <= MAX_SEATS:
        reading.refuse(start, end, UnreadReason.IMPLAUSIBLE)
        return
    reading.set("seats_min", int(amount.number), start, end)
