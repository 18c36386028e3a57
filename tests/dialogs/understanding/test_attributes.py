"""Attribute words: body, fuel, gearbox, drive, steering, colour; mileage and seats."""

from __future__ import annotations

from typing import Any

import pytest

from catalog.vehicles.models import BodyType, Drive, Fuel, Steering, Transmission
from tests.dialogs.understanding.reading_support import (
    PICKUP,
    SUV,
    filters_of,
    read,
)

ATTRIBUTES: list[tuple[str, dict[str, Any]]] = [
    # Body type, fuel, gearbox, drive
    ("SUV", {"body_types": SUV}),
    ("SUVs", {"body_types": SUV}),
    ("pickup", {"body_types": PICKUP}),
    ("pick-up", {"body_types": PICKUP}),
    ("camionnette", {"body_types": PICKUP}),
    ("caminhonete", {"body_types": PICKUP}),
    ("sedan", {"body_types": [BodyType.SEDAN]}),
    ("berline", {"body_types": [BodyType.SEDAN]}),
    ("sedã", {"body_types": [BodyType.SEDAN]}),
    ("van", {"body_types": [BodyType.VAN]}),
    ("minibus", {"body_types": [BodyType.VAN]}),
    ("truck", {"body_types": [BodyType.TRUCK]}),
    ("camion", {"body_types": [BodyType.TRUCK]}),
    ("camião", {"body_types": [BodyType.TRUCK]}),
    ("SUV or pickup", {"body_types": [BodyType.SUV, BodyType.PICKUP]}),
    ("diesel", {"fuel": Fuel.DIESEL}),
    ("gasoil", {"fuel": Fuel.DIESEL}),
    ("gasóleo", {"fuel": Fuel.DIESEL}),
    ("petrol", {"fuel": Fuel.GASOLINE}),
    ("gas", {"fuel": Fuel.GASOLINE}),
    ("essence", {"fuel": Fuel.GASOLINE}),
    ("gasolina", {"fuel": Fuel.GASOLINE}),
    ("hybrid", {"fuel": Fuel.HYBRID}),
    ("hybride", {"fuel": Fuel.HYBRID}),
    ("híbrido", {"fuel": Fuel.HYBRID}),
    ("electric", {"fuel": Fuel.ELECTRIC}),
    ("automatic", {"transmission": Transmission.AUTOMATIC}),
    ("auto", {"transmission": Transmission.AUTOMATIC}),
    ("automatique", {"transmission": Transmission.AUTOMATIC}),
    ("automático", {"transmission": Transmission.AUTOMATIC}),
    ("manual", {"transmission": Transmission.MANUAL}),
    ("manuelle", {"transmission": Transmission.MANUAL}),
    ("boîte manuelle", {"transmission": Transmission.MANUAL}),
    ("câmbio manual", {"transmission": Transmission.MANUAL}),
    ("4x4", {"drive": Drive.FOUR_WD}),
    ("4WD", {"drive": Drive.FOUR_WD}),
    ("AWD", {"drive": Drive.AWD}),
    ("quatre roues motrices", {"drive": Drive.FOUR_WD}),
    # Mileage, seats, steering, colour
    ("under 100,000 km", {"mileage_max_km": 100_000}),
    ("less than 80k miles", {"mileage_max_km": 128_748}),  # 80,000 * 1.609344
    ("moins de 100 000 km", {"mileage_max_km": 100_000}),
    ("menos de 100 mil km", {"mileage_max_km": 100_000}),
    ("mileage under 90000", {"mileage_max_km": 90_000}),
    ("120000km max", {"mileage_max_km": 120_000}),
    ("7 seater", {"seats_min": 7}),
    ("7-seater", {"seats_min": 7}),
    ("7 places", {"seats_min": 7}),
    ("7 lugares", {"seats_min": 7}),
    ("right hand drive", {"steering": Steering.RHD}),
    ("RHD", {"steering": Steering.RHD}),
    ("volant à droite", {"steering": Steering.RHD}),
    ("volante à direita", {"steering": Steering.RHD}),
    ("left hand drive", {"steering": Steering.LHD}),
    ("white", {"colour": "white"}),
    ("grise", {"colour": "grey"}),
    ("gray", {"colour": "grey"}),
    ("vermelho", {"colour": "red"}),
    ("une auto rouge", {"colour": "red"}),  # "une auto" is a car; "rouge" is not the Rogue
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), ATTRIBUTES)
def test_attributes_become_filters(text: str, expected: dict[str, Any]) -> None:
    understood = read(text)
    assert filters_of(understood) == expected
    assert understood.not_understood == []
