"""Reading a buyer's search message (English, French, Portuguese, Pidgin) into `VehicleFilters`.

Deterministic: the same text, vocabulary and rates always give the same filters. The message is
folded (lower case, no accents) and read in passes; each pass consumes what it recognises, so a
later pass never reads the same words again:

1. Entity hints (Rasa's entities: ``entity``, ``value``, ``start``, ``end``, optional ``role``
   "min" / "max" / "around"): their spans are set aside, and their values, read with the same
   rules as text ("Benz", "gasoil", "9 millions" with a "currency" entity "FCFA"), override what
   the text says; a year or price entity replaces the bounds it gives. See `ENTITY_NAMES`.
2. Phrases of several words: "right hand drive", "volant à droite", "pick-up", "4 roues motrices".
3. Make and model names from the `Vocabulary` (typos corrected: "Toyta" -> Toyota) and synonyms
   ("Benz" -> Mercedes-Benz, "Chevy" -> Chevrolet, "VW" -> Volkswagen, "Prado" -> Land Cruiser
   Prado). A stop word or a word of this module's lexicons is never a name on its own and never
   a typo of one ("rouge" is red, not the Rogue); a typo spanning several words must be of a name
   of as many words. A model whose make the vocabulary knows gives the make too.
4. Single words: body type, fuel, gearbox, drive, steering, colour (to the catalog's English
   names). A word right after a negation ("not diesel", "pas de diesel", "sem diesel") cannot be
   filtered on and is reported as unsupported.
5. Numbers, with the comparator before them, the unit or postfix after them, and ranges:
   - followed by km / miles, or after "mileage / kilométrage / quilometragem": maximum mileage
     (miles converted to km); "more than 100,000 km" is unsupported (no minimum mileage filter).
     "7 seater", "7 places", "7 lugares": minimum seats ("up to 5 seats" is unsupported).
   - a price when it names a currency or multiplier, has separators or decimals, follows a price
     comparator ("under", "moins de", "menos de"...), or is not a four-digit number 1900-2099;
     otherwise a year ("Corolla 2015 under 8000": year 2015, price at most 8,000).
   - years: "2016" is that year; "from / since / à partir de / a partir de 2015", "2015 or newer /
     ou plus récent / ou mais novo / 2015+" set the oldest year; "up to / before / older than"
     the newest ("older than 2010" and "before 2010" mean 2009 at most, "after 2015" and "newer
     than 2015" mean 2016 on); "2012-2015", "between / entre 2012 and / et / e 2015", "de 2012 a
     2015" a range; "around 2015" means 2014-2016. Years outside 1950..next year are refused.
   - prices: a lone price is a ceiling (buyers name what they can pay); "under / below / max /
     budget / moins de / pas plus de / jusqu'à / até / menos de / no máximo" set the ceiling,
     "above / over / more than / plus de / mais de" the floor, "around / environ / cerca de" a
     range of ±15 %, "entre 5k et 8k" a range (a multiplier or currency written once serves both
     ends: "5-8k", "5 to 8 million naira"). Prices are converted to US cents; below $100, above
     $10,000,000, negative or in a currency without an exchange rate, they are refused.
   Bounds in the wrong order are swapped; a bound that contradicts an earlier one is refused.
6. "cheaper", "moins cher", "mais barato": `Understood.wants_cheaper` (for follow-ups).
7. A currency named without an amount ("prices in naira") becomes the buyer's currency.
8. Whatever is left, except stop words, is reported as not understood, one entry per run of
   consecutive words, in the buyer's own spelling.

Only one make, model, fuel... per search: a second, different one is reported as a conflict
(body types add up: "SUV or pickup"). "MT" after a year is a manual gearbox, after an amount
meticais; "auto" after an article ("une auto") is a car, not a gearbox.

Follow-ups (`understand_follow_up`) keep the previous search and replace what the new message
names, group by group: make and model together (a new make alone clears the model: "any Toyota
instead?"), the year bounds together ("what about 2018?" replaces the years), the price bounds
together, the body types together, and each other filter alone ("only automatic" adds a gearbox).
"cheaper ones?" lowers the price ceiling: to the whole dollar below the cheapest price the buyer
was shown (`cheapest_shown_cents`) when given, never above the current ceiling; else to 80 % of the
current ceiling; with neither, nothing changes and "cheaper" is reported as unsupported. A price
floor above the new ceiling is dropped.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Any, Final

from catalog.money import (
    CATALOG_CURRENCY,
    MAX_AMOUNT,
    MULTIPLIERS,
    PRICE_WORDS,
    Amount,
    ExchangeRates,
    UnknownCurrency,
    currency_spans,
    find_amounts,
    find_currency,
    fold_aligned,
)
from catalog.text import name_key, words
from catalog.vehicles.models import KM_PER_MILE, BodyType, Drive, Fuel, Steering, Transmission
from catalog.vehicles.schemas import MAX_YEAR, VehicleFilters
from catalog.vehicles.vocabulary import Vocabulary

MIN_YEAR: Final = 1950
MIN_PRICE_CENTS: Final = 100_00
MAX_PRICE_CENTS: Final = 10_000_000_00
MAX_MILEAGE_KM: Final = 3_000_000
MAX_SEATS: Final = 60
AROUND_PRICE_PERCENT: Final = 15
CHEAPER_PERCENT: Final = 80  # "cheaper" without a shown price: this share of the ceiling
MAX_NAME_WORDS: Final = 3

ENTITY_NAMES: Final = frozenset(
    ["make", "model", "year", "year_min", "year_max", "price", "price_min", "price_max",
     "budget", "currency", "body_type", "fuel", "transmission", "drive", "steering", "colour",
     "color", "seats", "mileage", "location"]
)  # fmt: skip


class UnreadReason(enum.StrEnum):
    UNKNOWN = "unknown"  # words the reader does not know
    IMPLAUSIBLE = "implausible"  # a year, price, mileage or seat count outside what is sold
    UNKNOWN_CURRENCY = "unknown_currency"  # a currency without an exchange rate
    UNSUPPORTED = "unsupported"  # understood, but no filter can say it ("not diesel")
    CONFLICT = "conflict"  # contradicts something said before in the message


@dataclass(frozen=True)
class Unread:
    """Part of the message that did not become a filter, in the buyer's words, and why."""

    text: str
    reason: UnreadReason


