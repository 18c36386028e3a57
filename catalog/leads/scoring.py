"""How warm a lead is: a score from what the buyer did, how often they came back, and how long
ago, with the reasons in words a dealer reads (English, as dealers' alerts are).

- engagement: each action has a weight (asking for a person and bidding weigh most, a look at
  the details least); an action counts at most `REPEATS_COUNTED` times, so tapping "details"
  all afternoon is not a hot lead;
- bids: the first bid weighs `WEIGHTS[BID]`, each further one `EXTRA_BID` more;
- repeat interest: each distinct day the buyer came back after the first adds `REPEAT_DAY`;
- recency: the total halves every `HALF_LIFE_DAYS` since the last activity.

A lead is hot from `HOT_THRESHOLD`: for example a bid with a watch, a look at the photos and
the details; or asking for a person about a vehicle the buyer watches and looked at.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final


class LeadAction(enum.StrEnum):
    DETAILS = "details"
    GALLERY = "gallery"
    WATCH = "watch"
    SAVED_SEARCH_MATCH = "saved_search_match"
    QUOTE = "quote"
    BID = "bid"
    HANDOFF = "handoff"


WEIGHTS: Final[Mapping[LeadAction, int]] = {
    LeadAction.DETAILS: 1,
    LeadAction.GALLERY: 2,
    LeadAction.WATCH: 4,
    LeadAction.SAVED_SEARCH_MATCH: 2,
    LeadAction.QUOTE: 5,
    LeadAction.BID: 8,
    LeadAction.HANDOFF: 10,
}
REPEATS_COUNTED: Final = 3
EXTRA_BID: Final = 3
BIDS_COUNTED: Final = 5
REPEAT_DAY: Final = 3
REPEAT_DAYS_COUNTED: Final = 4
HALF_LIFE_DAYS: Final = 7.0
HOT_THRESHOLD: Final = 15

# What each action says in a reason: (once, several times with {n}).
_SAID: Final[Mapping[LeadAction, tuple[str, str]]] = {
    LeadAction.HANDOFF: ("asked to talk to a person", "asked to talk to a person {n} times"),
    LeadAction.BID: ("placed a bid", "placed {n} bids"),
    LeadAction.QUOTE: ("asked for a price quote", "asked for a price quote {n} times"),
    LeadAction.WATCH: ("is watching the vehicle", "is watching the vehicle"),
    LeadAction.SAVED_SEARCH_MATCH: ("a saved search of theirs matches it",
                                    "{n} saved searches of theirs match it"),
    LeadAction.GALLERY: ("looked at the photos", "looked at the photos {n} times"),
    LeadAction.DETAILS: ("viewed the details", "viewed the details {n} times"),
}  # fmt: skip


@dataclass(frozen=True)
class Scored:
    score: int
    reasons: list[str]

    @property
    def hot(self) -> bool:
        return self.score >= HOT_THRESHOLD


def score(
    counts: Mapping[str, int], active_days: Sequence[str], last_activity_at: datetime,
    now: datetime,
) -> Scored:  # fmt: skip
    """The lead's score at `now`, and why, the weightiest reason first."""
    points: list[tuple[int, str]] = []
    for action in sorted(_SAID, key=lambda known: -WEIGHTS[known]):
        times = int(counts.get(action.value, 0))
        if times > 0:
            points.append((_points(action, times), _said(action, times)))
    days = len(set(active_days))
    if days > 1:
        extra = min(days - 1, REPEAT_DAYS_COUNTED)
        points.append((REPEAT_DAY * extra, f"came back on {days} different days"))
    total = sum(value for value, _ in points)
    reasons = [f"{said} (+{value})" for value, said in points]
    age_days = max((now - last_activity_at).total_seconds(), 0.0) / 86_400
    if age_days >= 1:
        factor = 0.5 ** (age_days / HALF_LIFE_DAYS)
        total = round(total * factor)
        reasons.append(f"last active {int(age_days)} day{'s' if age_days >= 2 else ''} ago "
                       f"(score x{factor:.2f})")  # fmt: skip
    return Scored(total, reasons)


def _points(action: LeadAction, times: int) -> int:
    if action is LeadAction.BID:
        return WEIGHTS[action] + EXTRA_BID * (min(times, BIDS_COUNTED) - 1)
    if action is LeadAction.WATCH:
        return WEIGHTS[action]  # watching twice is still watching
    return WEIGHTS[action] * min(times, REPEATS_COUNTED)


def _said(action: LeadAction, times: int) -> str:
    once, several = _SAID[action]
    return once if times == 1 else several.format(n=times)
