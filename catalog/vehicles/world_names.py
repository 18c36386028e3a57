"""Makes and models people ask for that the stock may not hold today: enough to understand
"do you have a Lamborghini Aventador?" or "je cherche une Peugeot 508" as a search (answered
with what is in stock that comes nearest, and an offer to be told when one comes in) rather
than as words nobody understood.

Model names that are ordinary words or numbers ("Fit", "Transit", "Accord", "Sierra", "508",
"Model 3") are left out: "how much I fit bid", "transit time" or "ship to Sierra Leone" must
not read as a car, and a number is a price or a year. Their makes are enough to understand the
search. Each model carries its usual body type, so the nearest vehicles in stock can be of the same
kind (an SUV for a BMW X5). Not a catalogue: a list of names buyers in West and Central Africa
and in Lusophone Africa commonly ask for, plus the main North American makes. Extend freely.
"""

from __future__ import annotations

from typing import Final

from catalog.vehicles.models import BodyType

_S, _H, _U, _P, _V, _M, _C, _W, _T = (
    BodyType.SEDAN, BodyType.HATCHBACK, BodyType.SUV, BodyType.PICKUP, BodyType.VAN,
    BodyType.MINIVAN, BodyType.COUPE, BodyType.WAGON, BodyType.TRUCK,
)  # fmt: skip

# make -> {model: usual body type}
WORLD_MODELS: Final[dict[str, dict[str, BodyType]]] = {
    "Acura": {"MDX": _U, "RDX": _U, "TLX": _S, "ILX": _S},
    "Alfa Romeo": {"Giulia": _S, "Stelvio": _U},
    "Aston Martin": {"DB11": _C},
    "Audi": {"A3": _S, "A4": _S, "A6": _S, "Q3": _U, "Q5": _U, "Q7": _U, "Q8": _U},
    "Bentley": {"Bentayga": _U},
    "BMW": {"3 Series": _S, "5 Series": _S, "7 Series": _S, "X1": _U, "X3": _U, "X5": _U,
            "X6": _U, "X7": _U},
    "Buick": {"LaCrosse": _S},
    "Cadillac": {"Escalade": _U, "CTS": _S, "XT5": _U},
    "Chevrolet": {"Silverado": _P, "Tahoe": _U, "Suburban": _U, "Equinox": _U, "Malibu": _S,
                  "Cruze": _S, "Colorado": _P},
    "Chrysler": {"Pacifica": _M},
    "Dodge": {"Challenger": _C, "Durango": _U, "Grand Caravan": _M},
    "Ferrari": {},
    "Fiat": {},
    "Ford": {"F-150": _P,
             "Mustang": _C},
    "Genesis": {"G80": _S, "GV80": _U},
    "GMC": {"Yukon": _U, "Acadia": _U, "Savana": _V},
    "Honda": {"Civic": _S, "CR-V": _U, "Pilot": _U, "Odyssey": _M, "HR-V": _U,
              "Ridgeline": _P},
    "Hyundai": {"Elantra": _S, "Sonata": _S, "Tucson": _U, "Santa Fe": _U, "Palisade": _U},
    "Infiniti": {"QX60": _U, "QX80": _U, "Q50": _S},
    "Isuzu": {"D-Max": _P, "NPR": _T},
    "Jaguar": {"F-Pace": _U, "XF": _S},
    "Jeep": {"Wrangler": _U, "Grand Cherokee": _U, "Cherokee": _U,
             "Gladiator": _P},
    "Kia": {"Sorento": _U, "Sportage": _U,
            "Telluride": _U, "Sedona": _M},
    "Lamborghini": {"Aventador": _C, "Huracan": _C, "Urus": _U},
    # "Discovery" and "Defender" are words too, but rarely in a car buyer's chat, and without
    # them "Land Rover Discovery" was a model nobody makes
    "Land Rover": {"Range Rover": _U, "Range Rover Sport": _U, "Range Rover Evoque": _U,
                   "Evoque": _U, "Discovery": _U, "Discovery Sport": _U, "Defender": _U,
                   "LR4": _U},
    "Lexus": {"RX 350": _U, "GX 460": _U, "LX 570": _U, "ES 350": _S, "IS 250": _S,
              "NX": _U},
    "Lincoln": {"Navigator": _U, "MKX": _U},
    "Maserati": {"Ghibli": _S},
    "Mazda": {"CX-5": _U, "CX-9": _U, "Mazda3": _S, "Mazda6": _S},
    "Mercedes-Benz": {"C-Class": _S, "E-Class": _S, "S-Class": _S, "GLE": _U, "GLK": _U,
                      "G-Class": _U, "Sprinter": _V},
    "Mitsubishi": {"Outlander": _U, "Pajero": _U, "L200": _P, "Lancer": _S},
    "Nissan": {"Altima": _S, "Sentra": _S, "Rogue": _U, "Pathfinder": _U,
               "Murano": _U, "Armada": _U, "Navara": _P},
    "Peugeot": {
                },
    "Porsche": {"Cayenne": _U, "Macan": _U, "Panamera": _S},
    "Ram": {"ProMaster": _V},
    "Renault": {"Duster": _U, "Koleos": _U, "Megane": _H},
    "Rolls-Royce": {"Cullinan": _U},
    "Subaru": {"Forester": _U, "Impreza": _S},
    "Suzuki": {"Vitara": _U, "Jimny": _U},
    "Tesla": {},
    "Toyota": {"Corolla": _S, "Camry": _S, "RAV4": _U, "Highlander": _U, "Hilux": _P,
               "Tacoma": _P, "Tundra": _P, "Land Cruiser": _U, "Sienna": _M, "4Runner": _U,
               "Venza": _U, "Avalon": _S, "Yaris": _H, "Prius": _H, "Sequoia": _U},
    "Volkswagen": {"Jetta": _S, "Passat": _S, "Tiguan": _U,
                   "Touareg": _U},
    "Volvo": {"XC90": _U, "XC60": _U, "S60": _S},
}  # fmt: skip


def world_pairs() -> list[tuple[str, str]]:
    """Every (make, model) above."""
    return [(make, model) for make, models in WORLD_MODELS.items() for model in models]


def usual_body_type(make: str | None, model: str | None) -> BodyType | None:
    """The model's usual body type, if it is one listed above."""
    if not make or not model:
        return None
    for known_make, models in WORLD_MODELS.items():
        if known_make.casefold() == make.casefold():
            return next((body for name, body in models.items()
                         if name.casefold() == model.casefold()), None)  # fmt: skip
    return None