@dataclass(frozen=True)
class Understood:
    """What a message asks for.

    `filters` has prices in catalog cents; `corrections` maps names as typed to catalog names
    ({"Toyta": "Toyota"}); `currency` is the currency the buyer priced in ("USD" for a bare
    number, None when no price or currency was named), to show prices back in it; `mentioned`
    holds the filter fields the message itself set (for follow-ups).
    """

    filters: VehicleFilters
    corrections: dict[str, str] = field(default_factory=dict)
    currency: str | None = None
    not_understood: list[Unread] = field(default_factory=list)
    wants_cheaper: bool = False
    mentioned: frozenset[str] = frozenset()


# --- Lexicons: folded words, phrases separated by single spaces ------------------------------


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


def _phrases(value: object, *phrases: str) -> dict[str, object]:
    return dict.fromkeys(phrases, value)


_ATTRIBUTES: Final[Mapping[str, tuple[str, object]]] = {
    phrase: (name, value)
    for name, table in {
        "body_types": {
            **_phrases(BodyType.SUV, "suv", "crossover", "sport utility", "vus"),
            **_phrases(BodyType.PICKUP, "pickup", "pick up", "pickup truck", "pick up truck",
                       "camionnette", "caminhonete", "caminhoneta", "bakkie", "double cabin",
                       "double cab", "double cabine", "cabine dupla"),
            **_phrases(BodyType.SEDAN, "sedan", "saloon", "berline", "seda"),
            **_phrases(BodyType.HATCHBACK, "hatchback", "hatch"),
            **_phrases(BodyType.VAN, "van", "minibus", "mini bus", "bus", "fourgon",
                       "fourgonnette", "furgao", "kombi", "danfo", "matatu", "trotro"),
            **_phrases(BodyType.MINIVAN, "minivan", "mini van", "monospace", "monovolume",
                       "people carrier"),
            **_phrases(BodyType.COUPE, "coupe"),
            **_phrases(BodyType.WAGON, "wagon", "station wagon", "estate", "perua"),
            **_phrases(BodyType.TRUCK, "truck", "lorry", "camion", "camiao", "caminhao",
                       "poids lourd", "tipper"),
        },
        "fuel": {
            **_phrases(Fuel.DIESEL, "diesel", "gasoil", "gazole", "gasoleo", "gas oil"),
            **_phrases(Fuel.GASOLINE, "petrol", "gas", "gasoline", "essence", "gasolina", "pms"),
            **_phrases(Fuel.HYBRID, "hybrid", "hybride", "hibrido", "hibrida"),
            **_phrases(Fuel.ELECTRIC, "electric", "electrique", "eletrico", "eletrica",
                       "electrico", "ev"),
            **_phrases(Fuel.FLEX, "flex", "flex fuel", "flexfuel"),
        },
        "transmission": {
            **_phrases(Transmission.AUTOMATIC, "automatic", "auto", "automatique", "automatico",
                       "automatica", "boite auto", "boite automatique", "caixa automatica",
                       "cambio automatico", "transmission automatique"),
            **_phrases(Transmission.MANUAL, "manual", "manuelle", "manuel", "boite manuelle",
                       "boite mecanique", "caixa manual", "cambio manual", "stick",
                       "stick shift", "mt"),
            **_phrases(Transmission.CVT, "cvt"),
        },
        "drive": {
            **_phrases(Drive.FOUR_WD, "4x4", "4 x 4", "4wd", "4 wd", "4 wheel drive",
                       "four wheel drive", "4 roues motrices", "quatre roues motrices"),
            **_phrases(Drive.AWD, "awd", "all wheel drive", "traction integrale",
                       "transmission integrale", "tracao integral"),
            **_phrases(Drive.FWD, "fwd", "front wheel drive", "traction avant",
                       "tracao dianteira"),
            **_phrases(Drive.RWD, "rwd", "rear wheel drive", "propulsion", "tracao traseira"),
        },
        "steering": {
            **_phrases(Steering.RHD, "rhd", "right hand drive", "right hand", "righthand drive",
                       "right hand steering", "volant a droite", "conduite a droite",
                       "volante a direita", "direcao a direita", "mao inglesa"),
            **_phrases(Steering.LHD, "lhd", "left hand drive", "left hand", "lefthand drive",
                       "volant a gauche", "conduite a gauche", "volante a esquerda",
                       "direcao a esquerda"),
        },
        "colour": {
            **_phrases("white", "white", "blanc", "blanche", "branco", "branca"),
            **_phrases("black", "black", "noir", "noire", "preto", "preta", "negro"),
            **_phrases("silver", "silver", "argent", "argente", "argentee", "prata",
                       "prateado", "prateada"),
            **_phrases("grey", "grey", "gray", "gris", "grise", "cinza", "cinzento",
                       "cinzenta"),
            **_phrases("blue", "blue", "bleu", "bleue", "azul"),
            **_phrases("red", "red", "rouge", "vermelho", "vermelha"),
            **_phrases("beige", "beige", "bege"),
            **_phrases("brown", "brown", "marron", "brun", "brune", "castanho", "marrom"),
            **_phrases("green", "green", "vert", "verte", "verde"),
            **_phrases("gold", "gold", "dore", "doree", "dourado", "dourada"),
            **_phrases("yellow", "yellow", "jaune", "amarelo", "amarela"),
            **_phrases("orange", "orange", "laranja"),
        },
    }.items()
    for phrase, value in table.items()
}  # fmt: skip
# "une auto", "um auto": the word for a car, not the gearbox.
_ARTICLES: Final = _word_set("une un l la les des mon ma mes cette um uma o os meu minha")
_NEGATIONS: Final = _word_set("not no non pas sans nao sem without except sauf exceto")

# Phrases that look like something else and mean nothing for the search.
_IDIOMS: Final = frozenset(
    ["what about", "how about", "how much", "d accord", "s il vous plait", "s il te plait",
     "por favor", "tudo bem", "what of"]
)  # fmt: skip

_CHEAPER: Final = frozenset(
    ["cheaper", "cheap", "less expensive", "more affordable", "lower price", "cheaper ones",
     "moins cher", "moins chere", "moins chers", "moins cheres", "pas cher", "pas chere",
     "bon marche", "meilleur marche", "plus abordable", "prix plus bas", "mais barato",
     "mais barata", "mais baratos", "mais baratas", "barato", "barata", "mais em conta",
     "em conta", "preco mais baixo"]
)  # fmt: skip

