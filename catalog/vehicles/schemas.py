"""Validated shapes of vehicles on the way in (create, import) and out (search results)."""

from __future__ import annotations

import enum
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from catalog.errors import InvalidVin
from catalog.vehicles.models import (
    KM_PER_MILE,
    BodyType,
    Condition,
    Drive,
    Fuel,
    ListingStatus,
    Steering,
    TitleStatus,
    Transmission,
)
from catalog.vehicles.vin import decode_vin, make_from_manufacturer, validate_vin

MAX_YEAR = date.today().year + 1


class VehicleIn(BaseModel):
    """A vehicle as a dealer or importer describes it. Mileage in km or miles, price in cents."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    vin: str
    dealer_id: int
    stock_number: str | None = Field(default=None, max_length=40)
    make: str = Field(min_length=1, max_length=60)
    model: str = Field(min_length=1, max_length=60)
    trim: str = Field(default="", max_length=80)
    year: int = Field(ge=1950, le=MAX_YEAR)
    body_type: BodyType
    fuel: Fuel
    transmission: Transmission
    drive: Drive
    engine: str = Field(default="", max_length=60)
    seats: int | None = Field(default=None, ge=1, le=60)
    mileage_km: int | None = Field(default=None, ge=0, le=3_000_000)
    mileage_mi: int | None = Field(default=None, ge=0, le=2_000_000)
    colour: str = Field(default="", max_length=40)
    condition: Condition = Condition.RUN_AND_DRIVE
    title_status: TitleStatus = TitleStatus.CLEAN
    damage_notes: str = Field(default="", max_length=2000)
    notes: str = Field(default="", max_length=4000)
    steering: Steering = Steering.LHD
    length_mm: int | None = Field(default=None, ge=1000, le=20000)
    width_mm: int | None = Field(default=None, ge=1000, le=3000)
    height_mm: int | None = Field(default=None, ge=800, le=4500)
    weight_kg: int | None = Field(default=None, ge=300, le=40000)
    price_cents: int = Field(ge=0, le=100_000_000_00)
    currency: str = Field(default="USD", pattern=r"^[A-Z]{3}$")
    yard_city: str = Field(min_length=1, max_length=120)
    yard_region: str = Field(min_length=1, max_length=80)
    yard_country: str = Field(pattern=r"^[A-Z]{2}$")
    export_port: str = Field(min_length=1, max_length=80)
    status: ListingStatus = ListingStatus.AVAILABLE

    @field_validator("vin")
    @classmethod
    def _vin_is_valid(cls, value: str) -> str:
        try:
            return validate_vin(value)
        except InvalidVin as error:
            raise ValueError(str(error)) from error

    @model_validator(mode="before")
    @classmethod
    def _fill_make_and_year_from_vin(cls, data: Any) -> Any:
        """A row without make or year gets them from the VIN, where the VIN says."""
        if not isinstance(data, dict) or (data.get("make") and data.get("year")):
            return data
        try:
            decoded = decode_vin(str(data.get("vin", "")))
        except InvalidVin:
            return data  # the vin field reports it
        filled = dict(data)
        if not filled.get("make") and decoded.manufacturer:
            filled["make"] = make_from_manufacturer(decoded.manufacturer)
        plausible = [year for year in decoded.model_years if year <= MAX_YEAR]
        if not filled.get("year") and plausible:
            filled["year"] = plausible[0]
        return filled

    @model_validator(mode="after")
    def _year_agrees_with_vin(self) -> VehicleIn:
        years = decode_vin(self.vin).model_years
        if self.year not in years:
            said = " or ".join(str(year) for year in years)
            raise ValueError(
                f"the VIN says model year {said} (10th character {self.vin[9]}), not {self.year}"
            )
        return self

    @model_validator(mode="after")
    def _mileage_in_one_unit(self) -> VehicleIn:
        if self.mileage_km is None and self.mileage_mi is None:
            raise ValueError("mileage is required (mileage_km or mileage_mi)")
        if self.mileage_km is None and self.mileage_mi is not None:
            self.mileage_km = round(self.mileage_mi * KM_PER_MILE)
        return self

    def column_values(self) -> dict[str, object]:
        """The values to store on a `Vehicle` row (mileage in km only)."""
        return self.model_dump(exclude={"mileage_mi"})


class VehicleSort(enum.StrEnum):
    PRICE_ASC = "price_asc"
    PRICE_DESC = "price_desc"
    YEAR_DESC = "year_desc"
    YEAR_ASC = "year_asc"
    MILEAGE_ASC = "mileage_asc"
    NEWEST = "newest"


class VehicleFilters(BaseModel):
    """What a buyer is looking for. Every field is optional; prices are in the catalog currency."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    make: str | None = Field(default=None, max_length=60)
    model: str | None = Field(default=None, max_length=60)
    year_min: int | None = Field(default=None, ge=1950, le=MAX_YEAR)
    year_max: int | None = Field(default=None, ge=1950, le=MAX_YEAR)
    price_min_cents: int | None = Field(default=None, ge=0)
    price_max_cents: int | None = Field(default=None, ge=0)
    body_types: list[BodyType] | None = None
    fuel: Fuel | None = None
    transmission: Transmission | None = None
    drive: Drive | None = None
    mileage_max_km: int | None = Field(default=None, ge=0)
    seats_min: int | None = Field(default=None, ge=1, le=60)
    steering: Steering | None = None
    colour: str | None = Field(default=None, max_length=40)
    yard_country: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")
    location: str | None = Field(default=None, max_length=120)  # yard city, state or export port
    dealer_id: int | None = None
    text: str | None = Field(default=None, max_length=200)
    status: ListingStatus = ListingStatus.AVAILABLE

    @model_validator(mode="after")
    def _ranges_in_order(self) -> VehicleFilters:
        if self.year_min and self.year_max and self.year_min > self.year_max:
            raise ValueError(f"year_min {self.year_min} is after year_max {self.year_max}")
        low, high = self.price_min_cents, self.price_max_cents
        if low is not None and high is not None and low > high:
            raise ValueError(f"price_min_cents {low} is above price_max_cents {high}")
        return self


class VehicleSummary(BaseModel):
    """One search result: enough to show a line in chat and open the details."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    vin: str
    make: str
    model: str
    trim: str
    year: int
    body_type: BodyType
    fuel: Fuel
    transmission: Transmission
    steering: Steering
    mileage_km: int
    price_cents: int
    currency: str
    yard_city: str
    yard_region: str
    yard_country: str
    export_port: str
    thumbnail_hash: str | None = None

    @property
    def title(self) -> str:
        return " ".join(part for part in (str(self.year), self.make, self.model, self.trim) if part)


class SearchPage(BaseModel):
    items: list[VehicleSummary]
    next_cursor: str | None
    # Words of the query that were read as a make or model despite a typo: {"toyta": "Toyota"}.
    corrections: dict[str, str] = Field(default_factory=dict)
