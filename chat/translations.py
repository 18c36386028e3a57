"""The catalog's vehicle attributes as buyers say them, one table per attribute, written once.

Every place that shows an attribute (search results, a vehicle's details, history reports, saved
searches, the web gallery, alerts) reads these tables, so a word is fixed in one place.

Choices where the copies used to disagree:
- Portuguese follows Angola and Mozambique (and Portugal): "gasóleo", "caixa automática"
  ("automática"), "arranca", "carrinha", "camião".
- The three conditions are the auction yards' levels: `run_and_drive` (starts and drives),
  `starts` (starts but does not drive) and `non_running` (does not start), so `non_running` is
  "does not start" / "ne démarre pas" / "não arranca", not "does not run".

Values are the catalog's stored strings (its enums' values); the colour is free text, shown as the
dealer wrote it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from chat.languages import Language

Words = Mapping[Language, str]
Table = Mapping[str, Words]


def _words(en: str, fr: str, pt: str) -> Words:
    return {"en": en, "fr": fr, "pt": pt}


FUEL: Final[Table] = {
    "gasoline": _words("petrol", "essence", "gasolina"),
    "diesel": _words("diesel", "diesel", "gasóleo"),
    "hybrid": _words("hybrid", "hybride", "híbrido"),
    "electric": _words("electric", "électrique", "elétrico"),
    "flex": _words("flex fuel", "flex fuel", "flex"),
}

TRANSMISSION: Final[Table] = {
    "automatic": _words("automatic", "automatique", "automática"),
    "manual": _words("manual", "manuelle", "manual"),
    "cvt": _words("CVT", "CVT", "CVT"),
}

DRIVE: Final[Table] = {
    "fwd": _words("FWD", "traction", "tração dianteira"),
    "rwd": _words("RWD", "propulsion", "tração traseira"),
    "awd": _words("AWD", "intégrale", "tração integral"),
    "4wd": _words("4x4", "4x4", "4x4"),
}

STEERING: Final[Table] = {
    "lhd": _words("left-hand drive", "volant à gauche", "volante à esquerda"),
    "rhd": _words("right-hand drive", "volant à droite", "volante à direita"),
}

BODY_TYPE: Final[Table] = {
    "sedan": _words("sedan", "berline", "sedã"),
    "hatchback": _words("hatchback", "citadine", "hatchback"),
    "suv": _words("SUV", "SUV", "SUV"),
    "pickup": _words("pickup", "pick-up", "pick-up"),
    "van": _words("van", "fourgon", "carrinha"),
    "minivan": _words("minivan", "monospace", "monovolume"),
    "coupe": _words("coupe", "coupé", "coupé"),
    "wagon": _words("wagon", "break", "carrinha"),
    "truck": _words("truck", "camion", "camião"),
}

CONDITION: Final[Table] = {
    "run_and_drive": _words("runs and drives", "démarre et roule", "arranca e anda"),
    "starts": _words("starts, does not drive", "démarre, ne roule pas", "arranca, não anda"),
    "non_running": _words("does not start", "ne démarre pas", "não arranca"),
}

TITLE_STATUS: Final[Table] = {
    "clean": _words("clean", "propre", "limpo"),
    "salvage": _words("salvage", "épave (salvage)", "salvado"),
    "rebuilt": _words("rebuilt", "reconstruit", "reconstruído"),
    "flood": _words("flood", "inondé", "inundado"),
    "parts_only": _words("parts only", "pour pièces", "só para peças"),
}

# Each table under the name of the vehicle field it translates.
VEHICLE_ATTRIBUTES: Final[Mapping[str, Table]] = {
    "fuel": FUEL,
    "transmission": TRANSMISSION,
    "drive": DRIVE,
    "steering": STEERING,
    "body_type": BODY_TYPE,
    "condition": CONDITION,
    "title_status": TITLE_STATUS,
}


def attribute_word(value: str, lang: Language) -> str:
    """A catalog value in the buyer's language ("diesel", "pt" -> "gasóleo"); a value no table
    holds is shown as stored, underscores as spaces."""
    for table in VEHICLE_ATTRIBUTES.values():
        if value in table:
            return table[value][lang]
    return value.replace("_", " ")
