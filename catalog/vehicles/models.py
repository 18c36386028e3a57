"""Vehicles for sale: identity (VIN), specification, condition, price, yard and export port."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from catalog.database import Base, UTCDateTime, string_enum, utcnow

if TYPE_CHECKING:
    from catalog.dealers.models import Dealer
    from catalog.media.models import VehicleMedia

KM_PER_MILE = 1.609344


class BodyType(enum.StrEnum):
    SEDAN = "sedan"
    HATCHBACK = "hatchback"
    SUV = "suv"
    PICKUP = "pickup"
    VAN = "van"
    MINIVAN = "minivan"
    COUPE = "coupe"
    WAGON = "wagon"
    TRUCK = "truck"


class Fuel(enum.StrEnum):
    GASOLINE = "gasoline"
    DIESEL = "diesel"
    HYBRID = "hybrid"
    ELECTRIC = "electric"
    FLEX = "flex"


class Transmission(enum.StrEnum):
    AUTOMATIC = "automatic"
    MANUAL = "manual"
    CVT = "cvt"


class Drive(enum.StrEnum):
    FWD = "fwd"
    RWD = "rwd"
    AWD = "awd"
    FOUR_WD = "4wd"


class Steering(enum.StrEnum):
    LHD = "lhd"
    RHD = "rhd"


class Condition(enum.StrEnum):
    RUN_AND_DRIVE = "run_and_drive"
    STARTS = "starts"
    NON_RUNNING = "non_running"


class TitleStatus(enum.StrEnum):
    CLEAN = "clean"
    SALVAGE = "salvage"
    REBUILT = "rebuilt"
    FLOOD = "flood"
    PARTS_ONLY = "parts_only"


class ListingStatus(enum.StrEnum):
    DRAFT = "draft"
    AVAILABLE = "available"
    RESERVED = "reserved"
    SOLD = "sold"
    WITHDRAWN = "withdrawn"


class Vehicle(Base):
    __tablename__ = "vehicles"
    __table_args__ = (
        CheckConstraint("price_cents >= 0", name="price_not_negative"),
        CheckConstraint("mileage_km >= 0", name="mileage_not_negative"),
        CheckConstraint("year >= 1950 AND year <= 2100", name="year_plausible"),
        Index(
            "ix_vehicles_make_model_price", "make_key", "model_key", "status", "price_cents", "id"
        ),
        Index("ix_vehicles_make_price", "make_key", "status", "price_cents", "id"),
        Index("ix_vehicles_status_price", "status", "price_cents", "id"),
        Index("ix_vehicles_status_year", "status", "year", "id"),
        Index("ix_vehicles_status_mileage", "status", "mileage_km", "id"),
        Index("ix_vehicles_status_created", "status", "created_at", "id"),
        Index("ix_vehicles_body_year", "body_type", "year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    vin: Mapped[str] = mapped_column(String(17), unique=True)
    dealer_id: Mapped[int] = mapped_column(
        ForeignKey("dealers.id", ondelete="RESTRICT"), index=True
    )
    stock_number: Mapped[str | None] = mapped_column(String(40))

    make: Mapped[str] = mapped_column(String(60))
    model: Mapped[str] = mapped_column(String(60))
    # Lowercased, accent-free copies used by filters and typo correction.
    make_key: Mapped[str] = mapped_column(String(60))
    model_key: Mapped[str] = mapped_column(String(60))
    trim: Mapped[str] = mapped_column(String(80), default="")
    year: Mapped[int] = mapped_column(Integer)
    body_type: Mapped[BodyType] = mapped_column(string_enum(BodyType))
    fuel: Mapped[Fuel] = mapped_column(string_enum(Fuel))
    transmission: Mapped[Transmission] = mapped_column(string_enum(Transmission))
    drive: Mapped[Drive] = mapped_column(string_enum(Drive))
    engine: Mapped[str] = mapped_column(String(60), default="")  # "2.8L I4 turbo diesel"
    seats: Mapped[int | None] = mapped_column(Integer)
    mileage_km: Mapped[int] = mapped_column(Integer)
    colour: Mapped[str] = mapped_column(String(40), default="")
    condition: Mapped[Condition] = mapped_column(string_enum(Condition))
    title_status: Mapped[TitleStatus] = mapped_column(string_enum(TitleStatus))
    damage_notes: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    steering: Mapped[Steering] = mapped_column(string_enum(Steering), default=Steering.LHD)

    # Shipping dimensions: RoRo is charged by volume, containers by fit.
    length_mm: Mapped[int | None] = mapped_column(Integer)
    width_mm: Mapped[int | None] = mapped_column(Integer)
    height_mm: Mapped[int | None] = mapped_column(Integer)
    weight_kg: Mapped[int | None] = mapped_column(Integer)

    price_cents: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3), default="USD")

    yard_city: Mapped[str] = mapped_column(String(120))
    yard_region: Mapped[str] = mapped_column(String(80))
    yard_country: Mapped[str] = mapped_column(String(2))
    export_port: Mapped[str] = mapped_column(String(80))  # "Baltimore, MD"

    status: Mapped[ListingStatus] = mapped_column(
        string_enum(ListingStatus), default=ListingStatus.AVAILABLE
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    dealer: Mapped[Dealer] = relationship(lazy="raise")
    media: Mapped[list[VehicleMedia]] = relationship(
        back_populates="vehicle",
        order_by="VehicleMedia.position",
        cascade="all, delete-orphan",
        lazy="raise",
    )

    @property
    def mileage_mi(self) -> int:
        return round(self.mileage_km / KM_PER_MILE)

    @property
    def title(self) -> str:
        return " ".join(part for part in (str(self.year), self.make, self.model, self.trim) if part)
