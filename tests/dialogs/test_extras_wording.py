"""How the extras put saved searches, prices and histories into words, in en, fr and pt."""

from __future__ import annotations

import pytest

from catalog.money import ILLUSTRATIVE_EXCHANGE_RATES
from catalog.vehicles.models import (
    Condition,
    Drive,
    Fuel,
    Steering,
    TitleStatus,
    Transmission,
    Vehicle,
)
from catalog.vehicles.schemas import VehicleFilters
from catalog.vehicles.vin import decode_vin
from dialogs.actions.extras_wording import history_text, money, search_text, short_name
from dialogs.actions.history_provider import HistoryReport
from dialogs.actions.vehicles import details_text

NARROW = "\u202f"


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("en", "$18,500"), ("fr", f"18{NARROW}500 $"), ("pt", f"US$ 18{NARROW}500")],
)
def test_prices_read_as_buyers_write_them(lang: str, expected: str) -> None:
    assert money(18_500_00, "USD", lang) == expected


@pytest.mark.parametrize(
    ("filters", "lang", "expected"),
    [
        (VehicleFilters(make="Toyota", model="Hilux", price_max_cents=20_000_00), "en",
         "Toyota Hilux, under $20,000"),
        (VehicleFilters(body_types=["suv"], seats_min=7, year_min=2015), "en",
         "SUV, 2015 or newer, 7+ seats"),
        (VehicleFilters(make="Toyota", fuel="diesel", transmission="manual", year_min=2012,
                        year_max=2015), "fr", "Toyota, diesel, manuelle, 2012-2015"),
        (VehicleFilters(price_min_cents=5_000_00, price_max_cents=8_000_00, year_min=2016,
                        year_max=2016), "pt", f"um veículo, 2016, entre US$ 5{NARROW}000 e "
                                              f"US$ 8{NARROW}000"),
        (VehicleFilters(model="RAV4", mileage_max_km=100_000, steering="rhd"), "en",
         "RAV4, right-hand drive, under 100,000 km"),
    ],
)  # fmt: skip
def test_a_saved_search_is_said_back_in_the_buyers_language(
    filters: VehicleFilters, lang: str, expected: str
) -> None:
    assert search_text(filters, lang) == expected


def vehicle(**overrides: object) -> Vehicle:
    values: dict[str, object] = {
        "id": 7, "vin": "1HGCM82633A004352", "make": "Honda", "model": "Accord", "trim": "EX",
        "year": 2003, "mileage_km": 150_000, "price_cents": 4_200_00, "currency": "USD",
        "title_status": TitleStatus.SALVAGE, "condition": Condition.STARTS,
        "damage_notes": "Front bumper",
    }  # fmt: skip
    return Vehicle(**(values | overrides))


def test_a_history_names_the_decoded_vin_the_listing_and_the_report_in_french() -> None:
    report = HistoryReport(owners=2, title_brands=["salvage"])

    text = history_text(decode_vin("1HGCM82633A004352"), vehicle(), report, "fr",
                        provider_asked=True)  # fmt: skip

    assert text.splitlines() == [
        "Historique : 2003 Honda Accord EX",
        "✓ VIN 1HGCM82633A004352 : chiffre de contrôle 3 correct",
        "• Constructeur: Honda",
        "• Fabriqué en/au: United States (usine A)",
        "• Année modèle: 2003",
        "D'après l'annonce du vendeur :",
        "• Titre: épave (salvage)",
        "• État: démarre, ne roule pas",
        f"• Compteur: 150{NARROW}000 km (93{NARROW}206 mi)",
        "• Dommages signalés: Front bumper",
        "Rapport d'historique :",
        "• Propriétaires: 2",
        "• Mentions sur le titre: épave (salvage)",
    ]


def test_a_vin_not_in_stock_says_so_and_that_the_service_was_down_in_portuguese() -> None:
    text = history_text(decode_vin("1HGCM82633A004352"), None, None, "pt", provider_failed=True)

    assert text.splitlines()[0] == "VIN 1HGCM82633A004352"
    assert text.splitlines()[-2:] == [
        "O serviço de histórico não responde agora; tente mais tarde.",
        "Este veículo não está no nosso stock.",
    ]


def test_button_titles_fit_a_whatsapp_list_row() -> None:
    assert short_name(vehicle(model="Land Cruiser Prado", year=2014)) == "Land Cruiser Prado 2014"
    assert len(short_name(vehicle(model="Super Duty F-350 SRW Crew", year=2014))) == 24


@pytest.mark.parametrize(
    ("overrides", "lang"),
    [({"model": "Camry", "trim": "Hybrid LE", "engine": "2.5L I4"}, "en"),
     ({"model": "Prius", "trim": "", "engine": "1.8L Hybrid"}, "en"),
     ({"model": "RAV4", "trim": "Hybride", "engine": ""}, "fr")],
)  # fmt: skip
def test_a_hybrid_card_says_hybrid_once(overrides: dict[str, object], lang: str) -> None:
    car = vehicle(fuel=Fuel.HYBRID, transmission=Transmission.CVT, drive=Drive.FWD,
                  steering=Steering.LHD, seats=5, yard_city="Newark", yard_region="NJ",
                  yard_country="US", export_port="Newark, NJ", **overrides)  # fmt: skip

    text = details_text(car, lang, None, ILLUSTRATIVE_EXCHANGE_RATES)

    assert text.casefold().count("hybrid") == 1, text


def test_a_petrol_card_still_names_its_fuel() -> None:
    car = vehicle(fuel=Fuel.GASOLINE, transmission=Transmission.AUTOMATIC, drive=Drive.FWD,
                  steering=Steering.LHD, engine="2.4L I4", yard_city="Newark", yard_region="NJ",
                  yard_country="US", export_port="Newark, NJ")  # fmt: skip

    text = details_text(car, "fr", None, ILLUSTRATIVE_EXCHANGE_RATES)

    assert "Kilométrage: 150\u202f000 km · 2.4L I4 · essence · automatique · FWD" in text
