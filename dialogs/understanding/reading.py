"""The reading of one message: its folded copy, what the passes consumed so far, the filters
read (`Draft`), and the candidate phrases the passes look at."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Final

from catalog.vehicles.models import BodyType, Drive, Fuel, Steering, Transmission
from dialogs.understanding.folding import fold_aligned
from dialogs.understanding.understood import Unread, UnreadReason

TOKEN_RE: Final = re.compile(r"[0-9a-z]+")
MASK: Final = "\x00"


# --- The reading of one message -------------------------------------------------------------


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int


@dataclass
class Draft:
    """Filters as they are read; field names are those of `VehicleFilters`."""

    make: str | None = None
    model: str | None = None
    year_min: int | None = None
    year_max: int | None = None
    price_min_cents: int | None = None
    price_max_cents: int | None = None
    body_types: list[BodyType] = field(default_factory=list)
    fuel: Fuel | None = None
    transmission: Transmission | None = None
    drive: Drive | None = None
    mileage_max_km: int | None = None
    seats_min: int | None = None
    steering: Steering | None = None
    colour: str | None = None
    location: str | None = None


BOUNDS: Final[Mapping[str, tuple[str, str]]] = {
    "year": ("year_min", "year_max"),
    "price": ("price_min_cents", "price_max_cents"),
}


class Reading:
    """The message, its folded copy, what is consumed so far, and what was read."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.folded = fold_aligned(text)
        self.used = [False] * len(text)
        self.draft = Draft()
        self.mentioned: set[str] = set()
        self.corrections: dict[str, str] = {}
        self.unread: list[Unread] = []
        self.currency: str | None = None
        self.wants_cheaper = False

    def masked(self) -> str:
        return "".join(
            MASK if used else char for char, used in zip(self.folded, self.used, strict=True)
        )

    def consume(self, start: int, end: int) -> None:
        for i in range(max(start, 0), min(end, len(self.used))):
            self.used[i] = True

    def typed(self, start: int, end: int) -> str:
        return self.text[start:end].strip()

    def tokens(self) -> list[Token]:
        return [Token(m.group(), m.start(), m.end()) for m in TOKEN_RE.finditer(self.masked())]

    def refuse(self, start: int, end: int, reason: UnreadReason) -> None:
        self.consume(start, end)
        self.unread.append(Unread(self.typed(start, end), reason))

    def set(self, name: str, value: object, start: int, end: int) -> bool:
        """Sets a filter once; a different second value is a conflict (False)."""
        current = getattr(self.draft, name)
        if name == "body_types":
            if value not in current:
                current.append(value)
        elif current is None or current == value:
            setattr(self.draft, name, value)
        else:
            self.refuse(start, end, UnreadReason.CONFLICT)
            return False
        self.mentioned.add(name)
        self.consume(start, end)
        return True

    def set_bounds(
        self, group: str, low: int | None, high: int | None, start: int, end: int
    ) -> None:
        """Sets a year or price range; a bound that contradicts the ones read before is refused."""
        low_name, high_name = BOUNDS[group]
        old_low, old_high = getattr(self.draft, low_name), getattr(self.draft, high_name)
        new_low = low if low is not None else old_low
        new_high = high if high is not None else old_high
        clashes = (low is not None and old_low not in (None, low)) or (
            high is not None and old_high not in (None, high)
        )
        if clashes or (new_low is not None and new_high is not None and new_low > new_high):
            self.refuse(start, end, UnreadReason.CONFLICT)
            return
        self.draft.__dict__.update({low_name: new_low, high_name: new_high})
        self.mentioned.update(n for n, v in ((low_name, low), (high_name, high)) if v is not None)
        self.consume(start, end)


def runs_of(tokens: list[Token], masked: str) -> list[list[Token]]:
    """Tokens split where something consumed lies between them."""
    runs: list[list[Token]] = []
    for token in tokens:
        if runs and MASK not in masked[runs[-1][-1].end : token.start]:
            runs[-1].append(token)
        else:
            runs.append([token])
    return runs


def candidate_spans(reading: Reading, max_words: int, min_words: int = 1) -> Iterable[list[Token]]:
    """Candidate phrases, longest first at each position; skip what a caller consumed."""
    masked = reading.masked()
    for run in runs_of(reading.tokens(), masked):
        i = 0
        while i < len(run):
            if reading.used[run[i].start]:
                i += 1
                continue
            for size in range(min(max_words, len(run) - i), min_words - 1, -1):
                span = run[i : i + size]
                if not any(reading.used[t.start] for t in span):
                    yield span
            i += 1


def phrase_of(span: list[Token]) -> str:
    return " ".join(token.text for token in span)
