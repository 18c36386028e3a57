"""The shipping references a buyer types to follow a vehicle: a container number, a bill of
lading number or a booking number, checked before anyone asks a carrier about them.

Container numbers (ISO 6346) carry a check digit, so a typo is caught here and the buyer is
told which digit to look at, instead of a tracking provider answering "not found" a minute later.
A number is 4 letters (a 3-letter owner code and the category U, J or Z) and 7 digits (a 6-digit
serial and the check digit); see `container_check_digit` for the arithmetic.

Bills of lading and booking numbers have no check digit and no common format: carriers use 8 to
20 letters and digits, bills of lading usually after the carrier's code (MAEU, MEDU, HLCU, CMDU).
So they are only told apart by that prefix, a guess that costs nothing when wrong: tracking
providers look both up alike.

How a typed string is judged, in order (`parse_reference`):
- shaped like a container number (4 letters and 7 digits), or nearly so (an owner code ending in
  U, J or Z followed by 6 or 8 digits, or by 7 characters with one letter among them): judged as
  a container number, so a typo is reported (a bad check digit, a wrong length) rather than
  silently taken as a bill of lading;
- 8 to 20 letters and digits, at least 4 of them digits: a bill of lading when it starts with a
  known carrier's code, a booking number otherwise;
- anything else: not a reference.
"""

from __future__ import annotations

import enum
import re
import string
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Final

CATEGORIES: Final = frozenset("UJZ")  # U: freight container, J: detachable equipment, Z: chassis
REFERENCE_LENGTHS: Final = range(8, 21)
MIN_DIGITS: Final = 4  # "ABC709951" is a booking; "SHIPPING" is a word

# Carriers' codes (SCAC) that start their bills of lading, the lines that call at African ports.
CARRIER_PREFIXES: Final = frozenset({
    "MAEU", "SEAU", "SAFM",  # Maersk, Sealand, Safmarine
    "MEDU", "MSCU",  # MSC
    "HLCU",  # Hapag-Lloyd
    "CMDU", "ANNU", "APLU",  # CMA CGM, ANL, APL
    "COSU", "OOLU",  # COSCO, OOCL
    "EGLV", "ONEY", "YMLU", "ZIMU", "HDMU", "SUDU", "PABV", "WHLC",
})  # fmt: skip


def _letter_values() -> Mapping[str, int]:
    """A=10, then upwards skipping the multiples of 11 (11, 22, 33): B=12 .. K=21, L=23 .. U=32,
    V=34 .. Z=38."""
    values: dict[str, int] = {}
    value = 10
    for letter in string.ascii_uppercase:
        if value % 11 == 0:
            value += 1
        values[letter] = value
        value += 1
    return values


LETTER_VALUES: Final = _letter_values()

_SEPARATORS = re.compile(r"[\s\-]+")
_CONTAINER_SHAPE = re.compile(r"[A-Z]{4}\d{7}")
_NEAR_CONTAINER = re.compile(r"[A-Z]{3}[UJZ](\d{6}|\d{8}|[0-9A-Z]{7})")
_FIRST_TEN = re.compile(r"[A-Z]{4}\d{6}")
_ALPHANUMERIC = re.compile(r"[A-Z0-9]+")


class Problem(enum.StrEnum):
    SHAPE = "shape"  # container-like, but not 4 letters and 7 digits
    CATEGORY = "category"  # the 4th letter is not U, J or Z
    CHECK_DIGIT = "check_digit"  # the last digit is not the one the others give
    NOT_A_REFERENCE = "not_a_reference"


class ReferenceKind(enum.StrEnum):
    CONTAINER = "container"
    BILL_OF_LADING = "bill_of_lading"
    BOOKING = "booking"
    INVALID = "invalid"


@dataclass(frozen=True)
class ContainerNumber:
    """A valid ISO 6346 container number, normalised: 'CSQU3054383'."""

    number: str

    @property
    def owner_code(self) -> str:
        return self.number[:3]

    @property
    def category(self) -> str:
        return self.number[3]

    @property
    def serial(self) -> str:
        return self.number[4:10]

    @property
    def check_digit(self) -> str:
        return self.number[10]

    def __str__(self) -> str:
        return self.number


@dataclass(frozen=True)
class InvalidContainerNumber:
    """A container number that fails ISO 6346, normalised, with why. `expected_check_digit` is
    set for a `CHECK_DIGIT` problem: the digit the first ten characters give."""

    text: str
    problem: Problem
    expected_check_digit: str | None = None

    @property
    def reason(self) -> str:
        """What is wrong, in English (the chat words it in the buyer's language)."""
        if self.problem is Problem.CHECK_DIGIT:
            return f"check the last digit (it should be {self.expected_check_digit})"
        if self.problem is Problem.CATEGORY:
            return f"the 4th letter is {self.text[3]}; it is U, J or Z in a container number"
        return "a container number is 4 letters then 7 digits, like CSQU3054383"


@dataclass(frozen=True)
class Reference:
    """What a typed string is: `value` normalised; for an invalid one, the `problem` (and the
    expected check digit of a mistyped container number)."""

    kind: ReferenceKind
    value: str
    problem: Problem | None = None
    expected_check_digit: str | None = None

    @property
    def valid(self) -> bool:
        return self.kind is not ReferenceKind.INVALID


def normalise(text: str) -> str:
    """Upper-case, without the spaces and dashes people type or paste ('msku 305438-3')."""
    return _SEPARATORS.sub("", text).upper()


