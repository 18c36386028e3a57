"""E.164 phone numbers, as WhatsApp identifies buyers: '+2348012345678'."""

from __future__ import annotations

import re

from catalog.errors import InvalidInput

_E164 = re.compile(r"^\+[1-9]\d{6,14}$")


def normalise_e164(raw: str) -> str:
    """'+234 801 234-5678' or 'whatsapp:+2348012345678' -> '+2348012345678', else InvalidInput."""
    number = re.sub(r"[\s\-().]", "", raw.removeprefix("whatsapp:"))
    if not number.startswith("+") and number.isdigit():
        number = "+" + number  # WhatsApp Cloud sends wa_id without the plus
    if not _E164.match(number):
        raise InvalidInput(f"{raw!r} is not an international phone number like +2348012345678")
    return number
