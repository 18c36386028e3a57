"""Where a buyer's night falls: the time zone of their country, or of their phone number's
country calling code when we do not know the country. One zone per country is enough for
quiet hours (DR Congo has two an hour apart; Kinshasa is used)."""

from __future__ import annotations

from typing import Final

# ISO 3166-1 alpha-2 -> IANA zone: Africa, and the yards' countries.
COUNTRY_ZONES: Final[dict[str, str]] = {
    "DZ": "Africa/Algiers", "AO": "Africa/Luanda", "BJ": "Africa/Porto-Novo",
    "BW": "Africa/Gaborone", "BF": "Africa/Ouagadougou", "BI": "Africa/Bujumbura",
    "CV": "Atlantic/Cape_Verde", "CM": "Africa/Douala", "CF": "Africa/Bangui",
    "TD": "Africa/Ndjamena", "KM": "Indian/Comoro", "CG": "Africa/Brazzaville",
    "CD": "Africa/Kinshasa", "CI": "Africa/Abidjan", "DJ": "Africa/Djibouti",
    "EG": "Africa/Cairo", "GQ": "Africa/Malabo", "ER": "Africa/Asmara", "SZ": "Africa/Mbabane",
    "ET": "Africa/Addis_Ababa", "GA": "Africa/Libreville", "GM": "Africa/Banjul",
    "GH": "Africa/Accra", "GN": "Africa/Conakry", "GW": "Africa/Bissau", "KE": "Africa/Nairobi",
    "LS": "Africa/Maseru", "LR": "Africa/Monrovia", "LY": "Africa/Tripoli",
    "MG": "Indian/Antananarivo", "MW": "Africa/Blantyre", "ML": "Africa/Bamako",
    "MR": "Africa/Nouakchott", "MU": "Indian/Mauritius", "MA": "Africa/Casablanca",
    "MZ": "Africa/Maputo", "NA": "Africa/Windhoek", "NE": "Africa/Niamey", "NG": "Africa/Lagos",
    "RW": "Africa/Kigali", "ST": "Africa/Sao_Tome", "SN": "Africa/Dakar", "SC": "Indian/Mahe",
    "SL": "Africa/Freetown", "SO": "Africa/Mogadishu", "ZA": "Africa/Johannesburg",
    "SS": "Africa/Juba", "SD": "Africa/Khartoum", "TZ": "Africa/Dar_es_Salaam",
    "TG": "Africa/Lome", "TN": "Africa/Tunis", "UG": "Africa/Kampala", "ZM": "Africa/Lusaka",
    "ZW": "Africa/Harare", "US": "America/New_York", "CA": "America/Toronto",
    "FR": "Europe/Paris", "PT": "Europe/Lisbon", "BR": "America/Sao_Paulo", "GB": "Europe/London",
}  # fmt: skip

# Country calling codes -> country (the longest prefix wins; +1 is the US and Canada).
CALLING_CODES: Final[dict[str, str]] = {
    "213": "DZ", "244": "AO", "229": "BJ", "267": "BW", "226": "BF", "257": "BI", "238": "CV",
    "237": "CM", "236": "CF", "235": "TD", "269": "KM", "242": "CG", "243": "CD", "225": "CI",
    "253": "DJ", "20": "EG", "240": "GQ", "291": "ER", "268": "SZ", "251": "ET", "241": "GA",
    "220": "GM", "233": "GH", "224": "GN", "245": "GW", "254": "KE", "266": "LS", "231": "LR",
    "218": "LY", "261": "MG", "265": "MW", "223": "ML", "222": "MR", "230": "MU", "212": "MA",
    "258": "MZ", "264": "NA", "227": "NE", "234": "NG", "250": "RW", "239": "ST", "221": "SN",
    "248": "SC", "232": "SL", "252": "SO", "27": "ZA", "211": "SS", "249": "SD", "255": "TZ",
    "228": "TG", "216": "TN", "256": "UG", "260": "ZM", "263": "ZW", "1": "US", "33": "FR",
    "351": "PT", "55": "BR", "44": "GB",
}  # fmt: skip

DEFAULT_ZONE: Final = "UTC"


def country_of_number(number: str) -> str | None:
    """The country of an E.164 number ("+2348012345678" or digits), by its calling code."""
    digits = number.removeprefix("whatsapp:").lstrip("+")
    if not digits.isdigit():
        return None
    for length in (3, 2, 1):
        country = CALLING_CODES.get(digits[:length])
        if country is not None:
            return country
    return None


def zone_of(country: str | None, number: str | None = None) -> str:
    """The buyer's time zone: their country's, else their number's, else UTC."""
    if country and country.upper() in COUNTRY_ZONES:
        return COUNTRY_ZONES[country.upper()]
    from_number = country_of_number(number) if number else None
    return COUNTRY_ZONES.get(from_number or "", DEFAULT_ZONE)


def is_north_american(number: str | None) -> bool:
    """A +1 number (the US and Canada share the code; Meta's ban on marketing templates to US
    numbers cannot tell them apart by the number, so both are treated as US)."""
    return bool(number) and country_of_number(number or "") == "US"