def container_check_digit(owner_and_serial: str) -> str:
    """The check digit of a container number's first ten characters (4 letters, 6 digits): each
    character's value (digits as themselves, letters from A=10) times 2 to the power of its
    position, summed, modulo 11, then modulo 10 (a remainder of 10 gives 0).

    Raises:
        ValueError: not 4 letters then 6 digits.
    """
    if not _FIRST_TEN.fullmatch(owner_and_serial):
        raise ValueError(f"{owner_and_serial!r} is not 4 letters then 6 digits")
    total = sum(
        (LETTER_VALUES[char] if char.isalpha() else int(char)) << position
        for position, char in enumerate(owner_and_serial)
    )
    return str(total % 11 % 10)


def check_container_number(text: str) -> ContainerNumber | InvalidContainerNumber:
    """`text` as a valid container number, or why it is not one."""
    number = normalise(text)
    if not _CONTAINER_SHAPE.fullmatch(number):
        return InvalidContainerNumber(number, Problem.SHAPE)
    if number[3] not in CATEGORIES:
        return InvalidContainerNumber(number, Problem.CATEGORY)
    expected = container_check_digit(number[:10])
    if number[10] != expected:
        return InvalidContainerNumber(number, Problem.CHECK_DIGIT, expected)
    return ContainerNumber(number)


def looks_like_container(value: str) -> bool:
    """Whether a normalised string is judged as a container number (see the module's rules)."""
    if _CONTAINER_SHAPE.fullmatch(value):
        return True
    near = _NEAR_CONTAINER.fullmatch(value)
    return near is not None and sum(char.isalpha() for char in near.group(1)) <= 1


def parse_reference(text: str) -> Reference:
    """What `text` (the whole of it) is: a container number, a bill of lading, a booking, or
    invalid with the problem named. Spaces and dashes may split it ("CSQU 305438 3",
    "MAEU 123456789"), but a word before it is not part of it ("booking 234567890" is not a
    reference: `find_reference` reads sentences)."""
    value = normalise(text)
    if not _one_reference(text):
        return Reference(ReferenceKind.INVALID, value, Problem.NOT_A_REFERENCE)
    if looks_like_container(value):
        return _as_container(value)
    digits = sum(char.isdigit() for char in value)
    if _ALPHANUMERIC.fullmatch(value) and len(value) in REFERENCE_LENGTHS and digits >= MIN_DIGITS:
        prefixed = value[:4] in CARRIER_PREFIXES
        return Reference(ReferenceKind.BILL_OF_LADING if prefixed else ReferenceKind.BOOKING, value)
    return Reference(ReferenceKind.INVALID, value, Problem.NOT_A_REFERENCE)


def _one_reference(text: str) -> bool:
    """Whether the groups `text` is split into can be one reference: after the first (which may
    be an owner or carrier code of up to 4 letters), each holds a digit."""
    first, *rest = _SEPARATORS.split(text.strip())
    code_or_number = len(first) <= len("MAEU") or any(char.isdigit() for char in first)
    return code_or_number and all(any(char.isdigit() for char in group) for group in rest)


def _as_container(value: str) -> Reference:
    checked = check_container_number(value)
    if isinstance(checked, ContainerNumber):
        return Reference(ReferenceKind.CONTAINER, checked.number)
    return Reference(ReferenceKind.INVALID, value, checked.problem, checked.expected_check_digit)


# In a sentence: a container number may be split as people write it ("CSQU 305438 3",
# "msku 305438-3"); other references are single words, or a carrier's code then the number.
_CONTAINER_IN_TEXT = re.compile(
    r"(?<![A-Za-z0-9])([A-Za-z]{3}[UJZujz][\s\-]?\d{6}[\s\-]?\d|[A-Za-z]{4}\d{7})(?![A-Za-z0-9])"
)
_PREFIXED_IN_TEXT = re.compile(
    r"(?<![A-Za-z0-9])(" + "|".join(sorted(CARRIER_PREFIXES)) + r")[\s\-]?([A-Za-z0-9]{4,16})"
    r"(?![A-Za-z0-9])",
    re.IGNORECASE,
)
_WORD_IN_TEXT = re.compile(r"[A-Za-z0-9]+")  # not across dashes: "2026-12-08" is no booking


def find_references(text: str) -> list[Reference]:
    """Every reference in free text, in order of appearance: valid ones, and container numbers
    that fail their check ("track MSKU3054383 please", "où est CSQU 305438 3 ?")."""
    found: list[tuple[int, Reference]] = []
    taken: list[tuple[int, int]] = []
    for start, end, reference in _candidates(text):
        if any(start < taken_end and end > taken_start for taken_start, taken_end in taken):
            continue
        if reference.valid or reference.problem is not Problem.NOT_A_REFERENCE:
            found.append((start, reference))
            taken.append((start, end))
    return [reference for _, reference in sorted(found, key=lambda item: item[0])]


def find_reference(text: str) -> Reference | None:
    """The first valid reference in `text`; else the first mistyped container number (so the
    chat can say which digit to check); None when there is none."""
    references = find_references(text)
    valid = [reference for reference in references if reference.valid]
    return next(iter(valid or references), None)


def _candidates(text: str) -> Iterator[tuple[int, int, Reference]]:
    """(start, end, reference) of each possible reference, the most specific patterns first."""
    for match in _CONTAINER_IN_TEXT.finditer(text):
        yield match.start(), match.end(), _as_container(normalise(match.group()))
    for match in _PREFIXED_IN_TEXT.finditer(text):
        yield match.start(), match.end(), parse_reference(match.group())
    for match in _WORD_IN_TEXT.finditer(text):
        yield match.start(), match.end(), parse_reference(match.group())