_STOP_WORDS: Final = _word_set(
    # English and Pidgin
    """i im me my we you u a an the some any one ones is are am be do does have has got get want
    wants wanna need needs looking look find search searching show see buy buying sell selling
    for of in on at to with and or but please pls plz thanks thank hi hello hey good morning
    afternoon evening car cars vehicle vehicles ride how much what which price prices cost costs
    available stock there it its that this these those only just also too still instead again
    like would could can will yes year years model models make type kind used new foreign clean
    nice very really sir boss bro oga madam now today asap something anything other others
    another else same ok okay okey then than so abeg dey wan wey una na sabi don go fit wetin dem
    dis dat ehn o oo ooo sha biko jare abi shey self sef tokunbo naija bros pls about around
    from up over under below above max min maximum minimum budget between more less least most
    """
    # French
    """je j moi m tu vous nous on il elle un une des le la les l du de d au aux en et ou pour
    avec dans sur par que qui quoi cherche recherche chercher veux voudrais voulais aimerais
    besoin acheter achete avoir avez ai est sont c ce cette ces voiture voitures vehicule
    vehicules bagnole svp stp plait s merci bonjour bonsoir salut prix combien coute quel quelle
    quels quelles annee modele marque genre seulement uniquement juste aussi encore plutot autre
    autres disponible dispo occasion neuf neuve bien bon bonne tres peu patron chef mon ma mes
    ton votre y vendre vente moins plus entre environ jusqu jusque partir depuis alors donc oui
    voila
    """
    # Portuguese
    """eu mim meu minha voce vc tu nos um uma uns umas o os a as do da dos das em no na nas e
    para pra por com que quero queria gostaria procuro procurando estou to busco preciso comprar
    tem tens ha carro carros viatura viaturas veiculo veiculos favor obrigado obrigada boa dia
    tarde noite ola oi preco precos quanto quantos custa qual quais ano modelo marca tipo so
    somente apenas tambem ainda outro outra outros outras disponivel usado usada novo nova mano
    irmao chefe venda vendas vende ultimo ultima mais menos ate cerca desde algum alguma coisa ai
    bom bem
    """
)

# Comparators written before a number: (direction, what they imply, strict for years).
_AT_MOST, _AT_LEAST, _AROUND = "at_most", "at_least", "around"
_PRICE, _YEAR = "price", "year"


@dataclass(frozen=True)
class _Comparator:
    direction: str
    implies: str | None = None  # _PRICE or _YEAR when only one of them reads this way
    strict: bool = False  # for years: "older than 2010" is 2009 at most


def _comparators(comparator: _Comparator, phrases: str) -> dict[str, _Comparator]:
    return dict.fromkeys((p.strip() for p in phrases.split(",")), comparator)


_BEFORE: Final[Mapping[str, _Comparator]] = {
    **_comparators(
        _Comparator(_AT_MOST, _PRICE),
        """under, below, less than, lower than, cheaper than, not more than, no more than,
        not above, not over, within, budget, my budget, budget of, wey no pass, no pass, no reach,
        not pass, moins de, moins que, pas plus de, pas plus que, inferieur a, inferieure a,
        en dessous de, au dessous de, sous, budget de, mon budget, menos de, menos que,
        abaixo de, nao mais de, nao mais que, inferior a, orcamento, orcamento de,
        meu orcamento, <, <=, ≤""",
    ),
    **_comparators(
        _Comparator(_AT_MOST),
        """max, maximum, up to, at most, until, till, jusqu a, jusqua, jusque, au maximum,
        au plus, ate, no maximo, maximo, no max""",
    ),
    **_comparators(
        _Comparator(_AT_LEAST, _PRICE),
        """above, over, more than, higher than, plus de, plus que, superieur a, au dessus de,
        mais de, mais que, acima de, superior a, >, >=, ≥""",
    ),
    **_comparators(
        _Comparator(_AT_LEAST),
        """at least, min, minimum, from, starting at, starting from, a partir de, au moins,
        des, pelo menos, no minimo, minimo""",
    ),
    **_comparators(
        _Comparator(_AT_LEAST, _YEAR),
        """since, not older than, no older than, depuis, pas plus ancien que,
        pas plus vieux que, desde, nao mais antigo que, nao mais velho que""",
    ),
    **_comparators(
        _Comparator(_AT_LEAST, _YEAR, strict=True),
        """newer than, after, later than, apres, plus recent que, depois de, mais novo que,
        mais recente que""",
    ),
    **_comparators(_Comparator(_AT_MOST, _YEAR), "not newer than, no newer than"),
    **_comparators(
        _Comparator(_AT_MOST, _YEAR, strict=True),
        """older than, before, earlier than, avant, plus ancien que, plus vieux que, antes de,
        mais antigo que, mais velho que""",
    ),
    **_comparators(
        _Comparator(_AROUND),
        """around, about, approximately, approx, roughly, circa, ~, environ, autour de,
        aux alentours de, vers, a peu pres, dans les, cerca de, por volta de, aproximadamente,
        mais ou menos, em torno de, uns, umas""",
    ),
}
_AFTER: Final[Mapping[str, _Comparator]] = {
    **_comparators(
        _Comparator(_AT_MOST),
        """or less, or below, or under, or lower, or cheaper, and below, and under, max,
        maximum, at most, tops, budget, ou moins, au maximum, au plus, maxi, et moins, ou menos,
        no maximo, maximo, no max, e menos""",
    ),
    **_comparators(
        _Comparator(_AT_LEAST),
        """or more, or above, or over, and above, and up, and over, minimum, min, at least, +,
        ou plus, et plus, au moins, au minimum, ou mais, e mais, no minimo, pelo menos,
        para cima, pra cima, ou acima, e acima""",
    ),
    **_comparators(
        _Comparator(_AT_LEAST, _YEAR),
        """or newer, or later, and newer, and later, or more recent, upward, upwards, onward,
        onwards, ou plus recent, ou plus recente, et plus recent, ou apres, ou mais novo,
        ou mais nova, ou mais recente, em diante, ou superior, ou posterior""",
    ),
    **_comparators(
        _Comparator(_AT_MOST, _YEAR),
        """or older, or earlier, and older, and earlier, ou plus ancien, ou plus vieux,
        ou avant, ou anterieur, ou mais antigo, ou mais velho, ou antes, ou anterior""",
    ),
}

_KM_UNITS: Final = _word_set(
    "km kms kilometer kilometers kilometre kilometres kilometro kilometros quilometro quilometros"
)
_MILE_UNITS: Final = _word_set("mi mile miles milles milhas milha")
_SEAT_WORDS: Final = _word_set(
    "seater seaters seat seats sitter sitters places place lugares lugar passengers passenger "
    "passagers passager passageiros pax"
)
_MILEAGE_WORDS: Final = _word_set(
    "mileage kilometrage quilometragem odometer compteur kilometragem"
)

