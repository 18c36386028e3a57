"""How the extras put vehicles, histories and saved searches into words, in en, fr and pt.

Whole sentences live in the domain's responses (dialogs/domain/extras.yml); this module writes
the parts that depend on the data: a price, a vehicle's line, a history report, a search.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from catalog.vehicles.models import Vehicle
from catalog.vehicles.schemas import VehicleFilters
from catalog.vehicles.vin import DecodedVin, maker_of
from chat.languages import Language
from chat.money import format_money as money
from chat.money import grouped
from chat.translations import attribute_word
from dialogs.actions.history_provider import HistoryReport

Words = Mapping[str, str]

_HISTORY: Final[dict[str, Words]] = {
    "en": {"title": "History of the {vehicle}", "vin_title": "VIN {vin}",
           "check": "VIN {vin}: check digit {digit} is correct",
           "maker": "Manufacturer", "country": "Made in", "plant": "plant",
           "year": "Model year", "title_status": "Title", "condition": "Condition",
           "odometer": "Odometer", "damage": "Damage recorded", "none": "none",
           "unknown": "unknown", "from_catalog": "From the dealer's listing:",
           "report": "History report:", "owners": "Owners", "accidents": "Accidents",
           "brands": "Title brands", "no_record": "The history service has no record of it.",
           "unavailable": "The history service is not answering right now; try again later.",
           "not_in_stock": "This vehicle is not in our stock."},
    "fr": {"title": "Historique : {vehicle}", "vin_title": "VIN {vin}",
           "check": "VIN {vin} : chiffre de contrôle {digit} correct",
           "maker": "Constructeur", "country": "Fabriqué en/au", "plant": "usine",
           "year": "Année modèle", "title_status": "Titre", "condition": "État",
           "odometer": "Compteur", "damage": "Dommages signalés", "none": "aucun",
           "unknown": "inconnu", "from_catalog": "D'après l'annonce du vendeur :",
           "report": "Rapport d'historique :", "owners": "Propriétaires",
           "accidents": "Accidents", "brands": "Mentions sur le titre",
           "no_record": "Le service d'historique n'a rien sur ce véhicule.",
           "unavailable": "Le service d'historique ne répond pas ; réessayez plus tard.",
           "not_in_stock": "Ce véhicule n'est pas dans notre stock."},
    "pt": {"title": "Histórico: {vehicle}", "vin_title": "VIN {vin}",
           "check": "VIN {vin}: dígito de controlo {digit} correto",
           "maker": "Fabricante", "country": "Fabricado em", "plant": "fábrica",
           "year": "Ano do modelo", "title_status": "Título", "condition": "Estado",
           "odometer": "Conta-quilómetros", "damage": "Danos registados", "none": "nenhum",
           "unknown": "desconhecido", "from_catalog": "Segundo o anúncio do vendedor:",
           "report": "Relatório de histórico:", "owners": "Donos", "accidents": "Acidentes",
           "brands": "Marcas no título",
           "no_record": "O serviço de histórico não tem registo dele.",
           "unavailable": "O serviço de histórico não responde agora; tente mais tarde.",
           "not_in_stock": "Este veículo não está no nosso stock."},
}  # fmt: skip

# What a saved search names when it names no make, model or body type.
_ANY_VEHICLE: Final[Mapping[Language, str]] = {
    "en": "a vehicle", "fr": "un véhicule", "pt": "um veículo",
}  # fmt: skip

_SEARCH: Final[dict[str, Words]] = {
    "en": {"years": "{low}-{high}", "year": "{year}", "year_min": "{year} or newer",
           "year_max": "{year} or older", "price_max": "under {price}",
           "price_min": "over {price}", "price_range": "between {low} and {high}",
           "mileage": "under {km} km", "seats": "{seats}+ seats", "location": "in {place}"},
    "fr": {"years": "{low}-{high}", "year": "{year}", "year_min": "{year} ou plus récent",
           "year_max": "{year} ou plus ancien", "price_max": "à moins de {price}",
           "price_min": "à plus de {price}", "price_range": "entre {low} et {high}",
           "mileage": "moins de {km} km", "seats": "{seats} places ou plus",
           "location": "à {place}"},
    "pt": {"years": "{low}-{high}", "year": "{year}", "year_min": "{year} ou mais novo",
           "year_max": "{year} ou mais antigo", "price_max": "até {price}",
           "price_min": "acima de {price}", "price_range": "entre {low} e {high}",
           "mileage": "até {km} km", "seats": "{seats} lugares ou mais",
           "location": "em {place}"},
}  # fmt: skip


def vehicle_line(vehicle: Vehicle, lang: Language) -> str:
    """ "2016 Toyota Hilux — $18,500" """
    return f"{vehicle.title} — {money(vehicle.price_cents, vehicle.currency, lang)}"


def short_name(vehicle: Vehicle) -> str:
    """A button title that fits every channel (WhatsApp list rows: 24 characters)."""
    return f"{vehicle.model} {vehicle.year}"[:24]


def history_text(
    decoded: DecodedVin,
    vehicle: Vehicle | None,
    report: HistoryReport | None,
    lang: Language,
    *,
    provider_failed: bool = False,
    provider_asked: bool = False,
) -> str:
    """A vehicle's history: the VIN decoded, the catalog's record, the history service's report."""
    words = _HISTORY[lang]
    title = words["title"].format(vehicle=vehicle.title) if vehicle else None
    lines = [title or words["vin_title"].format(vin=decoded.vin)]
    lines += _decoded_lines(decoded, vehicle.make if vehicle else None, words)
    if vehicle is not None:
        lines += [words["from_catalog"], *_catalog_lines(vehicle, lang, words)]
    if report is not None:
        lines += [words["report"], *_report_lines(report, lang, words)]
    elif provider_failed:
        lines.append(words["unavailable"])
    elif provider_asked:
        lines.append(words["no_record"])
    if vehicle is None:
        lines.append(words["not_in_stock"])
    # One line break only: Rasa sends a text without buttons as one message per paragraph.
    return "\n".join(lines)


