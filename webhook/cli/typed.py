"""What staff type at `nzila auctions`: amounts in dollars read exactly to the cent, times in
UTC, durations such as "90m"."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from catalog.auctions import service as auction_service
from catalog.errors import InvalidInput
from chat.money import format_money_exact

_DOLLARS = re.compile(r"^\$?\s*(?P<units>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<cents>\d{1,2}))?$")
_DURATION = re.compile(r"^(?:(?P<d>\d+)d)?(?:(?P<h>\d+)h)?(?:(?P<m>\d+)m)?(?:(?P<s>\d+)s)?$")


def parse_dollars(text: str) -> int:
    """An amount typed in dollars, in cents: "5200", "5,200.50", "$5,200" (exact, never rounded).

    Raises:
        InvalidInput: anything else (negative, more than two decimals, "5.200,50", words).
    """
    match = _DOLLARS.match(text.strip())
    if match is None:
        raise InvalidInput(f"{text!r} is not an amount in dollars, e.g. 5200 or 5,200.50")
    units = int(match["units"].replace(",", ""))
    cents = int((match["cents"] or "0").ljust(2, "0"))
    return auction_service.within_bounds(units * 100 + cents)


def dollars(cents: int) -> str:
    """Cents as staff read them, cents always shown: 520050 -> "$5,200.50"."""
    return format_money_exact(cents, "USD", "en", always_minor=True)


def parse_time(text: str) -> datetime:
    """An ISO-8601 time ("2026-05-01T14:00Z"), in UTC; a time without an offset is UTC.

    Raises:
        InvalidInput: not an ISO-8601 date and time.
    """
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(f"{text!r} is not an ISO-8601 time, e.g. 2026-05-01T14:00Z") from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def parse_duration(text: str) -> timedelta:
    """A duration such as "90m", "2h", "3d", "1h30m" or "45s" (positive).

    Raises:
        InvalidInput: another shape, or zero.
    """
    match = _DURATION.match(text.strip().lower())
    if match is None or not any(match.groupdict().values()):
        raise InvalidInput(f"{text!r} is not a duration, e.g. 45s, 90m, 2h, 3d or 1h30m")
    parts = {unit: int(value or 0) for unit, value in match.groupdict().items()}
    duration = timedelta(days=parts["d"], hours=parts["h"], minutes=parts["m"], seconds=parts["s"])
    if duration <= timedelta(0):
        raise InvalidInput("a duration must be longer than zero")
    return duration