# name key -> (make, model) choices, the first the vocabulary knows wins (else the first).
_NAME_SYNONYMS: Final[Mapping[str, tuple[tuple[str, str | None], ...]]] = {
    **dict.fromkeys(["benz", "mercedes", "merc", "mercedez", "mercedezbenz"],
                    (("Mercedes-Benz", None),)),
    **dict.fromkeys(["chevy", "chev"], (("Chevrolet", None),)),
    **dict.fromkeys(["vw", "volks", "volkswagon"], (("Volkswagen", None),)),
    "prado": (("Toyota", "Land Cruiser Prado"), ("Toyota", "Prado")),
    "cruiser": (("Toyota", "Land Cruiser"),),
}  # fmt: skip


def _words_of(phrases: Iterable[str]) -> set[str]:
    return {word for phrase in phrases for word in re.findall(r"[a-z0-9]+", phrase)}


# Words that are never read as a make or model, even when one is spelt close to them.
_PROTECTED: Final = frozenset(
    _STOP_WORDS
    | _words_of(_ATTRIBUTES)
    | _words_of(_BEFORE)
    | _words_of(_AFTER)
    | _words_of(_CHEAPER)
    | _words_of(_IDIOMS)
    | _words_of(PRICE_WORDS)
    | _KM_UNITS
    | _MILE_UNITS
    | _SEAT_WORDS
    | _MILEAGE_WORDS
    | _NEGATIONS
)


# Single words that are never a make or model, even one spelt exactly so.
_NOT_NAMES: Final = _STOP_WORDS | {p for p in _ATTRIBUTES if " " not in p} | PRICE_WORDS


def _regex_of(phrases: Iterable[str]) -> str:
    """Alternatives for phrases, longest first; words joined by spaces or hyphens."""
    ordered = sorted(phrases, key=len, reverse=True)
    return "|".join(r"[\s\-]+".join(re.escape(word) for word in p.split()) for p in ordered)


_FILLERS = r"(?:[\s:,\-]+(?:is|of|de|d|est|e|na|do|da|du|be))*"
_BEFORE_RE: Final = re.compile(
    rf"(?<![a-z0-9])(?P<phrase>{_regex_of(_BEFORE)}){_FILLERS}[\s:,\-]*$"
)
_AFTER_RE: Final = re.compile(rf"[\s,]*(?P<phrase>{_regex_of(_AFTER)})(?![a-z0-9])")
_UNIT_RE: Final = re.compile(rf"\s*(?P<unit>{_regex_of(_KM_UNITS | _MILE_UNITS)})(?![a-z0-9])")
_SEATS_RE: Final = re.compile(rf"[\s\-]*(?:{_regex_of(_SEAT_WORDS)})(?![a-z0-9])")
_MILEAGE_BEFORE_RE: Final = re.compile(
    rf"(?<![a-z0-9])(?:{_regex_of(_MILEAGE_WORDS)})(?:[\s:,\-]+(?:of|de|is|e))*[\s:,\-]*$"
)
_RANGE_JOIN_RE: Final = re.compile(
    r"\s*[-–—/]\s*|\s+(?:to|till|until|and|or|a|au|ate|et|ou|e|up to|jusqu a)\s+"
)
_RANGE_OPENER_RE: Final = re.compile(r"(?<![a-z0-9])(?:between|entre|from|de|des|du)\s+$")
_TOKEN_RE: Final = re.compile(r"[0-9a-z]+")
_MASK: Final = "\x00"


def _key(phrase: str) -> str:
    """A matched phrase as its lexicon key: "au-dessus  de" -> "au dessus de"."""
    return " ".join(re.findall(r"[a-z0-9]+|[^\sa-z0-9\-]+", phrase))


# --- The reading of one message -------------------------------------------------------------


@dataclass(frozen=True)
class _Token:
    text: str
    start: int
    end: int


@dataclass
class _Draft:
    """Filters as they are read; field names are those of `VehicleFilters`."""

    make: str | None = None
    model: str | None = None
    year_min: int | None = None
    year_max: int | None = None
    price_min_cents: int | None = None
    price_max_cents: int | None = None
    body_types: list[BodyType] = field(default_factory=list)
    fuel: Fuel | None = None
    transmission: Transmission | None = None
    drive: Drive | None = None
    mileage_max_km: int | None = None
    seats_min: int | None = None
    steering: Steering | None = None
    colour: str | None = None
    location: str | None = None


_BOUNDS: Final[Mapping[str, tuple[str, str]]] = {
    "year": ("year_min", "year_max"),
    "price": ("price_min_cents", "price_max_cents"),
}


