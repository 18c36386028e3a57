"""Entity hints (Rasa's entities, or a button payload's): their spans are set aside, and their
values, read with the same rules as text, override what the text says."""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from catalog.money import ExchangeRates
from catalog.vehicles.models import BodyType, Drive, Fuel, Steering, Transmission
from catalog.vehicles.schemas import MAX_YEAR
from dialogs.understanding.comparators import PRICE, YEAR
from dialogs.understanding.folding import fold_aligned
from dialogs.understanding.numbers import UNIT_RE
from dialogs.understanding.prices import find_currency
from dialogs.understanding.reading import BOUNDS, Reading
from dialogs.understanding.understood import (
    ENTITY_NAMES,
    MAX_SEATS,
    MIN_YEAR,
    Understood,
    Unread,
    UnreadReason,
)

Read = Callable[[str], Understood]  # the reader itself, for hint values ("9 millions FCFA")


@dataclass(frozen=True)
class Hint:
    entity: str
    value: str
    role: str | None
    start: int | None
    end: int | None


def hints_of(entities: Sequence[Mapping[str, Any]] | None, length: int) -> list[Hint]:
    hints = []
    for entity in entities or ():
        name = str(entity.get("entity", "")).lower()
        value = entity.get("value")
        if name not in ENTITY_NAMES or value is None or str(value).strip() == "":
            continue
        start, end = entity.get("start"), entity.get("end")
        valid_span = isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= length
        role = entity.get("role")
        hints.append(
            Hint(
                entity="colour" if name == "color" else name,
                value=str(value).strip(),
                role=str(role).lower() if role else None,
                start=start if valid_span else None,
                end=end if valid_span else None,
            )
        )
    return hints


def apply_hints(reading: Reading, hints: list[Hint], rates: ExchangeRates, read: Read) -> None:
    """Entity values override what the text said; `read` reads a value as a message alone."""
    hint_currency = next((find_currency(h.value) or _code(h.value, rates)
                          for h in hints if h.entity == "currency"), None)  # fmt: skip
    if hint_currency:
        reading.currency = hint_currency
    for hint in hints:
        if hint.entity == "currency":
            continue
        if not _apply_hint(reading, hint, read, hint_currency):
            reading.unread.append(Unread(hint.value, UnreadReason.UNKNOWN))


def _code(value: str, rates: ExchangeRates) -> str | None:
    code = value.strip().upper()
    return code if code in rates.currencies else None


def _apply_hint(reading: Reading, hint: Hint, read: Read, currency: str | None) -> bool:
    """Reads one hint into the draft; False when its value means nothing to us."""
    hinted = read(hint.value)
    draft, entity = hinted.filters, hint.entity
    if entity in ("make", "model"):
        value = getattr(draft, entity) or hint.value[:60]
        _override(reading, {entity: value})
        reading.corrections.update(hinted.corrections)
        return True
    if entity in ("year", "year_min", "year_max", "price", "price_min", "price_max", "budget"):
        return _apply_bound_hint(reading, hint, read, currency)
    if entity == "location":
        _override(reading, {"location": hint.value[:120]})
        return True
    if entity == "seats":
        digits = re.search(r"\d+", hint.value)
        seats = int(digits.group()) if digits else 0
        if 1 <= seats <= MAX_SEATS:
            _override(reading, {"seats_min": seats})
        return 1 <= seats <= MAX_SEATS
    if entity == "mileage":
        text = hint.value if UNIT_RE.search(fold_aligned(hint.value)) else f"{hint.value} km"
        mileage = read(text).filters.mileage_max_km
        if mileage is not None:
            _override(reading, {"mileage_max_km": mileage})
        return mileage is not None
    name = "body_types" if entity == "body_type" else entity
    value = getattr(draft, name, None) or _enum_value(name, hint.value)
    if name == "colour" and not value and hint.value.isalpha():
        value = hint.value.lower()[:40]  # a colour the lexicon lacks, as the model gave it
    if value:
        _override(reading, {name: value})
    return bool(value)


def _enum_value(name: str, value: str) -> object:
    enums: dict[str, type[enum.StrEnum]] = {
        "body_types": BodyType, "fuel": Fuel, "transmission": Transmission, "drive": Drive,
        "steering": Steering,
    }  # fmt: skip
    kind = enums.get(name)
    if kind is None or value.lower() not in {m.value for m in kind}:
        return None
    member = kind(value.lower())
    return [member] if name == "body_types" else member


_ROLE_OF_ENTITY: Final = {"year_min": "min", "year_max": "max", "price_min": "min",
                          "price_max": "max", "budget": "max"}  # fmt: skip
_YEAR_IN_HINT: Final = re.compile(r"(?<![0-9])[0-9]{4}(?![0-9])")


def _apply_bound_hint(reading: Reading, hint: Hint, read: Read, currency: str | None) -> bool:
    """A year or price entity: its bounds replace those the text gave, by role."""
    role = hint.role or _ROLE_OF_ENTITY.get(hint.entity)
    if hint.entity.startswith("year"):
        group, bounds = YEAR, _year_hint(hint.value, role)
    else:
        value = hint.value
        if currency and find_currency(value) is None:
            value = f"{value} {currency}"
        words = {"min": "from", "around": "around"}.get(role or "", "under")
        hinted = read(f"{words} {value}")
        low, high = hinted.filters.price_min_cents, hinted.filters.price_max_cents
        reasons = [unread.reason for unread in hinted.not_understood]
        group, bounds = PRICE, (low, high) if reasons == [] else reasons[0]
        reading.currency = reading.currency or hinted.currency
    if isinstance(bounds, UnreadReason):
        reading.unread.append(Unread(hint.value, bounds))
        return True
    low_name, high_name = BOUNDS[group]
    given = {
        name: v for name, v in zip((low_name, high_name), bounds, strict=True) if v is not None
    }
    _override(reading, given)
    low, high = getattr(reading.draft, low_name), getattr(reading.draft, high_name)
    if low is not None and high is not None and low > high:  # the hint wins
        setattr(reading.draft, high_name if low_name in given else low_name, None)
    return True


def _year_hint(value: str, role: str | None) -> tuple[int | None, int | None] | UnreadReason:
    found = sorted(int(year) for year in _YEAR_IN_HINT.findall(value)[:2])
    if not found:
        return UnreadReason.UNKNOWN
    if not all(MIN_YEAR <= year <= MAX_YEAR for year in found):
        return UnreadReason.IMPLAUSIBLE
    if len(found) == 2:
        return found[0], found[1]
    year = found[0]
    around = (max(year - 1, MIN_YEAR), min(year + 1, MAX_YEAR))
    return {"min": (year, None), "max": (None, year), "around": around}.get(
        role or "", (year, year)
    )


def _override(reading: Reading, values: Mapping[str, object]) -> None:
    reading.draft.__dict__.update(values)
    reading.mentioned.update(values)
