"""Vehicle Identification Numbers: normalise, validate (ISO 3779 / 49 CFR 565) and decode."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from vininfo import Vin

from catalog.errors import InvalidVin

VIN_LENGTH = 17
_ALLOWED = re.compile(r"^[A-HJ-NPR-Z0-9]{17}$")
_TRANSLITERATION = {
    **{str(d): d for d in range(10)},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)


@dataclass(frozen=True)
class DecodedVin:
    vin: str
    manufacturer: str | None
    country: str | None
    model_years: tuple[int, ...]
    plant_code: str
    serial: str


class VinLengthError(InvalidVin):
    """The VIN does not have 17 characters."""

    def __init__(self, vin: str) -> None:
        self.vin, self.length = vin, len(vin)
        super().__init__(f"a VIN has 17 characters; {vin or 'this'!r} has {len(vin)}")


class VinForbiddenLetters(InvalidVin):
    """The VIN uses I, O or Q, which VINs never use."""

    def __init__(self, vin: str, letters: tuple[str, ...]) -> None:
        self.vin, self.letters = vin, letters
        super().__init__(
            f"VIN {vin} contains {', '.join(letters)}: VINs never use I, O or Q "
            "(they look like 1 and 0)"
        )


class VinBadCharacters(InvalidVin):
    """The VIN holds something other than letters and digits."""

    def __init__(self, vin: str) -> None:
        self.vin = vin
        super().__init__(f"VIN {vin} contains characters other than letters and digits")


class VinCheckDigitError(InvalidVin):
    """Position 9 is not the check digit the other characters give: a typo, most likely."""

    def __init__(self, vin: str, expected: str) -> None:
        self.vin, self.found, self.expected = vin, vin[8], expected
        super().__init__(
            f"VIN {vin} fails its check digit (position 9 is {vin[8]}, expected {expected}): "
            "a character is probably mistyped"
        )


def normalise_vin(raw: str) -> str:
    """Upper-case the VIN and drop the spaces and dashes people type or paste."""
    return re.sub(r"[\s\-]", "", raw).upper()


def check_digit(vin: str) -> str:
    """The check digit (position 9) a VIN must carry: '0'-'9' or 'X'."""
    total = sum(_TRANSLITERATION[char] * weight for char, weight in zip(vin, _WEIGHTS, strict=True))
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


def validate_vin(raw: str) -> str:
    """Return the normalised VIN, or raise `InvalidVin` saying exactly what is wrong.

    The error is one of `VinLengthError`, `VinForbiddenLetters`, `VinBadCharacters` or
    `VinCheckDigitError`, carrying the facts a reply to the buyer can name.
    """
    vin = normalise_vin(raw)
    if len(vin) != VIN_LENGTH:
        raise VinLengthError(vin)
    forbidden = tuple(sorted({char for char in vin if char in "IOQ"}))
    if forbidden:
        raise VinForbiddenLetters(vin, forbidden)
    if not _ALLOWED.match(vin):
        raise VinBadCharacters(vin)
    expected = check_digit(vin)
    if vin[8] != expected:
        raise VinCheckDigitError(vin, expected)
    return vin


def with_check_digit(vin_without: str) -> str:
    """Fill position 9 of a 17-character VIN with its correct check digit (for generators)."""
    candidate = vin_without[:8] + "0" + vin_without[9:]
    return candidate[:8] + check_digit(candidate) + candidate[9:]


def decode_vin(raw: str) -> DecodedVin:
    """Validate, then decode manufacturer, country and model year(s) with `vininfo`."""
    vin = validate_vin(raw)
    info = Vin(vin)
    manufacturer = str(info.manufacturer)
    years = sorted(info.years, reverse=True)
    # Since 2010 a North American VIN says which 30-year cycle position 10 counts in:
    # a letter at position 7 for 2010-2039, a digit for 1980-2009 (49 CFR 565.15).
    cycle = [year for year in years if (year >= 2010) == vin[6].isalpha()]
    return DecodedVin(
        vin=vin,
        manufacturer=None if manufacturer == "UnsupportedBrand" else manufacturer,
        country=info.country,
        model_years=tuple(cycle or years),
        plant_code=vin[10],
        serial=vin[11:],
    )


def make_from_manufacturer(manufacturer: str) -> str:
    """The make a buyer would say for vininfo's manufacturer: 'Lexus Canada' -> 'Lexus'."""
    name = manufacturer.split("/", maxsplit=1)[0].strip()
    for suffix in (" USA", " Canada", " Mexico", " Truck", " AG"):
        name = name.removesuffix(suffix)
    return "Mercedes-Benz" if name.startswith(("Daimler", "Mercedes")) else name


# Makes sold under one maker's VINs: the VIN decoder names a group's make by the WMI alone (a
# Toyota built under a WMI first used for Scions decodes as "Scion"), so within a group the
# listing's make is the truer name.
BRAND_GROUPS: Final[tuple[frozenset[str], ...]] = (
    frozenset({"toyota", "lexus", "scion"}),
    frozenset({"honda", "acura"}),
    frozenset({"nissan", "infiniti", "datsun"}),
    frozenset({"hyundai", "kia", "genesis"}),
    frozenset({"chrysler", "dodge", "jeep", "ram", "fiat"}),
    frozenset({"chevrolet", "gmc", "cadillac", "buick", "pontiac", "saturn", "hummer"}),
    frozenset({"ford", "lincoln", "mercury"}),
    frozenset({"volkswagen", "audi", "porsche", "skoda", "seat"}),
    frozenset({"mazda"}),
    frozenset({"mercedes-benz", "smart"}),
)


def maker_of(decoded: DecodedVin, listed_make: str | None) -> str | None:
    """The maker a history names: the listing's make when the VIN's maker is the same company
    ("Scion" for a listed Toyota gives "Toyota"), else the decoder's own name for it."""
    if decoded.manufacturer is None or not listed_make:
        return decoded.manufacturer
    vin_make = make_from_manufacturer(decoded.manufacturer).casefold()
    listed = listed_make.casefold()
    if vin_make == listed or any({vin_make, listed} <= group for group in BRAND_GROUPS):
        return listed_make
    return decoded.manufacturer
