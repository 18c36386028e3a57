"""Phone numbers and e-mail addresses in what buyers type ("+234 803 123 4567 call me", "my
number is 0803 123 4567", "email me ama.mensah@gmail.com").

Contact details are never a bid, a price or a lot: the channel adapter turns a message holding
one into an offer of a call-back by an agent (dialogs/actions/callback.py). A number counts as a
phone number when it has 9 to 15 digits and is written as people write phones: with a leading
``+`` or ``0``, as one unbroken run of 10 or more digits, or next to words such as "call me" or
"my number". Prices ("25,000,000 naira", "1.500.000"), years ("2015 2016") and lots ("lot
12") are not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final, Literal

ContactKind = Literal["phone", "email"]
# What the adapter sends for a message holding contact details:
# /offer_callback{"contact":"+2348031234567","contact_kind":"phone"}.
CALLBACK_INTENT: Final = "offer_callback"

_EMAIL: Final = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}\b")
# Digits with the separators people put in phone numbers (spaces, dashes, brackets), never
# commas or dots (those are amounts).
_NUMBER: Final = re.compile(r"(?<![\w+])\+?\(?\d[\d \-()]*\d(?!\w)")
_CONTACT_WORDS: Final = re.compile(
    r"\b(call|ring|phone|number|num|contact|whatsapp|tel|cell|mobile|"
    r"appel\w*|num[ée]ro|t[ée]l[ée]phone|rappel\w*|"
    r"lig\w*|n[uú]mero|telem[oó]vel|celular|contacto)\b",
    re.IGNORECASE,
)
MIN_DIGITS: Final = 9
MAX_DIGITS: Final = 15


@dataclass(frozen=True)
class Contact:
    kind: ContactKind
    value: str  # an e-mail as typed (lower case); a phone as digits, with "+" if it had one


def find_contact(text: str) -> Contact | None:
    """The first e-mail address or phone number in `text`, or None."""
    email = _EMAIL.search(text)
    if email:
        return Contact("email", email.group(0).lower())
    words_say_phone = _CONTACT_WORDS.search(text) is not None
    for match in _NUMBER.finditer(text):
        written = match.group(0).strip()
        digits = re.sub(r"\D", "", written)
        if not MIN_DIGITS <= len(digits) <= MAX_DIGITS:
            continue
        unbroken = re.fullmatch(r"\+?\d+", written) is not None
        if (
            written.startswith(("+", "0", "("))
            or (unbroken and len(digits) >= 10)
            or (words_say_phone)
        ):
            return Contact("phone", ("+" if written.startswith("+") else "") + digits)
    return None
