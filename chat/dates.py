"""Moments written for buyers and dealers: one unambiguous form in every language.

Buyers are in many time zones and the catalog keeps UTC, so times are shown in UTC and say so.
"""

from __future__ import annotations

from datetime import UTC, datetime


def format_moment(moment: datetime) -> str:
    """A time as "2026-05-01 14:00 UTC": an aware time is converted to UTC, a naive one is
    taken as UTC already (as the catalog stores them)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%d %H:%M UTC")
