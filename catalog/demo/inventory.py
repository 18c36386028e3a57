"""A deterministic, plausible demo inventory: dealers in the US and Canada and their vehicles."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

from catalog.dealers.schemas import DealerIn
from catalog.demo.models_table import COLOURS, MODELS, ModelSpec
from catalog.vehicles.models import Condition, Steering, TitleStatus
from catalog.vehicles.schemas import VehicleIn
from catalog.vehicles.vin import with_check_digit

CURRENT_YEAR = 2026
_YEAR_CODES = "ABCDEFGHJKLMNPRSTVWXY123456789"  # position 10 cycles from 1980 = A
_VIN_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
_VIN_CHARS = _VIN_LETTERS + "0123456789"


@dataclass(frozen=True)
class DemoDealer:
    dealer: DealerIn
    export_port: str


DEMO_DEALERS: tuple[DemoDealer, ...] = (
    DemoDealer(DealerIn(name="Chesapeake Auto Exports", country="US", region="MD",
                        city="Baltimore", contact_name="Dana Brooks", phone="+14105550142",
                        email="sales@chesapeake-exports.example",
                        telegram_link="https://t.me/+chesapeake_leads"), "Baltimore, MD"),
    DemoDealer(DealerIn(name="Gulf Coast Motors", country="US", region="TX", city="Houston",
                        contact_name="Luis Ortega", phone="+17135550188",
                        email="export@gulfcoastmotors.example"), "Houston, TX"),
    DemoDealer(DealerIn(name="Garden State Auto Brokers", country="US", region="NJ",
                        city="Newark", contact_name="Aisha Bello", phone="+19735550110",
                        email="aisha@gardenstate-auto.example"), "Newark, NJ"),
    DemoDealer(DealerIn(name="Peach State Export Cars", country="US", region="GA",
                        city="Savannah", contact_name="Marcus Reed", phone="+19125550163",
                        email="marcus@peachstate-export.example"), "Savannah, GA"),
    DemoDealer(DealerIn(name="Great Lakes Auto Export", country="CA", region="ON",
                        city="Toronto", contact_name="Priya Nair", phone="+14165550177",
                        email="priya@greatlakes-export.example"), "Halifax, NS"),
    DemoDealer(DealerIn(name="Autos Export Montréal", country="CA", region="QC",
                        city="Montréal", contact_name="Jean-Philippe Côté",
                        phone="+15145550199", email="jp@autosexport-mtl.example"),
               "Montréal, QC"),
)  # fmt: skip


def year_code(year: int) -> str:
    return _YEAR_CODES[(year - 1980) % 30]


def make_vin(rng: random.Random, spec: ModelSpec, year: int, serial: int) -> str:
    """A VIN that decodes to the spec's maker and year, with a correct check digit."""
    wmi = rng.choice(spec.wmis)
    chars = [rng.choice(_VIN_CHARS) for _ in range(5)]
    # Position 7 tells the 30-year cycle of the model year: a letter from 2010, a digit before.
    chars[3] = rng.choice(_VIN_LETTERS if year >= 2010 else "0123456789")
    vds = "".join(chars)
    plant = rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ0123456789")
    return with_check_digit(f"{wmi}{vds}0{year_code(year)}{plant}{serial:06d}")


def _price_cents(
    rng: random.Random, spec: ModelSpec, year: int, km: int, title: TitleStatus
) -> int:
    age = max(CURRENT_YEAR - year, 0)
    value = spec.new_price_usd * max(0.88**age, 0.22) * max(0.55, 1 - km / 600_000)
    if title is not TitleStatus.CLEAN:
        value *= 0.6
    value *= rng.uniform(0.9, 1.1)
    return max(1500, round(value / 50) * 50) * 100


def _title_and_condition(rng: random.Random) -> tuple[TitleStatus, Condition, str]:
    roll = rng.random()
    if roll < 0.70:
        return TitleStatus.CLEAN, Condition.RUN_AND_DRIVE, ""
    if roll < 0.85:
        damage = rng.choice(["front end", "rear end", "left side", "right side", "hail"])
        return TitleStatus.SALVAGE, Condition.RUN_AND_DRIVE, f"{damage} damage, airbags intact"
    if roll < 0.93:
        return TitleStatus.REBUILT, Condition.RUN_AND_DRIVE, "repaired front end, inspected"
    if roll < 0.97:
        return TitleStatus.SALVAGE, Condition.STARTS, "minor mechanical: check engine light"
    return TitleStatus.FLOOD, Condition.NON_RUNNING, "flood damage to interior, does not start"


def _notes(rng: random.Random, spec: ModelSpec, steering: Steering) -> str:
    notes = [
        rng.choice(["One owner.", "Two owners.", "Fleet vehicle.", "Dealer trade-in."]),
        rng.choice(["Service records available.", "New tyres.", "Cold A/C.", "Clean interior."]),
    ]
    if spec.seats >= 7:
        notes.append(f"{spec.seats} seats, third row.")
    if steering is Steering.RHD:
        notes.append("Japanese import, right-hand drive.")
    return " ".join(notes)


def demo_vehicle(
    rng: random.Random, *, serial: int, dealer_id: int, port: str, yard: DealerIn, spec: ModelSpec
) -> VehicleIn:
    """One plausible vehicle of `spec` at the dealer's yard."""
    year = rng.randint(*spec.years)
    km = max(5_000, int(rng.gauss(17_000, 5_000) * max(CURRENT_YEAR - year, 1)))
    title, condition, damage = _title_and_condition(rng)
    engine, fuel = rng.choice(spec.engines)
    rhd = spec.model in {"Land Cruiser Prado", "Hiace", "Hilux"} and rng.random() < 0.4
    steering = Steering.RHD if rhd else Steering.LHD
    colour = rng.choices([c for c, _ in COLOURS], weights=[w for _, w in COLOURS])[0]
    length, width, height = spec.dims_mm
    return VehicleIn(
        vin=make_vin(rng, spec, year, serial),
        dealer_id=dealer_id,
        stock_number=f"S{serial:06d}",
        make=spec.make,
        model=spec.model,
        trim=rng.choice(spec.trims),
        year=year,
        body_type=spec.body,
        fuel=fuel,
        transmission=rng.choice(spec.transmissions),
        drive=rng.choice(spec.drives),
        engine=engine,
        seats=spec.seats,
        mileage_km=km,
        colour=colour,
        condition=condition,
        title_status=title,
        damage_notes=damage,
        notes=_notes(rng, spec, steering),
        steering=steering,
        length_mm=length,
        width_mm=width,
        height_mm=height,
        weight_kg=spec.weight_kg,
        price_cents=_price_cents(rng, spec, year, km, title),
        currency="USD",
        yard_city=yard.city,
        yard_region=yard.region,
        yard_country=yard.country,
        export_port=port,
    )


def demo_vehicles(
    dealer_ids: list[int], count: int, *, seed: int = 2026, first_serial: int = 1
) -> Iterator[VehicleIn]:
    """`count` vehicles spread over the dealers (by position in DEMO_DEALERS), reproducibly."""
    rng = random.Random(seed)
    weights = [spec.weight for spec in MODELS]
    for offset in range(count):
        index = rng.randrange(len(dealer_ids))
        demo = DEMO_DEALERS[index % len(DEMO_DEALERS)]
        spec = rng.choices(MODELS, weights=weights)[0]
        yield demo_vehicle(
            rng,
            serial=first_serial + offset,
            dealer_id=dealer_ids[index],
            port=demo.export_port,
            yard=demo.dealer,
            spec=spec,
        )