def _decoded_lines(decoded: DecodedVin, listed_make: str | None, words: Words) -> list[str]:
    years = " / ".join(str(year) for year in decoded.model_years) or words["unknown"]
    country = decoded.country or words["unknown"]
    return [
        "✓ " + words["check"].format(vin=decoded.vin, digit=decoded.vin[8]),
        f"• {words['maker']}: {maker_of(decoded, listed_make) or words['unknown']}",
        f"• {words['country']}: {country} ({words['plant']} {decoded.plant_code})",
        f"• {words['year']}: {years}",
    ]


def _catalog_lines(vehicle: Vehicle, lang: Language, words: Words) -> list[str]:
    miles = grouped(vehicle.mileage_mi, lang)
    return [
        f"• {words['title_status']}: {attribute_word(vehicle.title_status.value, lang)}",
        f"• {words['condition']}: {attribute_word(vehicle.condition.value, lang)}",
        f"• {words['odometer']}: {grouped(vehicle.mileage_km, lang)} km ({miles} mi)",
        f"• {words['damage']}: {vehicle.damage_notes.strip() or words['none']}",
    ]


def _report_lines(report: HistoryReport, lang: Language, words: Words) -> list[str]:
    lines = []
    if report.owners is not None:
        lines.append(f"• {words['owners']}: {report.owners}")
    if report.accidents is not None:
        lines.append(f"• {words['accidents']}: {report.accidents}")
    if report.title_brands:
        brands = ", ".join(attribute_word(brand, lang) for brand in report.title_brands)
        lines.append(f"• {words['brands']}: {brands}")
    if report.odometer_km is not None:
        lines.append(f"• {words['odometer']}: {grouped(report.odometer_km, lang)} km")
    lines += [f"• {event.date} {event.description}".rstrip() for event in report.events]
    return lines


def search_text(filters: VehicleFilters, lang: Language, separator: str = ", ") -> str:
    """What a search looks for, as the bot understood it: "Toyota Hilux, diesel, under $20,000"
    (with `separator` " · ": "Toyota Hilux · diesel · under $20,000", a results heading)."""
    words = _SEARCH[lang]
    name = " ".join(part for part in (filters.make, filters.model) if part)
    bodies = [attribute_word(body.value, lang) for body in filters.body_types or []]
    words_searched = f"“{filters.text}”" if filters.text else ""
    parts = [name or " / ".join(bodies) or words_searched or _ANY_VEHICLE[lang]]
    if name and bodies:
        parts.append(" / ".join(bodies))
    parts += [
        attribute_word(value.value, lang)
        for value in (filters.fuel, filters.transmission, filters.drive, filters.steering)
        if value is not None
    ]
    if filters.colour:
        parts.append(filters.colour)
    parts += _year_words(filters, words)
    parts += _price_words(filters, lang, words)
    if filters.mileage_max_km is not None:
        parts.append(words["mileage"].format(km=grouped(filters.mileage_max_km, lang)))
    if filters.seats_min is not None:
        parts.append(words["seats"].format(seats=filters.seats_min))
    if filters.location:
        parts.append(words["location"].format(place=filters.location))
    return separator.join(parts)


def _year_words(filters: VehicleFilters, words: Words) -> list[str]:
    low, high = filters.year_min, filters.year_max
    if low and high:
        return [words["year"].format(year=low) if low == high else
                words["years"].format(low=low, high=high)]  # fmt: skip
    if low:
        return [words["year_min"].format(year=low)]
    if high:
        return [words["year_max"].format(year=high)]
    return []


def _price_words(filters: VehicleFilters, lang: Language, words: Words) -> list[str]:
    low, high = filters.price_min_cents, filters.price_max_cents
    if low is not None and high is not None:
        return [words["price_range"].format(low=money(low, "USD", lang),
                                            high=money(high, "USD", lang))]  # fmt: skip
    if high is not None:
        return [words["price_max"].format(price=money(high, "USD", lang))]
    if low is not None:
        return [words["price_min"].format(price=money(low, "USD", lang))]
    return []
