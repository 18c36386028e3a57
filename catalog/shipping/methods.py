"""How a vehicle can travel: RoRo (driven on and off the ship, priced by volume) or in a
container (a 20 ft box to itself, or a share of a 40 ft high-cube box with 2-4 other cars).

The rules, in the order applied:
- RoRo takes only vehicles that run and drive: a vehicle the catalog lists as `starts` or
  `non_running`, or titled `parts_only`, must go by container (RoRo terminals in US ports refuse
  non-runners for West Africa: the ship's crew drive every unit on and off).
- RoRo is priced per cubic metre: length x width x height from the vehicle's dimensions, or
  the typical size of its body type when they are missing (said so on the quote).
- A 20 ft container (inside 5.90 x 2.35 x 2.39 m) holds one vehicle that fits it; longer,
  wider or taller vehicles (a crew-cab pickup) go in a 40 ft high-cube (inside 12.03 x 2.35 x
  2.69 m) as a share. The share is priced per vehicle: how many such vehicles fit, with racking,
  by volume (USABLE_40HC_CBM), between 2 and 4.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass
from typing import Final

from catalog.vehicles.models import BodyType, Condition, TitleStatus, Vehicle


class Method(enum.StrEnum):
    RORO = "roro"
    CONTAINER_20 = "container_20"  # one vehicle, a 20 ft box to itself
    CONTAINER_40_SHARED = "container_40_shared"  # a share of a 40 ft high-cube


@dataclass(frozen=True)
class Size:
    length_mm: int
    width_mm: int
    height_mm: int

    @property
    def cbm(self) -> float:
        """Cubic metres, to two decimals (how RoRo lines bill)."""
        return round(self.length_mm * self.width_mm * self.height_mm / 1e9, 2)


# Typical outside dimensions per body type, for vehicles listed without them (a mid-size
# example of each: Camry, Corolla hatchback, RAV4/Highlander, Hilux/Tacoma double cab, Sprinter,
# Sienna, Mustang, Outback, a box truck).
TYPICAL_SIZE: Final[dict[BodyType, Size]] = {
    BodyType.SEDAN: Size(4890, 1840, 1450),
    BodyType.HATCHBACK: Size(4370, 1790, 1460),
    BodyType.SUV: Size(4850, 1930, 1730),
    BodyType.PICKUP: Size(5400, 1910, 1850),
    BodyType.VAN: Size(5930, 2020, 2430),
    BodyType.MINIVAN: Size(5180, 2000, 1770),
    BodyType.COUPE: Size(4790, 1920, 1380),
    BodyType.WAGON: Size(4860, 1860, 1680),
    BodyType.TRUCK: Size(7000, 2440, 3000),
}
CONTAINER_20_INSIDE: Final = Size(5900, 2350, 2390)
CONTAINER_40HC_INSIDE: Final = Size(12030, 2350, 2690)
USABLE_40HC_CBM: Final = 60.0  # of 76 m³ inside: the racks and the gaps between cars
MIN_SHARE, MAX_SHARE = 2, 4


@dataclass(frozen=True)
class Option:
    """A way the vehicle can go; `vehicles_per_box` for a shared 40 ft (the share is 1/n)."""

    method: Method
    vehicles_per_box: int = 1


@dataclass(frozen=True)
class Cargo:
    size: Size
    size_estimated: bool  # from the body type: the vehicle lists no dimensions
    options: tuple[Option, ...]
    roro_refusal: str | None  # why RoRo is not offered, in plain words

    @property
    def roadworthy(self) -> bool:
        """It runs and drives and is not sold for parts: RoRo takes it."""
        return self.roro_refusal is None


def size_of(vehicle: Vehicle) -> tuple[Size, bool]:
    """The vehicle's size and whether it is estimated from its body type."""
    if vehicle.length_mm and vehicle.width_mm and vehicle.height_mm:
        return Size(vehicle.length_mm, vehicle.width_mm, vehicle.height_mm), False
    return TYPICAL_SIZE[vehicle.body_type], True


def fits(size: Size, box: Size) -> bool:
    return (
        size.length_mm <= box.length_mm
        and size.width_mm <= box.width_mm
        and (size.height_mm <= box.height_mm)
    )


def cargo(vehicle: Vehicle) -> Cargo:
    """What the vehicle is as cargo and every method it can travel by, RoRo first."""
    size, estimated = size_of(vehicle)
    refusal = None
    if vehicle.condition is not Condition.RUN_AND_DRIVE:
        refusal = "it does not run and drive: RoRo ships only vehicles driven on board"
    elif vehicle.title_status is TitleStatus.PARTS_ONLY:
        refusal = "it is sold for parts: RoRo ships only roadworthy vehicles"
    options: list[Option] = [] if refusal else [Option(Method.RORO)]
    if fits(size, CONTAINER_20_INSIDE):
        options.append(Option(Method.CONTAINER_20))
    if fits(size, CONTAINER_40HC_INSIDE):
        per_box = max(MIN_SHARE, min(MAX_SHARE, math.floor(USABLE_40HC_CBM / size.cbm)))
        options.append(Option(Method.CONTAINER_40_SHARED, per_box))
    return Cargo(size, estimated, tuple(options), refusal)