class _Reading:
    """The message, its folded copy, what is consumed so far, and what was read."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.folded = fold_aligned(text)
        self.used = [False] * len(text)
        self.draft = _Draft()
        self.mentioned: set[str] = set()
        self.corrections: dict[str, str] = {}
        self.unread: list[Unread] = []
        self.currency: str | None = None
        self.wants_cheaper = False

    def masked(self) -> str:
        return "".join(
            _MASK if used else char for char, used in zip(self.folded, self.used, strict=True)
        )

    def consume(self, start: int, end: int) -> None:
        for i in range(max(start, 0), min(end, len(self.used))):
            self.used[i] = True

    def typed(self, start: int, end: int) -> str:
        return self.text[start:end].strip()

    def tokens(self) -> list[_Token]:
        return [_Token(m.group(), m.start(), m.end()) for m in _TOKEN_RE.finditer(self.masked())]

    def refuse(self, start: int, end: int, reason: UnreadReason) -> None:
        self.consume(start, end)
        self.unread.append(Unread(self.typed(start, end), reason))

    def set(self, name: str, value: object, start: int, end: int) -> bool:
        """Sets a filter once; a different second value is a conflict (False)."""
        current = getattr(self.draft, name)
        if name == "body_types":
            if value not in current:
                current.append(value)
        elif current is None or current == value:
            setattr(self.draft, name, value)
        else:
            self.refuse(start, end, UnreadReason.CONFLICT)
            return False
        self.mentioned.add(name)
        self.consume(start, end)
        return True

    def set_bounds(
        self, group: str, low: int | None, high: int | None, start: int, end: int
    ) -> None:
        """Sets a year or price range; a bound that contradicts the ones read before is refused."""
        low_name, high_name = _BOUNDS[group]
        old_low, old_high = getattr(self.draft, low_name), getattr(self.draft, high_name)
        new_low = low if low is not None else old_low
        new_high = high if high is not None else old_high
        clashes = (low is not None and old_low not in (None, low)) or (
            high is not None and old_high not in (None, high)
        )
        if clashes or (new_low is not None and new_high is not None and new_low > new_high):
            self.refuse(start, end, UnreadReason.CONFLICT)
            return
        self.draft.__dict__.update({low_name: new_low, high_name: new_high})
        self.mentioned.update(n for n, v in ((low_name, low), (high_name, high)) if v is not None)
        self.consume(start, end)


def _runs(tokens: list[_Token], masked: str) -> list[list[_Token]]:
    """Tokens split where something consumed lies between them."""
    runs: list[list[_Token]] = []
    for token in tokens:
        if runs and _MASK not in masked[runs[-1][-1].end : token.start]:
            runs[-1].append(token)
        else:
            runs.append([token])
    return runs


def _spans(reading: _Reading, max_words: int, min_words: int = 1) -> Iterable[list[_Token]]:
    """Candidate phrases, longest first at each position; skip what a caller consumed."""
    masked = reading.masked()
    for run in _runs(reading.tokens(), masked):
        i = 0
        while i < len(run):
            if reading.used[run[i].start]:
                i += 1
                continue
            for size in range(min(max_words, len(run) - i), min_words - 1, -1):
                span = run[i : i + size]
                if not any(reading.used[t.start] for t in span):
                    yield span
            i += 1


def _phrase(span: list[_Token]) -> str:
    return " ".join(token.text for token in span)


# --- Passes ----------------------------------------------------------------------------------


def _read_lexicon(reading: _Reading, *, several_words: bool) -> None:
    """Attribute words and idioms: phrases of 2-4 words, or single words (plurals too)."""
    for span in _spans(reading, 4 if several_words else 1, 2 if several_words else 1):
        phrase = _phrase(span)
        start, end = span[0].start, span[-1].end
        if phrase in _IDIOMS:
            reading.consume(start, end)
            continue
        entry = _ATTRIBUTES.get(phrase) or _ATTRIBUTES.get(_singular(phrase))
        if entry is None:
            continue
        before = _previous_word(reading.folded, start)
        if before is not None and _belongs_to_what_precedes(phrase, before[0]):
            if phrase in ("auto", "autos"):
                reading.consume(start, end)
            continue
        negation = _negation_before(reading.folded, start)
        if negation is not None:
            reading.refuse(negation, end, UnreadReason.UNSUPPORTED)
            continue
        reading.set(*entry, start, end)


def _belongs_to_what_precedes(phrase: str, before: str) -> bool:
    """ "une auto" is a car, not a gearbox; "500 000 MT" are meticais, not a manual gearbox."""
    if phrase in ("auto", "autos"):
        return before in _ARTICLES
    if phrase == "mt":
        year_like = before.isdigit() and len(before) == 4 and 1900 <= int(before) <= 2099
        return before in MULTIPLIERS or (any(c.isdigit() for c in before) and not year_like)
    return False


def _singular(word: str) -> str:
    if word.endswith("es") and word[:-2] in _ATTRIBUTES:
        return word[:-2]
    return word[:-1] if word.endswith("s") else word


_PREVIOUS_WORD_RE: Final = re.compile(r"([0-9a-z]+)[\s,]*$")


def _previous_word(folded: str, start: int) -> tuple[str, int] | None:
    """The word right before `start` (only spaces or commas between), and where it starts."""
    match = _PREVIOUS_WORD_RE.search(folded, max(0, start - 40), start)
    return (match[1], match.start()) if match else None


def _negation_before(folded: str, start: int) -> int | None:
    """Where "not" / "pas de" / "sem" right before `start` begins, if there is one."""
    before = _previous_word(folded, start)
    if before is not None and before[0] in {"de", "d"}:
        before = _previous_word(folded, before[1])
    return before[1] if before is not None and before[0] in _NEGATIONS else None


def _read_names(reading: _Reading, vocabulary: Vocabulary) -> None:
    """Makes and models: exact names or synonyms first, then typos of whole names.

    At each word, the longest exact name wins; only when none starts there is a typo looked for,
    and a typo spanning several words must be of a name of as many words ("land cruser").
    """
    names = {**vocabulary.makes, **vocabulary.models}
    spans_at: dict[int, list[list[_Token]]] = {}
    for span in _spans(reading, MAX_NAME_WORDS):
        spans_at.setdefault(span[0].start, []).append(span)
    for candidates in spans_at.values():
        spans = [span for span in candidates if not any(reading.used[t.start] for t in span)]
        found = _first_name(spans, vocabulary, names)
        if found is None:
            continue
        span, (make, model, corrected) = found
        start, end = span[0].start, span[-1].end
        read = [reading.set(n, v, start, end) for n, v in (("make", make), ("model", model)) if v]
        if corrected and all(read):
            reading.corrections[reading.typed(start, end)] = model or make or ""


_Name = tuple[str | None, str | None, bool]  # make, model, corrected from a typo


def _first_name(
    spans: list[list[_Token]], vocabulary: Vocabulary, names: dict[str, str]
) -> tuple[list[_Token], _Name] | None:
    """The longest span that is a name or synonym; failing that, the longest typo of a name."""
    for span in spans:
        if (exact := _exact_name(span, vocabulary)) is not None:
            return span, exact
    for span in spans:
        if (typo := _typo_of_name(span, vocabulary, names)) is not None:
            return span, typo
    return None


def _exact_name(span: list[_Token], vocabulary: Vocabulary) -> _Name | None:
    key = name_key(_phrase(span))
    if len(span) == 1 and span[0].text in _NOT_NAMES:
        return None
    if key in vocabulary.makes:
        return vocabulary.makes[key], None, False
    if key in vocabulary.models:
        return None, vocabulary.models[key], False
    if key in _NAME_SYNONYMS:
        make, model = _synonym(_NAME_SYNONYMS[key], vocabulary)
        return make, model, False
    return None


def _synonym(
    choices: tuple[tuple[str, str | None], ...], vocabulary: Vocabulary
) -> tuple[str, str | None]:
    for make, model in choices:
        if model is not None and name_key(model) in vocabulary.models:
            return vocabulary.makes.get(name_key(make), make), vocabulary.models[name_key(model)]
    make, model = choices[0]
    return vocabulary.makes.get(name_key(make), make), model


def _typo_of_name(
    span: list[_Token], vocabulary: Vocabulary, names: dict[str, str]
) -> _Name | None:
    if len(span) == 1 and span[0].text in _PROTECTED:
        return None
    if any(t.text in _STOP_WORDS or t.text.isdigit() for t in span):
        return None
    known = vocabulary.closest(_phrase(span), names)
    if known is None or len(words(known)) < len(span):
        return None
    if name_key(known) in vocabulary.makes:
        return known, None, True
    return None, known, True


def _read_cheaper(reading: _Reading) -> None:
    for span in _spans(reading, 3):
        if _phrase(span) in _CHEAPER:
            reading.wants_cheaper = True
            reading.consume(span[0].start, span[-1].end)


def _read_currency_words(reading: _Reading) -> None:
    for start, end, currency in currency_spans(reading.masked()):
        reading.currency = reading.currency or currency
        reading.consume(start, end)


def _report_leftovers(reading: _Reading) -> None:
    """Runs of consecutive unknown words, each reported once ("low mileage")."""
    for run in _runs(reading.tokens(), reading.masked()):
        unknown: list[_Token] = []
        for token in [*run, None]:
            if token is not None and token.text not in _STOP_WORDS | _NEGATIONS:
                unknown.append(token)
            elif unknown:
                reading.refuse(unknown[0].start, unknown[-1].end, UnreadReason.UNKNOWN)
                unknown = []


# --- Numbers ---------------------------------------------------------------------------------


@dataclass
class _Mention:
    """One number or a range of two, with the words around them that say what they are."""

    amounts: list[Amount]
    start: int
    end: int
    comparator: _Comparator | None = None
    unit: str | None = None  # "km" or "mi"
    seats: bool = False

    @property
    def is_range(self) -> bool:
        return len(self.amounts) == 2


def _read_numbers(reading: _Reading, rates: ExchangeRates) -> None:
    masked = reading.masked()
    amounts = [a for a in find_amounts(masked) if not a.suffix or _unit(a.suffix)]
    mentions = _mentions(amounts, masked)
    next_starts: list[int | None] = [m.start for m in mentions[1:]]
    for mention, next_start in zip(mentions, [*next_starts, None], strict=False):
        _describe(mention, masked, next_start)
        kind = _kind(mention)
        if kind == "mileage":
            _read_mileage(reading, mention)
        elif kind == "seats":
            _read_seats(reading, mention)
        elif kind == _YEAR:
            _read_years(reading, mention)
        else:
            _read_prices(reading, mention, rates)


def _unit(word: str) -> str | None:
    if word in _KM_UNITS:
        return "km"
    return "mi" if word in _MILE_UNITS else None


def _mentions(amounts: list[Amount], masked: str) -> list[_Mention]:
    """Single numbers, and pairs joined by "-", "to", "et", "a"... as ranges."""
    mentions: list[_Mention] = []
    i = 0
    while i < len(amounts):
        first = amounts[i]
        second = amounts[i + 1] if i + 1 < len(amounts) else None
        opener = _RANGE_OPENER_RE.search(masked, max(0, first.start - 12), first.start)
        if (
            second is not None
            and not first.suffix
            and _RANGE_JOIN_RE.fullmatch(masked, first.end, second.start)
            and (opener or _same_kind(first, second))
        ):
            start = opener.start() if opener else first.start
            mentions.append(_Mention([first, second], start, second.end))
            i += 2
            continue
        mentions.append(_Mention([first], first.start, first.end))
        i += 1
    return mentions


def _year_shaped(amount: Amount) -> bool:
    return amount.is_bare and 1900 <= amount.number <= 2099 and amount.number == int(amount.number)


def _same_kind(first: Amount, second: Amount) -> bool:
    return _year_shaped(first) == _year_shaped(second)


def _describe(mention: _Mention, masked: str, next_start: int | None) -> None:
    """Finds the unit, seat word and comparator around a mention, and widens it over them.

    A word between two numbers ("2015 max 15k") is the comparator of the number it precedes.
    """
    last = mention.amounts[-1]
    if last.suffix:
        mention.unit = _unit(last.suffix)
        mention.end = last.end + len(last.suffix)
    elif unit := _UNIT_RE.match(masked, mention.end):
        mention.unit = _unit(_key(unit["unit"]))
        mention.end = unit.end()
    elif not mention.is_range and (seats := _SEATS_RE.match(masked, mention.end)):
        mention.seats = True
        mention.end = seats.end()
    if not mention.is_range:
        before = _BEFORE_RE.search(masked, max(0, mention.start - 60), mention.start)
        if before is not None:
            mention.comparator = _BEFORE[_key(before["phrase"])]
            mention.start = before.start()
        elif (after := _AFTER_RE.match(masked, mention.end)) and (
            next_start is None or masked[after.end() : next_start].strip()
        ):
            mention.comparator = _AFTER[_key(after["phrase"])]
            mention.end = after.end()
    mileage = _MILEAGE_BEFORE_RE.search(masked, max(0, mention.start - 30), mention.start)
    if mileage is not None:  # "mileage under 100000": km unless a unit follows
        mention.unit, mention.start = mention.unit or "km", mileage.start()


def _kind(mention: _Mention) -> str:
    if mention.unit:
        return "mileage"
    if mention.seats:
        return "seats"
    if mention.comparator is not None and mention.comparator.implies is not None:
        implied = mention.comparator.implies
        if implied == _PRICE or all(a.is_bare for a in mention.amounts):
            return implied
    return _YEAR if all(_year_shaped(a) for a in mention.amounts) else _PRICE


def _direction(mention: _Mention) -> str | None:
    return mention.comparator.direction if mention.comparator else None


def _read_years(reading: _Reading, mention: _Mention) -> None:
    years = [int(a.number) for a in mention.amounts]  # whole numbers: see _kind
    start, end = mention.start, mention.end
    step = 1 if mention.comparator is not None and mention.comparator.strict else 0
    direction = _direction(mention)
    if mention.is_range:
        low, high = sorted(years)
    elif direction == _AT_LEAST:
        low, high = years[0] + step, None
    elif direction == _AT_MOST:
        low, high = None, years[0] - step
    elif direction == _AROUND:
        low, high = years[0] - 1, years[0] + 1
    else:
        low = high = years[0]
    if any(y is not None and not MIN_YEAR <= y <= MAX_YEAR for y in (low, high)):
        if direction == _AROUND and MIN_YEAR <= years[0] <= MAX_YEAR:
            low, high = max(low or MIN_YEAR, MIN_YEAR), min(high or MAX_YEAR, MAX_YEAR)
        else:
            reading.refuse(start, end, UnreadReason.IMPLAUSIBLE)
            return
    reading.set_bounds(_YEAR, low, high, start, end)


def _read_prices(reading: _Reading, mention: _Mention, rates: ExchangeRates) -> None:
    start, end = mention.start, mention.end
    amounts = _share_marks(mention.amounts)
    if any(a.negative or abs(a.value) > MAX_AMOUNT for a in amounts):
        reading.refuse(start, end, UnreadReason.IMPLAUSIBLE)
        return
    try:
        cents = [rates.to_catalog(a.money()).minor for a in amounts]
    except UnknownCurrency:
        reading.refuse(start, end, UnreadReason.UNKNOWN_CURRENCY)
        return
    if not all(MIN_PRICE_CENTS <= c <= MAX_PRICE_CENTS for c in cents):
        reading.refuse(start, end, UnreadReason.IMPLAUSIBLE)
        return
    direction = _direction(mention)
    if mention.is_range:
        low, high = sorted(cents)
    elif direction == _AT_LEAST:
        low, high = cents[0], None
    elif direction == _AROUND:
        low = cents[0] * (100 - AROUND_PRICE_PERCENT) // 100
        high = cents[0] * (100 + AROUND_PRICE_PERCENT) // 100
    else:
        low, high = None, cents[0]
    reading.currency = reading.currency or amounts[0].currency or CATALOG_CURRENCY
    reading.set_bounds(_PRICE, low, high, start, end)


def _share_marks(amounts: list[Amount]) -> list[Amount]:
    """ "5-8k", "5 to 8 million naira": the first number takes the multiplier and currency."""
    if len(amounts) < 2:
        return amounts
    first, second = amounts
    currency = first.currency or second.currency
    multiplier = first.multiplier
    if multiplier == 1 and first.number * second.multiplier <= second.value:
        multiplier = second.multiplier
    return [
        Amount(first.number, multiplier, currency, first.start, first.end, first.grouped,
               first.negative, first.suffix),
        Amount(second.number, second.multiplier, second.currency or currency, second.start,
               second.end, second.grouped, second.negative, second.suffix),
    ]  # fmt: skip


def _read_mileage(reading: _Reading, mention: _Mention) -> None:
    start, end = mention.start, mention.end
    if _direction(mention) == _AT_LEAST:
        reading.refuse(start, end, UnreadReason.UNSUPPORTED)
        return
    value = max(a.value for a in mention.amounts)
    km = round(value * Decimal(str(KM_PER_MILE))) if mention.unit == "mi" else round(value)
    if any(a.negative for a in mention.amounts) or not 0 < km <= MAX_MILEAGE_KM:
        reading.refuse(start, end, UnreadReason.IMPLAUSIBLE)
        return
    reading.set("mileage_max_km", km, start, end)


def _read_seats(reading: _Reading, mention: _Mention) -> None:
    start, end = mention.start, mention.end
    amount = mention.amounts[0]
    if _direction(mention) == _AT_MOST:
        reading.refuse(start, end, UnreadReason.UNSUPPORTED)
        return
    if not amount.is_bare or not 1 <= amount.number <= MAX_SEATS:
        reading.refuse(start, end, UnreadReason.IMPLAUSIBLE)
        return
    reading.set("seats_min", int(amount.number), start, end)


# --- Entity hints ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Hint:
    entity: str
    value: str
    role: str | None
    start: int | None
    end: int | None


def _hints(entities: Sequence[Mapping[str, Any]] | None, length: int) -> list[_Hint]:
    hints = []
    for entity in entities or ():
        name = str(entity.get("entity", "")).lower()
        value = entity.get("value")
        if name not in ENTITY_NAMES or value is None or str(value).strip() == "":
            continue
        start, end = entity.get("start"), entity.get("end")
        valid_span = isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= length
        role = entity.get("role")
        hints.append(
            _Hint(
                entity="colour" if name == "color" else name,
                value=str(value).strip(),
                role=str(role).lower() if role else None,
                start=start if valid_span else None,
                end=end if valid_span else None,
            )
        )
    return hints


def _apply_hints(
    reading: _Reading, hints: list[_Hint], vocabulary: Vocabulary, rates: ExchangeRates
) -> None:
    """Entity values override what the text said (they come from a trained model)."""
    hint_currency = next((find_currency(h.value) or _code(h.value, rates)
                          for h in hints if h.entity == "currency"), None)  # fmt: skip
    if hint_currency:
        reading.currency = hint_currency
    for hint in hints:
        if hint.entity == "currency":
            continue
        if not _apply_hint(reading, hint, vocabulary, rates, hint_currency):
            reading.unread.append(Unread(hint.value, UnreadReason.UNKNOWN))


def _code(value: str, rates: ExchangeRates) -> str | None:
    code = value.strip().upper()
    return code if code in rates.currencies else None


def _apply_hint(
    reading: _Reading,
    hint: _Hint,
    vocabulary: Vocabulary,
    rates: ExchangeRates,
    currency: str | None,
) -> bool:
    """Reads one hint into the draft; False when its value means nothing to us."""
    hinted = understand(hint.value, vocabulary=vocabulary, rates=rates)
    draft, entity = hinted.filters, hint.entity
    if entity in ("make", "model"):
        value = getattr(draft, entity) or hint.value[:60]
        _override(reading, {entity: value})
        reading.corrections.update(hinted.corrections)
        return True
    if entity in ("year", "year_min", "year_max", "price", "price_min", "price_max", "budget"):
        return _apply_bound_hint(reading, hint, vocabulary, rates, currency)
    if entity == "location":
        _override(reading, {"location": hint.value[:120]})
        return True
    if entity == "seats":
        digits = re.search(r"\d+", hint.value)
        seats = int(digits.group()) if digits else 0
        if 1 <= seats <= MAX_SEATS:
            _override(reading, {"seats_min": seats})
        return 1 <= seats <= MAX_SEATS
    if entity == "mileage":
        text = hint.value if _UNIT_RE.search(fold_aligned(hint.value)) else f"{hint.value} km"
        mileage = understand(text, vocabulary=vocabulary, rates=rates).filters.mileage_max_km
        if mileage is not None:
            _override(reading, {"mileage_max_km": mileage})
        return mileage is not None
    name = "body_types" if entity == "body_type" else entity
    value = getattr(draft, name, None) or _enum_value(name, hint.value)
    if name == "colour" and not value and hint.value.isalpha():
        value = hint.value.lower()[:40]  # a colour the lexicon lacks, as the model gave it
    if value:
        _override(reading, {name: value})
    return bool(value)


def _enum_value(name: str, value: str) -> object:
    enums: dict[str, type[enum.StrEnum]] = {
        "body_types": BodyType, "fuel": Fuel, "transmission": Transmission, "drive": Drive,
        "steering": Steering,
    }  # fmt: skip
    kind = enums.get(name)
    if kind is None or value.lower() not in {m.value for m in kind}:
        return None
    member = kind(value.lower())
    return [member] if name == "body_types" else member


_ROLE_OF_ENTITY: Final = {"year_min": "min", "year_max": "max", "price_min": "min",
                          "price_max": "max", "budget": "max"}  # fmt: skip
_YEAR_IN_HINT: Final = re.compile(r"(?<![0-9])[0-9]{4}(?![0-9])")


def _apply_bound_hint(
    reading: _Reading,
    hint: _Hint,
    vocabulary: Vocabulary,
    rates: ExchangeRates,
    currency: str | None,
) -> bool:
    """A year or price entity: its bounds replace those the text gave, by role."""
    role = hint.role or _ROLE_OF_ENTITY.get(hint.entity)
    if hint.entity.startswith("year"):
        group, bounds = _YEAR, _year_hint(hint.value, role)
    else:
        value = hint.value
        if currency and find_currency(value) is None:
            value = f"{value} {currency}"
        words = {"min": "from", "around": "around"}.get(role or "", "under")
        hinted = understand(f"{words} {value}", vocabulary=vocabulary, rates=rates)
        low, high = hinted.filters.price_min_cents, hinted.filters.price_max_cents
        reasons = [unread.reason for unread in hinted.not_understood]
        group, bounds = _PRICE, (low, high) if reasons == [] else reasons[0]
        reading.currency = reading.currency or hinted.currency
    if isinstance(bounds, UnreadReason):
        reading.unread.append(Unread(hint.value, bounds))
        return True
    low_name, high_name = _BOUNDS[group]
    given = {
        name: v for name, v in zip((low_name, high_name), bounds, strict=True) if v is not None
    }
    _override(reading, given)
    low, high = getattr(reading.draft, low_name), getattr(reading.draft, high_name)
    if low is not None and high is not None and low > high:  # the hint wins
        setattr(reading.draft, high_name if low_name in given else low_name, None)
    return True


def _year_hint(value: str, role: str | None) -> tuple[int | None, int | None] | UnreadReason:
    found = sorted(int(year) for year in _YEAR_IN_HINT.findall(value)[:2])
    if not found:
        return UnreadReason.UNKNOWN
    if not all(MIN_YEAR <= year <= MAX_YEAR for year in found):
        return UnreadReason.IMPLAUSIBLE
    if len(found) == 2:
        return found[0], found[1]
    year = found[0]
    around = (max(year - 1, MIN_YEAR), min(year + 1, MAX_YEAR))
    return {"min": (year, None), "max": (None, year), "around": around}.get(
        role or "", (year, year)
    )


def _override(reading: _Reading, values: Mapping[str, object]) -> None:
    reading.draft.__dict__.update(values)
    reading.mentioned.update(values)


# --- Public functions ------------------------------------------------------------------------


def understand(
    text: str,
    *,
    vocabulary: Vocabulary,
    rates: ExchangeRates,
    entities: Sequence[Mapping[str, Any]] | None = None,
) -> Understood:
    """The search a message asks for (see the module docstring for the rules).

    `entities` are Rasa's extracted entities (dicts with entity, value, start, end and an
    optional role "min" / "max" / "around"); known ones (`ENTITY_NAMES`) override the text,
    others are ignored, and a span outside the text is ignored (the value still counts).
    """
    reading = _Reading(text)
    hints = _hints(entities, len(text))
    for hint in hints:
        if hint.start is not None and hint.end is not None:
            reading.consume(hint.start, hint.end)
    _read_lexicon(reading, several_words=True)
    _read_names(reading, vocabulary)
    _read_lexicon(reading, several_words=False)
    _read_numbers(reading, rates)
    _read_cheaper(reading)
    _read_currency_words(reading)
    _report_leftovers(reading)
    _apply_hints(reading, hints, vocabulary, rates)
    return _result(reading, vocabulary)


def _result(reading: _Reading, vocabulary: Vocabulary) -> Understood:
    draft = reading.draft
    if draft.model is not None and draft.make is None:
        makes = vocabulary.makes_of_model.get(name_key(draft.model), frozenset())
        if len(makes) == 1:
            draft.make = vocabulary.makes[next(iter(makes))]
    values = {f.name: getattr(draft, f.name) for f in fields(draft)}
    values["body_types"] = values["body_types"] or None
    return Understood(
        filters=VehicleFilters(**values),
        corrections=reading.corrections,
        currency=reading.currency,
        not_understood=reading.unread,
        wants_cheaper=reading.wants_cheaper,
        mentioned=frozenset(reading.mentioned),
    )


_GROUPS: Final = (
    ("make", "model"),
    ("year_min", "year_max"),
    ("price_min_cents", "price_max_cents"),
    ("body_types",),
    ("fuel",),
    ("transmission",),
    ("drive",),
    ("mileage_max_km",),
    ("seats_min",),
    ("steering",),
    ("colour",),
    ("location",),
)


def understand_follow_up(
    previous: VehicleFilters,
    text: str,
    *,
    vocabulary: Vocabulary,
    rates: ExchangeRates,
    entities: Sequence[Mapping[str, Any]] | None = None,
    cheapest_shown_cents: int | None = None,
) -> Understood:
    """A follow-up message read on top of the previous search (rules in the module docstring).

    `cheapest_shown_cents` is the lowest price among the vehicles the buyer was just shown.
    """
    now = understand(text, vocabulary=vocabulary, rates=rates, entities=entities)
    merged = previous.model_dump()
    for group in _GROUPS:
        if any(name in now.mentioned for name in group):
            merged.update({name: getattr(now.filters, name) for name in group})
    unread = list(now.not_understood)
    if now.wants_cheaper and "price_max_cents" not in now.mentioned:
        ceiling = _cheaper_ceiling(previous.price_max_cents, cheapest_shown_cents)
        if ceiling is None:
            unread.append(Unread(text.strip(), UnreadReason.UNSUPPORTED))
        else:
            merged["price_max_cents"] = ceiling
    low, high = merged["price_min_cents"], merged["price_max_cents"]
    if low is not None and high is not None and low > high:
        merged["price_min_cents"] = None
    return Understood(
        filters=VehicleFilters(**merged),
        corrections=now.corrections,
        currency=now.currency,
        not_understood=unread,
        wants_cheaper=now.wants_cheaper,
        mentioned=now.mentioned,
    )


def _cheaper_ceiling(ceiling: int | None, cheapest_shown: int | None) -> int | None:
    """The whole dollar below the cheapest shown (at most the ceiling), else 80 % of it."""
    if cheapest_shown is not None:
        below = max((cheapest_shown - 1) // 100 * 100, 0)
        return below if ceiling is None else min(below, ceiling)
    if ceiling is not None:
        return ceiling * CHEAPER_PERCENT // 100 // 100 * 100
    return None
